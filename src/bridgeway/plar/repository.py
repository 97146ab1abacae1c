"""The only SQL of the PLAR domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from bridgeway.plar.models import (
    EvidenceDocument,
    LanguageResult,
    PortfolioCredential,
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


# --- verifiable credentials in the portfolio, evidence files (plar/service/credentials.py, evidence.py) --------


def credentials_of(session: Session, learner_id: str) -> list[PortfolioCredential]:
    """Return the verifiable credentials of a learner's portfolio, oldest first."""
    return list(
        session.scalars(
            select(PortfolioCredential)
            .where(PortfolioCredential.learner_user_id == learner_id)
            .order_by(PortfolioCredential.created_at, PortfolioCredential.id)
        )
    )


def credential_entry(session: Session, entry_id: str) -> PortfolioCredential | None:
    """Return one portfolio credential by id."""
    return session.get(PortfolioCredential, entry_id)


def credential_of_evidence(session: Session, evidence_id: str) -> PortfolioCredential | None:
    """Return the portfolio credential whose bytes are this evidence document, if any."""
    return session.scalar(select(PortfolioCredential).where(PortfolioCredential.evidence_id == evidence_id))


def same_credential(
    session: Session, learner_id: str, *, sha256: str, credential_ref: str | None
) -> PortfolioCredential | None:
    """Return the learner's portfolio credential with the same bytes or the same credential id, if any."""
    stmt = (
        select(PortfolioCredential)
        .join(EvidenceDocument, EvidenceDocument.id == PortfolioCredential.evidence_id)
        .where(PortfolioCredential.learner_user_id == learner_id)
    )
    match = EvidenceDocument.sha256 == sha256
    if credential_ref:
        match = or_(match, PortfolioCredential.credential_ref == credential_ref)
    return session.scalars(stmt.where(match)).first()


def referenced_digests(session: Session | Connection, digests: Iterable[str]) -> set[str]:
    """Return which of these sha256 digests some evidence row (anyone's) still references."""
    wanted = sorted(set(digests))
    if not wanted:
        return set()
    return set(session.scalars(select(EvidenceDocument.sha256).where(EvidenceDocument.sha256.in_(wanted))))
