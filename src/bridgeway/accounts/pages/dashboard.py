"""Cheap counts shown on the home dashboard beside the accounts links (NAV_ITEMS "count")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import repository
from bridgeway.accounts.domain import Principal


def institution_user_count(session: Session, principal: Principal) -> int | None:
    """Return how many active users the admin's institution has."""
    if principal.institution_id is None:
        return None
    return repository.count_users(session, institution_id=principal.institution_id)


def audit_event_count(session: Session, principal: Principal) -> int | None:
    """Return how many audit events the institution has."""
    if principal.institution_id is None:
        return None
    return repository.count_audit(session, repository.AuditFilters(institution_id=principal.institution_id))


def active_consent_count(session: Session, principal: Principal) -> int | None:
    """Return how many consents the learner has granted and not withdrawn."""
    return len(repository.consents_of(session, principal.user_id, active_only=True))


def active_token_count(session: Session, principal: Principal) -> int | None:
    """Return how many of the caller's API tokens are not revoked."""
    return len(repository.active_tokens_of(session, principal.user_id))
