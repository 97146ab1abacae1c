"""Credential commands: issue-batch, revoke, export; and keys rotate."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.credentials import repository
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import BatchJob
from bridgeway.credentials.schemas import AchievementDefinition, BatchRequest
from bridgeway.kit.cli import console, fail, handles_errors, session_scope, settings

credentials_app = typer.Typer(help="Issue, revoke and export credentials.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage institutions' signing keys.", no_args_is_help=True)


def _achievement(session: Session, achievement: str | None, opportunity: str | None) -> AchievementDefinition:
    if (achievement is None) == (opportunity is None):
        fail(
            "give either --achievement FILE.json or --opportunity ID (a published catalogue micro-credential)"
        )
    if opportunity is not None:
        return credentials_service.achievement_from_catalog(
            session, settings=settings(), opportunity_id=opportunity
        )
    path = Path(str(achievement))
    try:
        return AchievementDefinition.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except ValueError as exc:
        fail(f"{path} is not an achievement definition: {exc}")


@credentials_app.command("issue-batch")
@handles_errors
def issue_batch(
    file: Path = typer.Argument(..., help="CSV with a header: email, did, user_id, name, result, key"),
    institution: str = typer.Option(..., "--institution", help="Issuing institution's slug"),
    achievement: str | None = typer.Option(None, "--achievement", help="Achievement definition (JSON file)"),
    opportunity: str | None = typer.Option(None, "--opportunity", help="Catalogue opportunity id"),
    key: str | None = typer.Option(
        None, "--key", help="Batch idempotency key (default: derived from the file)"
    ),
    chunk: int = typer.Option(500, "--chunk", min=1, max=5000, help="Rows committed together"),
) -> None:
    """Issue a cohort from CSV: idempotent, resumable (re-run the same command after a crash), with progress."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"{file} is not UTF-8 text")
    rows = credentials_service.parse_csv(text)
    with session_scope() as session:
        inst = accounts_service.get_institution_by_slug(session, institution)
        definition = _achievement(session, achievement, opportunity)
        batch_key = key or f"csv:{file.name}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"
        job = credentials_service.create_batch(
            session,
            institution_id=inst.id,
            request=BatchRequest(
                idempotency_key=batch_key, achievement=definition, rows=rows, label=file.name
            ),
            source="csv",
            actor=None,
        )
        job_id = job.id
        already = job.issued_count + job.failed_count
    with Progress(
        TextColumn("issuing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("issue", total=len(rows), completed=already)
        with session_scope() as session:

            def checkpoint(current: BatchJob) -> None:
                session.commit()  # each chunk is kept: a crash loses at most the chunk in flight
                progress.update(task, completed=current.issued_count + current.failed_count)

            done = credentials_service.run_batch(
                session, settings=settings(), job_id=job_id, chunk_size=chunk, on_chunk=checkpoint
            )
            failed = credentials_service.failed_rows(session, job_id=job_id)
            issued, failed_count = done.issued_count, done.failed_count
    console.print(f"batch {job_id}: {issued} issued, {failed_count} failed")
    for number, reason in failed[:20]:
        console.print(f"  row {number}: {reason}")
    if failed_count:
        raise typer.Exit(1)


@credentials_app.command("revoke")
@handles_errors
def revoke(
    credential_id: str = typer.Argument(..., help="The credential's id"),
    reason: str = typer.Option(..., "--reason", help="Why (the learner sees it)"),
) -> None:
    """Revoke a credential with a reason; verifiers see it at once in the status list."""
    with session_scope() as session:
        credential = credentials_service.revoke(
            session, settings=settings(), credential_id=credential_id, reason=reason, actor=None
        )
    console.print(f"revoked {credential.id}: {reason}")


@credentials_app.command("export")
@handles_errors
def export(
    out: Path = typer.Option(..., "--out", help="Directory to write into (created when missing)"),
) -> None:
    """Write every issued credential, status-list credential and issuer DID document as JSON files."""
    base_url = settings().base_url
    counts = {"credentials": 0, "status-lists": 0, "dids": 0}
    for sub in counts:
        (out / sub).mkdir(parents=True, exist_ok=True)
    with session_scope() as session:
        for credential in repository.all_credentials(session):
            _write(out / "credentials" / f"{credential.id}.json", credential.document)
            counts["credentials"] += 1
        slugs = {i.id: i.slug for i in repository.institutions(session)}
        for lst in repository.all_status_lists(session):
            for purpose, document in (
                ("revocation", lst.revocation_document),
                ("suspension", lst.suspension_document),
            ):
                if document is not None:
                    _write(
                        out / "status-lists" / f"{slugs[lst.institution_id]}-{lst.sequence}-{purpose}.json",
                        document,
                    )
                    counts["status-lists"] += 1
        for institution in repository.institutions(session):
            if repository.keys_of(session, institution.id):
                document = credentials_service.did_document(
                    session, institution=institution, base_url=base_url
                )
                _write(out / "dids" / f"{institution.slug}.did.json", document)
                counts["dids"] += 1
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()) + f" written to {out}")


def _write(path: Path, document: dict[str, object]) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@keys_app.command("rotate")
@handles_errors
def rotate(institution: str = typer.Option(..., "--institution", help="Institution slug")) -> None:
    """Start signing with a new key; the old one stays in the DID document so earlier credentials verify."""
    with session_scope() as session:
        inst = accounts_service.get_institution_by_slug(session, institution)
        key = credentials_service.rotate_key(
            session, institution_id=inst.id, kek=settings().key_encryption_key, actor=None
        )
        did = credentials_service.issuer_did(settings().base_url, inst)
    console.print(f"{institution} now signs with {did}#{key.fragment}")


def register(app: typer.Typer) -> None:
    """Mount `bridgeway credentials ...` and `bridgeway keys ...`."""
    app.add_typer(credentials_app, name="credentials")
    app.add_typer(keys_app, name="keys")
