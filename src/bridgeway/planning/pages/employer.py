"""The employer's workforce gap report: bars for the gaps of a role and a heat map of competencies by person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.http import DbSession, render
from bridgeway.planning import service
from bridgeway.planning.pages import common

router = APIRouter(include_in_schema=False)
Employer = Annotated[Principal, Depends(require(Role.EMPLOYER))]


@router.get("/planning/workforce", response_class=HTMLResponse)
def workforce(
    request: Request,
    session: DbSession,
    principal: Employer,
    target: str | None = None,
    taxonomy: str = "esco",
) -> HTMLResponse:
    """The gaps of the consenting employees or candidates against a role (an occupation)."""
    chosen = common.clean_taxonomy(taxonomy)
    report = None
    if target:
        report = service.workforce_gaps(
            session, viewer=principal, taxonomy=chosen, target=target, data_dir=common.data_dir(request)
        )
    return render(
        request,
        "planning/workforce.html",
        {
            "report": report,
            "target": target or "",
            "taxonomy": chosen,
            "taxonomies": common.TAXONOMIES,
            "base": "/planning/workforce",
        },
    )


ROUTE_POLICIES: dict[str, RoutePolicy] = {"GET /planning/workforce": allow(Role.EMPLOYER)}
