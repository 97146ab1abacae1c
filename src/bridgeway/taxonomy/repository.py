"""All SQL of the taxonomy domain."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, func, literal, or_, select
from sqlalchemy.orm import Session

from bridgeway.taxonomy.models import (
    CodeLink,
    Competency,
    CompetencyRelation,
    DanglingReference,
    Occupation,
    OccupationDuty,
    OccupationRequirement,
    OccupationTitle,
    Outlook,
    TaxonomyRelease,
)


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert a batch of rows straight through the driver (no ORM objects, no per-row SQLAlchemy work).

    Rows must name every column they fill, all with the same keys; JSON columns are serialised here. SQLite
    gets one executemany, PostgreSQL (psycopg) one COPY; other drivers SQLAlchemy's executemany.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name not in ("sqlite", "postgresql") or dialect.driver != (
        "pysqlite" if dialect.name == "sqlite" else "psycopg"
    ):
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    json_names = [c.name for c in table.columns if isinstance(c.type, JSON) and c.name in rows[0]]
    if json_names:
        dumps = json.dumps
        for row in rows:
            for name in json_names:
                value = row[name]
                if value is not None:
                    # most cells are empty: skip the encoder for them
                    row[name] = ("[]" if isinstance(value, list) else "{}") if not value else dumps(value)
    getter = itemgetter(*names)
    values = [getter(row) for row in rows] if len(names) > 1 else [(row[names[0]],) for row in rows]
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in names)
    if dialect.name == "sqlite":
        placeholders = ", ".join("?" for _ in names)
        conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({placeholders})", values)
        return
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        for value in values:
            copy.write_row(value)


def prepare_bulk_load(conn: Connection) -> None:
    """Give SQLite a page cache big enough that index pages stay in memory during a bulk import."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MiB, this connection only


BULK_TABLES = (
    Competency,
    CompetencyRelation,
    Occupation,
    OccupationRequirement,
    OccupationTitle,
    OccupationDuty,
    Outlook,
    CodeLink,
    DanglingReference,
)


@contextmanager
def indexes_built_after_load(conn: Connection) -> Iterator[None]:
    """On SQLite, drop the secondary indexes of empty bulk tables for the load and build them at the end.

    Building an index once over sorted keys costs a fraction of updating it row by row. SQLite DDL is
    transactional: if the load fails, the rollback restores the indexes. Tables that already hold rows (a
    second release) keep their indexes, since rebuilding them would cost more than it saves.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    dropped = []
    for model in BULK_TABLES:
        table: Table = model.__table__  # type: ignore[assignment]
        if conn.execute(select(literal(1)).select_from(table).limit(1)).first() is None:
            present = set(
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table.name,)
                ).scalars()
            )
            for index in table.indexes:
                if index.name in present:  # a database migrated otherwise may lack one: leave it be
                    index.drop(conn)
                    dropped.append(index)
    yield
    for index in dropped:
        index.create(conn)


def release_by_version(session: Session, source: str, version: str) -> TaxonomyRelease | None:
    """Return the release of that source and version, if imported."""
    return session.scalar(
        select(TaxonomyRelease).where(TaxonomyRelease.source == source, TaxonomyRelease.version == version)
    )


def releases(session: Session, source: str | None = None) -> list[TaxonomyRelease]:
    """Return releases, newest import first, optionally of one source."""
    stmt = select(TaxonomyRelease).order_by(
        TaxonomyRelease.imported_at.desc(), TaxonomyRelease.version.desc()
    )
    if source is not None:
        stmt = stmt.where(TaxonomyRelease.source == source)
    return list(session.scalars(stmt))


def competency_by_code(session: Session, code: str, release_ids: Sequence[str]) -> Competency | None:
    """Return the competency with that code in the first of the given releases that has it."""
    found = {
        c.release_id: c
        for c in session.scalars(
            select(Competency).where(Competency.code == code, Competency.release_id.in_(release_ids))
        )
    }
    return next((found[r] for r in release_ids if r in found), None)


def occupation_by_code(session: Session, release_id: str, code: str) -> Occupation | None:
    """Return the occupation with that code in the release, if any."""
    return session.scalar(
        select(Occupation).where(Occupation.release_id == release_id, Occupation.code == code)
    )


def occupations_by_noc(session: Session, release_id: str, noc_code: str) -> list[Occupation]:
    """Return the occupations (e.g. OaSIS profiles) of a release that belong to a NOC unit group."""
    return list(
        session.scalars(
            select(Occupation)
            .where(Occupation.release_id == release_id, Occupation.noc_code == noc_code)
            .order_by(Occupation.code)
        )
    )


def requirements_of(session: Session, occupation_id: str) -> list[tuple[OccupationRequirement, Competency]]:
    """Return an occupation's requirements with their competencies."""
    stmt = (
        select(OccupationRequirement, Competency)
        .join(Competency, Competency.id == OccupationRequirement.competency_id)
        .where(OccupationRequirement.occupation_id == occupation_id)
        .order_by(OccupationRequirement.relation, Competency.kind, Competency.preferred_label)
    )
    return [(row[0], row[1]) for row in session.execute(stmt)]


