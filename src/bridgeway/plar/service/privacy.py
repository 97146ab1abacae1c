"""The learner's PLAR data in their account export and deletion (registered through bridgeway.kit.hooks).

Export: every portfolio entry, each evidence document's record with its bytes (base64, up to a total of
EXPORT_INLINE_BYTES; beyond that the record says how to download the rest), the verifiable credentials with
their documents, self-assessments and every recognition case.

Deletion (records policy, see docs/plar.md): the portfolio goes entirely, and with it every evidence file no one
else's row references (removed after the deletion commits). Cases that never reached a decision or a fee are the
learner's request only and are deleted; cases with a fee, a decision or an eligibility refusal are the
institution's academic record (credit granted, credentials issued, appeals) and are kept, without the
portfolio excerpts of their pre-assessment and without links to the deleted documents, with a note saying so.
Issued credentials are the credentials domain's and stay verifiable.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.kit import hooks
from bridgeway.kit.clock import utcnow
from bridgeway.plar import repository, schemas
from bridgeway.plar.domain import CaseState
from bridgeway.plar.models import (
    EvidenceDocument,
    LanguageResult,
    PriorCredential,
    RecognitionCase,
    SelfAssessment,
    WorkExperience,
)
from bridgeway.plar.service import cases, credentials, evidence

EXPORT_INLINE_BYTES = 64 * 1024 * 1024
# states in which a case holds no decision of the institution yet (the fee, once recorded, is a record too)
_REQUEST_ONLY = frozenset(
    {CaseState.REQUESTED.value, CaseState.SELF_ASSESSMENT.value, CaseState.METHODS.value, CaseState.FEE.value}
)
_PARTS: tuple[tuple[str, Any, Any], ...] = (
    ("work", WorkExperience, schemas.WorkExperienceRead),
    ("education", PriorCredential, schemas.PriorCredentialRead),
    ("languages", LanguageResult, schemas.LanguageResultRead),
    ("self_assessment", SelfAssessment, schemas.SelfAssessmentRead),
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _evidence_export(session: Session, learner_id: str) -> list[dict[str, Any]]:
    folder = evidence.evidence_dir_for(session)
    budget = EXPORT_INLINE_BYTES
    out: list[dict[str, Any]] = []
    for doc in repository.entries_of(session, EvidenceDocument, learner_id):
        item = schemas.EvidenceRead.model_validate(doc).model_dump(mode="json")
        item["extracted_text"] = doc.text
        path = folder / doc.sha256[:2] / doc.sha256
        if not path.is_file():
            item["content"] = "missing: the file is no longer in evidence storage"
        elif doc.size_bytes > budget:
            item["content"] = f"omitted for size: download it from /api/v1/plar/evidence/{doc.id}"
        else:
            item["content_base64"] = base64.b64encode(path.read_bytes()).decode("ascii")
            budget -= doc.size_bytes
        out.append(item)
    return out


def export_learner(session: Session, learner_id: str) -> dict[str, Any]:
    """Return the learner's PLAR records, JSON-ready: portfolio, evidence (with bytes), credentials, cases."""
    data: dict[str, Any] = {
        name: [
            read.model_validate(r).model_dump(mode="json")
            for r in repository.entries_of(session, model, learner_id)
        ]
        for name, model, read in _PARTS
    }
    data["evidence"] = _evidence_export(session, learner_id)
    data["credentials"] = [
        {**credentials.read(r).model_dump(mode="json"), "document": r.document}
        for r in repository.credentials_of(session, learner_id)
    ]
    data["cases"] = [
        cases.read(c).model_dump(mode="json") for c in repository.cases_of_learner(session, learner_id)
    ]
    return data


def _is_request_only(case: RecognitionCase) -> bool:
    decided = any(c.result is not None for c in case.competencies)
    return case.state in _REQUEST_ONLY and case.fee_cents is None and not decided


def _retain(case: RecognitionCase, when: datetime) -> None:
    note = (
        f"The learner deleted their account on {when.date().isoformat()}: their portfolio and documents are gone; "
        "the decisions are kept as the institution's record."
    )
    case.pre_assessment = []
    for competency in case.competencies:
        competency.evidence_ids = []
    case.last_note = f"{case.last_note}\n{note}".strip() if case.last_note else note


def erase_learner(session: Session, learner_id: str) -> None:
    """Delete the learner's portfolio and unshared evidence files; keep or delete each case by the records policy."""
    now = utcnow()
    digests = {d.sha256 for d in repository.entries_of(session, EvidenceDocument, learner_id)}
    for row in repository.credentials_of(session, learner_id):
        session.delete(row)
    session.flush()  # credentials reference evidence rows
    counts: dict[str, int] = {}
    for name, model in (*((n, m) for n, m, _ in _PARTS), ("evidence", EvidenceDocument)):
        rows = repository.entries_of(session, model, learner_id)
        counts[name] = len(rows)
        for row in rows:
            session.delete(row)
    deleted_cases, kept_cases = [], []
    for case in repository.cases_of_learner(session, learner_id):
        if _is_request_only(case):
            deleted_cases.append(case.id)
            session.delete(case)
        else:
            kept_cases.append(case.id)
            _retain(case, now)
    session.flush()
    evidence.release(session, evidence_dir=evidence.evidence_dir_for(session), digests=digests)
    accounts_service.record_audit(
        session,
        actor=None,
        action="plar.learner.erased",
        entity_type="user",
        entity_id=learner_id,
        after={**counts, "cases_deleted": deleted_cases, "cases_kept": kept_cases},
    )


hooks.register_exporter("plar", export_learner)
hooks.register_eraser("plar", erase_learner)
