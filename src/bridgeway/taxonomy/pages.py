"""Taxonomy pages: a browser with live search, competency and occupation pages, and the public About-the-data page.

The pages render the same objects as the JSON API (``routes.read``), so both always show the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Scope
from bridgeway.accounts.policy import RoutePolicy, public, signed_in
from bridgeway.kit.http import DbSession, is_htmx, render
from bridgeway.taxonomy.domain import SCALES
from bridgeway.taxonomy.routes.read import (
    NOTICES,
    competency_detail,
    data_meta,
    entry_path,
    find_entries,
    occupation_detail,
)
from bridgeway.taxonomy.schemas import RequirementGroup, RequirementRead, Source

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(require(scope=Scope.TAXONOMY_READ))]
PER_PAGE = 20

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /taxonomy": signed_in(scope=Scope.TAXONOMY_READ),
    "GET /taxonomy/competencies/{source}/{ref:path}": signed_in(scope=Scope.TAXONOMY_READ),
    "GET /taxonomy/occupations/{source}/{ref:path}": signed_in(scope=Scope.TAXONOMY_READ),
    "GET /about/data": public(),
}

NAV_ITEMS: list[dict[str, Any]] = [
    {
        "label": "Occupations and skills",
        "href": "/taxonomy",
        "roles": [],
        "public": False,
        "top": True,
        "description": "Search ESCO, NOC, OaSIS and O*NET: what each occupation asks for, its outlook in Canada, "
        "and how the taxonomies relate.",
    },
    {
        "label": "About the data",
        "href": "/about/data",
        "roles": [],
        "public": True,
        "top": False,
        "description": "Where the occupational and competency data come from, their releases and licences.",
    },
]

# Display names, translated in the templates with _().
SOURCE_NAMES = {
    "esco": "ESCO",
    "noc": "NOC 2021",
    "oasis": "OaSIS",
    "onet": "O*NET",
    "cops": "COPS",
    "crosswalks": "Crosswalks",
    "noc2016": "NOC 2016",
    "soc2018": "SOC 2018",
    "isco": "ISCO-08",
}
KIND_NAMES = {
    "competency": "Competency",
    "occupation": "Occupation",
    "skill": "Skill",
    "knowledge": "Knowledge",
    "ability": "Ability",
    "work_activity": "Work activity",
    "work_context": "Work context",
    "transversal": "Transversal skill",
    "language": "Language skill",
    "personal_attribute": "Personal attribute",
    "interest": "Interest",
    "skill_group": "Skill group",
    "broad_category": "Broad category",
    "major_group": "Major group",
    "sub_major_group": "Sub-major group",
    "minor_group": "Minor group",
    "unit_group": "Unit group",
    "profile": "Occupational profile",
}
MATCH_NAMES = {
    "exact": "exact name",
    "prefix": "name starts with your words",
    "words": "all your words",
    "fuzzy": "close spelling",
    "listed": "",
}
# Requirement parts in reading order: ESCO's lists, then ratings from the most to the least specific to the job.
PART_ORDER = {
    name: n
    for n, name in enumerate(
        (
            "essential",
            "optional",
            "skill",
            "knowledge",
            "ability",
            "work_activity",
            "work_context",
            "personal_attribute",
            "interest",
        )
    )
}
SCALE_NAMES = {
    "oasis_1_5": "OaSIS rating (1–5)",
    "onet_im_lv": "O*NET level (0–7)",
    "bcgov_askw": "Combined score (B.C. government, 0–10)",
}


def _number(locale: str) -> Callable[[float | int | None], str]:
    """Format counts the way each language writes them (26,800 / 26 800)."""

    def fmt(value: float | int | None) -> str:
        if value is None:
            return "—"
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return text.replace(",", "\u202f").replace(".", ",") if locale == "fr" else text

    return fmt


def _common(request: Request) -> dict[str, Any]:
    return {
        "source_names": SOURCE_NAMES,
        "kind_names": KIND_NAMES,
        "match_names": MATCH_NAMES,
        "scale_names": SCALE_NAMES,
        "number": _number(request.state.locale),
        "page_path": _page_path,
        "fr": request.state.locale == "fr",
        "credits": _credits,
    }


def _credits(sources: list[str]) -> list[str]:
    """Return the notices the sources' licences ask for, each once, in the order the sources appear."""
    notices: list[str] = []
    for source in sources:
        notice = NOTICES.get(source)
        if notice and notice not in notices:
            notices.append(notice)
    return notices


