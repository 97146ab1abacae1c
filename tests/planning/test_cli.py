"""The planning commands, on the official data, including bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bridgeway.planning import cli as planning_cli
from bridgeway.planning.sources import load_space

NURSE_NOC = "31301"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    planning_cli.register(application)
    return application


@pytest.fixture
def run(app: typer.Typer, shared_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BRIDGEWAY_DATA_DIR", str(shared_data_dir))

    def invoke(*args: str, stdin: str | None = None) -> Any:
        return CliRunner().invoke(app, list(args), input=stdin)

    return invoke


def said(result: Any) -> str:
    """What the command printed, with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def _write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def test_transitions_from_a_noc_code_prints_ranked_json_with_tiers(run: Any) -> None:
    result = run("transitions", "--taxonomy", "noc", "--from", NURSE_NOC, "--top", "5", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["origin"] == "31301.01"
    assert len(report["recommendations"]) == 5
    first = report["recommendations"][0]
    assert first["tier"] in {"viable", "highly viable", "stretch"}
    assert first["outlook"]["via"].startswith("NOC 2021")


def test_an_unknown_code_is_a_clear_error(run: Any) -> None:
    result = run("transitions", "--taxonomy", "noc", "--from", "99999")
    assert result.exit_code == 2
    assert "unknown noc occupation code '99999'" in said(result)


def test_from_and_profile_together_are_refused(run: Any) -> None:
    assert run("transitions").exit_code == 2
    assert "exactly one of" in said(run("transitions"))


def test_codes_on_stdin_give_one_json_line_each_and_fail_on_unknown_ones(run: Any) -> None:
    result = run(
        "transitions", "--taxonomy", "noc", "--from", "-", "--top", "3", stdin=f"{NURSE_NOC}\nnope\n\n"
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("error") for line in lines] == [None, "unknown_occupation"]
    assert len(lines[0]["ranked"]) == 3
    assert result.exit_code == 1


def test_a_missing_or_malformed_profile_file_is_a_clear_error(run: Any, tmp_path: Path) -> None:
    missing = run("transitions", "--profile", str(tmp_path / "none.json"))
    assert missing.exit_code == 2
    assert "cannot read the profile file" in said(missing)
    bad = run("transitions", "--profile", _write(tmp_path, "bad.json", "{not json"))
    assert "is not valid JSON" in said(bad)
    wrong = run(
        "transitions",
        "--profile",
        _write(tmp_path, "wrong.json", {"competencies": [{"id": "x", "evidence": "rumour"}]}),
    )
    assert "invalid at competencies.0.evidence" in said(wrong)


def test_an_empty_profile_is_a_clear_error(run: Any, tmp_path: Path) -> None:
    result = run(
        "transitions", "--taxonomy", "noc", "--profile", _write(tmp_path, "p.json", {"competencies": []})
    )
    assert result.exit_code == 2
    assert "the profile has no competencies" in said(result)


def test_gaps_list_oasis_ratings_with_the_learners_status(run: Any, tmp_path: Path) -> None:
    profile = {
        "competencies": [
            {"id": "oasis:skills:Reading Comprehension", "evidence": "verified_credential", "level": 5}
        ]
    }
    result = run(
        "gaps",
        "--taxonomy",
        "noc",
        "--target",
        NURSE_NOC,
        "--profile",
        _write(tmp_path, "p.json", profile),
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    lines = {r["competency_id"]: r for r in report["primary"]["requirements"]}
    assert lines["oasis:skills:Reading Comprehension"]["status"] == "met"
    assert lines["oasis:skills:Reading Comprehension"]["source"].startswith("OaSIS rating")
    assert report["crosswalked"][0]["requirements"][0]["source"].endswith(")")


def _esco_case(tmp_path: Path) -> tuple[str, str, list[str]]:
    space = load_space("esco")
    row = space.occupation_index(space.codes[0])
    assert row is not None
    cols, _, _, kinds = space.requirements_of(row)
    essentials = [space.competency_ids[c] for c, k in zip(cols, kinds, strict=True) if k == 1]
    profile = {
        "competencies": [{"id": essentials[0], "evidence": "assessor_recognised"}],
        "constraints": {"hours_per_week": 12, "start_date": "2027-01-04", "schedule": ["evenings"]},
    }
    return space.codes[0], _write(tmp_path, "profile.json", profile), essentials


def test_plan_prints_a_timeline_and_alternatives(run: Any, tmp_path: Path) -> None:
    code, profile, essentials = _esco_case(tmp_path)
    opportunities = [
        {"id": f"c{i}", "competencies": [s], "hours": 20, "weeks": 4, "cost": 200, "schedules": ["evenings"]}
        for i, s in enumerate(essentials)
    ]
    opportunities.append(
        {
            "id": "all",
            "competencies": essentials,
            "hours": 300,
            "weeks": 30,
            "cost": 900,
            "credential": "Diploma",
        }
    )
    catalog = _write(tmp_path, "cat.json", {"opportunities": opportunities})
    result = run("plan", "--profile", profile, "--target", code, "--catalog", catalog, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    planned = {it["id"] for it in report["result"]["plan"]["items"]}
    assert "c0" not in planned  # recognised prior learning is never planned
    assert report["readiness_after"]["plan"] > report["readiness_before"]
    assert set(report["result"]["alternatives"]) == {"fastest", "cheapest"}
    assert (
        report["result"]["alternatives"]["cheapest"]["total_cost"] <= report["result"]["plan"]["total_cost"]
    )


def test_plan_refuses_a_catalogue_with_a_prerequisite_cycle(run: Any, tmp_path: Path) -> None:
    code, profile, _ = _esco_case(tmp_path)
    catalog = _write(
        tmp_path,
        "cat.json",
        {
            "opportunities": [
                {"id": "a", "hours": 1, "weeks": 1, "prerequisites": ["b"]},
                {"id": "b", "hours": 1, "weeks": 1, "prerequisites": ["a"]},
            ]
        },
    )
    result = run("plan", "--profile", profile, "--target", code, "--catalog", catalog)
    assert result.exit_code == 2
    assert "prerequisites form a cycle" in said(result)


def test_plan_refuses_an_unknown_objective(run: Any, tmp_path: Path) -> None:
    code, profile, _ = _esco_case(tmp_path)
    catalog = _write(tmp_path, "cat.json", {"opportunities": []})
    result = run("plan", "--profile", profile, "--target", code, "--catalog", catalog, "--objective", "lucky")
    assert result.exit_code == 2
    assert "unknown objective 'lucky'" in said(result)
