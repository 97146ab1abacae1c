"""Institutions, employers and users, and how institution admins manage their institution's users."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import errors, repository
from bridgeway.accounts.domain import (
    INSTITUTION_ROLES,
    Principal,
    Role,
    Scope,
    check_roles_change,
    normalise_email,
)
from bridgeway.accounts.models import Employer, Institution, RoleGrant, User
from bridgeway.accounts.service.audit import record_audit
from bridgeway.accounts.service.passwords import hash_password
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput

EMPLOYER_KINDS = ("employer", "industry_body")


def user_state(user: User) -> dict[str, Any]:
    """Return what the audit log records about a user (never the password hash)."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(g.role for g in user.role_grants),
        "is_active": user.is_active,
        "institution_id": user.institution_id,
        "employer_id": user.employer_id,
    }


def create_institution(
    session: Session,
    *,
    slug: str,
    name: str,
    name_fr: str | None = None,
    url: str | None = None,
    actor: Principal | None = None,
) -> Institution:
    """Create an institution (tenant)."""
    if repository.institution_by_slug(session, slug) is not None:
        raise errors.Conflict(f"an institution with slug '{slug}' already exists")
    institution = Institution(slug=slug, name=name, name_fr=name_fr, url=url)
    session.add(institution)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="institution.created",
        entity_type="institution",
        entity_id=institution.id,
        institution_id=institution.id,
        after={"slug": slug, "name": name, "name_fr": name_fr, "url": url},
    )
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


def list_institutions(session: Session) -> list[Institution]:
    """Return every institution by name."""
    return repository.list_institutions(session)


def create_employer(
    session: Session, *, slug: str, name: str, kind: str = "employer", actor: Principal | None = None
) -> Employer:
    """Create an employer or industry body."""
    if kind not in EMPLOYER_KINDS:
        raise InvalidInput(f"an employer's kind is one of: {', '.join(EMPLOYER_KINDS)}")
    if repository.employer_by_slug(session, slug) is not None:
        raise errors.Conflict(f"an employer with slug '{slug}' already exists")
    employer = Employer(slug=slug, name=name, kind=kind)
    session.add(employer)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="employer.created",
        entity_type="employer",
        entity_id=employer.id,
        after={"slug": slug, "name": name, "kind": kind},
    )
    return employer


def get_employer_by_slug(session: Session, slug: str) -> Employer:
    """Return the employer or raise UnknownEmployer."""
    employer = repository.employer_by_slug(session, slug)
    if employer is None:
        raise errors.UnknownEmployer(f"no employer with slug '{slug}'")
    return employer


def get_employer(session: Session, employer_id: str) -> Employer:
    """Return the employer by id or raise UnknownEmployer."""
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise errors.UnknownEmployer(f"no employer with id '{employer_id}'")
    return employer


def affiliation(session: Session, principal: Principal) -> tuple[Institution | None, Employer | None]:
    """Return the caller's institution and employer (either may be None)."""
    institution = get_institution(session, principal.institution_id) if principal.institution_id else None
    employer = get_employer(session, principal.employer_id) if principal.employer_id else None
    return institution, employer


def list_employers(session: Session) -> list[Employer]:
    """Return every employer by name."""
    return repository.list_employers(session)


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
    actor: Principal | None = None,
) -> User:
    """Create a user holding the given roles."""
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise InvalidInput(f"'{email}' is not an e-mail address")
    if repository.user_by_email(session, email) is not None:
        raise errors.DuplicateUser(f"a user with e-mail '{email}' already exists")
    try:
        role_set = {Role(r) for r in roles}
    except ValueError as exc:
        raise InvalidInput(f"unknown role: {exc}") from None
    if not role_set:
        raise InvalidInput("a user needs at least one role")
    if Role.EMPLOYER in role_set and employer_id is None:
        raise InvalidInput("an employer user must belong to an employer")
    if role_set - {Role.EMPLOYER, Role.LEARNER} and institution_id is None:
        raise InvalidInput("staff roles need an institution")
    if not display_name.strip():
        raise InvalidInput("a user needs a display name")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        institution_id=institution_id,
        employer_id=employer_id,
        locale=locale,
    )
    user.role_grants = [RoleGrant(role=r.value) for r in sorted(role_set)]
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="user.created",
        entity_type="user",
        entity_id=user.id,
        institution_id=institution_id,
        after=user_state(user),
    )
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


def staff_with_role(session: Session, *, institution_id: str, role: Role) -> list[User]:
    """Return the active users of an institution who hold a role (e.g. whom to notify), by e-mail."""
    users, _ = repository.list_users(
        session, institution_id=institution_id, role=role.value, active=True, limit=1000
    )
    return users


def roles_of(user: User) -> frozenset[Role]:
    """Return the roles a user holds."""
    return frozenset(Role(g.role) for g in user.role_grants)


