"""Factories for PLAR: a portfolio with work history, a case request body, a fake inference engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee
from bridgeway.accounts.models import User
from bridgeway.kit.errors import BridgewayError
from bridgeway.plar.inference import CompetencyRecord, HashingBackend, SkillInferenceEngine, build_index
from bridgeway.plar.schemas import WorkExperienceCreate
from bridgeway.plar.service import portfolio

WELD = "urn:test:weld"
BLUEPRINT = "urn:test:blueprint"
SAFETY = "urn:test:safety"

RECORDS = (
    CompetencyRecord(
        WELD,
        "operate welding equipment",
        ("weld", "use welding equipment"),
        "Use equipment to melt and join pieces of metal or steel.",
    ),
    CompetencyRecord(
        BLUEPRINT,
        "read standard blueprints",
        ("interpret blueprints",),
        "Read and comprehend standard blueprints, machine and process drawings.",
    ),
    CompetencyRecord(
        SAFETY,
        "apply health and safety standards",
        ("follow safety procedures",),
        "Adhere to standards of hygiene and safety.",
    ),
    CompetencyRecord(
        "urn:test:cook", "cook meals", ("prepare food",), "Prepare and cook dishes in a kitchen."
    ),
)


def fake_engine() -> SkillInferenceEngine:
    """A small engine over four competencies with the deterministic hashing backend (no model download)."""
    backend = HashingBackend()
    return SkillInferenceEngine(build_index(list(RECORDS), backend, release="test"), backend)


class BrokenEngine:
    """An engine whose every answer is an error (to show pre-assessment skips unreadable entries)."""

    def infer_many(self, texts: Sequence[str], *, top_k: int = 10) -> list[Any]:
        return [BridgewayError("unreadable") for _ in texts]


def case_body(institution_id: str) -> dict[str, Any]:
    """A request for recognition toward a welding program with three competencies and four courses."""
    return {
        "institution_id": institution_id,
        "target_kind": "program",
        "target_ref": "WELD-DIPLOMA",
        "target_label": "Welding Techniques diploma",
        "competencies": [
            {"uri": WELD, "label": "operate welding equipment"},
            {"uri": BLUEPRINT, "label": "read standard blueprints"},
            {"uri": SAFETY, "label": "apply health and safety standards"},
        ],
        "courses": [
            {"code": "WLD101", "title": "Welding basics", "credits": 3, "competency_uris": [WELD]},
            {"code": "BLU101", "title": "Blueprints", "credits": 3, "competency_uris": [BLUEPRINT]},
            {"code": "SAF100", "title": "Safety", "credits": 2, "competency_uris": [SAFETY]},
            {"code": "CAP200", "title": "Capstone", "credits": 4, "competency_uris": [WELD, BLUEPRINT]},
        ],
    }


def give_work_history(session: Session, learner: User) -> None:
    """Add a welder's job to the learner's portfolio."""
    portfolio.add_work(
        session,
        actor=accounts_service.principal_for(learner),
        data=WorkExperienceCreate(
            employer="Acier Nord",
            title="Welder",
            start_on=date(2015, 3, 1),
            end_on=date(2023, 6, 30),
            duties="Welded steel frames with MIG and TIG welding equipment.\nRead blueprints to cut parts.",
            occupation_code="NOC 72106",
        ),
    )


def consent_to_institution(session: Session, learner: User, institution_id: str) -> None:
    """The learner lets every staff member of the institution see their portfolio."""
    accounts_service.grant_consent(
        session,
        actor=accounts_service.principal_for(learner),
        grantee_kind=ConsentGrantee.INSTITUTION,
        grantee_id=institution_id,
    )
