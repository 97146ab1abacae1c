"""Cohort issuance: a batch job with one row per recipient, idempotent and resumable after a crash.

A job is created once per idempotency key with all its rows (nothing is issued yet). `run_batch` then
issues pending rows chunk by chunk; the caller may commit after each chunk (`on_chunk`), so a crash loses
at most the chunk in flight and re-running picks up the pending rows. Each row's credential carries the
idempotency key `batch:<job key>:<row key>`, so a row is never issued twice even across jobs.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bridgeway.accounts import errors as accounts_errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings
from bridgeway.credentials import errors, repository
from bridgeway.credentials.models import BatchJob
from bridgeway.credentials.schemas import (
    AchievementDefinition,
    BatchRequest,
    BatchRowInput,
    IssueRequest,
    Recipient,
)
from bridgeway.credentials.service import issuance
from bridgeway.kit.clock import utcnow

CSV_COLUMNS = ("email", "did", "user_id", "name", "result", "key")
MAX_CSV_BYTES = 20 * 1024 * 1024


def parse_csv(text: str) -> list[BatchRowInput]:
    """Read cohort rows from CSV with a header (email, did, user_id, name, result, key); report every bad row."""
    if len(text) > MAX_CSV_BYTES:
        raise errors.InvalidBatch(f"the CSV file is larger than {MAX_CSV_BYTES} bytes")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    if not header or unknown or not {"email", "did", "user_id"} & set(header):
        raise errors.InvalidBatch(
            "the CSV header must name columns among: "
            + ", ".join(CSV_COLUMNS)
            + (f" (unknown: {', '.join(unknown)})" if unknown else " (and one of email, did or user_id)")
        )
    rows: list[BatchRowInput] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        values = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        values = {k: v for k, v in values.items() if v}
        if not values:
            continue
        try:
            row = BatchRowInput(**values)
        except ValidationError as exc:
            problems.append(
                f"line {number}: "
                + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            )
            continue
        if not (row.email or row.did or row.user_id):
            problems.append(f"line {number}: needs an email, did or user_id")
            continue
        rows.append(row)
    if problems:
        raise errors.InvalidBatch(f"{len(problems)} bad row(s) in the CSV", detail=problems[:100])
    if not rows:
        raise errors.InvalidBatch("the CSV has no rows")
    return rows


def _request_hash(request: BatchRequest) -> str:
    return hashlib.sha256(request.model_dump_json(exclude={"label"}).encode()).hexdigest()


def create_batch(
    session: Session, *, institution_id: str, request: BatchRequest, source: str, actor: Principal | None
) -> BatchJob:
    """Record a batch job and its rows (nothing issued yet); the same idempotency key returns the same job."""
    institution = accounts_service.get_institution(session, institution_id)
    issuance.check_achievement(request.achievement, request.kind)
    digest = _request_hash(request)
    repository.lock_issuance(session, institution.id)
    existing = repository.batch_job_by_key(session, institution.id, request.idempotency_key)
    if existing is not None:
        if existing.request_hash != digest:
            raise errors.IdempotencyMismatch(
                f"the batch key '{request.idempotency_key}' was already used for a different cohort"
            )
        return existing
    keys_seen: set[str] = set()
    for number, row in enumerate(request.rows, start=1):
        row_key = row.key or str(number)
        if row_key in keys_seen:
            raise errors.InvalidBatch(f"row {number}: the key '{row_key}' appears twice")
        keys_seen.add(row_key)
    job = BatchJob(
        institution_id=institution.id,
        idempotency_key=request.idempotency_key,
        source=source,
        label=request.label,
        kind=request.kind,
        achievement=request.achievement.model_dump(mode="json"),
        request_hash=digest,
        total=len(request.rows),
        created_by_user_id=actor.user_id if actor else None,
    )
    session.add(job)
    session.flush()
    repository.insert_batch_rows(
        session,
        [
            {
                "job_id": job.id,
                "row_number": n,
                "payload": row.model_dump(mode="json", exclude_none=True),
                "state": "pending",
            }
            for n, row in enumerate(request.rows, start=1)
        ],
    )
    accounts_service.record_audit(
        session,
        actor=actor,
        action="credential_batch.created",
        entity_type="credential_batch",
        entity_id=job.id,
        institution_id=institution.id,
        after={"rows": job.total, "achievement": request.achievement.ref, "source": source},
    )
    return job


def run_batch(
    session: Session,
    *,
    settings: Settings,
    job_id: str,
    chunk_size: int = 500,
    on_chunk: Callable[[BatchJob], None] | None = None,
    actor: Principal | None = None,
) -> BatchJob:
    """Issue every pending row of a job, chunk by chunk; calling it again resumes where it stopped."""
    job = get_batch(session, job_id=job_id)
    institution = accounts_service.get_institution(session, job.institution_id)
    achievement = AchievementDefinition.model_validate(job.achievement)
    job.state = "running"
    session.flush()
    while True:
        rows = repository.pending_batch_rows(session, job.id, limit=chunk_size)
        if not rows:
            break
        row_keys = {
            row.id: f"batch:{job.idempotency_key}:{row.payload.get('key') or row.row_number}" for row in rows
        }
        done = repository.existing_idempotency_keys(session, institution.id, list(row_keys.values()))
        emails = [
            str(r.payload["email"]) for r in rows if r.payload.get("email") and not r.payload.get("user_id")
        ]
        known = repository.learners_by_email(session, emails)
        todo = []
        for row in rows:
            key = row_keys[row.id]
            if key in done:
                row.state, row.credential_id = "issued", done[key]
                continue
            payload = BatchRowInput.model_validate(row.payload)
            recipient_input = Recipient(user_id=payload.user_id, did=payload.did, email=payload.email)
            if payload.user_id is None and payload.email is not None:
                user_id, did = known.get(payload.email.strip().lower(), (None, None))
                recipient = issuance.ResolvedRecipient(
                    user_id=user_id, did=payload.did or did, email=payload.email
                )
            else:
                try:
                    recipient = issuance.resolve_recipient(session, recipient_input)
                except accounts_errors.UnknownUser as exc:
                    row.state, row.error = "failed", exc.message
                    continue
            request = IssueRequest(
                achievement=achievement,
                recipient=recipient_input,
                idempotency_key=key,
                kind=job.kind,
                result=payload.result,
                source_type="credential_batch",
                source_id=job.id,
            )
            todo.append((row, request, recipient))
        ids = issuance.issue_prepared(
            session,
            settings=settings,
            institution=institution,
            items=[(request, recipient) for _row, request, recipient in todo],
        )
        for (row, _request, _recipient), credential_id in zip(todo, ids, strict=True):
            row.state, row.credential_id = "issued", credential_id
        job.issued_count += sum(1 for row in rows if row.state == "issued")
        job.failed_count += sum(1 for row in rows if row.state == "failed")
        session.flush()
        if on_chunk is not None:
            on_chunk(job)
    job.state = "done"
    job.finished_at = utcnow()
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="credential_batch.finished",
        entity_type="credential_batch",
        entity_id=job.id,
        institution_id=job.institution_id,
        after={"issued": job.issued_count, "failed": job.failed_count},
    )
    return job


def get_batch(session: Session, *, job_id: str, institution_id: str | None = None) -> BatchJob:
    """Return a batch job (of the institution when given) or raise UnknownBatch."""
    job = repository.batch_job(session, job_id)
    if job is None or (institution_id is not None and job.institution_id != institution_id):
        raise errors.UnknownBatch(f"no batch '{job_id}'")
    return job


def failed_rows(session: Session, *, job_id: str) -> list[tuple[int, str]]:
    """Return (row number, reason) of the rows that could not be issued."""
    return [
        (r.row_number, r.error or "")
        for r in repository.batch_rows(session, job_id, state="failed", limit=1000)
    ]
