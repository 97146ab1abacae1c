"""`bridgeway plar …`: recognition cases from the command line (the registrar's credit export, a caseload).

Commands act as a named staff member (`--as EMAIL`), with that person's roles and institution, so the same
authorisation applies as in the API. To be mounted by `plar/cli.py`'s `register` (`case_cli.register(app)`).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bridgeway.accounts import service as accounts_service
from bridgeway.kit.cli import console, handles_errors, session_scope
from bridgeway.kit.cli import settings as cli_settings
from bridgeway.plar.service import cases, evidence, outcomes

plar_app = typer.Typer(
    help="Prior learning assessment and recognition: cases and credit.", no_args_is_help=True
)

AsOption = Annotated[str, typer.Option("--as", help="E-mail of the staff member acting (their roles apply)")]


@plar_app.command("credit")
@handles_errors
def credit(
    case_id: Annotated[str, typer.Argument(help="The recognition case")],
    as_email: AsOption,
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
) -> None:
    """Print the advanced-placement credit of a decided case for the registrar (CSV or JSON)."""
    if fmt not in ("csv", "json"):
        raise typer.BadParameter("--format is csv or json")
    with session_scope() as session:
        actor = accounts_service.principal_for(accounts_service.get_user_by_email(session, as_email))
        data = outcomes.credit(session, viewer=actor, case_id=case_id)
        text = (
            outcomes.credit_csv(data) if fmt == "csv" else json.dumps(data.model_dump(mode="json"), indent=2)
        )
    typer.echo(text, nl=False if fmt == "csv" else True)


@plar_app.command("caseload")
@handles_errors
def caseload(
    as_email: AsOption, everyone: Annotated[bool, typer.Option(help="Every open case")] = False
) -> None:
    """List the open cases of a staff member (or of their institution): state, waiting on whom, since when."""
    with session_scope() as session:
        actor = accounts_service.principal_for(accounts_service.get_user_by_email(session, as_email))
        for case in cases.caseload(session, actor=actor, mine=not everyone):
            read = cases.read(case, show_portfolio=False)
            console.print(
                f"{read.id}\t{read.state}\t{read.waiting_on}\t{read.state_changed_at:%Y-%m-%d}\t{read.target_label}",
                highlight=False,
                soft_wrap=True,
            )


@plar_app.command("sweep-evidence")
@handles_errors
def sweep_evidence(
    older_than_hours: Annotated[
        float, typer.Option(min=1.0, help="Only files untouched for at least this long (default a day)")
    ] = 24.0,
) -> None:
    """Delete stored evidence files that no portfolio row references (left by uploads that rolled back)."""
    with session_scope() as session:
        removed = evidence.sweep_orphans(
            session, settings=cli_settings(), older_than_seconds=older_than_hours * 3600
        )
    console.print(f"removed {len(removed)} orphan evidence file(s)", highlight=False)


def register(app: typer.Typer) -> None:
    """Mount the `plar` command group."""
    app.add_typer(plar_app, name="plar")