def titles_of(session: Session, occupation_id: str) -> list[OccupationTitle]:
    """Return an occupation's other titles."""
    stmt = select(OccupationTitle).where(OccupationTitle.occupation_id == occupation_id)
    return list(session.scalars(stmt.order_by(OccupationTitle.kind, OccupationTitle.title)))


def duties_of(session: Session, occupation_id: str) -> list[OccupationDuty]:
    """Return an occupation's duties or tasks in published order."""
    stmt = select(OccupationDuty).where(OccupationDuty.occupation_id == occupation_id)
    return list(session.scalars(stmt.order_by(OccupationDuty.kind, OccupationDuty.position)))


def outlook(session: Session, release_id: str, noc_code: str) -> Outlook | None:
    """Return the COPS outlook of one NOC code in the release."""
    return session.scalar(
        select(Outlook).where(Outlook.release_id == release_id, Outlook.noc_code == noc_code)
    )


def links_touching(session: Session, source: str, code: str, release_ids: Sequence[str]) -> list[CodeLink]:
    """Return crosswalk rows from or to (source, code) in the given releases."""
    stmt = select(CodeLink).where(
        CodeLink.release_id.in_(release_ids),
        or_(
            (CodeLink.from_source == source) & (CodeLink.from_code == code),
            (CodeLink.to_source == source) & (CodeLink.to_code == code),
        ),
    )
    return list(session.scalars(stmt.order_by(CodeLink.dataset, CodeLink.weight.desc(), CodeLink.id)))


def iter_competencies(session: Session, release_id: str, batch: int = 2000) -> Iterator[Competency]:
    """Stream the competencies of a release (for building indexes) without loading them all at once."""
    stmt = select(Competency).where(Competency.release_id == release_id).order_by(Competency.code)
    yield from session.scalars(stmt.execution_options(yield_per=batch))


def iter_occupations(session: Session, release_id: str, batch: int = 2000) -> Iterator[Occupation]:
    """Stream the occupations of a release."""
    stmt = select(Occupation).where(Occupation.release_id == release_id).order_by(Occupation.code)
    yield from session.scalars(stmt.execution_options(yield_per=batch))


def requirement_rows(
    session: Session, release_id: str
) -> list[tuple[str, str, str, float | None, float | None, str | None]]:
    """Return (occupation code, competency code, relation, importance, level, scale) for every requirement."""
    stmt = (
        select(
            Occupation.code,
            Competency.code,
            OccupationRequirement.relation,
            OccupationRequirement.importance,
            OccupationRequirement.level,
            OccupationRequirement.scale,
        )
        .join(Occupation, Occupation.id == OccupationRequirement.occupation_id)
        .join(Competency, Competency.id == OccupationRequirement.competency_id)
        .where(OccupationRequirement.release_id == release_id)
    )
    return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]


def count_by(session: Session, model: Any, release_id: str, column: Any = None) -> dict[str, int]:
    """Count a table's rows in a release, grouped by a column (or under the key '' when none)."""
    if column is None:
        total = session.scalar(select(func.count()).select_from(model).where(model.release_id == release_id))
        return {"": int(total or 0)}
    stmt = select(column, func.count()).where(model.release_id == release_id).group_by(column)
    return {str(key): int(n) for key, n in session.execute(stmt).all()}


COUNTED = {
    "competencies": (Competency, Competency.kind),
    "competency_relations": (CompetencyRelation, CompetencyRelation.relation),
    "occupations": (Occupation, Occupation.level),
    "requirements": (OccupationRequirement, OccupationRequirement.relation),
    "titles": (OccupationTitle, OccupationTitle.kind),
    "duties": (OccupationDuty, OccupationDuty.kind),
    "outlooks": (Outlook, None),
    "code_links": (CodeLink, CodeLink.dataset),
    "dangling_references": (DanglingReference, DanglingReference.file),
}


