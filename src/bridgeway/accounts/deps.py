"""FastAPI dependencies for authentication and authorisation."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.kit.http import DbSession

SESSION_COOKIE = "bw_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_optional_principal(request: Request, session: DbSession) -> Principal | None:
    """Return the caller from a bearer token or session cookie, or None when anonymous."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    principal: Principal | None = None
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        principal = accounts_service.resolve_api_token(session, auth[7:].strip())
        if principal is None:
            raise errors.Unauthenticated("the API token is unknown, revoked or expired")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            settings = request.app.state.settings
            idle = getattr(settings, "session_idle_seconds", accounts_service.SESSION_IDLE_SECONDS)
            principal = accounts_service.resolve_web_session(session, cookie, idle_seconds=idle)
            if principal is not None and request.method not in SAFE_METHODS:
                await _check_csrf(request, principal)
    request.state.principal = principal
    return principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    sent = request.headers.get("X-CSRF-Token")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches the parsed form for the endpoint
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = principal.csrf_token or ""
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise errors.CsrfRejected("the form is missing its CSRF token or it has expired; reload the page")


def get_principal(principal: Annotated[Principal | None, Depends(get_optional_principal)]) -> Principal:
    """Return the caller or raise Unauthenticated."""
    if principal is None:
        raise errors.Unauthenticated("sign in or send an API token")
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role, scope: Scope | None = None) -> Callable[[Principal], Principal]:
    """Build a dependency that admits callers holding one of the roles (any role when none named) and the scope."""

    def dependency(principal: CurrentPrincipal) -> Principal:
        if roles and not principal.has_role(*roles):
            names = ", ".join(r.value for r in roles)
            raise errors.MissingRole(f"this needs one of the roles: {names}")
        if scope is not None and not principal.has_scope(scope):
            raise errors.MissingScope(f"the API token lacks the scope '{scope.value}'")
        return principal

    # Read by tests/test_authorization_matrix.py to check each route's declared policy against its dependencies.
    dependency.required_roles = frozenset(roles)  # type: ignore[attr-defined]
    dependency.required_scope = scope  # type: ignore[attr-defined]
    return dependency
