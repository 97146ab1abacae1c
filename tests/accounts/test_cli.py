"""The account commands, run as a user would against a fresh database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bridgeway.accounts import service as accounts_service
from bridgeway.cli.main import app
from bridgeway.kit import cli as kit_cli
from bridgeway.kit.db import make_engine, make_session_factory


@pytest.fixture
def run(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Run `bridgeway ...` against the fresh database (settings are built once per process: reset them)."""
    monkeypatch.setenv("BRIDGEWAY_DATABASE_URL", fresh_database_url)
    monkeypatch.setattr(kit_cli, "_settings", None)
    runner = CliRunner()

    def _run(*args: str) -> object:
        return runner.invoke(app, list(args))

    yield _run
    kit_cli._settings = None


@pytest.fixture
def db(fresh_database_url: str) -> Iterator[Session]:
    """A session on the same fresh database, to look at what the commands wrote."""
    engine = make_engine(fresh_database_url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


def test_an_institution_a_user_and_a_token_are_created_from_the_command_line(run, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert run("institution", "create", "north-poly", "--name", "North Polytechnic").exit_code == 0
    result = run(
        "user",
        "create",
        "Admin@North.example",
        "--role",
        "institution_admin",
        "--role",
        "registrar",
        "--institution",
        "north-poly",
        "--password",
        "a long enough password",
    )
    assert result.exit_code == 0, result.output
    assert "admin@north.example" in result.output
    token = run("token", "create", "admin@north.example", "--scope", "audit:read", "--days", "7")
    assert token.exit_code == 0, token.output
    secret = token.output.strip()
    principal = accounts_service.resolve_api_token(db, secret)
    assert principal is not None
    assert principal.scopes == {"audit:read"}
    assert accounts_service.roles_of(accounts_service.get_user_by_email(db, "admin@north.example")) == {
        "institution_admin",
        "registrar",
    }


def test_an_employer_and_its_user_are_created_from_the_command_line(run, db: Session) -> None:  # type: ignore[no-untyped-def]
    result = run("employer", "create", "boreal-fab", "--name", "Boreal Fabrication")
    assert result.exit_code == 0, result.output
    user = run(
        "user",
        "create",
        "hr@boreal.example",
        "--role",
        "employer",
        "--employer",
        "boreal-fab",
        "--password",
        "a long enough password",
    )
    assert user.exit_code == 0, user.output
    created = accounts_service.get_user_by_email(db, "hr@boreal.example")
    assert created.employer_id == accounts_service.get_employer_by_slug(db, "boreal-fab").id


def test_bad_input_gets_a_clear_message_and_a_non_zero_exit(run) -> None:  # type: ignore[no-untyped-def]
    unknown_institution = run(
        "user",
        "create",
        "x@example.org",
        "--role",
        "advisor",
        "--institution",
        "nowhere",
        "--password",
        "a long enough password",
    )
    assert unknown_institution.exit_code == 2
    assert "no institution with slug 'nowhere'" in unknown_institution.output
    assert run("employer", "create", "Bad Slug!", "--name", "X").exit_code == 2
    assert run("employer", "create", "ok-slug", "--name", "X", "--kind", "club").exit_code == 2
    assert run("token", "create", "nobody@example.org", "--scope", "catalog:read").exit_code == 2
    assert (
        run("user", "create", "y@example.org", "--role", "wizard", "--password", "long enough!").exit_code
        != 0
    )
    short = run("user", "create", "z@example.org", "--role", "learner", "--password", "short")
    assert short.exit_code == 2
    assert "at least 10 characters" in short.output


def test_an_unknown_scope_is_refused_and_nothing_is_kept(run, db: Session) -> None:  # type: ignore[no-untyped-def]
    run("user", "create", "a@example.org", "--role", "learner", "--password", "a long enough password")
    result = run("token", "create", "a@example.org", "--scope", "everything")
    assert result.exit_code == 2
    assert "unknown scope" in result.output
    user = accounts_service.get_user_by_email(db, "a@example.org")
    assert accounts_service.list_api_tokens(db, actor=accounts_service.principal_for(user)) == []


def test_creating_the_same_employer_twice_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    assert run("employer", "create", "twice", "--name", "Twice").exit_code == 0
    again = run("employer", "create", "twice", "--name", "Twice")
    assert again.exit_code == 2
    assert "already exists" in again.output
