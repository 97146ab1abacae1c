"""Recognition cases: each use case loads the case, checks who may act (domain rules), changes it, audits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import BridgewayError, Forbidden, InvalidInput
from bridgeway.kit.mail import MailSettings
from bridgeway.plar import domain, errors, repository, schemas
from bridgeway.plar.domain import Action, CaseState, Party
from bridgeway.plar.models import CaseCompetency, EvidenceDocument, RecognitionCase, SelfAssessment
from bridgeway.plar.service import notices, portfolio


def state_of(case: RecognitionCase) -> dict[str, Any]:
    """Return the audited state of a case."""
    return {
        "state": case.state,
        "assessor": case.assessor_user_id,
        "moderator": case.moderator_user_id,
        "decisions": {c.competency_uri: c.result for c in case.competencies if c.result},
    }


def read(case: RecognitionCase, *, show_portfolio: bool = True) -> schemas.CaseRead:
    """Return the API form of a case (without the portfolio-derived pre-assessment when the viewer lacks consent)."""
    data = {
        k: getattr(case, k) for k in schemas.CaseRead.model_fields if k not in {"waiting_on", "competencies"}
    }
    if not show_portfolio:
        data["pre_assessment"] = []
    return schemas.CaseRead(
        **data,
        waiting_on=domain.WAITING_ON[CaseState(case.state)].value,
        competencies=[schemas.CaseCompetencyRead.model_validate(c) for c in case.competencies],
    )


def _load(session: Session, case_id: str, *, for_update: bool = False) -> RecognitionCase:
    case = repository.case(session, case_id, for_update=for_update)
    if case is None:
        raise errors.UnknownCase(f"no recognition case '{case_id}'")
    return case


def get_for(session: Session, *, viewer: Principal, case_id: str) -> RecognitionCase:
    """Return a case to its learner or to staff of its institution."""
    case = _load(session, case_id)
    if viewer.user_id != case.learner_user_id and not viewer.is_staff_of(case.institution_id):
        raise errors.UnknownCase(f"no recognition case '{case_id}'")
    return case


def read_for(session: Session, case: RecognitionCase, *, viewer: Principal) -> schemas.CaseRead:
    """Return the API form of a case for this viewer (consent decides whether portfolio excerpts show)."""
    allowed = accounts_service.has_consent(session, learner_id=case.learner_user_id, viewer=viewer)
    return read(case, show_portfolio=allowed)


def list_for_learner(session: Session, *, actor: Principal) -> list[RecognitionCase]:
    """Return the actor's own cases."""
    return repository.cases_of_learner(session, actor.user_id)


def caseload(session: Session, *, actor: Principal, mine: bool = True) -> list[RecognitionCase]:
    """Return the open cases of the actor's institution (by default those the actor advises, assesses or moderates)."""
    if actor.institution_id is None:
        raise Forbidden("a caseload belongs to an institution's staff")
    open_states = [s.value for s in CaseState if s not in (CaseState.OUTCOME, CaseState.INELIGIBLE)]
    cases = repository.caseload(
        session, actor.institution_id, user_id=actor.user_id if mine else None, states=open_states
    )
    if mine and actor.has_role(Role.ADVISOR):  # advisors also see unclaimed requests
        seen = {c.id for c in cases}
        cases += [
            c
            for c in repository.caseload(session, actor.institution_id, states=[CaseState.REQUESTED.value])
            if c.id not in seen
        ]
    return cases


def request(
    session: Session, *, actor: Principal, data: schemas.CaseCreate, settings: MailSettings | None = None
) -> RecognitionCase:
    """Open a case: the actor (a learner) asks an institution to recognise these competencies.

    The institution's advisors are notified (in-app and e-mail, sent once the transaction commits).
    """
    accounts_service.get_institution(session, data.institution_id)
    uris = [c.uri for c in data.competencies]
    if len(set(uris)) != len(uris):
        raise InvalidInput("a competency is listed twice")
    for course in data.courses:
        unknown = sorted(set(course.competency_uris) - set(uris))
        if unknown:
            raise InvalidInput(
                f"course {course.code} names competencies outside the request", detail={"unknown": unknown}
            )
    case = RecognitionCase(
        institution_id=data.institution_id,
        learner_user_id=actor.user_id,
        target_kind=data.target_kind.value,
        target_ref=data.target_ref,
        target_label=data.target_label,
        courses=[c.model_dump() for c in data.courses],
        state=CaseState.REQUESTED.value,
        pre_assessment=[],
        competencies=[
            CaseCompetency(position=i, competency_uri=c.uri, label=c.label, evidence_ids=[], rules={})
            for i, c in enumerate(data.competencies)
        ],
    )
    session.add(case)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.case.requested",
        entity_type="plar_case",
        entity_id=case.id,
        institution_id=case.institution_id,
        after=state_of(case),
    )
    notices.after_step(session, case=case, event=domain.REQUESTED_EVENT, actor=actor, settings=settings)
    return case


