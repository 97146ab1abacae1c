"""Factories for institutions, employers and users."""

from __future__ import annotations

import functools
import itertools

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.models import Employer, Institution, User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    """Hash the shared test password once: Argon2id is slow on purpose, and tests create many users."""
    return accounts_service.hash_password(PASSWORD)


def create_institution(session: Session, *, slug: str | None = None, name: str | None = None) -> Institution:
    """Create an institution with a unique slug."""
    n = next(_counter)
    return accounts_service.create_institution(
        session, slug=slug or f"poly-{n}", name=name or f"Test Polytechnic {n}", name_fr=f"Polytechnique {n}"
    )


def create_employer(session: Session, *, slug: str | None = None, name: str | None = None) -> Employer:
    """Create an employer with a unique slug."""
    n = next(_counter)
    return accounts_service.create_employer(
        session, slug=slug or f"employer-{n}", name=name or f"Employer {n}"
    )


def create_user(
    session: Session,
    *roles: Role,
    institution: Institution | None = None,
    employer: Employer | None = None,
    email: str | None = None,
) -> User:
    """Create a user with the roles (default: learner) and the shared test password."""
    n = next(_counter)
    roles = roles or (Role.LEARNER,)
    if Role.EMPLOYER in roles and employer is None:
        employer = create_employer(session)
    user = accounts_service.create_user(
        session,
        email=email or f"user{n}@example.org",
        display_name=f"User {n}",
        roles=roles,
        institution_id=institution.id if institution else None,
        employer_id=employer.id if employer else None,
    )
    user.password_hash = _password_hash()
    session.flush()
    return user


def principal_of(user: User) -> Principal:
    """Return the Principal a browser session of this user would carry."""
    return accounts_service.principal_for(user)


def bearer(session: Session, user: User, *scopes: str) -> dict[str, str]:
    """Return an Authorization header with a fresh API token for the user."""
    from bridgeway.accounts.domain import Scope

    secret = accounts_service.create_api_token(session, user=user, scopes=scopes or [s.value for s in Scope])
    # Commit (a savepoint release in the test session) so that a refused request, which rolls the session
    # back, does not take the records the test built so far with it.
    session.commit()
    return {"Authorization": f"Bearer {secret}"}
