"""The caller's notifications: a page with HTMX "mark read", and the JSON API under /api/v1/notifications."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import CurrentPrincipal
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.policy import RoutePolicy, signed_in
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession, is_htmx, render
from bridgeway.kit.pagination import MAX_PAGE_SIZE

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])
PAGE_SIZE = 50

# The routes act only on the caller's own notifications (every query filters by the caller), without ids in
# the path: hence no owner example is needed.
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /notifications": signed_in(),
    "POST /notifications/mark-read": signed_in(),
    "GET /api/v1/notifications": signed_in(),
    "POST /api/v1/notifications/mark-read": signed_in(),
}


def unread_notification_count(session: Session, principal: Principal) -> int:
    """Dashboard count: the caller's unread notifications."""
    return accounts_service.unread_count(session, user_id=principal.user_id)


NAV_ITEMS: list[dict[str, Any]] = [
    {
        "label": "Notifications",
        "href": "/notifications",
        "roles": [],
        "public": False,
        "top": False,
        "description": "What changed in your cases, credentials and plans.",
        "count": unread_notification_count,
        "count_label": "unread",
    },
]


class NotificationRead(BaseModel):
    """One notification."""

    id: str
    kind: str
    title: str
    body: str
    link: str | None
    created_at: str
    read_at: str | None


class NotificationPage(BaseModel):
    """One page of the caller's notifications, with the unread count."""

    items: list[NotificationRead]
    total: int
    unread: int
    limit: int
    offset: int


class MarkRead(BaseModel):
    """Which notifications to mark read: the listed ids, or all of them."""

    ids: list[str] | None = Field(default=None, max_length=500)
    all: bool = False


class MarkedRead(BaseModel):
    """How many notifications changed and how many stay unread."""

    marked: int
    unread: int


def _page(request: Request, session: DbSession, principal: Principal, *, offset: int = 0) -> Response:
    items, total = accounts_service.list_notifications(
        session, actor=principal, limit=PAGE_SIZE, offset=offset
    )
    context = {
        "notifications": items,
        "total": total,
        "unread": accounts_service.unread_count(session, user_id=principal.user_id),
        "offset": offset,
        "page_size": PAGE_SIZE,
    }
    template = "accounts/_notification_list.html" if is_htmx(request) else "accounts/notifications.html"
    return render(request, template, context)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(
    request: Request, session: DbSession, principal: CurrentPrincipal, offset: Annotated[int, Query(ge=0)] = 0
) -> Response:
    """List the caller's notifications, newest first, with the unread count."""
    return _page(request, session, principal, offset=offset)


@router.post("/notifications/mark-read", response_class=HTMLResponse)
def mark_read_page(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    notification_id: Annotated[str, Form(max_length=36)] = "",
) -> Response:
    """Mark one notification read (or all when no id is sent); HTMX gets the refreshed list back."""
    accounts_service.mark_read(
        session, actor=principal, notification_ids=[notification_id] if notification_id else None
    )
    if is_htmx(request):
        return _page(request, session, principal)
    return RedirectResponse("/notifications", status_code=303)


@api_router.get("", response_model=NotificationPage)
def list_notifications(
    session: DbSession,
    principal: CurrentPrincipal,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> NotificationPage:
    """Return one page of the caller's notifications, newest first, and their unread count."""
    items, total = accounts_service.list_notifications(
        session, actor=principal, unread_only=unread_only, limit=limit, offset=offset
    )
    return NotificationPage(
        items=[NotificationRead(**accounts_service.notification_state(n)) for n in items],
        total=total,
        unread=accounts_service.unread_count(session, user_id=principal.user_id),
        limit=limit,
        offset=offset,
    )


@api_router.post("/mark-read", response_model=MarkedRead)
def mark_read(body: MarkRead, session: DbSession, principal: CurrentPrincipal) -> MarkedRead:
    """Mark the listed notifications of the caller read, or all of them with `{"all": true}`."""
    if body.all == (body.ids is not None):
        raise InvalidInput('send either {"ids": [...]} or {"all": true}')
    marked = accounts_service.mark_read(
        session, actor=principal, notification_ids=None if body.all else body.ids
    )
    return MarkedRead(marked=marked, unread=accounts_service.unread_count(session, user_id=principal.user_id))
