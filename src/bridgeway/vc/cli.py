"""`bridgeway vc verify FILE`: verify a credential or presentation offline.

The one module of bridgeway.vc that may import Typer and bridgeway.kit.cli (the CLI exception to the
standalone rule).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from bridgeway.kit.cli import console, fail
from bridgeway.vc import (
    DidResolver,
    InMemoryFetcher,
    VcError,
    VerificationResult,
    did_web_url,
    parse_json,
    verify_credential,
    verify_presentation,
)

vc_app = typer.Typer(help="Verifiable credentials: verify offline.", no_args_is_help=True)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


def _fetcher(did_documents: list[str], status_lists: list[str]) -> InMemoryFetcher:
    fetcher = InMemoryFetcher()
    for path in did_documents:
        try:
            document: Any = parse_json(_read(path))
        except VcError as exc:
            fail(f"{path}: {exc}")
        if not isinstance(document, dict) or not str(document.get("id", "")).startswith("did:web:"):
            fail(f"{path} is not a did:web DID document")
        fetcher.add(did_web_url(document["id"]), document)
    for path in status_lists:
        try:
            document = parse_json(_read(path))
        except VcError as exc:
            fail(f"{path}: {exc}")
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            fail(f"{path} is not a status list credential with an id")
        fetcher.add(document["id"], _read(path))
    return fetcher


def _report(result: VerificationResult) -> None:
    for check in result.checks:
        mark = "[green]✔[/]" if check.passed else "[red]✘[/]"
        console.print(f"{mark} {check.name}: {check.message}", highlight=False)
    for index, inner in enumerate(result.credentials, start=1):
        console.print(f"credential {index}: {inner.status.value}", highlight=False)


def verify(
    file: Annotated[
        str, typer.Argument(help="The credential or presentation (JSON); '-' reads standard input.")
    ],
    did_document: Annotated[
        list[str] | None, typer.Option("--did-document", help="A did:web DID document to trust (repeatable).")
    ] = None,
    status_list: Annotated[
        list[str] | None, typer.Option("--status-list", help="A status-list credential (repeatable).")
    ] = None,
    no_status: Annotated[
        bool, typer.Option("--no-status", help="Do not check revocation or suspension.")
    ] = False,
    at: Annotated[
        str | None, typer.Option(help="Check validity at this time (ISO 8601) instead of now.")
    ] = None,
) -> None:
    """Verify a credential or presentation offline: exit 0 when valid, 1 when not (with the reason)."""
    data = _read(file)
    fetcher = _fetcher(did_document or [], status_list or [])
    now = datetime.now(UTC)
    if at is not None:
        try:
            now = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            fail(f"--at {at!r} is not an ISO 8601 date and time")
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
    resolver = DidResolver(fetcher)
    try:
        document = parse_json(data)
        is_presentation = isinstance(document, dict) and "VerifiablePresentation" in (
            document.get("type") or []
        )
    except VcError:
        document, is_presentation = data, False
    if is_presentation:
        result = verify_presentation(document, resolver=resolver, status_fetcher=fetcher, now=now)
    else:
        result = verify_credential(
            document, resolver=resolver, status_fetcher=fetcher, now=now, check_status=not no_status
        )
    _report(result)
    if result.valid:
        console.print("[bold green]valid[/]", highlight=False)
        raise typer.Exit(0)
    console.print(f"[bold red]{result.status.value}[/]: {result.message}", highlight=False)
    raise typer.Exit(1)


vc_app.command("verify")(verify)


def register(app: typer.Typer) -> None:
    """Add the `vc` command group."""
    app.add_typer(vc_app, name="vc")
