"""Institution administration: users of the institution, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import AUDIT_READERS, INSTITUTION_ROLES, Principal, Role
from bridgeway.accounts.models import User
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.errors import Conflict, InvalidInput
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(require(Role.INSTITUTION_ADMIN))]
AuditReader = Annotated[Principal, Depends(require(*AUDIT_READERS))]
PAGE_SIZE = 25
GRANTABLE = sorted(INSTITUTION_ROLES)

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /admin/users": allow(Role.INSTITUTION_ADMIN),
    "GET /admin/users/new": allow(Role.INSTITUTION_ADMIN),
    "POST /admin/users": allow(Role.INSTITUTION_ADMIN),
    "GET /admin/users/{user_id}": allow(Role.INSTITUTION_ADMIN, tenant=True),
    "POST /admin/users/{user_id}": allow(Role.INSTITUTION_ADMIN, tenant=True),
    "GET /admin/audit": allow(*AUDIT_READERS),
}


@router.get("/admin/users", response_class=HTMLResponse)
def users(
    request: Request,
    session: DbSession,
    principal: Admin,
    q: Annotated[str | None, Query(max_length=200)] = None,
    role: Annotated[str | None, Query(max_length=32)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """List the institution's users with search and a role filter."""
    role_filter = Role(role) if role in {r.value for r in Role} else None
    found, total = accounts_service.list_institution_users(
        session, actor=principal, query=q, role=role_filter, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "accounts/admin_users.html",
        {
            "users": found,
            "total": total,
            "q": q or "",
            "role": role_filter,
            "roles": list(Role),
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "roles_of": accounts_service.roles_of,
        },
    )


def _user_form(
    request: Request,
    *,
    user: User | None,
    values: dict[str, object],
    error: str | None = None,
    generated: str | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    response = render(
        request,
        "accounts/admin_user_form.html",
        {
            "user": user,
            "values": values,
            "grantable": GRANTABLE,
            "error": error,
            "generated": generated,
            "saved": saved,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"  # a generated password must not stay in any cache
    return response


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user(request: Request, principal: Admin) -> Response:
    """Show the form to add a user to the institution."""
    return _user_form(request, user=None, values={"email": "", "display_name": "", "roles": [Role.LEARNER]})


def _roles_from(form_roles: list[str]) -> list[Role]:
    known = {r.value for r in Role}
    unknown = [r for r in form_roles if r not in known]
    if unknown:
        raise InvalidInput(f"unknown role: {', '.join(unknown)}")
    return [Role(r) for r in form_roles]


@router.post("/admin/users", response_class=HTMLResponse)
async def create_user(request: Request, session: DbSession, principal: Admin) -> Response:
    """Add a user; a password is generated and shown once."""
    form = await request.form()
    values: dict[str, object] = {
        "email": str(form.get("email") or "")[:320],
        "display_name": str(form.get("display_name") or "")[:255],
        "roles": [str(r) for r in form.getlist("role")],
    }
    try:
        roles = _roles_from(values["roles"])  # type: ignore[arg-type]
        user, generated = accounts_service.add_institution_user(
            session,
            actor=principal,
            email=str(values["email"]),
            display_name=str(values["display_name"]),
            roles=roles,
        )
    except (InvalidInput, Conflict) as exc:
        return _user_form(request, user=None, values=values, error=exc.message, status_code=exc.status_code)
    values["roles"] = sorted(accounts_service.roles_of(user))
    return _user_form(request, user=user, values=values, generated=generated, status_code=201)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def edit_user(
    request: Request, user_id: str, session: DbSession, principal: Admin, saved: bool = False
) -> Response:
    """Show one user with forms to change their name, roles and active state."""
    user = accounts_service.get_institution_user(session, actor=principal, user_id=user_id)
    values: dict[str, object] = {
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(accounts_service.roles_of(user)),
    }
    return _user_form(request, user=user, values=values, saved=saved)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
async def save_user(request: Request, user_id: str, session: DbSession, principal: Admin) -> Response:
    """Save a user's name and roles, or deactivate or reactivate them."""
    user = accounts_service.get_institution_user(session, actor=principal, user_id=user_id)
    form = await request.form()
    action = str(form.get("action") or "save")
    values: dict[str, object] = {
        "email": user.email,
        "display_name": str(form.get("display_name") or user.display_name)[:255],
        "roles": [str(r) for r in form.getlist("role")],
    }
    if action == "reset_password":
        generated = accounts_service.reset_institution_user_password(
            session, actor=principal, user_id=user.id
        )
        values["roles"] = sorted(accounts_service.roles_of(user))
        return _user_form(request, user=user, values=values, generated=generated)
    try:
        if action in ("deactivate", "reactivate"):
            accounts_service.update_institution_user(
                session, actor=principal, user_id=user.id, is_active=action == "reactivate"
            )
        else:
            accounts_service.update_institution_user(
                session,
                actor=principal,
                user_id=user.id,
                display_name=str(values["display_name"]),
                roles=_roles_from(values["roles"]),  # type: ignore[arg-type]
            )
    except (InvalidInput, errors.SelfDeactivation) as exc:
        return _user_form(request, user=user, values=values, error=exc.message, status_code=exc.status_code)
    return RedirectResponse(f"/admin/users/{user.id}?saved=true", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    session: DbSession,
    principal: AuditReader,
    action: Annotated[str | None, Query(max_length=100)] = None,
    entity_type: Annotated[str | None, Query(max_length=100)] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Page through the institution's audit log, newest first, with filters."""
    events, total = accounts_service.list_audit(
        session,
        actor=principal,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        since=since,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "accounts/audit.html",
        {
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "filters": {
                "action": action or "",
                "entity_type": entity_type or "",
                "entity_id": entity_id or "",
            },
        },
    )
