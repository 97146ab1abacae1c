"""All SQL of the catalogue domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Text, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from bridgeway.catalog.models import (
    CompetencyAlignment,
    CompetencyProposal,
    Endorsement,
    InstitutionCompetency,
    Intake,
    LearningOpportunity,
    OpportunityVersion,
    QaReview,
    StackingComponent,
)
from bridgeway.catalog.schemas import SearchParams
from bridgeway.taxonomy.models import Competency, Occupation, OccupationRequirement, TaxonomyRelease

PUBLISHED = "published"


def opportunity_by_code(session: Session, institution_id: str, code: str) -> LearningOpportunity | None:
    """Return the institution's opportunity with that code, if any."""
    return session.scalar(
        select(LearningOpportunity).where(
            LearningOpportunity.institution_id == institution_id, LearningOpportunity.code == code
        )
    )


def opportunities_by_codes(
    session: Session, institution_id: str, codes: Iterable[str]
) -> dict[str, LearningOpportunity]:
    """Return the institution's opportunities with those codes, keyed by code."""
    wanted = list(set(codes))
    if not wanted:
        return {}
    rows = session.scalars(
        select(LearningOpportunity).where(
            LearningOpportunity.institution_id == institution_id, LearningOpportunity.code.in_(wanted)
        )
    )
    return {row.code: row for row in rows}


def opportunities_by_ids(session: Session, ids: Iterable[str]) -> dict[str, LearningOpportunity]:
    """Return opportunities keyed by id."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {
        o.id: o
        for o in session.scalars(select(LearningOpportunity).where(LearningOpportunity.id.in_(wanted)))
    }


def versions_of(session: Session, opportunity_id: str) -> list[OpportunityVersion]:
    """Return every version of an opportunity, oldest first."""
    return list(
        session.scalars(
            select(OpportunityVersion)
            .where(OpportunityVersion.opportunity_id == opportunity_id)
            .order_by(OpportunityVersion.number)
        )
    )


def published_version(session: Session, opportunity_id: str) -> OpportunityVersion | None:
    """Return the opportunity's published version (there is at most one), if any."""
    return session.scalar(
        select(OpportunityVersion).where(
            OpportunityVersion.opportunity_id == opportunity_id, OpportunityVersion.state == PUBLISHED
        )
    )


def published_versions_of(session: Session, opportunity_ids: Iterable[str]) -> dict[str, OpportunityVersion]:
    """Return the published version of each opportunity that has one, keyed by opportunity id."""
    wanted = list(set(opportunity_ids))
    if not wanted:
        return {}
    rows = session.scalars(
        select(OpportunityVersion).where(
            OpportunityVersion.opportunity_id.in_(wanted), OpportunityVersion.state == PUBLISHED
        )
    )
    return {v.opportunity_id: v for v in rows}


def count_alignments(session: Session, version_id: str) -> int:
    """Return how many competency alignments a version has (0 or 1)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(CompetencyAlignment)
            .where(CompetencyAlignment.version_id == version_id)
        )
        or 0
    )


def parents_of(session: Session, opportunity_id: str) -> list[tuple[OpportunityVersion, StackingComponent]]:
    """Return the published versions whose stacking rule lists the opportunity, with the component row."""
    rows = session.execute(
        select(OpportunityVersion, StackingComponent)
        .join(StackingComponent, StackingComponent.parent_version_id == OpportunityVersion.id)
        .where(StackingComponent.component_id == opportunity_id, OpportunityVersion.state == PUBLISHED)
    )
    return [(v, c) for v, c in rows]


def dependency_edges(session: Session, institution_id: str) -> dict[str, list[str]]:
    """Return prerequisite and stacking edges (opportunity -> opportunities it depends on) of non-retired versions."""
    edges: dict[str, list[str]] = {}
    versions = session.scalars(
        select(OpportunityVersion)
        .join(LearningOpportunity, LearningOpportunity.id == OpportunityVersion.opportunity_id)
        .where(LearningOpportunity.institution_id == institution_id, OpportunityVersion.state != "retired")
    )
    for v in versions:
        targets = edges.setdefault(v.opportunity_id, [])
        targets.extend(p.prerequisite_id for p in v.prerequisites)
        targets.extend(c.component_id for c in v.components)
    return edges


def versions_in_states(
    session: Session, institution_id: str, states: Sequence[str], *, limit: int = 200
) -> list[OpportunityVersion]:
    """Return the institution's versions in the given states, most recently created first."""
    return list(
        session.scalars(
            select(OpportunityVersion)
            .join(LearningOpportunity, LearningOpportunity.id == OpportunityVersion.opportunity_id)
            .where(LearningOpportunity.institution_id == institution_id, OpportunityVersion.state.in_(states))
            .order_by(OpportunityVersion.created_at.desc())
            .limit(limit)
        )
    )