def principal_for(
    user: User, *, scopes: frozenset[Scope] | None = None, via: str = "session", csrf_token: str | None = None
) -> Principal:
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


# --- Institution admins manage their own institution's users ---------------------------------------------


def _require_admin(actor: Principal) -> str:
    if not actor.has_role(Role.INSTITUTION_ADMIN) or actor.institution_id is None:
        raise errors.MissingRole("managing users needs the institution admin role")
    return actor.institution_id


def list_institution_users(
    session: Session,
    *,
    actor: Principal,
    query: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[User], int]:
    """Return one page of the admin's institution's users and the total that match."""
    institution_id = _require_admin(actor)
    return repository.list_users(
        session,
        institution_id=institution_id,
        query=query,
        role=role.value if role else None,
        active=active,
        limit=limit,
        offset=offset,
    )


def get_institution_user(session: Session, *, actor: Principal, user_id: str) -> User:
    """Return a user of the admin's institution; users of other institutions do not exist for them."""
    institution_id = _require_admin(actor)
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None or user.institution_id != institution_id:
        raise errors.UnknownUser(f"no user with id '{user_id}' in your institution")
    return user


def generate_password() -> str:
    """Return a random initial password that meets the length rule."""
    return secrets.token_urlsafe(12)


def add_institution_user(
    session: Session,
    *,
    actor: Principal,
    email: str,
    display_name: str,
    roles: Iterable[Role],
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a user in the admin's institution; return it and the generated password when none was given."""
    institution_id = _require_admin(actor)
    role_set = frozenset(Role(r) for r in roles)
    reason = check_roles_change(actor=actor, target_user_id="", new_roles=role_set)
    if reason:
        raise errors.RoleNotGrantable(reason)
    generated = None if password else generate_password()
    user = create_user(
        session,
        email=email,
        display_name=display_name,
        roles=role_set,
        password=password or generated,
        institution_id=institution_id,
        actor=actor,
    )
    return user, generated


def update_institution_user(
    session: Session,
    *,
    actor: Principal,
    user_id: str,
    display_name: str | None = None,
    roles: Iterable[Role] | None = None,
    is_active: bool | None = None,
) -> User:
    """Change a user's name, roles or active state; audited with before and after."""
    institution_id = _require_admin(actor)
    user = get_institution_user(session, actor=actor, user_id=user_id)
    before = user_state(user)
    if display_name is not None:
        if not display_name.strip():
            raise InvalidInput("a user needs a display name")
        user.display_name = display_name.strip()
    if roles is not None:
        role_set = frozenset(Role(r) for r in roles)
        # Roles outside the institution's (employer) are kept as they are: an admin neither grants nor removes them.
        kept = roles_of(user) - INSTITUTION_ROLES
        reason = check_roles_change(actor=actor, target_user_id=user.id, new_roles=role_set)
        if reason:
            raise errors.RoleNotGrantable(reason)
        wanted = role_set | kept
        user.role_grants = [g for g in user.role_grants if Role(g.role) in wanted] + [
            RoleGrant(role=r.value) for r in sorted(wanted - roles_of(user))
        ]
    if is_active is not None and is_active != user.is_active:
        if user.id == actor.user_id and not is_active:
            raise errors.SelfDeactivation("you cannot deactivate your own account; ask another admin")
        user.is_active = is_active
        if not is_active:
            _end_access(session, user)
    # The actor can neither drop their own admin role nor deactivate themselves, so an institution always
    # keeps at least one active admin.
    session.flush()
    after = user_state(user)
    if after != before:
        action = "user.updated"
        if before["is_active"] != after["is_active"]:
            action = "user.reactivated" if after["is_active"] else "user.deactivated"
        elif before["roles"] != after["roles"]:
            action = "user.roles_changed"
        record_audit(
            session,
            actor=actor,
            action=action,
            entity_type="user",
            entity_id=user.id,
            institution_id=institution_id,
            before=before,
            after=after,
        )
    return user


def reset_institution_user_password(session: Session, *, actor: Principal, user_id: str) -> str:
    """Give a user of the admin's institution a new random password (returned once) and unlock them.

    Every session of the user ends; their API tokens stay (a password reset is not a compromise of tokens).
    """
    institution_id = _require_admin(actor)
    user = get_institution_user(session, actor=actor, user_id=user_id)
    password = generate_password()
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    repository.delete_web_sessions(session, user_id=user.id)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="user.password_reset",
        entity_type="user",
        entity_id=user.id,
        institution_id=institution_id,
    )
    return password


def _end_access(session: Session, user: User) -> None:
    """Sign a deactivated user out everywhere and revoke their API tokens."""
    repository.delete_web_sessions(session, user_id=user.id)
    now = utcnow()
    for token in repository.active_tokens_of(session, user.id):
        token.revoked_at = now
