"""A person's own data: export everything about them, or delete (anonymise) their account.

Higher domains take part through `bridgeway.kit.hooks` (exporters and erasers). Issued credentials are left
alone: they name the learner by DID or salted e-mail hash only, so they stay verifiable after deletion.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bridgeway.accounts import repository
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.models import ApiToken, AuditEvent, Consent, Notification, WebSession
from bridgeway.accounts.service.audit import record_audit
from bridgeway.accounts.service.notifications import all_notifications_of, notification_state
from bridgeway.accounts.service.passwords import verify_password
from bridgeway.accounts.service.users import get_user
from bridgeway.kit import hooks
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput

EXPORT_FORMAT = "bridgeway-personal-data/1"
TOMBSTONE_DOMAIN = "deleted.invalid"  # RFC 2606: never routable
DELETED_NAME = "deleted user"


class PasswordConfirmationFailed(InvalidInput):
    """The password typed to confirm the deletion is wrong."""

    code = "password_confirmation_failed"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def tombstone_email(user_id: str) -> str:
    """Return the non-routable address that replaces a deleted person's e-mail."""
    return f"deleted-{user_id}@{TOMBSTONE_DOMAIN}"


def export_personal_data(session: Session, *, actor: Principal) -> dict[str, Any]:
    """Return everything Bridgeway holds about the caller as JSON-ready data, and audit the export.

    Secrets (password hash, token and session hashes, CSRF tokens) are never included.
    """
    user = get_user(session, actor.user_id)
    consents = session.scalars(
        select(Consent).where(Consent.learner_id == user.id).order_by(Consent.granted_at)
    )
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    )
    web_sessions = session.scalars(
        select(WebSession).where(WebSession.user_id == user.id).order_by(WebSession.created_at)
    )
    audit = session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.entity_id == user.id, AuditEvent.actor_user_id == user.id))
        .order_by(AuditEvent.id)
    )
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "profile": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "did": user.did,
            "institution_id": user.institution_id,
            "employer_id": user.employer_id,
            "is_active": user.is_active,
            "created_at": _iso(user.created_at),
        },
        "roles": [{"role": g.role, "granted_at": _iso(g.granted_at)} for g in user.role_grants],
        "consents": [
            {
                "id": c.id,
                "grantee_kind": c.grantee_kind,
                "grantee_id": c.grantee_id,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents
        ],
        "api_tokens": [
            {
                "id": t.id,
                "name": t.name,
                "scopes": list(t.scopes),
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
                "last_used_at": _iso(t.last_used_at),
            }
            for t in tokens
        ],
        "sessions": [
            {
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
                "expires_at": _iso(s.expires_at),
            }
            for s in web_sessions
        ],
        "notifications": [notification_state(n) for n in all_notifications_of(session, user.id)],
        "audit": [
            {
                "at": _iso(e.at),
                "actor": e.actor_label,
                "action": e.action,
                "entity_type": e.entity_type,
                "entity_id": e.entity_id,
                "before": e.before,
                "after": e.after,
                "note": e.note,
            }
            for e in audit
        ],
    }
    for name, exporter in hooks.exporters().items():
        data[name] = exporter(session, user.id)
    record_audit(
        session,
        actor=actor,
        action="user.data_exported",
        entity_type="user",
        entity_id=user.id,
        institution_id=user.institution_id,
        after={"parts": sorted(k for k in data if k not in ("format", "exported_at"))},
    )
    return data


def delete_account(session: Session, *, actor: Principal, password: str) -> None:
    """Delete the caller's account after checking their password: all of it happens, or nothing does.

    Registered erasers run first; then the person is deactivated and anonymised (tombstone e-mail, name and
    password removed), every session and API token ends, every consent is withdrawn and their notifications
    are deleted. Audit events already written stay (the log is append-only); the deletion event itself
    names the tombstone, not the e-mail. Issued credentials are untouched and stay verifiable.
    """
    user = get_user(session, actor.user_id)
    if not verify_password(user.password_hash, password):
        raise PasswordConfirmationFailed("the password is wrong; nothing was deleted")
    with session.begin_nested():  # a failing eraser or write undoes every step, even if the caller goes on
        erased = []
        for name, eraser in hooks.erasers().items():
            eraser(session, user.id)
            erased.append(name)
        now = utcnow()
        tokens = repository.active_tokens_of(session, user.id)
        for token in tokens:
            token.revoked_at = now
        consents = repository.consents_of(session, user.id, active_only=True)
        for consent in consents:
            consent.withdrawn_at = now
        repository.delete_web_sessions(session, user_id=user.id)
        removed = session.execute(delete(Notification).where(Notification.user_id == user.id))
        user.email = tombstone_email(user.id)
        user.display_name = DELETED_NAME
        user.password_hash = None
        user.did = None
        user.is_active = False
        user.failed_logins = 0
        user.locked_until = None
        user.deleted_at = now
        session.flush()
        record_audit(
            session,
            actor=dataclasses.replace(actor, email=user.email, display_name=DELETED_NAME),
            action="user.deleted",
            entity_type="user",
            entity_id=user.id,
            institution_id=user.institution_id,
            before={"is_active": True},
            after={
                "is_active": False,
                "email": user.email,
                "tokens_revoked": len(tokens),
                "consents_withdrawn": len(consents),
                "notifications_deleted": int(getattr(removed, "rowcount", 0) or 0),
                "erased_by": erased,
            },
        )