def qa_reviews_of(session: Session, version_id: str) -> list[QaReview]:
    """Return a version's QA reviews, oldest first."""
    return list(
        session.scalars(
            select(QaReview).where(QaReview.version_id == version_id).order_by(QaReview.created_at)
        )
    )


def endorsements_of(session: Session, opportunity_id: str) -> list[Endorsement]:
    """Return the endorsements of an opportunity's versions, newest first."""
    return list(
        session.scalars(
            select(Endorsement)
            .where(Endorsement.opportunity_id == opportunity_id)
            .order_by(Endorsement.created_at.desc())
        )
    )


def endorsement_of(session: Session, version_id: str, employer_id: str) -> Endorsement | None:
    """Return that employer's endorsement of that version, if any."""
    return session.scalar(
        select(Endorsement).where(
            Endorsement.version_id == version_id, Endorsement.employer_id == employer_id
        )
    )


def institution_competency_by_code(
    session: Session, institution_id: str, code: str
) -> InstitutionCompetency | None:
    """Return the institution-defined competency with that code, if any."""
    return session.scalar(
        select(InstitutionCompetency).where(
            InstitutionCompetency.institution_id == institution_id, InstitutionCompetency.code == code
        )
    )


def institution_competencies(session: Session, institution_id: str) -> list[InstitutionCompetency]:
    """Return the institution's own competencies by code."""
    return list(
        session.scalars(
            select(InstitutionCompetency)
            .where(InstitutionCompetency.institution_id == institution_id)
            .order_by(InstitutionCompetency.code)
        )
    )


def proposals(
    session: Session,
    *,
    institution_id: str | None = None,
    employer_id: str | None = None,
    status: str | None = None,
) -> list[CompetencyProposal]:
    """Return proposals addressed to an institution (or to every institution), or made by an employer."""
    stmt = select(CompetencyProposal).order_by(CompetencyProposal.created_at.desc())
    if institution_id is not None:
        stmt = stmt.where(
            or_(
                CompetencyProposal.institution_id == institution_id,
                CompetencyProposal.institution_id.is_(None),
            )
        )
    if employer_id is not None:
        stmt = stmt.where(CompetencyProposal.employer_id == employer_id)
    if status is not None:
        stmt = stmt.where(CompetencyProposal.status == status)
    return list(session.scalars(stmt))


def next_intakes(session: Session, opportunity_ids: Iterable[str], today: Any) -> dict[str, Any]:
    """Return the earliest intake on or after today for each opportunity."""
    wanted = list(set(opportunity_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Intake.opportunity_id, func.min(Intake.starts_on))
        .where(Intake.opportunity_id.in_(wanted), Intake.starts_on >= today)
        .group_by(Intake.opportunity_id)
    )
    return {row[0]: row[1] for row in rows}


def _search_filters(stmt: Any, params: SearchParams) -> Any:
    v = OpportunityVersion
    if params.kind is not None:
        stmt = stmt.where(LearningOpportunity.kind == params.kind.value)
    if params.institution_id is not None:
        stmt = stmt.where(LearningOpportunity.institution_id == params.institution_id)
    if params.delivery_mode is not None:
        stmt = stmt.where(v.delivery_mode == params.delivery_mode.value)
    if params.schedule is not None:
        # Schedules are a small JSON list; a text match on the quoted value works on SQLite and PostgreSQL.
        stmt = stmt.where(func.lower(cast(v.schedules, Text)).contains(f'"{params.schedule.value}"'))
    if params.cost_min_cents is not None:
        stmt = stmt.where(v.cost_cents >= params.cost_min_cents)
    if params.cost_max_cents is not None:
        stmt = stmt.where(v.cost_cents <= params.cost_max_cents)
    if params.credit is not None:
        stmt = stmt.where(v.is_credit.is_(params.credit))
    if params.competency_id is not None:
        wanted = params.competency_id
        stmt = stmt.where(_certifies(lambda a: a.competency_id == wanted))
    if params.occupation_id is not None:
        needed = select(OccupationRequirement.competency_id).where(
            OccupationRequirement.occupation_id == params.occupation_id
        )
        stmt = stmt.where(_certifies(lambda a: a.competency_id.in_(needed)))
    if params.q:
        needle = f"%{params.q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(v.title_en).like(needle),
                func.lower(v.title_fr).like(needle),
                func.lower(v.description_en).like(needle),
                func.lower(LearningOpportunity.code).like(needle),
                exists().where(
                    CompetencyAlignment.version_id == v.id,
                    func.lower(CompetencyAlignment.target_name).like(needle),
                ),
            )
        )
    return stmt


