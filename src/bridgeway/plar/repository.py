"""The only SQL of the PLAR domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bridgeway.plar.models import (
    EvidenceDocument,
    LanguageResult,
    PriorCredential,
    RecognitionCase,
    SelfAssessment,
    WorkExperience,
)

T = TypeVar("T", WorkExperience, PriorCredential, LanguageResult, SelfAssessment, EvidenceDocument)


def entries_of(session: Session, model: type[T], learner_id: str) -> list[T]:
    """Return a learner's portfolio rows of one kind, oldest first."""
    order = model.updated_at if model is SelfAssessment else model.created_at  # type: ignore[attr-defined]
    return list(session.scalars(select(model).where(model.learner_user_id == learner_id).order_by(order)))


def entry(session: Session, model: type[T], entry_id: str) -> T | None:
    """Return one portfolio row by id."""
    return session.get(model, entry_id)


def self_assessment(session: Session, learner_id: str, uri: str) -> SelfAssessment | None:
    """Return the learner's self-assessment of one competency."""
    return session.scalar(
        select(SelfAssessment).where(
            SelfAssessment.learner_user_id == learner_id, SelfAssessment.competency_uri == uri
        )
    )


def evidence_of(session: Session, learner_id: str, ids: Iterable[str]) -> list[EvidenceDocument]:
    """Return the learner's evidence documents among these ids."""
    wanted = list(ids)
    if not wanted:
        return []
    return list(
        session.scalars(
            select(EvidenceDocument).where(
                EvidenceDocument.learner_user_id == learner_id, EvidenceDocument.id.in_(wanted)
            )
        )
    )


def case(session: Session, case_id: str, *, for_update: bool = False) -> RecognitionCase | None:
    """Return a case (locking its row on PostgreSQL when it is about to change)."""
    stmt = select(RecognitionCase).where(RecognitionCase.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def cases_of_learner(session: Session, learner_id: str) -> list[RecognitionCase]:
    """Return a learner's cases, newest first."""
    return list(
        session.scalars(
            select(RecognitionCase)
            .where(RecognitionCase.learner_user_id == learner_id)
            .order_by(RecognitionCase.created_at.desc())
        )
    )


def caseload(
    session: Session, institution_id: str, *, user_id: str | None = None, states: Iterable[str] | None = None
) -> list[RecognitionCase]:
    """Return an institution's open cases (optionally those where the user is advisor, assessor or moderator)."""
    stmt = select(RecognitionCase).where(RecognitionCase.institution_id == institution_id)
    if user_id is not None:
        stmt = stmt.where(
            or_(
                RecognitionCase.advisor_user_id == user_id,
                RecognitionCase.assessor_user_id == user_id,
                RecognitionCase.moderator_user_id == user_id,
            )
        )
    if states is not None:
        stmt = stmt.where(RecognitionCase.state.in_(list(states)))
    return list(session.scalars(stmt.order_by(RecognitionCase.state_changed_at)))
