"""Taxonomy use cases: import official releases, and read competencies, occupations, outlooks and crosswalks.

Other domains call these (``from bridgeway.taxonomy import service as taxonomy_service``). Reads default to the
latest imported release of a source. Services flush, never commit: the request or CLI command owns the
transaction, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bridgeway.taxonomy import domain, errors, repository
from bridgeway.taxonomy.domain import DATA_SOURCES, DataSource
from bridgeway.taxonomy.importers import IMPORTERS, SOURCES
from bridgeway.taxonomy.importers._base import ImportContext, sha256_file
from bridgeway.taxonomy.models import (
    Competency,
    Occupation,
    OccupationDuty,
    OccupationRequirement,
    OccupationTitle,
    Outlook,
    TaxonomyRelease,
)

__all__ = [
    "SOURCES",
    "ImportOutcome",
    "ImportProgress",
    "RelatedCode",
    "RequirementMatrix",
    "code_links",
    "competency_rows",
    "data_sources",
    "data_stats",
    "download_hint",
    "get_competency",
    "get_occupation",
    "get_release",
    "import_release",
    "iter_competencies",
    "iter_occupations",
    "latest_release",
    "latest_releases",
    "locate_releases",
    "occupation_duties",
    "occupation_requirements",
    "occupation_titles",
    "outlook_for_noc",
    "outlooks",
    "related_codes",
    "release_files",
    "release_folder",
    "requirement_matrix",
    "requirement_rows",
]


class ImportProgress(Protocol):
    """Whatever shows an import's progress (the CLI's Rich bar); units are characters of the files read."""

    def start(self, total: int, description: str) -> None:
        """Called once with the total size of the files to read."""

    def advance(self, description: str, done: int) -> None:
        """Called as rows are read, with the characters read since the last call."""


@dataclass
class ImportOutcome:
    """What an import did: the release, whether it was already there, and its summary."""

    release: TaxonomyRelease
    already_imported: bool
    summary: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- import


def _importer(source: str) -> Any:
    importer = IMPORTERS.get(source)
    if importer is None:
        raise errors.UnknownSource(f"unknown source '{source}'; expected one of {', '.join(SOURCES)}")
    return importer


def release_files(*, source: str, path: Path) -> list[Path]:
    """Return the files an import of `source` would read at `path` (raises ReleaseFilesMissing)."""
    importer = _importer(source)
    files: list[Path] = importer.release_files(release_folder(path))
    return files


def release_folder(path: Path) -> Path:
    """The release folder named by `path`: the folder itself, or the folder of a file inside it."""
    if not path.exists():
        raise errors.ReleaseFilesMissing(f"{path} does not exist")
    return path.parent if path.is_file() else path


def import_release(
    session: Session,
    *,
    source: str,
    path: Path,
    version: str | None = None,
    progress: ImportProgress | None = None,
) -> ImportOutcome:
    """Import one release of a source from its folder; the same files twice report 'already imported'."""
    importer = _importer(source)
    files = release_files(source=source, path=path)
    path = release_folder(path)
    checksums = {f.name: sha256_file(f) for f in files}
    fingerprint = domain.fingerprint(checksums)
    version = (version or importer.default_version(path)).strip()
    if not version or len(version) > 32:
        raise errors.InvalidVersion("a release version needs 1 to 32 characters")
    existing = repository.release_by_version(session, source, version)
    if existing is not None:
        if existing.fingerprint == fingerprint:
            return ImportOutcome(existing, True, existing.summary)
        raise errors.ReleaseConflict(
            f"{source} {version} was already imported from different files; "
            "give the new files another version (--version) to keep both",
            detail={"source": source, "version": version},
        )
    release = TaxonomyRelease(source=source, version=version, fingerprint=fingerprint, checksums=checksums)
    session.add(release)
    session.flush()
    if progress is not None:
        progress.start(sum(f.stat().st_size for f in files), f"{source} {version}")
    conn = session.connection()
    repository.prepare_bulk_load(conn)
    ctx = ImportContext(conn=conn, release_id=release.id)
    if progress is not None:
        ctx.progress = progress.advance
    started = time.perf_counter()
    with repository.indexes_built_after_load(conn):
        importer.run(ctx, path)
    release.summary = {
        "counts": ctx.counts,
        "dangling": ctx.dangling,
        "dangling_total": sum(n for per_file in ctx.dangling.values() for n in per_file.values()),
        "notes": ctx.notes,
        "seconds": round(time.perf_counter() - started, 2),
        "path": str(path),
    }
    session.flush()
    return ImportOutcome(release, False, release.summary)


# ---------------------------------------------------------------- releases


def get_release(session: Session, *, source: str, version: str | None = None) -> TaxonomyRelease:
    """Return a release of a source: the named version, or the latest imported; raise UnknownRelease."""
    _importer(source)
    if version is None:
        found = latest_release(session, source)
    else:
        found = repository.release_by_version(session, source, version)
    if found is None:
        raise errors.UnknownRelease(
            f"no {source} release{' ' + version if version else ''} has been imported"
        )
    return found


def latest_release(session: Session, source: str) -> TaxonomyRelease | None:
    """Return the most recently imported release of a source, or None."""
    found = repository.releases(session, source)
    return found[0] if found else None


def _release_ids(session: Session, source: str | None) -> list[str]:
    """Latest release of one source, or of every source when None (in SOURCES order)."""
    sources = [source] if source else list(SOURCES)
    ids = []
    for name in sources:
        release = latest_release(session, name)
        if release is not None:
            ids.append(release.id)
    return ids


# ---------------------------------------------------------------- competencies and occupations


def get_competency(session: Session, *, code: str, source: str | None = None) -> Competency:
    """Return a competency by code from the latest release of `source` (or of any source); raise UnknownCompetency."""
    found = repository.competency_by_code(session, code, _release_ids(session, source))
    if found is None:
        raise errors.UnknownCompetency(
            f"no competency with code '{code}'" + (f" in {source}" if source else "")
        )
    return found


def get_occupation(session: Session, *, source: str, code: str) -> Occupation:
    """Return an occupation by code from the latest release of a source; raise UnknownOccupation."""
    release = get_release(session, source=source)
    found = repository.occupation_by_code(session, release.id, code)
    if found is None:
        raise errors.UnknownOccupation(f"no {source} occupation with code '{code}'")
    return found


def occupation_requirements(
    session: Session, *, occupation_id: str
) -> dict[str, dict[str, list[tuple[OccupationRequirement, Competency]]]]:
    """Return an occupation's requirements grouped as {source: {relation: [(requirement, competency)]}}."""
    grouped: dict[str, dict[str, list[tuple[OccupationRequirement, Competency]]]] = {}
    for requirement, competency in repository.requirements_of(session, occupation_id):
        grouped.setdefault(competency.source, {}).setdefault(requirement.relation, []).append(
            (requirement, competency)
        )
    return grouped


