"""Credential pages: the learner's wallet, share links, public verification, and the registrar's list."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bridgeway import vc
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import CurrentPrincipal, require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.policy import RoutePolicy, allow, public, signed_in
from bridgeway.config import Settings
from bridgeway.credentials import domain, errors, repository
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.certificate import certificate_pdf
from bridgeway.credentials.domain.documents import describe
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.credentials.models import IssuedCredential
from bridgeway.credentials.schemas import VerificationRead
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)
MAX_PASTE = 512 * 1024
STATUS_MANAGERS = (Role.REGISTRAR, Role.INSTITUTION_ADMIN)
StatusManager = Annotated[Principal, Depends(require(*STATUS_MANAGERS))]
_OWN_CREDENTIAL_URL = re.compile(r"/verify/(?P<id>[0-9a-f-]{36})/credential\.json$")

NAV_ITEMS = [
    {
        "label": "My credentials",
        "href": "/wallet",
        "roles": [Role.LEARNER],
        "public": False,
        "top": True,
        "description": "Your micro-credentials: download, share, add to LinkedIn, print a certificate.",
    },
    {
        "label": "Verify a credential",
        "href": "/verify",
        "roles": [],
        "public": True,
        "top": False,
        "description": "Check any Open Badges 3.0 credential: who issued it, what it certifies, and whether it holds.",
    },
    {
        "label": "Issued credentials",
        "href": "/issued",
        "roles": list(STATUS_MANAGERS),
        "public": False,
        "top": False,
        "description": "Revoke, suspend or reinstate credentials; approve stacked awards.",
    },
]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _own(session: Any, principal: Principal, credential_id: str) -> IssuedCredential:
    credential = repository.credential(session, credential_id)
    if credential is None or credential.learner_user_id != principal.user_id:
        raise errors.UnknownCredential("no such credential in your wallet")
    return credential


@router.get("/wallet", response_class=HTMLResponse)
def wallet(request: Request, session: DbSession, principal: CurrentPrincipal) -> HTMLResponse:
    """Show every credential of the learner with its status, and what they can do with it."""
    settings = _settings(request)
    items = []
    names: dict[str, str] = {}
    for credential in credentials_service.list_for_learner(session, user_id=principal.user_id):
        if credential.institution_id not in names:
            names[credential.institution_id] = accounts_service.get_institution(
                session, credential.institution_id
            ).name
        verify = credentials_service.verify_url(settings, credential.id)
        items.append(
            {
                "credential": credential,
                "summary": describe(credential.document),
                "verify_url": verify,
                "linkedin": credentials_service.linkedin_url(
                    credential, institution_name=names[credential.institution_id], verify_url=verify
                ),
                "history": credentials_service.status_history(session, credential_id=credential.id),
            }
        )
    links = credentials_service.share_links(session, user_id=principal.user_id)
    return render(
        request,
        "credentials/wallet.html",
        {
            "items": items,
            "links": links,
            "base_url": settings.base_url.rstrip("/"),
            "new_link": None,
        },
    )


@router.get("/wallet/{credential_id}.json")
def download_json(session: DbSession, credential_id: str, principal: CurrentPrincipal) -> Response:
    """Download the signed credential as JSON (for any wallet or verifier)."""
    credential = _own(session, principal, credential_id)
    return JSONResponse(
        credential.document,
        media_type="application/vc+ld+json",
        headers={"Content-Disposition": f'attachment; filename="credential-{credential.id}.json"'},
    )


@router.get("/wallet/{credential_id}/certificate.pdf")
def certificate(
    request: Request, session: DbSession, credential_id: str, principal: CurrentPrincipal
) -> Response:
    """Download a PDF certificate whose QR code opens the public verification page."""
    credential = _own(session, principal, credential_id)
    pdf = certificate_pdf(
        summary=describe(credential.document),
        learner_name=principal.display_name,
        status=credential.status,
        verify_url=credentials_service.verify_url(_settings(request), credential.id),
        locale=request.state.locale,
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{credential.id}.pdf"'},
    )


@router.post("/wallet/share", response_class=HTMLResponse)
def create_share(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    credential_ids: Annotated[list[str], Form(max_length=100)],
    days: Annotated[int, Form(ge=1, le=365)] = 30,
) -> Response:
    """Create an expiring share link for the chosen credentials."""
    credentials_service.create_share_link(session, actor=principal, credential_ids=credential_ids, days=days)
    return RedirectResponse("/wallet#share", status_code=303)


@router.post("/wallet/share/{link_id}/withdraw")
def withdraw_share(session: DbSession, link_id: str, principal: CurrentPrincipal) -> Response:
    """Withdraw a share link before it expires."""
    credentials_service.withdraw_share_link(session, actor=principal, link_id=link_id)
    return RedirectResponse("/wallet#share", status_code=303)


@router.post("/wallet/presentation")
def presentation(
    session: DbSession,
    principal: CurrentPrincipal,
    credential_ids: Annotated[list[str], Form(max_length=100)],
) -> Response:
    """Download a verifiable presentation of the chosen credentials."""
    document = credentials_service.presentation(
        session, user_id=principal.user_id, credential_ids=credential_ids
    )
    return JSONResponse(
        document,
        media_type="application/vp+ld+json",
        headers={"Content-Disposition": 'attachment; filename="presentation.json"'},
    )


@router.get("/share/{token}", response_class=HTMLResponse)
def shared(request: Request, session: DbSession, token: str) -> HTMLResponse:
    """Show shared credentials, each verified now (public until the link expires)."""
    link, credentials = credentials_service.open_share_link(session, token=token)
    settings = _settings(request)
    reports = [
        (c, credentials_service.verify_credential(session, settings=settings, document=c.document))
        for c in credentials
    ]
    return render(request, "credentials/shared.html", {"link": link, "reports": reports})


def _show(
    request: Request,
    report: VerificationRead | None,
    *,
    error: str | None = None,
    credential_id: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "credentials/verify.html",
        {"report": report, "error": error, "credential_id": credential_id},
        status_code=status_code,
    )


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, session: DbSession, url: str | None = None) -> HTMLResponse:
    """Show the verification form; with ?url=, fetch that credential (allow-listed hosts only) and verify it."""
    if not url:
        return _show(request, None)
    settings = _settings(request)
    own = _OWN_CREDENTIAL_URL.search(url) if url.startswith(settings.base_url.rstrip("/") + "/") else None
    if own is not None:
        credential = repository.credential(session, own["id"])
        if credential is None:
            return _show(request, None, error="No credential was found at that address.", status_code=404)
        document: Any = credential.document
    else:
        try:
            document = HttpFetcher(settings.http_fetch_allow).fetch_bytes(url)
        except errors.FetchRefused as exc:
            return _show(request, None, error=exc.message, status_code=422)
    return _show(
        request, credentials_service.verify_credential(session, settings=settings, document=document)
    )


@router.post("/verify", response_class=HTMLResponse)
async def verify_submit(
    request: Request,
    session: DbSession,
    credential: Annotated[str, Form(max_length=MAX_PASTE)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Verify a pasted or uploaded credential (or presentation) and show each check in plain words."""
    data: bytes = credential.encode()
    if file is not None and file.filename:
        data = await file.read(MAX_PASTE + 1)
        if len(data) > MAX_PASTE:
            return _show(request, None, error="The file is too large for a credential.", status_code=413)
    if not data.strip():
        return _show(request, None, error="Paste a credential or choose a file.", status_code=422)
    settings = _settings(request)
    try:
        parsed = vc.parse_json(data)
    except vc.VcError:
        parsed = None
    types = parsed.get("type") if isinstance(parsed, dict) else None
    if isinstance(types, list) and "VerifiablePresentation" in types:
        report = credentials_service.verify_presentation(session, settings=settings, document=parsed)
    else:
        report = credentials_service.verify_credential(session, settings=settings, document=data)
    return _show(request, report)


