"""Build occupation spaces from the imported taxonomy tables: the same spaces the official files give.

The rules live in `assemble`; this module only reads what the taxonomy importers kept, through the taxonomy
service. What the tables do not hold — Nesta's job zones and skills-based sectors for ESCO (the importers leave
the Mapping Career Causeways outputs out) — is read from the official files when they are there; without them ESCO
zones come from the O*NET job zone of the Nesta-crosswalked occupation (ISCO-group median otherwise) and the
sectors, used only by the evaluation, are empty.

Built spaces are cached per taxonomy and the ids of the releases they were built from (plus the Nesta file's
size and time for ESCO), in process and on disk: importing a newer release changes the key, and the next call
rebuilds; another process with the same releases reads the pickle (tens of milliseconds for ESCO).
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.planning.engine.space import OccupationSpace
from bridgeway.planning.errors import DataUnavailable, UnknownTaxonomy
from bridgeway.planning.sources import cache
from bridgeway.planning.sources.assemble import (
    ESCO_SOURCES,
    NOC_SOURCES,
    ONET_SOURCES,
    Canada,
    esco_space,
    noc_space,
    onet_space,
)
from bridgeway.planning.sources.canada import CopsRecord, licence_requirement
from bridgeway.planning.sources.files import NESTA_OCCUPATIONS, XW, nesta_job_zones, nesta_sectors
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.models import Competency

# The releases each space is built from; all must be imported for the database to serve the taxonomy.
REQUIRED_RELEASES: dict[str, tuple[str, ...]] = {
    "esco": ("esco", "oasis", "cops", "crosswalks"),
    "noc": ("oasis", "cops"),
    "onet": ("onet", "oasis", "cops", "crosswalks"),
}
# Read when imported: O*NET job zones stand in for Nesta's ESCO zones when that file is absent.
_OPTIONAL_RELEASES: dict[str, tuple[str, ...]] = {"esco": ("onet",)}
# OaSIS competency kind → the category word in planning's competency ids (`oasis:skills:Reading Comprehension`).
OASIS_FAMILIES = {"skill": "skills", "knowledge": "knowledge", "ability": "abilities"}
ONET_KINDS = frozenset({"skill", "knowledge"})
BCGOV_ONET_NOC = "bcgov_onet_noc2021"
NESTA_ESCO_ONET = "nesta_esco_onet"
BROOKFIELD_NOC_ONET = "brookfield_noc2021_onet26"

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[Any, ...], OccupationSpace]] = {}


def competency_id(competency: Competency) -> str:
    """The id planning gives a taxonomy competency: the ESCO URI, `oasis:<family>:<descriptor>` (as the OaSIS
    rating files name it) or `onet:<element id>`; other OaSIS descriptors keep their taxonomy code."""
    if competency.source == "oasis" and competency.kind in OASIS_FAMILIES:
        descriptor = str(competency.extra.get("column") or competency.preferred_label).strip()
        return f"oasis:{OASIS_FAMILIES[competency.kind]}:{descriptor}"
    if competency.source == "onet":
        return f"onet:{competency.code}"
    return competency.uri or competency.code


def missing_releases(session: Session, taxonomy: str) -> list[str]:
    """The sources this taxonomy's space needs that the database holds no release of (empty: ready)."""
    return _releases(session, taxonomy)[1]


def _releases(session: Session, taxonomy: str) -> tuple[dict[str, Any], list[str]]:
    """(latest release by source, required sources without one), in one query."""
    if taxonomy not in REQUIRED_RELEASES:
        raise UnknownTaxonomy(f"unknown taxonomy {taxonomy!r}; choose one of {', '.join(REQUIRED_RELEASES)}")
    latest = taxonomy_service.latest_releases(session)
    return latest, [source for source in REQUIRED_RELEASES[taxonomy] if source not in latest]


def space_from_database(
    session: Session, taxonomy: str, *, data_dir: Path | None = None, use_disk_cache: bool = True
) -> OccupationSpace:
    """The occupation space of `taxonomy` from the imported releases (cached until a newer release is imported)."""
    space = imported_space(session, taxonomy, data_dir=data_dir, use_disk_cache=use_disk_cache)
    if space is None:
        missing = missing_releases(session, taxonomy)
        raise DataUnavailable(
            f"the database holds no {', '.join(missing)} release, needed for {taxonomy}: import the official data "
            "with `bridgeway data import-all DATA_DIR`",
            detail={"taxonomy": taxonomy, "missing": missing},
        )
    return space


