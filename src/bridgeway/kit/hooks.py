"""A tiny registry through which higher domains take part in exporting and erasing a person's data.

Accounts cannot import PLAR, planning or credentials; those domains register callbacks here instead, at import
time of their service package:

    from bridgeway.kit import hooks
    hooks.register_exporter("plar", export_learner)    # (session, user_id) -> JSON-ready dict
    hooks.register_eraser("plar", erase_learner)       # (session, user_id) -> None; flush, never commit

Erasers run inside the account deletion's transaction: raising aborts the whole deletion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Exporter = Callable[[Session, str], dict[str, Any]]
Eraser = Callable[[Session, str], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def _register(table: dict[str, Any], kind: str, name: str, callback: Callable[..., Any]) -> None:
    if not name or not callable(callback):
        raise ValueError(f"a {kind} needs a name and a callable")
    existing = table.get(name)
    if existing is not None and existing is not callback:
        raise ValueError(f"another {kind} is already registered as '{name}'")
    table[name] = callback


def register_exporter(name: str, exporter: Exporter) -> None:
    """Register `exporter(session, user_id) -> dict` under a name (the key of its part of the export)."""
    _register(_exporters, "exporter", name, exporter)


def register_eraser(name: str, eraser: Eraser) -> None:
    """Register `eraser(session, user_id) -> None`, run when the person deletes their account."""
    _register(_erasers, "eraser", name, eraser)


def unregister(name: str) -> None:
    """Remove the exporter and eraser registered under a name (for tests)."""
    _exporters.pop(name, None)
    _erasers.pop(name, None)


def exporters() -> dict[str, Exporter]:
    """Return the registered exporters by name, in name order."""
    return dict(sorted(_exporters.items()))


def erasers() -> dict[str, Eraser]:
    """Return the registered erasers by name, in name order."""
    return dict(sorted(_erasers.items()))
