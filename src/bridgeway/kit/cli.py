"""Domain-free Typer helpers: settings, a transaction per command, and one way to fail."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from bridgeway.config import Settings, get_settings
from bridgeway.kit.db import import_all_models, make_engine, make_session_factory, unit_of_work
from bridgeway.kit.errors import BridgewayError

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

_settings: Settings | None = None


def settings() -> Settings:
    """Return the settings for this CLI process (built once)."""
    global _settings
    if _settings is None:
        _settings = get_settings()
    return _settings


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open one transaction for a command: committed on success, rolled back on any error."""
    import_all_models()
    engine = make_engine(settings().database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            session.info["bridgeway.settings"] = settings()
            yield session
    finally:
        engine.dispose()


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error to standard error and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def handles_errors(func: F) -> F:
    """Turn BridgewayError into a one-line message and exit code 2 (instead of a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BridgewayError as exc:
            fail(exc.message)
        except KeyboardInterrupt:
            err_console.print("interrupted; nothing of this command was kept")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
