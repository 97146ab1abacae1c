"""Staff pages: the workflow queue, the QA review screen with its checklist, and the approval screen."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bridgeway.catalog import domain
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.deps import VersionTenant
from bridgeway.catalog.pages.common import (
    Approver,
    FormData,
    Returner,
    Reviewer,
    Staff,
)
from bridgeway.catalog.schemas import QaReviewIn
from bridgeway.kit.errors import BridgewayError, InvalidInput
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)


@router.get("/catalog/workflow", response_class=HTMLResponse)
def queue_page(request: Request, session: DbSession, principal: Staff) -> HTMLResponse:
    """Show drafts and the versions awaiting QA, approval and publication in the caller's institution."""
    queue = {
        k: [catalog_service.read_version(session, v) for v in vs]
        for k, vs in catalog_service.queue(session, actor=principal).items()
    }
    return render(request, "catalog/workflow.html", {"queue": queue})


def _review_context(session: DbSession, principal: Staff, version_id: str) -> dict[str, object]:
    version = catalog_service.get_version(session, version_id)
    return {
        "v": catalog_service.read_version(session, version),
        "code": version.opportunity.code,
        "kind": version.opportunity.kind,
        "checklist": domain.QA_CHECKLIST,
        "reviews": catalog_service.qa_reviews(session, actor=principal, version_id=version_id),
    }


@router.get("/catalog/versions/{version_id}/review", response_class=HTMLResponse)
def review_page(
    request: Request, session: DbSession, principal: Reviewer, _tenant: VersionTenant, version_id: str
) -> HTMLResponse:
    """Show the QA checklist beside the definition under review."""
    return render(
        request, "catalog/review.html", {**_review_context(session, principal, version_id), "error": None}
    )


@router.post("/catalog/versions/{version_id}/review", response_class=HTMLResponse)
def review(
    request: Request,
    session: DbSession,
    principal: Reviewer,
    _tenant: VersionTenant,
    version_id: str,
    form: FormData,
) -> Response:
    """Record the checklist: all yes passes QA; any no sends the version back with the comments."""
    answers = {
        key: form.get(f"answer_{key}") == "yes" for key, _ in domain.QA_CHECKLIST if f"answer_{key}" in form
    }
    comments = {key: form.get(f"comment_{key}", "") for key, _ in domain.QA_CHECKLIST}
    try:
        with session.begin_nested():  # a refused form undoes only its own writes
            if len(answers) != len(domain.QA_CHECKLIST):
                raise InvalidInput("answer every item of the checklist")
            data = QaReviewIn(answers=answers, item_comments=comments, comment=form.get("comment", ""))
            catalog_service.review(session, actor=principal, version_id=version_id, data=data)
    except BridgewayError as exc:
        context = _review_context(session, principal, version_id)
        return render(
            request,
            "catalog/review.html",
            {**context, "error": exc, "form": form},
            status_code=exc.status_code,
        )
    return RedirectResponse("/catalog/workflow", status_code=303)


@router.get("/catalog/versions/{version_id}/approval", response_class=HTMLResponse)
def approval_page(
    request: Request, session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str
) -> HTMLResponse:
    """Show the definition, its QA record and the approval, publication and retirement actions."""
    return render(
        request, "catalog/approval.html", {**_review_context(session, principal, version_id), "error": None}
    )


def _act(
    request: Request, session: DbSession, principal: Approver, version_id: str, action: str, comment: str = ""
) -> Response:
    try:
        with session.begin_nested():  # a refused form undoes only its own writes
            if action == "approve":
                catalog_service.approve(session, actor=principal, version_id=version_id)
            elif action == "publish":
                catalog_service.publish(session, actor=principal, version_id=version_id)
            elif action == "retire":
                catalog_service.retire(session, actor=principal, version_id=version_id)
            else:
                if not comment.strip():
                    raise InvalidInput("say why the version goes back to its authors")
                catalog_service.send_back(session, actor=principal, version_id=version_id, comment=comment)
    except BridgewayError as exc:
        context = _review_context(session, principal, version_id)
        return render(
            request, "catalog/approval.html", {**context, "error": exc}, status_code=exc.status_code
        )
    version = catalog_service.get_version(session, version_id)
    return RedirectResponse(f"/catalog/opportunities/{version.opportunity_id}", status_code=303)


@router.post("/catalog/versions/{version_id}/approve", response_class=HTMLResponse)
def approve(
    request: Request, session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str
) -> Response:
    """Approve (refused for the author and before QA passes)."""
    return _act(request, session, principal, version_id, "approve")


@router.post("/catalog/versions/{version_id}/publish", response_class=HTMLResponse)
def publish(
    request: Request, session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str
) -> Response:
    """Publish an approved version."""
    return _act(request, session, principal, version_id, "publish")


@router.post("/catalog/versions/{version_id}/retire", response_class=HTMLResponse)
def retire(
    request: Request, session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str
) -> Response:
    """Retire a published version."""
    return _act(request, session, principal, version_id, "retire")


@router.post("/catalog/versions/{version_id}/send-back", response_class=HTMLResponse)
def send_back(
    request: Request,
    session: DbSession,
    principal: Returner,
    _tenant: VersionTenant,
    version_id: str,
    form: FormData,
) -> Response:
    """Send a version back to its authors with a comment."""
    return _act(request, session, principal, version_id, "send_back", str(form.get("comment", "")))
