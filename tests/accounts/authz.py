"""Example records for the authorization matrix (tests/test_authorization_matrix.py): accounts routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role, Scope
from bridgeway.accounts.models import User


def a_user_of_the_owners_institution(session: Session, owner: User) -> dict[str, str]:
    """A learner in the same institution as the owner (an institution admin)."""
    user = accounts_service.create_user(
        session,
        email=f"member-of-{owner.id[:8]}@matrix.example",
        display_name="Member",
        roles=[Role.LEARNER],
        institution_id=owner.institution_id,
    )
    return {"user_id": user.id}


def a_rename_of_a_user_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """The same, with a body that passes validation."""
    return {"path": a_user_of_the_owners_institution(session, owner), "json": {"display_name": "Renamed"}}


def a_token_of_the_owner(session: Session, owner: User) -> dict[str, str]:
    """One API token of the owner."""
    _secret, token = accounts_service.issue_api_token(session, user=owner, scopes=[Scope.CATALOG_READ])
    return {"token_id": token.id}


def a_consent_of_the_owner(session: Session, owner: User) -> dict[str, str]:
    """The owner (a learner) consents to their institution."""
    assert owner.institution_id is not None
    consent = accounts_service.grant_consent(
        session,
        actor=accounts_service.principal_for(owner),
        grantee_kind=ConsentGrantee.INSTITUTION,
        grantee_id=owner.institution_id,
    )
    return {"consent_id": consent.id}


EXAMPLES: dict[str, Callable[[Session, User], dict[str, Any]]] = {
    "GET /api/v1/users/{user_id}": a_user_of_the_owners_institution,
    "PATCH /api/v1/users/{user_id}": a_rename_of_a_user_of_the_owners_institution,
    "POST /api/v1/users/{user_id}/password-reset": a_user_of_the_owners_institution,
    "GET /admin/users/{user_id}": a_user_of_the_owners_institution,
    "POST /admin/users/{user_id}": a_user_of_the_owners_institution,
    "DELETE /api/v1/tokens/{token_id}": a_token_of_the_owner,
    "POST /account/tokens/{token_id}/revoke": a_token_of_the_owner,
    "DELETE /api/v1/me/consents/{consent_id}": a_consent_of_the_owner,
    "POST /account/consents/{consent_id}/withdraw": a_consent_of_the_owner,
}
