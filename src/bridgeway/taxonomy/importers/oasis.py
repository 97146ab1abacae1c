"""OaSIS 2023 v1.0 (Occupational and Skills Information System, ESDC): profiles, ratings, duties, titles.

Files are found by their published prefixes (`labels_…`, `skills_…`, `main-duties_…`). Descriptor ratings are
1–5; 0 means "not relevant" and is not stored as a requirement. Header names carry stray spaces, and work
context repeats a descriptor for its second scale with a digit appended ("Time Pressure2"): that column becomes
its own descriptor, "Time Pressure (scale 2)".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bridgeway.taxonomy.domain import oasis_code
from bridgeway.taxonomy.errors import ReleaseFilesMissing
from bridgeway.taxonomy.importers._base import (
    ImportContext,
    fast_id,
    read_csv,
    refuse_duplicate,
    text,
    to_float,
    version_from_folder,
)
from bridgeway.taxonomy.models import (
    Competency,
    Occupation,
    OccupationDuty,
    OccupationRequirement,
    OccupationTitle,
)

SOURCE = "oasis"
TITLE = "OaSIS 2023"
DOWNLOAD = "https://open.canada.ca/data/en/dataset/eeb3e442-9f19-4d12-8b38-c488fe4f6e5e (OaSIS 2023 v1.0, CSV, English)"
PROFILE = "OaSIS profile code"
RATING_CODE = "OaSIS Code - Final"
# file prefix -> (competency kind, category in the OaSIS guide)
RATINGS = {
    "skills": ("skill", "Skills"),
    "abilities": ("ability", "Abilities"),
    "knowledges": ("knowledge", "Knowledge"),
    "workactivities": ("work_activity", "Work Activities"),
    "workcontext": ("work_context", "Work Context"),
    "personal-attributes": ("personal_attribute", "Personal Attributes"),
}
OTHER = (
    "labels",
    "lead-statement",
    "main-duties",
    "example-titles",
    "employment-requirements",
    "additional-information",
    "workplaces-employers",
    "interests",
    "guide",
)
_TRAILING_DIGITS = re.compile(r"^(.*?)\s*(\d+)$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _find(folder: Path, prefix: str) -> Path | None:
    matches = sorted(folder.glob(f"{prefix}_*.csv"))
    return matches[0] if matches else None


def release_files(folder: Path) -> list[Path]:
    """Return the files this importer reads (the labels file is required)."""
    if not folder.is_dir():
        raise ReleaseFilesMissing(f"{folder} is not a folder")
    if _find(folder, "labels") is None:
        raise ReleaseFilesMissing(
            f"{folder} lacks labels_oasis_<version>.csv", detail={"missing": ["labels"]}
        )
    return [p for prefix in (*OTHER, *RATINGS) if (p := _find(folder, prefix)) is not None]


def default_version(folder: Path) -> str:
    """OaSIS folders are named like 'oasis-2023-v1.0'."""
    return version_from_folder(folder, "unknown")


def _key(name: str) -> str:
    return _NOT_WORD.sub(" ", name.casefold()).strip()


def _guide(ctx: ImportContext, folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    path = _find(folder, "guide")
    found: dict[tuple[str, str], dict[str, str]] = {}
    if path is None:
        return found
    for _line, row in read_csv(path, ("Code", "Name", "Structure type", "Category"), ctx.progress):
        if row["Structure type"].strip() == "Descriptor":
            found[(row["Category"].strip(), _key(row["Name"]))] = row
    return found


def _profiles(ctx: ImportContext, folder: Path) -> dict[str, dict[str, Any]]:
    profiles: dict[str, dict[str, Any]] = {}
    labels = _find(folder, "labels")
    assert labels is not None  # release_files checked it
    for line, row in read_csv(labels, (PROFILE, "Label"), ctx.progress):
        code = oasis_code(row[PROFILE])
        refuse_duplicate(profiles, code, labels, line)
        profiles[code] = {
            "id": fast_id(),
            "source": SOURCE,
            "code": code,
            "uri": None,
            "level": "profile",
            "label": row["Label"].strip(),
            "label_fr": None,
            "description": None,
            "parent_code": code.split(".")[0],
            "isco_group": None,
            "noc_code": code.split(".")[0],
            "teer": code[1] if len(code) >= 2 else None,
            "job_zone": None,
            "education": {},
            "employment_requirements": [],
            "extra": {},
        }
    return profiles


def _annotate(ctx: ImportContext, folder: Path, profiles: dict[str, dict[str, Any]]) -> None:
    """Lead statements, employment requirements and the smaller per-profile lists."""
    simple = {
        "lead-statement": ("Lead statement", None),
        "employment-requirements": ("Employment requirement", "employment_requirements"),
        "additional-information": ("Additional information (EN)", "additional_information"),
        "workplaces-employers": ("Workplace/employer name", "workplaces"),
    }
    for prefix, (column, target) in simple.items():
        path = _find(folder, prefix)
        if path is None:
            continue
        for line, row in read_csv(path, (PROFILE, column), ctx.progress):
            profile = profiles.get(oasis_code(row[PROFILE]))
            value = text(row[column])
            if profile is None:
                ctx.record_dangling(path, line, "occupation", oasis_code(row[PROFILE]), row)
            elif value is None:
                continue
            elif target is None:
                profile["description"] = value
            elif target == "employment_requirements":
                profile["employment_requirements"].append(value)
            else:
                profile["extra"].setdefault(target, []).append(value)
    interests = _find(folder, "interests")
    if interests is not None:
        for line, row in read_csv(interests, ("OaSIS Code",), ctx.progress):
            profile = profiles.get(oasis_code(row["OaSIS Code"]))
            codes = [v.strip() for k, v in row.items() if k.startswith("Holland Codes") and v.strip()]
            if profile is None:
                ctx.record_dangling(interests, line, "occupation", oasis_code(row["OaSIS Code"]), row)
            elif codes:
                profile["extra"]["holland_codes"] = codes


def _ratings(ctx: ImportContext, folder: Path, profiles: dict[str, dict[str, Any]]) -> None:
    guide = _guide(ctx, folder)
    competencies: list[dict[str, Any]] = []
    requirements: list[dict[str, Any]] = []
    for prefix, (kind, category) in RATINGS.items():
        path = _find(folder, prefix)
        if path is None:
            continue
        columns: dict[str, str] = {}  # header -> competency id
        for line, row in read_csv(path, (RATING_CODE,), ctx.progress):
            if not columns:
                columns = _descriptors(row, kind, category, guide, competencies)
            profile = profiles.get(oasis_code(row[RATING_CODE]))
            if profile is None:
                ctx.record_dangling(
                    path, line, "occupation", oasis_code(row[RATING_CODE]), {RATING_CODE: row[RATING_CODE]}
                )
                continue
            for header, competency_id in columns.items():
                rating = to_float(row[header], path, line, header)
                if rating:
                    requirements.append(
                        {
                            "occupation_id": profile["id"],
                            "competency_id": competency_id,
                            "relation": "rated",
                            "importance": None,
                            "level": rating,
                            "scale": "oasis_1_5",
                        }
                    )
    ctx.insert(Competency, competencies, count_as="descriptors")
    ctx.insert(OccupationRequirement, requirements, count_as="ratings")


def _descriptors(
    row: dict[str, str],
    kind: str,
    category: str,
    guide: dict[tuple[str, str], dict[str, str]],
    competencies: list[dict[str, Any]],
) -> dict[str, str]:
    """Create one competency per rating column of a file; return header -> competency id."""
    columns: dict[str, str] = {}
    seen: set[str] = set()
    for header in row:
        if header.startswith("OaSIS"):
            continue
        name, scale = header, 1
        match = _TRAILING_DIGITS.match(header)
        if match and _key(match.group(1)) in seen:
            name, scale = match.group(1).strip(), 2
        seen.add(_key(name))
        entry = guide.get((category, _key(name)))
        base = entry["Code"].strip() if entry else f"{kind}:{_key(name).replace(' ', '-')}"
        code = base if scale == 1 else f"{base}#2"
        label = name if scale == 1 else f"{name} (scale 2)"
        competency_id = fast_id()
        columns[header] = competency_id
        competencies.append(
            {
                "id": competency_id,
                "source": SOURCE,
                "code": code,
                "uri": None,
                "kind": kind,
                "category": category,
                "preferred_label": label,
                "preferred_label_fr": None,
                "alt_labels": [],
                "description": text(entry.get("Description")) if entry else None,
                "skill_type": None,
                "reuse_level": None,
                "collections": [],
                "extra": {"column": header},
            }
        )
    return columns


def _duties_and_titles(ctx: ImportContext, folder: Path, profiles: dict[str, dict[str, Any]]) -> None:
    duties = _find(folder, "main-duties")
    if duties is not None:
        positions: dict[str, int] = {}

        def duty_rows() -> Any:
            for line, row in read_csv(duties, (PROFILE, "Main duties"), ctx.progress):
                code = oasis_code(row[PROFILE])
                if code not in profiles:
                    ctx.record_dangling(duties, line, "occupation", code, row)
                    continue
                positions[code] = positions.get(code, 0) + 1
                yield {
                    "occupation_id": profiles[code]["id"],
                    "position": positions[code],
                    "text": row["Main duties"].strip(),
                    "kind": "main_duty",
                }

        ctx.insert(OccupationDuty, duty_rows(), count_as="main_duties")
    titles = _find(folder, "example-titles")
    if titles is not None:

        def title_rows() -> Any:
            for line, row in read_csv(titles, (PROFILE, "Job title type", "Job title text"), ctx.progress):
                code = oasis_code(row[PROFILE])
                if code not in profiles:
                    ctx.record_dangling(titles, line, "occupation", code, row)
                    continue
                yield {
                    "occupation_id": profiles[code]["id"],
                    "title": row["Job title text"].strip()[:500],
                    "kind": (text(row["Job title type"]) or "example").lower()[:16],
                    "language": "en",
                }

        ctx.insert(OccupationTitle, title_rows(), count_as="example_titles")


def run(ctx: ImportContext, folder: Path) -> None:
    """Import one OaSIS release folder into the release of `ctx`."""
    profiles = _profiles(ctx, folder)
    _annotate(ctx, folder, profiles)
    ctx.insert(Occupation, list(profiles.values()), count_as="profiles")
    _ratings(ctx, folder, profiles)
    _duties_and_titles(ctx, folder, profiles)
    ctx.flush_dangling()
