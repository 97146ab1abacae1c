"""Planning pages: the learner's options, gaps and pathway; the same for an advisor's clients, with notes."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from bridgeway.accounts.domain import Role
from bridgeway.accounts.policy import RoutePolicy, merge
from bridgeway.planning.pages import advisor, common, employer, learner

# Every planning page remembers its session, so the occupation spaces come from the imported releases.
router = APIRouter(include_in_schema=False, dependencies=[Depends(common.keep_session)])
router.include_router(learner.router)
router.include_router(advisor.router)
router.include_router(employer.router)

NAV_ITEMS = [
    {
        "label": "My options",
        "href": "/planning",
        "roles": [Role.LEARNER],
        "public": False,
        "top": True,
        "description": "Occupations within reach of what you can do, with their outlook, your gaps and a pathway.",
    },
    {
        "label": "My planning profile",
        "href": "/planning/profile",
        "roles": [Role.LEARNER],
        "public": False,
        "top": False,
        "description": "What you can do, your languages, and when and how you can study.",
    },
    {
        "label": "Clients' pathways",
        "href": "/planning/clients",
        "roles": [Role.ADVISOR],
        "public": False,
        "top": True,
        "description": "Options, gaps and pathways of the learners who consented, with your notes.",
    },
    {
        "label": "Workforce planning",
        "href": "/planning/employer",
        "roles": [Role.EMPLOYER],
        "public": False,
        "top": True,
        "description": "Roles you hire for, groups of consenting people, their gaps in charts and a training plan.",
    },
    {
        "label": "Workforce gaps",
        "href": "/planning/workforce",
        "roles": [Role.EMPLOYER],
        "public": False,
        "top": True,
        "description": "The gaps of your consenting employees or candidates against a role, in charts.",
    },
]

ROUTE_POLICIES: dict[str, RoutePolicy] = merge(
    learner.ROUTE_POLICIES, advisor.ROUTE_POLICIES, employer.ROUTE_POLICIES
)
