"""The PLAR JSON API under /api/v1/plar: portfolio, evidence, recognition cases, outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile, status
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as _FormFile

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.config import Settings
from bridgeway.kit.errors import BridgewayError
from bridgeway.kit.http import DbSession
from bridgeway.plar import schemas
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.service import cases, evidence, outcomes, portfolio
from bridgeway.plar.service import credentials as portfolio_credentials

router = APIRouter(prefix="/plar", tags=["plar"])

R, W = Scope.PLAR_READ, Scope.PLAR_WRITE
L, AD, AS, REG = Role.LEARNER, Role.ADVISOR, Role.ASSESSOR, Role.REGISTRAR
LearnerR = Annotated[Principal, Depends(require(L, scope=R))]
LearnerW = Annotated[Principal, Depends(require(L, scope=W))]
AdvisorW = Annotated[Principal, Depends(require(AD, scope=W))]
AssessorW = Annotated[Principal, Depends(require(AS, scope=W))]
StaffR = Annotated[Principal, Depends(require(AD, AS, REG, scope=R))]
CaseStaffW = Annotated[Principal, Depends(require(AD, AS, scope=W))]
IssuerW = Annotated[Principal, Depends(require(REG, AD, scope=W))]
AnyR = Annotated[Principal, Depends(require(AD, AS, REG, L, scope=R))]
CaseloadR = Annotated[Principal, Depends(require(AD, AS, scope=R))]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(_settings)]


def get_engine_provider(request: Request, session: DbSession) -> Callable[[], Any]:
    """Return a function building the skill-inference engine on first use (tests override this dependency)."""
    settings: Settings = request.app.state.settings

    def build() -> Any:
        from bridgeway.plar.inference import engine_for_records, records_from_database, records_from_files

        found = records_from_database(session, "esco") or records_from_files("esco", settings.data_dir)
        release, records = found
        return engine_for_records(records, release=release, var_dir=settings.var_dir)

    return build


EngineProvider = Annotated[Callable[[], Any], Depends(get_engine_provider)]


# --- portfolio ------------------------------------------------------------------------------------------------


@router.get("/portfolio", response_model=schemas.PortfolioRead)
def my_portfolio(session: DbSession, settings: SettingsDep, principal: LearnerR) -> schemas.PortfolioRead:
    """Return the caller's own portfolio (its verifiable credentials are re-checked first)."""
    return portfolio.get(session, viewer=principal, learner_id=principal.user_id, settings=settings)


@router.get("/learners/{learner_id}/portfolio", response_model=schemas.PortfolioRead)
def learner_portfolio(
    learner_id: str, session: DbSession, settings: SettingsDep, principal: StaffR
) -> schemas.PortfolioRead:
    """Return a learner's portfolio to staff the learner consented to (credentials re-checked first)."""
    return portfolio.get(session, viewer=principal, learner_id=learner_id, settings=settings)


@router.post(
    "/portfolio/work", response_model=schemas.WorkExperienceRead, status_code=status.HTTP_201_CREATED
)
def add_work(data: schemas.WorkExperienceCreate, session: DbSession, principal: LearnerW) -> Any:
    """Add a job to the caller's work history."""
    return portfolio.add_work(session, actor=principal, data=data)


@router.post(
    "/portfolio/education", response_model=schemas.PriorCredentialRead, status_code=status.HTTP_201_CREATED
)
def add_education(data: schemas.PriorCredentialCreate, session: DbSession, principal: LearnerW) -> Any:
    """Add education or a prior credential (with a credential-evaluation reference when international)."""
    return portfolio.add_education(session, actor=principal, data=data)


@router.post(
    "/portfolio/languages", response_model=schemas.LanguageResultRead, status_code=status.HTTP_201_CREATED
)
def add_language(data: schemas.LanguageResultCreate, session: DbSession, principal: LearnerW) -> Any:
    """Add a language test result (CLB 1–12 per skill)."""
    return portfolio.add_language(session, actor=principal, data=data)