@router.get("/verify/{credential_id}", response_class=HTMLResponse)
def verify_issued(request: Request, session: DbSession, credential_id: str) -> HTMLResponse:
    """Verify one of our credentials by its id (the page a certificate's QR code opens)."""
    credential = repository.credential(session, credential_id)
    if credential is None:
        return _show(request, None, error="No credential was found at that address.", status_code=404)
    report = credentials_service.verify_credential(
        session, settings=_settings(request), document=credential.document
    )
    return _show(request, report, credential_id=credential.id)


@router.get("/verify/{credential_id}/credential.json")
def issued_json(session: DbSession, credential_id: str) -> Response:
    """The signed credential behind a verification page, for verifiers' own software."""
    credential = repository.credential(session, credential_id)
    if credential is None:
        raise errors.UnknownCredential("no credential at that address")
    return JSONResponse(credential.document, media_type="application/vc+ld+json")


@router.get("/issued", response_class=HTMLResponse)
def issued(request: Request, session: DbSession, principal: StatusManager, page: int = 1) -> HTMLResponse:
    """List the institution's credentials with revoke / suspend / reinstate forms, and stacked awards to approve."""
    if principal.institution_id is None:
        raise errors.NotYourCredential("this needs staff of an institution")
    page = max(1, page)
    items, total = credentials_service.list_for_institution(
        session, institution_id=principal.institution_id, limit=50, offset=(page - 1) * 50
    )
    awards = credentials_service.pending_stack_awards(session, institution_id=principal.institution_id)
    return render(
        request, "credentials/issued.html", {"items": items, "total": total, "page": page, "awards": awards}
    )


