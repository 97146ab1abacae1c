"""Planning JSON API (/api/v1/planning): the learner's profile, ranked transitions, gaps and pathway plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession
from bridgeway.planning import service
from bridgeway.planning import workforce as workforce_service
from bridgeway.planning.engine.pathways import OBJECTIVES, Objective, weighted_objective
from bridgeway.planning.schemas import EmployerRoleIn, LearnerProfile, WorkforceGroupIn

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
    service.check_can_view(session, learner_id=subject, viewer=principal)
    profile, _ = service.analysis_profile(session, learner_id=subject)
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
            taxonomy=taxonomy, from_code=from_code, top=top, data_dir=data_dir(request), session=session
        )
        return service.to_jsonable(report)
    _, profile = subject_profile(session, principal, learner_id)
    service.require_competencies(profile)
    report = service.rank_transitions(
        taxonomy=taxonomy, profile=profile, top=top, data_dir=data_dir(request), session=session
    )
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
    report = service.gap_analysis(
        taxonomy=taxonomy, code=target, profile=profile, data_dir=data_dir(request), session=session
    )
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
        session=session,
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


# --- Employers: roles, groups of consenting people, aggregate gaps, corporate training -------------------------

EmployerWriter = Annotated[Principal, Depends(require(Role.EMPLOYER, scope=Scope.PLANNING_WRITE))]
PlanFormat = Annotated[
    str,
    Query(pattern="^(short|over_time|any)$", description="short (workshops, single-day), over_time or any"),
]


@router.get("/employer/roles")
def employer_roles(session: DbSession, principal: EmployerReader) -> list[dict[str, Any]]:
    """The roles your organisation defined."""
    return [
        workforce_service.role_payload(r) for r in workforce_service.list_roles(session, viewer=principal)
    ]


@router.post("/employer/roles", status_code=201)
def create_employer_role(
    request: Request, session: DbSession, principal: EmployerWriter, body: EmployerRoleIn
) -> dict[str, Any]:
    """Define a role from an occupation (its requirements prefilled) or from your own list of competencies."""
    role = workforce_service.create_role(session, actor=principal, data=body, data_dir=data_dir(request))
    return workforce_service.role_payload(role)


@router.get("/employer/roles/{role_id}")
def read_employer_role(session: DbSession, principal: EmployerReader, role_id: str) -> dict[str, Any]:
    """One of your organisation's roles."""
    return workforce_service.role_payload(
        workforce_service.get_role(session, viewer=principal, role_id=role_id)
    )


@router.put("/employer/roles/{role_id}")
def update_employer_role(
    request: Request, session: DbSession, principal: EmployerWriter, role_id: str, body: EmployerRoleIn
) -> dict[str, Any]:
    """Replace a role's name and competencies (give `occupation` again to prefill afresh)."""
    role = workforce_service.update_role(
        session, actor=principal, role_id=role_id, data=body, data_dir=data_dir(request)
    )
    return workforce_service.role_payload(role)


@router.delete("/employer/roles/{role_id}", status_code=204)
def delete_employer_role(session: DbSession, principal: EmployerWriter, role_id: str) -> Response:
    """Delete one of your organisation's roles."""
    workforce_service.delete_role(session, actor=principal, role_id=role_id)
    return Response(status_code=204)


@router.get("/employer/occupation-requirements")
def occupation_requirements(
    request: Request,
    session: DbSession,
    principal: EmployerReader,
    target: Target,
    taxonomy: Taxonomy = "esco",
) -> dict[str, Any]:
    """An occupation's requirements as a role would be prefilled with them (to review before creating it)."""
    code, title, items = workforce_service.occupation_requirements(
        taxonomy=taxonomy, code=target, data_dir=data_dir(request), session=session
    )
    return {"code": code, "title": title, "requirements": [i.model_dump() for i in items]}


