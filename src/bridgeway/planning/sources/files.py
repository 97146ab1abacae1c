"""Build occupation spaces from the official files (ESCO, OaSIS/NOC, O*NET), with COPS outlooks through crosswalks."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bridgeway.planning.engine.space import OccupationSpace
from bridgeway.planning.errors import DataUnavailable
from bridgeway.planning.sources.assemble import (
    ESCO_SOURCES,
    NOC_SOURCES,
    ONET_SOURCES,
    Canada,
    clb_for_zone,
    esco_space,
    noc_space,
    onet_space,
)
from bridgeway.planning.sources.canada import (
    read_cops,
    read_csv,
    read_oasis_labels,
    read_oasis_ratings,
    read_regulation,
)

__all__ = ["LOADERS", "clb_for_zone", "esco_to_onet", "load_esco", "load_noc", "load_onet", "noc_to_onet"]

ESCO = "esco-1.1.1"
ONET = "onet-29.2"
XW = "crosswalks"
NESTA_OCCUPATIONS = "nesta_mcc_transitions_Occupation_data.csv"
NESTA_SECTORS = "nesta_mcc_skills_based_sectors_All_ESCO.csv"


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


def nesta_job_zones(data_dir: Path) -> dict[str, float] | None:
    """ESCO occupation URI → Nesta's job zone (Mapping Career Causeways), or None when the file is absent."""
    path = data_dir / XW / NESTA_OCCUPATIONS
    if not path.exists():
        return None
    return {r["concept_uri"]: float(r["job_zone"]) for r in read_csv(path) if r["job_zone"]}


def nesta_sectors(data_dir: Path) -> dict[str, str]:
    """ESCO occupation URI → Nesta's skills-based sub-sector code (empty when the file is absent)."""
    path = data_dir / XW / NESTA_SECTORS
    return {r["concept_uri"]: r["sub_sector_code"] for r in read_csv(path)} if path.exists() else {}


def canada_from_files(data_dir: Path) -> Canada:
    """COPS records, bcgov O*NET→NOC weights and OaSIS licence notes, from the official files."""
    return Canada(
        cops=read_cops(data_dir), onet_to_noc=_onet_to_noc(data_dir), regulation=read_regulation(data_dir)
    )


def load_esco(data_dir: Path) -> OccupationSpace:
    """ESCO v1.1.1: essential (1.0) and optional (0.5) skills; zone from Nesta; outlook via O*NET → NOC → COPS."""
    occ = read_csv(_require(data_dir / ESCO / "occupations_en.csv"))
    skills = read_csv(_require(data_dir / ESCO / "skills_en.csv"))
    zones = nesta_job_zones(data_dir)
    if zones is None:
        raise DataUnavailable(f"official data file not found: {data_dir / XW / NESTA_OCCUPATIONS}")
    return esco_space(
        codes=[r["conceptUri"] for r in occ],
        titles=[r["preferredLabel"].strip() for r in occ],
        isco=[r["iscoGroup"].strip() for r in occ],
        esco_codes=[r["code"].strip() for r in occ],
        esco_regulated=[r["regulatedProfessionNote"].endswith("/regulated") for r in occ],
        competency_ids=[r["conceptUri"] for r in skills],
        competency_labels=[r["preferredLabel"].strip() for r in skills],
        relations=(
            (rel["occupationUri"], rel["skillUri"], rel["relationType"] == "essential")
            for rel in read_csv(_require(data_dir / ESCO / "occupationSkillRelations.csv"))
        ),
        known_zones=zones,
        sectors=nesta_sectors(data_dir),
        esco_to_onet={uri: onet for uri, (onet, _) in esco_to_onet(data_dir).items()},
        canada=canada_from_files(data_dir),
        sources=ESCO_SOURCES,
    )


def load_noc(data_dir: Path) -> OccupationSpace:
    """NOC 2021 through OaSIS 2023 profiles: skills, knowledge and abilities rated 1–5; outlook from COPS."""
    rated, rated_titles, ratings = read_oasis_ratings(data_dir)
    labels = read_oasis_labels(data_dir)
    fallback = dict(zip(rated, rated_titles, strict=True))
    codes = sorted(set(labels) | set(rated))
    return noc_space(
        codes=codes,
        titles=[labels.get(c) or fallback[c] for c in codes],
        ratings=ratings,
        canada=Canada(cops=read_cops(data_dir), onet_to_noc={}, regulation=read_regulation(data_dir)),
        sources=NOC_SOURCES,
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
    codes = [str(r[0]) for r in occ]
    known = set(codes)
    cells: dict[tuple[str, str], list[float | None]] = {}
    names: dict[str, str] = {}
    for fname in ("Skills.xlsx", "Knowledge.xlsx"):
        for r in _xlsx_rows(data_dir / ONET / fname)[1:]:
            code = str(r[0])
            if code not in known:
                continue
            element, scale, value = str(r[2]), str(r[4]), float(r[6])  # type: ignore[arg-type]
            names[element] = str(r[3])
            cell = cells.setdefault((code, element), [None, None])
            cell[0 if scale == "IM" else 1] = value
    zones = {str(r[0]): float(r[2]) for r in _xlsx_rows(data_dir / ONET / "Job Zones.xlsx")[1:]}  # type: ignore[arg-type]
    return onet_space(
        codes=codes,
        titles=[str(r[1]) for r in occ],
        element_names=names,
        ratings=((code, element, imp, lvl) for (code, element), (imp, lvl) in cells.items()),
        zones=zones,
        canada=canada_from_files(data_dir),
        sources=ONET_SOURCES,
    )


LOADERS = {"esco": load_esco, "noc": load_noc, "onet": load_onet}
