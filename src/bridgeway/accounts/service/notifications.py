"""In-app notifications, optionally e-mailed. PLAR, credentials and planning call `notify`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bridgeway.accounts import errors
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.models import Notification, User
from bridgeway.kit import mail
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput

MAX_TITLE = 255
MAX_BODY = 10_000


def _check_link(link: str | None) -> str | None:
    """Accept a path inside Bridgeway or an http(s) address, nothing else (no javascript: links)."""
    if link is None or link == "":
        return None
    if len(link) > 500 or not (
        (link.startswith("/") and not link.startswith("//")) or link.startswith(("https://", "http://"))
    ):
        raise InvalidInput(
            "a notification link is a path starting with / or an http(s) address of 500 characters at most"
        )
    return link


def notify(
    session: Session,
    *,
    user_id: str,
    kind: str,
    title: str,
    body: str,
    link: str | None = None,
    email: bool = False,
    settings: mail.MailSettings | None = None,
) -> Notification:
    """Add a notification for a user; with `email=True` also e-mail it once the transaction commits.

    E-mail goes through SMTP when `settings.smtp_host` is set, otherwise into `settings.outbox_dir`. When no
    settings are passed they are read from the environment. Deleted or deactivated users get no e-mail.
    """
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise errors.UnknownUser(f"no user with id '{user_id}'")
    kind, title = kind.strip(), title.strip()
    if not kind or len(kind) > 64:
        raise InvalidInput("a notification kind is 1 to 64 characters, e.g. 'plar.case_assigned'")
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"a notification title is 1 to {MAX_TITLE} characters")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"a notification body is {MAX_BODY} characters at most")
    notification = Notification(
        user_id=user.id, kind=kind, title=title, body=body, link=_check_link(link), created_at=utcnow()
    )
    session.add(notification)
    session.flush()
    if email and user.is_active:
        if settings is None:
            from bridgeway.config import get_settings  # only when a caller passes no settings

            settings = get_settings()
        text = body
        if notification.link:
            base = str(getattr(settings, "base_url", "")).rstrip("/")
            text += "\n\n" + (
                base + notification.link if notification.link.startswith("/") else notification.link
            )
        mail.send_after_commit(session, settings, mail.Mail(to=user.email, subject=title, body=text))
    return notification


def notification_state(notification: Notification) -> dict[str, Any]:
    """Return the JSON shape of a notification (API and export)."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
    }


def list_notifications(
    session: Session, *, actor: Principal, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[Notification], int]:
    """Return one page of the caller's notifications, newest first, and how many there are."""
    stmt = select(Notification).where(Notification.user_id == actor.user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def all_notifications_of(session: Session, user_id: str) -> list[Notification]:
    """Return every notification of a user, oldest first (for the data export)."""
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.created_at)
        )
    )


def unread_count(session: Session, *, user_id: str) -> int:
    """Return how many notifications the user has not read."""
    stmt = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return int(session.scalar(stmt) or 0)


def mark_read(session: Session, *, actor: Principal, notification_ids: Iterable[str] | None = None) -> int:
    """Mark the caller's notifications read (all of them when no ids are given); return how many changed.

    Ids of other people's notifications are ignored, as if they did not exist.
    """
    stmt = update(Notification).where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        ids = list(dict.fromkeys(notification_ids))
        if not ids:
            return 0
        if len(ids) > 500:
            raise InvalidInput("mark at most 500 notifications at once")
        stmt = stmt.where(Notification.id.in_(ids))
    result = session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session="fetch"))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
