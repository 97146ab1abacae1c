"""PLAR pages: the learner's portfolio and case status, the staff caseload, a case with the assessor's decision form."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.config import Settings
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import BridgewayError, Conflict, InvalidInput, PayloadTooLarge
from bridgeway.kit.http import DbSession, is_htmx, render
from bridgeway.plar import case_views, domain, schemas
from bridgeway.plar.errors import InvalidTransition, UnknownCase, UnknownEntry
from bridgeway.plar.service import cases, evidence, outcomes, portfolio, targets

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
IssuerW = Annotated[Principal, Depends(require(REG, AD, scope=W))]

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
    "GET /plar/request": allow(L, scope=R),
    "POST /plar/request": allow(L, scope=W),
    "POST /plar/cases/{case_id}/evidence": allow(L, scope=W, owner=True),
    "POST /plar/cases/{case_id}/evidence/upload": allow(L, scope=W, owner=True),
    "POST /plar/cases/{case_id}/credentials": allow(REG, AD, scope=W, tenant=True),
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
        "since": case.state_changed_at.date().isoformat(),
        "state_label": STATE_LABELS[read.state],
        "waiting_label": WAITING_LABELS[read.waiting_on],
        "your_turn": read.waiting_on == domain.Party.LEARNER.value and viewer.user_id == case.learner_user_id,
    }


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


@router.get("/plar", response_class=HTMLResponse)
def learner_home(request: Request, session: DbSession, principal: Learner) -> HTMLResponse:
    """The learner's portfolio and recognition cases."""
    return render(
        request,
        "plar/portfolio.html",
        {
            "portfolio": portfolio.get(
                session, viewer=principal, learner_id=principal.user_id, settings=request.app.state.settings
            ),
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
    is_learner = principal.user_id == case.learner_user_id
    if case.state == domain.CaseState.OUTCOME.value and not is_learner:
        credit = outcomes.credit(session, viewer=principal, case_id=case_id) if case.courses else None
        gaps = outcomes.gaps(session, viewer=principal, case_id=case_id).gaps
    learner = case_views.learner_context(session, case, principal) if is_learner else None
    hidden = {domain.Action.CHOOSE_METHODS, domain.Action.SUBMIT_SELF_ASSESSMENT}
    if is_learner:
        hidden |= set(case_views.LEARNER_FORMS)
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
            "is_learner": is_learner,
            "learner": learner,
            "can_issue": _can_issue(case, principal),
            "actions": [a.value for a in cases.available_actions(case, principal) if a not in hidden],
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
    """Take the next step of a case from its page (the service checks the state and who may act).

    A refused step (no reason, wrong state) re-renders the page with the reason and changes nothing.
    """
    form = await request.form()
    raw = str(form.get("action") or "")
    try:
        action = domain.Action(raw)
    except ValueError:
        raise InvalidInput(f"unknown step '{raw}'") from None
    settings = _settings(request)
    try:
        with session.begin_nested():  # a refused step undoes only its own writes
            _take_step(session, principal, case_id, action, form, settings)
    except (InvalidInput, Conflict) as exc:
        return _case_page(
            request, session, principal, case_id, error=exc.message, status_code=exc.status_code
        )
    if action in SETTLING_STEPS:  # decisions final: issue the credentials they grant
        try:
            with session.begin_nested():  # the step stands even if issuing has to wait
                outcomes.settle(session, settings=settings, actor=principal, case_id=case_id)
        except BridgewayError as exc:
            note = f"The decisions are recorded, but the credentials could not be issued yet: {exc.message}"
            return _case_page(request, session, principal, case_id, error=note)
    return RedirectResponse(f"/plar/cases/{case_id}", status_code=303)


SETTLING_STEPS = frozenset(
    {domain.Action.COMPLETE_ASSESSMENT, domain.Action.MODERATE_AGREE, domain.Action.DISMISS_APPEAL}
)


def _fee_cents(form: Any) -> int:
    try:
        cents = round(float(str(form.get("amount") or "0")) * 100)
    except ValueError:
        raise InvalidInput("the fee is a number of dollars") from None
    if not 0 <= cents <= 10_000_000:
        raise InvalidInput("the fee is between 0 and 100,000 dollars")
    return cents


def _take_step(
    session: Session, principal: Principal, case_id: str, action: domain.Action, form: Any, settings: Settings
) -> None:
    A = domain.Action
    reason = str(form.get("reason") or "")
    common: dict[str, Any] = {"actor": principal, "case_id": case_id, "settings": settings}
    if action in (A.CONFIRM_ELIGIBILITY, A.REFUSE_ELIGIBILITY):
        cases.decide_eligibility(session, eligible=action is A.CONFIRM_ELIGIBILITY, reason=reason, **common)
    elif action is A.SUBMIT_SELF_ASSESSMENT:
        cases.submit_self_assessment(session, **common)
    elif action is A.RECORD_FEE:
        cases.record_fee(session, amount_cents=_fee_cents(form), reference=reason, **common)
    elif action is A.REQUEST_EVIDENCE:
        cases.request_evidence(session, reason=reason, **common)
    elif action is A.PROVIDE_EVIDENCE:
        cases.provide_evidence(session, **common)
    elif action is A.COMPLETE_ASSESSMENT:
        cases.complete_assessment(session, **common)
    elif action in (A.MODERATE_AGREE, A.MODERATE_RETURN):
        cases.moderate(session, agree=action is A.MODERATE_AGREE, reason=reason, **common)
    elif action is A.APPEAL:
        cases.appeal(session, reason=reason, **common)
    elif action in (A.UPHOLD_APPEAL, A.DISMISS_APPEAL):
        cases.resolve_appeal(session, uphold=action is A.UPHOLD_APPEAL, reason=reason, **common)
    else:
        raise InvalidInput(f"'{action.value}' is not taken from this form")


def _can_issue(case: Any, principal: Principal) -> bool:
    """Return True when the viewer may issue credentials the case's outcome grants and some are still missing."""
    return (
        case.state == domain.CaseState.OUTCOME.value
        and principal.is_staff_of(case.institution_id)
        and principal.has_role(REG, AD)
        and any(c.result == domain.Result.RECOGNISED.value and not c.credential_id for c in case.competencies)
    )


@router.get("/plar/request", response_class=HTMLResponse)
def request_page(
    request: Request, session: DbSession, principal: Learner, institution_id: str | None = None
) -> HTMLResponse:
    """Ask for recognition: choose an institution you consented to, then a program or micro-credentials."""
    context = case_views.request_context(session, principal, institution_id)
    template = "plar/_request_options.html" if is_htmx(request) else "plar/request.html"
    return render(request, template, context)


@router.post("/plar/request", response_class=HTMLResponse, response_model=None)
async def request_case(
    request: Request, session: DbSession, principal: LearnerW
) -> HTMLResponse | RedirectResponse:
    """Open a recognition case toward the chosen program or micro-credentials (the advisors are notified)."""
    form = await request.form()
    institution_id = str(form.get("institution_id") or "")
    program_id = str(form.get("program_id") or "") or None
    micro_ids = [str(v) for v in form.getlist("micro_ids")]
    try:
        with session.begin_nested():  # a refused request leaves nothing behind
            case = targets.request_from_catalogue(
                session,
                actor=principal,
                institution_id=institution_id,
                program_id=program_id,
                micro_ids=micro_ids,
                settings=_settings(request),
            )
    except (InvalidInput, Conflict) as exc:
        chosen = {"program_id": program_id or "", "micro_ids": micro_ids}
        context = case_views.request_context(
            session, principal, institution_id or None, error=exc.message, chosen=chosen
        )
        return render(request, "plar/request.html", context, status_code=exc.status_code)
    return RedirectResponse(f"/plar/cases/{case.id}", status_code=303)


def _form_status(exc: BridgewayError) -> int:
    """A form naming a document or competency the case does not have is bad input (422), not a missing page."""
    return 422 if isinstance(exc, UnknownEntry) else exc.status_code


def _own_case(session: Session, principal: Principal, case_id: str) -> Any:
    case = cases.get_for(session, viewer=principal, case_id=case_id)
    if case.learner_user_id != principal.user_id:
        raise UnknownCase(f"no recognition case '{case_id}'")
    return case


@router.post("/plar/cases/{case_id}/evidence", response_class=HTMLResponse, response_model=None)
async def link_evidence(
    case_id: str, request: Request, session: DbSession, principal: LearnerW
) -> HTMLResponse | RedirectResponse:
    """Link documents of your portfolio to one competency of your case."""
    _own_case(session, principal, case_id)
    form = await request.form()
    uri = str(form.get("competency_uri") or "")
    ids = [str(v) for v in form.getlist("evidence_ids") if v]
    try:
        if not ids:
            raise InvalidInput("choose at least one document to link")
        with session.begin_nested():
            cases.link_evidence(
                session, actor=principal, case_id=case_id, competency_uri=uri, evidence_ids=ids
            )
    except (
        InvalidInput,
        Conflict,
        UnknownEntry,
    ) as exc:  # an unknown document or competency is bad input here
        return _case_page(
            request, session, principal, case_id, error=exc.message, status_code=_form_status(exc)
        )
    return RedirectResponse(f"/plar/cases/{case_id}#evidence", status_code=303)


@router.post("/plar/cases/{case_id}/evidence/upload", response_class=HTMLResponse, response_model=None)
async def upload_case_evidence(
    case_id: str, request: Request, session: DbSession, principal: LearnerW
) -> HTMLResponse | RedirectResponse:
    """Upload a new document into your portfolio and link it to one competency of your case, all or nothing."""
    case = _own_case(session, principal, case_id)
    settings = _settings(request)
    form = await request.form()
    upload = form.get("file")
    uri = str(form.get("competency_uri") or "")
    try:
        if domain.CaseState(case.state) in case_views.EVIDENCE_CLOSED:
            raise InvalidTransition(f"evidence cannot change while the case is '{case.state}'")
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise InvalidInput("choose a document to upload (PDF, Word or text)")
        content = await upload.read(settings.max_upload_bytes + 1)
        with session.begin_nested():  # the document and its link are saved together or not at all
            doc = evidence.upload(
                session,
                settings=settings,
                actor=principal,
                filename=upload.filename,
                content=content,
                description=str(form.get("description") or "")[:4000],
            )
            cases.link_evidence(
                session, actor=principal, case_id=case_id, competency_uri=uri, evidence_ids=[doc.id]
            )
    except (InvalidInput, Conflict, UnknownEntry, PayloadTooLarge) as exc:
        return _case_page(
            request, session, principal, case_id, error=exc.message, status_code=_form_status(exc)
        )
    return RedirectResponse(f"/plar/cases/{case_id}#evidence", status_code=303)


@router.post("/plar/cases/{case_id}/credentials", response_class=HTMLResponse, response_model=None)
def issue_credentials(
    case_id: str, request: Request, session: DbSession, principal: IssuerW
) -> RedirectResponse:
    """Issue the PLAR credentials a decided case grants (registrar or advisor; idempotent)."""
    outcomes.issue_credentials(session, settings=_settings(request), actor=principal, case_id=case_id)
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
    cases.choose_methods(session, actor=principal, case_id=case_id, data=data, settings=_settings(request))
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
    cases.submit_self_assessment(session, actor=principal, case_id=case_id, settings=_settings(request))
    return RedirectResponse(f"/plar/cases/{case_id}", status_code=303)


# --- verifiable credentials in the portfolio (section of /plar) ------------------------------------------------

from bridgeway.plar import errors as plar_errors  # noqa: E402
from bridgeway.plar.routes import credential_bytes  # noqa: E402
from bridgeway.plar.service import credentials as portfolio_credentials  # noqa: E402

ROUTE_POLICIES["POST /plar/credentials"] = allow(L, scope=W)
ROUTE_POLICIES["POST /plar/credentials/{entry_id}/delete"] = allow(L, scope=W, owner=True)


def _portfolio_with_credential_error(
    request: Request, session: Session, principal: Principal, error: BridgewayError
) -> HTMLResponse:
    detail = error.detail if isinstance(error.detail, dict) else {}
    return render(
        request,
        "plar/portfolio.html",
        {
            "portfolio": portfolio.get(
                session, viewer=principal, learner_id=principal.user_id, settings=request.app.state.settings
            ),
            "cases": [_view(session, c, principal) for c in cases.list_for_learner(session, actor=principal)],
            "error": None,
            "credential_error": error.message,
            "credential_checks": detail.get("checks") or [],
        },
        status_code=error.status_code,
    )


@router.post("/plar/credentials", response_class=HTMLResponse, response_model=None)
async def add_credential(
    request: Request, session: DbSession, principal: LearnerW
) -> HTMLResponse | RedirectResponse:
    """Check a pasted or uploaded verifiable credential and add it; a refusal shows each check in plain words."""
    content, filename = await credential_bytes(request)
    try:
        portfolio_credentials.add(
            session,
            settings=request.app.state.settings,
            actor=principal,
            content=content,
            filename=filename,
        )
    except (  # refused before anything was written
        InvalidInput,
        plar_errors.EvidenceTooLarge,
        plar_errors.CredentialAlreadyInPortfolio,
    ) as exc:
        return _portfolio_with_credential_error(request, session, principal, exc)
    return RedirectResponse("/plar#credentials", status_code=303)


@router.post("/plar/credentials/{entry_id}/delete", response_class=HTMLResponse, response_model=None)
def remove_credential(
    entry_id: str, request: Request, session: DbSession, principal: LearnerW
) -> RedirectResponse:
    """Remove one of the learner's credentials (and its stored file once no one else uses it)."""
    portfolio.remove(
        session,
        actor=principal,
        kind="credentials",
        entry_id=entry_id,
        settings=request.app.state.settings,
    )
    return RedirectResponse("/plar#credentials", status_code=303)
