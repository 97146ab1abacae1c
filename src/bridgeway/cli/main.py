"""The Typer application: mounts each domain's commands (a domain's cli.py defines register(app))."""

from __future__ import annotations

import importlib

import typer

from bridgeway.cli import db as db_commands
from bridgeway.cli import serve as serve_commands
from bridgeway.kit.db import DOMAINS

app = typer.Typer(
    name="bridgeway",
    help="Bridgeway: micro-credentials, prior learning recognition and training pathways.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_commands.app, name="db")
serve_commands.register(app)

for _domain in ("vc", *DOMAINS):
    try:
        _module = importlib.import_module(f"bridgeway.{_domain}.cli")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"bridgeway.{_domain}.cli":
            raise
        continue
    _module.register(app)

_demo = importlib.util.find_spec("bridgeway.cli.demo")
if _demo is not None:
    importlib.import_module("bridgeway.cli.demo").register(app)


def main() -> None:
    """Run the CLI."""
    app()


if __name__ == "__main__":
    main()
