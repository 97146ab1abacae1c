"""The advisor's planning pages: clients who consented, their options, gaps and pathway, and notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.http import DbSession, render
from bridgeway.planning import service
from bridgeway.planning.pages import common

router = APIRouter(include_in_schema=False)
Advisor = Annotated[Principal, Depends(require(Role.ADVISOR))]


def _client(session: Session, principal: Principal, learner_id: str) -> tuple[dict[str, str], str]:
    """The client (404 unknown, 403 without consent) as the pages' subject, and the pages' base path."""
    user = service.check_can_view(session, learner_id=learner_id, viewer=principal)
    name = user.display_name if user is not None else principal.display_name
    return {"id": learner_id, "name": name, "self": ""}, f"/planning/clients/{learner_id}"


@router.get("/planning/clients", response_class=HTMLResponse)
def client_list(request: Request, session: DbSession, principal: Advisor) -> HTMLResponse:
    """The learners who let the advisor (or the advisor's institution) see their profile."""
    return render(request, "planning/clients.html", {"clients": service.clients(session, viewer=principal)})


@router.get("/planning/clients/{learner_id}", response_class=HTMLResponse)
def client_options(
    request: Request, session: DbSession, principal: Advisor, learner_id: str, taxonomy: str = "esco"
) -> HTMLResponse:
    """A client's options, with the advisor's notes."""
    subject, base = _client(session, principal, learner_id)
    profile, updated_at = service.stored_profile(session, learner_id=learner_id)
    notes = service.list_notes(session, viewer=principal, learner_id=learner_id)
    return common.show_options(
        request,
        profile,
        base=base,
        subject=subject,
        taxonomy=common.clean_taxonomy(taxonomy),
        extra={"notes": notes, "updated_at": updated_at, "advisor": True},
    )


@router.get("/planning/clients/{learner_id}/gaps", response_class=HTMLResponse)
def client_gaps(
    request: Request,
    session: DbSession,
    principal: Advisor,
    learner_id: str,
    target: str | None = None,
    taxonomy: str = "esco",
) -> HTMLResponse:
    """A client's gaps for a target occupation."""
    subject, base = _client(session, principal, learner_id)
    profile, _ = service.stored_profile(session, learner_id=learner_id)
    return common.show_gaps(
        request, profile, base=base, subject=subject, taxonomy=common.clean_taxonomy(taxonomy), target=target
    )


@router.get("/planning/clients/{learner_id}/pathway", response_class=HTMLResponse)
def client_pathway(
    request: Request,
    session: DbSession,
    principal: Advisor,
    learner_id: str,
    target: str | None = None,
    taxonomy: str = "esco",
    institution_id: str | None = None,
) -> HTMLResponse:
    """A client's pathway to a target."""
    subject, base = _client(session, principal, learner_id)
    profile, _ = service.stored_profile(session, learner_id=learner_id)
    return common.show_pathway(
        request,
        session,
        profile,
        base=base,
        subject=subject,
        taxonomy=common.clean_taxonomy(taxonomy),
        target=target,
        institution_id=institution_id,
    )


@router.post("/planning/clients/{learner_id}/notes")
def add_note(
    session: DbSession, principal: Advisor, learner_id: str, body: Annotated[str, Form(max_length=10_000)]
) -> Response:
    """Keep a free-text note about the client."""
    service.add_note(session, actor=principal, learner_id=learner_id, body=body)
    return RedirectResponse(f"/planning/clients/{learner_id}#notes", status_code=303)


ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /planning/clients": allow(Role.ADVISOR),
    "GET /planning/clients/{learner_id}": allow(Role.ADVISOR, owner=True),
    "GET /planning/clients/{learner_id}/gaps": allow(Role.ADVISOR, owner=True),
    "GET /planning/clients/{learner_id}/pathway": allow(Role.ADVISOR, owner=True),
    "POST /planning/clients/{learner_id}/notes": allow(Role.ADVISOR, owner=True),
}
