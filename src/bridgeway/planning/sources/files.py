"""Build occupation spaces from the official files (ESCO, OaSIS/NOC, O*NET), with COPS outlooks through crosswalks."""

from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np

from bridgeway.planning.engine.space import (
    ESSENTIAL,
    OPTIONAL,
    RATED,
    OccupationSpace,
    Outlook,
    build_space,
)
from bridgeway.planning.errors import DataUnavailable
from bridgeway.planning.sources.canada import (
    TEER_ZONE,
    outlook_from_cops,
    read_cops,
    read_csv,
    read_oasis_ratings,
    read_regulation,
)

ESCO = "esco-1.1.1"
ONET = "onet-29.2"
XW = "crosswalks"
OPTIONAL_WEIGHT = 0.5  # an ESCO optional skill counts half an essential one
ONET_MIN_IMPORTANCE = 3.0  # O*NET elements rated at least "important" (1–5) become requirements


def clb_for_zone(zone: float, regulated: bool) -> int:
    """The CLB an occupation needs, as planning assumes it (no official source gives CLB by occupation)."""
    need = 7 if zone >= 4 else 6 if zone >= 3 else 5 if zone == zone else 6
    return max(need, 7) if regulated else need


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataUnavailable(f"official data file not found: {path}")
    return path


def _onet_to_noc(data_dir: Path) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in read_csv(_require(data_dir / XW / "bcgov_onet_to_noc2021_mapping.csv")):
        out[row["onet_soc_code"].strip()].append(
            (row["noc_2021"].strip().zfill(5), float(row["path_weight"]))
        )
    return out


def esco_to_onet(data_dir: Path) -> dict[str, tuple[str, float]]:
    """ESCO occupation URI → (O*NET-SOC code, Nesta's confidence)."""
    out: dict[str, tuple[str, float]] = {}
    for row in read_csv(_require(data_dir / XW / "nesta_esco_onet_crosswalk_Nov2020.csv")):
        out[row["concept_uri"].strip()] = (row["onet_code"].strip(), float(row["confidence"] or 0))
    return out