@router.put("/portfolio/self-assessment", response_model=schemas.SelfAssessmentRead)
def rate(data: schemas.SelfAssessmentIn, session: DbSession, principal: LearnerW) -> Any:
    """Rate yourself on one competency (1 novice … 4 expert)."""
    return portfolio.rate(session, actor=principal, data=data)


@router.delete("/portfolio/{kind}/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_entry(
    kind: str, entry_id: str, session: DbSession, settings: SettingsDep, principal: LearnerW
) -> Response:
    """Remove one of your portfolio entries (kind: work, education, languages, self-assessment, evidence, credentials)."""
    portfolio.remove(session, actor=principal, kind=kind, entry_id=entry_id, settings=settings)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/portfolio/evidence", response_model=schemas.EvidenceRead, status_code=status.HTTP_201_CREATED)
async def upload_evidence(
    session: DbSession,
    settings: SettingsDep,
    principal: LearnerW,
    file: Annotated[UploadFile, File(description="PDF, DOCX or UTF-8 text")],
    description: Annotated[str, Form(max_length=4000)] = "",
) -> Any:
    """Upload an evidence document; its content is sniffed and it is stored under its sha256."""
    content = await file.read(settings.max_upload_bytes + 1)
    return evidence.upload(
        session,
        settings=settings,
        actor=principal,
        filename=file.filename or "upload",
        content=content,
        description=description,
    )


