"""The catalogue commands: list and a transactional import whose errors name the row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridgeway.accounts.domain import Role
from bridgeway.cli.main import app
from bridgeway.kit import cli as kit_cli
from bridgeway.kit.db import make_engine, make_session_factory, unit_of_work
from tests.factories.catalog import create_user_without_password, micro_credential_data

runner = CliRunner()


@pytest.fixture
def designer_email(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A program designer in a fresh database that the CLI commands use."""
    monkeypatch.setenv("BRIDGEWAY_DATABASE_URL", fresh_database_url)
    monkeypatch.setattr(kit_cli, "_settings", None)
    engine = make_engine(fresh_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        from tests.factories.accounts import create_institution

        institution = create_institution(session, slug="cli-poly")
        email = create_user_without_password(session, Role.PROGRAM_DESIGNER, institution=institution).email
    engine.dispose()
    yield email
    monkeypatch.setattr(kit_cli, "_settings", None)


def test_a_json_file_is_imported_and_listed(designer_email: str, tmp_path: Path) -> None:
    rows = [micro_credential_data(code="IMP-1"), micro_credential_data(code="IMP-2", prerequisites=["IMP-1"])]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(rows))
    result = runner.invoke(app, ["catalog", "import", str(path), "--as", designer_email])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["catalog", "list", "--json"])
    assert [i["code"] for i in json.loads(listed.stdout)] == ["IMP-1", "IMP-2"]


def test_a_bad_row_names_the_row_and_nothing_is_kept(designer_email: str, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "code,kind,title_en,delivery_mode,schedules,hours,cost_cents\n"
        "CSV-1,workshop,Blueprint reading,in_person,daytime;short_burst,7,25000\n"
        "CSV-2,workshop,Electrical safety,on_the_moon,daytime,7,25000\n"
    )
    result = runner.invoke(app, ["catalog", "import", str(path), "--as", designer_email])
    assert result.exit_code == 2
    assert "row 2" in result.output
    assert "delivery_mode" in result.output
    listed = runner.invoke(app, ["catalog", "list", "--json"])
    assert json.loads(listed.stdout) == []
