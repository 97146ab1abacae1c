"""The only SQL of bridge-training intake."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway.bridging.models import BridgingIntake, PlanItem


def intake(session: Session, intake_id: str, *, for_update: bool = False) -> BridgingIntake | None:
    """Return an intake by id (locking its row on PostgreSQL when asked), or None."""
    stmt = select(BridgingIntake).where(BridgingIntake.id == intake_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def intakes_of_institution(
    session: Session, institution_id: str, *, learner_ids: Collection[str], statuses: Collection[str]
) -> list[BridgingIntake]:
    """Return an institution's intakes of these learners in these statuses, most recently changed first."""
    if not learner_ids:
        return []
    stmt = (
        select(BridgingIntake)
        .where(
            BridgingIntake.institution_id == institution_id,
            BridgingIntake.learner_user_id.in_(list(learner_ids)),
            BridgingIntake.status.in_(list(statuses)),
        )
        .order_by(BridgingIntake.updated_at.desc())
    )
    return list(session.scalars(stmt))


def active_intake(session: Session, institution_id: str, learner_id: str) -> BridgingIntake | None:
    """Return the learner's intake at the institution that is not closed, if any."""
    return session.scalar(
        select(BridgingIntake).where(
            BridgingIntake.institution_id == institution_id,
            BridgingIntake.learner_user_id == learner_id,
            BridgingIntake.status != "closed",
        )
    )


def intakes_of_learner(session: Session, learner_id: str, *, shared_only: bool) -> list[BridgingIntake]:
    """Return a learner's intakes (only those shared with them when asked), newest first."""
    stmt = select(BridgingIntake).where(BridgingIntake.learner_user_id == learner_id)
    if shared_only:
        stmt = stmt.where(BridgingIntake.shared_at.is_not(None))
    return list(session.scalars(stmt.order_by(BridgingIntake.created_at.desc())))


def next_position(session: Session, intake_id: str) -> int:
    """Return the position after the plan's last item."""
    last = session.scalar(select(func.max(PlanItem.position)).where(PlanItem.intake_id == intake_id))
    return 0 if last is None else int(last) + 1


def delete_intakes_of_learner(session: Session, learner_id: str) -> int:
    """Delete a learner's intakes (their evaluations and plan items go with them); return how many."""
    ids = list(session.scalars(select(BridgingIntake.id).where(BridgingIntake.learner_user_id == learner_id)))
    for intake_id in ids:
        row = session.get(BridgingIntake, intake_id)
        if row is not None:
            session.delete(row)
    session.flush()
    return len(ids)