def occupation_titles(session: Session, *, occupation_id: str) -> list[OccupationTitle]:
    """Return an occupation's other titles (ESCO alternative labels, OaSIS example titles, O*NET alternates)."""
    return repository.titles_of(session, occupation_id)


def occupation_duties(session: Session, *, occupation_id: str) -> list[OccupationDuty]:
    """Return an occupation's duties or tasks (OaSIS main duties, O*NET task statements) in order."""
    return repository.duties_of(session, occupation_id)


def outlook_for_noc(session: Session, *, code: str) -> Outlook | None:
    """Return the latest COPS outlook for a NOC 2021 code ('21232', or an OaSIS code '21232.01'), or None."""
    release = latest_release(session, "cops")
    if release is None:
        return None
    return repository.outlook(session, release.id, domain.noc_code(code.split(".")[0]))


def iter_competencies(session: Session, *, source: str) -> Iterator[Competency]:
    """Stream every competency of the latest release of a source (for search and embedding indexes)."""
    yield from repository.iter_competencies(session, get_release(session, source=source).id)


def iter_occupations(session: Session, *, source: str) -> Iterator[Occupation]:
    """Stream every occupation of the latest release of a source (for search indexes)."""
    yield from repository.iter_occupations(session, get_release(session, source=source).id)


# ---------------------------------------------------------------- crosswalks


@dataclass(frozen=True)
class RelatedCode:
    """A code in another system related to the one asked about, with weight and the crosswalk steps."""

    source: str
    code: str
    weight: float | None
    dataset: str
    direction: str  # "forward" (the crosswalk maps from the code asked) | "reverse"
    provenance: list[dict[str, Any]]


