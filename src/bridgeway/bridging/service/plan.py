"""The individual learning plan: proposed from the intake, edited by the advisor, items marked done by the learner."""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.bridging import domain, errors, repository, schemas
from bridgeway.bridging.models import BridgingIntake, PlanItem
from bridgeway.bridging.service import access, occupations, reads
from bridgeway.bridging.service.intakes import audit, touch
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput, NotFound
from bridgeway.plar import service as plar_service

ITEM_FIELDS = (  # what an advisor may set on an item
    "title",
    "notes",
    "step_kind",
    "regulator_name",
    "support_kind",
    "plar_case_id",
    "opportunity_id",
    "owner",
    "owner_name",
    "status",
    "target_on",
    "started_on",
    "completed_on",
)


def _state(item: PlanItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": item.title,
        "owner": item.owner,
        "status": item.status,
        "step_kind": item.step_kind,
        "regulator": item.regulator_name,
        "target_on": item.target_on.isoformat() if item.target_on else None,
        "started_on": item.started_on.isoformat() if item.started_on else None,
        "completed_on": item.completed_on.isoformat() if item.completed_on else None,
        "position": item.position,
    }


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _check_links(session: Session, intake: BridgingIntake, actor: Principal, item: PlanItem) -> None:
    """A linked PLAR case must be this learner's at this institution; a catalogue entry must be published."""
    if item.plar_case_id:
        try:
            case = plar_service.cases.get_for(session, viewer=actor, case_id=item.plar_case_id)
        except NotFound:
            case = None
        if case is None or case.learner_user_id != intake.learner_user_id:
            raise errors.UnknownReference(f"no recognition case '{item.plar_case_id}' of this learner here")
    if item.opportunity_id:
        occupations.opportunity_title(session, item.opportunity_id)


def _check_item(item: PlanItem) -> None:
    """The rules an item keeps whatever changed: kinds with their detail, dates in order."""
    kind = domain.ItemKind(item.kind)
    if kind is domain.ItemKind.LICENSING and not item.step_kind:
        raise InvalidInput("a licensing step says which kind of step it is (step_kind)")
    if kind is domain.ItemKind.SUPPORT and not item.support_kind:
        raise InvalidInput("a wraparound support says which support it is (support_kind)")
    if item.status == domain.ItemStatus.DONE.value and item.completed_on is None:
        item.completed_on = utcnow().date()
    elif item.status == domain.ItemStatus.PLANNED.value:
        item.completed_on = None
    domain.check_dates(item.started_on, item.completed_on, what="completed before it started")
    domain.check_dates(item.started_on, item.target_on, what="target date before the start")


def add_item(session: Session, *, actor: Principal, intake_id: str, data: schemas.PlanItemCreate) -> PlanItem:
    """Add an item at the end of the plan."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    values = {name: _plain(getattr(data, name)) for name in ITEM_FIELDS}
    item = PlanItem(kind=data.kind.value, position=repository.next_position(session, intake.id), **values)
    _check_item(item)
    _check_links(session, intake, actor, item)
    intake.items.append(item)
    touch(intake, plan_changed=True)
    session.flush()
    audit(session, actor=actor, action="item.added", intake=intake, entity=item, after=_state(item))
    return item


def update_item(
    session: Session, *, actor: Principal, intake_id: str, item_id: str, data: schemas.PlanItemUpdate
) -> PlanItem:
    """Change an item (only the fields given); moving it changes its position among the others."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    item = access.item_of(intake, item_id)
    before = _state(item)
    for name in data.model_fields_set & set(ITEM_FIELDS):
        value = _plain(getattr(data, name))
        if value is None and name in ("title", "owner", "status"):
            raise InvalidInput(f"{name} cannot be removed")
        setattr(item, name, value)
    _check_item(item)
    _check_links(session, intake, actor, item)
    if data.position is not None:
        _move(intake, item, data.position)
    item.updated_at = utcnow()
    touch(intake, plan_changed=True)
    session.flush()
    audit(
        session,
        actor=actor,
        action="item.updated",
        intake=intake,
        entity=item,
        before=before,
        after=_state(item),
    )
    return item


def _move(intake: BridgingIntake, item: PlanItem, position: int) -> None:
    ordered = [i for i in sorted(intake.items, key=lambda i: i.position) if i.id != item.id]
    ordered.insert(min(position, len(ordered)), item)
    for n, row in enumerate(ordered):
        row.position = n


def remove_item(session: Session, *, actor: Principal, intake_id: str, item_id: str) -> None:
    """Remove an item from the plan."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    item = access.item_of(intake, item_id)
    before = _state(item)
    intake.items.remove(item)
    touch(intake, plan_changed=True)
    session.flush()
    audit(session, actor=actor, action="item.removed", intake=intake, entity=item, before=before)


def _plar_cases(session: Session, intake: BridgingIntake) -> list[tuple[str, str]]:
    """The learner's recognition cases at the intake's institution (id, what they ask recognition toward)."""
    learner = accounts_service.principal_for(accounts_service.get_user(session, intake.learner_user_id))
    return [
        (c.id, c.target_label)
        for c in plar_service.cases.list_for_learner(session, actor=learner)
        if c.institution_id == intake.institution_id
    ]


def propose(session: Session, *, actor: Principal, intake_id: str) -> list[PlanItem]:
    """Add the items the intake suggests and the plan does not hold yet; return those added."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    language = reads.language(intake, reads.portfolio_of(session, intake, actor))
    gaps = [domain.SkillGap(g.skill, g.level, g.need, g.gap) for g in language.gaps]
    proposals = domain.propose(
        regulated=reads.regulated(intake),
        licence_note=intake.licence_note,
        gaps=gaps,
        has_language_result=language.result is not None,
        plar_cases=_plar_cases(session, intake),
    )
    added = []
    position = repository.next_position(session, intake.id)
    for n, p in enumerate(domain.new_proposals(proposals, (i.proposal_key for i in intake.items))):
        item = PlanItem(
            position=position + n,
            kind=p.kind.value,
            title=p.title,
            notes=p.notes,
            step_kind=p.step_kind.value if p.step_kind else None,
            support_kind=p.support_kind.value if p.support_kind else None,
            plar_case_id=p.plar_case_id,
            owner=p.owner.value,
            status=domain.ItemStatus.PLANNED.value,
            proposal_key=p.key,
        )
        intake.items.append(item)
        added.append(item)
    if added:
        touch(intake, plan_changed=True)
        session.flush()
        audit(
            session,
            actor=actor,
            action="plan.proposed",
            intake=intake,
            after={"added": [p.proposal_key for p in added], "revision": intake.revision},
        )
    return added


def mark_done(session: Session, *, actor: Principal, intake_id: str, item_id: str, done: bool) -> PlanItem:
    """The learner marks one of their own items done (or not done after all)."""
    intake = access.learner_intake(session, actor=actor, intake_id=intake_id, for_update=True)
    if intake.status == domain.IntakeStatus.CLOSED.value:
        raise errors.IntakeClosed("this plan is closed; ask your advisor")
    item = access.item_of(intake, item_id)
    if not domain.learner_may_update(domain.Owner(item.owner)):
        raise errors.NotYourItem("this item is carried out by your advisor or someone else; ask your advisor")
    before = _state(item)
    item.status = domain.ItemStatus.DONE.value if done else domain.ItemStatus.PLANNED.value
    item.completed_on = utcnow().date() if done else None
    item.updated_at = utcnow()
    touch(intake)
    session.flush()
    audit(
        session,
        actor=actor,
        action="item.marked",
        intake=intake,
        entity=item,
        before=before,
        after=_state(item),
    )
    return item
