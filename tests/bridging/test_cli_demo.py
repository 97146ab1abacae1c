"""`bridgeway bridging show` and the demo seed, on a fresh database the commands commit to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.demo import INSTITUTION_SLUG
from bridgeway.accounts.demo import seed as seed_accounts
from bridgeway.accounts.domain import Role
from bridgeway.accounts.errors import UnknownUser
from bridgeway.bridging import demo
from bridgeway.cli.main import app
from bridgeway.kit import cli as kit_cli
from bridgeway.kit.db import make_engine, make_session_factory, unit_of_work
from tests.bridging.factories import add_occupations

runner = CliRunner()


@pytest.fixture
def database(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh database the CLI uses, and a way to open committing sessions on it."""
    monkeypatch.setenv("BRIDGEWAY_DATABASE_URL", fresh_database_url)
    monkeypatch.setattr(kit_cli, "_settings", None)
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    yield lambda: unit_of_work(factory)
    engine.dispose()
    monkeypatch.setattr(kit_cli, "_settings", None)


def _seed(session: Session) -> dict[str, Any]:
    logins = seed_accounts(session)["logins"]
    users = {
        Role(login["roles"][0]): accounts_service.get_user_by_email(session, login["email"])
        for login in logins
    }
    institution = accounts_service.get_institution_by_slug(session, INSTITUTION_SLUG)
    return demo.seed(session, institution=institution, users=users)


def test_the_demo_seeds_a_newcomer_nurse_whose_plan_the_cli_shows(database: Any) -> None:
    with database() as session:
        add_occupations(session)
        result = _seed(session)
    assert result["created"] == [demo.EMAIL]
    with database() as session:
        assert _seed(session)["created"] == []  # idempotent

    shown = runner.invoke(app, ["bridging", "show", "--learner", demo.EMAIL, "--json"])
    assert shown.exit_code == 0, shown.output
    [intake] = json.loads(shown.stdout)
    assert intake["target"]["code"] == "31301"
    assert intake["regulation"]["regulated"] is True
    assert intake["status"] == "shared"
    assert intake["origin"]["code"] == "29-1141.00"
    assert all(
        g["level"] < g["need"] for g in intake["language"]["gaps"] if g["skill"] in ("speaking", "writing")
    )
    assert intake["evaluations"][0]["report_reference"] == "WES-7731902"
    registration = next(i for i in intake["items"] if i["step_kind"] == "registration")
    assert registration["regulator_name"] == "College of Nurses of Ontario"

    text = runner.invoke(app, ["bridging", "show", "--learner", demo.EMAIL])
    assert text.exit_code == 0
    assert "Registered nurses and registered psychiatric nurses" in text.output
    assert "speaking" in text.output


def test_an_unknown_learner_is_a_clear_error_with_a_non_zero_exit(database: Any) -> None:
    result = runner.invoke(app, ["bridging", "show", "--learner", "nobody@example.org"])
    assert result.exit_code == 2
    assert "nobody@example.org" in result.output


def test_without_the_noc_data_the_demo_is_skipped_and_keeps_nothing(database: Any) -> None:
    with database() as session:
        result = _seed(session)
    assert "skipped" in result
    with database() as session, pytest.raises(UnknownUser):
        accounts_service.get_user_by_email(session, demo.EMAIL)
