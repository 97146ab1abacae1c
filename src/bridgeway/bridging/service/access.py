"""Who sees an intake: advisors of its institution with the learner's consent; the learner once it is shared."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.bridging import domain, errors, repository
from bridgeway.bridging.models import BridgingIntake, PlanItem


def _unknown(intake_id: str) -> errors.UnknownIntake:
    return errors.UnknownIntake(f"no bridge-training intake '{intake_id}'")


def staff_intake(
    session: Session, *, actor: Principal, intake_id: str, for_update: bool = False
) -> BridgingIntake:
    """Return an intake to an advisor of its institution whom the learner consented to (else 404 / 403)."""
    intake = repository.intake(session, intake_id, for_update=for_update)
    if intake is None or not actor.has_role(Role.ADVISOR) or actor.institution_id != intake.institution_id:
        raise _unknown(intake_id)
    accounts_service.require_consent(session, learner_id=intake.learner_user_id, viewer=actor)
    return intake


def writable(session: Session, *, actor: Principal, intake_id: str) -> BridgingIntake:
    """Return an intake the advisor may change: locked, visible to them, and not closed."""
    intake = staff_intake(session, actor=actor, intake_id=intake_id, for_update=True)
    if intake.status == domain.IntakeStatus.CLOSED.value:
        raise errors.IntakeClosed("this intake is closed; its plan no longer changes")
    return intake


def learner_intake(
    session: Session, *, actor: Principal, intake_id: str, for_update: bool = False
) -> BridgingIntake:
    """Return the learner's own intake once its plan has been shared with them (else 404)."""
    intake = repository.intake(session, intake_id, for_update=for_update)
    if intake is None or intake.learner_user_id != actor.user_id or intake.shared_at is None:
        raise _unknown(intake_id)
    return intake


def viewable(session: Session, *, viewer: Principal, intake_id: str) -> BridgingIntake:
    """Return an intake to its learner (once shared) or to a consented advisor of its institution."""
    intake = repository.intake(session, intake_id)
    if intake is not None and intake.learner_user_id == viewer.user_id:
        return learner_intake(session, actor=viewer, intake_id=intake_id)
    return staff_intake(session, actor=viewer, intake_id=intake_id)


def item_of(intake: BridgingIntake, item_id: str) -> PlanItem:
    """Return one item of the intake's plan (an item of another intake is unknown here)."""
    for item in intake.items:
        if item.id == item_id:
            return item
    raise errors.UnknownPlanItem(f"no item '{item_id}' in this learning plan")
