"""The learner's portfolio: work history, education, languages, self-assessment; reads check consent."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.plar import errors, repository, schemas
from bridgeway.plar.models import (
    EvidenceDocument,
    LanguageResult,
    PortfolioCredential,
    PriorCredential,
    SelfAssessment,
    WorkExperience,
)
from bridgeway.plar.service import credentials, evidence

_KINDS: dict[str, type[Any]] = {
    "work": WorkExperience,
    "education": PriorCredential,
    "languages": LanguageResult,
    "self-assessment": SelfAssessment,
    "evidence": EvidenceDocument,
    "credentials": PortfolioCredential,
}


def check_viewer(session: Session, *, viewer: Principal, learner_id: str) -> None:
    """Raise NotFound for an unknown learner, ConsentRequired unless the viewer is them or has their consent."""
    accounts_service.get_user(session, learner_id)
    accounts_service.require_consent(session, learner_id=learner_id, viewer=viewer)


def get(
    session: Session,
    *,
    viewer: Principal,
    learner_id: str,
    settings: Settings | None = None,
    http: HttpFetcher | None = None,
) -> schemas.PortfolioRead:
    """Return a learner's whole portfolio to them or to someone they consented to.

    With settings, every verifiable credential in it is verified again first (a credential can be revoked,
    suspended or expire after upload); without, the outcome of the latest check is shown.
    """
    check_viewer(session, viewer=viewer, learner_id=learner_id)
    return schemas.PortfolioRead(
        learner_id=learner_id,
        work=[
            schemas.WorkExperienceRead.model_validate(r)
            for r in repository.entries_of(session, WorkExperience, learner_id)
        ],
        education=[
            schemas.PriorCredentialRead.model_validate(r)
            for r in repository.entries_of(session, PriorCredential, learner_id)
        ],
        languages=[
            schemas.LanguageResultRead.model_validate(r)
            for r in repository.entries_of(session, LanguageResult, learner_id)
        ],
        self_assessment=[
            schemas.SelfAssessmentRead.model_validate(r)
            for r in repository.entries_of(session, SelfAssessment, learner_id)
        ],
        evidence=[
            schemas.EvidenceRead.model_validate(r)
            for r in repository.entries_of(session, EvidenceDocument, learner_id)
        ],
        credentials=credentials.list_for(session, learner_id=learner_id, settings=settings, http=http),
        issued_credentials=credentials.held(session, learner_id=learner_id),
    )


def _add(session: Session, actor: Principal, row: Any, kind: str) -> Any:
    session.add(row)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"plar.portfolio.{kind}.added",
        entity_type=row.__tablename__,
        entity_id=row.id,
    )
    return row


def add_work(session: Session, *, actor: Principal, data: schemas.WorkExperienceCreate) -> WorkExperience:
    """Add a job to the actor's own work history."""
    return _add(session, actor, WorkExperience(learner_user_id=actor.user_id, **data.model_dump()), "work")  # type: ignore[no-any-return]


def add_education(
    session: Session, *, actor: Principal, data: schemas.PriorCredentialCreate
) -> PriorCredential:
    """Add education or a prior credential (Canadian or international) to the actor's portfolio."""
    values = data.model_dump()
    values["country"] = values["country"].upper()
    return _add(session, actor, PriorCredential(learner_user_id=actor.user_id, **values), "education")  # type: ignore[no-any-return]


def add_language(session: Session, *, actor: Principal, data: schemas.LanguageResultCreate) -> LanguageResult:
    """Add a language test result (CLB 1–12 per skill)."""
    result = LanguageResult(learner_user_id=actor.user_id, **data.model_dump())
    return _add(session, actor, result, "language")  # type: ignore[no-any-return]


def rate(session: Session, *, actor: Principal, data: schemas.SelfAssessmentIn) -> SelfAssessment:
    """Set the actor's self-assessment of one competency (replacing an earlier rating)."""
    row = repository.self_assessment(session, actor.user_id, data.competency_uri)
    before = {"rating": row.rating} if row else None
    if row is None:
        row = SelfAssessment(learner_user_id=actor.user_id, **data.model_dump())
        session.add(row)
    else:
        row.label, row.rating, row.note = data.label, data.rating, data.note
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.portfolio.self_assessment.rated",
        entity_type="plar_self_assessment",
        entity_id=row.id,
        before=before,
        after={"uri": row.competency_uri, "rating": row.rating},
    )
    return row


def remove(
    session: Session, *, actor: Principal, kind: str, entry_id: str, settings: Settings | None = None
) -> None:
    """Remove one of the actor's own portfolio entries; an evidence file no one else uses goes after commit.

    A credential and its evidence document go together (removing either removes both).
    """
    model = _KINDS.get(kind)
    row = session.get(model, entry_id) if model is not None else None
    if row is None or row.learner_user_id != actor.user_id:
        raise errors.UnknownEntry(f"no {kind} entry '{entry_id}' in your portfolio")
    doc: EvidenceDocument | None = None
    if isinstance(row, PortfolioCredential):
        doc = session.get(EvidenceDocument, row.evidence_id)
    elif isinstance(row, EvidenceDocument):
        doc = row
        row = repository.credential_of_evidence(session, doc.id) or doc
    for gone in dict.fromkeys([row, doc]):  # the credential row first: it references the document
        if gone is not None:
            session.delete(gone)
            session.flush()
    if doc is not None:
        evidence.release(
            session, evidence_dir=evidence.evidence_dir_for(session, settings), digests=[doc.sha256]
        )
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"plar.portfolio.{kind}.removed",
        entity_type=str(getattr(model, "__tablename__", kind)),
        entity_id=entry_id,
    )


def get_evidence(session: Session, *, viewer: Principal, evidence_id: str) -> EvidenceDocument:
    """Return one evidence document to its learner or to someone they consented to."""
    doc = repository.entry(session, EvidenceDocument, evidence_id)
    if doc is None:
        raise errors.UnknownEntry(f"no evidence document '{evidence_id}'")
    check_viewer(session, viewer=viewer, learner_id=doc.learner_user_id)
    return doc


def inference_texts(session: Session, learner_id: str) -> list[tuple[str, str]]:
    """Return (source, text) pairs the inference engine reads: each job's title and duties, credentials, documents."""
    out: list[tuple[str, str]] = []
    for w in repository.entries_of(session, WorkExperience, learner_id):
        out.append((f"work:{w.id}", f"{w.title}\n{w.duties}".strip()))
    for c in repository.entries_of(session, PriorCredential, learner_id):
        out.append((f"education:{c.id}", c.title))
    for d in repository.entries_of(session, EvidenceDocument, learner_id):
        if d.text:
            out.append((f"evidence:{d.id}", d.text[:20_000]))
    return out