def related_codes(session: Session, *, source: str, code: str) -> list[RelatedCode]:
    """Return codes in other taxonomies related to (source, code) through the latest crosswalks."""
    related: list[RelatedCode] = []
    release_ids = _release_ids(session, "crosswalks")
    for link in repository.links_touching(session, source, code, release_ids):
        forward = link.from_source == source and link.from_code == code
        related.append(
            RelatedCode(
                source=link.to_source if forward else link.from_source,
                code=link.to_code if forward else link.from_code,
                weight=link.weight,
                dataset=link.dataset,
                direction="forward" if forward else "reverse",
                provenance=list(link.provenance),
            )
        )
    # An OaSIS profile extends its NOC unit group's code; say so both ways.
    if source == "oasis":
        related.append(
            RelatedCode(
                "noc",
                code.split(".")[0],
                1.0,
                "oasis_code",
                "forward",
                [{"dataset": "oasis_code", "note": "OaSIS codes extend NOC 2021 codes"}],
            )
        )
    elif source == "noc":
        oasis = latest_release(session, "oasis")
        if oasis is not None:
            for profile in repository.occupations_by_noc(session, oasis.id, code):
                related.append(
                    RelatedCode(
                        "oasis",
                        profile.code,
                        1.0,
                        "oasis_code",
                        "reverse",
                        [{"dataset": "oasis_code", "note": "OaSIS codes extend NOC 2021 codes"}],
                    )
                )
    return related


# ---------------------------------------------------------------- planning matrix


@dataclass
class RequirementMatrix:
    """Occupation × competency weights as coordinate arrays: `scipy.sparse.coo_matrix((weights, (rows, cols)))`."""

    source: str
    release: str
    occupation_codes: list[str]
    competency_codes: list[str]
    rows: list[int]
    cols: list[int]
    weights: list[float]

    @property
    def shape(self) -> tuple[int, int]:
        """(number of occupations, number of competencies)."""
        return (len(self.occupation_codes), len(self.competency_codes))


def requirement_matrix(session: Session, *, source: str, optional_weight: float = 0.5) -> RequirementMatrix:
    """Return the latest release's requirements as sparse-matrix arrays (essential 1, optional as given, ratings 0..1)."""
    release = get_release(session, source=source)
    occupation_index: dict[str, int] = {}
    competency_index: dict[str, int] = {}
    cells: dict[tuple[int, int], float] = {}
    for occupation_code, competency_code, relation, importance, level, scale in repository.requirement_rows(
        session, release.id
    ):
        row = occupation_index.setdefault(occupation_code, len(occupation_index))
        col = competency_index.setdefault(competency_code, len(competency_index))
        weight = domain.requirement_weight(
            relation, importance, level, scale, optional_weight=optional_weight
        )
        cells[(row, col)] = max(weight, cells.get((row, col), 0.0))
    keys = sorted(cells)
    return RequirementMatrix(
        source=source,
        release=release.version,
        occupation_codes=list(occupation_index),
        competency_codes=list(competency_index),
        rows=[r for r, _ in keys],
        cols=[c for _, c in keys],
        weights=[cells[k] for k in keys],
    )


# ---------------------------------------------------------------- about the data and stats


def data_sources() -> list[DataSource]:
    """Return each source's name, release, licence and attribution (for the About page and API metadata)."""
    return list(DATA_SOURCES)


def locate_releases(data_dir: Path) -> list[tuple[DataSource, Path | None]]:
    """Return each source in import order with its release folder under `data_dir`, or None when absent."""
    by_source = {ds.source: ds for ds in DATA_SOURCES}
    found: list[tuple[DataSource, Path | None]] = []
    for source in SOURCES:
        data_source = by_source[source]
        folder = data_dir / data_source.folder
        try:
            release_files(source=source, path=folder)
        except errors.ReleaseFilesMissing:
            found.append((data_source, None))
        else:
            found.append((data_source, folder))
    return found


def download_hint(source: str) -> str:
    """Where to download a source's release (for messages naming a missing release)."""
    return str(_importer(source).DOWNLOAD)


def data_stats(session: Session) -> dict[str, Any]:
    """Return counts per source and release (newest release first), with dangling references."""
    result: dict[str, Any] = {}
    for source in SOURCES:
        entries = []
        for release in repository.releases(session, source):
            counts = {
                name: repository.count_by(session, model, release.id, column)
                for name, (model, column) in repository.COUNTED.items()
            }
            entries.append(
                {
                    "version": release.version,
                    "imported_at": release.imported_at.isoformat(),
                    "fingerprint": release.fingerprint,
                    "headline": _headline(source, counts, release.summary),
                    "counts": {k: v for k, v in counts.items() if sum(v.values())},
                    "dangling": release.summary.get("dangling", {}),
                    "dangling_total": sum(counts["dangling_references"].values()),
                }
            )
        result[source] = entries
    return result


