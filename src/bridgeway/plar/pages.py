"""PLAR pages: the learner's portfolio and case status, the staff caseload, a case with the assessor's decision form."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import BridgewayError, InvalidInput
from bridgeway.kit.http import DbSession, render
from bridgeway.plar import domain, schemas
from bridgeway.plar.errors import UnknownCase
from bridgeway.plar.service import cases, evidence, outcomes, portfolio

router = APIRouter(include_in_schema=False)

R, W = Scope.PLAR_READ, Scope.PLAR_WRITE
L, AD, AS, REG = Role.LEARNER, Role.ADVISOR, Role.ASSESSOR, Role.REGISTRAR
Learner = Annotated[Principal, Depends(require(L, scope=R))]
LearnerW = Annotated[Principal, Depends(require(L, scope=W))]
Staff = Annotated[Principal, Depends(require(AD, AS, scope=R))]
Viewer = Annotated[Principal, Depends(require(AD, AS, REG, L, scope=R))]
Assessor = Annotated[Principal, Depends(require(AS, scope=W))]
Actor = Annotated[Principal, Depends(require(AD, AS, L, scope=W))]
AdvisorW = Annotated[Principal, Depends(require(AD, scope=W))]

ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /plar": allow(L, scope=R),
    "POST /plar/work": allow(L, scope=W),
    "POST /plar/education": allow(L, scope=W),
    "POST /plar/languages": allow(L, scope=W),
    "POST /plar/evidence": allow(L, scope=W),
    "GET /plar/caseload": allow(AD, AS, scope=R),
    "GET /plar/cases/{case_id}": allow(AD, AS, REG, L, scope=R, tenant=True),
    "POST /plar/cases/{case_id}/decisions": allow(AS, scope=W, tenant=True),
    "POST /plar/cases/{case_id}/steps": allow(AD, AS, L, scope=W, tenant=True),
    "POST /plar/cases/{case_id}/methods": allow(AD, scope=W, tenant=True),
    "POST /plar/cases/{case_id}/self-assessment": allow(L, scope=W, owner=True),
}

NAV_ITEMS: list[dict[str, Any]] = [
    {
        "label": "My recognition (PLAR)",
        "href": "/plar",
        "roles": [L],
        "public": False,
        "top": False,
        "description": "Your work history, education, languages and evidence, and where your recognition requests stand.",
    },
    {
        "label": "PLAR caseload",
        "href": "/plar/caseload",
        "roles": [AD, AS],
        "public": False,
        "top": True,
        "description": "Recognition cases waiting on you: queues, ages and who must act next.",
    },
]

RESULT_LABELS = {"recognised": "Recognised", "partly": "Partly recognised", "not_yet": "Not yet"}
STATE_LABELS = {
    "requested": "Requested",
    "self_assessment": "Self-assessment",
    "methods": "Choosing methods",
    "fee": "Fee to record",
    "assessment": "Assessment",
    "more_evidence": "More evidence requested",
    "moderation": "Moderation",
    "outcome": "Outcome",
    "appealed": "Appealed",
    "ineligible": "Not eligible",
}
WAITING_LABELS = {
    "learner": "the learner",
    "advisor": "an advisor",
    "assessor": "the assessor",
    "moderator": "a second assessor",
    "nobody": "nobody",
}


def _view(session: Session, case: Any, viewer: Principal) -> dict[str, Any]:
    read = cases.read_for(session, case, viewer=viewer)
    age = (utcnow() - case.state_changed_at).days
    return {
        "case": read,
        "age_days": age,
        "state_label": STATE_LABELS[read.state],
        "waiting_label": WAITING_LABELS[read.waiting_on],
    }


@router.get("/plar", response_class=HTMLResponse)
def learner_home(request: Request, session: DbSession, principal: Learner) -> HTMLResponse:
    """The learner's portfolio and recognition cases."""
    return render(
        request,
        "plar/portfolio.html",
        {
            "portfolio": portfolio.get(session, viewer=principal, learner_id=principal.user_id),
            "cases": [_view(session, c, principal) for c in cases.list_for_learner(session, actor=principal)],
            "error": None,
        },
    )


