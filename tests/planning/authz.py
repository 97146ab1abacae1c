"""Example records for the authorization matrix: a learner who consented to the advisor (the 'owner')."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee
from bridgeway.accounts.models import User
from tests.factories.accounts import create_user, principal_of


def consenting_client(session: Session, owner: User) -> dict[str, Any]:
    """A learner who lets this advisor (by name) see their profile."""
    learner = create_user(session)
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=owner.id
    )
    return {"learner_id": learner.id}


def consenting_client_with_json_note(session: Session, owner: User) -> dict[str, Any]:
    """The same, with the API's note body."""
    return {"path": consenting_client(session, owner), "json": {"body": "Prefers evening courses."}}


def consenting_client_with_note(session: Session, owner: User) -> dict[str, Any]:
    """The same, with the note form's body."""
    return {"path": consenting_client(session, owner), "form": {"body": "Called about evening courses."}}


EXAMPLES = {
    "GET /api/v1/planning/clients/{learner_id}/notes": consenting_client,
    "POST /api/v1/planning/clients/{learner_id}/notes": consenting_client_with_json_note,
    "GET /api/v1/planning/clients/{learner_id}/profile": consenting_client,
    "GET /planning/clients/{learner_id}": consenting_client,
    "GET /planning/clients/{learner_id}/gaps": consenting_client,
    "GET /planning/clients/{learner_id}/pathway": consenting_client,
    "POST /planning/clients/{learner_id}/notes": consenting_client_with_note,
}
