"""Pydantic shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bridgeway.accounts.domain import ConsentGrantee, Role, Scope


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InstitutionRead(_Out):
    """An institution (tenant)."""

    id: str
    slug: str
    name: str
    name_fr: str | None = None
    url: str | None = None


class EmployerRead(_Out):
    """An employer or industry body."""

    id: str
    slug: str
    name: str
    kind: str


class MeRead(BaseModel):
    """Who the caller is, what they hold, and how they signed in."""

    id: str
    email: str
    display_name: str
    roles: list[Role]
    institution: InstitutionRead | None
    employer: EmployerRead | None
    via: str = Field(description="'session' for a browser, 'token' for an API token")
    scopes: list[Scope] | None = Field(
        description="The token's scopes; null for a browser session (all scopes)"
    )


class TokenCreate(_In):
    """A new API token: a label, its scopes and an optional lifetime."""

    name: str = Field(default="", max_length=255)
    scopes: list[Scope] = Field(min_length=1)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenRead(_Out):
    """An API token as listed: never its secret."""

    id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenRead):
    """A token just created, with its secret: shown once, never stored."""

    token: str


class UserRead(BaseModel):
    """A user of the caller's institution."""

    id: str
    email: str
    display_name: str
    roles: list[Role]
    is_active: bool
    institution_id: str | None
    employer_id: str | None
    locked_until: datetime | None
    created_at: datetime


class UserCreated(UserRead):
    """A user just created; `initial_password` is set when none was given (shown once)."""

    initial_password: str | None = None


class PasswordReset(BaseModel):
    """A new password given by an admin: shown once, never stored in clear."""

    user_id: str
    initial_password: str


class UserCreate(_In):
    """A new user of the admin's institution."""

    email: str = Field(max_length=320)
    display_name: str = Field(min_length=1, max_length=255)
    roles: list[Role] = Field(min_length=1)
    password: str | None = Field(default=None, min_length=10, max_length=1024)


class UserUpdate(_In):
    """Changes to a user: any of name, roles (replacing them) and active state."""

    display_name: str | None = Field(default=None, min_length=1, max_length=255)
    roles: list[Role] | None = Field(default=None, min_length=1)
    is_active: bool | None = None


class AuditEventRead(_Out):
    """One audit event: who, what, when, before and after."""

    id: int
    at: datetime
    actor_user_id: str | None
    actor_label: str
    institution_id: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None


class ConsentCreate(_In):
    """Consent to one grantee: an institution, one advisor (a staff user id) or an employer."""

    grantee_kind: ConsentGrantee
    grantee_id: str = Field(min_length=1, max_length=36)


class ConsentRead(_Out):
    """A learner's consent, with the grantee's name."""

    id: str
    grantee_kind: ConsentGrantee
    grantee_id: str
    grantee_name: str
    granted_at: datetime
    withdrawn_at: datetime | None
    active: bool