@router.get("/evidence/{evidence_id}")
def download_evidence(
    evidence_id: str, session: DbSession, settings: SettingsDep, principal: AnyR
) -> Response:
    """Return an evidence document's bytes to its learner or to staff the learner consented to."""
    doc = portfolio.get_evidence(session, viewer=principal, evidence_id=evidence_id)
    return Response(
        evidence.read_bytes(settings, doc),
        media_type=doc.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{doc.id}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/learners/{learner_id}/recognised", response_model=list[schemas.RecognisedCompetency])
def recognised(learner_id: str, session: DbSession, principal: AnyR) -> Any:
    """Return a learner's recognised competencies with provenance (who, how, when, which evidence)."""
    return outcomes.recognised(session, viewer=principal, learner_id=learner_id)


# --- cases ----------------------------------------------------------------------------------------------------


@router.post("/cases", response_model=schemas.CaseRead, status_code=status.HTTP_201_CREATED)
def request_case(
    data: schemas.CaseCreate, session: DbSession, settings: SettingsDep, principal: LearnerW
) -> Any:
    """Ask an institution to recognise competencies toward a program, credential or micro-credentials."""
    return cases.read(cases.request(session, actor=principal, data=data, settings=settings))


@router.get("/cases", response_model=list[schemas.CaseRead])
def my_cases(session: DbSession, principal: LearnerR) -> Any:
    """Return the caller's own cases."""
    return [cases.read(c) for c in cases.list_for_learner(session, actor=principal)]


@router.get("/caseload", response_model=list[schemas.CaseRead])
def caseload(session: DbSession, principal: CaseloadR, everyone: bool = False) -> Any:
    """Return the open cases the caller advises, assesses or moderates (everyone=true: the institution's)."""
    return [
        cases.read_for(session, c, viewer=principal)
        for c in cases.caseload(session, actor=principal, mine=not everyone)
    ]


@router.get("/cases/{case_id}", response_model=schemas.CaseRead)
def get_case(case_id: str, session: DbSession, principal: AnyR) -> Any:
    """Return one case to its learner or to staff of its institution."""
    return cases.read_for(
        session, cases.get_for(session, viewer=principal, case_id=case_id), viewer=principal
    )


@router.post("/cases/{case_id}/eligibility", response_model=schemas.CaseRead)
def eligibility(
    case_id: str, data: schemas.EligibilityIn, session: DbSession, settings: SettingsDep, principal: AdvisorW
) -> Any:
    """Confirm or refuse (with a reason) the learner's eligibility."""
    return cases.read(
        cases.decide_eligibility(
            session,
            actor=principal,
            case_id=case_id,
            eligible=data.eligible,
            reason=data.reason,
            settings=settings,
        )
    )


@router.post("/cases/{case_id}/self-assessment", response_model=schemas.CaseRead)
def submit_self_assessment(
    case_id: str, session: DbSession, settings: SettingsDep, principal: LearnerW
) -> Any:
    """Submit your self-assessment (your portfolio ratings of every competency of the case)."""
    return cases.read(
        cases.submit_self_assessment(session, actor=principal, case_id=case_id, settings=settings)
    )


@router.post("/cases/{case_id}/methods", response_model=schemas.CaseRead)
def choose_methods(
    case_id: str, data: schemas.MethodsIn, session: DbSession, settings: SettingsDep, principal: AdvisorW
) -> Any:
    """Choose an assessment method per competency and assign the assessor (and moderator)."""
    return cases.read(
        cases.choose_methods(session, actor=principal, case_id=case_id, data=data, settings=settings)
    )


@router.post("/cases/{case_id}/fee", response_model=schemas.CaseRead)
def record_fee(
    case_id: str, data: schemas.FeeIn, session: DbSession, settings: SettingsDep, principal: AdvisorW
) -> Any:
    """Record the assessment fee (0 for a waiver); the assessment starts."""
    return cases.read(
        cases.record_fee(
            session,
            actor=principal,
            case_id=case_id,
            amount_cents=data.amount_cents,
            reference=data.reference,
            settings=settings,
        )
    )


@router.post("/cases/{case_id}/evidence", response_model=schemas.CaseRead)
def link_evidence(case_id: str, data: schemas.EvidenceLinkIn, session: DbSession, principal: LearnerW) -> Any:
    """Attach portfolio documents to one competency of your case."""
    return cases.read(
        cases.link_evidence(
            session,
            actor=principal,
            case_id=case_id,
            competency_uri=data.competency_uri,
            evidence_ids=data.evidence_ids,
        )
    )


@router.post("/cases/{case_id}/evidence-requests", response_model=schemas.CaseRead)
def request_evidence(
    case_id: str, data: schemas.ReasonIn, session: DbSession, settings: SettingsDep, principal: AssessorW
) -> Any:
    """Ask the learner for more evidence (the assigned assessor only), saying what."""
    return cases.read(
        cases.request_evidence(
            session, actor=principal, case_id=case_id, reason=data.reason, settings=settings
        )
    )


@router.post("/cases/{case_id}/evidence-provided", response_model=schemas.CaseRead)
def provide_evidence(case_id: str, session: DbSession, settings: SettingsDep, principal: LearnerW) -> Any:
    """Tell the assessor the requested evidence is in."""
    return cases.read(cases.provide_evidence(session, actor=principal, case_id=case_id, settings=settings))


@router.post("/cases/{case_id}/pre-assessment", response_model=schemas.CaseRead)
def pre_assess(case_id: str, session: DbSession, principal: CaseStaffW, engine: EngineProvider) -> Any:
    """Propose competencies from the learner's portfolio (skill inference), with confidence and evidence words."""
    return cases.read(cases.pre_assess(session, actor=principal, case_id=case_id, engine_provider=engine))


@router.post("/cases/{case_id}/decisions", response_model=schemas.CaseRead)
def decide(case_id: str, data: schemas.DecisionIn, session: DbSession, principal: AssessorW) -> Any:
    """Decide one competency with reasons (the assigned assessor only)."""
    return cases.read(cases.decide(session, actor=principal, case_id=case_id, data=data))


@router.post("/cases/{case_id}/complete", response_model=schemas.CaseRead)
def complete(
    case_id: str, response: Response, session: DbSession, settings: SettingsDep, principal: AssessorW
) -> Any:
    """Complete the assessment; moderation follows when policy requires it, else the credentials are issued."""
    cases.complete_assessment(session, actor=principal, case_id=case_id, settings=settings)
    return cases.read(_settle(session, settings, principal, case_id, response))


@router.post("/cases/{case_id}/moderation", response_model=schemas.CaseRead)
def moderate(
    case_id: str,
    data: schemas.ModerationIn,
    response: Response,
    session: DbSession,
    settings: SettingsDep,
    principal: AssessorW,
) -> Any:
    """Confirm the decisions (the credentials are then issued), or return them to the assessor with a reason."""
    cases.moderate(
        session, actor=principal, case_id=case_id, agree=data.agree, reason=data.reason, settings=settings
    )
    return cases.read(_settle(session, settings, principal, case_id, response))


@router.post("/cases/{case_id}/appeal", response_model=schemas.CaseRead)
def appeal(
    case_id: str, data: schemas.ReasonIn, session: DbSession, settings: SettingsDep, principal: LearnerW
) -> Any:
    """Appeal the outcome of your case, saying why."""
    return cases.read(
        cases.appeal(session, actor=principal, case_id=case_id, reason=data.reason, settings=settings)
    )


@router.post("/cases/{case_id}/appeal-resolution", response_model=schemas.CaseRead)
def resolve_appeal(
    case_id: str,
    data: schemas.AppealResolutionIn,
    response: Response,
    session: DbSession,
    settings: SettingsDep,
    principal: AssessorW,
) -> Any:
    """Uphold (back to assessment) or dismiss an appeal with a reason; a dismissal issues what the outcome grants."""
    cases.resolve_appeal(
        session, actor=principal, case_id=case_id, uphold=data.uphold, reason=data.reason, settings=settings
    )
    return cases.read(_settle(session, settings, principal, case_id, response))


def _settle(
    session: Session, settings: Settings, actor: Principal, case_id: str, response: Response
) -> RecognitionCase:
    """Issue what a final outcome grants; if issuing must wait, the step stands and a header says why."""
    try:
        with session.begin_nested():
            return outcomes.settle(session, settings=settings, actor=actor, case_id=case_id)
    except BridgewayError as exc:
        response.headers["X-Bridgeway-Credentials-Pending"] = exc.message[:300]
        return cases.get_for(session, viewer=actor, case_id=case_id)


@router.post("/cases/{case_id}/credentials", response_model=schemas.CaseRead)
def issue_credentials(case_id: str, session: DbSession, settings: SettingsDep, principal: IssuerW) -> Any:
    """Issue a PLAR micro-credential for each recognised competency of a decided case."""
    return cases.read(
        outcomes.issue_credentials(session, settings=settings, actor=principal, case_id=case_id)
    )


@router.get("/cases/{case_id}/credit", response_model=schemas.CreditRead)
def credit(case_id: str, session: DbSession, principal: AnyR) -> Any:
    """Advanced-placement credit under the institution's PLAR policy (JSON for the registrar)."""
    return outcomes.credit(session, viewer=principal, case_id=case_id)


@router.get("/cases/{case_id}/credit.csv", response_class=PlainTextResponse)
def credit_csv(case_id: str, session: DbSession, principal: AnyR) -> PlainTextResponse:
    """Advanced-placement credit as CSV for the registrar (one row per course)."""
    body = outcomes.credit_csv(outcomes.credit(session, viewer=principal, case_id=case_id))
    return PlainTextResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="plar-credit-{case_id}.csv"'},
    )


