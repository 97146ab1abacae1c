"""Occupations of origin and target, read from the imported taxonomies; catalogue look-ups for plan items."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bridgeway.bridging import domain, errors
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.errors import UnknownOpportunity
from bridgeway.catalog.schemas import OpportunitySummary, SearchParams
from bridgeway.kit.errors import NotFound

# Planning's rule for "regulated" (docs/planning.md): a licence or registration stated as required in OaSIS.
from bridgeway.planning.sources.canada import licence_requirement
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.models import Occupation

ORIGIN_SOURCES = ("noc", "oasis", "esco", "onet")
_NOC = re.compile(r"^\d{5}$")
_OASIS = re.compile(r"^\d{5}\.\d{2}$")
_ONET = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")
REGULATION_SOURCE = "OaSIS 2023 employment requirements (ESDC)"


@dataclass(frozen=True)
class Target:
    """A target occupation in Canada and what the OaSIS employment requirements say about licensing."""

    source: str
    code: str
    label: str
    label_fr: str | None
    teer: str | None
    checked: bool
    licence_note: str | None


def source_of(code: str) -> str:
    """Tell the taxonomy from the shape of a code: NOC (5 digits), OaSIS, O*NET-SOC, or an ESCO URI."""
    if _NOC.match(code):
        return "noc"
    if _OASIS.match(code):
        return "oasis"
    if _ONET.match(code):
        return "onet"
    if code.startswith("http://data.europa.eu/esco/occupation/"):
        return "esco"
    raise errors.UnknownOccupationCode(
        f"'{code}' is not an occupation code: give a NOC 2021 unit group (31301), an OaSIS profile "
        "(31301.01), an O*NET-SOC code (29-1141.00) or an ESCO occupation URI"
    )


def _occupation(session: Session, source: str, code: str) -> Occupation | None:
    try:
        return taxonomy_service.get_occupation(session, source=source, code=code)
    except NotFound:  # unknown code, or that taxonomy is not imported
        return None


def resolve_origin(session: Session, code: str) -> tuple[str, str, str]:
    """Return (source, code, title) of an occupation of origin from any imported taxonomy."""
    code = code.strip()
    source = source_of(code)
    if source == "onet" and "." not in code:
        code += ".00"
    found = _occupation(session, source, code)
    if found is None:
        raise errors.UnknownOccupationCode(f"no {source.upper()} occupation '{code}' in the imported data")
    return source, code, found.label


def _french_name(session: Session, code: str) -> str | None:
    """The unit group's French name as COPS publishes it (the NOC and OaSIS files here are English only)."""
    names = taxonomy_service.outlook_names(session).get(code.split(".")[0])
    return names[1] if names else None


def resolve_target(session: Session, code: str) -> Target:
    """Return a target occupation in Canada (NOC 2021 unit group or OaSIS profile) with its licensing data."""
    code = code.strip()
    if not (_NOC.match(code) or _OASIS.match(code)):
        raise errors.UnknownOccupationCode(
            f"'{code}' is not a target occupation in Canada: give a NOC 2021 unit group (5 digits, e.g. 31301) "
            "or an OaSIS profile (e.g. 31301.01)"
        )
    if _OASIS.match(code):
        profile = _occupation(session, "oasis", code)
        if profile is None:
            raise errors.UnknownOccupationCode(f"no OaSIS profile '{code}' in the imported data")
        return Target(
            source="oasis",
            code=code,
            label=profile.label,
            label_fr=profile.label_fr or _french_name(session, code),
            teer=domain.teer_of(code),
            checked=True,
            licence_note=licence_requirement(profile.employment_requirements),
        )
    group = _occupation(session, "noc", code)
    if group is not None and group.level != "unit_group":
        raise errors.UnknownOccupationCode(f"NOC '{code}' is not a unit group")
    profiles = [
        p
        for r in taxonomy_service.related_codes(session, source="noc", code=code)
        if r.source == "oasis" and (p := _occupation(session, "oasis", r.code)) is not None
    ]
    if group is None and not profiles:
        raise errors.UnknownOccupationCode(f"no NOC 2021 unit group '{code}' in the imported data")
    notes = [licence_requirement(p.employment_requirements) for p in profiles]
    return Target(
        source="noc",
        code=code,
        label=group.label if group is not None else profiles[0].label,
        label_fr=(group.label_fr if group is not None else None) or _french_name(session, code),
        teer=domain.teer_of(code),
        checked=bool(profiles),
        licence_note=next((n for n in notes if n), None),
    )


def occupation_options(
    session: Session, *, query: str, target: bool, limit: int = 10
) -> list[tuple[str, str, str]]:
    """Return (source, code, title) of occupations matching a title, through the taxonomy search index."""
    from bridgeway.taxonomy.routes.read import find_entries  # the taxonomy's search (index kept per process)

    if len(query.strip()) < 2:
        return []
    sources = ["noc", "oasis"] if target else list(ORIGIN_SOURCES)
    hits, _ = find_entries(session, query, kinds=["occupation"], sources=sources, limit=limit, offset=0)
    # a target is a NOC unit group (5 digits) or an OaSIS profile, not a broader NOC group
    return [
        (h.source, h.code, h.label) for h in hits if not target or h.source == "oasis" or len(h.code) == 5
    ]


def catalogue_options(session: Session, *, query: str, limit: int = 10) -> list[OpportunitySummary]:
    """Return published catalogue entries (micro-credentials, courses, bridge programs) matching a query."""
    if len(query.strip()) < 2:
        return []
    return list(catalog_service.search(session, params=SearchParams(q=query.strip(), limit=limit)).items)


def opportunity_title(session: Session, opportunity_id: str) -> str:
    """Return a published catalogue entry's English title, or refuse an unknown one."""
    try:
        read = catalog_service.read_opportunity(session, opportunity_id=opportunity_id, principal=None)
    except (UnknownOpportunity, NotFound):
        raise errors.UnknownReference(f"no published catalogue entry '{opportunity_id}'") from None
    return read.version.title_en
