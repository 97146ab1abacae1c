"""Bridge-training demo: a newcomer nurse (NOC 2021 31301, a regulated occupation) with CLB results below the need.

The target occupation and its licensing sentence come from the imported NOC/OaSIS data; without them the seed
is skipped with a note rather than inventing them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import errors as accounts_errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.demo import DEMO_PASSWORD
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.accounts.models import Institution, User
from bridgeway.bridging import domain, errors, schemas
from bridgeway.bridging.service import intakes, plan
from bridgeway.plar import schemas as plar_schemas
from bridgeway.plar import service as plar_service

EMAIL = "newcomer@northern-lights.example"
NAME = "Maria Santos"
TARGET = "31301"  # Registered nurses and registered psychiatric nurses
ORIGIN = "29-1141.00"  # O*NET Registered Nurses, when O*NET is imported


def _newcomer(session: Session, institution: Institution) -> User:
    user = accounts_service.create_user(
        session,
        email=EMAIL,
        display_name=NAME,
        roles=[Role.LEARNER],
        password=DEMO_PASSWORD,
        institution_id=institution.id,
    )
    learner = accounts_service.principal_for(user)
    accounts_service.grant_consent(
        session, actor=learner, grantee_kind=ConsentGrantee.INSTITUTION, grantee_id=institution.id
    )
    plar_service.portfolio.add_work(
        session,
        actor=learner,
        data=plar_schemas.WorkExperienceCreate(
            employer="Medical city hospital, Manila",
            title="Staff nurse, medical-surgical ward",
            start_on=date(2014, 6, 1),
            end_on=date(2023, 9, 30),
            duties="Assessed and monitored patients on a 40-bed medical-surgical ward.\n"
            "Administered medications and IV therapy; documented care in the electronic record.\n"
            "Taught patients and families about discharge care; precepted new graduate nurses.",
            occupation_code="NOC 31301",
        ),
    )
    plar_service.portfolio.add_language(
        session,
        actor=learner,
        data=plar_schemas.LanguageResultCreate(
            test_name="CELPIP-G", tested_on=date(2025, 2, 8), listening=7, speaking=6, reading=6, writing=5
        ),
    )
    return user


def seed(session: Session, *, institution: Institution, users: dict[Any, User]) -> dict[str, Any]:
    """Add the newcomer, their portfolio, an intake for NOC 31301 with a shared learning plan (idempotent)."""
    advisor_user = users.get(Role.ADVISOR)
    if advisor_user is None:
        return {"skipped": "the demo needs an advisor"}
    try:
        accounts_service.get_user_by_email(session, EMAIL)
        return {"created": [], "notes": ["bridging: already seeded"]}
    except accounts_errors.UnknownUser:
        pass
    advisor = accounts_service.principal_for(advisor_user)
    try:
        with session.begin_nested():  # without the NOC/OaSIS data nothing of this seed is kept
            user = _newcomer(session, institution)
            intake = intakes.open_intake(
                session,
                actor=advisor,
                data=schemas.IntakeCreate(
                    learner_id=user.id,
                    origin_country="PH",
                    years_experience=9,
                    target_code=TARGET,
                    province="ON",
                    notes="Referred by a settlement agency; available for evening classes.",
                ),
            )
    except errors.UnknownOccupationCode:
        return {"skipped": "import NOC 2021 and OaSIS first", "notes": [_SKIPPED]}
    _fill(session, advisor, user, intake.id)
    return {
        "created": [EMAIL],
        "notes": [
            f"bridging: {NAME} ({EMAIL}, password {DEMO_PASSWORD}) has a shared learning plan for NOC {TARGET}"
        ],
    }


_SKIPPED = "bridging: skipped the newcomer demo (NOC 2021 31301 is not imported; run `bridgeway data import`)"


def _fill(session: Session, advisor: Any, user: User, intake_id: str) -> None:
    """Origin, a credential evaluation, the proposed plan with the regulator named by the advisor, shared."""
    try:
        intakes.update_intake(
            session, actor=advisor, intake_id=intake_id, data=schemas.IntakeUpdate(origin_code=ORIGIN)
        )
    except errors.UnknownOccupationCode:
        pass  # O*NET not imported: the origin stays the country and years of experience
    learner = accounts_service.principal_for(user)
    credential = plar_service.portfolio.add_education(
        session,
        actor=learner,
        data=plar_schemas.PriorCredentialCreate(
            title="Bachelor of Science in Nursing",
            institution_name="University of the Philippines Manila",
            country="PH",
            level="bachelor's degree",
            awarded_on=date(2014, 4, 1),
            evaluation_report_ref="WES-7731902",
        ),
    )
    intakes.add_evaluation(
        session,
        actor=advisor,
        intake_id=intake_id,
        data=schemas.EvaluationCreate(
            prior_credential_id=credential.id,
            agency=domain.Agency.WES,
            evaluated_on=date(2025, 1, 20),
            canadian_equivalency="Bachelor's degree (four years)",
        ),
    )
    for item in plan.propose(session, actor=advisor, intake_id=intake_id):
        if item.step_kind:
            plan.update_item(
                session,
                actor=advisor,
                intake_id=intake_id,
                item_id=item.id,
                data=schemas.PlanItemUpdate(regulator_name="College of Nurses of Ontario"),
            )
    intakes.share(session, actor=advisor, intake_id=intake_id)