def _check_party(case: RecognitionCase, actor: Principal, party: Party) -> None:
    if party is Party.LEARNER:
        if actor.user_id != case.learner_user_id:
            raise errors.WrongParty("only the learner may do this on their case")
    elif party is Party.ADVISOR:
        if not (actor.has_role(Role.ADVISOR) and actor.is_staff_of(case.institution_id)):
            raise errors.WrongParty("only an advisor of the case's institution may do this")
    elif party is Party.ASSESSOR:
        if actor.user_id != case.assessor_user_id:
            raise errors.NotAssignedAssessor(
                "only the assessor assigned to this case may assess and decide it",
                detail={"assigned": case.assessor_user_id is not None},
            )
    elif party is Party.MODERATOR:
        if actor.user_id == case.assessor_user_id:
            raise errors.WrongParty("moderation and appeals need a second assessor, not the one who decided")
        allowed = (
            actor.user_id == case.moderator_user_id
            if case.moderator_user_id
            else (actor.has_role(Role.ASSESSOR) and actor.is_staff_of(case.institution_id))
        )
        if not allowed:
            raise errors.WrongParty("only the case's moderator (a second assessor) may do this")


def may_act(case: RecognitionCase, actor: Principal, party: Party) -> bool:
    """Return True when the actor is the party the case waits on (for showing buttons; services check again)."""
    try:
        _check_party(case, actor, party)
    except BridgewayError:
        return False
    return True


def available_actions(case: RecognitionCase, actor: Principal) -> list[Action]:
    """Return the actions the actor may take on the case now."""
    state = CaseState(case.state)
    return [
        a for (s, a), (_, party) in domain.TRANSITIONS.items() if s is state and may_act(case, actor, party)
    ]


def _step(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    action: Action,
    reason: str | None = None,
    change: Callable[[RecognitionCase], CaseState | None] | None = None,
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """Run one transition: load and lock, check state and party, apply the change, audit, notify; all or nothing."""
    case = _load(session, case_id, for_update=True)
    if actor.user_id != case.learner_user_id and not actor.is_staff_of(case.institution_id):
        raise errors.UnknownCase(f"no recognition case '{case_id}'")
    target, party = domain.transition(CaseState(case.state), action, reason=reason)
    _check_party(case, actor, party)
    before = state_of(case)
    override = change(case) if change is not None else None  # raises before anything is flushed
    case.state = (override or target).value
    case.state_changed_at = utcnow()
    if reason:
        case.last_note = reason.strip()
    if party is Party.ADVISOR and case.advisor_user_id is None:
        case.advisor_user_id = actor.user_id
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"plar.case.{action.value}",
        entity_type="plar_case",
        entity_id=case.id,
        institution_id=case.institution_id,
        before=before,
        after=state_of(case),
        note=reason or None,
    )
    notices.after_step(session, case=case, event=action.value, actor=actor, settings=settings)
    return case


