"""What a learner may seek recognition toward: the published catalogue of an institution they consented to.

A program or formal credential brings its stacking components as the courses of advanced placement (each with the
competency it certifies); chosen micro-credentials each become one course. The case itself is opened by
`cases.request`, the same use case as the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Principal
from bridgeway.catalog import errors as catalog_errors
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.schemas import AchievementData, PlannableOpportunity
from bridgeway.kit.errors import Conflict, InvalidInput
from bridgeway.kit.mail import MailSettings
from bridgeway.plar import domain, errors, schemas
from bridgeway.plar.domain import CaseState, TargetKind
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.service import cases

MICRO_CREDENTIAL = "micro_credential"
CREDENTIAL_KINDS = frozenset({"certificate"})  # a formal credential; diplomas, degrees, bridges are programs
MAX_MICRO_CREDENTIALS = 50


@dataclass(frozen=True, slots=True)
class Option:
    """A published catalogue item a learner may ask recognition toward."""

    opportunity_id: str
    code: str
    title_en: str
    title_fr: str
    kind: str
    competencies: int  # how many competencies it would put under assessment
    credits: float | None


@dataclass(frozen=True, slots=True)
class Options:
    """An institution's programs and credentials (with components) and its micro-credentials."""

    institution_id: str
    institution_name: str
    programs: list[Option]
    micro_credentials: list[Option]


def consented_institutions(session: Session, *, actor: Principal) -> list[tuple[str, str]]:
    """Return (id, name) of the institutions the learner lets see their portfolio, by name."""
    views = accounts_service.list_consents(session, learner_id=actor.user_id, active_only=True)
    found = {v.grantee_id: v.grantee_name for v in views if v.grantee_kind is ConsentGrantee.INSTITUTION}
    return sorted(found.items(), key=lambda item: item[1].lower())


def _consented_name(session: Session, actor: Principal, institution_id: str) -> str:
    for ident, name in consented_institutions(session, actor=actor):
        if ident == institution_id:
            return name
    raise InvalidInput(
        "choose an institution you let see your portfolio: give it your consent on your account's privacy "
        "page first",
        detail={"field": "institution_id"},
    )


def _aligned(record: PlannableOpportunity) -> bool:
    return bool(record.competency_ids or record.institution_competency_ids)


def options(session: Session, *, actor: Principal, institution_id: str) -> Options:
    """Return what the learner may seek recognition toward at an institution they consented to."""
    name = _consented_name(session, actor, institution_id)
    records = catalog_service.planning_catalogue(session, institution_id=institution_id)
    by_id = {r.opportunity_id: r for r in records}
    programs, micro = [], []
    for r in records:
        parts = [*r.required_component_ids, *r.elective_component_ids]
        if parts:
            count = sum(1 for p in parts if p in by_id and _aligned(by_id[p]))
            programs.append(_option(r, count))
        elif r.kind == MICRO_CREDENTIAL and _aligned(r):
            micro.append(_option(r, 1))
    return Options(institution_id, name, programs, micro)


def _option(r: PlannableOpportunity, competencies: int) -> Option:
    credits = r.credit_value if r.is_credit else None
    return Option(r.opportunity_id, r.code, r.title_en, r.title_fr, r.kind, competencies, credits)


def _published(session: Session, opportunity_id: str) -> AchievementData | None:
    try:
        return catalog_service.published_achievement_data(session, opportunity_id=opportunity_id)
    except (catalog_errors.NotPublished, catalog_errors.UnknownOpportunity, catalog_errors.UnknownVersion):
        return None  # unknown or not published: not offered for recognition


def _course(
    data: AchievementData, credits: float
) -> tuple[schemas.CourseIn, schemas.TargetCompetency | None]:
    """Return a component as a course of the case, with the competency it certifies (if aligned)."""
    competency = None
    if data.alignment is not None:
        uri = (data.alignment.target_url or data.alignment.target_code)[:500]
        competency = schemas.TargetCompetency(uri=uri, label=data.alignment.target_name[:500])
    course = schemas.CourseIn(
        code=data.code[:50],
        title=data.name[:255],
        credits=credits,
        competency_uris=[competency.uri] if competency else [],
        opportunity_id=data.opportunity_id if competency and data.kind == MICRO_CREDENTIAL else None,
    )
    return course, competency


