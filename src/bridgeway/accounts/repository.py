"""All SQL of the accounts domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from bridgeway.accounts.models import (
    ApiToken,
    AuditEvent,
    Consent,
    Employer,
    Institution,
    RoleGrant,
    User,
    WebSession,
)


def institution_by_slug(session: Session, slug: str) -> Institution | None:
    """Return the institution with that slug, if any."""
    return session.scalar(select(Institution).where(Institution.slug == slug))


def list_institutions(session: Session) -> list[Institution]:
    """Return every institution by name."""
    return list(session.scalars(select(Institution).order_by(Institution.name)))


def employer_by_slug(session: Session, slug: str) -> Employer | None:
    """Return the employer with that slug, if any."""
    return session.scalar(select(Employer).where(Employer.slug == slug))


def list_employers(session: Session) -> list[Employer]:
    """Return every employer by name."""
    return list(session.scalars(select(Employer).order_by(Employer.name)))


def user_by_email(session: Session, email: str) -> User | None:
    """Return the user with that (normalised) e-mail, if any."""
    return session.scalar(select(User).where(User.email == email))


def _users_query(
    institution_id: str, query: str | None, role: str | None, active: bool | None
) -> Select[User]:
    stmt = select(User).where(User.institution_id == institution_id, User.deleted_at.is_(None))
    if query:
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    if role:
        stmt = stmt.where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == role)))
    if active is not None:
        stmt = stmt.where(User.is_active.is_(active))
    return stmt


def list_users(
    session: Session,
    *,
    institution_id: str,
    query: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[User], int]:
    """Return one page of an institution's users by e-mail, and how many match in all."""
    stmt = _users_query(institution_id, query, role, active)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    users = list(session.scalars(stmt.order_by(User.email).limit(limit).offset(offset)))
    return users, total


def count_users(session: Session, *, institution_id: str, active: bool | None = True) -> int:
    """Return how many users an institution has."""
    stmt = _users_query(institution_id, None, None, active)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    """Return the API token with that hash, if any."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def tokens_of(session: Session, user_id: str) -> list[ApiToken]:
    """Return a user's API tokens, newest first."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
        )
    )


def active_tokens_of(session: Session, user_id: str) -> list[ApiToken]:
    """Return a user's API tokens that are not revoked."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)))
    )


def web_session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    """Return the browser session with that hash, if any."""
    return session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))


def delete_web_sessions(session: Session, *, user_id: str) -> None:
    """Delete every browser session of a user."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def delete_expired_web_sessions(session: Session, *, now: datetime, idle_before: datetime) -> int:
    """Delete sessions past their absolute or idle limit; return how many."""
    result = session.execute(
        delete(WebSession).where(or_(WebSession.expires_at <= now, WebSession.last_seen_at < idle_before))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def consents_of(session: Session, learner_id: str, *, active_only: bool = False) -> list[Consent]:
    """Return a learner's consents, newest first."""
    stmt = select(Consent).where(Consent.learner_id == learner_id)
    if active_only:
        stmt = stmt.where(Consent.withdrawn_at.is_(None))
    return list(session.scalars(stmt.order_by(Consent.granted_at.desc())))


def active_consent(
    session: Session, *, learner_id: str, grantee_kind: str, grantee_id: str
) -> Consent | None:
    """Return the learner's active consent for that grantee, if any."""
    return session.scalar(
        select(Consent).where(
            Consent.learner_id == learner_id,
            Consent.grantee_kind == grantee_kind,
            Consent.grantee_id == grantee_id,
            Consent.withdrawn_at.is_(None),
        )
    )


@dataclass(frozen=True)
class AuditFilters:
    """Which audit events to return; None means any."""

    institution_id: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    action: str | None = None  # an action or its prefix, e.g. "user."
    actor_user_id: str | None = None
    since: datetime | None = None


def _audit_query(filters: AuditFilters) -> Select[AuditEvent]:
    stmt = select(AuditEvent)
    if filters.institution_id is not None:
        stmt = stmt.where(AuditEvent.institution_id == filters.institution_id)
    if filters.entity_type is not None:
        stmt = stmt.where(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == filters.entity_id)
    if filters.action is not None:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.actor_user_id is not None:
        stmt = stmt.where(AuditEvent.actor_user_id == filters.actor_user_id)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.at >= filters.since)
    return stmt


def list_audit(
    session: Session, filters: AuditFilters, *, limit: int = 50, offset: int = 0
) -> list[AuditEvent]:
    """Return audit events, newest first, filtered as asked."""
    stmt = _audit_query(filters).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def count_audit(session: Session, filters: AuditFilters) -> int:
    """Return how many audit events match the filters."""
    return session.scalar(select(func.count()).select_from(_audit_query(filters).subquery())) or 0


def learners_consenting(session: Session, grantees: list[tuple[str, str]]) -> set[str]:
    """Return the learners with an active consent to any of the (kind, id) grantees."""
    if not grantees:
        return set()
    conditions = [(Consent.grantee_kind == kind) & (Consent.grantee_id == gid) for kind, gid in grantees]
    stmt = select(Consent.learner_id).where(Consent.withdrawn_at.is_(None), or_(*conditions)).distinct()
    return set(session.scalars(stmt))
