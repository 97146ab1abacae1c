"""The audit log: append one event per state change; read an institution's events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import errors, repository
from bridgeway.accounts.domain import AUDIT_READERS, Principal
from bridgeway.accounts.models import AuditEvent


def record_audit(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    entity_type: str,
    entity_id: str,
    institution_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Append one event to the audit log (who, what, when, before and after)."""
    event = AuditEvent(
        actor_user_id=actor.user_id if actor else None,
        actor_label=actor.email if actor else "system",
        institution_id=institution_id
        if institution_id is not None
        else (actor.institution_id if actor else None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    session.flush()
    return event


def list_audit(
    session: Session,
    *,
    actor: Principal,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor_user_id: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """Return one page of the actor's institution's audit log, newest first, and the total count."""
    if not actor.has_role(*AUDIT_READERS) or actor.institution_id is None:
        raise errors.MissingRole("reading the audit log needs the institution admin or registrar role")
    filters = repository.AuditFilters(
        institution_id=actor.institution_id,
        entity_type=entity_type or None,
        entity_id=entity_id or None,
        action=action or None,
        actor_user_id=actor_user_id or None,
        since=since,
    )
    events = repository.list_audit(session, filters, limit=limit, offset=offset)
    return events, repository.count_audit(session, filters)
