"""Example records for the authorization matrix: intakes of the owner's institution, plans of the owner."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Principal, Role
from bridgeway.accounts.models import User
from bridgeway.bridging import domain, schemas
from bridgeway.bridging.models import BridgingIntake
from bridgeway.bridging.service import intakes, plan
from tests.bridging.factories import add_occupations

_n = itertools.count(1)


def _user(session: Session, role: Role, institution_id: str) -> User:
    return accounts_service.create_user(
        session,
        email=f"bridging-{role.value}-{next(_n)}@authz.example",
        display_name=role.value,
        roles=[role],
        institution_id=institution_id,
    )


def _intake(session: Session, advisor: Principal, learner: User) -> BridgingIntake:
    add_occupations(session)
    accounts_service.grant_consent(
        session,
        actor=accounts_service.principal_for(learner),
        grantee_kind=ConsentGrantee.INSTITUTION,
        grantee_id=str(advisor.institution_id),
    )
    data = schemas.IntakeCreate(learner_id=learner.id, origin_country="PH", target_code="31301")
    intake = intakes.open_intake(session, actor=advisor, data=data)
    plan.propose(session, actor=advisor, intake_id=intake.id)
    return intake


def _staff(session: Session, owner: User) -> BridgingIntake:
    """An intake of a consenting learner at the owner's (an advisor's) institution, with a proposed plan."""
    assert owner.institution_id is not None
    learner = _user(session, Role.LEARNER, owner.institution_id)
    return _intake(session, accounts_service.principal_for(owner), learner)


def _own(session: Session, owner: User) -> BridgingIntake:
    """The owner's (a learner's) intake, its plan shared with them."""
    institution_id = owner.institution_id or accounts_service.list_institutions(session)[0].id
    advisor = accounts_service.principal_for(_user(session, Role.ADVISOR, institution_id))
    intake = _intake(session, advisor, owner)
    intakes.share(session, actor=advisor, intake_id=intake.id)
    return intake


def _intake_id(session: Session, owner: User) -> dict[str, Any]:
    return {"intake_id": _staff(session, owner).id}


def _with(body: dict[str, Any], key: str = "json", item: bool = False) -> Callable[[Session, User], Any]:
    def make(session: Session, owner: User) -> dict[str, Any]:
        intake = _staff(session, owner)
        path = {"intake_id": intake.id}
        if item:
            path["item_id"] = intake.items[0].id
        return {"path": path, key: body}

    return make


def _item(session: Session, owner: User) -> dict[str, Any]:
    intake = _staff(session, owner)
    return {"intake_id": intake.id, "item_id": intake.items[0].id}


def _evaluation(session: Session, owner: User) -> dict[str, Any]:
    intake = _staff(session, owner)
    evaluation = intakes.add_evaluation(
        session,
        actor=accounts_service.principal_for(owner),
        intake_id=intake.id,
        data=schemas.EvaluationCreate(credential_title="BScN", agency=domain.Agency.WES),
    )
    return {"intake_id": intake.id, "evaluation_id": evaluation.id}


def _own_plan(session: Session, owner: User) -> dict[str, Any]:
    return {"intake_id": _own(session, owner).id}


def _own_item(body_key: str) -> Callable[[Session, User], Any]:
    def make(session: Session, owner: User) -> dict[str, Any]:
        intake = _own(session, owner)
        item = next(i for i in intake.items if i.owner == domain.Owner.LEARNER.value)
        body = {"done": True} if body_key == "json" else {"done": "1"}
        return {"path": {"intake_id": intake.id, "item_id": item.id}, body_key: body}

    return make


A = "/api/v1/bridging"
AI = A + "/intakes/{intake_id}"
PI = "/bridging/intakes/{intake_id}"
EXAMPLES: dict[str, Callable[[Session, User], Any]] = {
    f"GET {AI}": _intake_id,
    f"PATCH {AI}": _with({"notes": "Met on Tuesday."}),
    f"POST {AI}/evaluations": _with({"credential_title": "BScN", "agency": "wes"}),
    f"DELETE {AI}/evaluations/{{evaluation_id}}": _evaluation,
    f"POST {AI}/proposals": _intake_id,
    f"POST {AI}/items": _with({"kind": "training", "title": "Pharmacology refresher"}),
    f"PATCH {AI}/items/{{item_id}}": _with({"status": "in_progress"}, item=True),
    f"DELETE {AI}/items/{{item_id}}": _item,
    f"POST {AI}/share": _intake_id,
    f"POST {AI}/close": _intake_id,
    f"POST {A}/plans/{{intake_id}}/acknowledgement": _own_plan,
    f"POST {A}/plans/{{intake_id}}/items/{{item_id}}/done": _own_item("json"),
    f"GET {PI}": _intake_id,
    f"POST {PI}": _with({"origin_country": "PH", "target_code": "31301", "regulated": "data"}, key="form"),
    f"POST {PI}/evaluations": _with({"credential_title": "BScN", "agency": "wes"}, key="form"),
    f"POST {PI}/evaluations/{{evaluation_id}}/delete": _evaluation,
    f"POST {PI}/steps": _with({"action": "propose"}, key="form"),
    f"POST {PI}/items": _with({"kind": "training", "title": "Pharmacology refresher"}, key="form"),
    f"POST {PI}/items/{{item_id}}": _with(
        {"title": "Renamed", "owner": "learner", "status": "planned"}, key="form", item=True
    ),
    f"POST {PI}/items/{{item_id}}/delete": _item,
    "POST /bridging/plans/{intake_id}/acknowledgement": _own_plan,
    "POST /bridging/plans/{intake_id}/items/{item_id}/done": _own_item("form"),
}
