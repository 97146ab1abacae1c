"""Catalogue commands: `bridgeway catalog list [--json]` and `bridgeway catalog import FILE --as EMAIL`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from bridgeway.accounts import service as accounts_service
from bridgeway.catalog import service as catalog_service
from bridgeway.kit.cli import console, fail, handles_errors, session_scope

catalog_app = typer.Typer(help="The micro-credential catalogue.", no_args_is_help=True)


@catalog_app.command("list")
@handles_errors
def list_opportunities(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
    institution: str | None = typer.Option(None, "--institution", help="Only this institution (slug)"),
) -> None:
    """List every learning opportunity with its latest version and state."""
    with session_scope() as session:
        institution_id = (
            accounts_service.get_institution_by_slug(session, institution).id if institution else None
        )
        rows = catalog_service.opportunities(session, institution_id=institution_id)
        items = [
            {
                "id": o.id,
                "institution_id": o.institution_id,
                "code": o.code,
                "kind": o.kind,
                "version": v.number,
                "state": v.state,
                "title_en": v.title_en,
                "title_fr": v.title_fr,
                "hours": v.hours,
                "weeks": v.weeks,
                "cost_cents": v.cost_cents,
                "is_credit": v.is_credit,
                "credit_value": v.credit_value,
                "competency": v.alignment.target_name if v.alignment else None,
            }
            for o, v in rows
        ]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("code", "kind", "v", "state", "title", "competency", title=f"{len(items)} opportunities")
    for item in items:
        table.add_row(
            *(str(item[k] or "") for k in ("code", "kind", "version", "state", "title_en", "competency"))
        )
    console.print(table)


@catalog_app.command("import")
@handles_errors
def import_file(
    file: Path = typer.Argument(..., help="A .json list of opportunities or a .csv with a header row"),
    as_user: str = typer.Option(
        ..., "--as", help="E-mail of the program designer the drafts are authored by"
    ),
) -> None:
    """Import opportunities as drafts of the designer's institution: every row or none."""
    if not file.is_file():
        fail(f"{file}: no such file")
    rows = catalog_service.read_rows(file)
    if not rows:
        fail(f"{file.name}: no rows to import")
    with session_scope() as session:
        actor = accounts_service.principal_for(accounts_service.get_user_by_email(session, as_user))
        created = catalog_service.import_opportunities(session, actor=actor, rows=rows, source=file.name)
    console.print(f"imported {len(created)} opportunities as drafts from {file.name}")


def register(app: typer.Typer) -> None:
    """Add the catalogue commands to the CLI."""
    app.add_typer(catalog_app, name="catalog")
