"""The rules that turn what a source holds into occupation spaces, shared by the file and database loaders.

Both loaders read plain values (codes, labels, requirement tuples, crosswalk maps, COPS records) from their
source and hand them to the functions here, so a space built from the imported tables equals one built from
the files by construction.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bridgeway.planning.engine.space import (
    ESSENTIAL,
    OPTIONAL,
    RATED,
    OccupationSpace,
    Outlook,
    build_space,
)
from bridgeway.planning.sources.canada import TEER_ZONE, CopsRecord, outlook_from_cops

OPTIONAL_WEIGHT = 0.5  # an ESCO optional skill counts half an essential one
ONET_MIN_IMPORTANCE = 3.0  # O*NET elements rated at least "important" (1–5) become requirements
ESCO_SOURCES = [
    "ESCO v1.1.1 (European Commission, CC BY 4.0)",
    "Nesta Mapping Career Causeways (MIT)",
    "bcgov O*NET→NOC 2021 (Apache-2.0)",
    "COPS 2024–2033 and OaSIS 2023 (ESDC, OGL–Canada)",
]
NOC_SOURCES = ["OaSIS 2023 v1.0 and COPS 2024–2033 (ESDC, OGL–Canada)"]
ONET_SOURCES = [
    "O*NET 29.2 (U.S. DOL, CC BY 4.0)",
    "bcgov O*NET→NOC 2021 (Apache-2.0)",
    "COPS 2024–2033 (ESDC, OGL–Canada)",
]


@dataclass(frozen=True)
class Canada:
    """The Canadian side every space needs: COPS records, O*NET→NOC weights, licence notes by profile."""

    cops: dict[str, CopsRecord]
    onet_to_noc: dict[str, list[tuple[str, float]]]
    regulation: dict[str, str]  # OaSIS profile code → the sentence making a licence compulsory

    def regulated_nocs(self) -> dict[str, str]:
        """NOC unit group → licence note (the last profile of the group, in code order, wins)."""
        return {code[:5]: self.regulation[code] for code in sorted(self.regulation)}


def clb_for_zone(zone: float, regulated: bool) -> int:
    """The CLB an occupation needs, as planning assumes it (no official source gives CLB by occupation)."""
    need = 7 if zone >= 4 else 6 if zone >= 3 else 5 if zone == zone else 6
    return max(need, 7) if regulated else need


def _clb(zone: list[float], regulated: list[bool]) -> list[int]:
    return [clb_for_zone(z, g) for z, g in zip(zone, regulated, strict=True)]


def esco_zones(codes: list[str], isco: list[str], known: dict[str, float]) -> list[float]:
    """Job zone per ESCO occupation: the known value, else the median of its ISCO unit group, then major group."""
    by_group: dict[str, list[float]] = defaultdict(list)
    for uri, group in zip(codes, isco, strict=True):
        if uri in known:
            by_group[group].append(known[uri])
            by_group[group[:1]].append(known[uri])
    out = []
    for uri, group in zip(codes, isco, strict=True):
        if uri in known:
            out.append(known[uri])
        elif by_group.get(group):
            out.append(float(statistics.median(by_group[group])))
        elif by_group.get(group[:1]):
            out.append(float(statistics.median(by_group[group[:1]])))
        else:
            out.append(float("nan"))
    return out


def esco_space(
    *,
    codes: list[str],
    titles: list[str],
    isco: list[str],
    esco_codes: list[str],
    esco_regulated: list[bool],
    competency_ids: list[str],
    competency_labels: list[str],
    relations: Iterable[tuple[str, str, bool]],
    known_zones: dict[str, float],
    sectors: dict[str, str],
    esco_to_onet: dict[str, str],
    canada: Canada,
    sources: list[str],
) -> OccupationSpace:
    """ESCO: essential (1.0) and optional (0.5) skills; outlook and licence via O*NET → NOC; zones as known."""
    occ_index = {c: i for i, c in enumerate(codes)}
    comp_index = {c: i for i, c in enumerate(competency_ids)}
    rows, cols, weights, kinds = [], [], [], []
    for occupation, skill, essential in relations:
        i, j = occ_index.get(occupation), comp_index.get(skill)
        if i is None or j is None:
            continue
        rows.append(i)
        cols.append(j)
        weights.append(1.0 if essential else OPTIONAL_WEIGHT)
        kinds.append(ESSENTIAL if essential else OPTIONAL)
    zone = esco_zones(codes, isco, known_zones)
    outlooks, regulated, notes = _esco_outlooks(codes, isco, esco_regulated, esco_to_onet, canada)
    return build_space(
        taxonomy="esco",
        codes=codes,
        titles=titles,
        competency_ids=competency_ids,
        competency_labels=competency_labels,
        rows=rows,
        cols=cols,
        weights=weights,
        kinds=kinds,
        job_zone=zone,
        outlooks=outlooks,
        regulated=regulated,
        licence_notes=notes,
        clb_required=_clb(zone, regulated),
        level_scale=1.0,
        groups={
            "isco": np.array(isco),
            "nesta_subsector": np.array([sectors.get(c, "") for c in codes]),
            "esco_code": np.array(esco_codes),
        },
        sources=sources,
    )


def _esco_outlooks(
    codes: list[str],
    isco: list[str],
    esco_regulated: list[bool],
    esco_to_onet: dict[str, str],
    canada: Canada,
) -> tuple[list[Outlook | None], list[bool], list[str]]:
    """COPS outlook and licence note of each ESCO occupation through its O*NET code(s) and their NOC weights."""
    by_isco: dict[str, list[str]] = defaultdict(list)
    isco_of = dict(zip(codes, isco, strict=True))
    for uri, onet in esco_to_onet.items():
        if uri in isco_of:
            by_isco[isco_of[uri]].append(onet)
    regulated_noc = canada.regulated_nocs()
    outlooks: list[Outlook | None] = []
    regulated, notes = [], []
    for uri, group, esco_reg in zip(codes, isco, esco_regulated, strict=True):
        if uri in esco_to_onet:
            onets, via = [esco_to_onet[uri]], f"ESCO→O*NET {esco_to_onet[uri]} (Nesta)→NOC (bcgov)→"
        else:
            onets, via = by_isco.get(group, []), f"ESCO→ISCO {group}→O*NET (Nesta)→NOC (bcgov)→"
        weighted = [(noc, w / len(onets)) for o in onets for noc, w in canada.onet_to_noc.get(o, [])]
        outlooks.append(outlook_from_cops(weighted, canada.cops, via))
        top_noc = max(weighted, key=lambda nw: nw[1])[0] if weighted else None
        note = regulated_noc.get(top_noc or "", "")
        regulated.append(esco_reg or bool(note))
        notes.append(note or ("Regulated profession in ESCO (EU)" if esco_reg else ""))
    return outlooks, regulated, notes


def noc_space(
    *,
    codes: list[str],
    titles: list[str],
    ratings: dict[str, dict[str, float]],
    canada: Canada,
    sources: list[str],
) -> OccupationSpace:
    """NOC 2021 through OaSIS profiles: descriptors rated 1–5 (weight rating / 5); outlook from COPS."""
    comp_ids = sorted({c for r in ratings.values() for c in r})
    comp_index = {c: i for i, c in enumerate(comp_ids)}
    rows, cols, weights, levels = [], [], [], []
    for i, code in enumerate(codes):
        for comp, value in ratings.get(code, {}).items():
            rows.append(i)
            cols.append(comp_index[comp])
            weights.append(value / 5.0)
            levels.append(value)
    outlooks = [outlook_from_cops([(c[:5], 1.0)], canada.cops, "NOC 2021→") for c in codes]
    return _rated_space(
        taxonomy="noc",
        codes=codes,
        titles=titles,
        competency_ids=comp_ids,
        competency_labels=[c.split(":", 2)[2] for c in comp_ids],
        cells=(rows, cols, weights, levels),
        zone=[TEER_ZONE.get(c[1], float("nan")) for c in codes],
        outlooks=outlooks,
        regulated=[c in canada.regulation for c in codes],
        licence_notes=[canada.regulation.get(c, "") for c in codes],
        level_scale=5.0,
        groups={"noc_minor": np.array([c[:3] for c in codes])},
        sources=sources,
    )


def _rated_space(
    *,
    cells: tuple[list[int], list[int], list[float], list[float]],
    zone: list[float],
    regulated: list[bool],
    **fields: Any,
) -> OccupationSpace:
    """A rated taxonomy's space: every requirement RATED, the CLB need from zone and licence."""
    rows, cols, weights, levels = cells
    return build_space(
        rows=rows,
        cols=cols,
        weights=weights,
        levels=levels,
        kinds=[RATED] * len(rows),
        job_zone=zone,
        regulated=regulated,
        clb_required=_clb(zone, regulated),
        **fields,
    )


