"""`bridgeway plar sweep-evidence` removes stored files no row references, after the grace period only."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bridgeway.config import Settings
from bridgeway.plar import case_cli
from bridgeway.plar.service import evidence


def _orphan(settings: Settings, content: bytes, age_hours: float) -> str:
    digest = hashlib.sha256(content).hexdigest()
    path = evidence.stored_path(settings, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return digest


def _runner(session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr(case_cli, "session_scope", lambda: contextlib.nullcontext(session))
    monkeypatch.setattr(case_cli, "cli_settings", lambda: settings)
    app = typer.Typer()
    case_cli.register(app)
    app.command("noop")(lambda: None)
    return app


def test_the_sweep_removes_old_unreferenced_files_and_keeps_recent_ones(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _orphan(settings, b"left by a rolled-back upload", age_hours=48)
    recent = _orphan(settings, b"an upload still in its transaction", age_hours=1)
    out = CliRunner().invoke(_runner(session, settings, monkeypatch), ["plar", "sweep-evidence"])
    assert out.exit_code == 0, out.output
    assert "removed 1 orphan evidence file(s)" in out.output
    assert not evidence.stored_path(settings, old).exists()
    assert evidence.stored_path(settings, recent).exists()


def test_a_grace_period_under_an_hour_is_refused(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = CliRunner().invoke(
        _runner(session, settings, monkeypatch), ["plar", "sweep-evidence", "--older-than-hours", "0.1"]
    )
    assert out.exit_code != 0
