"""What the learner's PLAR pages show: the request form's choices and a case seen by its learner.

Pure view building over the services (no routes here): `pages.py` renders these dictionaries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Principal
from bridgeway.kit.errors import InvalidInput
from bridgeway.plar.domain import Action, CaseState, Result, TargetKind
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.service import cases, outcomes, portfolio, targets

# states in which the learner may still attach evidence (the service refuses the others)
EVIDENCE_CLOSED = (CaseState.OUTCOME, CaseState.INELIGIBLE, CaseState.MODERATION)
LEARNER_FORMS = (Action.APPEAL, Action.PROVIDE_EVIDENCE)  # shown in the learner's own sections
NEXT_FOR_LEARNER = {
    "self_assessment": "Rate yourself on each competency below and submit your self-assessment.",
    "more_evidence": "The assessor asked for more evidence: answer below.",
    "assessment": "You can still link evidence to each competency while the assessor reviews it.",
    "requested": "An advisor checks that you are eligible.",
    "methods": "An advisor chooses how each competency is assessed.",
    "fee": "An advisor records the assessment fee.",
    "moderation": "A second assessor reviews the decisions before they are final.",
    "appealed": "A second assessor considers your appeal.",
    "outcome": "Your outcome is final: see your credit, credentials and what is left to learn.",
    "ineligible": "This request was not eligible; the reason is above.",
}


def request_context(
    session: Session,
    principal: Principal,
    institution_id: str | None,
    *,
    error: str | None = None,
    chosen: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the request page: the consented institutions and, once one is chosen, its catalogue."""
    institutions = targets.consented_institutions(session, actor=principal)
    options = None
    if institution_id:
        try:
            options = targets.options(session, actor=principal, institution_id=institution_id)
        except InvalidInput as exc:  # not an institution the learner consented to
            error = error or exc.message
    return {
        "institutions": institutions,
        "institution_id": institution_id or "",
        "options": options,
        "error": error,
        "chosen": chosen or {"program_id": "", "micro_ids": []},
    }


def learner_context(session: Session, case: RecognitionCase, principal: Principal) -> dict[str, Any]:
    """Return what the learner sees on their own case: evidence, requests, appeal and the outcome."""
    state = CaseState(case.state)
    docs = portfolio.get(session, viewer=principal, learner_id=principal.user_id).evidence
    linked = {c.competency_uri: cases.evidence_for(session, case, c) for c in case.competencies}
    actions = cases.available_actions(case, principal)
    return {
        "documents": docs,
        "linked": linked,
        "can_link": state not in EVIDENCE_CLOSED,
        "evidence_request": case.last_note if state is CaseState.MORE_EVIDENCE else None,
        "can_provide": Action.PROVIDE_EVIDENCE in actions,
        "can_appeal": Action.APPEAL in actions,
        "next_for_learner": NEXT_FOR_LEARNER[state.value],
        "outcome": outcome_context(session, case, principal) if state is CaseState.OUTCOME else None,
    }


def outcome_context(session: Session, case: RecognitionCase, principal: Principal) -> dict[str, Any]:
    """Return the outcome: credit for the registrar, credentials issued, and the gaps with what teaches them."""
    credit = None
    if case.courses and case.target_kind in (TargetKind.PROGRAM.value, TargetKind.CREDENTIAL.value):
        credit = outcomes.credit(session, viewer=principal, case_id=case.id)
    gaps = outcomes.gaps(session, viewer=principal, case_id=case.id).gaps
    teaching = {
        g.uri: [c for c in case.courses or [] if g.uri in (c.get("competency_uris") or [])] for g in gaps
    }
    issued: dict[str, dict[str, str]] = {}
    for c in case.competencies:
        if c.result == Result.RECOGNISED.value and c.credential_id:
            issued.setdefault(c.credential_id, {"id": c.credential_id, "label": c.label})
    for course in case.courses or []:
        if course.get("credential_id"):
            issued[course["credential_id"]] = {"id": course["credential_id"], "label": course["title"]}
    recognised = sum(1 for c in case.competencies if c.result == Result.RECOGNISED.value)
    return {
        "credit": credit,
        "gaps": gaps,
        "teaching": teaching,
        "credentials": list(issued.values()),
        "recognised": recognised,
        "pending_credentials": recognised > 0 and not issued,
    }