@router.post("/issued/{credential_id}/status")
def change_status(
    request: Request,
    session: DbSession,
    credential_id: str,
    principal: StatusManager,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    """Revoke, suspend or reinstate a credential with a reason."""
    try:
        chosen = domain.StatusAction(action)
    except ValueError:
        raise InvalidInput("choose revoke, suspend or unsuspend") from None
    credentials_service.change_status(
        session,
        settings=_settings(request),
        credential_id=credential_id,
        action=chosen,
        reason=reason,
        actor=principal,
    )
    return RedirectResponse("/issued", status_code=303)


@router.post("/issued/stack-awards/{award_id}")
def decide_stack_award(
    request: Request,
    session: DbSession,
    award_id: str,
    principal: StatusManager,
    decision: Annotated[str, Form()],
) -> Response:
    """Approve (issuing the parent credential) or reject a stacked award."""
    if decision not in ("approve", "reject"):
        raise InvalidInput("choose approve or reject")
    if principal.institution_id is None:
        raise errors.NotYourCredential("this needs staff of an institution")
    settings = _settings(request)
    rules = credentials_service.stack_rules_from_catalog(
        session, settings=settings, institution_id=principal.institution_id
    )
    credentials_service.decide_stack_award(
        session,
        settings=settings,
        award_id=award_id,
        approve=decision == "approve",
        rules=rules,
        actor=principal,
    )
    return RedirectResponse("/issued", status_code=303)


ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "POST /issued/stack-awards/{award_id}": allow(*STATUS_MANAGERS, tenant=True),
    "GET /wallet": signed_in(),
    "GET /wallet/{credential_id}.json": signed_in(owner=True),
    "GET /wallet/{credential_id}/certificate.pdf": signed_in(owner=True),
    "POST /wallet/share": signed_in(owner=True),
    "POST /wallet/share/{link_id}/withdraw": signed_in(owner=True),
    "POST /wallet/presentation": signed_in(owner=True),
    "GET /share/{token}": public(),
    "GET /verify": public(),
    "POST /verify": public(),
    "GET /verify/{credential_id}": public(),
    "GET /verify/{credential_id}/credential.json": public(),
    "GET /issued": allow(*STATUS_MANAGERS),
    "POST /issued/{credential_id}/status": allow(*STATUS_MANAGERS, tenant=True),
}
