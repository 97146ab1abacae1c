"""All SQL of the accounts domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts.models import ApiToken, AuditEvent, Employer, Institution, User, WebSession


def institution_by_slug(session: Session, slug: str) -> Institution | None:
    """Return the institution with that slug, if any."""
    return session.scalar(select(Institution).where(Institution.slug == slug))


def employer_by_slug(session: Session, slug: str) -> Employer | None:
    """Return the employer with that slug, if any."""
    return session.scalar(select(Employer).where(Employer.slug == slug))


def user_by_email(session: Session, email: str) -> User | None:
    """Return the user with that (normalised) e-mail, if any."""
    return session.scalar(select(User).where(User.email == email))


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    """Return the API token with that hash, if any."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def web_session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    """Return the browser session with that hash, if any."""
    return session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))


def list_audit(
    session: Session,
    *,
    institution_id: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditEvent]:
    """Return audit events, newest first, filtered as asked."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if institution_id is not None:
        stmt = stmt.where(AuditEvent.institution_id == institution_id)
    if entity_type is not None:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    return list(session.scalars(stmt.limit(limit).offset(offset)))
