"""Pages that belong to no domain: the home dashboard and the health check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from bridgeway.accounts.deps import OptionalPrincipal
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.policy import RoutePolicy, public
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /": public(),
    "GET /healthz": public(),
}


def visible_items(nav: list[dict[str, Any]], principal: Principal | None) -> list[dict[str, Any]]:
    """Return the navigation items a caller may use: their roles' items when signed in, public ones otherwise."""
    if principal is None:
        return [item for item in nav if item.get("public")]
    return [item for item in nav if not item.get("roles") or principal.has_role(*item["roles"])]


def dashboard_cards(
    session: Session, nav: list[dict[str, Any]], principal: Principal | None
) -> list[dict[str, Any]]:
    """Return the dashboard cards: each visible item with its count when the domain offers a cheap one.

    A NAV_ITEMS entry may carry `"count": callable(session, principal) -> int | None` and a `"count_label"`.
    """
    cards = []
    for item in visible_items(nav, principal):
        count_of = item.get("count")
        count = count_of(session, principal) if principal is not None and callable(count_of) else None
        cards.append({**item, "count": count})
    return cards


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, principal: OptionalPrincipal) -> HTMLResponse:
    """Show the dashboard: what each of the caller's roles can do, with counts where they are cheap."""
    cards = dashboard_cards(session, request.app.state.nav, principal)
    return render(request, "home.html", {"principal": principal, "items": cards})


@router.get("/healthz")
def healthz(session: DbSession) -> JSONResponse:
    """Report that the process is up and the database answers."""
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})
