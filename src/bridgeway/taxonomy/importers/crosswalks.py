"""Crosswalks between code systems, with weights and provenance.

- NOC 2021 → O*NET (Brookfield Institute / DAIS, `brookfield_noc2021_onet26.csv`), unweighted.
- O*NET → NOC 2021 (bcgov, `bcgov_onet_to_noc2021_mapping.csv`): weight = `path_weight` (sums to 1 per O*NET
  occupation); the other published weights are kept in the provenance.
- ESCO occupation → O*NET (Nesta, `nesta_esco_onet_crosswalk_Nov2020.csv`): one O*NET code per ESCO
  occupation, weight 1, Nesta's confidence and semantic similarity in the provenance.
- ESCO → NOC 2021, derived: Nesta's ESCO → O*NET step chained with bcgov's O*NET → NOC step; weight is the
  product of the step weights and the provenance lists both steps.
- NOC 2016 → NOC 2021 and NOC 2016 → SOC 2018 concordances (Statistics Canada, via bcgov).

NOC codes published without leading zeros ("10") are normalised ("00010").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bridgeway.taxonomy.domain import fingerprint, noc2016_code, noc_code
from bridgeway.taxonomy.errors import ReleaseFilesMissing
from bridgeway.taxonomy.importers._base import ImportContext, read_csv, sha256_file, text, to_float
from bridgeway.taxonomy.models import CodeLink

SOURCE = "crosswalks"
TITLE = "Crosswalks"
DOWNLOAD = (
    "https://github.com/bcgov/noc-onet-crosswalk, https://github.com/nestauk/mapping-career-causeways and "
    "https://github.com/BrookfieldIIE (crosswalk CSV files)"
)
BROOKFIELD = "brookfield_noc2021_onet26.csv"
BCGOV = "bcgov_onet_to_noc2021_mapping.csv"
NESTA = "nesta_esco_onet_crosswalk_Nov2020.csv"
NOC2016_GLOB = "bcgov_*_noc2016v1_3-noc2021v1_0-eng.csv"
SOC_GLOB = "bcgov_*_noc2016v1_3-soc2018us-eng.csv"
NAMES = (BROOKFIELD, BCGOV, NESTA)


def release_files(folder: Path) -> list[Path]:
    """Return the crosswalk files present (at least one of the three main ones is required)."""
    if not folder.is_dir():
        raise ReleaseFilesMissing(f"{folder} is not a folder")
    files = [folder / name for name in NAMES if (folder / name).is_file()]
    if not files:
        raise ReleaseFilesMissing(
            f"{folder} holds none of {', '.join(NAMES)}", detail={"missing": list(NAMES)}
        )
    return files + sorted(folder.glob(NOC2016_GLOB))[:1] + sorted(folder.glob(SOC_GLOB))[:1]


def default_version(folder: Path) -> str:
    """Crosswalk files have no common version: name the set by the fingerprint of its files."""
    return "set-" + fingerprint({f.name: sha256_file(f) for f in release_files(folder)})[:12]


def _link(
    dataset: str, a: tuple[str, str], b: tuple[str, str], weight: float | None, **details: Any
) -> dict[str, Any]:
    step = {"dataset": dataset, "from": f"{a[0]}:{a[1]}", "to": f"{b[0]}:{b[1]}", "weight": weight, **details}
    return {
        "dataset": dataset,
        "from_source": a[0],
        "from_code": a[1],
        "to_source": b[0],
        "to_code": b[1],
        "weight": weight,
        "provenance": [step],
    }


def _brookfield(ctx: ImportContext, path: Path) -> Iterator[dict[str, Any]]:
    for _line, row in read_csv(path, ("noc", "onet"), ctx.progress):
        noc, onet = noc_code(row["noc"]), text(row["onet"])
        if onet:
            yield _link("brookfield_noc2021_onet26", ("noc", noc), ("onet", onet), None)


def _bcgov(
    ctx: ImportContext, path: Path, onet_to_noc: dict[str, list[tuple[str, float, dict[str, Any]]]]
) -> Iterator[dict[str, Any]]:
    weights = ("equal_weight", "path_weight", "base_weight", "down_weight")
    for line, row in read_csv(path, ("onet_soc_code", "noc_2021", *weights), ctx.progress):
        onet, noc = row["onet_soc_code"].strip(), noc_code(row["noc_2021"])
        published = {w: to_float(row[w], path, line, w) for w in weights}
        weight = published["path_weight"]
        link = _link("bcgov_onet_noc2021", ("onet", onet), ("noc", noc), weight, weights=published)
        onet_to_noc.setdefault(onet, []).append((noc, weight or 0.0, link["provenance"][0]))
        yield link


def _nesta(
    ctx: ImportContext, path: Path, esco_to_onet: list[tuple[str, str, dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    for line, row in read_csv(
        path, ("concept_uri", "onet_code", "confidence", "semantic_similarity"), ctx.progress
    ):
        esco, onet = row["concept_uri"].strip(), text(row["onet_code"])
        if not onet:
            continue
        link = _link(
            "nesta_esco_onet",
            ("esco", esco),
            ("onet", onet),
            1.0,
            confidence=to_float(row["confidence"], path, line, "confidence"),
            semantic_similarity=to_float(row["semantic_similarity"], path, line, "semantic_similarity"),
        )
        esco_to_onet.append((esco, onet, link["provenance"][0]))
        yield link


def _chain(
    esco_to_onet: list[tuple[str, str, dict[str, Any]]],
    onet_to_noc: dict[str, list[tuple[str, float, dict[str, Any]]]],
) -> Iterator[dict[str, Any]]:
    for esco, onet, first in esco_to_onet:
        for noc, weight, second in onet_to_noc.get(onet, []):
            yield {
                "dataset": "chain_esco_onet_noc2021",
                "from_source": "esco",
                "from_code": esco,
                "to_source": "noc",
                "to_code": noc,
                "weight": (first["weight"] or 1.0) * weight,
                "provenance": [first, second],
            }


def _concordance(ctx: ImportContext, path: Path, to_source: str) -> Iterator[dict[str, Any]]:
    if to_source == "noc":
        columns, dataset = ("NOC 2016 V1.3 Code", "NOC 2021 V1.0 Code"), "statcan_noc2016_noc2021"
        encoding = "utf-8-sig"
    else:
        columns, dataset = ("NOC 2016 Version 1.3 Code", "SOC 2018 (US) Code"), "statcan_noc2016_soc2018"
        encoding = "cp1252"  # this bcgov export is Windows-1252, not UTF-8
    for _line, row in read_csv(path, columns, ctx.progress, encoding=encoding):
        source_code, target = text(row[columns[0]]), text(row[columns[1]])
        if not source_code or not target:
            continue
        target = noc_code(target) if to_source == "noc" else target
        change = text(row.get("GSIM Type of Change") or row.get("Partial"))
        yield _link(
            dataset,
            ("noc2016", noc2016_code(source_code)),
            (to_source, target),
            None,
            **({"change": change} if change else {}),
        )


def run(ctx: ImportContext, folder: Path) -> None:
    """Import the crosswalk files found in `folder` and derive the ESCO → NOC chain."""
    onet_to_noc: dict[str, list[tuple[str, float, dict[str, Any]]]] = {}
    esco_to_onet: list[tuple[str, str, dict[str, Any]]] = []
    if (folder / BROOKFIELD).is_file():
        ctx.insert(CodeLink, _brookfield(ctx, folder / BROOKFIELD), count_as=BROOKFIELD)
    if (folder / BCGOV).is_file():
        ctx.insert(CodeLink, _bcgov(ctx, folder / BCGOV, onet_to_noc), count_as=BCGOV)
    if (folder / NESTA).is_file():
        ctx.insert(CodeLink, _nesta(ctx, folder / NESTA, esco_to_onet), count_as=NESTA)
    if esco_to_onet and onet_to_noc:
        ctx.insert(CodeLink, _chain(esco_to_onet, onet_to_noc), count_as="chain_esco_onet_noc2021")
    for path in sorted(folder.glob(NOC2016_GLOB))[:1]:
        ctx.insert(CodeLink, _concordance(ctx, path, "noc"), count_as=path.name)
    for path in sorted(folder.glob(SOC_GLOB))[:1]:
        ctx.insert(CodeLink, _concordance(ctx, path, "soc2018"), count_as=path.name)
