"""ESCO (European Skills, Competences, Qualifications and Occupations), CSV download, English.

Reads `skills_en.csv`, `occupations_en.csv` and `occupationSkillRelations.csv` (required) and, when present,
skill groups, the skills hierarchy, broader relations, skill–skill relations, ISCO groups and the collections.
Relations carry URIs only; a relation naming a concept the release lacks is kept as a DanglingReference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bridgeway.taxonomy.errors import MalformedFile
from bridgeway.taxonomy.importers._base import (
    ImportContext,
    fast_id,
    read_csv,
    refuse_duplicate,
    require_files,
    split_lines,
    text,
    version_from_folder,
)
from bridgeway.taxonomy.models import (
    Competency,
    CompetencyRelation,
    Occupation,
    OccupationRequirement,
    OccupationTitle,
)

SOURCE = "esco"
TITLE = "ESCO"
REQUIRED = ("skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv")
OPTIONAL = (
    "skillGroups_en.csv",
    "skillsHierarchy_en.csv",
    "broaderRelationsSkillPillar.csv",
    "broaderRelationsOccPillar.csv",
    "skillSkillRelations.csv",
    "ISCOGroups_en.csv",
)
SKILL_COLLECTIONS = {
    "digitalSkillsCollection_en.csv": "digital",
    "digCompSkillsCollection_en.csv": "digcomp",
    "greenSkillsCollection_en.csv": "green",
    "languageSkillsCollection_en.csv": "language",
    "researchSkillsCollection_en.csv": "research",
    "transversalSkillsCollection_en.csv": "transversal",
}
OCCUPATION_COLLECTIONS = {"researchOccupationsCollection_en.csv": "research"}
RELATIONS = frozenset({"essential", "optional"})
DOWNLOAD = "https://esco.ec.europa.eu/en/use-esco/download (CSV, English, classification v1.1.1)"


def release_files(folder: Path) -> list[Path]:
    """Return the files this importer reads from a release folder (required ones must exist)."""
    files = require_files(folder, REQUIRED)
    extras = (*OPTIONAL, *SKILL_COLLECTIONS, *OCCUPATION_COLLECTIONS)
    return files + [folder / name for name in extras if (folder / name).is_file()]


def default_version(folder: Path) -> str:
    """ESCO folders are named like 'esco-1.1.1'."""
    return version_from_folder(folder, "unknown")


def _kind(skill_type: str | None, reuse_level: str | None, collections: list[str]) -> str:
    if "language" in collections:
        return "language"
    if reuse_level == "transversal" or "transversal" in collections:
        return "transversal"
    return "knowledge" if skill_type == "knowledge" else "skill"


def _collections(ctx: ImportContext, folder: Path, names: dict[str, str]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for file_name, collection in names.items():
        path = folder / file_name
        if path.is_file():
            for _line, row in read_csv(path, ("conceptUri",), ctx.progress):
                members.setdefault(row["conceptUri"], []).append(collection)
    return members


def _skills(ctx: ImportContext, folder: Path, ids: dict[str, str]) -> None:
    collections = _collections(ctx, folder, SKILL_COLLECTIONS)
    path = folder / "skills_en.csv"
    columns = ("conceptUri", "preferredLabel", "altLabels", "skillType", "reuseLevel", "description")

    def rows() -> Any:
        for line, row in read_csv(path, columns, ctx.progress):
            uri = row["conceptUri"].strip()
            refuse_duplicate(ids, uri, path, line)
            member_of = collections.get(uri, [])
            skill_type, reuse = text(row["skillType"]), text(row["reuseLevel"])
            ids[uri] = fast_id()
            yield {
                "id": ids[uri],
                "source": SOURCE,
                "code": uri,
                "uri": uri,
                "kind": _kind(skill_type, reuse, member_of),
                "category": None,
                "preferred_label": row["preferredLabel"].strip(),
                "preferred_label_fr": None,
                "alt_labels": split_lines(row["altLabels"]),
                "description": text(row["description"]),
                "skill_type": skill_type,
                "reuse_level": reuse,
                "collections": member_of,
                "extra": _extra(row, ("hiddenLabels", "status", "scopeNote", "definition", "modifiedDate")),
            }

    ctx.insert(Competency, rows(), count_as="skills")


def _extra(row: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name in names:
        value = text(row.get(name))
        if value:
            extra[name] = split_lines(value) if name == "hiddenLabels" else value
    return extra


def _skill_groups(ctx: ImportContext, folder: Path, ids: dict[str, str]) -> None:
    path = folder / "skillGroups_en.csv"
    if not path.is_file():
        return
    hierarchy_codes: dict[str, str] = {}
    hierarchy = folder / "skillsHierarchy_en.csv"
    if hierarchy.is_file():
        for _line, row in read_csv(hierarchy, ("Level 0 URI",), ctx.progress, ragged=True):
            for level in range(4):
                uri, code = text(row.get(f"Level {level} URI")), text(row.get(f"Level {level} code"))
                if uri and code:
                    hierarchy_codes[uri] = code

    def rows() -> Any:
        for _line, row in read_csv(path, ("conceptUri", "preferredLabel"), ctx.progress):
            uri = row["conceptUri"].strip()
            if uri in ids:
                continue
            ids[uri] = fast_id()
            extra = _extra(row, ("scopeNote", "status"))
            code = text(row.get("code")) or hierarchy_codes.get(uri)
            if code:
                extra["hierarchy_code"] = code
            yield {
                "id": ids[uri],
                "source": SOURCE,
                "code": uri,
                "uri": uri,
                "kind": "skill_group",
                "category": None,
                "preferred_label": row["preferredLabel"].strip(),
                "preferred_label_fr": None,
                "alt_labels": split_lines(row.get("altLabels")),
                "description": text(row.get("description")),
                "skill_type": None,
                "reuse_level": None,
                "collections": [],
                "extra": extra,
            }

    ctx.insert(Competency, rows(), count_as="skill_groups")


def _skill_relations(ctx: ImportContext, folder: Path, ids: dict[str, str]) -> None:
    broader = folder / "broaderRelationsSkillPillar.csv"
    if broader.is_file():
        ctx.insert(
            CompetencyRelation,
            _pairs(ctx, broader, ids, "conceptUri", "broaderUri", None),
            count_as="skill_broader_relations",
        )
    related = folder / "skillSkillRelations.csv"
    if related.is_file():
        ctx.insert(
            CompetencyRelation,
            _pairs(ctx, related, ids, "originalSkillUri", "relatedSkillUri", "relationType"),
            count_as="skill_skill_relations",
        )


def _pairs(
    ctx: ImportContext, path: Path, ids: dict[str, str], left: str, right: str, relation_column: str | None
) -> Any:
    columns = (left, right) + ((relation_column,) if relation_column else ())
    for line, row in read_csv(path, columns, ctx.progress):
        a, b = row[left].strip(), row[right].strip()
        missing = next((uri for uri in (a, b) if uri not in ids), None)
        if missing is not None:
            ctx.record_dangling(path, line, "competency", missing, row)
            continue
        relation = row[relation_column].strip() if relation_column else "broader"
        yield {"from_id": ids[a], "to_id": ids[b], "relation": relation}


def _occupations(ctx: ImportContext, folder: Path, ids: dict[str, str]) -> None:
    isco_labels: dict[str, str] = {}
    isco = folder / "ISCOGroups_en.csv"
    if isco.is_file():
        for _line, row in read_csv(isco, ("code", "preferredLabel"), ctx.progress):
            isco_labels[row["code"].strip()] = row["preferredLabel"].strip()
    parents: dict[str, str] = {}
    pillar = folder / "broaderRelationsOccPillar.csv"
    if pillar.is_file():
        for _line, row in read_csv(pillar, ("conceptUri", "broaderUri"), ctx.progress):
            parents[row["conceptUri"].strip()] = row["broaderUri"].strip()
    collections = _collections(ctx, folder, OCCUPATION_COLLECTIONS)
    titles: list[dict[str, Any]] = []
    path = folder / "occupations_en.csv"
    columns = ("conceptUri", "preferredLabel", "altLabels", "iscoGroup", "description")

    def rows() -> Any:
        for line, row in read_csv(path, columns, ctx.progress):
            uri = row["conceptUri"].strip()
            refuse_duplicate(ids, uri, path, line)
            ids[uri] = fast_id()
            group = text(row["iscoGroup"])
            extra = _extra(row, ("code", "regulatedProfessionNote", "scopeNote", "definition", "status"))
            if group in isco_labels:
                extra["isco_label"] = isco_labels[group]
            if uri in collections:
                extra["collections"] = collections[uri]
            for label in split_lines(row["altLabels"]):
                titles.append(
                    {"occupation_id": ids[uri], "title": label[:500], "kind": "alternative", "language": "en"}
                )
            for label in split_lines(row.get("hiddenLabels")):
                titles.append(
                    {"occupation_id": ids[uri], "title": label[:500], "kind": "hidden", "language": "en"}
                )
            yield {
                "id": ids[uri],
                "source": SOURCE,
                "code": uri,
                "uri": uri,
                "level": "occupation",
                "label": row["preferredLabel"].strip(),
                "label_fr": None,
                "description": text(row["description"]),
                "parent_code": parents.get(uri),
                "isco_group": group,
                "noc_code": None,
                "teer": None,
                "job_zone": None,
                "education": {},
                "employment_requirements": [],
                "extra": extra,
            }

    ctx.insert(Occupation, rows(), count_as="occupations")
    ctx.insert(OccupationTitle, titles, count_as="occupation_titles")


def _requirements(
    ctx: ImportContext, folder: Path, skills: dict[str, str], occupations: dict[str, str]
) -> None:
    path = folder / "occupationSkillRelations.csv"
    read = 0

    def rows() -> Any:
        nonlocal read
        for line, row in read_csv(path, ("occupationUri", "relationType", "skillUri"), ctx.progress):
            read += 1
            occupation, skill, relation = row["occupationUri"], row["skillUri"], row["relationType"]
            # Strip only when the plain lookup fails: official cells are clean, and this loop runs 124k times.
            occupation_id = occupations.get(occupation) or occupations.get(occupation := occupation.strip())
            skill_id = skills.get(skill) or skills.get(skill := skill.strip())
            if relation not in RELATIONS and (relation := relation.strip()) not in RELATIONS:
                raise MalformedFile(
                    path, line, f"relationType '{relation}' is neither essential nor optional"
                )
            if occupation_id is None:
                ctx.record_dangling(path, line, "occupation", occupation, row)
                continue
            if skill_id is None:
                ctx.record_dangling(path, line, "competency", skill, row)
                continue
            yield {
                "occupation_id": occupation_id,
                "competency_id": skill_id,
                "relation": relation,
                "importance": None,
                "level": None,
                "scale": None,
            }

    ctx.insert(OccupationRequirement, rows(), count_as="requirements")
    ctx.counts["occupation_skill_relations"] = read


def run(ctx: ImportContext, folder: Path) -> None:
    """Import one ESCO release folder into the release of `ctx`."""
    skills: dict[str, str] = {}
    occupations: dict[str, str] = {}
    _skills(ctx, folder, skills)
    _skill_groups(ctx, folder, skills)
    _skill_relations(ctx, folder, skills)
    _occupations(ctx, folder, occupations)
    _requirements(ctx, folder, skills, occupations)
    ctx.flush_dangling()