def decide_eligibility(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    eligible: bool,
    reason: str = "",
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """An advisor confirms the learner is eligible, or refuses with a reason."""
    action = Action.CONFIRM_ELIGIBILITY if eligible else Action.REFUSE_ELIGIBILITY
    return _step(session, actor=actor, case_id=case_id, action=action, reason=reason, settings=settings)


def submit_self_assessment(
    session: Session, *, actor: Principal, case_id: str, settings: MailSettings | None = None
) -> RecognitionCase:
    """The learner submits their self-assessment (from the portfolio's ratings of the case's competencies)."""

    def change(case: RecognitionCase) -> None:
        rated = {
            s.competency_uri for s in repository.entries_of(session, SelfAssessment, case.learner_user_id)
        }
        missing = [c.competency_uri for c in case.competencies if c.competency_uri not in rated]
        if missing:
            raise errors.IncompleteCase(
                "rate yourself on every competency of the case first", detail={"missing": missing}
            )

    return _step(
        session,
        actor=actor,
        case_id=case_id,
        action=Action.SUBMIT_SELF_ASSESSMENT,
        change=change,
        settings=settings,
    )


def _staff_with_role(session: Session, user_id: str, institution_id: str, role: Role, what: str) -> None:
    try:
        user = accounts_service.get_user(session, user_id)
    except BridgewayError:
        raise InvalidInput(f"the {what} '{user_id}' is unknown") from None
    if user.institution_id != institution_id or role not in accounts_service.roles_of(user):
        raise InvalidInput(f"the {what} must be an {role.value} of the case's institution")


def choose_methods(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    data: schemas.MethodsIn,
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """An advisor chooses a method per competency and assigns the assessor (and optionally the moderator)."""

    def change(case: RecognitionCase) -> None:
        chosen = {m.competency_uri: m.method for m in data.methods}
        known = {c.competency_uri for c in case.competencies}
        unknown = sorted(set(chosen) - known)
        missing = sorted(known - set(chosen))
        if unknown or missing:
            raise errors.IncompleteCase(
                "choose one method for each competency of the case",
                detail={"unknown": unknown, "missing": missing},
            )
        _staff_with_role(session, data.assessor_user_id, case.institution_id, Role.ASSESSOR, "assessor")
        if data.moderator_user_id is not None:
            _staff_with_role(session, data.moderator_user_id, case.institution_id, Role.ASSESSOR, "moderator")
            if data.moderator_user_id == data.assessor_user_id:
                raise InvalidInput("the moderator must be a second assessor, not the assessor")
        for c in case.competencies:
            c.method = chosen[c.competency_uri].value
        case.assessor_user_id, case.moderator_user_id = data.assessor_user_id, data.moderator_user_id

    return _step(
        session, actor=actor, case_id=case_id, action=Action.CHOOSE_METHODS, change=change, settings=settings
    )


def record_fee(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    amount_cents: int,
    reference: str = "",
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """An advisor records the assessment fee (0 for a waiver); assessment starts."""

    def change(case: RecognitionCase) -> None:
        case.fee_cents, case.fee_reference = amount_cents, reference or None

    return _step(
        session, actor=actor, case_id=case_id, action=Action.RECORD_FEE, change=change, settings=settings
    )


def link_evidence(
    session: Session, *, actor: Principal, case_id: str, competency_uri: str, evidence_ids: Sequence[str]
) -> RecognitionCase:
    """The learner attaches portfolio documents to one competency of their open case."""
    case = _load(session, case_id, for_update=True)
    if actor.user_id != case.learner_user_id:
        raise errors.UnknownCase(f"no recognition case '{case_id}'")
    if CaseState(case.state) in (CaseState.OUTCOME, CaseState.INELIGIBLE, CaseState.MODERATION):
        raise errors.InvalidTransition(f"evidence cannot change while the case is '{case.state}'")
    item = _competency(case, competency_uri)
    docs = repository.evidence_of(session, actor.user_id, evidence_ids)
    missing = sorted(set(evidence_ids) - {d.id for d in docs})
    if missing:
        raise errors.UnknownEntry("some documents are not in your portfolio", detail={"missing": missing})
    before = list(item.evidence_ids)
    item.evidence_ids = list(dict.fromkeys([*before, *evidence_ids]))
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.case.evidence_linked",
        entity_type="plar_case",
        entity_id=case.id,
        institution_id=case.institution_id,
        before={competency_uri: before},
        after={competency_uri: item.evidence_ids},
    )
    return case


def request_evidence(
    session: Session, *, actor: Principal, case_id: str, reason: str, settings: MailSettings | None = None
) -> RecognitionCase:
    """The assigned assessor asks the learner for more evidence, saying what."""
    return _step(
        session,
        actor=actor,
        case_id=case_id,
        action=Action.REQUEST_EVIDENCE,
        reason=reason,
        settings=settings,
    )


def provide_evidence(
    session: Session, *, actor: Principal, case_id: str, settings: MailSettings | None = None
) -> RecognitionCase:
    """The learner says the requested evidence is in; the assessor resumes."""
    return _step(session, actor=actor, case_id=case_id, action=Action.PROVIDE_EVIDENCE, settings=settings)


def _competency(case: RecognitionCase, uri: str) -> CaseCompetency:
    for c in case.competencies:
        if c.competency_uri == uri:
            return c
    raise errors.UnknownEntry(f"the case has no competency '{uri}'")


def decide(session: Session, *, actor: Principal, case_id: str, data: schemas.DecisionIn) -> RecognitionCase:
    """The assigned assessor decides one competency, with reasons and the rules of evidence judged."""
    case = _load(session, case_id, for_update=True)
    if actor.user_id != case.learner_user_id and not actor.is_staff_of(case.institution_id):
        raise errors.UnknownCase(f"no recognition case '{case_id}'")
    _check_party(case, actor, Party.ASSESSOR)
    if CaseState(case.state) is not CaseState.ASSESSMENT:
        raise errors.InvalidTransition(f"decisions are made during assessment; the case is '{case.state}'")
    item = _competency(case, data.competency_uri)
    decision = domain.check_decision(data.result, data.reasons, data.rules)
    before = {"result": item.result, "reasons": item.reasons}
    item.result, item.reasons, item.rules = decision.result.value, decision.reasons, dict(decision.rules)
    item.decided_by_user_id, item.decided_at, item.moderated = actor.user_id, utcnow(), False
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.case.decided",
        entity_type="plar_case",
        entity_id=case.id,
        institution_id=case.institution_id,
        before={data.competency_uri: before},
        after={data.competency_uri: {"result": item.result, "reasons": item.reasons, "rules": item.rules}},
    )
    return case


def complete_assessment(
    session: Session, *, actor: Principal, case_id: str, settings: MailSettings | None = None
) -> RecognitionCase:
    """The assessor completes the case; it goes to moderation when the institution's policy requires."""

    def change(case: RecognitionCase) -> CaseState:
        undecided = [c.competency_uri for c in case.competencies if not c.result]
        if undecided:
            raise errors.IncompleteCase("decide every competency first", detail={"undecided": undecided})
        policy = accounts_service.get_institution(session, case.institution_id).plar_policy or {}
        return domain.state_after_assessment(
            policy, [domain.Result(c.result) for c in case.competencies if c.result]
        )

    return _step(
        session,
        actor=actor,
        case_id=case_id,
        action=Action.COMPLETE_ASSESSMENT,
        change=change,
        settings=settings,
    )


def moderate(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    agree: bool,
    reason: str = "",
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """A second assessor confirms the decisions, or returns them to the assessor with a reason."""

    def change(case: RecognitionCase) -> None:
        for c in case.competencies:
            c.moderated = agree

    action = Action.MODERATE_AGREE if agree else Action.MODERATE_RETURN
    return _step(
        session, actor=actor, case_id=case_id, action=action, reason=reason, change=change, settings=settings
    )


def appeal(
    session: Session, *, actor: Principal, case_id: str, reason: str, settings: MailSettings | None = None
) -> RecognitionCase:
    """The learner appeals the outcome, saying why."""
    return _step(
        session, actor=actor, case_id=case_id, action=Action.APPEAL, reason=reason, settings=settings
    )


def resolve_appeal(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    uphold: bool,
    reason: str,
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """A second assessor upholds the appeal (back to assessment) or dismisses it (the outcome stands)."""
    action = Action.UPHOLD_APPEAL if uphold else Action.DISMISS_APPEAL
    return _step(session, actor=actor, case_id=case_id, action=action, reason=reason, settings=settings)


class InferenceEngine(Protocol):
    """What pre-assessment needs of the skill-inference engine."""

    def infer_many(self, texts: Sequence[str], *, top_k: int = 10) -> list[Any]: ...


def pre_assess(
    session: Session,
    *,
    actor: Principal,
    case_id: str,
    engine_provider: Callable[[], InferenceEngine],
    top_k: int = 10,
) -> RecognitionCase:
    """Run skill inference over the learner's portfolio and keep the proposals on the case for the assessor."""
    case = _load(session, case_id, for_update=True)
    if not actor.is_staff_of(case.institution_id):
        raise errors.UnknownCase(f"no recognition case '{case_id}'")
    portfolio.check_viewer(session, viewer=actor, learner_id=case.learner_user_id)
    sources = portfolio.inference_texts(session, case.learner_user_id)
    if not sources:
        raise errors.IncompleteCase(
            "the learner's portfolio has no work history, credentials or readable documents"
        )
    outcomes = engine_provider().infer_many([t for _, t in sources], top_k=top_k)
    targets = {c.competency_uri for c in case.competencies}
    best: dict[str, dict[str, Any]] = {}
    for (source, _), outcome in zip(sources, outcomes, strict=True):
        if isinstance(outcome, BridgewayError):
            continue  # an empty or foreign-language entry proposes nothing; the others still count
        for p in outcome.proposals:
            found = best.get(p.uri)
            if found is None or p.confidence > found["confidence"]:
                best[p.uri] = {
                    "uri": p.uri,
                    "label": p.label,
                    "confidence": round(p.confidence, 4),
                    "source": source,
                    "in_case": p.uri in targets,
                    "evidence": [
                        {"sentence": e.sentence, "words": list(e.matched_words)} for e in p.evidence
                    ],
                }
    before = {"proposals": len(case.pre_assessment or [])}
    case.pre_assessment = sorted(best.values(), key=lambda d: (-d["in_case"], -d["confidence"]))
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.case.pre_assessed",
        entity_type="plar_case",
        entity_id=case.id,
        institution_id=case.institution_id,
        before=before,
        after={"proposals": len(case.pre_assessment)},
    )
    return case


def evidence_for(session: Session, case: RecognitionCase, item: CaseCompetency) -> list[EvidenceDocument]:
    """Return the documents linked to one competency of a case."""
    return repository.evidence_of(session, case.learner_user_id, item.evidence_ids or [])
