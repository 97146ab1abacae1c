"""The learner's planning pages: my profile, my options, my gaps, my pathway."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.http import DbSession, render
from bridgeway.planning import service
from bridgeway.planning.errors import InvalidProfile
from bridgeway.planning.pages import common
from bridgeway.planning.pages.gaps import show_gaps
from bridgeway.planning.pages.options import OptionFilters, show_options
from bridgeway.planning.pages.pathway import ObjectiveChoice, show_pathway
from bridgeway.planning.schemas import EvidenceKind, Schedule

router = APIRouter(include_in_schema=False)
Learner = Annotated[Principal, Depends(require(Role.LEARNER))]
BASE = "/planning"
Text = Annotated[str | None, Query(max_length=300)]
Page = Annotated[int | None, Query(ge=1, le=1000)]
Mix = Annotated[int | None, Query(ge=0, le=100)]


def _me(principal: Principal) -> common.Subject:
    return common.Subject(id=principal.user_id, name=principal.display_name, is_self=True, base=BASE)


@router.get("/planning", response_class=HTMLResponse)
def my_options(
    request: Request,
    session: DbSession,
    principal: Learner,
    taxonomy: Text = "esco",
    tier: Text = None,
    prospects: Text = None,
    licence: Text = None,
    page: Page = None,
) -> HTMLResponse:
    """My options: occupations within reach, ranked, with tier, outlook, readiness and licence; filtered, paged."""
    profile, updated_at = service.analysis_profile(session, learner_id=principal.user_id)
    return show_options(
        request,
        profile,
        subject=_me(principal),
        taxonomy=common.clean_taxonomy(taxonomy),
        filters=OptionFilters.parse(tier, prospects, licence, page),
        extra={"updated_at": updated_at},
    )


@router.get("/planning/gaps", response_class=HTMLResponse)
def my_gaps(
    request: Request, session: DbSession, principal: Learner, target: Text = None, taxonomy: Text = "esco"
) -> HTMLResponse:
    """My gaps for a target occupation, each requirement line explained."""
    profile, _ = service.analysis_profile(session, learner_id=principal.user_id)
    return show_gaps(
        request, profile, subject=_me(principal), taxonomy=common.clean_taxonomy(taxonomy), target=target
    )


@router.get("/planning/pathway", response_class=HTMLResponse)
def my_pathway(
    request: Request,
    session: DbSession,
    principal: Learner,
    target: Text = None,
    taxonomy: Text = "esco",
    institution_id: Annotated[str | None, Query(max_length=36)] = None,
    objective: Text = None,
    mix: Mix = None,
) -> HTMLResponse:
    """My pathway to a target for the objective I pick: timeline, credentials, supports, alternatives."""
    profile, _ = service.analysis_profile(session, learner_id=principal.user_id)
    return show_pathway(
        request,
        session,
        profile,
        subject=_me(principal),
        taxonomy=common.clean_taxonomy(taxonomy),
        target=target,
        institution_id=institution_id,
        choice=ObjectiveChoice.parse(objective, mix),
    )


def _profile_page(
    request: Request,
    values: dict[str, object],
    *,
    error: str | None = None,
    saved: bool = False,
    status_code: int = 200,
    held: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "planning/profile.html",
        {
            "v": values,
            "error": error,
            "saved": saved,
            "evidence_kinds": [e.value for e in EvidenceKind],
            "held": held or [],
            "schedules": [s.value for s in Schedule],
        },
        status_code=status_code,
    )


@router.get("/planning/profile", response_class=HTMLResponse)
def edit_profile(
    request: Request, session: DbSession, principal: Learner, saved: bool = False
) -> HTMLResponse:
    """My profile: what I can do, my languages and my constraints."""
    profile, _ = service.stored_profile(session, learner_id=principal.user_id)
    labels = service.competency_labels(
        [c.id for c in profile.competencies], data_dir=common.data_dir(request), session=session
    )
    held = [
        {"id": c.id, "label": labels.get(c.id, ""), "evidence": c.evidence.value}
        for c in profile.competencies
    ]
    return _profile_page(request, common.profile_form_values(profile), saved=saved, held=held)


@router.post("/planning/profile", response_class=HTMLResponse)
async def save_profile(request: Request, session: DbSession, principal: Learner) -> Response:
    """Save my profile; a field that does not validate is named on the form."""
    form = await request.form()
    current, _ = service.stored_profile(session, learner_id=principal.user_id)
    data = common.profile_from_form(form, current)
    try:
        service.save_profile(session, actor=principal, data=data)
    except InvalidProfile as exc:
        values = common.profile_form_values(current)
        fields = ("competencies", "budget", "hours_per_week", "start_date", "region", "deadline_weeks")
        values.update({k: form.get(k) or "" for k in (*fields, "previous_occupation")})
        return _profile_page(request, values, error=exc.message, status_code=422)
    return RedirectResponse("/planning/profile?saved=1", status_code=303)


ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /planning": allow(Role.LEARNER),
    "GET /planning/gaps": allow(Role.LEARNER),
    "GET /planning/pathway": allow(Role.LEARNER),
    "GET /planning/profile": allow(Role.LEARNER),
    "POST /planning/profile": allow(Role.LEARNER),
}
