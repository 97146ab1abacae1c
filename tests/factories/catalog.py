"""Factories for the catalogue: staff who author, review and approve, and micro-credentials taken to publication."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.models import Employer, Institution, User
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.domain import QA_CHECKLIST_KEYS
from bridgeway.catalog.models import OpportunityVersion
from bridgeway.catalog.schemas import OpportunityCreate, QaReviewIn
from bridgeway.kit.ids import new_id
from bridgeway.taxonomy.models import Competency, TaxonomyRelease
from tests.factories.accounts import create_employer, create_institution, create_user, principal_of

_counter = itertools.count(1)


@dataclass
class Staff:
    """The three people a micro-credential needs: an author, a QA reviewer and an institution approver."""

    institution: Institution
    designer_user: User
    reviewer_user: User
    approver_user: User

    @property
    def designer(self) -> Principal:
        """The program designer (author)."""
        return principal_of(self.designer_user)

    @property
    def reviewer(self) -> Principal:
        """The QA reviewer."""
        return principal_of(self.reviewer_user)

    @property
    def approver(self) -> Principal:
        """The institution approver."""
        return principal_of(self.approver_user)


def create_staff(
    session: Session, *, institution: Institution | None = None, passwords: bool = False
) -> Staff:
    """Create an institution (unless given) with a designer, a QA reviewer and an approver.

    Without `passwords` the users cannot sign in through the form (API tokens still work); hashing a password
    with Argon2 costs a noticeable fraction of a second, which service and API tests do not need.
    """
    institution = institution or create_institution(session)
    make = create_user if passwords else create_user_without_password
    return Staff(
        institution=institution,
        designer_user=make(session, Role.PROGRAM_DESIGNER, institution=institution),
        reviewer_user=make(session, Role.QA_REVIEWER, institution=institution),
        approver_user=make(session, Role.INSTITUTION_APPROVER, institution=institution),
    )


def create_user_without_password(
    session: Session, *roles: Role, institution: Institution | None = None, employer: Employer | None = None
) -> User:
    """Create a user who signs in only with API tokens (fast: no password hashing)."""
    n = next(_counter)
    roles = roles or (Role.LEARNER,)
    if Role.EMPLOYER in roles and employer is None:
        employer = create_employer(session)
    return accounts_service.create_user(
        session,
        email=f"catalog{n}-{new_id()[:8]}@example.org",
        display_name=f"Catalogue user {n}",
        roles=roles,
        institution_id=institution.id if institution else None,
        employer_id=employer.id if employer else None,
    )


def create_esco_skill(session: Session, label: str = "program a CNC controller") -> Competency:
    """Create an ESCO skill in a test release (the real ones come from the importer)."""
    release = session.query(TaxonomyRelease).filter_by(source="esco", version="test").one_or_none()
    if release is None:
        release = TaxonomyRelease(source="esco", version="test", fingerprint="0" * 64)
        session.add(release)
        session.flush()
    uid = new_id()
    competency = Competency(
        release_id=release.id,
        source="esco",
        code=f"http://data.europa.eu/esco/skill/{uid}",
        uri=f"http://data.europa.eu/esco/skill/{uid}",
        kind="skill",
        preferred_label=label,
        preferred_label_fr=None,
        description=f"The ability to {label}.",
        skill_type="skill/competence",
    )
    session.add(competency)
    session.flush()
    return competency


RUBRIC: dict[str, Any] = {
    "criteria": [
        {"key": "setup", "label": "Sets up the work safely", "description": "Checks tooling and guards."},
        {"key": "execution", "label": "Performs the task to tolerance"},
    ],
    "levels": [
        {"key": "beginning", "label": "Beginning", "rank": 1},
        {"key": "developing", "label": "Developing", "rank": 2},
        {"key": "mastery", "label": "Mastery", "rank": 3},
    ],
    "mastery_level": "mastery",
}


def micro_credential_data(
    *, code: str | None = None, competency_id: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """Return a complete micro-credential payload (as the API takes it)."""
    n = next(_counter)
    data: dict[str, Any] = {
        "code": code or f"MC-{n:03d}",
        "kind": "micro_credential",
        "title_en": f"CNC programming {n}",
        "title_fr": f"Programmation CNC {n}",
        "description_en": "Write and prove out G-code programs for three-axis mills.",
        "description_fr": "Écrire et valider des programmes en code G pour fraiseuses à trois axes.",
        "delivery_mode": "hybrid",
        "schedules": ["evenings", "weekends"],
        "hours": 36,
        "weeks": 6,
        "cost_cents": 89_500,
        "is_credit": False,
        "language": "en",
        "mastery_criteria_en": "Produces a part to drawing tolerance from a program the learner wrote.",
        "mastery_criteria_fr": "Produit une pièce conforme au dessin avec un programme écrit par l'apprenant.",
        "assessment": {
            "method": "practical_demonstration",
            "description": "A timed shop task.",
            "rubric": RUBRIC,
        },
        "statements": [
            {"organisation": "Precision Parts Ltd.", "statement": "We cannot hire enough CNC programmers."}
        ],
        "intakes": [{"starts_on": "2027-01-11", "seats": 16}],
        "instructors": [
            {"name": "Dana Roy", "industry_background": "15 years as a CNC lead hand in aerospace"}
        ],
    }
    if competency_id is not None:
        data["alignment"] = {"competency_id": competency_id}
    data.update(overrides)
    return data


def create_draft(session: Session, staff: Staff, **overrides: Any) -> OpportunityVersion:
    """Create a draft opportunity (a micro-credential aligned to a fresh ESCO skill unless overridden)."""
    if "kind" not in overrides or overrides["kind"] == "micro_credential":
        overrides.setdefault("competency_id", create_esco_skill(session).id)
    data = OpportunityCreate.model_validate(micro_credential_data(**overrides))
    return catalog_service.create_opportunity(session, actor=staff.designer, data=data)


def all_yes() -> QaReviewIn:
    """A QA checklist answered 'yes' on every item."""
    return QaReviewIn(answers=dict.fromkeys(QA_CHECKLIST_KEYS, True))


def publish(session: Session, staff: Staff, version: OpportunityVersion) -> OpportunityVersion:
    """Take a draft through submission, QA, approval and publication."""
    catalog_service.submit(session, actor=staff.designer, version_id=version.id)
    catalog_service.review(session, actor=staff.reviewer, version_id=version.id, data=all_yes())
    catalog_service.approve(session, actor=staff.approver, version_id=version.id)
    return catalog_service.publish(session, actor=staff.approver, version_id=version.id)


def create_published(session: Session, staff: Staff, **overrides: Any) -> OpportunityVersion:
    """Create and publish an opportunity."""
    return publish(session, staff, create_draft(session, staff, **overrides))
