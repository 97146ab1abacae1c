"""Employer pages: competency proposals (and the designers' queue of them) and endorsements."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.deps import ProposalTenant
from bridgeway.catalog.pages.common import (
    Designer,
    Employer,
    FormData,
    ProposalReader,
)
from bridgeway.catalog.schemas import EndorsementIn, ProposalIn, ProposalResponseIn
from bridgeway.kit.errors import BridgewayError, InvalidInput
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: DbSession,
    principal: ProposalReader,
    error: BridgewayError | None = None,
    form: dict[str, object] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "catalog/proposals.html",
        {
            "proposals": catalog_service.proposals_for(session, actor=principal),
            "is_employer": principal.has_role(Role.EMPLOYER),
            "is_designer": principal.has_role(Role.PROGRAM_DESIGNER),
            "institutions": accounts_service.list_institutions(session)
            if principal.has_role(Role.EMPLOYER)
            else [],
            "error": error,
            "form": form or {},
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/catalog/proposals", response_class=HTMLResponse)
def proposals_page(request: Request, session: DbSession, principal: ProposalReader) -> HTMLResponse:
    """Employers: propose competencies and follow their proposals. Staff: the queue addressed to them."""
    return _page(request, session, principal)


@router.post("/catalog/proposals", response_class=HTMLResponse)
def propose(request: Request, session: DbSession, principal: Employer, form: FormData) -> Response:
    """Record a proposal from the form."""
    try:
        with session.begin_nested():  # a refused form undoes only its own writes
            data = ProposalIn.model_validate(
                {
                    "title": form.get("title", ""),
                    "description": form.get("description", ""),
                    "institution_id": form.get("institution_id") or None,
                    "openings": form.get("openings") or None,
                }
            )
            catalog_service.propose_competency(session, actor=principal, data=data)
    except ValidationError as exc:
        error = InvalidInput("; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors()))
        return _page(request, session, principal, error, form)
    except BridgewayError as exc:
        return _page(request, session, principal, exc, form)
    return RedirectResponse("/catalog/proposals", status_code=303)


@router.post("/catalog/proposals/{proposal_id}/respond", response_class=HTMLResponse)
def respond(
    request: Request,
    session: DbSession,
    principal: Designer,
    _tenant: ProposalTenant,
    proposal_id: str,
    form: FormData,
) -> Response:
    """Accept or decline a proposal."""
    try:
        with session.begin_nested():  # a refused form undoes only its own writes
            data = ProposalResponseIn.model_validate(
                {"status": form.get("status", ""), "response": form.get("response", "")}
            )
            catalog_service.respond_to_proposal(session, actor=principal, proposal_id=proposal_id, data=data)
    except ValidationError:
        return _page(request, session, principal, InvalidInput("choose accept or decline"))
    return RedirectResponse("/catalog/proposals", status_code=303)


@router.post("/catalog/opportunities/{opportunity_id}/endorse", response_class=HTMLResponse)
def endorse(
    request: Request, session: DbSession, principal: Employer, opportunity_id: str, form: FormData
) -> Response:
    """Endorse the published version on behalf of the employer."""
    catalog_service.endorse(
        session,
        actor=principal,
        opportunity_id=opportunity_id,
        data=EndorsementIn(statement=str(form.get("statement", ""))[:5000]),
    )
    return RedirectResponse(f"/catalog/opportunities/{opportunity_id}", status_code=303)
