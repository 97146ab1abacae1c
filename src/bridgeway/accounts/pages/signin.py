"""Sign-in and sign-out pages."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import SESSION_COOKIE, CurrentPrincipal, OptionalPrincipal
from bridgeway.accounts.policy import RoutePolicy, public, signed_in
from bridgeway.config import Settings
from bridgeway.kit.http import DbSession, render
from bridgeway.kit.ids import new_token

router = APIRouter(include_in_schema=False)
# Before sign-in there is no session to hold a CSRF token, so the form and a short-lived cookie carry the same
# random value (double submit): another site can make a browser post the form but cannot read the cookie.
LOGIN_CSRF_COOKIE = "bw_login_csrf"
LOGIN_CSRF_MAX_AGE = 60 * 60

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /login": public(),
    "POST /login": public(),
    "POST /logout": signed_in(),
}


def safe_next(target: str | None) -> str:
    """Only allow local redirects after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return "/"
    return target


def secure_cookies(settings: Settings) -> bool:
    """Return True when cookies must only travel over HTTPS (always in production)."""
    return bool(settings.secure_cookies or settings.environment == "production")


def _login_page(
    request: Request, *, next_url: str, email: str = "", error: str | None = None, status_code: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    login_csrf = new_token(24)
    response = render(
        request,
        "accounts/login.html",
        {"next": next_url, "error": error, "email": email, "login_csrf": login_csrf},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        login_csrf,
        max_age=LOGIN_CSRF_MAX_AGE,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure_cookies(settings),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, principal: OptionalPrincipal, next: str | None = None) -> Response:
    """Show the sign-in form."""
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
    login_csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Check the password, open a new session (ending any previous one) and set its cookie."""
    settings: Settings = request.app.state.settings
    next_url = safe_next(next)
    cookie_value = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if (
        not login_csrf
        or not cookie_value
        or not hmac.compare_digest(login_csrf.encode(), cookie_value.encode())
    ):
        return _login_page(
            request,
            next_url=next_url,
            email=email,
            error="the sign-in form expired; please try again",
            status_code=400,
        )
    try:
        user = accounts_service.authenticate(
            session,
            email=email,
            password=password,
            max_failures=settings.login_max_failures,
            lockout_seconds=settings.login_lockout_seconds,
        )
    except (errors.InvalidCredentials, errors.AccountLocked) as exc:
        session.commit()  # keep the failure count and its audit even though the request fails
        return _login_page(
            request, next_url=next_url, email=email, error=exc.message, status_code=exc.status_code
        )
    token, _web_session = accounts_service.start_web_session(
        session,
        user=user,
        max_age_seconds=settings.session_max_age_seconds,
        replacing=request.cookies.get(SESSION_COOKIE),
        idle_seconds=getattr(settings, "session_idle_seconds", accounts_service.SESSION_IDLE_SECONDS),
    )
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """End the session and clear its cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts_service.end_web_session(session, cookie, actor=principal)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request.app.state.settings),
    )
    return response