@router.get("/employer/competencies")
def employer_competency_search(
    session: DbSession,
    principal: EmployerReader,
    q: Annotated[str, Query(min_length=2, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 15,
) -> list[dict[str, str]]:
    """ESCO skills, OaSIS and O*NET descriptors matching the text, with the ids a role takes."""
    return workforce_service.search_competencies(session, q=q, limit=limit)


@router.get("/employer/people")
def employer_people(session: DbSession, principal: EmployerReader) -> list[dict[str, str]]:
    """The people who consented to share their profile with your organisation."""
    return [
        {"id": u.id, "name": u.display_name}
        for u in workforce_service.consenting_people(session, viewer=principal)
    ]


@router.get("/employer/groups")
def employer_groups(session: DbSession, principal: EmployerReader) -> list[dict[str, Any]]:
    """Your organisation's groups of employees or candidates."""
    return [
        workforce_service.group_payload(session, principal, g)
        for g in workforce_service.list_groups(session, viewer=principal)
    ]


@router.post("/employer/groups", status_code=201)
def create_employer_group(
    session: DbSession, principal: EmployerWriter, body: WorkforceGroupIn
) -> dict[str, Any]:
    """Name a group among the people who consented to share with your organisation."""
    group = workforce_service.create_group(session, actor=principal, data=body)
    return workforce_service.group_payload(session, principal, group)


@router.get("/employer/groups/{group_id}")
def read_employer_group(session: DbSession, principal: EmployerReader, group_id: str) -> dict[str, Any]:
    """One of your groups (members who withdrew consent are counted, not listed)."""
    group = workforce_service.get_group(session, viewer=principal, group_id=group_id)
    return workforce_service.group_payload(session, principal, group)


@router.put("/employer/groups/{group_id}")
def update_employer_group(
    session: DbSession, principal: EmployerWriter, group_id: str, body: WorkforceGroupIn
) -> dict[str, Any]:
    """Rename a group or change its members."""
    group = workforce_service.update_group(session, actor=principal, group_id=group_id, data=body)
    return workforce_service.group_payload(session, principal, group)


@router.delete("/employer/groups/{group_id}", status_code=204)
def delete_employer_group(session: DbSession, principal: EmployerWriter, group_id: str) -> Response:
    """Delete one of your groups."""
    workforce_service.delete_group(session, actor=principal, group_id=group_id)
    return Response(status_code=204)


@router.get("/employer/roles/{role_id}/groups/{group_id}/report")
def employer_gap_report(
    session: DbSession, principal: EmployerReader, role_id: str, group_id: str
) -> dict[str, Any]:
    """The group's aggregate gaps against the role: counts per competency, readiness bands, the heat map."""
    analysis = workforce_service.analyse_group(session, viewer=principal, role_id=role_id, group_id=group_id)
    return workforce_service.report_payload(analysis)


PlanObjective = Annotated[str, Query(pattern="^(balanced|fastest|cheapest)$")]
MinPeople = Annotated[int, Query(ge=1, le=500, description="Plan gaps shared by at least this many")]
Institution = Annotated[str | None, Query(max_length=36, description="One institution's catalogue")]


class PlanQuery:
    """The corporate plan's options, read from the query string."""

    def __init__(
        self,
        format: PlanFormat = "short",
        objective: PlanObjective = "balanced",
        institution_id: Institution = None,
        min_people: MinPeople = 1,
        include_optional: bool = False,
        start_date: dt.date | None = None,
    ) -> None:
        self.options: dict[str, Any] = {
            "preference": format,
            "objective": objective,
            "institution_id": institution_id,
            "min_people": min_people,
            "include_optional": include_optional,
            "start_date": start_date,
        }


PlanOptions = Annotated[PlanQuery, Depends()]


@router.get("/employer/roles/{role_id}/groups/{group_id}/plan")
def employer_training_plan(
    session: DbSession, principal: EmployerReader, role_id: str, group_id: str, query: PlanOptions
) -> dict[str, Any]:
    """Training from the catalogue closing the group's most-shared gaps, preferred formats first."""
    return workforce_service.corporate_plan(
        session, viewer=principal, role_id=role_id, group_id=group_id, **query.options
    )


@router.get("/employer/roles/{role_id}/groups/{group_id}/plan.csv")
def employer_training_plan_csv(
    session: DbSession, principal: EmployerReader, role_id: str, group_id: str, query: PlanOptions
) -> Response:
    """The same plan as CSV (one row per training option, then the gaps left uncovered)."""
    plan = workforce_service.corporate_plan(
        session, viewer=principal, role_id=role_id, group_id=group_id, **query.options
    )
    return Response(
        workforce_service.plan_csv(plan),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="training-plan.csv"'},
    )


_EMPLOYER_READ = allow(Role.EMPLOYER, scope=Scope.PLANNING_READ)
_EMPLOYER_READ_TENANT = allow(Role.EMPLOYER, scope=Scope.PLANNING_READ, tenant=True)
_EMPLOYER_WRITE_TENANT = allow(Role.EMPLOYER, scope=Scope.PLANNING_WRITE, tenant=True)
_REPORT = "/api/v1/planning/employer/roles/{role_id}/groups/{group_id}"
EMPLOYER_POLICIES: dict[str, RoutePolicy] = {
    "GET /api/v1/planning/employer/roles": _EMPLOYER_READ,
    "POST /api/v1/planning/employer/roles": allow(Role.EMPLOYER, scope=Scope.PLANNING_WRITE),
    "GET /api/v1/planning/employer/roles/{role_id}": _EMPLOYER_READ_TENANT,
    "PUT /api/v1/planning/employer/roles/{role_id}": _EMPLOYER_WRITE_TENANT,
    "DELETE /api/v1/planning/employer/roles/{role_id}": _EMPLOYER_WRITE_TENANT,
    "GET /api/v1/planning/employer/occupation-requirements": _EMPLOYER_READ,
    "GET /api/v1/planning/employer/competencies": _EMPLOYER_READ,
    "GET /api/v1/planning/employer/people": _EMPLOYER_READ,
    "GET /api/v1/planning/employer/groups": _EMPLOYER_READ,
    "POST /api/v1/planning/employer/groups": allow(Role.EMPLOYER, scope=Scope.PLANNING_WRITE),
    "GET /api/v1/planning/employer/groups/{group_id}": _EMPLOYER_READ_TENANT,
    "PUT /api/v1/planning/employer/groups/{group_id}": _EMPLOYER_WRITE_TENANT,
    "DELETE /api/v1/planning/employer/groups/{group_id}": _EMPLOYER_WRITE_TENANT,
    f"GET {_REPORT}/report": _EMPLOYER_READ_TENANT,
    f"GET {_REPORT}/plan": _EMPLOYER_READ_TENANT,
    f"GET {_REPORT}/plan.csv": _EMPLOYER_READ_TENANT,
}

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
    **EMPLOYER_POLICIES,
}