def dangling(session: Session, release_id: str, limit: int = 100) -> list[DanglingReference]:
    """Return the dangling references recorded for a release, in file and line order."""
    stmt = (
        select(DanglingReference)
        .where(DanglingReference.release_id == release_id)
        .order_by(DanglingReference.file, DanglingReference.line)
        .limit(limit)
    )
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- reads for search and the taxonomy pages


def release_ids(session: Session) -> tuple[str, ...]:
    """Return the ids of every imported release (what a search index is built from)."""
    return tuple(session.scalars(select(TaxonomyRelease.id).order_by(TaxonomyRelease.id)))


def iter_titles(session: Session, release_id: str, batch: int = 5000) -> Iterator[tuple[str, str, str, str]]:
    """Stream (occupation id, title, kind, language) for every occupation title of a release."""
    stmt = select(
        OccupationTitle.occupation_id, OccupationTitle.title, OccupationTitle.kind, OccupationTitle.language
    ).where(OccupationTitle.release_id == release_id)
    for row in session.execute(stmt.execution_options(yield_per=batch)):
        yield row[0], row[1], row[2], row[3]


def related_competencies(session: Session, competency_id: str) -> list[tuple[CompetencyRelation, Competency]]:
    """Return the relations from or to a competency, each with the competency at the other end."""
    outgoing = (
        select(CompetencyRelation, Competency)
        .join(Competency, Competency.id == CompetencyRelation.to_id)
        .where(CompetencyRelation.from_id == competency_id)
    )
    incoming = (
        select(CompetencyRelation, Competency)
        .join(Competency, Competency.id == CompetencyRelation.from_id)
        .where(CompetencyRelation.to_id == competency_id)
    )
    rows = [(r[0], r[1]) for stmt in (outgoing, incoming) for r in session.execute(stmt)]
    return sorted(rows, key=lambda row: (row[0].relation, row[1].preferred_label))


def requiring_occupations(
    session: Session, competency_id: str, limit: int
) -> tuple[list[tuple[OccupationRequirement, Occupation]], int]:
    """Return up to `limit` occupations requiring a competency (essential first, highest rating first) and the total."""
    where = OccupationRequirement.competency_id == competency_id
    stmt = (
        select(OccupationRequirement, Occupation)
        .join(Occupation, Occupation.id == OccupationRequirement.occupation_id)
        .where(where)
        .order_by(
            OccupationRequirement.relation,
            OccupationRequirement.level.desc().nulls_last(),
            Occupation.label,
        )
        .limit(limit)
    )
    total = session.scalar(select(func.count()).select_from(OccupationRequirement).where(where)) or 0
    return [(r[0], r[1]) for r in session.execute(stmt)], int(total)


def outlook_names(session: Session, release_id: str) -> list[tuple[str, str, str | None]]:
    """Return (NOC code, English name, French name) of every outlook of a COPS release."""
    stmt = select(Outlook.noc_code, Outlook.name, Outlook.name_fr).where(Outlook.release_id == release_id)
    return [(row[0], row[1], row[2]) for row in session.execute(stmt.order_by(Outlook.noc_code))]


def code_links(
    session: Session, release_ids: Sequence[str], dataset: str
) -> list[tuple[str, str, float | None]]:
    """Return (from code, to code, weight) of every link of a crosswalk dataset, in the order of its file."""
    stmt = (
        select(CodeLink.from_code, CodeLink.to_code, CodeLink.weight)
        .where(CodeLink.release_id.in_(release_ids), CodeLink.dataset == dataset)
        .order_by(CodeLink.release_id, CodeLink.id)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]


def outlooks(session: Session, release_id: str) -> list[Outlook]:
    """Return every outlook of a COPS release, by NOC code."""
    stmt = select(Outlook).where(Outlook.release_id == release_id).order_by(Outlook.noc_code)
    return list(session.scalars(stmt))


def competency_rows(session: Session, release_id: str) -> list[tuple[str, str, str]]:
    """Return (code, kind, preferred label) of every competency of a release, by code (no ORM rows)."""
    stmt = (
        select(Competency.code, Competency.kind, Competency.preferred_label)
        .where(Competency.release_id == release_id)
        .order_by(Competency.code)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]
