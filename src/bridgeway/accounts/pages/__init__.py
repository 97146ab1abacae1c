"""Account pages: sign-in, the caller's own account, and institution administration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from bridgeway.accounts.domain import AUDIT_READERS, Role
from bridgeway.accounts.pages import account, admin, notifications, privacy, signin
from bridgeway.accounts.pages.dashboard import (
    active_consent_count,
    active_token_count,
    audit_event_count,
    institution_user_count,
)
from bridgeway.accounts.policy import RoutePolicy, merge

router = APIRouter(include_in_schema=False)
for _module in (signin, account, admin, notifications, privacy):
    router.include_router(_module.router)
# JSON API routes defined beside their pages (under /api/v1, in the OpenAPI schema).
root_router = APIRouter()
for _module in (notifications, privacy):
    root_router.include_router(_module.api_router)

ROUTE_POLICIES: dict[str, RoutePolicy] = merge(
    signin.ROUTE_POLICIES,
    account.ROUTE_POLICIES,
    admin.ROUTE_POLICIES,
    notifications.ROUTE_POLICIES,
    privacy.ROUTE_POLICIES,
)

NAV_ITEMS: list[dict[str, Any]] = [
    {
        "label": "Users",
        "href": "/admin/users",
        "roles": [Role.INSTITUTION_ADMIN],
        "public": False,
        "top": True,
        "description": "Add people to your institution, change their roles, deactivate accounts.",
        "count": institution_user_count,
        "count_label": "active users",
    },
    {
        "label": "Audit log",
        "href": "/admin/audit",
        "roles": list(AUDIT_READERS),
        "public": False,
        "top": False,
        "description": "Every change made in your institution: who, what, when, before and after.",
        "count": audit_event_count,
        "count_label": "events",
    },
    {
        "label": "Consent",
        "href": "/account/consents",
        "roles": [Role.LEARNER],
        "public": False,
        "top": False,
        "description": "Choose who may see your portfolio and profile, and withdraw consent at any time.",
        "count": active_consent_count,
        "count_label": "active consents",
    },
    {
        "label": "API tokens",
        "href": "/account/tokens",
        "roles": [],
        "public": False,
        "top": False,
        "description": "Create and revoke scoped tokens for the REST API.",
        "count": active_token_count,
        "count_label": "active tokens",
    },
    {
        "label": "My account",
        "href": "/account",
        "roles": [],
        "public": False,
        "top": True,
        "description": "Your roles, your institution or employer, and your password.",
    },
]
NAV_ITEMS += notifications.NAV_ITEMS + privacy.NAV_ITEMS