@router.get("/cases/{case_id}/gaps", response_model=schemas.GapRead)
def case_gaps(case_id: str, session: DbSession, principal: AnyR) -> Any:
    """The case's competencies not (fully) recognised, for the planner."""
    return outcomes.gaps(session, viewer=principal, case_id=case_id)


_P = "/api/v1/plar"
_T = {"tenant": True}
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    f"GET {_P}/portfolio": allow(L, scope=R),
    f"GET {_P}/learners/{{learner_id}}/portfolio": allow(AD, AS, REG, scope=R, tenant=True),
    f"POST {_P}/portfolio/work": allow(L, scope=W),
    f"POST {_P}/portfolio/education": allow(L, scope=W),
    f"POST {_P}/portfolio/languages": allow(L, scope=W),
    f"PUT {_P}/portfolio/self-assessment": allow(L, scope=W),
    f"DELETE {_P}/portfolio/{{kind}}/{{entry_id}}": allow(L, scope=W, owner=True),
    f"POST {_P}/portfolio/evidence": allow(L, scope=W),
    f"GET {_P}/evidence/{{evidence_id}}": allow(AD, AS, REG, L, scope=R, tenant=True),
    f"GET {_P}/learners/{{learner_id}}/recognised": allow(AD, AS, REG, L, scope=R, tenant=True),
    f"POST {_P}/cases": allow(L, scope=W),
    f"GET {_P}/cases": allow(L, scope=R),
    f"GET {_P}/caseload": allow(AD, AS, scope=R),
    f"GET {_P}/cases/{{case_id}}": allow(AD, AS, REG, L, scope=R, **_T),
    f"POST {_P}/cases/{{case_id}}/eligibility": allow(AD, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/self-assessment": allow(L, scope=W, owner=True),
    f"POST {_P}/cases/{{case_id}}/methods": allow(AD, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/fee": allow(AD, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/evidence": allow(L, scope=W, owner=True),
    f"POST {_P}/cases/{{case_id}}/evidence-requests": allow(AS, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/evidence-provided": allow(L, scope=W, owner=True),
    f"POST {_P}/cases/{{case_id}}/pre-assessment": allow(AD, AS, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/decisions": allow(AS, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/complete": allow(AS, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/moderation": allow(AS, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/appeal": allow(L, scope=W, owner=True),
    f"POST {_P}/cases/{{case_id}}/appeal-resolution": allow(AS, scope=W, **_T),
    f"POST {_P}/cases/{{case_id}}/credentials": allow(REG, AD, scope=W, **_T),
    f"GET {_P}/cases/{{case_id}}/credit": allow(AD, AS, REG, L, scope=R, **_T),
    f"GET {_P}/cases/{{case_id}}/credit.csv": allow(AD, AS, REG, L, scope=R, **_T),
    f"GET {_P}/cases/{{case_id}}/gaps": allow(AD, AS, REG, L, scope=R, **_T),
}


# --- verifiable credentials in the portfolio (checked on upload) ----------------------------------------------

_CREDENTIAL_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": 'The credential itself, or {"credential": {...}}'}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "credential": {"type": "string", "description": "The credential's JSON, pasted"},
                    },
                }
            },
        },
    }
}


