"""National Occupational Classification (NOC) 2021 v1.0: the structure CSV and the unit-groups JSON.

`noc_structure_en.csv` gives all 822 groups (broad categories down to the 516 unit groups) with definitions;
`noc2021_unit_groups_sagunji.json`, when present, adds TEER titles and the Statistics Canada link of each
unit group.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bridgeway.taxonomy.errors import MalformedFile
from bridgeway.taxonomy.importers._base import (
    ImportContext,
    fast_id,
    read_csv,
    refuse_duplicate,
    require_files,
    text,
)
from bridgeway.taxonomy.models import Occupation

SOURCE = "noc"
TITLE = "NOC 2021"
STRUCTURE = "noc_structure_en.csv"
UNIT_GROUPS = "noc2021_unit_groups_sagunji.json"
DOWNLOAD = "https://www.statcan.gc.ca/en/subjects/standard/noc/2021/indexV1 (NOC 2021 V1.0 classification structure, CSV)"
LEVELS = {
    "Broad Category": "broad_category",
    "Major Group": "major_group",
    "Sub-major Group": "sub_major_group",
    "Minor Group": "minor_group",
    "Unit Group": "unit_group",
}
CODE = "Code - NOC 2021 V1.0"


def release_files(folder: Path) -> list[Path]:
    """Return the files this importer reads (the structure CSV is required)."""
    files = require_files(folder, (STRUCTURE,))
    return files + ([folder / UNIT_GROUPS] if (folder / UNIT_GROUPS).is_file() else [])


def default_version(folder: Path) -> str:
    """The shared data holds NOC 2021 Version 1.0."""
    return "2021-v1.0"


def _unit_group_details(ctx: ImportContext, path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise MalformedFile(path, exc.lineno, f"invalid JSON ({exc.msg}); is the file truncated?") from exc
    entries = document.get("nocs") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise MalformedFile(path, 1, "expected an object with a 'nocs' list")
    ctx.progress(path.name, path.stat().st_size)
    details = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("noc_code"):
            teer = entry.get("teer") or {}
            details[str(entry["noc_code"])] = {
                "link": entry.get("link"),
                "teer_title": teer.get("title") if isinstance(teer, dict) else None,
                "lead_statement": entry.get("description"),
            }
    return details


def run(ctx: ImportContext, folder: Path) -> None:
    """Import the NOC 2021 structure (every level) into the release of `ctx`."""
    details = _unit_group_details(ctx, folder / UNIT_GROUPS)
    path = folder / STRUCTURE

    seen: set[str] = set()

    def rows() -> Any:
        for line, row in read_csv(path, ("Hierarchical structure", CODE, "Class title"), ctx.progress):
            structure = row["Hierarchical structure"].strip()
            level = LEVELS.get(structure)
            if level is None:
                raise MalformedFile(path, line, f"unknown level '{structure}'")
            code = row[CODE].strip()
            refuse_duplicate(seen, code, path, line)
            seen.add(code)
            unit = level == "unit_group"
            extra = {k: v for k, v in details.get(code, {}).items() if v} if unit else {}
            yield {
                "id": fast_id(),
                "source": SOURCE,
                "code": code,
                "uri": extra.get("link"),
                "level": level,
                "label": row["Class title"].strip(),
                "label_fr": None,
                "description": text(row.get("Class definition")),
                "parent_code": code[:-1] if len(code) > 1 else None,
                "isco_group": None,
                "noc_code": code if unit else None,
                "teer": code[1] if unit and len(code) == 5 else None,
                "job_zone": None,
                "education": {},
                "employment_requirements": [],
                "extra": extra,
            }

    ctx.insert(Occupation, rows(), count_as="groups")
    ctx.counts["unit_groups_with_details"] = len(details)
