"""Pure taxonomy rules: fingerprints, code normalisation, rating scales and the sources' attribution."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass


def fingerprint(checksums: Mapping[str, str]) -> str:
    """Return one SHA-256 over the sorted (file name, checksum) pairs of a release."""
    digest = hashlib.sha256()
    for name in sorted(checksums):
        digest.update(f"{name}\0{checksums[name]}\n".encode())
    return digest.hexdigest()


def noc_code(raw: str) -> str:
    """Normalise a NOC 2021 unit-group code written without its leading zeros ('10' -> '00010')."""
    code = raw.strip()
    return code.zfill(5) if code.isdigit() and len(code) < 5 else code


def oasis_code(raw: str) -> str:
    """Normalise an OaSIS profile code that a spreadsheet shortened ('10010' or '10010.1' -> '10010.00'/'10010.10')."""
    code = raw.strip()
    unit, _, profile = code.partition(".")
    if not unit.isdigit() or (profile and not profile.isdigit()):
        return code
    return f"{unit.zfill(5)}.{profile.ljust(2, '0') if profile else '00'}"


def noc2016_code(raw: str) -> str:
    """Normalise a NOC 2016 unit-group code ('11' -> '0011')."""
    code = raw.strip()
    return code.zfill(4) if code.isdigit() and len(code) < 4 else code


def condition_key(published: str | None) -> str | None:
    """Reduce a COPS labour-market condition ('Moderate risk of Shortage') to balance | shortage | surplus."""
    if not published:
        return None
    lowered = published.lower()
    for key in ("shortage", "surplus", "balance"):
        if key in lowered:
            return key
    return None


# Rating scales: (minimum, maximum) of the value that requirement_matrix scales to 0..1.
SCALES: dict[str, tuple[float, float]] = {
    "oasis_1_5": (0.0, 5.0),  # OaSIS ratings 1-5 (0 means not relevant and is not stored)
    "onet_im_lv": (0.0, 7.0),  # O*NET level 0-7 (importance 1-5 kept beside it)
    "bcgov_askw": (0.0, 10.0),  # bcgov combined score sqrt(rescaled importance x level), 0-10
}


def requirement_weight(
    relation: str, importance: float | None, level: float | None, scale: str | None, *, optional_weight: float
) -> float:
    """Weight of one requirement in the planning matrix: essential 1, optional as asked, ratings scaled to 0..1."""
    if relation == "essential":
        return 1.0
    if relation == "optional":
        return optional_weight
    value = level if level is not None else importance
    if value is None:
        return 0.0
    low, high = SCALES.get(scale or "", (0.0, 5.0))
    return max(0.0, min(1.0, (value - low) / (high - low)))


@dataclass(frozen=True)
class DataSource:
    """One official source: what it is, which release Bridgeway reads and how to credit it."""

    source: str
    name: str
    release: str
    licence: str
    attribution: str
    url: str
    folder: str


# From the data README (../shared/data/README.md): name, release, licence and attribution of every source.
DATA_SOURCES: tuple[DataSource, ...] = (
    DataSource(
        "esco",
        "ESCO classification (English)",
        "ESCO v1.1.1",
        "European Commission reuse policy (CC BY 4.0 terms)",
        "European Commission, ESCO (European Skills, Competences, Qualifications and Occupations).",
        "https://esco.ec.europa.eu/en/use-esco/download",
        "esco-1.1.1",
    ),
    DataSource(
        "noc",
        "National Occupational Classification",
        "NOC 2021 v1.0",
        "Open Government Licence – Canada",
        "Statistics Canada and Employment and Social Development Canada, NOC 2021 Version 1.0.",
        "https://noc.esdc.gc.ca/",
        "canada/noc-2021-structure",
    ),
    DataSource(
        "oasis",
        "Occupational and Skills Information System (OaSIS)",
        "OaSIS 2023 v1.0",
        "Open Government Licence – Canada",
        "Employment and Social Development Canada, OaSIS 2023 v1.0.",
        "https://open.canada.ca/data/en/dataset/eeb3e442-9f19-4d12-8b38-c488fe4f6e5e",
        "canada/oasis-2023-v1.0",
    ),
    DataSource(
        "cops",
        "Canadian Occupational Projection System (COPS)",
        "COPS 2024–2033",
        "Open Government Licence – Canada",
        "Employment and Social Development Canada, Canadian Occupational Projection System 2024–2033.",
        "https://open.canada.ca/data/en/dataset/e80851b8-de68-43bd-a85c-c72e1b3a3890",
        "canada/cops-2024-2033",
    ),
    DataSource(
        "onet",
        "O*NET database",
        "O*NET 29.2 (February 2025)",
        "CC BY 4.0",
        "O*NET 29.2 Database by the U.S. Department of Labor, Employment and Training Administration "
        "(USDOL/ETA), used under the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. "
        "Combined ability, knowledge, skill and work-activity scores from the B.C. government (Apache-2.0).",
        "https://www.onetcenter.org/database.html",
        "onet-29.2",
    ),
    DataSource(
        "crosswalks",
        "Occupation crosswalks",
        "as published by each author",
        "MIT (Brookfield Institute/DAIS, Nesta); Apache-2.0 (bcgov); Open Government Licence – Canada "
        "(Statistics Canada)",
        "NOC 2021 → O*NET: Brookfield Institute for Innovation + Entrepreneurship / DAIS (MIT). "
        "O*NET → NOC 2021 weights and NOC 2016 → 2021 / SOC 2018 concordances: Government of British "
        "Columbia (Apache-2.0), from Statistics Canada (OGL–Canada). ESCO → O*NET: Nesta, Mapping Career "
        "Causeways (MIT).",
        "https://github.com/bcgov/noc-onet-crosswalk",
        "crosswalks",
    ),
)
