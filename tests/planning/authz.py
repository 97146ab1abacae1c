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


def employer_role(session: Session, owner: User) -> dict[str, Any]:
    """A role of the owner's employer (one employer-defined competency: no official data needed)."""
    from tests.planning.employers import own_role

    return {"role_id": own_role(session, owner).id}


def employer_role_with_body(session: Session, owner: User) -> dict[str, Any]:
    """The same, with a valid update body."""
    return {"path": employer_role(session, owner), "json": {"name": "Renamed role"}}


def employer_group(session: Session, owner: User) -> dict[str, Any]:
    """A group of the owner's employer with one learner who consented to that employer."""
    from tests.planning.employers import group_of

    learner = create_user(session)
    accounts_service.grant_consent(
        session,
        actor=principal_of(learner),
        grantee_kind=ConsentGrantee.EMPLOYER,
        grantee_id=str(owner.employer_id),
    )
    return {"group_id": group_of(session, owner, [learner]).id, "learner_id": learner.id}


def employer_group_with_body(session: Session, owner: User) -> dict[str, Any]:
    """The same, with a valid update body."""
    made = employer_group(session, owner)
    body = {"name": "Day shift", "member_ids": [made["learner_id"]]}
    return {"path": {"group_id": made["group_id"]}, "json": body}


def employer_group_with_form(session: Session, owner: User) -> dict[str, Any]:
    """The same, with the group form's fields."""
    made = employer_group(session, owner)
    return {
        "path": {"group_id": made["group_id"]},
        "form": {"name": "Day shift", "member_ids": made["learner_id"]},
    }


def employer_report(session: Session, owner: User) -> dict[str, Any]:
    """A role and a group of the owner's employer."""
    return {**employer_role(session, owner), "group_id": employer_group(session, owner)["group_id"]}


EMPLOYER_API = "/api/v1/planning/employer"
EMPLOYER_PAGES = "/planning/employer"
REPORT = "/roles/{role_id}/groups/{group_id}"
EMPLOYER_EXAMPLES = {
    f"GET {EMPLOYER_API}/roles/{{role_id}}": employer_role,
    f"PUT {EMPLOYER_API}/roles/{{role_id}}": employer_role_with_body,
    f"DELETE {EMPLOYER_API}/roles/{{role_id}}": employer_role,
    f"GET {EMPLOYER_API}/groups/{{group_id}}": employer_group,
    f"PUT {EMPLOYER_API}/groups/{{group_id}}": employer_group_with_body,
    f"DELETE {EMPLOYER_API}/groups/{{group_id}}": employer_group,
    f"GET {EMPLOYER_API}{REPORT}/report": employer_report,
    f"GET {EMPLOYER_API}{REPORT}/plan": employer_report,
    f"GET {EMPLOYER_API}{REPORT}/plan.csv": employer_report,
    f"GET {EMPLOYER_PAGES}/roles/{{role_id}}": employer_role,
    f"POST {EMPLOYER_PAGES}/roles/{{role_id}}": employer_role,
    f"POST {EMPLOYER_PAGES}/roles/{{role_id}}/requirements": employer_role,
    f"POST {EMPLOYER_PAGES}/roles/{{role_id}}/requirements/drop": employer_role,
    f"POST {EMPLOYER_PAGES}/roles/{{role_id}}/delete": employer_role,
    f"GET {EMPLOYER_PAGES}/groups/{{group_id}}": employer_group,
    f"POST {EMPLOYER_PAGES}/groups/{{group_id}}": employer_group_with_form,
    f"POST {EMPLOYER_PAGES}/groups/{{group_id}}/delete": employer_group,
    f"GET {EMPLOYER_PAGES}{REPORT}": employer_report,
    f"GET {EMPLOYER_PAGES}{REPORT}/plan.csv": employer_report,
}


EXAMPLES = {
    **EMPLOYER_EXAMPLES,
    "GET /api/v1/planning/clients/{learner_id}/notes": consenting_client,
    "POST /api/v1/planning/clients/{learner_id}/notes": consenting_client_with_json_note,
    "GET /api/v1/planning/clients/{learner_id}/profile": consenting_client,
    "GET /planning/clients/{learner_id}": consenting_client,
    "GET /planning/clients/{learner_id}/gaps": consenting_client,
    "GET /planning/clients/{learner_id}/pathway": consenting_client,
    "POST /planning/clients/{learner_id}/notes": consenting_client_with_note,
}
