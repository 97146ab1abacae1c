"""Where competency records come from: the taxonomy service (database) or an official release folder (files).

Both give the same plain `CompetencyRecord`s, so the engine does not care which one fed it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bridgeway.plar.inference.records import CompetencyRecord

__all__ = [
    "oasis_top_rated",
    "read_esco_skills",
    "read_oasis_descriptors",
    "records_from_competencies",
    "release_name",
]

_OASIS_FILES = {"skill": "skills", "ability": "abilities", "knowledge": "knowledges"}


def release_name(folder: Path) -> str:
    """The release a folder holds, from its name ("esco-1.1.1")."""
    return Path(folder).resolve().name


def read_esco_skills(esco_dir: Path, *, include_knowledge: bool = True) -> list[CompetencyRecord]:
    """Read released ESCO skills (and knowledge) from `skills_en.csv` of an ESCO release folder."""
    path = Path(esco_dir) / "skills_en.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no skills_en.csv in {esco_dir}")
    records = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("status", "released") != "released":
                continue
            skill_type = (row.get("skillType") or "").strip()
            if skill_type == "knowledge" and not include_knowledge:
                continue
            label = row["preferredLabel"].strip()
            alts = tuple(
                dict.fromkeys(a.strip() for a in (row.get("altLabels") or "").split("\n") if a.strip())
            )
            records.append(
                CompetencyRecord(
                    uri=row["conceptUri"].strip(),
                    label=label,
                    alt_labels=tuple(a for a in alts if a != label),
                    description=(row.get("description") or "").strip(),
                    source="esco",
                    kind="knowledge" if skill_type == "knowledge" else "skill",
                )
            )
    return records


def read_oasis_descriptors(oasis_dir: Path) -> list[CompetencyRecord]:
    """OaSIS skills, abilities and knowledge descriptors (the rated columns), with the guide's definitions."""
    folder = Path(oasis_dir)
    definitions = _oasis_definitions(folder)
    records = []
    for kind, stem in _OASIS_FILES.items():
        path = next(iter(sorted(folder.glob(f"{stem}_oasis_*.csv"))), None)
        if path is None:
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        for name in (h.strip() for h in header[2:]):
            if not name:
                continue
            records.append(
                CompetencyRecord(
                    uri=f"oasis:{stem}:{_slug(name)}",
                    label=name,
                    description=definitions.get(name.casefold(), ""),
                    source="oasis",
                    kind=kind,
                )
            )
    return records


# the top of each OaSIS rating scale: skills and abilities are rated 0–5, knowledge 0–3
_OASIS_TOP = {"skills": 4.0, "abilities": 4.0, "knowledges": 3.0}


def oasis_top_rated(oasis_dir: Path) -> dict[str, frozenset[str]]:
    """OaSIS profile code → descriptor URIs rated at the top of their scale (skills/abilities ≥ 4, knowledge 3)."""
    folder = Path(oasis_dir)
    out: dict[str, set[str]] = {}
    for stem, threshold in _OASIS_TOP.items():
        path = next(iter(sorted(folder.glob(f"{stem}_oasis_*.csv"))), None)
        if path is None:
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = csv.reader(fh)
            uris = [f"oasis:{stem}:{_slug(h.strip())}" if h.strip() else "" for h in next(rows)[2:]]
            for row in rows:
                top = out.setdefault(row[0].strip(), set())
                for uri, value in zip(uris, row[2:], strict=False):
                    if uri and _rating(value) >= threshold:
                        top.add(uri)
    return {code: frozenset(uris) for code, uris in out.items() if uris}


def _rating(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _oasis_definitions(folder: Path) -> dict[str, str]:
    """Descriptor definitions from the OaSIS guide (rows of structure type "Descriptor"), by lower-cased name."""
    path = next(iter(sorted(folder.glob("guide_oasis_*.csv"))), None)
    if path is None:
        return {}
    out: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if (row.get("Structure type") or "").strip() != "Descriptor":
                continue
            name = (row.get("Name") or "").strip()
            text = " ".join((row.get("Description") or "").split())
            text = re.sub(r"\s*This descriptor is measured by.*$", "", text)
            if name and text:
                out.setdefault(name.casefold(), text)
    return out


def records_from_competencies(rows: Iterable[Any]) -> Iterator[CompetencyRecord]:
    """Map taxonomy `Competency` rows (or anything with the same attributes) to records."""
    for row in rows:
        yield CompetencyRecord(
            uri=row.uri or row.code,
            label=row.preferred_label,
            alt_labels=tuple(row.alt_labels or ()),
            description=row.description or "",
            source=row.source,
            kind=row.kind,
            label_fr=getattr(row, "preferred_label_fr", None),
        )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