def onet_space(
    *,
    codes: list[str],
    titles: list[str],
    element_names: dict[str, str],
    ratings: Iterable[tuple[str, str, float | None, float | None]],
    zones: dict[str, float],
    canada: Canada,
    sources: list[str],
) -> OccupationSpace:
    """O*NET skills and knowledge with importance ≥ 3: weight (importance − 1) / 4, level 0–7; outlook via bcgov."""
    idx = {c: i for i, c in enumerate(codes)}
    comp_ids = sorted(element_names)
    comp_index = {c: j for j, c in enumerate(comp_ids)}
    rows, cols, weights, levels = [], [], [], []
    for code, element, importance, level in ratings:
        i, j = idx.get(code), comp_index.get(element)
        if i is None or j is None or importance is None or importance < ONET_MIN_IMPORTANCE:
            continue
        rows.append(i)
        cols.append(j)
        weights.append((importance - 1.0) / 4.0)
        levels.append(level or 0.0)
    regulated_noc = canada.regulated_nocs()
    outlooks, reg, notes = [], [], []
    for code in codes:
        weighted = canada.onet_to_noc.get(code, [])
        outlooks.append(outlook_from_cops(weighted, canada.cops, "O*NET→NOC 2021 (bcgov)→"))
        top = max(weighted, key=lambda nw: nw[1])[0] if weighted else ""
        reg.append(top in regulated_noc)
        notes.append(regulated_noc.get(top, ""))
    return _rated_space(
        taxonomy="onet",
        codes=codes,
        titles=titles,
        competency_ids=[f"onet:{c}" for c in comp_ids],
        competency_labels=[element_names[c] for c in comp_ids],
        cells=(rows, cols, weights, levels),
        zone=[zones.get(c, float("nan")) for c in codes],
        outlooks=outlooks,
        regulated=reg,
        licence_notes=notes,
        level_scale=7.0,
        groups={"soc_minor": np.array([c[:5] for c in codes])},
        sources=sources,
    )
