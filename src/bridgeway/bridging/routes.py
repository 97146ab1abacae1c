"""The bridge-training JSON API under /api/v1/bridging: intakes (advisors) and learning plans (learners)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.bridging import schemas
from bridgeway.bridging.service import access, intakes, plan, reads
from bridgeway.kit.http import DbSession

router = APIRouter(prefix="/bridging", tags=["bridging"])

R, W = Scope.PLAR_READ, Scope.PLAR_WRITE
L, AD = Role.LEARNER, Role.ADVISOR
AdvisorR = Annotated[Principal, Depends(require(AD, scope=R))]
AdvisorW = Annotated[Principal, Depends(require(AD, scope=W))]
LearnerR = Annotated[Principal, Depends(require(L, scope=R))]
LearnerW = Annotated[Principal, Depends(require(L, scope=W))]
AnyR = Annotated[Principal, Depends(require(AD, L, scope=R))]


def _read(session: DbSession, intake: Any, principal: Principal) -> schemas.IntakeRead:
    return reads.read(session, intake, viewer=principal)


@router.get("/intakes", response_model=list[schemas.IntakeSummary])
def list_intakes(session: DbSession, principal: AdvisorR, include_closed: bool = False) -> Any:
    """The institution's intakes of learners who consented to you, most recently changed first."""
    rows = intakes.list_for_institution(session, actor=principal, include_closed=include_closed)
    return [reads.summary(session, i) for i in rows]


@router.post("/intakes", response_model=schemas.IntakeRead, status_code=status.HTTP_201_CREATED)
def open_intake(data: schemas.IntakeCreate, session: DbSession, principal: AdvisorW) -> Any:
    """Open a bridge-training intake for a learner who consented (origin, target occupation in Canada)."""
    return _read(session, intakes.open_intake(session, actor=principal, data=data), principal)


@router.get("/intakes/{intake_id}", response_model=schemas.IntakeRead)
def get_intake(intake_id: str, session: DbSession, principal: AnyR) -> Any:
    """One intake: to a consented advisor of its institution, or to its learner once the plan is shared."""
    return _read(session, access.viewable(session, viewer=principal, intake_id=intake_id), principal)


@router.patch("/intakes/{intake_id}", response_model=schemas.IntakeRead)
def update_intake(intake_id: str, data: schemas.IntakeUpdate, session: DbSession, principal: AdvisorW) -> Any:
    """Change the origin, target, province, language result or need, or the regulated judgement."""
    return _read(
        session, intakes.update_intake(session, actor=principal, intake_id=intake_id, data=data), principal
    )


@router.post(
    "/intakes/{intake_id}/evaluations",
    response_model=schemas.EvaluationRead,
    status_code=status.HTTP_201_CREATED,
)
def add_evaluation(
    intake_id: str, data: schemas.EvaluationCreate, session: DbSession, principal: AdvisorW
) -> Any:
    """Record a credential evaluation (WES, ICAS, CES, IQAS, ICES, the regulator, ...)."""
    return intakes.add_evaluation(session, actor=principal, intake_id=intake_id, data=data)


