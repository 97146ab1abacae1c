"""Planning JSON API (/api/v1/planning): the learner's profile, ranked transitions, gaps and pathway plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession
from bridgeway.planning import service
from bridgeway.planning.engine.pathways import OBJECTIVES, Objective, weighted_objective
from bridgeway.planning.schemas import LearnerProfile

router = APIRouter(prefix="/planning", tags=["planning"])

VIEWERS = (Role.LEARNER, Role.ADVISOR)
LearnerReader = Annotated[Principal, Depends(require(Role.LEARNER, scope=Scope.PLANNING_READ))]
LearnerWriter = Annotated[Principal, Depends(require(Role.LEARNER, scope=Scope.PLANNING_WRITE))]
AdvisorReader = Annotated[Principal, Depends(require(Role.ADVISOR, scope=Scope.PLANNING_READ))]
AdvisorWriter = Annotated[Principal, Depends(require(Role.ADVISOR, scope=Scope.PLANNING_WRITE))]
EmployerReader = Annotated[Principal, Depends(require(Role.EMPLOYER, scope=Scope.PLANNING_READ))]
Reader = Annotated[Principal, Depends(require(*VIEWERS, scope=Scope.PLANNING_READ))]

Taxonomy = Annotated[str, Query(pattern="^(esco|noc|onet)$", description="esco, noc or onet")]
LearnerId = Annotated[str | None, Query(max_length=36, description="A client who consented (advisors)")]
Target = Annotated[str, Query(min_length=1, max_length=300, description="Occupation code, URI or UUID")]


def data_dir(request: Request) -> Path:
    """The official data directory of this application."""
    return Path(request.app.state.settings.data_dir)


def _profile_payload(profile: LearnerProfile, updated_at: Any, learner_id: str) -> dict[str, Any]:
    return {
        "learner_id": learner_id,
        "updated_at": None if updated_at is None else updated_at.isoformat(),
        "profile": profile.model_dump(mode="json", exclude={"id"}),
    }


def subject_profile(session: Any, principal: Principal, learner_id: str | None) -> tuple[str, LearnerProfile]:
    """The profile to analyse: the caller's own, or a consenting client's (advisors)."""
    subject = learner_id or principal.user_id
    profile, _ = service.get_profile(session, learner_id=subject, viewer=principal)
    return subject, profile


def parse_objective(value: str) -> Objective:
    """balanced, fastest, cheapest or a number 0–1 (time/cost mix)."""
    if value in OBJECTIVES:
        return OBJECTIVES[value]
    try:
        mix = float(value)
    except ValueError:
        raise InvalidInput("objective is balanced, fastest, cheapest or a number between 0 and 1") from None
    if not 0 <= mix <= 1:
        raise InvalidInput("objective is balanced, fastest, cheapest or a number between 0 and 1")
    return weighted_objective(mix)


@router.get("/profile")
def read_profile(session: DbSession, principal: LearnerReader) -> dict[str, Any]:
    """The caller's stored learner profile (an empty one when never saved)."""
    profile, updated_at = service.stored_profile(session, learner_id=principal.user_id)
    return _profile_payload(profile, updated_at, principal.user_id)