def _headline(source: str, counts: dict[str, dict[str, int]], summary: dict[str, Any]) -> dict[str, int]:
    """The few figures people check a release by (ESCO: skills, occupations, relation rows)."""
    competencies, occupations = counts["competencies"], counts["occupations"]
    headline: dict[str, int] = defaultdict(int)
    if source == "esco":
        headline["skills"] = sum(n for kind, n in competencies.items() if kind != "skill_group")
        headline["skill_groups"] = competencies.get("skill_group", 0)
        headline["occupations"] = sum(occupations.values())
        headline["occupation_skill_relations"] = int(
            summary.get("counts", {}).get("occupation_skill_relations", sum(counts["requirements"].values()))
        )
        headline["essential"] = counts["requirements"].get("essential", 0)
        headline["optional"] = counts["requirements"].get("optional", 0)
    else:
        headline["competencies"] = sum(competencies.values())
        headline["occupations"] = sum(occupations.values())
        headline["requirements"] = sum(counts["requirements"].values())
        for name in ("titles", "duties", "outlooks", "code_links"):
            if sum(counts[name].values()):
                headline[name] = sum(counts[name].values())
    headline["dangling_references"] = sum(counts["dangling_references"].values())
    return dict(headline)


# ---------------------------------------------------------------- reads for search and the taxonomy pages


def release_ids(session: Session) -> tuple[str, ...]:
    """Return the ids of every imported release: a search index built from them is stale when this changes."""
    return repository.release_ids(session)


def iter_occupation_titles(session: Session, *, source: str) -> Iterator[tuple[str, str, str, str]]:
    """Stream (occupation id, title, kind, language) of the latest release of a source (for search indexes)."""
    for row in repository.iter_titles(session, get_release(session, source=source).id):
        yield row[0], row[1], row[2], row[3]


def competency_relations(session: Session, *, competency_id: str) -> list[tuple[str, str, Competency]]:
    """Return (relation, direction, other competency): direction 'out' when the competency is the relation's
    subject (for 'broader': the other one is its parent), 'in' otherwise (for 'broader': a child)."""
    return [
        (relation.relation, "out" if relation.from_id == competency_id else "in", other)
        for relation, other in repository.related_competencies(session, competency_id)
    ]


def competency_required_by(
    session: Session, *, competency_id: str, limit: int = 200
) -> tuple[list[tuple[OccupationRequirement, Occupation]], int]:
    """Return up to `limit` (requirement, occupation) pairs asking for a competency, and how many there are."""
    rows, total = repository.requiring_occupations(session, competency_id, limit)
    return [(requirement, occupation) for requirement, occupation in rows], total


def outlook_names(session: Session) -> dict[str, tuple[str, str | None]]:
    """Return {NOC code: (English name, French name)} from the latest COPS release (empty when none)."""
    release = latest_release(session, "cops")
    if release is None:
        return {}
    return {row[0]: (row[1], row[2]) for row in repository.outlook_names(session, release.id)}


# ---------------------------------------------------------------- reads for planning's occupation spaces


def latest_releases(session: Session) -> dict[str, TaxonomyRelease]:
    """Return the most recently imported release of every source that has one, by source."""
    latest: dict[str, TaxonomyRelease] = {}
    for release in repository.releases(session):  # newest first
        latest.setdefault(release.source, release)
    return latest


def requirement_rows(
    session: Session, *, source: str
) -> list[tuple[str, str, str, float | None, float | None, str | None]]:
    """Return (occupation code, competency code, relation, importance, level, scale) of the latest release."""
    return repository.requirement_rows(session, get_release(session, source=source).id)


def code_links(session: Session, *, dataset: str) -> list[tuple[str, str, float | None]]:
    """Return (from code, to code, weight) of a crosswalk dataset of the latest crosswalks, in file order."""
    return repository.code_links(session, _release_ids(session, "crosswalks"), dataset)


def outlooks(session: Session) -> list[Outlook]:
    """Return every COPS outlook (unit groups and aggregates) of the latest COPS release; empty when none."""
    release = latest_release(session, "cops")
    return [] if release is None else repository.outlooks(session, release.id)


def competency_rows(session: Session, *, source: str) -> list[tuple[str, str, str]]:
    """Return (code, kind, preferred label) of every competency of the latest release (lighter than ORM rows)."""
    return repository.competency_rows(session, get_release(session, source=source).id)