def build_request(
    session: Session,
    *,
    actor: Principal,
    institution_id: str,
    program_id: str | None = None,
    micro_ids: Sequence[str] = (),
) -> schemas.CaseCreate:
    """Turn the learner's choice (one program, or micro-credentials) into a case request; refuse a bad choice."""
    _consented_name(session, actor, institution_id)
    micro = list(dict.fromkeys(i for i in micro_ids if i))
    if program_id and micro:
        raise InvalidInput("choose either a program or credential, or micro-credentials, not both")
    if not program_id and not micro:
        raise InvalidInput("choose a program or credential, or at least one micro-credential")
    if len(micro) > MAX_MICRO_CREDENTIALS:
        raise InvalidInput(f"choose at most {MAX_MICRO_CREDENTIALS} micro-credentials in one request")
    if program_id:
        kind, ref, label, parts, program_credits = _program(session, institution_id, program_id)
    else:
        kind, ref, label, parts = _micro(session, institution_id, micro)
        program_credits = None
    credits = domain.apportion_credits(
        program_credits, [(d.credit_value if d.is_credit else None, d.hours) for d in parts]
    )
    courses: list[schemas.CourseIn] = []
    competencies: dict[str, schemas.TargetCompetency] = {}
    for data, course_credits in zip(parts, credits, strict=True):
        course, competency = _course(data, course_credits)
        courses.append(course)
        if competency is not None:
            competencies.setdefault(competency.uri, competency)
    if not competencies:
        raise errors.IncompleteCase("nothing to recognise: none of its courses names a competency")
    try:
        return schemas.CaseCreate(
            institution_id=institution_id,
            target_kind=kind,
            target_ref=ref[:500],
            target_label=label[:500],
            competencies=list(competencies.values()),
            courses=courses,
        )
    except ValidationError as exc:
        raise InvalidInput("the request is too large", detail=[e["msg"] for e in exc.errors()]) from None


def _program(
    session: Session, institution_id: str, program_id: str
) -> tuple[TargetKind, str, str, list[AchievementData], float | None]:
    data = _published(session, program_id)
    if data is None or data.institution_id != institution_id or not data.components:
        raise InvalidInput("this program or credential is not in the institution's published catalogue")
    parts = [p for c in data.components if (p := _published(session, c.opportunity_id)) is not None]
    kind = TargetKind.CREDENTIAL if data.kind in CREDENTIAL_KINDS else TargetKind.PROGRAM
    return kind, data.code, data.name, parts, data.credit_value if data.is_credit else None


def _micro(
    session: Session, institution_id: str, ids: list[str]
) -> tuple[TargetKind, str, str, list[AchievementData]]:
    parts = []
    for ident in ids:
        data = _published(session, ident)
        if data is None or data.institution_id != institution_id or data.kind != MICRO_CREDENTIAL:
            raise InvalidInput(
                "a chosen micro-credential is not in the institution's published catalogue",
                detail={"unknown": ident},
            )
        parts.append(data)
    return (
        TargetKind.MICRO_CREDENTIALS,
        ", ".join(p.code for p in parts),
        " · ".join(p.name for p in parts),
        parts,
    )


def request_from_catalogue(
    session: Session,
    *,
    actor: Principal,
    institution_id: str,
    program_id: str | None = None,
    micro_ids: Sequence[str] = (),
    settings: MailSettings | None = None,
) -> RecognitionCase:
    """Open a case toward a catalogue program or micro-credentials (refusing a second open one toward it)."""
    data = build_request(
        session, actor=actor, institution_id=institution_id, program_id=program_id, micro_ids=micro_ids
    )
    for case in cases.list_for_learner(session, actor=actor):
        closed = CaseState(case.state) in (CaseState.OUTCOME, CaseState.INELIGIBLE)
        if not closed and case.institution_id == institution_id and case.target_ref == data.target_ref:
            raise Conflict(
                f"you already have an open request toward {case.target_label}", detail={"case_id": case.id}
            )
    return cases.request(session, actor=actor, data=data, settings=settings)