def imported_space(
    session: Session, taxonomy: str, *, data_dir: Path | None = None, use_disk_cache: bool = True
) -> OccupationSpace | None:
    """Like `space_from_database`, but None when a release is missing (one query when the space is cached)."""
    latest, missing = _releases(session, taxonomy)
    if missing:
        return None
    used = REQUIRED_RELEASES[taxonomy] + _OPTIONAL_RELEASES.get(taxonomy, ())
    key: tuple[Any, ...] = tuple(latest[s].id if s in latest else None for s in used)
    if taxonomy == "esco":
        key += (_file_stamp(data_dir),)
    with _lock:
        hit = _cache.get(taxonomy)
        if hit is not None and hit[0] == key:
            return hit[1]
        name = f"{taxonomy}-db-{hashlib.sha1(repr((cache.CACHE_VERSION, key)).encode()).hexdigest()[:16]}"
        space = cache.read(name) if use_disk_cache else None
        if space is None:
            space = _BUILDERS[taxonomy](session, data_dir)
            space.sources = [*space.sources, _imported(latest, used)]
            if use_disk_cache:
                cache.write(name, space, keep_family=f"{taxonomy}-db-")
        _cache[taxonomy] = (key, space)
    return space


def crosswalk(session: Session, dataset: str) -> dict[str, list[str]]:
    """From code → to codes of one crosswalk dataset of the latest crosswalks (file order kept)."""
    out: dict[str, list[str]] = defaultdict(list)
    for from_code, to_code, _weight in taxonomy_service.code_links(session, dataset=dataset):
        out[from_code].append(to_code)
    return out


def clear_cache() -> None:
    """Forget every space built from the database (the next call rebuilds)."""
    with _lock:
        _cache.clear()


def _file_stamp(data_dir: Path | None) -> tuple[str, int, int] | None:
    path = None if data_dir is None else data_dir / XW / NESTA_OCCUPATIONS
    if path is None or not path.is_file():
        return None
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, int(stat.st_mtime))


def _imported(latest: dict[str, Any], used: tuple[str, ...]) -> str:
    names = ", ".join(f"{s} {latest[s].version}" for s in used if s in latest)
    return f"Read from the imported releases: {names}"


def _canada(session: Session) -> Canada:
    """COPS records, bcgov O*NET→NOC weights and OaSIS licence notes, from the imported releases."""
    cops = {
        o.noc_code: CopsRecord(
            code=o.noc_code,
            condition=o.future_condition,
            openings=None if o.job_openings is None else float(o.job_openings),
            employment=None if o.employment_base is None else float(o.employment_base),
        )
        for o in taxonomy_service.outlooks(session)
        if o.noc_code.isdigit() and len(o.noc_code) == 5 and o.noc_code != "00000"
    }
    onet_to_noc: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for onet, noc, weight in taxonomy_service.code_links(session, dataset=BCGOV_ONET_NOC):
        onet_to_noc[onet].append((noc, weight or 0.0))
    regulation = {
        profile.code: note
        for profile in taxonomy_service.iter_occupations(session, source="oasis")
        if (note := licence_requirement(profile.employment_requirements))
    }
    return Canada(cops=cops, onet_to_noc=dict(onet_to_noc), regulation=regulation)


