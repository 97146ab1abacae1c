"""Catalogue pages (Jinja2 + HTMX), assembled into one router with their navigation and access policies."""

from __future__ import annotations

from fastapi import APIRouter

from bridgeway.accounts.domain import Role
from bridgeway.accounts.policy import RoutePolicy, allow, public
from bridgeway.catalog.deps import STAFF
from bridgeway.catalog.pages import authoring, browse, employers, workflow

router = APIRouter(include_in_schema=False)
for _module in (browse, authoring, workflow, employers):
    router.include_router(_module.router)

NAV_ITEMS = [
    {
        "label": "Catalogue",
        "href": "/catalog",
        "roles": [],
        "public": True,
        "top": True,
        "description": "Search quality-assured micro-credentials, courses, workshops and programs.",
    },
    {
        "label": "New micro-credential",
        "href": "/catalog/new",
        "roles": [Role.PROGRAM_DESIGNER],
        "public": False,
        "top": False,
        "description": "Author a micro-credential aligned to one workplace competency.",
    },
    {
        "label": "Review and approval",
        "href": "/catalog/workflow",
        "roles": list(STAFF),
        "public": False,
        "top": False,
        "description": "Drafts, QA reviews, approvals and publication in your institution.",
    },
    {
        "label": "Competency proposals",
        "href": "/catalog/proposals",
        "roles": [Role.EMPLOYER, *STAFF],
        "public": False,
        "top": False,
        "description": "Competencies employers need, and the answers they received.",
    },
]

VER = "/catalog/versions/{version_id}"
OPP = "/catalog/opportunities/{opportunity_id}"
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /catalog": public(),
    f"GET {OPP}": public(),
    f"GET {OPP}/pathway": public(),
    "GET /catalog/new": allow(Role.PROGRAM_DESIGNER),
    "POST /catalog/new": allow(Role.PROGRAM_DESIGNER),
    "GET /catalog/competency-options": allow(Role.PROGRAM_DESIGNER),
    f"GET {VER}/edit": allow(Role.PROGRAM_DESIGNER, tenant=True),
    f"POST {VER}/edit": allow(Role.PROGRAM_DESIGNER, tenant=True),
    f"POST {VER}/submit": allow(Role.PROGRAM_DESIGNER, tenant=True),
    f"POST {OPP}/new-version": allow(Role.PROGRAM_DESIGNER, tenant=True),
    "GET /catalog/workflow": allow(*STAFF),
    f"GET {VER}/review": allow(Role.QA_REVIEWER, tenant=True),
    f"POST {VER}/review": allow(Role.QA_REVIEWER, tenant=True),
    f"GET {VER}/approval": allow(Role.INSTITUTION_APPROVER, tenant=True),
    f"POST {VER}/approve": allow(Role.INSTITUTION_APPROVER, tenant=True),
    f"POST {VER}/publish": allow(Role.INSTITUTION_APPROVER, tenant=True),
    f"POST {VER}/retire": allow(Role.INSTITUTION_APPROVER, tenant=True),
    f"POST {VER}/send-back": allow(Role.QA_REVIEWER, Role.INSTITUTION_APPROVER, tenant=True),
    "GET /catalog/proposals": allow(Role.EMPLOYER, *STAFF),
    "POST /catalog/proposals": allow(Role.EMPLOYER),
    "POST /catalog/proposals/{proposal_id}/respond": allow(Role.PROGRAM_DESIGNER, tenant=True),
    f"POST {OPP}/endorse": allow(Role.EMPLOYER),
}
