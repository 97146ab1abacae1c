"""O*NET 29.2 database (Excel files): occupations, skills, knowledge, job zones, education, tasks, titles.

Skills and Knowledge give two rows per occupation and element (IM importance 1–5, LV level 0–7); they become one
rated requirement. O*NET's own Abilities and Work Activities ratings are not in the shared data; the B.C.
government's combined scores (`bcgov_onet_data_…_ASKW_scores.csv`, 0–10), when present, supply those two
families, matched to the Content Model by name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bridgeway.taxonomy.importers._base import (
    ImportContext,
    fast_id,
    read_csv,
    read_xlsx,
    refuse_duplicate,
    require_files,
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

SOURCE = "onet"
TITLE = "O*NET 29.2"
DOWNLOAD = "https://www.onetcenter.org/database.html#all-files (O*NET 29.2, Excel)"
CODE = "O*NET-SOC Code"
OCCUPATIONS = "Occupation Data.xlsx"
OPTIONAL = (
    "Content Model Reference.xlsx",
    "Skills.xlsx",
    "Knowledge.xlsx",
    "Job Zones.xlsx",
    "Education, Training, and Experience.xlsx",
    "Education, Training, and Experience Categories.xlsx",
    "Task Statements.xlsx",
    "Alternate Titles.xlsx",
)
ASKW_GLOB = "bcgov_onet_data_*_ASKW_scores.csv"
# ASKW column family -> (competency kind, Content Model prefix)
ASKW_FAMILIES = {"Abilities": ("ability", "1.A"), "Work Activities": ("work_activity", "4.A")}
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def release_files(folder: Path) -> list[Path]:
    """Return the files this importer reads (Occupation Data is required)."""
    files = require_files(folder, (OCCUPATIONS,))
    files += [folder / name for name in OPTIONAL if (folder / name).is_file()]
    return files + sorted(folder.glob(ASKW_GLOB))[:1]


def default_version(folder: Path) -> str:
    """O*NET folders are named like 'onet-29.2'."""
    return version_from_folder(folder, "unknown")


def _key(name: str) -> str:
    return _NOT_WORD.sub(" ", name.casefold()).strip()


class _Loader:
    def __init__(self, ctx: ImportContext, folder: Path) -> None:
        self.ctx = ctx
        self.folder = folder
        self.occupations: dict[str, dict[str, Any]] = {}
        self.model: dict[str, tuple[str, str | None]] = {}  # element id -> (name, description)
        self.competencies: dict[str, dict[str, Any]] = {}  # element id -> row

    def path(self, name: str) -> Path | None:
        path = self.folder / name
        return path if path.is_file() else None

    def occupation(self, path: Path, line: int, row: dict[str, Any]) -> dict[str, Any] | None:
        code = str(row[CODE]).strip()
        found = self.occupations.get(code)
        if found is None:
            self.ctx.record_dangling(path, line, "occupation", code, {k: str(v) for k, v in row.items()})
        return found

    def competency(self, element: str, name: str, kind: str) -> str:
        if element not in self.competencies:
            model_name, description = self.model.get(element, (name, None))
            self.competencies[element] = {
                "id": fast_id(),
                "source": SOURCE,
                "code": element,
                "uri": None,
                "kind": kind,
                "category": element.rsplit(".", 1)[0],
                "preferred_label": model_name or name,
                "preferred_label_fr": None,
                "alt_labels": [],
                "description": description,
                "skill_type": None,
                "reuse_level": None,
                "collections": [],
                "extra": {},
            }
        return str(self.competencies[element]["id"])

    def load_occupations(self) -> None:
        path = self.folder / OCCUPATIONS
        for line, row in read_xlsx(path, (CODE, "Title", "Description"), self.ctx.progress):
            code = str(row[CODE]).strip()
            refuse_duplicate(self.occupations, code, path, line)
            self.occupations[code] = {
                "id": fast_id(),
                "source": SOURCE,
                "code": code,
                "uri": None,
                "level": "occupation",
                "label": str(row["Title"]).strip(),
                "label_fr": None,
                "description": text(row["Description"]),
                "parent_code": code.split(".")[0],
                "isco_group": None,
                "noc_code": None,
                "teer": None,
                "job_zone": None,
                "education": {},
                "employment_requirements": [],
                "extra": {},
            }
        model = self.path("Content Model Reference.xlsx")
        if model is not None:
            for _line, row in read_xlsx(model, ("Element ID", "Element Name"), self.ctx.progress):
                self.model[str(row["Element ID"]).strip()] = (
                    str(row["Element Name"]).strip(),
                    text(row.get("Description")),
                )

    def load_job_zones(self) -> None:
        path = self.path("Job Zones.xlsx")
        if path is None:
            return
        for line, row in read_xlsx(path, (CODE, "Job Zone"), self.ctx.progress):
            occupation = self.occupation(path, line, row)
            zone = to_float(row["Job Zone"], path, line, "Job Zone")
            if occupation is not None and zone is not None:
                occupation["job_zone"] = round(zone)

    def load_education(self) -> None:
        path = self.path("Education, Training, and Experience.xlsx")
        if path is None:
            return
        labels: dict[tuple[str, int], str] = {}
        categories = self.path("Education, Training, and Experience Categories.xlsx")
        if categories is not None:
            for line, row in read_xlsx(
                categories, ("Scale ID", "Category", "Category Description"), self.ctx.progress
            ):
                number = to_float(row["Category"], categories, line, "Category")
                if number is not None:
                    labels[(str(row["Scale ID"]), round(number))] = str(row["Category Description"])
        for line, row in read_xlsx(
            path, (CODE, "Scale ID", "Scale Name", "Category", "Data Value"), self.ctx.progress
        ):
            occupation = self.occupation(path, line, row)
            category = to_float(row["Category"], path, line, "Category")
            value = to_float(row["Data Value"], path, line, "Data Value")
            if occupation is None or category is None or value is None:
                continue
            scale = str(row["Scale ID"])
            entry = occupation["education"].setdefault(scale, {"name": str(row["Scale Name"]), "percent": {}})
            label = labels.get((scale, round(category)), str(round(category)))
            entry["percent"][label] = value
            if value > entry.get("typical_percent", -1):
                entry["typical"], entry["typical_percent"] = label, value

    def load_ratings(self, file_name: str, kind: str) -> list[dict[str, Any]]:
        path = self.path(file_name)
        if path is None:
            return []
        cells: dict[tuple[str, str], dict[str, Any]] = {}
        columns = (CODE, "Element ID", "Element Name", "Scale ID", "Data Value")
        for line, row in read_xlsx(path, columns, self.ctx.progress):
            occupation = self.occupation(path, line, row)
            if occupation is None:
                continue
            element = str(row["Element ID"]).strip()
            competency_id = self.competency(element, str(row["Element Name"]).strip(), kind)
            cell = cells.setdefault(
                (occupation["id"], competency_id),
                {
                    "occupation_id": occupation["id"],
                    "competency_id": competency_id,
                    "relation": "rated",
                    "importance": None,
                    "level": None,
                    "scale": "onet_im_lv",
                },
            )
            value = to_float(row["Data Value"], path, line, "Data Value")
            scale = str(row["Scale ID"]).strip()
            if scale == "IM":
                cell["importance"] = value
            elif scale == "LV":
                cell["level"] = value
        return list(cells.values())

    def load_askw(self) -> list[dict[str, Any]]:
        found = sorted(self.folder.glob(ASKW_GLOB))
        if not found:
            return []
        path = found[0]
        by_name = {(element[:3], _key(name)): element for element, (name, _d) in self.model.items()}
        requirements = []
        columns: dict[str, str] | None = None  # ASKW column -> competency id
        for line, row in read_csv(path, ("onet_soc_code",), self.ctx.progress):
            occupation = self.occupations.get(row["onet_soc_code"].strip())
            if occupation is None:
                self.ctx.record_dangling(
                    path,
                    line,
                    "occupation",
                    row["onet_soc_code"].strip(),
                    {"onet_soc_code": row["onet_soc_code"]},
                )
                continue
            if columns is None:
                columns = self._askw_columns(row, by_name)
            for column, competency_id in columns.items():
                score = to_float(row[column], path, line, column)
                if score:
                    requirements.append(
                        {
                            "occupation_id": occupation["id"],
                            "competency_id": competency_id,
                            "relation": "rated",
                            "importance": None,
                            "level": score,
                            "scale": "bcgov_askw",
                        }
                    )
        return requirements

    def _askw_columns(self, row: dict[str, str], by_name: dict[tuple[str, str], str]) -> dict[str, str]:
        """Map each Abilities / Work Activities column to its competency (a Content Model element by name)."""
        columns = {}
        for column in row:
            family, _, name = column.partition(": ")
            if family in ASKW_FAMILIES:
                kind, prefix = ASKW_FAMILIES[family]
                element = by_name.get((prefix, _key(name)), f"askw:{prefix}:{_key(name).replace(' ', '-')}")
                columns[column] = self.competency(element, name, kind)
        return columns

    def load_tasks_and_titles(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        duties: list[dict[str, Any]] = []
        titles: list[dict[str, Any]] = []
        tasks = self.path("Task Statements.xlsx")
        if tasks is not None:
            positions: dict[str, int] = {}
            for line, row in read_xlsx(tasks, (CODE, "Task", "Task Type"), self.ctx.progress):
                occupation = self.occupation(tasks, line, row)
                if occupation is None:
                    continue
                positions[occupation["id"]] = positions.get(occupation["id"], 0) + 1
                duties.append(
                    {
                        "occupation_id": occupation["id"],
                        "position": positions[occupation["id"]],
                        "text": str(row["Task"]).strip(),
                        "kind": (text(row["Task Type"]) or "task").lower(),
                    }
                )
        alternates = self.path("Alternate Titles.xlsx")
        if alternates is not None:
            for line, row in read_xlsx(alternates, (CODE, "Alternate Title"), self.ctx.progress):
                occupation = self.occupation(alternates, line, row)
                if occupation is None:
                    continue
                titles.append(
                    {
                        "occupation_id": occupation["id"],
                        "title": str(row["Alternate Title"]).strip()[:500],
                        "kind": "alternate",
                        "language": "en",
                    }
                )
                short = text(row.get("Short Title"))
                if short:
                    titles.append(
                        {
                            "occupation_id": occupation["id"],
                            "title": short[:500],
                            "kind": "short",
                            "language": "en",
                        }
                    )
        return duties, titles


def run(ctx: ImportContext, folder: Path) -> None:
    """Import one O*NET release folder into the release of `ctx`."""
    loader = _Loader(ctx, folder)
    loader.load_occupations()
    loader.load_job_zones()
    loader.load_education()
    requirements = loader.load_ratings("Skills.xlsx", "skill") + loader.load_ratings(
        "Knowledge.xlsx", "knowledge"
    )
    askw = loader.load_askw()
    duties, titles = loader.load_tasks_and_titles()
    for occupation in loader.occupations.values():
        for entry in occupation["education"].values():
            entry.pop("typical_percent", None)
    ctx.insert(Occupation, list(loader.occupations.values()), count_as="occupations")
    ctx.insert(Competency, list(loader.competencies.values()), count_as="elements")
    ctx.insert(OccupationRequirement, requirements, count_as="ratings")
    ctx.insert(OccupationRequirement, askw, count_as="bcgov_askw_scores")
    ctx.insert(OccupationDuty, duties, count_as="tasks")
    ctx.insert(OccupationTitle, titles, count_as="alternate_titles")
    ctx.flush_dangling()
