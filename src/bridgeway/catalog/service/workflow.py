"""Quality assurance and institutional approval: submit, review, send back, approve, publish, retire."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.catalog import domain, errors, repository
from bridgeway.catalog.domain import Action, OpportunityKind, VersionFacts, VersionState
from bridgeway.catalog.models import OpportunityVersion, QaReview
from bridgeway.catalog.schemas import QaReviewIn
from bridgeway.catalog.service.authoring import get_version, version_snapshot
from bridgeway.kit.clock import utcnow

ACTION_NAMES = {
    Action.SUBMIT: "submitted",
    Action.PASS_QA: "qa_passed",
    Action.SEND_BACK: "sent_back",
    Action.APPROVE: "approved",
    Action.PUBLISH: "published",
    Action.RETIRE: "retired",
}


def facts_of(version: OpportunityVersion) -> VersionFacts:
    """Return what the workflow rules need to know about a stored version."""
    return VersionFacts(
        state=VersionState(version.state),
        institution_id=version.opportunity.institution_id,
        author_id=version.author_id,
        qa_passed=version.qa_passed_at is not None,
    )


def _transition(
    session: Session,
    version: OpportunityVersion,
    action: Action,
    actor: Principal,
    *,
    note: str | None = None,
) -> OpportunityVersion:
    """Apply one workflow step: check it with the pure rules, stamp it, and audit before and after."""
    after = domain.decide(facts_of(version), action, actor)
    before = version_snapshot(version)
    now = utcnow()
    version.state = after.state.value
    if action is Action.SUBMIT:
        version.submitted_at = now
    if after.qa_passed and version.qa_passed_at is None:
        version.qa_passed_at, version.qa_passed_by_id = now, actor.user_id
    if not after.qa_passed:
        version.qa_passed_at, version.qa_passed_by_id = None, None
    if action is Action.APPROVE:
        version.approved_at, version.approved_by_id = now, actor.user_id
    if action is Action.SEND_BACK:
        version.approved_at, version.approved_by_id = None, None
    if action is Action.PUBLISH:
        version.published_at = now
    if action is Action.RETIRE:
        version.retired_at = now
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"catalog.version.{ACTION_NAMES[action]}",
        entity_type="opportunity_version",
        entity_id=version.id,
        institution_id=version.opportunity.institution_id,
        before=before,
        after=version_snapshot(version),
        note=note,
    )
    return version


def submit(session: Session, *, actor: Principal, version_id: str) -> OpportunityVersion:
    """Send a complete draft to QA review; what is missing is listed in the error's detail."""
    version = get_version(session, version_id)
    domain.decide(facts_of(version), Action.SUBMIT, actor)  # role, tenant and state first
    problems = domain.review_problems(
        domain.DraftFacts(
            kind=OpportunityKind(version.opportunity.kind),
            title_en=version.title_en,
            title_fr=version.title_fr,
            description_en=version.description_en,
            description_fr=version.description_fr,
            aligned=version.alignment is not None,
            employer_statements=len(version.statements),
            has_assessment=version.assessment_method is not None and version.rubric is not None,
            stacking_components=len(version.components),
        )
    )
    if problems:
        raise errors.NotReadyForReview(
            "the draft is not ready for QA review: " + "; ".join(problems), detail=problems
        )
    return _transition(session, version, Action.SUBMIT, actor)


def review(session: Session, *, actor: Principal, version_id: str, data: QaReviewIn) -> QaReview:
    """Record a QA reviewer's checklist: all 'yes' passes QA; any 'no' sends the version back with comments."""
    version = get_version(session, version_id)
    failed = domain.check_checklist(data.answers)
    action = Action.SEND_BACK if failed else Action.PASS_QA
    if failed and not (data.comment or any(data.item_comments.get(k) for k in failed)):
        raise errors.InvalidInput("say why: a review that sends a version back needs a comment")
    if failed:  # the reviewer's independence applies to sending back as much as to passing
        domain.decide(facts_of(version), Action.PASS_QA, actor)
    _transition(session, version, action, actor, note=data.comment or None)
    record = QaReview(
        version_id=version.id,
        reviewer_id=actor.user_id,
        answers=dict(data.answers),
        item_comments={k: v for k, v in data.item_comments.items() if v},
        comment=data.comment,
        outcome="sent_back" if failed else "passed",
    )
    session.add(record)
    session.flush()
    return record


def send_back(session: Session, *, actor: Principal, version_id: str, comment: str) -> OpportunityVersion:
    """Return a version in review or approved to its authors with a comment."""
    version = get_version(session, version_id)
    return _transition(session, version, Action.SEND_BACK, actor, note=comment)


def approve(session: Session, *, actor: Principal, version_id: str) -> OpportunityVersion:
    """Approve a version whose QA passed; the approver may not be its author."""
    return _transition(session, get_version(session, version_id), Action.APPROVE, actor)


def publish(session: Session, *, actor: Principal, version_id: str) -> OpportunityVersion:
    """Publish an approved version; the previously published version of the same opportunity is retired."""
    version = get_version(session, version_id)
    domain.decide(facts_of(version), Action.PUBLISH, actor)
    previous = repository.published_version(session, version.opportunity_id)
    if previous is not None:
        _transition(session, previous, Action.RETIRE, actor, note=f"superseded by version {version.number}")
    return _transition(session, version, Action.PUBLISH, actor)


def retire(session: Session, *, actor: Principal, version_id: str) -> OpportunityVersion:
    """Withdraw a published version from the catalogue (credentials already issued from it stay valid)."""
    return _transition(session, get_version(session, version_id), Action.RETIRE, actor)


def qa_reviews(session: Session, *, actor: Principal, version_id: str) -> list[QaReview]:
    """Return the QA reviews of a version, oldest first (to staff of its institution)."""
    version = get_version(session, version_id)
    if not actor.is_staff_of(version.opportunity.institution_id):
        raise errors.OtherInstitution("staff act only within their own institution")
    return repository.qa_reviews_of(session, version_id)


def queue(session: Session, *, actor: Principal) -> dict[str, list[OpportunityVersion]]:
    """Return the actor's institution's versions waiting for review, approval and publication, and open drafts."""
    if actor.institution_id is None or not actor.is_staff_of(actor.institution_id):
        raise errors.OtherInstitution("the workflow queue is for staff of an institution")
    versions = repository.versions_in_states(
        session,
        actor.institution_id,
        [VersionState.DRAFT.value, VersionState.IN_REVIEW.value, VersionState.APPROVED.value],
    )
    return {
        "drafts": [v for v in versions if v.state == VersionState.DRAFT.value],
        "awaiting_qa": [
            v for v in versions if v.state == VersionState.IN_REVIEW.value and v.qa_passed_at is None
        ],
        "awaiting_approval": [
            v for v in versions if v.state == VersionState.IN_REVIEW.value and v.qa_passed_at
        ],
        "awaiting_publication": [v for v in versions if v.state == VersionState.APPROVED.value],
    }