@router.delete("/intakes/{intake_id}/evaluations/{evaluation_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_evaluation(
    intake_id: str, evaluation_id: str, session: DbSession, principal: AdvisorW
) -> Response:
    """Remove a credential evaluation recorded by mistake."""
    intakes.remove_evaluation(session, actor=principal, intake_id=intake_id, evaluation_id=evaluation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/intakes/{intake_id}/proposals", response_model=schemas.ProposalResult)
def propose(intake_id: str, session: DbSession, principal: AdvisorW) -> Any:
    """Add the plan items the intake suggests (language, licensing, skills pathway, PLAR, supports)."""
    added = plan.propose(session, actor=principal, intake_id=intake_id)
    intake = access.staff_intake(session, actor=principal, intake_id=intake_id)
    return schemas.ProposalResult(
        added=[reads.item(intake, i, principal) for i in added], intake=_read(session, intake, principal)
    )


@router.post(
    "/intakes/{intake_id}/items", response_model=schemas.PlanItemRead, status_code=status.HTTP_201_CREATED
)
def add_item(intake_id: str, data: schemas.PlanItemCreate, session: DbSession, principal: AdvisorW) -> Any:
    """Add an item at the end of the learning plan."""
    item = plan.add_item(session, actor=principal, intake_id=intake_id, data=data)
    intake = access.staff_intake(session, actor=principal, intake_id=intake_id)
    return reads.item(intake, item, principal)


@router.patch("/intakes/{intake_id}/items/{item_id}", response_model=schemas.PlanItemRead)
def update_item(
    intake_id: str, item_id: str, data: schemas.PlanItemUpdate, session: DbSession, principal: AdvisorW
) -> Any:
    """Change an item of the plan (status, owner, dates, regulator, position...)."""
    item = plan.update_item(session, actor=principal, intake_id=intake_id, item_id=item_id, data=data)
    intake = access.staff_intake(session, actor=principal, intake_id=intake_id)
    return reads.item(intake, item, principal)


@router.delete("/intakes/{intake_id}/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_item(intake_id: str, item_id: str, session: DbSession, principal: AdvisorW) -> Response:
    """Remove an item from the plan."""
    plan.remove_item(session, actor=principal, intake_id=intake_id, item_id=item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/intakes/{intake_id}/share", response_model=schemas.IntakeRead)
def share(intake_id: str, request: Request, session: DbSession, principal: AdvisorW) -> Any:
    """Share the plan (or its changes) with the learner, who is notified in the app and by e-mail."""
    shared = intakes.share(session, actor=principal, intake_id=intake_id, mail=request.app.state.settings)
    return _read(session, shared, principal)


@router.post("/intakes/{intake_id}/close", response_model=schemas.IntakeRead)
def close(intake_id: str, session: DbSession, principal: AdvisorW) -> Any:
    """Close the intake: its plan no longer changes."""
    return _read(session, intakes.close(session, actor=principal, intake_id=intake_id), principal)


@router.get("/plans", response_model=list[schemas.IntakeRead])
def my_plans(session: DbSession, principal: LearnerR) -> Any:
    """Your learning plans, as your advisors shared them."""
    return [_read(session, i, principal) for i in intakes.plans_of(session, actor=principal)]


@router.post("/plans/{intake_id}/acknowledgement", response_model=schemas.IntakeRead)
def acknowledge(intake_id: str, session: DbSession, principal: LearnerW) -> Any:
    """Confirm you have read your plan as it stands."""
    return _read(session, intakes.acknowledge(session, actor=principal, intake_id=intake_id), principal)


@router.post("/plans/{intake_id}/items/{item_id}/done", response_model=schemas.PlanItemRead)
def mark_done(
    intake_id: str, item_id: str, data: schemas.LearnerItemUpdate, session: DbSession, principal: LearnerW
) -> Any:
    """Mark one of your own items done (or not done); items your advisor carries out are theirs to change."""
    item = plan.mark_done(session, actor=principal, intake_id=intake_id, item_id=item_id, done=data.done)
    intake = access.learner_intake(session, actor=principal, intake_id=intake_id)
    return reads.item(intake, item, principal)


_P = "/api/v1/bridging"
_I = _P + "/intakes/{intake_id}"
_T = {"tenant": True}
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    f"GET {_P}/intakes": allow(AD, scope=R),
    f"POST {_P}/intakes": allow(AD, scope=W),
    f"GET {_I}": allow(AD, L, scope=R, **_T),
    f"PATCH {_I}": allow(AD, scope=W, **_T),
    f"POST {_I}/evaluations": allow(AD, scope=W, **_T),
    f"DELETE {_I}/evaluations/{{evaluation_id}}": allow(AD, scope=W, **_T),
    f"POST {_I}/proposals": allow(AD, scope=W, **_T),
    f"POST {_I}/items": allow(AD, scope=W, **_T),
    f"PATCH {_I}/items/{{item_id}}": allow(AD, scope=W, **_T),
    f"DELETE {_I}/items/{{item_id}}": allow(AD, scope=W, **_T),
    f"POST {_I}/share": allow(AD, scope=W, **_T),
    f"POST {_I}/close": allow(AD, scope=W, **_T),
    f"GET {_P}/plans": allow(L, scope=R),
    f"POST {_P}/plans/{{intake_id}}/acknowledgement": allow(L, scope=W, owner=True),
    f"POST {_P}/plans/{{intake_id}}/items/{{item_id}}/done": allow(L, scope=W, owner=True),
}