@router.post("/plar/work", response_class=HTMLResponse, response_model=None)
def add_work(
    request: Request,
    session: DbSession,
    principal: LearnerW,
    employer: Annotated[str, Form()],
    title: Annotated[str, Form()],
    start_on: Annotated[date, Form()],
    end_on: Annotated[date | None, Form()] = None,
    duties: Annotated[str, Form()] = "",
    occupation_code: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Add a job to the learner's work history from the form."""
    try:
        data = schemas.WorkExperienceCreate(
            employer=employer,
            title=title,
            start_on=start_on,
            end_on=end_on,
            duties=duties,
            occupation_code=occupation_code or None,
        )
    except ValidationError as exc:
        raise InvalidInput("the job could not be saved", detail=[e["msg"] for e in exc.errors()]) from None
    portfolio.add_work(session, actor=principal, data=data)
    return RedirectResponse("/plar", status_code=303)


def _checked(model: Any, **values: Any) -> Any:
    try:
        return model(**values)
    except ValidationError as exc:
        raise InvalidInput("the entry could not be saved", detail=[e["msg"] for e in exc.errors()]) from None


@router.post("/plar/education", response_class=HTMLResponse, response_model=None)
def add_education(
    session: DbSession,
    principal: LearnerW,
    title: Annotated[str, Form()],
    institution_name: Annotated[str, Form()],
    country: Annotated[str, Form()],
    level: Annotated[str, Form()],
    awarded_on: Annotated[date | None, Form()] = None,
    evaluation_report_ref: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Add education or a prior credential from the form."""
    data = _checked(
        schemas.PriorCredentialCreate,
        title=title,
        institution_name=institution_name,
        country=country,
        level=level,
        awarded_on=awarded_on,
        evaluation_report_ref=evaluation_report_ref or None,
    )
    portfolio.add_education(session, actor=principal, data=data)
    return RedirectResponse("/plar", status_code=303)


@router.post("/plar/languages", response_class=HTMLResponse, response_model=None)
def add_language(
    session: DbSession,
    principal: LearnerW,
    test_name: Annotated[str, Form()],
    tested_on: Annotated[date, Form()],
    listening: Annotated[int, Form()],
    speaking: Annotated[int, Form()],
    reading: Annotated[int, Form()],
    writing: Annotated[int, Form()],
) -> RedirectResponse:
    """Add a language test result (CLB) from the form."""
    data = _checked(
        schemas.LanguageResultCreate,
        test_name=test_name,
        tested_on=tested_on,
        listening=listening,
        speaking=speaking,
        reading=reading,
        writing=writing,
    )
    portfolio.add_language(session, actor=principal, data=data)
    return RedirectResponse("/plar", status_code=303)


@router.post("/plar/evidence", response_class=HTMLResponse, response_model=None)
async def upload_evidence(
    request: Request,
    session: DbSession,
    principal: LearnerW,
    file: Annotated[UploadFile, File()],
    description: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    """Upload an evidence document from the form (PDF, DOCX or text; sniffed; size-limited)."""
    settings = request.app.state.settings
    content = await file.read(settings.max_upload_bytes + 1)
    evidence.upload(
        session,
        settings=settings,
        actor=principal,
        filename=file.filename or "upload",
        content=content,
        description=description,
    )
    return RedirectResponse("/plar", status_code=303)


@router.get("/plar/caseload", response_class=HTMLResponse)
def caseload(request: Request, session: DbSession, principal: Staff, everyone: bool = False) -> HTMLResponse:
    """Open cases the staff member advises, assesses or moderates, oldest first, with who must act."""
    rows = [_view(session, c, principal) for c in cases.caseload(session, actor=principal, mine=not everyone)]
    return render(request, "plar/caseload.html", {"rows": rows, "everyone": everyone})


def _case_page(
    request: Request,
    session: Session,
    principal: Principal,
    case_id: str,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    case = cases.get_for(session, viewer=principal, case_id=case_id)
    can_decide = (
        case.assessor_user_id == principal.user_id and case.state == domain.CaseState.ASSESSMENT.value
    )
    credit = gaps = None
    if case.state == domain.CaseState.OUTCOME.value:
        credit = outcomes.credit(session, viewer=principal, case_id=case_id) if case.courses else None
        gaps = outcomes.gaps(session, viewer=principal, case_id=case_id).gaps
    return render(
        request,
        "plar/case.html",
        {
            **_view(session, case, principal),
            "can_decide": can_decide,
            "error": error,
            "results": RESULT_LABELS,
            "credit": credit,
            "gaps": gaps,
            "rules": domain.RULES_OF_EVIDENCE,
            "is_learner": principal.user_id == case.learner_user_id,
            "actions": [
                a.value
                for a in cases.available_actions(case, principal)
                if a not in (domain.Action.CHOOSE_METHODS, domain.Action.SUBMIT_SELF_ASSESSMENT)
            ],
            "choose_methods": domain.Action.CHOOSE_METHODS in cases.available_actions(case, principal),
            "methods": [m.value for m in domain.Method],
            "self_assess": principal.user_id == case.learner_user_id
            and case.state == domain.CaseState.SELF_ASSESSMENT.value,
            "needs_reason": [a.value for a in domain.ACTIONS_NEEDING_REASONS],
        },
        status_code=status_code,
    )


@router.get("/plar/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, request: Request, session: DbSession, principal: Viewer) -> HTMLResponse:
    """One case: status, competencies with methods and decisions, the pre-assessment, the decision form."""
    return _case_page(request, session, principal, case_id)


@router.post("/plar/cases/{case_id}/decisions", response_class=HTMLResponse, response_model=None)
async def decide(
    case_id: str, request: Request, session: DbSession, principal: Assessor
) -> HTMLResponse | RedirectResponse:
    """Record the assessor's decision on one competency (reasons required; the assigned assessor only)."""
    form = await request.form()
    rules = {r: form.get(f"rule_{r}") == "on" for r in domain.RULES_OF_EVIDENCE}
    try:
        data = schemas.DecisionIn(
            competency_uri=str(form.get("competency_uri") or ""),
            result=str(form.get("result") or ""),
            reasons=str(form.get("reasons") or ""),
            rules=rules,
        )
        cases.decide(session, actor=principal, case_id=case_id, data=data)
    except ValidationError:
        return _case_page(
            request, session, principal, case_id, error="The form is incomplete.", status_code=422
        )
    except InvalidInput as exc:  # no reasons, an unknown result, rules of evidence unmet: nothing was saved
        return _case_page(request, session, principal, case_id, error=exc.message, status_code=422)
    return RedirectResponse(f"/plar/cases/{case_id}", status_code=303)


@router.post("/plar/cases/{case_id}/steps", response_class=HTMLResponse, response_model=None)
async def step(
    case_id: str, request: Request, session: DbSession, principal: Actor
) -> HTMLResponse | RedirectResponse:
    """Take the next step of a case from its page (the service checks the state and who may act)."""
    form = await request.form()
    raw, reason = str(form.get("action") or ""), str(form.get("reason") or "")
    try:
        action = domain.Action(raw)
    except ValueError:
        raise InvalidInput(f"unknown step '{raw}'") from None
    A = domain.Action
    if action in (A.CONFIRM_ELIGIBILITY, A.REFUSE_ELIGIBILITY):
        cases.decide_eligibility(
            session, actor=principal, case_id=case_id, eligible=action is A.CONFIRM_ELIGIBILITY, reason=reason
        )
    elif action is A.SUBMIT_SELF_ASSESSMENT:
        cases.submit_self_assessment(session, actor=principal, case_id=case_id)
    elif action is A.RECORD_FEE:
        try:
            cents = round(float(str(form.get("amount") or "0")) * 100)
        except ValueError:
            raise InvalidInput("the fee is a number of dollars") from None
        if not 0 <= cents <= 10_000_000:
            raise InvalidInput("the fee is between 0 and 100,000 dollars")
        cases.record_fee(session, actor=principal, case_id=case_id, amount_cents=cents, reference=reason)
    elif action is A.REQUEST_EVIDENCE:
        cases.request_evidence(session, actor=principal, case_id=case_id, reason=reason)
    elif action is A.PROVIDE_EVIDENCE:
        cases.provide_evidence(session, actor=principal, case_id=case_id)
    elif action is A.COMPLETE_ASSESSMENT:
        cases.complete_assessment(session, actor=principal, case_id=case_id)
    elif action in (A.MODERATE_AGREE, A.MODERATE_RETURN):
        cases.moderate(
            session, actor=principal, case_id=case_id, agree=action is A.MODERATE_AGREE, reason=reason
        )
    elif action is A.APPEAL:
        cases.appeal(session, actor=principal, case_id=case_id, reason=reason)
    elif action in (A.UPHOLD_APPEAL, A.DISMISS_APPEAL):
        cases.resolve_appeal(
            session, actor=principal, case_id=case_id, uphold=action is A.UPHOLD_APPEAL, reason=reason
        )
    else:
        raise InvalidInput(f"'{raw}' is not taken from this form")
    return RedirectResponse(f"/plar/cases/{case_id}", status_code=303)


@router.post("/plar/cases/{case_id}/methods", response_class=HTMLResponse, response_model=None)
async def choose_methods(
    case_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> RedirectResponse:
    """Choose a method per competency and the assessor (by e-mail) from the case page."""
    form = await request.form()
    case = cases.get_for(session, viewer=principal, case_id=case_id)
    email = str(form.get("assessor_email") or "").strip()
    try:
        assessor_id = accounts_service.get_user_by_email(session, email).id
    except BridgewayError:
        raise InvalidInput(f"no assessor with the e-mail '{email}'") from None
    data = _checked(
        schemas.MethodsIn,
        assessor_user_id=assessor_id,
        methods=[
            {"competency_uri": c.competency_uri, "method": str(form.get(f"method_{i}") or "")}
            for i, c in enumerate(case.competencies)
        ],
    )
    cases.choose_methods(session, actor=principal, case_id=case_id, data=data)
    return RedirectResponse(f"/plar/cases/{case_id}", status_code=303)


@router.post("/plar/cases/{case_id}/self-assessment", response_class=HTMLResponse, response_model=None)
async def self_assess(
    case_id: str, request: Request, session: DbSession, principal: LearnerW
) -> RedirectResponse:
    """Rate yourself on every competency of your case (1–4) and submit the self-assessment."""
    form = await request.form()
    case = cases.get_for(session, viewer=principal, case_id=case_id)
    if case.learner_user_id != principal.user_id:
        raise UnknownCase(f"no recognition case '{case_id}'")
    domain.transition(
        domain.CaseState(case.state), domain.Action.SUBMIT_SELF_ASSESSMENT
    )  # refuse before rating
    for i, c in enumerate(case.competencies):
        data = _checked(
            schemas.SelfAssessmentIn,
            competency_uri=c.competency_uri,
            label=c.label,
            rating=form.get(f"rating_{i}"),
            note=str(form.get(f"note_{i}") or ""),
        )
        portfolio.rate(session, actor=principal, data=data)
    cases.submit_self_assessment(session, actor=principal, case_id=case_id)
    return RedirectResponse(f"/plar/cases/{case_id}", status_code=303)
