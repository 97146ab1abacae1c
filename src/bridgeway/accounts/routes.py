"""The accounts JSON API: who am I, API tokens, users of an institution, consent and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import CurrentPrincipal, require
from bridgeway.accounts.domain import AUDIT_READERS, Principal, Role, Scope
from bridgeway.accounts.models import User
from bridgeway.accounts.policy import RoutePolicy, allow, public, signed_in
from bridgeway.accounts.schemas import (
    AuditEventRead,
    ConsentCreate,
    ConsentRead,
    EmployerRead,
    InstitutionRead,
    MeRead,
    PasswordReset,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserCreated,
    UserRead,
    UserUpdate,
)
from bridgeway.kit.http import DbSession
from bridgeway.kit.pagination import MAX_PAGE_SIZE, Page

router = APIRouter(tags=["accounts"])

Admin = Annotated[Principal, Depends(require(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN))]
AuditReader = Annotated[Principal, Depends(require(*AUDIT_READERS, scope=Scope.AUDIT_READ))]
Learner = Annotated[Principal, Depends(require(Role.LEARNER))]
ConsentWriter = Annotated[Principal, Depends(require(Role.LEARNER, scope=Scope.CONSENT_WRITE))]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Offset = Annotated[int, Query(ge=0)]

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /api/v1/me": signed_in(),
    "GET /api/v1/institutions": public(),
    "GET /api/v1/employers": signed_in(),
    "GET /api/v1/tokens": signed_in(),
    "POST /api/v1/tokens": signed_in(),
    "DELETE /api/v1/tokens/{token_id}": signed_in(owner=True),
    "GET /api/v1/users": allow(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN),
    "POST /api/v1/users": allow(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN),
    "GET /api/v1/users/{user_id}": allow(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN, tenant=True),
    "PATCH /api/v1/users/{user_id}": allow(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN, tenant=True),
    "POST /api/v1/users/{user_id}/password-reset": allow(
        Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN, tenant=True
    ),
    "GET /api/v1/audit": allow(*AUDIT_READERS, scope=Scope.AUDIT_READ),
    "GET /api/v1/me/consents": allow(Role.LEARNER),
    "POST /api/v1/me/consents": allow(Role.LEARNER, scope=Scope.CONSENT_WRITE),
    "DELETE /api/v1/me/consents/{consent_id}": allow(Role.LEARNER, scope=Scope.CONSENT_WRITE, owner=True),
}


def user_read(user: User, *, initial_password: str | None = None) -> UserCreated:
    """Return the API shape of a user."""
    return UserCreated(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=sorted(accounts_service.roles_of(user)),
        is_active=user.is_active,
        institution_id=user.institution_id,
        employer_id=user.employer_id,
        locked_until=user.locked_until,
        created_at=user.created_at,
        initial_password=initial_password,
    )


@router.get("/me", response_model=MeRead)
def me(session: DbSession, principal: CurrentPrincipal) -> MeRead:
    """Return the caller: roles, institution or employer, and the token's scopes."""
    institution, employer = accounts_service.affiliation(session, principal)
    return MeRead(
        id=principal.user_id,
        email=principal.email,
        display_name=principal.display_name,
        roles=sorted(principal.roles),
        institution=InstitutionRead.model_validate(institution) if institution else None,
        employer=EmployerRead.model_validate(employer) if employer else None,
        via=principal.via,
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
    )


@router.get("/institutions", response_model=list[InstitutionRead])
def institutions(session: DbSession) -> list[InstitutionRead]:
    """List the institutions using this Bridgeway (public)."""
    return [InstitutionRead.model_validate(i) for i in accounts_service.list_institutions(session)]


@router.get("/employers", response_model=list[EmployerRead])
def employers(session: DbSession, principal: CurrentPrincipal) -> list[EmployerRead]:
    """List the employers and industry bodies (to grant consent or name endorsers)."""
    return [EmployerRead.model_validate(e) for e in accounts_service.list_employers(session)]


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(session: DbSession, principal: CurrentPrincipal) -> list[TokenRead]:
    """List the caller's API tokens, newest first (never their secrets)."""
    return [TokenRead.model_validate(t) for t in accounts_service.list_api_tokens(session, actor=principal)]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenCreate, session: DbSession, principal: CurrentPrincipal) -> TokenCreated:
    """Create an API token for the caller; the secret is in the answer and nowhere else.

    A token can create tokens only with scopes it holds itself.
    """
    user = accounts_service.get_user(session, principal.user_id)
    secret, token = accounts_service.issue_api_token(
        session,
        user=user,
        scopes=body.scopes,
        name=body.name,
        expires_in_days=body.expires_in_days,
        actor=principal,
    )
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Revoke one of the caller's API tokens (idempotent)."""
    accounts_service.revoke_api_token(session, actor=principal, token_id=token_id)
    return Response(status_code=204)