def _page_path(kind: str, source: str, code: str) -> str:
    return "/taxonomy" + entry_path(kind, source, code)


@router.get("/taxonomy", response_class=HTMLResponse)
def browse(
    request: Request,
    session: DbSession,
    principal: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    # The form's "all" options send empty values, which mean no filter.
    kind: Annotated[Literal["", "competency", "occupation"], Query()] = "",
    source: Annotated[Literal["", "esco", "oasis", "onet", "noc"], Query()] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Search competencies and occupations; HTMX asks for the results list only, as the user types."""
    hits, total = find_entries(
        session,
        q,
        kinds=[kind] if kind else None,
        sources=[source] if source else None,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    context = {
        **_common(request),
        "q": q,
        "kind": kind,
        "source": source,
        "hits": hits,
        "total": total,
        "page": page,
        "pages": max(1, math.ceil(total / PER_PAGE)),
        "sources": ("esco", "noc", "oasis", "onet"),
    }
    # HTMX asks for the results only, except when it restores a page from history (it wants the whole page).
    partial = is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"
    template = "taxonomy/_results.html" if partial else "taxonomy/browse.html"
    return render(request, template, context)


@router.get("/taxonomy/competencies/{source}/{ref:path}", response_class=HTMLResponse)
def competency_page(
    request: Request, session: DbSession, principal: Reader, source: Source, ref: str
) -> HTMLResponse:
    """Show a competency: names, description, type, hierarchy and the occupations requiring it."""
    competency = competency_detail(session, source=source, ref=ref)
    return render(request, "taxonomy/competency.html", {**_common(request), "c": competency})


@router.get("/taxonomy/occupations/{source}/{ref:path}", response_class=HTMLResponse)
def occupation_page(
    request: Request, session: DbSession, principal: Reader, source: Source, ref: str
) -> HTMLResponse:
    """Show an occupation: requirements by source, COPS outlook, titles, duties and related codes."""
    occupation = occupation_detail(session, source=source, ref=ref)
    sections = [_section(group) for group in occupation.requirements]
    return render(
        request, "taxonomy/occupation.html", {**_common(request), "o": occupation, "sections": sections}
    )


def _section(group: RequirementGroup) -> dict[str, Any]:
    """Split a source's requirements into the parts a reader scans: essential/optional, or ratings by kind."""
    parts: dict[tuple[str, str | None], list[RequirementRead]] = {}
    for requirement in group.requirements:
        key: tuple[str, str | None] = (requirement.relation, None)
        if requirement.relation not in ("essential", "optional"):
            key = (requirement.competency.kind, requirement.scale)
        parts.setdefault(key, []).append(requirement)
    ordered = sorted(
        parts,
        key=lambda key: (
            PART_ORDER.get(key[0], len(PART_ORDER)),
            key[0],
            list(SCALE_NAMES).index(key[1]) if key[1] in SCALE_NAMES else 9,
        ),
    )
    return {
        "source": group.source,
        "via": group.via_codes,
        "parts": [
            {
                "name": name,
                "scale": scale,
                "max": SCALES.get(scale or "", (0.0, 5.0))[1],
                "items": parts[(name, scale)],
            }
            for name, scale in ordered
        ],
    }


@router.get("/about/data", response_class=HTMLResponse)
def about_data(request: Request, session: DbSession) -> HTMLResponse:
    """Say where the data come from: each source's name, release, licence and the attribution it asks for."""
    return render(request, "taxonomy/about_data.html", {**_common(request), "meta": data_meta(session)})