async def credential_bytes(request: Request) -> tuple[bytes, str]:
    """Return (the credential's bytes, a file name) from a JSON body or a form's `file` / `credential` field.

    Nothing sent gives empty bytes, which the service refuses with its reason.
    """
    if not request.headers.get("content-type", "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        return await request.body(), "credential.json"
    form = await request.form(max_files=1, max_fields=10)
    upload, pasted = form.get("file"), form.get("credential")
    if isinstance(upload, _FormFile) and upload.filename:
        return await upload.read(portfolio_credentials.MAX_CREDENTIAL_BYTES + 1), upload.filename
    return (pasted if isinstance(pasted, str) else "").encode("utf-8"), "credential.json"


@router.post(
    "/portfolio/credentials",
    response_model=schemas.PortfolioCredentialRead,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_CREDENTIAL_BODY,
)
async def add_credential(
    request: Request, session: DbSession, settings: SettingsDep, principal: LearnerW
) -> Any:
    """Add a verifiable credential from any issuer (Open Badges 3.0 or VC 2.0 with a Data Integrity proof).

    It is verified first (proof, issuer key, dates, status list); malformed, tampered, unknown-key, expired or
    not-yet-valid credentials are refused with 422 `credential_refused` and each check in plain words.
    """
    content, filename = await credential_bytes(request)
    row = portfolio_credentials.add(
        session, settings=settings, actor=principal, content=content, filename=filename
    )
    return portfolio_credentials.read(row)


ROUTE_POLICIES[f"POST {_P}/portfolio/credentials"] = allow(L, scope=W)