def noc_to_onet(data_dir: Path) -> dict[str, list[str]]:
    """NOC 2021 unit group (5 digits) → O*NET-SOC codes (Brookfield)."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(_require(data_dir / XW / "brookfield_noc2021_onet26.csv")):
        out[row["noc"].strip().zfill(5)].append(row["onet"].strip())
    return out


def _regulated_nocs(data_dir: Path) -> dict[str, str]:
    return {code[:5]: note for code, note in read_regulation(data_dir).items()}


def load_esco(data_dir: Path) -> OccupationSpace:
    """ESCO v1.1.1: essential (1.0) and optional (0.5) skills; zone from Nesta; outlook via O*NET → NOC → COPS."""
    occ = read_csv(_require(data_dir / ESCO / "occupations_en.csv"))
    skills = read_csv(_require(data_dir / ESCO / "skills_en.csv"))
    codes = [r["conceptUri"] for r in occ]
    occ_index = {c: i for i, c in enumerate(codes)}
    comp_ids = [r["conceptUri"] for r in skills]
    comp_index = {c: i for i, c in enumerate(comp_ids)}
    rows, cols, weights, kinds = [], [], [], []
    for rel in read_csv(_require(data_dir / ESCO / "occupationSkillRelations.csv")):
        i, j = occ_index.get(rel["occupationUri"]), comp_index.get(rel["skillUri"])
        if i is None or j is None:
            continue
        essential = rel["relationType"] == "essential"
        rows.append(i)
        cols.append(j)
        weights.append(1.0 if essential else OPTIONAL_WEIGHT)
        kinds.append(ESSENTIAL if essential else OPTIONAL)
    isco = [r["iscoGroup"].strip() for r in occ]
    zone = _esco_zones(data_dir, codes, isco)
    cops, onet_noc, regulated_noc = read_cops(data_dir), _onet_to_noc(data_dir), _regulated_nocs(data_dir)
    e2o = esco_to_onet(data_dir)
    by_isco: dict[str, list[str]] = defaultdict(list)
    for uri, (onet, _) in e2o.items():
        idx = occ_index.get(uri)
        if idx is not None:
            by_isco[isco[idx]].append(onet)
    outlooks: list[Outlook | None] = []
    regulated, notes = [], []
    for uri, group, row in zip(codes, isco, occ, strict=True):
        if uri in e2o:
            onets, via = [e2o[uri][0]], f"ESCO→O*NET {e2o[uri][0]} (Nesta)→NOC (bcgov)→"
        else:
            onets, via = by_isco.get(group, []), f"ESCO→ISCO {group}→O*NET (Nesta)→NOC (bcgov)→"
        weighted = [(noc, w / len(onets)) for o in onets for noc, w in onet_noc.get(o, [])]
        outlooks.append(outlook_from_cops(weighted, cops, via))
        top_noc = max(weighted, key=lambda nw: nw[1])[0] if weighted else None
        esco_reg = row["regulatedProfessionNote"].endswith("/regulated")
        note = regulated_noc.get(top_noc or "", "")
        regulated.append(esco_reg or bool(note))
        notes.append(note or ("Regulated profession in ESCO (EU)" if esco_reg else ""))
    sectors = _nesta_sectors(data_dir, codes)
    return build_space(
        taxonomy="esco",
        codes=codes,
        titles=[r["preferredLabel"] for r in occ],
        competency_ids=comp_ids,
        competency_labels=[r["preferredLabel"] for r in skills],
        rows=rows,
        cols=cols,
        weights=weights,
        kinds=kinds,
        job_zone=zone,
        outlooks=outlooks,
        regulated=regulated,
        licence_notes=notes,
        clb_required=[clb_for_zone(z, g) for z, g in zip(zone, regulated, strict=True)],
        level_scale=1.0,
        groups={
            "isco": np.array(isco),
            "nesta_subsector": sectors,
            "esco_code": np.array([r["code"].strip() for r in occ]),
        },
        sources=[
            "ESCO v1.1.1 (European Commission, CC BY 4.0)",
            "Nesta Mapping Career Causeways (MIT)",
            "bcgov O*NET→NOC 2021 (Apache-2.0)",
            "COPS 2024–2033 and OaSIS 2023 (ESDC, OGL–Canada)",
        ],
    )


def _esco_zones(data_dir: Path, codes: list[str], isco: list[str]) -> list[float]:
    """Job zone per ESCO occupation: Nesta's value, else the median of its ISCO unit group, then major group."""
    known = {
        r["concept_uri"]: float(r["job_zone"])
        for r in read_csv(_require(data_dir / XW / "nesta_mcc_transitions_Occupation_data.csv"))
        if r["job_zone"]
    }
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


def _nesta_sectors(data_dir: Path, codes: list[str]) -> np.ndarray:
    path = data_dir / XW / "nesta_mcc_skills_based_sectors_All_ESCO.csv"
    known = {r["concept_uri"]: r["sub_sector_code"] for r in read_csv(path)} if path.exists() else {}
    return np.array([known.get(c, "") for c in codes])


def load_noc(data_dir: Path) -> OccupationSpace:
    """NOC 2021 through OaSIS 2023 profiles: skills, knowledge and abilities rated 1–5; outlook from COPS."""
    codes, titles, ratings = read_oasis_ratings(data_dir)
    comp_ids = sorted({c for r in ratings.values() for c in r})
    comp_index = {c: i for i, c in enumerate(comp_ids)}
    rows, cols, weights, levels = [], [], [], []
    for i, code in enumerate(codes):
        for comp, value in ratings[code].items():
            rows.append(i)
            cols.append(comp_index[comp])
            weights.append(value / 5.0)
            levels.append(value)
    cops, regulated = read_cops(data_dir), read_regulation(data_dir)
    outlooks = [outlook_from_cops([(c[:5], 1.0)], cops, "NOC 2021→") for c in codes]
    zone = [TEER_ZONE.get(c[1], float("nan")) for c in codes]
    reg = [c in regulated for c in codes]
    return build_space(
        taxonomy="noc",
        codes=codes,
        titles=titles,
        competency_ids=comp_ids,
        competency_labels=[c.split(":", 2)[2] for c in comp_ids],
        rows=rows,
        cols=cols,
        weights=weights,
        levels=levels,
        kinds=[RATED] * len(rows),
        job_zone=zone,
        outlooks=outlooks,
        regulated=reg,
        licence_notes=[regulated.get(c, "") for c in codes],
        clb_required=[clb_for_zone(z, g) for z, g in zip(zone, reg, strict=True)],
        level_scale=5.0,
        groups={"noc_minor": np.array([c[:3] for c in codes])},
        sources=["OaSIS 2023 v1.0 and COPS 2024–2033 (ESDC, OGL–Canada)"],
    )


