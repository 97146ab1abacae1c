"""Database commands: upgrade, downgrade, current."""

from __future__ import annotations

import typer

from bridgeway.kit.cli import console, handles_errors, settings
from bridgeway.migrations import runner

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("upgrade")
@handles_errors
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    runner.upgrade(settings().database_url, revision)
    console.print(f"database at {runner.current(settings().database_url) or 'base'}")


@app.command("downgrade")
@handles_errors
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base or -1")) -> None:
    """Revert migrations down to REVISION."""
    runner.downgrade(settings().database_url, revision)
    console.print(f"database at {runner.current(settings().database_url) or 'base'}")


@app.command("current")
@handles_errors
def current() -> None:
    """Print the revision the database is at."""
    console.print(runner.current(settings().database_url) or "base")
