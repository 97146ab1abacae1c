"""The only SQL of planning: stored profiles, advisors' notes, employers' roles and groups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.planning.models import AdvisorNote, EmployerRole, LearnerProfileRecord, WorkforceGroup


def profile_of(session: Session, learner_id: str) -> LearnerProfileRecord | None:
    """Return the learner's stored profile, if any."""
    return session.scalars(
        select(LearnerProfileRecord).where(LearnerProfileRecord.learner_id == learner_id)
    ).first()


def profiles_of(session: Session, learner_ids: list[str]) -> list[LearnerProfileRecord]:
    """Return the stored profiles of these learners (those who saved one)."""
    if not learner_ids:
        return []
    return list(
        session.scalars(select(LearnerProfileRecord).where(LearnerProfileRecord.learner_id.in_(learner_ids)))
    )


def note_times(
    session: Session, *, learner_ids: list[str], institution_id: str | None
) -> list[tuple[str, object]]:
    """Return (learner id, created at) of every note about these learners written in one institution."""
    if not learner_ids:
        return []
    query = select(AdvisorNote.learner_id, AdvisorNote.created_at).where(
        AdvisorNote.learner_id.in_(learner_ids)
    )
    query = query.where(
        AdvisorNote.institution_id.is_(None)
        if institution_id is None
        else AdvisorNote.institution_id == institution_id
    )
    return [(str(row[0]), row[1]) for row in session.execute(query)]


def notes_about(session: Session, *, learner_id: str, institution_id: str | None) -> list[AdvisorNote]:
    """Return the notes about a learner written in one institution (or by the author without one), newest first."""
    query = select(AdvisorNote).where(AdvisorNote.learner_id == learner_id)
    query = query.where(
        AdvisorNote.institution_id.is_(None)
        if institution_id is None
        else AdvisorNote.institution_id == institution_id
    )
    return list(session.scalars(query.order_by(AdvisorNote.created_at.desc(), AdvisorNote.id)))


def employer_roles(session: Session, employer_id: str) -> list[EmployerRole]:
    """Return an employer's roles by name."""
    return list(
        session.scalars(
            select(EmployerRole).where(EmployerRole.employer_id == employer_id).order_by(EmployerRole.name)
        )
    )


def workforce_groups(session: Session, employer_id: str) -> list[WorkforceGroup]:
    """Return an employer's workforce groups by name."""
    return list(
        session.scalars(
            select(WorkforceGroup)
            .where(WorkforceGroup.employer_id == employer_id)
            .order_by(WorkforceGroup.name)
        )
    )
