"""Planning commands: `transitions`, `gaps`, `plan` and `transitions-evaluate`.

They read the occupation space from the configured database when it holds the taxonomy's releases (imported with
`bridgeway data import-all`), else from the official files, saying so in one line on standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bridgeway.kit.cli import console, err_console, fail, handles_errors
from bridgeway.kit.errors import BridgewayError
from bridgeway.planning import service as planning_service
from bridgeway.planning.engine.pathways import OBJECTIVES, weighted_objective
from bridgeway.planning.schemas import Catalog, load_catalog, load_profile


class TaxonomyName(StrEnum):
    """Occupation taxonomies planning works within."""

    ESCO = "esco"
    NOC = "noc"
    ONET = "onet"


T = TypeVar("T")


def with_space(taxonomy: str, work: Callable[[Session | None], T]) -> T:
    """Run `work` with a session on the configured database when it holds the taxonomy's releases; otherwise
    with None (the official files), after a one-line notice on standard error."""
    from bridgeway.kit.cli import session_scope

    try:
        with session_scope() as session:
            missing = planning_service.releases_missing(session, taxonomy=taxonomy)
            if not missing:
                return work(session)
        reason = f"the database holds no {', '.join(missing)} release"
    except (OperationalError, ProgrammingError) as exc:
        reason = f"the database cannot be read ({str(exc.orig or exc).splitlines()[0]})"
    err_console.print(
        f"note: {reason}; reading {taxonomy} from the official files (import them with "
        "`bridgeway data import-all`)",
        highlight=False,
        soft_wrap=True,
    )
    return work(None)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(planning_service.to_jsonable(value), ensure_ascii=False) + "\n")


def transitions(
    taxonomy: TaxonomyName = typer.Option(TaxonomyName.ESCO, "--taxonomy", help="Occupation taxonomy"),
    from_code: str | None = typer.Option(
        None, "--from", help="Previous occupation code, or - for codes on stdin"
    ),
    profile: Path | None = typer.Option(None, "--profile", help="Learner profile JSON file"),
    top: int = typer.Option(10, "--top", min=1, max=500, help="How many occupations to list"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", envvar="BRIDGEWAY_DATA_DIR", help="Official data"
    ),
) -> None:
    """Rank target occupations from a previous occupation or a learner profile."""
    if (from_code is None) == (profile is None):
        fail("give exactly one of --from CODE and --profile FILE")
    if from_code == "-":
        raise typer.Exit(_batch(taxonomy.value, top, data_dir))
    try:
        learner = load_profile(profile) if profile is not None else None
        report = with_space(
            taxonomy.value,
            lambda session: planning_service.rank_transitions(
                taxonomy=taxonomy.value,
                from_code=from_code,
                profile=learner,
                top=top,
                data_dir=data_dir,
                session=session,
            ),
        )
    except BridgewayError as exc:
        fail(exc.message)
    if as_json:
        _print_json(report)
        return
    origin = f"from {report.origin_title} ({report.origin})" if report.origin else "for this profile"
    console.print(
        f"[bold]{len(report.recommendations)} transitions {origin}[/] in {taxonomy.value} "
        f"(viable ≥ {report.tiers['viable']:.2f}, highly viable ≥ {report.tiers['highly_viable']:.2f})"
    )
    for rec in report.recommendations:
        outlook = (rec.outlook or {}).get("condition") or "outlook unknown"
        flag = "  [yellow]licence required[/]" if rec.regulated else ""
        console.print(
            f"{rec.rank:>3}. {rec.title} ({rec.code})  score {rec.score:.3f}  skills "
            f"{rec.skills_similarity:.3f}  {rec.tier}  {outlook}{flag}",
            highlight=False,
        )
        if rec.transferable:
            console.print(f"     transfers: {', '.join(rec.transferable[:5])}", highlight=False)
        if rec.missing:
            console.print(f"     missing:   {', '.join(rec.missing[:5])}", highlight=False)


def _batch(taxonomy: str, top: int, data_dir: Path | None) -> int:
    """One code per stdin line → one JSON line per code; unknown codes give an error line; exit 1 if any failed."""
    from bridgeway.planning.engine import learner as learner_engine
    from bridgeway.planning.engine import transitions as transition_engine

    try:
        index = with_space(
            taxonomy,
            lambda session: planning_service.transition_index(
                taxonomy=taxonomy, data_dir=data_dir, session=session
            ),
        )
    except BridgewayError as exc:
        fail(exc.message)
    failed = 0
    out = sys.stdout
    for line in sys.stdin:
        code = line.strip()
        if not code:
            continue
        try:
            row = learner_engine.resolve_occupation(index.space, code)
        except BridgewayError as exc:
            failed += 1
            err_console.print(f"error: {exc.message}", highlight=False)
            out.write(json.dumps({"from": code, "error": exc.code, "message": exc.message}) + "\n")
            continue
        ranked = transition_engine.rank(index, learner_engine.from_occupation(index.space, row), top=top)
        out.write(
            json.dumps(
                {
                    "from": index.space.codes[row],
                    "ranked": [
                        {
                            "code": index.space.codes[r],
                            "score": round(float(s), 4),
                            "skills": round(float(k), 4),
                            "tier": transition_engine.tier_of(index, float(k)),
                        }
                        for r, s, k in zip(ranked.rows, ranked.score, ranked.skills, strict=True)
                    ],
                }
            )
            + "\n"
        )
    out.flush()
    return 1 if failed else 0


@handles_errors
def gaps(
    target: str = typer.Option(..., "--target", help="Target occupation code"),
    profile: Path = typer.Option(..., "--profile", help="Learner profile JSON file"),
    taxonomy: TaxonomyName = typer.Option(TaxonomyName.ESCO, "--taxonomy", help="Occupation taxonomy"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", envvar="BRIDGEWAY_DATA_DIR", help="Official data"
    ),
) -> None:
    """Gap analysis: each requirement of the target, its source, the learner's status and evidence, readiness."""
    learner = load_profile(profile)
    analysis = with_space(
        taxonomy.value,
        lambda session: planning_service.gap_analysis(
            taxonomy=taxonomy.value, code=target, profile=learner, data_dir=data_dir, session=session
        ),
    )
    if as_json:
        _print_json(analysis)
        return
    for report in (analysis.primary, *analysis.crosswalked):
        console.print(
            f"[bold]{report.title}[/] ({report.code}): readiness {report.readiness:.0%}, "
            f"essential {report.essential_readiness:.0%}",
            highlight=False,
        )
        for r in report.requirements:
            evidence = f" — {r.evidence}" if r.evidence else ""
            console.print(f"  {r.status:<8} {r.label} [{r.source}]{evidence}", highlight=False)


