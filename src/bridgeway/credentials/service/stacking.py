"""Stacking: a learner holding every required component of a rule earns the parent credential.

Rules come as `StackRule` (see catalog_adapter for the catalogue's). Where a rule asks for approval the
award waits as a pending `StackAward` until a registrar approves it; otherwise the parent is issued at once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings
from bridgeway.credentials import errors, repository
from bridgeway.credentials.models import StackAward
from bridgeway.credentials.schemas import IssueRequest, Recipient, StackRule
from bridgeway.credentials.service import issuance
from bridgeway.kit.clock import utcnow


def is_satisfied(rule: StackRule, held: set[str]) -> bool:
    """Return True when the held achievement refs earn the rule's parent."""
    return set(rule.required) <= held and len(set(rule.electives) & held) >= rule.electives_required


def _issue_parent(
    session: Session, *, settings: Settings, award: StackAward, rule: StackRule, actor: Principal | None
) -> None:
    request = IssueRequest(
        achievement=rule.parent,
        recipient=Recipient(user_id=award.learner_user_id),
        idempotency_key=f"stack:{award.learner_user_id}:{rule.parent.ref}"[:200],
        kind="stack",
        source_type="stack_award",
        source_id=award.id,
    )
    credential = issuance.issue(
        session, settings=settings, institution_id=rule.institution_id, request=request, actor=actor
    )
    award.state, award.credential_id, award.decided_at = "awarded", credential.id, utcnow()
    award.decided_by_user_id = actor.user_id if actor else None
    session.flush()


def evaluate(
    session: Session,
    *,
    settings: Settings,
    learner_user_id: str,
    rules: list[StackRule],
    actor: Principal | None,
) -> list[StackAward]:
    """Award (or queue for approval) every parent whose rule the learner's credentials in force now satisfy."""
    in_force = [
        c for c in repository.credentials_of_learner(session, learner_user_id) if c.status == "active"
    ]
    held = {c.achievement_ref for c in in_force}
    by_ref = {c.achievement_ref: c.id for c in in_force}
    created = []
    for rule in rules:
        if rule.parent.ref in held or not is_satisfied(rule, held):
            continue
        if repository.stack_award(session, learner_user_id, rule.parent.ref) is not None:
            continue
        components = [by_ref[r] for r in sorted((set(rule.required) | set(rule.electives)) & held)]
        award = StackAward(
            institution_id=rule.institution_id,
            learner_user_id=learner_user_id,
            parent_ref=rule.parent.ref,
            component_credential_ids=components,
            state="pending",
        )
        session.add(award)
        session.flush()
        accounts_service.record_audit(
            session,
            actor=actor,
            action="stack_award.earned",
            entity_type="stack_award",
            entity_id=award.id,
            institution_id=rule.institution_id,
            after={
                "parent": rule.parent.ref,
                "components": components,
                "needs_approval": rule.requires_approval,
            },
        )
        if not rule.requires_approval:
            _issue_parent(session, settings=settings, award=award, rule=rule, actor=actor)
        created.append(award)
    return created


def pending_awards(session: Session, *, institution_id: str) -> list[StackAward]:
    """Return the institution's stack awards waiting for approval."""
    return repository.pending_stack_awards(session, institution_id)


def decide(
    session: Session,
    *,
    settings: Settings,
    award_id: str,
    approve: bool,
    rules: list[StackRule],
    actor: Principal,
) -> StackAward:
    """Approve (and issue the parent) or reject a pending stack award of the actor's institution."""
    award = session.get(StackAward, award_id)
    if award is None or award.institution_id != actor.institution_id:
        raise errors.UnknownStackAward(f"no stack award '{award_id}' in your institution")
    if award.state != "pending":
        raise errors.StackApprovalRefused(f"the stack award is already {award.state}")
    if approve:
        rule = next((r for r in rules if r.parent.ref == award.parent_ref), None)
        if rule is None:
            raise errors.StackApprovalRefused("the stacking rule of this award is no longer published")
        _issue_parent(session, settings=settings, award=award, rule=rule, actor=actor)
    else:
        award.state, award.decided_at, award.decided_by_user_id = "rejected", utcnow(), actor.user_id
        session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="stack_award.approved" if approve else "stack_award.rejected",
        entity_type="stack_award",
        entity_id=award.id,
        after={"state": award.state, "credential": award.credential_id},
    )
    return award
