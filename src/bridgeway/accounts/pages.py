"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import SESSION_COOKIE, CurrentPrincipal, OptionalPrincipal
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only allow local redirects after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, principal: OptionalPrincipal, next: str | None = None) -> Response:
    """Show the sign-in form."""
    if principal is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "accounts/login.html", {"next": _safe_next(next), "error": None, "email": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password, open a session and set its cookie."""
    settings = request.app.state.settings
    try:
        user = accounts_service.authenticate(
            session,
            email=email,
            password=password,
            max_failures=settings.login_max_failures,
            lockout_seconds=settings.login_lockout_seconds,
        )
    except (errors.InvalidCredentials, errors.AccountLocked) as exc:
        session.commit()  # keep the failure count even though the request fails
        return render(
            request, "accounts/login.html", {"next": _safe_next(next), "error": exc.message, "email": email},
            status_code=exc.status_code,
        )
    token, _web_session = accounts_service.start_web_session(
        session, user=user, max_age_seconds=settings.session_max_age_seconds
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.session_max_age_seconds, httponly=True, samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """End the session and clear its cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts_service.end_web_session(session, cookie)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
