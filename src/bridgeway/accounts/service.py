"""Account use cases. Services flush, never commit: the request or CLI command owns the transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from bridgeway.accounts import errors, repository
from bridgeway.accounts.domain import Principal, Role, Scope, normalise_email
from bridgeway.accounts.models import ApiToken, AuditEvent, Employer, Institution, RoleGrant, User, WebSession
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.ids import new_token

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal which e-mails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_institution(
    session: Session, *, slug: str, name: str, name_fr: str | None = None, url: str | None = None
) -> Institution:
    """Create an institution (tenant)."""
    if repository.institution_by_slug(session, slug) is not None:
        raise errors.Conflict(f"an institution with slug '{slug}' already exists")
    institution = Institution(slug=slug, name=name, name_fr=name_fr, url=url)
    session.add(institution)
    session.flush()
    return institution


def get_institution_by_slug(session: Session, slug: str) -> Institution:
    """Return the institution or raise UnknownInstitution."""
    institution = repository.institution_by_slug(session, slug)
    if institution is None:
        raise errors.UnknownInstitution(f"no institution with slug '{slug}'")
    return institution


def get_institution(session: Session, institution_id: str) -> Institution:
    """Return the institution by id or raise UnknownInstitution."""
    institution = session.get(Institution, institution_id)
    if institution is None:
        raise errors.UnknownInstitution(f"no institution with id '{institution_id}'")
    return institution


def create_employer(session: Session, *, slug: str, name: str, kind: str = "employer") -> Employer:
    """Create an employer or industry body."""
    if repository.employer_by_slug(session, slug) is not None:
        raise errors.Conflict(f"an employer with slug '{slug}' already exists")
    employer = Employer(slug=slug, name=name, kind=kind)
    session.add(employer)
    session.flush()
    return employer


def get_employer_by_slug(session: Session, slug: str) -> Employer:
    """Return the employer or raise UnknownEmployer."""
    employer = repository.employer_by_slug(session, slug)
    if employer is None:
        raise errors.UnknownEmployer(f"no employer with slug '{slug}'")
    return employer


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    roles: Iterable[Role],
    password: str | None = None,
    institution_id: str | None = None,
    employer_id: str | None = None,
    locale: str = "en",
) -> User:
    """Create a user holding the given roles."""
    email = normalise_email(email)
    if "@" not in email:
        raise InvalidInput(f"'{email}' is not an e-mail address")
    if repository.user_by_email(session, email) is not None:
        raise errors.DuplicateUser(f"a user with e-mail '{email}' already exists")
    role_set = {Role(r) for r in roles}
    if not role_set:
        raise InvalidInput("a user needs at least one role")
    if Role.EMPLOYER in role_set and employer_id is None:
        raise InvalidInput("an employer user must belong to an employer")
    if role_set - {Role.EMPLOYER, Role.LEARNER} and institution_id is None:
        raise InvalidInput("staff roles need an institution")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password) if password else None,
        institution_id=institution_id,
        employer_id=employer_id,
        locale=locale,
    )
    user.role_grants = [RoleGrant(role=r.value) for r in sorted(role_set)]
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: str) -> User:
    """Return the user by id or raise UnknownUser."""
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise errors.UnknownUser(f"no user with id '{user_id}'")
    return user


def get_user_by_email(session: Session, email: str) -> User:
    """Return the user by e-mail or raise UnknownUser."""
    user = repository.user_by_email(session, normalise_email(email))
    if user is None or user.deleted_at is not None:
        raise errors.UnknownUser(f"no user with e-mail '{email}'")
    return user


def roles_of(user: User) -> frozenset[Role]:
    """Return the roles a user holds."""
    return frozenset(Role(g.role) for g in user.role_grants)


def principal_for(user: User, *, scopes: frozenset[Scope] | None = None, via: str = "session",
                  csrf_token: str | None = None) -> Principal:
    """Build the Principal for a user."""
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=roles_of(user),
        institution_id=user.institution_id,
        employer_id=user.employer_id,
        scopes=scopes,
        via=via,
        csrf_token=csrf_token,
    )


def authenticate(
    session: Session, *, email: str, password: str, max_failures: int = 5, lockout_seconds: int = 900
) -> User:
    """Check e-mail and password, counting failures and locking the account after too many."""
    user = repository.user_by_email(session, normalise_email(email))
    now = utcnow()
    if user is None or user.password_hash is None or not user.is_active or user.deleted_at is not None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        raise errors.InvalidCredentials("e-mail or password is wrong")
    if user.locked_until is not None and user.locked_until > now:
        raise errors.AccountLocked("too many failed sign-ins; try again later")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(seconds=lockout_seconds)
            user.failed_logins = 0
            record_audit(session, actor=None, action="user.locked", entity_type="user", entity_id=user.id,
                         institution_id=user.institution_id, after={"locked_until": user.locked_until.isoformat()})
        session.flush()
        raise errors.InvalidCredentials("e-mail or password is wrong") from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    return user


def start_web_session(session: Session, *, user: User, max_age_seconds: int) -> tuple[str, WebSession]:
    """Open a browser session; return the cookie token (shown once) and the stored session."""
    token = new_token()
    web_session = WebSession(
        user_id=user.id,
        token_hash=_sha256(token),
        csrf_token=new_token(24),
        expires_at=utcnow() + timedelta(seconds=max_age_seconds),
    )
    session.add(web_session)
    session.flush()
    return token, web_session


def resolve_web_session(session: Session, token: str) -> Principal | None:
    """Return the principal behind a session cookie, or None when it is unknown or expired."""
    web_session = repository.web_session_by_hash(session, _sha256(token))
    if web_session is None or web_session.expires_at <= utcnow():
        return None
    user = session.get(User, web_session.user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    return principal_for(user, via="session", csrf_token=web_session.csrf_token)


def end_web_session(session: Session, token: str) -> None:
    """Delete the browser session behind a cookie token (sign-out)."""
    web_session = repository.web_session_by_hash(session, _sha256(token))
    if web_session is not None:
        session.delete(web_session)
        session.flush()


def create_api_token(
    session: Session, *, user: User, scopes: Iterable[Scope | str], name: str = "", expires_in_days: int | None = None
) -> str:
    """Create a scoped API token for a user and return its secret (shown once)."""
    try:
        scope_set = sorted({Scope(s).value for s in scopes})
    except ValueError as exc:
        raise InvalidInput(f"unknown scope: {exc}; known scopes: {', '.join(s.value for s in Scope)}") from None
    if not scope_set:
        raise InvalidInput("an API token needs at least one scope")
    secret = "bw_" + new_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_sha256(secret),
        scopes=scope_set,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.flush()
    record_audit(session, actor=None, action="api_token.created", entity_type="api_token", entity_id=token.id,
                 institution_id=user.institution_id, after={"user_id": user.id, "scopes": scope_set, "name": name})
    return secret


def resolve_api_token(session: Session, secret: str) -> Principal | None:
    """Return the principal behind a bearer token, or None when it is unknown, revoked or expired."""
    token = repository.token_by_hash(session, _sha256(secret))
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    return principal_for(user, scopes=frozenset(Scope(s) for s in token.scopes), via="token")


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
        institution_id=institution_id if institution_id is not None else (actor.institution_id if actor else None),
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
