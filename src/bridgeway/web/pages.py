"""Pages that belong to no domain: home dashboard and health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text

from bridgeway.accounts.deps import OptionalPrincipal
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: OptionalPrincipal) -> HTMLResponse:
    """Show the dashboard: the links each of the caller's roles can use."""
    items = [
        item
        for item in request.app.state.nav
        if principal is not None and (not item.get("roles") or principal.has_role(*item["roles"]))
        or (principal is None and item.get("public"))
    ]
    return render(request, "home.html", {"principal": principal, "items": items})


@router.get("/healthz")
def healthz(session: DbSession) -> JSONResponse:
    """Report that the process is up and the database answers."""
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})