@router.put("/profile")
def write_profile(
    session: DbSession, principal: LearnerWriter, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Replace the caller's learner profile (validated against the LearnerProfile schema)."""
    profile, updated_at = service.save_profile(session, actor=principal, data=body)
    return _profile_payload(profile, updated_at, principal.user_id)


@router.get("/clients/{learner_id}/profile")
def read_client_profile(session: DbSession, principal: AdvisorReader, learner_id: str) -> dict[str, Any]:
    """A client's learner profile, when the client consented to the advisor (or their institution)."""
    profile, updated_at = service.get_profile(session, learner_id=learner_id, viewer=principal)
    return _profile_payload(profile, updated_at, learner_id)


class NoteIn(BaseModel):
    """A free-text note about a client."""

    body: str = Field(min_length=1, max_length=10_000)


def _note(note: Any) -> dict[str, Any]:
    return {
        "id": note.id,
        "learner_id": note.learner_id,
        "author_id": note.author_id,
        "body": note.body,
        "created_at": note.created_at.isoformat(),
    }


@router.get("/clients/{learner_id}/notes")
def client_notes(session: DbSession, principal: AdvisorReader, learner_id: str) -> list[dict[str, Any]]:
    """Notes about a consenting client written in the advisor's institution, newest first."""
    return [_note(n) for n in service.list_notes(session, viewer=principal, learner_id=learner_id)]


@router.post("/clients/{learner_id}/notes", status_code=201)
def add_client_note(
    session: DbSession, principal: AdvisorWriter, learner_id: str, body: NoteIn
) -> dict[str, Any]:
    """Keep a free-text note about a consenting client."""
    return _note(service.add_note(session, actor=principal, learner_id=learner_id, body=body.body))


@router.get("/transitions")
def transitions(
    request: Request,
    session: DbSession,
    principal: Reader,
    taxonomy: Taxonomy = "esco",
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    from_code: Annotated[str | None, Query(alias="from", max_length=300)] = None,
    learner_id: LearnerId = None,
) -> Any:
    """Ranked target occupations with tiers, outlook and explanations, from a profile or a previous occupation."""
    if from_code:
        report = service.rank_transitions(
            taxonomy=taxonomy, from_code=from_code, top=top, data_dir=data_dir(request)
        )
        return service.to_jsonable(report)
    _, profile = subject_profile(session, principal, learner_id)
    service.require_competencies(profile)
    report = service.rank_transitions(taxonomy=taxonomy, profile=profile, top=top, data_dir=data_dir(request))
    out = service.to_jsonable(report)
    for rec in out["recommendations"]:
        rec["outlook_words"] = service.outlook_in_words(rec["outlook"])
    return out


@router.get("/gaps")
def gaps(
    request: Request,
    session: DbSession,
    principal: Reader,
    target: Target,
    taxonomy: Taxonomy = "esco",
    learner_id: LearnerId = None,
) -> Any:
    """Every requirement of the target with its source, the learner's status and evidence, and readiness."""
    _, profile = subject_profile(session, principal, learner_id)
    service.require_competencies(profile)
    report = service.gap_analysis(taxonomy=taxonomy, code=target, profile=profile, data_dir=data_dir(request))
    return service.to_jsonable(report)


@router.get("/plan")
def pathway(
    request: Request,
    session: DbSession,
    principal: Reader,
    target: Target,
    taxonomy: Taxonomy = "esco",
    objective: Annotated[str, Query(max_length=20)] = "balanced",
    institution_id: Annotated[
        str | None, Query(max_length=36, description="One institution's catalogue")
    ] = None,
    learner_id: LearnerId = None,
) -> Any:
    """A week-by-week plan that closes the target's essential gaps, with the fastest and cheapest alternatives."""
    chosen = parse_objective(objective)
    _, profile = subject_profile(session, principal, learner_id)
    service.require_competencies(profile)
    catalog = service.catalog_from_database(session, institution_id=institution_id)
    report = service.plan(
        profile=profile,
        taxonomy=taxonomy,
        target=target,
        catalog=catalog,
        objective=chosen,
        data_dir=data_dir(request),
    )
    return service.to_jsonable(report)


@router.get("/workforce")
def workforce(
    request: Request,
    session: DbSession,
    principal: EmployerReader,
    target: Target,
    taxonomy: Taxonomy = "esco",
) -> dict[str, Any]:
    """Aggregate gaps of the employees or candidates who consented to the employer, against one occupation."""
    return service.workforce_gaps(
        session, viewer=principal, taxonomy=taxonomy, target=target, data_dir=data_dir(request)
    )


ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /api/v1/planning/profile": allow(Role.LEARNER, scope=Scope.PLANNING_READ),
    "PUT /api/v1/planning/profile": allow(Role.LEARNER, scope=Scope.PLANNING_WRITE),
    "GET /api/v1/planning/clients/{learner_id}/profile": allow(
        Role.ADVISOR, scope=Scope.PLANNING_READ, owner=True
    ),
    "GET /api/v1/planning/clients/{learner_id}/notes": allow(
        Role.ADVISOR, scope=Scope.PLANNING_READ, owner=True
    ),
    "POST /api/v1/planning/clients/{learner_id}/notes": allow(
        Role.ADVISOR, scope=Scope.PLANNING_WRITE, owner=True
    ),
    "GET /api/v1/planning/transitions": allow(*VIEWERS, scope=Scope.PLANNING_READ),
    "GET /api/v1/planning/gaps": allow(*VIEWERS, scope=Scope.PLANNING_READ),
    "GET /api/v1/planning/plan": allow(*VIEWERS, scope=Scope.PLANNING_READ),
    "GET /api/v1/planning/workforce": allow(Role.EMPLOYER, scope=Scope.PLANNING_READ),
}
