"""Example records for the authorization matrix (tests/test_authorization_matrix.py): credentials routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import User
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import IssuedCredential, StackAward
from bridgeway.credentials.schemas import BatchRequest, BatchRowInput, IssueRequest, Recipient
from tests.factories.credentials import achievement

SETTINGS = Settings(environment="test", key_encryption_key="matrix-kek-that-is-long-enough-0123456789abcdef")


def _issue(session: Session, institution_id: str, learner_id: str) -> IssuedCredential:
    return credentials_service.issue(
        session,
        settings=SETTINGS,
        institution_id=institution_id,
        actor=None,
        request=IssueRequest(
            achievement=achievement(),
            recipient=Recipient(user_id=learner_id),
            idempotency_key=f"matrix-{learner_id}-{institution_id}",
        ),
    )


def _learner_of(session: Session, institution_id: str, tag: str) -> User:
    return accounts_service.create_user(
        session,
        email=f"learner-{tag}-{institution_id[:8]}@matrix.example",
        display_name="Learner",
        roles=[Role.LEARNER],
        institution_id=institution_id,
    )


def a_credential_of_the_owner(session: Session, owner: User) -> dict[str, Any]:
    """A credential held by the owner (a learner); issued by their institution."""
    assert owner.institution_id is not None
    return {"credential_id": _issue(session, owner.institution_id, owner.id).id}


def a_credential_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """A credential issued by the owner's institution, with a reason to change its status."""
    assert owner.institution_id is not None
    learner = _learner_of(session, owner.institution_id, "s")
    credential = _issue(session, owner.institution_id, learner.id)
    return {"path": {"credential_id": credential.id}, "json": {"reason": "matrix check"}}


def a_suspended_credential_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """A suspended credential of the owner's institution, with a reason to reinstate it."""
    example = a_credential_of_the_owners_institution(session, owner)
    credentials_service.suspend(
        session,
        settings=SETTINGS,
        credential_id=example["path"]["credential_id"],
        reason="matrix",
        actor=None,
    )
    return {"path": example["path"], "json": {"reason": "matrix check"}}


def a_status_form_for_a_credential_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """The /issued form for a credential of the owner's institution."""
    example = a_credential_of_the_owners_institution(session, owner)
    return {"path": example["path"], "form": {"action": "suspend", "reason": "matrix check"}}


def a_batch_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """A batch job of the owner's institution."""
    assert owner.institution_id is not None
    job = credentials_service.create_batch(
        session,
        institution_id=owner.institution_id,
        source="api",
        actor=None,
        request=BatchRequest(
            idempotency_key=f"matrix-{owner.id}",
            achievement=achievement(),
            rows=[BatchRowInput(email="someone@matrix.example")],
        ),
    )
    return {"batch_id": job.id}


def a_stack_award_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """A pending stack award of the owner's institution, to reject."""
    assert owner.institution_id is not None
    learner = _learner_of(session, owner.institution_id, "a")
    award = StackAward(
        institution_id=owner.institution_id,
        learner_user_id=learner.id,
        parent_ref="matrix-parent",
        component_credential_ids=[],
    )
    session.add(award)
    session.flush()
    return {"award_id": award.id, "decision": "reject"}


def a_stack_award_form_of_the_owners_institution(session: Session, owner: User) -> dict[str, Any]:
    """The /issued form rejecting a pending stack award of the owner's institution."""
    award = a_stack_award_of_the_owners_institution(session, owner)
    return {"path": {"award_id": award["award_id"]}, "form": {"decision": "reject"}}


def a_share_of_the_owners_credential(session: Session, owner: User) -> dict[str, Any]:
    """The share form for a credential of the owner."""
    example = a_credential_of_the_owner(session, owner)
    return {"path": {}, "form": {"credential_ids": [example["credential_id"]], "days": "3"}}


def a_share_link_of_the_owner(session: Session, owner: User) -> dict[str, Any]:
    """A share link of the owner."""
    example = a_credential_of_the_owner(session, owner)
    link = credentials_service.create_share_link(
        session,
        actor=accounts_service.principal_for(owner),
        credential_ids=[example["credential_id"]],
        days=3,
    )
    return {"link_id": link.id}


EXAMPLES: dict[str, Callable[[Session, User], dict[str, Any]]] = {
    "GET /api/v1/credentials/{credential_id}": a_credential_of_the_owner,
    "GET /api/v1/credentials/{credential_id}/history": a_credential_of_the_owner,
    "POST /api/v1/credentials/{credential_id}/revoke": a_credential_of_the_owners_institution,
    "POST /api/v1/credentials/{credential_id}/suspend": a_credential_of_the_owners_institution,
    "POST /api/v1/credentials/{credential_id}/unsuspend": a_suspended_credential_of_the_owners_institution,
    "GET /api/v1/credentials/batches/{batch_id}": a_batch_of_the_owners_institution,
    "POST /api/v1/credentials/stack-awards/{award_id}/{decision}": a_stack_award_of_the_owners_institution,
    "GET /wallet/{credential_id}.json": a_credential_of_the_owner,
    "GET /wallet/{credential_id}/certificate.pdf": a_credential_of_the_owner,
    "POST /wallet/share": a_share_of_the_owners_credential,
    "POST /wallet/share/{link_id}/withdraw": a_share_link_of_the_owner,
    "POST /wallet/presentation": a_share_of_the_owners_credential,
    "POST /issued/{credential_id}/status": a_status_form_for_a_credential_of_the_owners_institution,
    "POST /issued/stack-awards/{award_id}": a_stack_award_form_of_the_owners_institution,
}
