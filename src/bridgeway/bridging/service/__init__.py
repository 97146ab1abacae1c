"""Bridge-training use cases `(session, *, ...)`: they flush, never commit; the request or command owns the transaction.

The learner's intakes take part in exporting and erasing their data through `bridgeway.kit.hooks`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bridgeway.bridging import repository
from bridgeway.bridging.service import access, intakes, occupations, plan, reads
from bridgeway.kit import hooks

__all__ = ["access", "intakes", "occupations", "plan", "reads"]


def export_learner(session: Session, user_id: str) -> dict[str, Any]:
    """Everything bridge-training holds about a person: their intakes, evaluations and plans."""
    out = []
    for intake in repository.intakes_of_learner(session, user_id, shared_only=False):
        out.append(
            {
                "id": intake.id,
                "institution_id": intake.institution_id,
                "status": intake.status,
                "origin_country": intake.origin_country,
                "origin": intake.origin_code,
                "years_experience": intake.years_experience,
                "target": intake.target_code,
                "target_label": intake.target_label,
                "evaluations": [
                    {
                        "credential": e.credential_title,
                        "agency": e.agency,
                        "reference": e.report_reference,
                        "evaluated_on": e.evaluated_on.isoformat() if e.evaluated_on else None,
                        "equivalency": e.canadian_equivalency,
                    }
                    for e in intake.evaluations
                ],
                "plan": [
                    {"kind": i.kind, "title": i.title, "status": i.status, "owner": i.owner}
                    for i in intake.items
                ],
            }
        )
    return {"intakes": out}


def erase_learner(session: Session, user_id: str) -> None:
    """Delete a person's intakes (the audit log keeps that they existed)."""
    repository.delete_intakes_of_learner(session, user_id)


hooks.register_exporter("bridging", export_learner)
hooks.register_eraser("bridging", erase_learner)
