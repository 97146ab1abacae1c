"""The advisor's planning pages: clients who consented with their latest activity; their options, gaps, pathway."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.http import DbSession, render
from bridgeway.planning import service
from bridgeway.planning.pages import common
from bridgeway.planning.pages.gaps import show_gaps
from bridgeway.planning.pages.options import OptionFilters, show_options
from bridgeway.planning.pages.pathway import ObjectiveChoice, show_pathway
from bridgeway.planning.schemas import LearnerProfile

router = APIRouter(include_in_schema=False)
Advisor = Annotated[Principal, Depends(require(Role.ADVISOR))]
Text = Annotated[str | None, Query(max_length=300)]
RETURN_TO = {"options": "", "gaps": "/gaps", "pathway": "/pathway"}


def _client(
    session: Session, principal: Principal, learner_id: str
) -> tuple[common.Subject, LearnerProfile, dict[str, Any]]:
    """The client (404 unknown, 403 without consent), their profile, and the notes panel's context."""
    user = service.check_can_view(session, learner_id=learner_id, viewer=principal)
    name = user.display_name if user is not None else principal.display_name
    subject = common.Subject(id=learner_id, name=name, is_self=False, base=f"/planning/clients/{learner_id}")
    profile, updated_at = service.analysis_profile(session, learner_id=learner_id)
    notes = service.list_notes(session, viewer=principal, learner_id=learner_id)
    return subject, profile, {"notes": notes, "updated_at": updated_at, "advisor": True}


@router.get("/planning/clients", response_class=HTMLResponse)
def client_list(request: Request, session: DbSession, principal: Advisor) -> HTMLResponse:
    """The learners who let the advisor (or the advisor's institution) see their profile, latest activity first."""
    return render(
        request, "planning/clients.html", {"clients": service.client_overview(session, viewer=principal)}
    )


@router.get("/planning/clients/{learner_id}", response_class=HTMLResponse)
def client_options(
    request: Request,
    session: DbSession,
    principal: Advisor,
    learner_id: str,
    taxonomy: Text = "esco",
    tier: Text = None,
    prospects: Text = None,
    licence: Text = None,
    page: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> HTMLResponse:
    """A client's options, with the advisor's notes."""
    subject, profile, extra = _client(session, principal, learner_id)
    return show_options(
        request,
        profile,
        subject=subject,
        taxonomy=common.clean_taxonomy(taxonomy),
        filters=OptionFilters.parse(tier, prospects, licence, page),
        extra={**extra, "back": "options"},
    )


@router.get("/planning/clients/{learner_id}/gaps", response_class=HTMLResponse)
def client_gaps(
    request: Request,
    session: DbSession,
    principal: Advisor,
    learner_id: str,
    target: Text = None,
    taxonomy: Text = "esco",
) -> HTMLResponse:
    """A client's gaps for a target occupation, with the advisor's notes."""
    subject, profile, extra = _client(session, principal, learner_id)
    return show_gaps(
        request,
        profile,
        subject=subject,
        taxonomy=common.clean_taxonomy(taxonomy),
        target=target,
        extra={**extra, "back": "gaps"},
    )


@router.get("/planning/clients/{learner_id}/pathway", response_class=HTMLResponse)
def client_pathway(
    request: Request,
    session: DbSession,
    principal: Advisor,
    learner_id: str,
    target: Text = None,
    taxonomy: Text = "esco",
    institution_id: Annotated[str | None, Query(max_length=36)] = None,
    objective: Text = None,
    mix: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> HTMLResponse:
    """A client's pathway to a target for the chosen objective, with the advisor's notes."""
    subject, profile, extra = _client(session, principal, learner_id)
    return show_pathway(
        request,
        session,
        profile,
        subject=subject,
        taxonomy=common.clean_taxonomy(taxonomy),
        target=target,
        institution_id=institution_id,
        choice=ObjectiveChoice.parse(objective, mix),
        extra={**extra, "back": "pathway"},
    )


@router.post("/planning/clients/{learner_id}/notes")
def add_note(
    session: DbSession,
    principal: Advisor,
    learner_id: str,
    body: Annotated[str, Form(max_length=10_000)],
    back: Annotated[str, Form(max_length=20)] = "options",
    query: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Keep a free-text note about the client, then return to the page it was written on."""
    service.add_note(session, actor=principal, learner_id=learner_id, body=body)
    path = f"/planning/clients/{learner_id}{RETURN_TO.get(back, '')}"
    suffix = f"?{query}" if query and not query.startswith(("/", "\\")) and "://" not in query else ""
    return RedirectResponse(f"{path}{suffix}#notes", status_code=303)


ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /planning/clients": allow(Role.ADVISOR),
    "GET /planning/clients/{learner_id}": allow(Role.ADVISOR, owner=True),
    "GET /planning/clients/{learner_id}/gaps": allow(Role.ADVISOR, owner=True),
    "GET /planning/clients/{learner_id}/pathway": allow(Role.ADVISOR, owner=True),
    "POST /planning/clients/{learner_id}/notes": allow(Role.ADVISOR, owner=True),
}
