"""Employers' workforce planning in tests: real ESCO skills, employees who consent, roles and groups."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.accounts.models import User
from bridgeway.planning.models import EmployerRole, WorkforceGroup
from tests.factories.accounts import bearer, create_user, principal_of

CNC = "http://data.europa.eu/esco/skill/bf942c60-8539-4951-83ee-63f770da1cb8"  # program a CNC controller
BLUEPRINTS = (
    "http://data.europa.eu/esco/skill/68b6ef08-d823-489d-a95c-752ae6f6e6a7"  # read standard blueprints
)
WELD_INSPECTION = "http://data.europa.eu/esco/skill/34016949-da9c-4107-98e3-1080ae405e27"
CAM = "http://data.europa.eu/esco/skill/7a757fa5-9a6f-43ab-9e66-f8f4dba1ffcb"  # use CAM software
WELDER = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"


def employer_user(session: Session) -> User:
    """An employer representative of a new employer organisation."""
    return create_user(session, Role.EMPLOYER)


def consenting_person(
    session: Session, employer: User, claims: list[tuple[str, str]], *, name: str | None = None
) -> User:
    """A learner who saved a profile with these (competency, evidence) claims and consented to the employer."""
    from bridgeway.planning import service

    person = create_user(session)
    if name:
        person.display_name = name
    actor = principal_of(person)
    service.save_profile(
        session,
        actor=actor,
        data={"competencies": [{"id": c, "evidence": e} for c, e in claims]},
    )
    accounts_service.grant_consent(
        session, actor=actor, grantee_kind=ConsentGrantee.EMPLOYER, grantee_id=str(employer.employer_id)
    )
    session.flush()
    return person


def withdraw(session: Session, person: User) -> None:
    """The person withdraws every consent they gave."""
    for consent in accounts_service.list_consents(session, learner_id=person.id, active_only=True):
        accounts_service.withdraw_consent(session, actor=principal_of(person), consent_id=consent.id)


def own_role(session: Session, employer: User, name: str = "Night-shift lead") -> EmployerRole:
    """A role stored directly with one employer-defined competency (needs no official data)."""
    role = EmployerRole(
        employer_id=employer.employer_id,
        name=name,
        requirements=[
            {
                "competency_id": "ext:press-lockout",
                "label": "Press lockout",
                "kind": "essential",
                "importance": 1.0,
                "level_required": None,
                "source": "Employer-defined competency",
                "description": "Locks out our presses.",
            }
        ],
    )
    session.add(role)
    session.flush()
    return role


def group_of(
    session: Session, employer: User, members: list[User], name: str = "Night shift"
) -> WorkforceGroup:
    """A group stored directly (members are not checked here)."""
    group = WorkforceGroup(employer_id=employer.employer_id, name=name, member_ids=[m.id for m in members])
    session.add(group)
    session.flush()
    return group


def api(session: Session, user: User) -> dict[str, str]:
    """API headers of the user with every scope."""
    return bearer(session, user)


def create_role(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    """POST a role and return the response."""
    return client.post("/api/v1/planning/employer/roles", json=body, headers=headers)
