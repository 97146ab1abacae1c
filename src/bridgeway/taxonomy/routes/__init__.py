"""Taxonomy JSON API: search competencies and occupations, read them, list releases, credit the sources.

Reading taxonomy data needs a signed-in user or an API token with the scope ``taxonomy:read``; the sources'
attribution (``/taxonomy/meta``) is public, as their licences ask. What the endpoints return is assembled in
``read`` (the taxonomy pages render the same objects).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Scope
from bridgeway.accounts.policy import RoutePolicy, public, signed_in
from bridgeway.kit.http import DbSession
from bridgeway.kit.pagination import MAX_PAGE_SIZE, Page
from bridgeway.taxonomy.routes.read import (
    competency_detail,
    data_meta,
    find_entries,
    occupation_detail,
    release_list,
)
from bridgeway.taxonomy.schemas import (
    CompetencyRead,
    EntryKind,
    MetaRead,
    OccupationRead,
    ReleaseRead,
    SearchHitRead,
    Source,
)

router = APIRouter(prefix="/taxonomy", tags=["taxonomy"])

_READ = signed_in(scope=Scope.TAXONOMY_READ)
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /api/v1/taxonomy/search": _READ,
    "GET /api/v1/taxonomy/competencies": _READ,
    "GET /api/v1/taxonomy/occupations": _READ,
    "GET /api/v1/taxonomy/competencies/{source}/{ref:path}": _READ,
    "GET /api/v1/taxonomy/occupations/{source}/{ref:path}": _READ,
    "GET /api/v1/taxonomy/releases": _READ,
    "GET /api/v1/taxonomy/meta": public(),
}

Reader = Annotated[Principal, Depends(require(scope=Scope.TAXONOMY_READ))]
QueryText = Annotated[
    str,
    Query(
        max_length=200,
        description="Words to look for in preferred and alternative labels, example and alternate titles. "
        "Typos and missing accents are tolerated; empty lists everything A–Z.",
        examples=["weldng"],
    ),
]
Sources = Annotated[
    list[Source] | None,
    Query(alias="source", description="Keep only these taxonomies (repeat the parameter)."),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="How many results per page.")]
Offset = Annotated[int, Query(ge=0, description="How many results to skip.")]
Ref = Annotated[
    str,
    Path(
        description="The code in its source; for ESCO the URI without 'http://data.europa.eu/esco/' "
        "(e.g. 'skill/0005c151-5b5a-4a66-8aac-60e734beb1ab'), the full URI is accepted too.",
    ),
]


def _page(hits: list[SearchHitRead], total: int, limit: int, offset: int) -> Page[SearchHitRead]:
    return Page[SearchHitRead](items=hits, total=total, limit=limit, offset=offset)


@router.get("/search", response_model=Page[SearchHitRead], summary="Search competencies and occupations")
def search_all(
    session: DbSession,
    _reader: Reader,
    q: QueryText = "",
    kind: Annotated[
        EntryKind | None, Query(description="competency or occupation; both when absent.")
    ] = None,
    source: Sources = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Page[SearchHitRead]:
    """Find competencies and occupations by any of their names, best match first.

    Exact names rank first, then names starting with the query, then names holding every word, then names
    matching only with a typo; each hit says which name matched (`matched_label`) and how (`match`).
    """
    hits, total = find_entries(
        session, q, kinds=[kind] if kind else None, sources=source, limit=limit, offset=offset
    )
    return _page(hits, total, limit, offset)


@router.get("/competencies", response_model=Page[SearchHitRead], summary="Search competencies")
def search_competencies(
    session: DbSession,
    _reader: Reader,
    q: QueryText = "",
    source: Sources = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Page[SearchHitRead]:
    """Find ESCO skills, OaSIS descriptors and O*NET elements by label or alternative label."""
    hits, total = find_entries(session, q, kinds=["competency"], sources=source, limit=limit, offset=offset)
    return _page(hits, total, limit, offset)


@router.get("/occupations", response_model=Page[SearchHitRead], summary="Search occupations")
def search_occupations(
    session: DbSession,
    _reader: Reader,
    q: QueryText = "",
    source: Sources = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Page[SearchHitRead]:
    """Find ESCO occupations, NOC groups, OaSIS profiles and O*NET occupations by title or example title."""
    hits, total = find_entries(session, q, kinds=["occupation"], sources=source, limit=limit, offset=offset)
    return _page(hits, total, limit, offset)


@router.get("/competencies/{source}/{ref:path}", response_model=CompetencyRead, summary="Read a competency")
def read_competency(session: DbSession, _reader: Reader, source: Source, ref: Ref) -> CompetencyRead:
    """Return a competency of the latest release of its source: names, description, type, place in the
    hierarchy and the occupations that require it. Unknown codes answer 404 `unknown_competency`."""
    return competency_detail(session, source=source, ref=ref)


@router.get("/occupations/{source}/{ref:path}", response_model=OccupationRead, summary="Read an occupation")
def read_occupation(session: DbSession, _reader: Reader, source: Source, ref: Ref) -> OccupationRead:
    """Return an occupation with its requirements by source (its own, and other taxonomies' through the
    crosswalks), titles, duties, COPS outlook and related codes. Unknown codes answer 404 `unknown_occupation`."""
    return occupation_detail(session, source=source, ref=ref)


@router.get("/releases", response_model=list[ReleaseRead], summary="List imported releases with counts")
def list_releases(
    session: DbSession,
    _reader: Reader,
    source: Annotated[
        Literal["esco", "noc", "oasis", "cops", "onet", "crosswalks"] | None,
        Query(description="Only this source's releases."),
    ] = None,
) -> list[ReleaseRead]:
    """List every imported release, newest first per source, with row counts and dangling references."""
    return release_list(session, source=source)


@router.get("/meta", response_model=MetaRead, summary="Sources, licences and attribution (public)")
def read_meta(session: DbSession) -> MetaRead:
    """Name, release, licence and attribution of every source; show them wherever derived data appears."""
    return data_meta(session)
