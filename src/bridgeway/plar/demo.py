"""PLAR demo data: the demo learner's portfolio and one recognition case waiting on the demo assessor.

Competencies are demo URNs (not ESCO URIs), so the demo works without the official data imported.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import Institution, User
from bridgeway.plar import repository, schemas
from bridgeway.plar.domain import Method, TargetKind
from bridgeway.plar.models import WorkExperience
from bridgeway.plar.service import cases, portfolio

_U = "urn:bridgeway:demo:competency:"
COMPETENCIES = (
    (_U + "gmaw", "Weld steel with gas metal arc welding (GMAW)"),
    (_U + "blueprints", "Read and interpret welding blueprints"),
    (_U + "fitting", "Fit and tack structural steel components"),
    (_U + "safety", "Apply workplace health and safety standards"),
)
COURSES = (
    ("WLD-110", "GMAW fundamentals", 3, (_U + "gmaw",)),
    ("WLD-120", "Blueprint reading for welders", 3, (_U + "blueprints",)),
    ("WLD-130", "Fitting and fabrication", 4, (_U + "fitting", _U + "blueprints")),
    ("SAF-100", "Occupational health and safety", 2, (_U + "safety",)),
    ("WLD-290", "Capstone fabrication project", 4, (_U + "gmaw", _U + "fitting")),
)


def seed(session: Session, *, institution: Institution, users: dict[Any, User]) -> dict[str, Any]:
    """Fill the demo learner's portfolio and open a case at assessment (idempotent); say what was done."""
    learner_user, advisor_user, assessor_user = (
        users.get(Role.LEARNER),
        users.get(Role.ADVISOR),
        users.get(Role.ASSESSOR),
    )
    if learner_user is None or advisor_user is None or assessor_user is None:
        return {"skipped": "the demo needs a learner, an advisor and an assessor"}
    if repository.entries_of(session, WorkExperience, learner_user.id):
        return {"created": [], "note": "already seeded"}
    learner, advisor = (accounts_service.principal_for(u) for u in (learner_user, advisor_user))
    if not institution.plar_policy:
        institution.plar_policy = {
            "cap_percent": 50,
            "excluded_courses": ["WLD-290"],
            "residency_credits": 4,
            "moderation": "unfavourable",
        }
    portfolio.add_work(
        session,
        actor=learner,
        data=schemas.WorkExperienceCreate(
            employer="Aceros del Norte",
            title="Structural welder",
            start_on=date(2012, 2, 1),
            end_on=date(2022, 8, 31),
            duties="Welded structural steel beams and columns with GMAW.\nRead blueprints and welding symbols.\n"
            "Fitted and tacked components before final welding.\nFollowed lockout and fire-watch procedures.",
            occupation_code="NOC 72106",
        ),
    )
    portfolio.add_education(
        session,
        actor=learner,
        data=schemas.PriorCredentialCreate(
            title="Técnico en Soldadura",
            institution_name="CONALEP",
            country="MX",
            level="technical diploma",
            awarded_on=date(2011, 7, 1),
            evaluation_report_ref="WES-4410021",
        ),
    )
    portfolio.add_language(
        session,
        actor=learner,
        data=schemas.LanguageResultCreate(
            test_name="CELPIP-G",
            tested_on=date(2024, 3, 2),
            listening=8,
            speaking=7,
            reading=7,
            writing=6,
        ),
    )
    for uri, label in COMPETENCIES:
        portfolio.rate(
            session, actor=learner, data=schemas.SelfAssessmentIn(competency_uri=uri, label=label, rating=3)
        )
    case = cases.request(
        session,
        actor=learner,
        data=schemas.CaseCreate(
            institution_id=institution.id,
            target_kind=TargetKind.PROGRAM,
            target_ref="WELD-DIP",
            target_label="Welding Techniques diploma",
            competencies=[schemas.TargetCompetency(uri=u, label=lab) for u, lab in COMPETENCIES],
            courses=[
                schemas.CourseIn(code=c, title=t, credits=cr, competency_uris=list(us))
                for c, t, cr, us in COURSES
            ],
        ),
    )
    cases.decide_eligibility(session, actor=advisor, case_id=case.id, eligible=True)
    cases.submit_self_assessment(session, actor=learner, case_id=case.id)
    methods = ["practical_demonstration", "challenge_exam", "practical_demonstration", "portfolio"]
    cases.choose_methods(
        session,
        actor=advisor,
        case_id=case.id,
        data=schemas.MethodsIn(
            assessor_user_id=assessor_user.id,
            methods=[
                schemas.MethodChoice(competency_uri=u, method=Method(m))
                for (u, _), m in zip(COMPETENCIES, methods, strict=True)
            ],
        ),
    )
    cases.record_fee(session, actor=advisor, case_id=case.id, amount_cents=35000, reference="DEMO-RECEIPT-1")
    return {"created": ["portfolio", f"case {case.id} (assessment)"]}
