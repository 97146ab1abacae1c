"""`bridgeway data import | import-all | stats` against a fresh database, as scripts use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridgeway.cli.main import app
from tests.taxonomy import builders


@pytest.fixture
def run(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI with BRIDGEWAY_DATABASE_URL pointing at a fresh database (settings rebuilt per test)."""
    monkeypatch.setattr("bridgeway.kit.cli._settings", None)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setattr("bridgeway.kit.cli._settings", None)
        return runner.invoke(app, list(args), env={"BRIDGEWAY_DATABASE_URL": fresh_database_url})

    return invoke


def _stats(run) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = run("data", "stats", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_import_then_stats_json_reports_counts_and_dangling_references(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("data", "import", "esco", str(builders.esco_release(tmp_path)))

    assert result.exit_code == 0, result.output
    assert "imported esco 1.1.1" in result.stdout
    assert "1 row(s) of occupationSkillRelations.csv name a missing occupation" in result.stdout
    esco = _stats(run)["esco"]
    assert len(esco) == 1
    assert esco[0]["headline"] == {
        "skills": 4,
        "skill_groups": 1,
        "occupations": 2,
        "occupation_skill_relations": 5,
        "essential": 2,
        "optional": 2,
        "dangling_references": 1,
    }
    assert esco[0]["dangling"] == {"occupationSkillRelations.csv": {"occupation": 1}}


def test_importing_the_same_release_again_says_so_and_changes_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = builders.esco_release(tmp_path)
    assert run("data", "import", "esco", str(folder)).exit_code == 0
    before = _stats(run)

    again = run("data", "import", "esco", str(folder))

    assert again.exit_code == 0
    assert "already imported" in again.stdout
    assert _stats(run) == before


def test_a_malformed_file_exits_non_zero_naming_file_and_line_and_keeps_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = builders.esco_release(tmp_path)
    relations = folder / "occupationSkillRelations.csv"
    relations.write_text(relations.read_text() + "http://x/occupation,essential\n")

    result = run("data", "import", "esco", str(folder))

    assert result.exit_code == 2
    assert "occupationSkillRelations.csv, line 7" in result.stderr
    assert _stats(run)["esco"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("data", "import", "isco", "."), "unknown source 'isco'"),
        (("data", "import", "esco", "/no/such/folder"), "does not exist"),
        (("data", "import-all", "/no/such/folder"), "is not a folder"),
    ],
)
def test_bad_input_is_answered_on_stderr_with_a_non_zero_exit(
    run, args: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)

    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout == ""


def test_import_all_imports_what_it_finds_and_names_each_missing_release(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    builders.esco_release(tmp_path)
    builders.noc_release(tmp_path / "canada")
    builders.cops_release(tmp_path / "canada")

    result = run("data", "import-all", str(tmp_path))

    assert result.exit_code == 0, result.output
    for imported in ("imported esco 1.1.1", "imported noc", "imported cops 2024-2033"):
        assert imported in result.stdout
    stderr = " ".join(result.stderr.split())
    assert "missing: Occupational and Skills Information System (OaSIS)" in stderr
    assert f"put it in {tmp_path / 'canada' / 'oasis-2023-v1.0'}" in stderr
    assert "bridgeway data import onet" in stderr
    assert "missing: Occupation crosswalks" in stderr
    stats = _stats(run)
    assert [len(stats[s]) for s in ("esco", "noc", "oasis", "cops", "onet", "crosswalks")] == [
        1,
        1,
        0,
        1,
        0,
        0,
    ]