def _xlsx_rows(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    rows: list[list[object]] = [
        list(r) for r in CalamineWorkbook.from_path(str(_require(path))).get_sheet_by_index(0).to_python()
    ]
    return rows


def load_onet(data_dir: Path) -> OccupationSpace:
    """O*NET 29.2 skills and knowledge with importance ≥ 3 (weight) and level 0–7; outlook via bcgov → COPS."""
    occ = _xlsx_rows(data_dir / ONET / "Occupation Data.xlsx")[1:]
    codes, titles = [str(r[0]) for r in occ], [str(r[1]) for r in occ]
    idx = {c: i for i, c in enumerate(codes)}
    imp: dict[tuple[int, str], float] = {}
    lvl: dict[tuple[int, str], float] = {}
    names: dict[str, str] = {}
    for fname in ("Skills.xlsx", "Knowledge.xlsx"):
        for r in _xlsx_rows(data_dir / ONET / fname)[1:]:
            i = idx.get(str(r[0]))
            if i is None:
                continue
            element, scale, value = str(r[2]), str(r[4]), float(r[6])  # type: ignore[arg-type]
            names[element] = str(r[3])
            (imp if scale == "IM" else lvl)[(i, element)] = value
    comp_ids = sorted(names)
    comp_index = {c: j for j, c in enumerate(comp_ids)}
    keep = [(k, v) for k, v in imp.items() if v >= ONET_MIN_IMPORTANCE]
    zones = {str(r[0]): float(r[2]) for r in _xlsx_rows(data_dir / ONET / "Job Zones.xlsx")[1:]}  # type: ignore[arg-type]
    cops, onet_noc, regulated_noc = read_cops(data_dir), _onet_to_noc(data_dir), _regulated_nocs(data_dir)
    outlooks, reg, notes = [], [], []
    for code in codes:
        weighted = onet_noc.get(code, [])
        outlooks.append(outlook_from_cops(weighted, cops, "O*NET→NOC 2021 (bcgov)→"))
        top = max(weighted, key=lambda nw: nw[1])[0] if weighted else ""
        reg.append(top in regulated_noc)
        notes.append(regulated_noc.get(top, ""))
    zone = [zones.get(c, float("nan")) for c in codes]
    return build_space(
        taxonomy="onet",
        codes=codes,
        titles=titles,
        competency_ids=[f"onet:{c}" for c in comp_ids],
        competency_labels=[names[c] for c in comp_ids],
        rows=[k[0] for k, _ in keep],
        cols=[comp_index[k[1]] for k, _ in keep],
        weights=[(v - 1.0) / 4.0 for _, v in keep],
        levels=[lvl.get(k, 0.0) for k, _ in keep],
        kinds=[RATED] * len(keep),
        job_zone=zone,
        outlooks=outlooks,
        regulated=reg,
        licence_notes=notes,
        clb_required=[clb_for_zone(z, g) for z, g in zip(zone, reg, strict=True)],
        level_scale=7.0,
        groups={"soc_minor": np.array([c[:5] for c in codes])},
        sources=[
            "O*NET 29.2 (U.S. DOL, CC BY 4.0)",
            "bcgov O*NET→NOC 2021 (Apache-2.0)",
            "COPS 2024–2033 (ESDC, OGL–Canada)",
        ],
    )


LOADERS = {"esco": load_esco, "noc": load_noc, "onet": load_onet}
