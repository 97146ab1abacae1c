"""`bridgeway bridging show --learner EMAIL`: a newcomer's intakes and learning plans, for operators and advisors."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.bridging import domain, repository, schemas
from bridgeway.bridging.service import access, reads
from bridgeway.kit.cli import console, fail, handles_errors, session_scope

bridging_app = typer.Typer(
    help="Bridge-training intakes and individual learning plans.", no_args_is_help=True
)


def intakes_for(session: Session, *, learner_email: str, as_email: str | None) -> list[schemas.IntakeRead]:
    """A learner's intakes: all of them for an operator, or those a named advisor may see (tenant, consent)."""
    learner = accounts_service.get_user_by_email(session, learner_email)
    if Role.LEARNER not in accounts_service.roles_of(learner):
        fail(f"'{learner_email}' is not a learner")
    rows = repository.intakes_of_learner(session, learner.id, shared_only=False)
    viewer: Principal = accounts_service.principal_for(learner)
    if as_email is not None:
        viewer = accounts_service.principal_for(accounts_service.get_user_by_email(session, as_email))
        rows = [
            access.staff_intake(session, actor=viewer, intake_id=r.id)
            for r in rows
            if r.institution_id == viewer.institution_id
        ]
    return [reads.read(session, r, viewer=viewer) for r in rows]


def _print(intake: schemas.IntakeRead) -> None:
    out = console.print
    out(
        f"[bold]{intake.learner.name}[/] <{intake.learner.email}> · intake {intake.id} · {intake.status}",
        highlight=False,
    )
    origin = (
        f" · {intake.origin.label} ({intake.origin.source} {intake.origin.code})" if intake.origin else ""
    )
    out(
        f"from {intake.origin_country}{origin}"
        + (f" · {intake.years_experience:g} years" if intake.years_experience is not None else ""),
        highlight=False,
    )
    out(
        f"target: {intake.target.label} (NOC {intake.target.code})"
        + (f" in {intake.province}" if intake.province else ""),
        highlight=False,
    )
    reg = intake.regulation
    if not reg.checked:
        out("regulated: unknown (OaSIS employment requirements not imported)", highlight=False)
    else:
        out(
            f"regulated: {'yes' if reg.regulated else 'no'}"
            + (f" — {reg.licence_note}" if reg.licence_note else ""),
            highlight=False,
            soft_wrap=True,
        )
    lang = intake.language
    test = f"{lang.result.test_name} {lang.result.tested_on}" if lang.result else "no language result"
    out(
        f"language ({test}; need {'assumed' if lang.need_is_assumption else 'entered by the advisor'}):",
        highlight=False,
    )
    for g in lang.gaps:
        level = "?" if g.level is None else str(g.level)
        out(f"  {g.skill:<10} CLB {level:>2} / {g.need:>2}  gap {g.gap}", highlight=False)
    for e in intake.evaluations:
        out(
            f"evaluation: {e.credential_title} → {e.canadian_equivalency or '—'} ({e.agency_name or e.agency}, {e.report_reference or 'no reference'})",
            highlight=False,
        )
    out(
        f"plan (revision {intake.revision}, shared {intake.shared_revision if intake.shared_revision is not None else 'no'}):",
        highlight=False,
    )
    for n, item in enumerate(intake.items, 1):
        when = f" by {item.target_on}" if item.target_on else ""
        extra = f" [{domain.STEP_LABELS[domain.StepKind(item.step_kind)]}]" if item.step_kind else ""
        out(
            f"  {n}. [{item.status}] {item.title}{extra} — {item.owner}{when}",
            highlight=False,
            soft_wrap=True,
        )


@bridging_app.command("show")
@handles_errors
def show(
    learner: Annotated[str, typer.Option("--learner", help="The learner's e-mail")],
    as_email: Annotated[
        str | None, typer.Option("--as", help="Act as this advisor (their institution and consent apply)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Print a learner's bridge-training intakes: origin, licensing, language gaps, evaluations, plan."""
    with session_scope() as session:
        found = intakes_for(session, learner_email=learner, as_email=as_email)
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in found], indent=2, ensure_ascii=False))
        return
    if not found:
        console.print(f"no bridge-training intake for {learner}", highlight=False)
    for intake in found:
        _print(intake)


def register(app: typer.Typer) -> None:
    """Mount the `bridging` command group."""
    app.add_typer(bridging_app, name="bridging")
