"""`bridgeway skills infer|index` through Typer's CliRunner, on a small ESCO-shaped folder and the fake backend."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bridgeway.config import Settings
from bridgeway.plar import cli as plar_cli
from bridgeway.plar.inference import HashingBackend

SKILLS = [
    ("urn:test:weld", "operate welding equipment", "weld\nuse welding equipment", "Join pieces of metal."),
    ("urn:test:forklift", "operate forklift", "drive forklift", "Operate a forklift to carry heavy loads."),
    ("urn:test:budget", "manage budgets", "control budget", "Plan, monitor and report on the budget."),
]


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "esco-test"
    folder.mkdir()
    with (folder / "skills_en.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["conceptType", "conceptUri", "skillType", "preferredLabel", "altLabels", "status", "description"]
        )
        for uri, label, alts, desc in SKILLS:
            writer.writerow(
                ["KnowledgeSkillCompetence", uri, "skill/competence", label, alts, "released", desc]
            )
    return folder


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.delenv("BRIDGEWAY_DATABASE_URL", raising=False)
    monkeypatch.setattr(
        "bridgeway.kit.cli._settings",
        Settings(environment="test", var_dir=tmp_path / "var", data_dir=tmp_path / "no-data"),
    )
    monkeypatch.setattr(plar_cli, "make_backend", HashingBackend)
    application = typer.Typer()
    plar_cli.register(application)
    return application


def run(app: typer.Typer, args: list[str], data: bytes) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(app, ["skills", *args], input=data)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.stderr if result.stderr_bytes is not None else ""


def test_infer_writes_one_json_line_per_input_line(app: typer.Typer, esco_dir: Path) -> None:
    code, lines, _ = run(
        app,
        ["infer", "--json", "--top", "2", "--esco-dir", str(esco_dir)],
        b"Welded steel frames\nOperated a forklift in the warehouse\n",
    )
    assert code == 0
    assert [line["line"] for line in lines] == [1, 2]
    assert lines[0]["competencies"][0]["uri"] == "urn:test:weld"
    assert lines[1]["competencies"][0]["uri"] == "urn:test:forklift"
    assert lines[1]["competencies"][0]["evidence"][0]["matched_words"] == ["Operated", "forklift"]
    assert len(lines[0]["competencies"]) == 2


def test_an_empty_line_gets_an_error_object_and_the_other_lines_still_succeed(
    app: typer.Typer, esco_dir: Path
) -> None:
    code, lines, _ = run(app, ["infer", "--json", "--esco-dir", str(esco_dir)], b"Managed budgets\n\n")
    assert code == 0
    assert lines[1] == {
        "line": 2,
        "error": {"error": "empty_text", "message": lines[1]["error"]["message"], "detail": None},
    }


def test_when_every_line_fails_the_exit_code_is_non_zero(app: typer.Typer, esco_dir: Path) -> None:
    german = "Ich habe die Maschinen mit dem Team gewartet und die Mitarbeiter geschult"
    code, lines, _ = run(app, ["infer", "--json", "--esco-dir", str(esco_dir)], f"{german}\n   \n".encode())
    assert code == 2
    assert [line["error"]["error"] for line in lines] == ["unexpected_language", "empty_text"]


def test_a_text_too_long_is_reported_on_its_line(app: typer.Typer, esco_dir: Path) -> None:
    code, lines, _ = run(
        app, ["infer", "--json", "--esco-dir", str(esco_dir)], ("weld " * 5000 + "\nwelding\n").encode()
    )
    assert code == 0
    assert lines[0]["error"]["error"] == "text_too_long"
    assert lines[0]["error"]["detail"]["max_chars"] == 20_000


def test_input_that_is_not_utf8_is_refused(app: typer.Typer, esco_dir: Path) -> None:
    code, lines, err = run(app, ["infer", "--json", "--esco-dir", str(esco_dir)], b"\xff\xfe\xfa broken\n")
    assert code == 2
    assert lines == []
    assert "not UTF-8" in err


def test_no_input_at_all_is_refused(app: typer.Typer, esco_dir: Path) -> None:
    code, _, err = run(app, ["infer", "--esco-dir", str(esco_dir)], b"")
    assert code == 2
    assert "no input" in err


def test_an_unknown_source_is_refused(app: typer.Typer, esco_dir: Path) -> None:
    code, _, err = run(app, ["infer", "--source", "nope", "--esco-dir", str(esco_dir)], b"welding\n")
    assert code == 2
    assert "unknown source" in err


def test_a_missing_esco_folder_is_reported_clearly(app: typer.Typer, tmp_path: Path) -> None:
    code, _, err = run(app, ["infer", "--esco-dir", str(tmp_path / "nowhere")], b"welding\n")
    assert code == 2
    assert "no skills_en.csv" in err


def test_human_output_lists_labels_and_uris(app: typer.Typer, esco_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["skills", "infer", "--esco-dir", str(esco_dir)], input=b"Drove a forklift\n"
    )
    assert result.exit_code == 0
    assert "operate forklift" in result.stdout
    assert "urn:test:forklift" in result.stdout


def test_index_builds_the_cache_once(app: typer.Typer, esco_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["skills", "index", "--esco-dir", str(esco_dir)])
    assert result.exit_code == 0, result.output
    assert "3 competencies" in result.stdout
    assert (
        tmp_path / "var" / "skill-index" / "esco-test" / "hashing-256" / "label" / "manifest.json"
    ).is_file()


def test_a_long_line_is_read_by_the_model_within_the_budget_unless_asked_to_read_all(
    app: typer.Typer, esco_dir: Path
) -> None:
    line = " ".join(f"Drove a forklift in warehouse number {n} every night." for n in range(12))
    args = ["infer", "--json", "--esco-dir", str(esco_dir)]
    _, [budgeted], _ = run(app, args, line.encode())
    _, [whole], _ = run(app, [*args, "--dense-budget", "0"], line.encode())
    assert budgeted["sentences"] == whole["sentences"] == 12
    assert budgeted["notes"][0].startswith("5 of 12 sentences were read by the language model")
    assert whole["notes"] == []
    assert budgeted["competencies"][0]["uri"] == whole["competencies"][0]["uri"] == "urn:test:forklift"


def test_a_negative_dense_budget_is_refused(app: typer.Typer, esco_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["skills", "infer", "--dense-budget", "-1", "--esco-dir", str(esco_dir)], input=b"weld\n"
    )
    assert result.exit_code == 2
    assert "--dense-budget" in result.output
