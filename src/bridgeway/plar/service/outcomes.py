"""Outcomes of a case: recognised competencies with provenance, advanced-placement credit, credentials, gaps."""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.schemas import (
    AchievementDefinition,
    Alignment,
    Assessment,
    IssueRequest,
    Recipient,
)
from bridgeway.plar import domain, errors, repository, schemas
from bridgeway.plar.domain import CaseState, Result
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.service import cases

METHOD_LABELS = {
    "portfolio": "portfolio review",
    "challenge_exam": "challenge exam",
    "practical_demonstration": "practical demonstration",
    "structured_interview": "structured interview",
    "workplace_report": "third-party workplace report",
}


def _final(case: RecognitionCase) -> None:
    if CaseState(case.state) is not CaseState.OUTCOME:
        raise errors.InvalidTransition(f"the case has no outcome yet (it is '{case.state}')")


def recognised(session: Session, *, viewer: Principal, learner_id: str) -> list[schemas.RecognisedCompetency]:
    """Return the learner's recognised (or partly recognised) competencies with who, how, when and which evidence."""
    if viewer.user_id != learner_id:
        accounts_service.get_user(session, learner_id)
        accounts_service.require_consent(session, learner_id=learner_id, viewer=viewer)
    out: list[schemas.RecognisedCompetency] = []
    for case in repository.cases_of_learner(session, learner_id):
        if CaseState(case.state) is not CaseState.OUTCOME:
            continue
        for item in case.competencies:
            if item.result not in (Result.RECOGNISED.value, Result.PARTLY.value):
                continue
            out.append(
                schemas.RecognisedCompetency(
                    case_id=case.id,
                    competency_uri=item.competency_uri,
                    label=item.label,
                    result=item.result,
                    method=item.method,
                    assessed_by=item.decided_by_user_id,
                    decided_at=item.decided_at,
                    evidence=[
                        schemas.EvidenceRead.model_validate(d)
                        for d in cases.evidence_for(session, case, item)
                    ],
                    institution_id=case.institution_id,
                    credential_id=item.credential_id,
                )
            )
    return out


def credit(session: Session, *, viewer: Principal, case_id: str) -> schemas.CreditRead:
    """Compute the advanced-placement credit of a decided case under its institution's PLAR policy."""
    case = cases.get_for(session, viewer=viewer, case_id=case_id)
    _final(case)
    policy = accounts_service.get_institution(session, case.institution_id).plar_policy or {}
    courses = [
        domain.Course(c["code"], c["title"], float(c["credits"]), tuple(c.get("competency_uris", [])))
        for c in case.courses or []
    ]
    done = [c.competency_uri for c in case.competencies if c.result == Result.RECOGNISED.value]
    award = domain.advanced_standing(policy, courses, done)
    return schemas.CreditRead(
        case_id=case.id,
        learner_user_id=case.learner_user_id,
        program=case.target_ref,
        program_credits=award.program_credits,
        cap_percent=award.cap_percent,
        cap_credits=award.cap_credits,
        residency_credits=award.residency_credits,
        granted_credits=award.granted_credits,
        courses=[
            schemas.CourseCreditRead(
                code=c.code, title=c.title, credits=c.credits, granted=c.granted, reason=c.reason
            )
            for c in award.courses
        ],
    )


def credit_csv(data: schemas.CreditRead) -> str:
    """Return the registrar's CSV: one row per course."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "case_id",
            "learner_user_id",
            "program",
            "course_code",
            "course_title",
            "credits",
            "granted",
            "reason",
        ]
    )
    for c in data.courses:
        writer.writerow(
            [
                data.case_id,
                data.learner_user_id,
                data.program,
                c.code,
                c.title,
                f"{c.credits:g}",
                "yes" if c.granted else "no",
                c.reason,
            ]
        )
    return buf.getvalue()


def gaps(session: Session, *, viewer: Principal, case_id: str) -> schemas.GapRead:
    """Return the case's competencies not (fully) recognised, for the planner."""
    case = cases.get_for(session, viewer=viewer, case_id=case_id)
    _final(case)
    results = {c.competency_uri: Result(c.result) for c in case.competencies if c.result}
    missing = set(domain.gaps([c.competency_uri for c in case.competencies], results))
    return schemas.GapRead(
        case_id=case.id,
        gaps=[
            schemas.TargetCompetency(uri=c.competency_uri, label=c.label)
            for c in case.competencies
            if c.competency_uri in missing
        ],
    )