@router.get("/users", response_model=Page[UserRead])
def list_users(
    session: DbSession,
    principal: Admin,
    q: Annotated[str | None, Query(max_length=200, description="Part of an e-mail or name")] = None,
    role: Role | None = None,
    active: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[UserRead]:
    """List the users of the caller's institution, by e-mail."""
    users, total = accounts_service.list_institution_users(
        session, actor=principal, query=q, role=role, active=active, limit=limit, offset=offset
    )
    items: list[UserRead] = [user_read(u) for u in users]
    return Page[UserRead](items=items, total=total, limit=limit, offset=offset)


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(body: UserCreate, session: DbSession, principal: Admin) -> UserCreated:
    """Create a user in the caller's institution; without a password one is generated and returned once."""
    user, generated = accounts_service.add_institution_user(
        session,
        actor=principal,
        email=body.email,
        display_name=body.display_name,
        roles=body.roles,
        password=body.password,
    )
    return user_read(user, initial_password=generated)


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: str, session: DbSession, principal: Admin) -> UserRead:
    """Return one user of the caller's institution."""
    return user_read(accounts_service.get_institution_user(session, actor=principal, user_id=user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: str, body: UserUpdate, session: DbSession, principal: Admin) -> UserRead:
    """Change a user's name, roles (the list replaces them) or active state; deactivation signs them out."""
    user = accounts_service.update_institution_user(
        session,
        actor=principal,
        user_id=user_id,
        display_name=body.display_name,
        roles=body.roles,
        is_active=body.is_active,
    )
    return user_read(user)


@router.post("/users/{user_id}/password-reset", response_model=PasswordReset)
def reset_password(user_id: str, session: DbSession, principal: Admin) -> PasswordReset:
    """Give a user a new random password (in the answer, once), unlock them and end their sessions."""
    password = accounts_service.reset_institution_user_password(session, actor=principal, user_id=user_id)
    return PasswordReset(user_id=user_id, initial_password=password)


@router.get("/audit", response_model=Page[AuditEventRead])
def audit(
    session: DbSession,
    principal: AuditReader,
    entity_type: Annotated[str | None, Query(max_length=100)] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[
        str | None, Query(max_length=100, description="An action or its prefix, e.g. 'user.'")
    ] = None,
    actor_user_id: Annotated[str | None, Query(max_length=36)] = None,
    since: datetime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AuditEventRead]:
    """Page through the caller's institution's audit log, newest first."""
    events, total = accounts_service.list_audit(
        session,
        actor=principal,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        actor_user_id=actor_user_id,
        since=since,
        limit=limit,
        offset=offset,
    )
    items = [AuditEventRead.model_validate(e) for e in events]
    return Page[AuditEventRead](items=items, total=total, limit=limit, offset=offset)


def _consent_read(view: accounts_service.ConsentView) -> ConsentRead:
    return ConsentRead(
        id=view.id,
        grantee_kind=view.grantee_kind,
        grantee_id=view.grantee_id,
        grantee_name=view.grantee_name,
        granted_at=view.granted_at,
        withdrawn_at=view.withdrawn_at,
        active=view.active,
    )


@router.get("/me/consents", response_model=list[ConsentRead])
def list_consents(session: DbSession, principal: Learner) -> list[ConsentRead]:
    """List the learner's consents, active and withdrawn, newest first."""
    return [_consent_read(v) for v in accounts_service.list_consents(session, learner_id=principal.user_id)]


@router.post("/me/consents", response_model=ConsentRead, status_code=201)
def grant_consent(body: ConsentCreate, session: DbSession, principal: ConsentWriter) -> ConsentRead:
    """Let an institution, an advisor or an employer see the learner's portfolio and profile."""
    consent = accounts_service.grant_consent(
        session, actor=principal, grantee_kind=body.grantee_kind, grantee_id=body.grantee_id
    )
    view = next(
        v for v in accounts_service.list_consents(session, learner_id=principal.user_id) if v.id == consent.id
    )
    return _consent_read(view)


@router.delete("/me/consents/{consent_id}", status_code=204)
def withdraw_consent(consent_id: str, session: DbSession, principal: ConsentWriter) -> Response:
    """Withdraw a consent; the grantee stops seeing the learner's records at once."""
    accounts_service.withdraw_consent(session, actor=principal, consent_id=consent_id)
    return Response(status_code=204)
