from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bridgeway import vc
from bridgeway.vc.cli import register
from tests.vc.conftest import ISSUER_DID, STATUS_URL, World, welding_badge

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    register(app)
    return app


def _files(world: World, tmp_path: Path, *, index: int = 3) -> list[str]:
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(world.sign(welding_badge(index=index))))
    did = tmp_path / "did.json"
    did.write_text(json.dumps(vc.did_web_document(ISSUER_DID, [("key-1", world.keys.public_key)])))
    status = tmp_path / "status.json"
    status.write_bytes(world.fetcher.fetch(STATUS_URL))
    return [
        str(credential),
        "--did-document",
        str(did),
        "--status-list",
        str(status),
        "--at",
        "2026-06-01T00:00:00Z",
    ]


def test_vc_verify_exits_zero_for_a_valid_credential(world: World, tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["vc", "verify", *_files(world, tmp_path)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_vc_verify_exits_one_with_the_reason_for_a_revoked_credential(world: World, tmp_path: Path) -> None:
    world.status_list.set(3)
    world.publish_status()
    result = runner.invoke(_app(), ["vc", "verify", *_files(world, tmp_path)])
    assert result.exit_code == 1
    assert "revoked" in result.output


def test_vc_verify_reads_standard_input_and_refuses_garbage(world: World) -> None:
    result = runner.invoke(_app(), ["vc", "verify", "-"], input="{not json")
    assert result.exit_code == 1
    assert "malformed" in result.output


def test_vc_verify_without_the_issuers_did_document_says_the_issuer_is_unknown(
    world: World, tmp_path: Path
) -> None:
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(world.sign(welding_badge())))
    result = runner.invoke(_app(), ["vc", "verify", str(credential)])
    assert result.exit_code == 1
    assert "unknown_issuer" in result.output


def test_vc_verify_reports_a_missing_file_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["vc", "verify", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