def _certifies(condition: Callable[[Any], Any]) -> Any:
    """Match a version aligned to the competency, or a parent one of whose published components is."""
    v = OpportunityVersion
    own = aliased(CompetencyAlignment)
    component_version = aliased(OpportunityVersion)
    component_alignment = aliased(CompetencyAlignment)
    direct = exists(select(own.id).where(own.version_id == v.id, condition(own)))
    via_component = exists(
        select(StackingComponent.component_id)
        .join(
            component_version,
            and_(
                component_version.opportunity_id == StackingComponent.component_id,
                component_version.state == PUBLISHED,
            ),
        )
        .join(component_alignment, component_alignment.version_id == component_version.id)
        .where(StackingComponent.parent_version_id == v.id, condition(component_alignment))
    )
    return or_(direct, via_component)


def search_published(
    session: Session, params: SearchParams
) -> tuple[list[tuple[LearningOpportunity, OpportunityVersion]], int]:
    """Return one page of published opportunities matching the filters, and the total count."""
    base = (
        select(LearningOpportunity, OpportunityVersion)
        .join(OpportunityVersion, OpportunityVersion.opportunity_id == LearningOpportunity.id)
        .where(OpportunityVersion.state == PUBLISHED)
    )
    stmt = _search_filters(base, params)
    total = int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
    rows = session.execute(
        stmt.order_by(OpportunityVersion.title_en, LearningOpportunity.code)
        .limit(params.limit)
        .offset(params.offset)
    )
    return [(o, v) for o, v in rows], total


def published_for_planning(session: Session, institution_id: str | None) -> list[OpportunityVersion]:
    """Return every published version (of one institution or all), with its opportunity loaded."""
    stmt = (
        select(OpportunityVersion)
        .join(LearningOpportunity, LearningOpportunity.id == OpportunityVersion.opportunity_id)
        .where(OpportunityVersion.state == PUBLISHED)
        .order_by(LearningOpportunity.code)
    )
    if institution_id is not None:
        stmt = stmt.where(LearningOpportunity.institution_id == institution_id)
    return list(session.scalars(stmt))


def opportunities_of(session: Session, institution_id: str | None) -> list[LearningOpportunity]:
    """Return every opportunity (of one institution or all) by code."""
    stmt = select(LearningOpportunity).order_by(LearningOpportunity.institution_id, LearningOpportunity.code)
    if institution_id is not None:
        stmt = stmt.where(LearningOpportunity.institution_id == institution_id)
    return list(session.scalars(stmt))


def competencies_matching(session: Session, query: str, *, limit: int = 20) -> list[Competency]:
    """Return ESCO skills and OaSIS descriptors whose label contains the text, shortest labels first."""
    needle = f"%{query.strip().lower()}%"
    return list(
        session.scalars(
            select(Competency)
            .where(
                Competency.source.in_(("esco", "oasis")), func.lower(Competency.preferred_label).like(needle)
            )
            .order_by(func.length(Competency.preferred_label), Competency.preferred_label)
            .limit(limit)
        )
    )


def competency_by_label(session: Session, label: str, source: str = "esco") -> Competency | None:
    """Return the competency of a source with exactly that preferred label (the newest release's when several)."""
    return session.scalars(
        select(Competency)
        .join(TaxonomyRelease, TaxonomyRelease.id == Competency.release_id)
        .where(Competency.source == source, func.lower(Competency.preferred_label) == label.lower())
        .order_by(TaxonomyRelease.imported_at.desc())
        .limit(1)
    ).first()


def aligned_competencies(session: Session) -> list[tuple[str, str, str]]:
    """Return (competency id, label, French label) of the taxonomy competencies published versions certify."""
    rows = session.execute(
        select(
            CompetencyAlignment.competency_id,
            CompetencyAlignment.target_name,
            CompetencyAlignment.target_name_fr,
        )
        .join(OpportunityVersion, OpportunityVersion.id == CompetencyAlignment.version_id)
        .where(OpportunityVersion.state == PUBLISHED, CompetencyAlignment.competency_id.is_not(None))
        .distinct()
        .order_by(CompetencyAlignment.target_name)
    )
    return [(str(r[0]), r[1], r[2]) for r in rows]


def occupations_matching(session: Session, query: str, *, limit: int = 10) -> list[Occupation]:
    """Return occupations (any source) whose label contains the text, shortest labels first."""
    needle = f"%{query.strip().lower()}%"
    return list(
        session.scalars(
            select(Occupation)
            .where(func.lower(Occupation.label).like(needle))
            .order_by(func.length(Occupation.label), Occupation.label)
            .limit(limit)
        )
    )
