"""All SQL of the credentials domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bridgeway.accounts.models import Institution, User
from bridgeway.credentials.models import (
    BatchJob,
    BatchRow,
    CredentialStatusEvent,
    IssuedCredential,
    IssuerKey,
    ShareLink,
    StackAward,
    StatusList,
)


def institution_by_slug(session: Session, slug: str) -> Institution | None:
    """Return the institution with that slug, if any (read-only lookup for public DID and status URLs)."""
    return session.scalar(select(Institution).where(Institution.slug == slug))


def lock_issuance(session: Session, institution_id: str) -> None:
    """Serialise issuance per institution (SELECT ... FOR UPDATE on its row; SQLite serialises writers anyway).

    Taken before the idempotency check, so a concurrent retry with the same key waits and then finds the
    credential the first request committed instead of failing on the unique constraint.
    """
    session.execute(select(Institution.id).where(Institution.id == institution_id).with_for_update())


def institutions(session: Session) -> list[Institution]:
    """Return every institution, by slug."""
    return list(session.scalars(select(Institution).order_by(Institution.slug)))


def learners_by_email(session: Session, emails: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """Return {normalised e-mail: (user id, DID)} of the active users among the e-mails (batch recipient lookup)."""
    found: dict[str, tuple[str, str | None]] = {}
    unique = sorted({e.strip().lower() for e in emails})
    for start in range(0, len(unique), 500):
        stmt = select(User.email, User.id, User.did).where(
            User.email.in_(unique[start : start + 500]), User.deleted_at.is_(None)
        )
        found.update({str(row[0]): (str(row[1]), row[2]) for row in session.execute(stmt)})
    return found


def keys_of(session: Session, institution_id: str) -> list[IssuerKey]:
    """Return every key of an institution, oldest first."""
    stmt = select(IssuerKey).where(IssuerKey.institution_id == institution_id).order_by(IssuerKey.sequence)
    return list(session.scalars(stmt))


def active_key(session: Session, institution_id: str) -> IssuerKey | None:
    """Return the institution's current signing key, if any."""
    stmt = (
        select(IssuerKey)
        .where(IssuerKey.institution_id == institution_id, IssuerKey.retired_at.is_(None))
        .order_by(IssuerKey.sequence.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def credential(session: Session, credential_id: str) -> IssuedCredential | None:
    """Return the credential with that id, if any."""
    return session.get(IssuedCredential, credential_id)


def credential_by_idempotency_key(session: Session, institution_id: str, key: str) -> IssuedCredential | None:
    """Return the credential issued under that idempotency key, if any."""
    stmt = select(IssuedCredential).where(
        IssuedCredential.institution_id == institution_id, IssuedCredential.idempotency_key == key
    )
    return session.scalar(stmt)


def existing_idempotency_keys(session: Session, institution_id: str, keys: Sequence[str]) -> dict[str, str]:
    """Return {idempotency key: credential id} for the keys already used."""
    found: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        stmt = select(IssuedCredential.idempotency_key, IssuedCredential.id).where(
            IssuedCredential.institution_id == institution_id, IssuedCredential.idempotency_key.in_(chunk)
        )
        found.update({str(row[0]): str(row[1]) for row in session.execute(stmt)})
    return found


def insert_credentials(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many credentials at once (the batch fast path)."""
    if rows:
        session.execute(insert(IssuedCredential), rows)


def credentials_of_learner(session: Session, user_id: str) -> list[IssuedCredential]:
    """Return a learner's credentials, newest first."""
    stmt = (
        select(IssuedCredential)
        .where(IssuedCredential.learner_user_id == user_id)
        .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id)
    )
    return list(session.scalars(stmt))


def credentials_of_institution(
    session: Session, institution_id: str, *, limit: int, offset: int, learner_user_id: str | None = None
) -> tuple[list[IssuedCredential], int]:
    """Return a page of an institution's credentials, newest first, and the total."""
    where = [IssuedCredential.institution_id == institution_id]
    if learner_user_id is not None:
        where.append(IssuedCredential.learner_user_id == learner_user_id)
    total = session.scalar(select(func.count()).select_from(IssuedCredential).where(*where)) or 0
    stmt = (
        select(IssuedCredential)
        .where(*where)
        .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt)), total


def all_credentials(session: Session, *, batch_size: int = 500) -> Iterable[IssuedCredential]:
    """Yield every credential, in id order (for export)."""
    last = ""
    while True:
        stmt = (
            select(IssuedCredential)
            .where(IssuedCredential.id > last)
            .order_by(IssuedCredential.id)
            .limit(batch_size)
        )
        rows = list(session.scalars(stmt))
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def status_events(session: Session, credential_id: str) -> list[CredentialStatusEvent]:
    """Return the status history of a credential, oldest first."""
    stmt = (
        select(CredentialStatusEvent)
        .where(CredentialStatusEvent.credential_id == credential_id)
        .order_by(CredentialStatusEvent.id)
    )
    return list(session.scalars(stmt))


def status_list_with_room(session: Session, institution_id: str, needed: int) -> StatusList | None:
    """Return the newest status list with room for `needed` more entries, locked for update."""
    stmt = (
        select(StatusList)
        .where(
            StatusList.institution_id == institution_id,
            StatusList.allocated_count + needed <= StatusList.size,
        )
        .order_by(StatusList.sequence.desc())
        .limit(1)
        .with_for_update()
    )
    return session.scalar(stmt)


def status_lists_of(session: Session, institution_id: str) -> list[StatusList]:
    """Return an institution's status lists, by sequence."""
    stmt = select(StatusList).where(StatusList.institution_id == institution_id).order_by(StatusList.sequence)
    return list(session.scalars(stmt))


def all_status_lists(session: Session) -> list[StatusList]:
    """Return every status list."""
    return list(session.scalars(select(StatusList).order_by(StatusList.institution_id, StatusList.sequence)))


def status_list(session: Session, institution_id: str, sequence: int) -> StatusList | None:
    """Return one status list by its institution and sequence."""
    stmt = select(StatusList).where(
        StatusList.institution_id == institution_id, StatusList.sequence == sequence
    )
    return session.scalar(stmt)


def next_status_list_sequence(session: Session, institution_id: str) -> int:
    """Return the sequence number a new status list of the institution takes."""
    current = session.scalar(
        select(func.max(StatusList.sequence)).where(StatusList.institution_id == institution_id)
    )
    return (current or 0) + 1


def batch_job_by_key(session: Session, institution_id: str, key: str) -> BatchJob | None:
    """Return the batch job with that idempotency key, if any."""
    stmt = select(BatchJob).where(BatchJob.institution_id == institution_id, BatchJob.idempotency_key == key)
    return session.scalar(stmt)


def batch_job(session: Session, job_id: str) -> BatchJob | None:
    """Return a batch job by id."""
    return session.get(BatchJob, job_id)


def insert_batch_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert the rows of a new batch job."""
    if rows:
        session.execute(insert(BatchRow), rows)


def pending_batch_rows(session: Session, job_id: str, *, limit: int) -> list[BatchRow]:
    """Return the next rows of a job still to issue, in row order."""
    stmt = (
        select(BatchRow)
        .where(BatchRow.job_id == job_id, BatchRow.state == "pending")
        .order_by(BatchRow.row_number)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def batch_rows(
    session: Session, job_id: str, *, state: str | None = None, limit: int = 100
) -> list[BatchRow]:
    """Return rows of a job, optionally in one state."""
    stmt = select(BatchRow).where(BatchRow.job_id == job_id)
    if state is not None:
        stmt = stmt.where(BatchRow.state == state)
    return list(session.scalars(stmt.order_by(BatchRow.row_number).limit(limit)))


def share_link_by_token(session: Session, token: str) -> ShareLink | None:
    """Return the share link with that token, if any."""
    return session.scalar(select(ShareLink).where(ShareLink.token == token))


def share_links_of(session: Session, user_id: str) -> list[ShareLink]:
    """Return a learner's share links, newest first."""
    stmt = select(ShareLink).where(ShareLink.learner_user_id == user_id).order_by(ShareLink.created_at.desc())
    return list(session.scalars(stmt))


def stack_award(session: Session, learner_user_id: str, parent_ref: str) -> StackAward | None:
    """Return the stack award of a learner for a parent achievement, if any."""
    stmt = select(StackAward).where(
        StackAward.learner_user_id == learner_user_id, StackAward.parent_ref == parent_ref
    )
    return session.scalar(stmt)


def pending_stack_awards(session: Session, institution_id: str) -> list[StackAward]:
    """Return an institution's stack awards waiting for approval, oldest first."""
    stmt = (
        select(StackAward)
        .where(StackAward.institution_id == institution_id, StackAward.state == "pending")
        .order_by(StackAward.created_at)
    )
    return list(session.scalars(stmt))
