"""`bridgeway credentials issue-batch | revoke | export` and `bridgeway keys rotate` against a fresh database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridgeway.cli.main import app
from bridgeway.credentials.models import IssuedCredential
from bridgeway.kit.db import make_engine, make_session_factory, unit_of_work
from tests.factories.accounts import create_institution
from tests.factories.credentials import achievement

ENV_KEK = "cli-kek-that-is-long-enough-0123456789abcdef"


@pytest.fixture
def run(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI on a fresh database (settings rebuilt per call)."""
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setattr("bridgeway.kit.cli._settings", None)
        return runner.invoke(
            app,
            list(args),
            env={"BRIDGEWAY_DATABASE_URL": fresh_database_url, "BRIDGEWAY_KEY_ENCRYPTION_KEY": ENV_KEK},
        )

    return invoke


@pytest.fixture
def cohort(fresh_database_url: str, tmp_path: Path) -> tuple[Path, Path]:
    """An institution, an achievement file and a CSV of three learners."""
    with unit_of_work(make_session_factory(make_engine(fresh_database_url))) as session:
        create_institution(session, slug="north")
    definition = tmp_path / "achievement.json"
    definition.write_text(achievement(ref="mc-cli").model_dump_json(), encoding="utf-8")
    csv_file = tmp_path / "cohort.csv"
    csv_file.write_text(
        "email,name,result\nada@example.org,Ada,Proficient\nbo@example.org,Bo,\ncy@example.org,Cy,\n",
        encoding="utf-8",
    )
    return definition, csv_file


def _count(url: str) -> int:
    with unit_of_work(make_session_factory(make_engine(url))) as session:
        return session.query(IssuedCredential).count()


def test_issue_batch_issues_a_cohort_once_even_when_run_twice(run, cohort, fresh_database_url: str) -> None:  # type: ignore[no-untyped-def]
    definition, csv_file = cohort
    first = run(
        "credentials",
        "issue-batch",
        str(csv_file),
        "--institution",
        "north",
        "--achievement",
        str(definition),
    )
    assert first.exit_code == 0, first.output
    assert "3 issued, 0 failed" in first.output
    again = run(
        "credentials",
        "issue-batch",
        str(csv_file),
        "--institution",
        "north",
        "--achievement",
        str(definition),
    )
    assert again.exit_code == 0, again.output
    assert _count(fresh_database_url) == 3


def test_a_bad_csv_is_refused_with_the_line_and_nothing_is_issued(
    run,
    cohort,
    fresh_database_url: str,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    definition, _ = cohort
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name\nada@example.org,Ada\nnot-an-email,Bo\n", encoding="utf-8")
    result = run(
        "credentials", "issue-batch", str(bad), "--institution", "north", "--achievement", str(definition)
    )
    assert result.exit_code == 2
    assert "bad row" in result.output
    assert _count(fresh_database_url) == 0


def test_revoke_rotate_and_export_write_credentials_status_lists_and_dids(  # type: ignore[no-untyped-def]
    run, cohort, fresh_database_url: str, tmp_path: Path
) -> None:
    definition, csv_file = cohort
    assert (
        run(
            "credentials",
            "issue-batch",
            str(csv_file),
            "--institution",
            "north",
            "--achievement",
            str(definition),
        ).exit_code
        == 0
    )
    with unit_of_work(make_session_factory(make_engine(fresh_database_url))) as session:
        credential_id = session.query(IssuedCredential.id).first()[0]  # type: ignore[index]
    assert run("credentials", "revoke", credential_id).exit_code == 2  # --reason is required
    revoked = run("credentials", "revoke", credential_id, "--reason", "Issued to the wrong person")
    assert revoked.exit_code == 0, revoked.output
    rotated = run("keys", "rotate", "--institution", "north")
    assert rotated.exit_code == 0, rotated.output
    assert "#key-2" in rotated.output
    out = tmp_path / "export"
    exported = run("credentials", "export", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert len(list((out / "credentials").glob("*.json"))) == 3
    assert {p.name for p in (out / "status-lists").iterdir()} == {
        "north-1-revocation.json",
        "north-1-suspension.json",
    }
    did = json.loads((out / "dids" / "north.did.json").read_text())
    assert len(did["verificationMethod"]) == 2
    assert run("keys", "rotate", "--institution", "nowhere").exit_code == 2
