"""The caller's own account: profile, password, API tokens and (for learners) consents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import CurrentPrincipal, require
from bridgeway.accounts.domain import STAFF_ROLES, ConsentGrantee, Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow, signed_in
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)
Learner = Annotated[Principal, Depends(require(Role.LEARNER))]

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /account": signed_in(),
    "POST /account/password": signed_in(),
    "GET /account/tokens": signed_in(),
    "POST /account/tokens": signed_in(),
    "POST /account/tokens/{token_id}/revoke": signed_in(owner=True),
    "GET /account/consents": allow(Role.LEARNER),
    "POST /account/consents": allow(Role.LEARNER),
    "POST /account/consents/{consent_id}/withdraw": allow(Role.LEARNER, owner=True),
}


def _account_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    institution, employer = accounts_service.affiliation(session, principal)
    return render(
        request,
        "accounts/account.html",
        {
            "institution": institution,
            "employer": employer,
            "message": message,
            "error": error,
            "min_length": accounts_service.MIN_PASSWORD_LENGTH,
        },
        status_code=status_code,
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Show who the caller is, their roles, and links to tokens and consents."""
    return _account_page(request, session, principal)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    confirm: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Change the caller's password; every session ends, so they sign in again with the new one."""
    if new != confirm:
        return _account_page(
            request, session, principal, error="the two new passwords differ", status_code=422
        )
    try:
        accounts_service.change_password(session, actor=principal, current=current, new=new)
    except (errors.InvalidCredentials, InvalidInput) as exc:
        return _account_page(request, session, principal, error=exc.message, status_code=exc.status_code)
    return RedirectResponse("/login?changed=1", status_code=303)


def _tokens_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    secret: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    tokens = accounts_service.list_api_tokens(session, actor=principal)
    response = render(
        request,
        "accounts/tokens.html",
        {
            "tokens": tokens,
            "scopes": list(Scope),
            "secret": secret,
            "error": error,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"  # a new secret must not stay in any cache
    return response


@router.get("/account/tokens", response_class=HTMLResponse)
def tokens(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """List the caller's API tokens with a form to create one."""
    return _tokens_page(request, session, principal)


@router.post("/account/tokens", response_class=HTMLResponse)
async def create_token(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Create an API token and show its secret once."""
    form = await request.form()
    name = str(form.get("name") or "")[:255]
    scopes = [str(s) for s in form.getlist("scope")]
    days_text = str(form.get("expires_in_days") or "").strip()
    try:
        days = int(days_text) if days_text else None
        user = accounts_service.get_user(session, principal.user_id)
        secret = accounts_service.create_api_token(
            session, user=user, scopes=scopes, name=name, expires_in_days=days, actor=principal
        )
    except ValueError:
        return _tokens_page(
            request, session, principal, error="the lifetime must be a number of days", status_code=422
        )
    except InvalidInput as exc:
        return _tokens_page(request, session, principal, error=exc.message, status_code=422)
    return _tokens_page(request, session, principal, secret=secret, status_code=201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Revoke one of the caller's API tokens."""
    accounts_service.revoke_api_token(session, actor=principal, token_id=token_id)
    return RedirectResponse("/account/tokens", status_code=303)


def _consents_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    consents = accounts_service.list_consents(session, learner_id=principal.user_id)
    return render(
        request,
        "accounts/consents.html",
        {
            "active": [c for c in consents if c.active],
            "withdrawn": [c for c in consents if not c.active],
            "institutions": accounts_service.list_institutions(session),
            "employers": accounts_service.list_employers(session),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/account/consents", response_class=HTMLResponse)
def consents(request: Request, session: DbSession, principal: Learner) -> Response:
    """Show who may see the learner's portfolio and profile, with forms to grant and withdraw."""
    return _consents_page(request, session, principal)


@router.post("/account/consents", response_class=HTMLResponse)
def grant_consent(
    request: Request,
    session: DbSession,
    principal: Learner,
    grantee_kind: Annotated[str, Form(max_length=16)],
    grantee_id: Annotated[str, Form(max_length=36)] = "",
    advisor_email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Grant consent to an institution, an employer, or an advisor named by e-mail."""
    try:
        if grantee_kind == ConsentGrantee.ADVISOR.value:
            grantee_id = _advisor_id(session, advisor_email)
        accounts_service.grant_consent(
            session, actor=principal, grantee_kind=grantee_kind, grantee_id=grantee_id
        )
    except InvalidInput as exc:
        return _consents_page(request, session, principal, error=exc.message, status_code=422)
    return RedirectResponse("/account/consents", status_code=303)


def _advisor_id(session: DbSession, email: str) -> str:
    """Return the id of the active staff member with that e-mail, without saying whether others exist."""
    try:
        user = accounts_service.get_user_by_email(session, email)
    except errors.UnknownUser:
        user = None
    if user is None or not user.is_active or not accounts_service.roles_of(user) & STAFF_ROLES:
        raise InvalidInput("no staff member with that e-mail")
    return user.id


@router.post("/account/consents/{consent_id}/withdraw")
def withdraw_consent(consent_id: str, session: DbSession, principal: Learner) -> Response:
    """Withdraw a consent; the grantee stops seeing the learner's records at once."""
    accounts_service.withdraw_consent(session, actor=principal, consent_id=consent_id)
    return RedirectResponse("/account/consents", status_code=303)
