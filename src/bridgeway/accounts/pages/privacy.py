"""The caller's own data: download everything about them, or delete their account (page and JSON API)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import SESSION_COOKIE, CurrentPrincipal
from bridgeway.accounts.policy import RoutePolicy, signed_in
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/me", tags=["accounts"])

# Each route acts on the caller's own account only (no id in the path).
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /account/privacy": signed_in(),
    "GET /account/privacy/export": signed_in(),
    "POST /account/privacy/delete": signed_in(),
    "GET /api/v1/me/export": signed_in(),
    "POST /api/v1/me/delete": signed_in(),
}

NAV_ITEMS: list[dict[str, Any]] = [
    {
        "label": "My data",
        "href": "/account/privacy",
        "roles": [],
        "public": False,
        "top": False,
        "description": "Download everything Bridgeway holds about you, or delete your account.",
    },
]


class DeleteAccount(BaseModel):
    """The caller's password, confirming the deletion."""

    password: str = Field(min_length=1, max_length=1024)


class AccountDeleted(BaseModel):
    """The account is deleted; issued credentials stay verifiable."""

    deleted: bool
    user_id: str


def _download(data: dict[str, Any]) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="bridgeway-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


def _privacy_page(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "accounts/privacy.html", {"error": error}, status_code=status_code)


@router.get("/account/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, principal: CurrentPrincipal) -> Response:
    """Offer the data download and the account deletion form."""
    return _privacy_page(request)


@router.get("/account/privacy/export")
def export_download(session: DbSession, principal: CurrentPrincipal) -> Response:
    """Download everything about the caller as a JSON file."""
    return _download(accounts_service.export_personal_data(session, actor=principal))


@router.post("/account/privacy/delete", response_class=HTMLResponse)
def delete_page(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Delete the caller's account once they tick the confirmation and type their password."""
    if confirm != "yes":
        return _privacy_page(request, error="tick the box to confirm the deletion", status_code=422)
    try:
        accounts_service.delete_account(session, actor=principal, password=password)
    except accounts_service.PasswordConfirmationFailed as exc:
        return _privacy_page(request, error=exc.message, status_code=exc.status_code)
    response = RedirectResponse("/login?deleted=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@api_router.get("/export")
def export(session: DbSession, principal: CurrentPrincipal) -> Response:
    """Return everything Bridgeway holds about the caller (no secrets), as a JSON attachment."""
    return _download(accounts_service.export_personal_data(session, actor=principal))


@api_router.post("/delete", response_model=AccountDeleted)
def delete(body: DeleteAccount, session: DbSession, principal: CurrentPrincipal) -> JSONResponse:
    """Delete and anonymise the caller's account after checking their password; credentials stay verifiable."""
    accounts_service.delete_account(session, actor=principal, password=body.password)
    return JSONResponse({"deleted": True, "user_id": principal.user_id})
