"""Signing in: passwords, lockout, browser sessions and scoped API tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bridgeway.accounts import errors, repository
from bridgeway.accounts.domain import Principal, Scope, normalise_email
from bridgeway.accounts.models import ApiToken, User, WebSession
from bridgeway.accounts.service.audit import record_audit
from bridgeway.accounts.service.passwords import hash_password, needs_rehash, verify_password
from bridgeway.accounts.service.users import principal_for
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.ids import new_token

# A session unused for this long ends, whatever its absolute limit (settings.session_max_age_seconds).
SESSION_IDLE_SECONDS = 2 * 60 * 60
# Activity is written at most this often, so that reading pages does not write on every request.
TOUCH_EVERY = timedelta(minutes=5)
TOKEN_PREFIX = "bw_"


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(
    session: Session, *, email: str, password: str, max_failures: int = 5, lockout_seconds: int = 900
) -> User:
    """Check e-mail and password, counting failures and locking the account after too many."""
    user = repository.user_by_email(session, normalise_email(email))
    now = utcnow()
    if user is None or user.password_hash is None or not user.is_active or user.deleted_at is not None:
        verify_password(None, password)  # spend the same time, so timing does not reveal which e-mails exist
        raise errors.InvalidCredentials("e-mail or password is wrong")
    if user.locked_until is not None and user.locked_until > now:
        raise errors.AccountLocked("too many failed sign-ins; try again later")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        record_audit(
            session,
            actor=None,
            action="user.sign_in_failed",
            entity_type="user",
            entity_id=user.id,
            institution_id=user.institution_id,
            after={"failed_logins": user.failed_logins},
        )
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(seconds=lockout_seconds)
            user.failed_logins = 0
            record_audit(
                session,
                actor=None,
                action="user.locked",
                entity_type="user",
                entity_id=user.id,
                institution_id=user.institution_id,
                after={"locked_until": user.locked_until.isoformat()},
            )
        session.flush()
        raise errors.InvalidCredentials("e-mail or password is wrong")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    return user


def start_web_session(
    session: Session,
    *,
    user: User,
    max_age_seconds: int,
    replacing: str | None = None,
    idle_seconds: int = SESSION_IDLE_SECONDS,
) -> tuple[str, WebSession]:
    """Open a browser session; return the cookie token (shown once) and the stored session.

    A new token is always issued (no session fixation); the session behind `replacing`, the cookie the
    browser held before signing in, is ended, and expired sessions are cleared out.
    """
    now = utcnow()
    if replacing:
        old = repository.web_session_by_hash(session, _sha256(replacing))
        if old is not None:
            session.delete(old)
    repository.delete_expired_web_sessions(
        session, now=now, idle_before=now - timedelta(seconds=idle_seconds)
    )
    token = new_token()
    web_session = WebSession(
        user_id=user.id,
        token_hash=_sha256(token),
        csrf_token=new_token(24),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=max_age_seconds),
    )
    session.add(web_session)
    session.flush()
    record_audit(
        session,
        actor=principal_for(user),
        action="user.signed_in",
        entity_type="user",
        entity_id=user.id,
        institution_id=user.institution_id,
        after={"via": "password"},
    )
    return token, web_session


def session_is_live(
    web_session: WebSession, *, now: datetime, idle_seconds: int = SESSION_IDLE_SECONDS
) -> bool:
    """Return True while the session is within both its absolute and its idle limit."""
    return web_session.expires_at > now and web_session.last_seen_at > now - timedelta(seconds=idle_seconds)


def resolve_web_session(
    session: Session, token: str, *, idle_seconds: int = SESSION_IDLE_SECONDS
) -> Principal | None:
    """Return the principal behind a session cookie, or None when it is unknown, expired or idle too long."""
    web_session = repository.web_session_by_hash(session, _sha256(token))
    now = utcnow()
    if web_session is None or not session_is_live(web_session, now=now, idle_seconds=idle_seconds):
        return None
    user = session.get(User, web_session.user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    if now - web_session.last_seen_at > TOUCH_EVERY:
        web_session.last_seen_at = now
        session.flush()
    return principal_for(user, via="session", csrf_token=web_session.csrf_token)


def end_web_session(session: Session, token: str, *, actor: Principal | None = None) -> None:
    """Delete the browser session behind a cookie token (sign-out)."""
    web_session = repository.web_session_by_hash(session, _sha256(token))
    if web_session is not None:
        session.delete(web_session)
        session.flush()
        if actor is not None:
            record_audit(
                session, actor=actor, action="user.signed_out", entity_type="user", entity_id=actor.user_id
            )


def change_password(session: Session, *, actor: Principal, current: str, new: str) -> User:
    """Change the caller's own password after checking the current one; ends every other session."""
    user = session.get(User, actor.user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise errors.InvalidCredentials("the current password is wrong")
    user.password_hash = hash_password(new)
    repository.delete_web_sessions(session, user_id=user.id)
    session.flush()
    record_audit(session, actor=actor, action="user.password_changed", entity_type="user", entity_id=user.id)
    return user


def _parse_scopes(scopes: Iterable[Scope | str]) -> list[str]:
    try:
        scope_set = sorted({Scope(s).value for s in scopes})
    except ValueError as exc:
        raise InvalidInput(
            f"unknown scope: {exc}; known scopes: {', '.join(s.value for s in Scope)}"
        ) from None
    if not scope_set:
        raise InvalidInput("an API token needs at least one scope")
    return scope_set


def token_state(token: ApiToken) -> dict[str, object]:
    """Return what the audit log records about a token (never its secret or hash)."""
    return {
        "user_id": token.user_id,
        "name": token.name,
        "scopes": list(token.scopes),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def create_api_token(
    session: Session,
    *,
    user: User,
    scopes: Iterable[Scope | str],
    name: str = "",
    expires_in_days: int | None = None,
    actor: Principal | None = None,
) -> str:
    """Create a scoped API token for a user and return its secret (shown once)."""
    secret, _token = issue_api_token(
        session, user=user, scopes=scopes, name=name, expires_in_days=expires_in_days, actor=actor
    )
    return secret


def issue_api_token(
    session: Session,
    *,
    user: User,
    scopes: Iterable[Scope | str],
    name: str = "",
    expires_in_days: int | None = None,
    actor: Principal | None = None,
) -> tuple[str, ApiToken]:
    """Create a scoped API token; return its secret (shown once) and the stored token.

    When the actor is itself an API token, the new token may hold only scopes the actor's token holds.
    """
    scope_set = _parse_scopes(scopes)
    if actor is not None and actor.scopes is not None:
        extra = set(scope_set) - {s.value for s in actor.scopes}
        if extra:
            raise errors.ScopeEscalation(
                f"this token cannot grant scopes it lacks: {', '.join(sorted(extra))}"
            )
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise InvalidInput("a token expires after 1 to 3650 days")
    secret = TOKEN_PREFIX + new_token()
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:255],
        token_hash=_sha256(secret),
        scopes=scope_set,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="api_token.created",
        entity_type="api_token",
        entity_id=token.id,
        institution_id=user.institution_id,
        after=token_state(token),
    )
    return secret, token


def list_api_tokens(session: Session, *, actor: Principal) -> list[ApiToken]:
    """Return the caller's own API tokens, newest first (secrets are never stored)."""
    return repository.tokens_of(session, actor.user_id)


def revoke_api_token(session: Session, *, actor: Principal, token_id: str) -> ApiToken:
    """Revoke one of the caller's own API tokens; revoking twice changes nothing."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise errors.UnknownApiToken(f"you have no API token with id '{token_id}'")
    if token.revoked_at is None:
        before = token_state(token)
        token.revoked_at = utcnow()
        session.flush()
        record_audit(
            session,
            actor=actor,
            action="api_token.revoked",
            entity_type="api_token",
            entity_id=token.id,
            before=before,
            after=token_state(token),
        )
    return token


def resolve_api_token(session: Session, secret: str) -> Principal | None:
    """Return the principal behind a bearer token, or None when it is unknown, revoked or expired."""
    token = repository.token_by_hash(session, _sha256(secret))
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        session.flush()
    return principal_for(user, scopes=frozenset(Scope(s) for s in token.scopes), via="token")