def issue_credentials(
    session: Session, *, settings: Settings, actor: Principal, case_id: str
) -> RecognitionCase:
    """Issue one PLAR micro-credential per recognised competency of a decided case (idempotent per competency)."""
    case = cases.get_for(session, viewer=actor, case_id=case_id)
    if not (actor.is_staff_of(case.institution_id) and actor.has_role(Role.REGISTRAR, Role.ADVISOR)):
        raise errors.WrongParty("credentials are issued by the institution's registrar or advisor")
    _final(case)
    _issue(session, settings=settings, actor=actor, case=case)
    return case


def settle(session: Session, *, settings: Settings, actor: Principal, case_id: str) -> RecognitionCase:
    """Issue what a case's outcome grants once its decisions are final (called by the step that made them so).

    The actor is the staff member whose step (completion, moderation, a dismissed appeal) reached the outcome;
    a case not at its outcome is returned unchanged.
    """
    case = cases.get_for(session, viewer=actor, case_id=case_id)
    if actor.is_staff_of(case.institution_id) and CaseState(case.state) is CaseState.OUTCOME:
        _issue(session, settings=settings, actor=actor, case=case)
    return case


def _issue(session: Session, *, settings: Settings, actor: Principal, case: RecognitionCase) -> None:
    """Issue the catalogue micro-credentials earned, then a PLAR credential for each other recognised competency.

    A competency certified alone by an issued catalogue micro-credential points at it (one credential, not two).
    """
    _issue_catalog_micro_credentials(session, settings=settings, actor=actor, case=case)
    covered = {
        c["competency_uris"][0]: c["credential_id"]
        for c in case.courses or []
        if c.get("credential_id") and len(c.get("competency_uris") or []) == 1
    }
    for item in case.competencies:
        if item.result != Result.RECOGNISED.value or item.credential_id:
            continue
        if item.competency_uri in covered:
            item.credential_id = covered[item.competency_uri]
            continue
        method = METHOD_LABELS.get(item.method or "", "PLAR")
        request = IssueRequest(
            achievement=AchievementDefinition(
                ref=f"plar:{item.competency_uri}",
                name=item.label[:500],
                description=f"Recognised through prior learning assessment and recognition (PLAR): {item.label}"[
                    :4000
                ],
                criteria=f"Assessed through PLAR by {method} against the institution's rubric; evidence judged "
                "valid, sufficient, authentic and current.",
                alignment=Alignment(target_name=item.label[:500], target_url=item.competency_uri[:1000]),
                assessment=Assessment(method=f"PLAR: {method}", assessor_role="assessor", plar=True),
            ),
            recipient=Recipient(user_id=case.learner_user_id),
            idempotency_key=f"plar:{case.id}:{item.id}",
            kind="plar",
            result="Recognised",
            source_type="plar_case",
            source_id=case.id,
        )
        credential = credentials_service.issue(
            session, settings=settings, institution_id=case.institution_id, request=request, actor=actor
        )
        item.credential_id = credential.id
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.case.credentials_issued",
        entity_type="plar_case",
        entity_id=case.id,
        institution_id=case.institution_id,
        after={
            "competencies": {c.competency_uri: c.credential_id for c in case.competencies if c.credential_id},
            "micro_credentials": {
                c["opportunity_id"]: c.get("credential_id")
                for c in case.courses or []
                if c.get("opportunity_id")
            },
        },
    )


def _issue_catalog_micro_credentials(
    session: Session, *, settings: Settings, actor: Principal, case: RecognitionCase
) -> None:
    """Issue each catalogue micro-credential of the case whose competencies are all recognised (as PLAR)."""
    done = {c.competency_uri for c in case.competencies if c.result == Result.RECOGNISED.value}
    courses = [dict(c) for c in case.courses or []]
    for course in courses:
        uris = course.get("competency_uris") or []
        if (
            not course.get("opportunity_id")
            or course.get("credential_id")
            or not uris
            or not set(uris) <= done
        ):
            continue
        credential = credentials_service.issue_for_completion(
            session,
            settings=settings,
            opportunity_id=course["opportunity_id"],
            learner_user_id=case.learner_user_id,
            actor=actor,
            result="Recognised",
            plar=True,
            source_type="plar_case",
            source_id=case.id,
        )
        course["credential_id"] = credential.id
    case.courses = courses  # reassigned so the JSON column is written