def _esco(session: Session, data_dir: Path | None) -> OccupationSpace:
    occupations = sorted(taxonomy_service.iter_occupations(session, source="esco"), key=lambda o: o.code)
    skills = sorted(
        (row for row in taxonomy_service.competency_rows(session, source="esco") if row[1] != "skill_group"),
        key=lambda row: row[0],
    )
    e2o = {uri: onets[-1] for uri, onets in crosswalk(session, NESTA_ESCO_ONET).items()}
    zones = None if data_dir is None else nesta_job_zones(data_dir)
    sources = ESCO_SOURCES
    if zones is None:
        zones = _zones_through_onet(session, e2o)
        sources = [
            *ESCO_SOURCES,
            f"Job zones: O*NET's, through Nesta's crosswalk ({NESTA_OCCUPATIONS} absent)",
        ]
    isco = [o.isco_group or "" for o in occupations]
    return esco_space(
        codes=[o.code for o in occupations],
        titles=[o.label for o in occupations],
        isco=isco,
        esco_codes=[str(o.extra.get("code", "")) for o in occupations],
        esco_regulated=[
            str(o.extra.get("regulatedProfessionNote", "")).endswith("/regulated") for o in occupations
        ],
        competency_ids=[code for code, _kind, _label in skills],
        competency_labels=[label for _code, _kind, label in skills],
        relations=(
            (occupation, skill, relation == "essential")
            for occupation, skill, relation, *_ in taxonomy_service.requirement_rows(session, source="esco")
        ),
        known_zones=zones,
        sectors={} if data_dir is None else nesta_sectors(data_dir),
        esco_to_onet=e2o,
        canada=_canada(session),
        sources=sources,
    )


def _zones_through_onet(session: Session, e2o: dict[str, str]) -> dict[str, float]:
    """ESCO URI → the job zone of its Nesta O*NET occupation (empty when O*NET is not imported)."""
    if taxonomy_service.latest_release(session, "onet") is None:
        return {}
    onet_zone = {
        o.code: float(o.job_zone)
        for o in taxonomy_service.iter_occupations(session, source="onet")
        if o.job_zone is not None
    }
    return {uri: onet_zone[onet] for uri, onet in e2o.items() if onet in onet_zone}


def _noc(session: Session, data_dir: Path | None) -> OccupationSpace:
    profiles = sorted(taxonomy_service.iter_occupations(session, source="oasis"), key=lambda o: o.code)
    ids = {
        c.code: competency_id(c)
        for c in taxonomy_service.iter_competencies(session, source="oasis")
        if c.kind in OASIS_FAMILIES
    }
    ratings: dict[str, dict[str, float]] = defaultdict(dict)
    for profile, competency, _relation, _importance, level, _scale in taxonomy_service.requirement_rows(
        session, source="oasis"
    ):
        if competency in ids and level:
            ratings[profile][ids[competency]] = level
    return noc_space(
        codes=[p.code for p in profiles],
        titles=[p.label for p in profiles],
        ratings=ratings,
        canada=_canada(session),
        sources=NOC_SOURCES,
    )


def _onet(session: Session, data_dir: Path | None) -> OccupationSpace:
    occupations = sorted(taxonomy_service.iter_occupations(session, source="onet"), key=lambda o: o.code)
    names = {
        code: label
        for code, kind, label in taxonomy_service.competency_rows(session, source="onet")
        if kind in ONET_KINDS
    }
    return onet_space(
        codes=[o.code for o in occupations],
        titles=[o.label for o in occupations],
        element_names=names,
        ratings=(
            (occupation, element, importance, level)
            for occupation, element, _rel, importance, level, scale in taxonomy_service.requirement_rows(
                session, source="onet"
            )
            if scale == "onet_im_lv"
        ),
        zones={o.code: float(o.job_zone) for o in occupations if o.job_zone is not None},
        canada=_canada(session),
        sources=ONET_SOURCES,
    )


_BUILDERS: dict[str, Callable[[Session, Path | None], OccupationSpace]] = {
    "esco": _esco,
    "noc": _noc,
    "onet": _onet,
}


def onet_crosswalk(session: Session, taxonomy: str, code: str) -> list[str] | None:
    """O*NET codes of an ESCO occupation (Nesta) or NOC code (Brookfield) in the imported crosswalks, or None
    when no crosswalk release is imported."""
    if taxonomy_service.latest_release(session, "crosswalks") is None:
        return None
    source, dataset = ("esco", NESTA_ESCO_ONET) if taxonomy == "esco" else ("noc", BROOKFIELD_NOC_ONET)
    related = taxonomy_service.related_codes(
        session, source=source, code=code if source == "esco" else code[:5]
    )
    found = [r.code for r in related if r.dataset == dataset and r.direction == "forward"]
    return found[-1:] if source == "esco" else found
