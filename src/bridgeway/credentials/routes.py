"""Credentials JSON API (/api/v1/credentials) and the root routes: VC-API, DID documents, status lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from bridgeway import vc
from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow, public, signed_in
from bridgeway.config import Settings
from bridgeway.credentials import domain, errors
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.schemas import (
    BatchRead,
    BatchRequest,
    CredentialRead,
    IssueRequest,
    StatusChange,
    VerificationRead,
)
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession
from bridgeway.kit.pagination import Page

router = APIRouter(prefix="/credentials", tags=["credentials"])
root_router = APIRouter(tags=["credentials (VC-API, DIDs, status lists)"])

ISSUERS = (Role.ASSESSOR, Role.REGISTRAR, Role.INSTITUTION_ADMIN)
STATUS_MANAGERS = (Role.REGISTRAR, Role.INSTITUTION_ADMIN)
STAFF_READERS = (Role.ASSESSOR, Role.REGISTRAR, Role.INSTITUTION_ADMIN, Role.ADVISOR)

Issuer = Annotated[Principal, Depends(require(*ISSUERS, scope=Scope.CREDENTIALS_ISSUE))]
StatusManager = Annotated[Principal, Depends(require(*STATUS_MANAGERS, scope=Scope.CREDENTIALS_ISSUE))]
StaffReader = Annotated[Principal, Depends(require(*STAFF_READERS, scope=Scope.CREDENTIALS_READ))]
Reader = Annotated[Principal, Depends(require(scope=Scope.CREDENTIALS_READ))]
Admin = Annotated[Principal, Depends(require(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN))]

STATUS_LIST_CACHE = "public, max-age=300, must-revalidate"
DID_CACHE = "public, max-age=3600"


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _institution_of(principal: Principal) -> str:
    if principal.institution_id is None:
        raise errors.NotYourCredential("this needs staff of an institution")
    return principal.institution_id


@router.post("", status_code=201, response_model=CredentialRead)
def issue_credential(request: Request, session: DbSession, body: IssueRequest, principal: Issuer) -> Any:
    """Issue one Open Badges 3.0 credential (an assessor's decision or a completed micro-credential).

    Sending the same idempotency_key again returns the credential already issued. When the learner now holds
    every component of a catalogue stacking rule, the parent is awarded (or queued for approval).
    """
    settings = _settings(request)
    credential = credentials_service.issue(
        session, settings=settings, institution_id=_institution_of(principal), request=body, actor=principal
    )
    if credential.learner_user_id is not None:
        credentials_service.award_stacks(
            session,
            settings=settings,
            institution_id=credential.institution_id,
            learner_user_id=credential.learner_user_id,
            actor=principal,
        )
    return credential


@router.get("", response_model=Page[CredentialRead])
def list_credentials(
    session: DbSession,
    principal: StaffReader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    learner_user_id: Annotated[str | None, Query(max_length=36)] = None,
) -> Any:
    """List the credentials your institution issued, newest first."""
    items, total = credentials_service.list_for_institution(
        session,
        institution_id=_institution_of(principal),
        limit=limit,
        offset=offset,
        learner_user_id=learner_user_id,
    )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/mine", response_model=list[CredentialRead])
def my_credentials(session: DbSession, principal: Reader) -> Any:
    """List your own credentials (as a learner), newest first."""
    return credentials_service.list_for_learner(session, user_id=principal.user_id)


@router.get("/mine/clr")
def my_clr(request: Request, session: DbSession, principal: Reader) -> JSONResponse:
    """Export all your achievements as one signed CLR 2.0 ClrCredential with associations."""
    document = credentials_service.export_clr(session, settings=_settings(request), user_id=principal.user_id)
    return JSONResponse(document, media_type="application/vc+ld+json")


@router.get("/stack-awards")
def stack_awards(session: DbSession, principal: StatusManager) -> list[dict[str, Any]]:
    """List parent credentials earned by stacking that wait for your approval."""
    return [
        {
            "id": a.id,
            "learner_user_id": a.learner_user_id,
            "parent_ref": a.parent_ref,
            "components": a.component_credential_ids,
            "created_at": a.created_at.isoformat(),
        }
        for a in credentials_service.pending_stack_awards(session, institution_id=_institution_of(principal))
    ]


@router.post("/stack-awards/{award_id}/{decision}")
def decide_stack_award(
    request: Request, session: DbSession, award_id: str, decision: str, principal: StatusManager
) -> dict[str, Any]:
    """Approve (issuing the parent credential) or reject a stack award."""
    if decision not in ("approve", "reject"):
        raise InvalidInput("the decision is 'approve' or 'reject'")
    settings = _settings(request)
    rules = credentials_service.stack_rules_from_catalog(
        session, settings=settings, institution_id=_institution_of(principal)
    )
    award = credentials_service.decide_stack_award(
        session,
        settings=settings,
        award_id=award_id,
        approve=decision == "approve",
        rules=rules,
        actor=principal,
    )
    return {"id": award.id, "state": award.state, "credential_id": award.credential_id}


@router.get("/{credential_id}", response_model=CredentialRead)
def get_credential(session: DbSession, credential_id: str, principal: Reader) -> Any:
    """Return one credential: yours, or (staff) one your institution issued."""
    return credentials_service.get_for(session, credential_id=credential_id, principal=principal)


@router.get("/{credential_id}/history")
def credential_history(session: DbSession, credential_id: str, principal: Reader) -> list[dict[str, Any]]:
    """Return the status changes of a credential, with their reasons."""
    credentials_service.get_for(session, credential_id=credential_id, principal=principal)
    return [
        {"action": e.action, "reason": e.reason, "at": e.at.isoformat()}
        for e in credentials_service.status_history(session, credential_id=credential_id)
    ]


def _change(
    request: Request,
    session: Any,
    credential_id: str,
    body: StatusChange,
    principal: Principal,
    action: domain.StatusAction,
) -> Any:
    return credentials_service.change_status(
        session,
        settings=_settings(request),
        credential_id=credential_id,
        action=action,
        reason=body.reason,
        actor=principal,
    )


@router.post("/{credential_id}/revoke", response_model=CredentialRead)
def revoke_credential(
    request: Request, session: DbSession, credential_id: str, body: StatusChange, principal: StatusManager
) -> Any:
    """Revoke a credential for good, with a reason the learner sees."""
    return _change(request, session, credential_id, body, principal, domain.StatusAction.REVOKE)


@router.post("/{credential_id}/suspend", response_model=CredentialRead)
def suspend_credential(
    request: Request, session: DbSession, credential_id: str, body: StatusChange, principal: StatusManager
) -> Any:
    """Suspend a credential (it can be reinstated), with a reason."""
    return _change(request, session, credential_id, body, principal, domain.StatusAction.SUSPEND)


@router.post("/{credential_id}/unsuspend", response_model=CredentialRead)
def unsuspend_credential(
    request: Request, session: DbSession, credential_id: str, body: StatusChange, principal: StatusManager
) -> Any:
    """Reinstate a suspended credential, with a reason."""
    return _change(request, session, credential_id, body, principal, domain.StatusAction.UNSUSPEND)


@router.post("/batches", status_code=201, response_model=BatchRead)
def issue_batch(request: Request, session: DbSession, body: BatchRequest, principal: Issuer) -> Any:
    """Issue a cohort: one achievement, many recipients. Re-sending the same idempotency_key never duplicates."""
    job = credentials_service.create_batch(
        session, institution_id=_institution_of(principal), request=body, source="api", actor=principal
    )
    return credentials_service.run_batch(session, settings=_settings(request), job_id=job.id, actor=principal)


@router.get("/batches/{batch_id}", response_model=BatchRead)
def get_batch(session: DbSession, batch_id: str, principal: Issuer) -> Any:
    """Return a batch's progress."""
    return credentials_service.get_batch(session, job_id=batch_id, institution_id=_institution_of(principal))


@router.post("/keys/rotate")
def rotate_key(request: Request, session: DbSession, principal: Admin) -> dict[str, str]:
    """Start signing with a new key; the old key stays in the DID document so earlier credentials verify."""
    key = credentials_service.rotate_key(
        session,
        institution_id=_institution_of(principal),
        kek=_settings(request).key_encryption_key,
        actor=principal,
    )
    return {"verification_method": key.fragment, "public_key_multibase": key.public_key_multibase}


# --- root routes ---------------------------------------------------------------------------------------


@root_router.get("/institutions/{slug}/did.json")
def institution_did_document(request: Request, session: DbSession, slug: str) -> JSONResponse:
    """Serve an institution's did:web DID document (its Multikey verification methods)."""
    document = credentials_service.did_document_by_slug(
        session, slug=slug, base_url=_settings(request).base_url
    )
    return JSONResponse(document, media_type="application/did+json", headers={"Cache-Control": DID_CACHE})


@root_router.get("/credentials/status/{slug}/{sequence}/{purpose}")
def status_list_credential(
    request: Request,
    session: DbSession,
    slug: str,
    sequence: int,
    purpose: str,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Serve a signed BitstringStatusListCredential at its stable URL, with ETag and Cache-Control."""
    document, etag = credentials_service.status_list_credential(
        session, slug=slug, sequence=sequence, purpose=purpose
    )
    headers = {"ETag": etag, "Cache-Control": STATUS_LIST_CACHE}
    if if_none_match is not None and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return JSONResponse(document, media_type="application/vc+ld+json", headers=headers)


@root_router.post("/credentials/issue", status_code=201)
def vc_api_issue(
    request: Request,
    session: DbSession,
    body: dict[str, Any],
    principal: Issuer,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """VC-API issue: sign the given credential as your institution and return `{verifiableCredential}`."""
    credential = body.get("credential")
    if not isinstance(credential, dict):
        raise InvalidInput(
            "the body needs a 'credential' object", detail={"expected": {"credential": {}, "options": {}}}
        )
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise InvalidInput("'options' must be an object")
    issued = credentials_service.issue_document(
        session,
        settings=_settings(request),
        institution_id=_institution_of(principal),
        credential=credential,
        idempotency_key=idempotency_key or options.get("idempotencyKey"),
        actor=principal,
    )
    return JSONResponse({"verifiableCredential": issued.document}, status_code=201)


async def _json_body(request: Request) -> Any:
    """Parse the raw body strictly (duplicate keys, depth and size limits) with the vc parser."""
    try:
        return vc.parse_json(await request.body())
    except vc.VcError as exc:
        raise InvalidInput(f"the body is not acceptable JSON: {exc}") from None


def _verification_response(report: VerificationRead) -> JSONResponse:
    body = report.model_dump(mode="json")
    if not report.verified:
        body.update({"error": report.outcome, "detail": None})
    return JSONResponse(body, status_code=200 if report.verified else 400)


@root_router.post("/credentials/verify", response_model=VerificationRead)
async def vc_api_verify_credential(request: Request, session: DbSession) -> JSONResponse:
    """VC-API verify: check a credential's proof, issuer key, dates and status.

    Answers 200 when valid, 400 otherwise, always with `outcome` (valid, tampered, unknown_issuer, revoked,
    suspended, expired, not_yet_valid, malformed, status_unavailable) and each check in plain words.
    """
    body = await _json_body(request)
    credential = body.get("verifiableCredential", body.get("credential")) if isinstance(body, dict) else None
    if not isinstance(credential, dict):
        raise InvalidInput("the body needs a 'verifiableCredential' object")
    report = credentials_service.verify_credential(session, settings=_settings(request), document=credential)
    return _verification_response(report)


@root_router.post("/presentations/verify", response_model=VerificationRead)
async def vc_api_verify_presentation(request: Request, session: DbSession) -> JSONResponse:
    """VC-API verify a presentation and every credential inside it (200 when all are valid, else 400)."""
    body = await _json_body(request)
    presentation = (
        body.get("verifiablePresentation", body.get("presentation")) if isinstance(body, dict) else None
    )
    if not isinstance(presentation, dict):
        raise InvalidInput("the body needs a 'verifiablePresentation' object")
    options = body.get("options") or {}
    challenge = options.get("challenge") if isinstance(options, dict) else None
    report = credentials_service.verify_presentation(
        session,
        settings=_settings(request),
        document=presentation,
        challenge=challenge if isinstance(challenge, str) else None,
    )
    return _verification_response(report)


API = "/api/v1/credentials"
# tenant/owner mark routes that act on one record (a credential, batch or award); the others act on the
# caller's own institution or wallet by construction.
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    f"POST {API}": allow(*ISSUERS, scope=Scope.CREDENTIALS_ISSUE),
    f"GET {API}": allow(*STAFF_READERS, scope=Scope.CREDENTIALS_READ),
    f"GET {API}/mine": signed_in(scope=Scope.CREDENTIALS_READ),
    f"GET {API}/mine/clr": signed_in(scope=Scope.CREDENTIALS_READ),
    f"GET {API}/stack-awards": allow(*STATUS_MANAGERS, scope=Scope.CREDENTIALS_ISSUE),
    f"POST {API}/stack-awards/{{award_id}}/{{decision}}": allow(
        *STATUS_MANAGERS, scope=Scope.CREDENTIALS_ISSUE, tenant=True
    ),
    f"GET {API}/{{credential_id}}": signed_in(scope=Scope.CREDENTIALS_READ, owner=True),
    f"GET {API}/{{credential_id}}/history": signed_in(scope=Scope.CREDENTIALS_READ, owner=True),
    f"POST {API}/{{credential_id}}/revoke": allow(
        *STATUS_MANAGERS, scope=Scope.CREDENTIALS_ISSUE, tenant=True
    ),
    f"POST {API}/{{credential_id}}/suspend": allow(
        *STATUS_MANAGERS, scope=Scope.CREDENTIALS_ISSUE, tenant=True
    ),
    f"POST {API}/{{credential_id}}/unsuspend": allow(
        *STATUS_MANAGERS, scope=Scope.CREDENTIALS_ISSUE, tenant=True
    ),
    f"POST {API}/batches": allow(*ISSUERS, scope=Scope.CREDENTIALS_ISSUE),
    f"GET {API}/batches/{{batch_id}}": allow(*ISSUERS, scope=Scope.CREDENTIALS_ISSUE, tenant=True),
    f"POST {API}/keys/rotate": allow(Role.INSTITUTION_ADMIN, scope=Scope.ACCOUNTS_ADMIN),
    "GET /institutions/{slug}/did.json": public(),
    "GET /credentials/status/{slug}/{sequence}/{purpose}": public(),
    "POST /credentials/issue": allow(*ISSUERS, scope=Scope.CREDENTIALS_ISSUE),
    "POST /credentials/verify": public(),
    "POST /presentations/verify": public(),
}