@handles_errors
def plan(
    profile: Path = typer.Option(..., "--profile", help="Learner profile JSON file"),
    target: str = typer.Option(..., "--target", help="Target occupation code"),
    taxonomy: TaxonomyName = typer.Option(TaxonomyName.ESCO, "--taxonomy", help="Occupation taxonomy"),
    catalog: Path | None = typer.Option(
        None, "--catalog", help="Catalogue JSON file (default: the database)"
    ),
    objective: str = typer.Option(
        "balanced", "--objective", help="balanced, fastest, cheapest, or a time weight 0–1 (1 = all time)"
    ),
    time_limit: float = typer.Option(0.25, "--time-limit", min=0.01, help="MILP time limit, seconds"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", envvar="BRIDGEWAY_DATA_DIR", help="Official data"
    ),
) -> None:
    """Plan a pathway to a target occupation, with the fastest and cheapest alternatives."""
    if objective in OBJECTIVES:
        chosen = OBJECTIVES[objective]
    else:
        try:
            chosen = weighted_objective(float(objective))
        except ValueError:
            fail(f"unknown objective {objective!r}: use balanced, fastest, cheapest or a number 0–1")
    learner = load_profile(profile)
    cat = load_catalog(catalog) if catalog is not None else _database_catalog()
    report = with_space(
        taxonomy.value,
        lambda session: planning_service.plan(
            profile=learner,
            taxonomy=taxonomy.value,
            target=target,
            catalog=cat,
            objective=chosen,
            time_limit=time_limit,
            data_dir=data_dir,
            session=session,
        ),
    )
    if as_json:
        _print_json(report)
        return
    _print_plan(report)


def _database_catalog() -> Catalog:
    from bridgeway.kit.cli import session_scope

    with session_scope() as session:
        cat = planning_service.catalog_from_database(session)
    if not cat.opportunities:
        fail("the database has no published learning opportunities; pass --catalog FILE")
    return cat


def _print_plan(report: planning_service.PlanReport) -> None:
    res = report.result
    console.print(
        f"[bold]Pathway to {report.title}[/] ({report.target}): readiness {report.readiness_before:.0%}"
        f" → {report.readiness_after['plan']:.0%}",
        highlight=False,
    )
    for name, p in [("plan", res.plan), *res.alternatives.items()]:
        gap = (
            f", gap ≤ {p.optimality_gap:.1%} vs LP bound" if p.solver == "greedy" and p.optimality_gap else ""
        )
        console.print(
            f"  {name:<9} {p.duration_weeks:>3} weeks  {p.total_hours:>6.0f} h  ${p.total_cost:>8,.0f}  "
            f"{len(p.items)} items  solver {p.solver}{gap}",
            highlight=False,
        )
    for it in res.plan.items:
        cred = f"  → {it.credential}" if it.credential else ""
        console.print(
            f"  weeks {it.start_week + 1:>3}–{it.end_week:<3} {it.start_date}  {it.title}  "
            f"{it.hours:g} h ${it.cost:,.0f}{cred}",
            highlight=False,
        )
    for c in res.plan.credentials:
        console.print(f"  credential: {c['credential']} (week {c['week']})", highlight=False)
    for s in res.supports:
        console.print(
            f"  support: {s.kind}: {s.reason}"
            + (f" → {s.opportunity_id}" if s.opportunity_id else " (no catalogue item; refer to a provider)")
        )
    if res.not_offered:
        console.print(f"  not offered by the catalogue: {len(res.not_offered)} competencies")


def register(app: typer.Typer) -> None:
    """Add the planning commands to the CLI."""
    app.command("transitions")(transitions)
    app.command("gaps")(gaps)
    app.command("plan")(plan)
