"""`bridgeway demo`: migrate, import the official data found, seed a demo institution, serve."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from bridgeway.kit.cli import console, err_console, handles_errors, session_scope, settings
from bridgeway.kit.db import DOMAINS
from bridgeway.migrations import runner


def _import_official_data() -> None:
    """Import every official release found under the data folder; name the missing ones and go on."""
    from bridgeway.taxonomy import cli as taxonomy_cli
    from bridgeway.taxonomy import service as taxonomy_service

    folder = settings().data_dir
    if not folder.is_dir():
        err_console.print(
            f"[yellow]no data folder at {folder}[/]: set BRIDGEWAY_DATA_DIR; starting without data"
        )
    found = taxonomy_service.locate_releases(folder) if folder.is_dir() else []
    for data_source, path in found:
        if path is None:
            err_console.print(
                f"[yellow]missing:[/] {data_source.name} ({data_source.release}). Download it from "
                f"{taxonomy_service.download_hint(data_source.source)}, put it in {folder / data_source.folder}, "
                f"then run: bridgeway data import {data_source.source} {folder / data_source.folder}",
                highlight=False,
                soft_wrap=True,
            )
            continue
        taxonomy_cli.import_with_progress(data_source.source, path, None)


def _seed_demo_domains(session: Session) -> dict[str, Any]:
    """Run each domain's demo.seed in dependency order, passing what earlier seeds produced."""
    from bridgeway.accounts import service as accounts_service
    from bridgeway.accounts.demo import EMPLOYER_SLUG, INSTITUTION_SLUG
    from bridgeway.accounts.demo import seed as seed_accounts

    results: dict[str, Any] = {"accounts": seed_accounts(session)}
    context: dict[str, Any] = {
        "institution": accounts_service.get_institution_by_slug(session, INSTITUTION_SLUG),
        "employer": accounts_service.get_employer_by_slug(session, EMPLOYER_SLUG),
        "users": {
            login["roles"][0]: accounts_service.get_user_by_email(session, login["email"])
            for login in results["accounts"]["logins"]
        },
    }
    for domain in DOMAINS[1:]:
        try:
            module = importlib.import_module(f"bridgeway.{domain}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"bridgeway.{domain}.demo":
                continue
            raise
        wanted = inspect.signature(module.seed).parameters
        kwargs = {name: context[name] for name in wanted if name in context}
        results[domain] = module.seed(session, **kwargs)
        context[domain] = results[domain]
    return results


def _print_logins(accounts: dict[str, Any]) -> None:
    table = Table(title=f"Demo logins (password: {accounts['password']})")
    table.add_column("e-mail", no_wrap=True)
    table.add_column("name")
    table.add_column("roles")
    for login in accounts["logins"]:
        table.add_row(login["email"], login["name"], ", ".join(login["roles"]))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `demo` to the root app."""

    @app.command("demo")
    @handles_errors
    def demo(
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the site when the data is ready"),
        host: str = typer.Option("127.0.0.1", help="Address to bind"),
        port: int = typer.Option(8000, help="Port to bind"),
    ) -> None:
        """Migrate, import the official data found, seed demo users, catalogue and credentials, then serve."""
        console.print(f"database: {settings().database_url}")
        runner.upgrade(settings().database_url, "head")
        _import_official_data()
        with session_scope() as session:
            results = _seed_demo_domains(session)
        for domain, result in results.items():
            notes = result.get("notes") if isinstance(result, dict) else None
            for note in notes or []:
                console.print(f"[cyan]{domain}:[/] {note}", highlight=False, soft_wrap=True)
        _print_logins(results["accounts"])
        if serve:
            import uvicorn

            console.print(f"Bridgeway on http://{host}:{port}  (API docs at http://{host}:{port}/docs)")
            uvicorn.run("bridgeway.web.asgi:app", host=host, port=port)
