"""In-app notifications: notify, list, unread count, mark read (page with HTMX and API), e-mail via outbox or SMTP."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.config import Settings
from bridgeway.kit import mail
from bridgeway.kit.errors import InvalidInput
from tests.factories.accounts import bearer, create_user, principal_of
from tests.factories.web import sign_in


def _outbox(settings: Settings) -> list[Path]:
    return sorted(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else []


def test_a_notification_is_listed_newest_first_with_the_unread_count(session: Session) -> None:
    user = create_user(session)
    accounts_service.notify(
        session, user_id=user.id, kind="plar.case_opened", title="Case opened", body="First"
    )
    accounts_service.notify(
        session, user_id=user.id, kind="plar.decided", title="Decision", body="Second", link="/plar/cases/1"
    )
    items, total = accounts_service.list_notifications(session, actor=principal_of(user))
    assert total == 2
    assert {n.title for n in items} == {"Case opened", "Decision"}
    assert accounts_service.unread_count(session, user_id=user.id) == 2


def test_marking_read_changes_only_the_callers_own_notifications(session: Session) -> None:
    alice, bob = create_user(session), create_user(session)
    mine = accounts_service.notify(session, user_id=alice.id, kind="k", title="Mine", body="")
    theirs = accounts_service.notify(session, user_id=bob.id, kind="k", title="Theirs", body="")
    assert (
        accounts_service.mark_read(session, actor=principal_of(alice), notification_ids=[mine.id, theirs.id])
        == 1
    )
    session.refresh(theirs)
    assert theirs.read_at is None
    assert accounts_service.unread_count(session, user_id=alice.id) == 0
    assert accounts_service.unread_count(session, user_id=bob.id) == 1


def test_a_javascript_link_or_an_empty_title_is_refused(session: Session) -> None:
    user = create_user(session)
    with pytest.raises(InvalidInput):
        accounts_service.notify(
            session, user_id=user.id, kind="k", title="x", body="", link="javascript:alert(1)"
        )
    with pytest.raises(InvalidInput):
        accounts_service.notify(session, user_id=user.id, kind="k", title="  ", body="")
    with pytest.raises(errors.UnknownUser):
        accounts_service.notify(session, user_id="no-such-user", kind="k", title="x", body="")


def test_an_emailed_notification_lands_in_the_outbox_once_the_transaction_commits(
    session: Session, settings: Settings
) -> None:
    user = create_user(session)
    accounts_service.notify(
        session,
        user_id=user.id,
        kind="plar.decided",
        title="Your PLAR decision",
        body="Credit granted.",
        link="/plar/cases/7",
        email=True,
        settings=settings,
    )
    assert _outbox(settings) == []
    session.commit()
    files = _outbox(settings)
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes())
    assert message["To"] == user.email
    assert message["Subject"] == "Your PLAR decision"
    text = message.get_payload(decode=True)
    assert isinstance(text, bytes)
    assert "Credit granted." in text.decode()
    assert settings.base_url + "/plar/cases/7" in text.decode()


def test_no_email_is_sent_when_the_transaction_rolls_back(session: Session, settings: Settings) -> None:
    user = create_user(session)
    session.commit()
    accounts_service.notify(
        session, user_id=user.id, kind="k", title="Never sent", body="", email=True, settings=settings
    )
    session.rollback()
    session.commit()
    assert _outbox(settings) == []


def test_with_an_smtp_host_mail_goes_through_starttls_and_login(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []

    class FakeSmtp:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            calls.append(("connect", host, port))

        def __enter__(self) -> FakeSmtp:
            return self

        def __exit__(self, *exc: object) -> None:
            calls.append(("quit",))

        def starttls(self, context: object) -> None:
            calls.append(("starttls",))

        def login(self, user: str, password: str) -> None:
            calls.append(("login", user, password))

        def send_message(self, message: Any) -> None:
            calls.append(("send", message["To"]))

    monkeypatch.setattr("smtplib.SMTP", FakeSmtp)
    smtp_settings = settings.model_copy(
        update={"smtp_host": "mail.example.org", "smtp_user": "bw", "smtp_password": "secret"}
    )
    assert mail.send(smtp_settings, mail.Mail(to="a@example.org", subject="Hi", body="Body")) is None
    assert calls == [
        ("connect", "mail.example.org", 587),
        ("starttls",),
        ("login", "bw", "secret"),
        ("send", "a@example.org"),
        ("quit",),
    ]
    assert _outbox(settings) == []


def test_the_page_lists_notifications_and_htmx_marks_one_read(client: TestClient, session: Session) -> None:
    user = create_user(session)
    first = accounts_service.notify(
        session, user_id=user.id, kind="k", title="Assessor assigned", body="Hello"
    )
    accounts_service.notify(session, user_id=user.id, kind="k", title="Evidence requested", body="")
    sign_in(client, session, user)
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "Assessor assigned" in page.text
    assert 'data-testid="unread-count"' in page.text
    fragment = client.post(
        "/notifications/mark-read", data={"notification_id": first.id}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="notification-list"' in fragment.text
    assert accounts_service.unread_count(session, user_id=user.id) == 1
    after = client.post("/notifications/mark-read", data={}, follow_redirects=False)
    assert after.status_code == 303
    assert accounts_service.unread_count(session, user_id=user.id) == 0


def test_the_page_is_in_french_when_asked(client: TestClient, session: Session) -> None:
    user = create_user(session)
    accounts_service.notify(session, user_id=user.id, kind="k", title="T", body="")
    sign_in(client, session, user)
    page = client.get("/notifications?lang=fr")
    assert "Tout marquer comme lu" in page.text


def test_the_api_lists_and_marks_read(client: TestClient, session: Session) -> None:
    user, other = create_user(session), create_user(session)
    note = accounts_service.notify(session, user_id=user.id, kind="k", title="One", body="b")
    accounts_service.notify(session, user_id=user.id, kind="k", title="Two", body="b")
    foreign = accounts_service.notify(session, user_id=other.id, kind="k", title="Other's", body="b")
    auth = bearer(session, user)
    listed = client.get("/api/v1/notifications", headers=auth).json()
    assert (listed["total"], listed["unread"]) == (2, 2)
    assert {i["title"] for i in listed["items"]} == {"One", "Two"}
    marked = client.post("/api/v1/notifications/mark-read", json={"ids": [note.id, foreign.id]}, headers=auth)
    assert marked.json() == {"marked": 1, "unread": 1}
    unread = client.get("/api/v1/notifications", params={"unread_only": True}, headers=auth).json()
    assert [i["title"] for i in unread["items"]] == ["Two"]
    assert client.post("/api/v1/notifications/mark-read", json={"all": True}, headers=auth).json() == {
        "marked": 1,
        "unread": 0,
    }
    assert client.post("/api/v1/notifications/mark-read", json={}, headers=auth).status_code == 422
    session.refresh(foreign)
    assert foreign.read_at is None


def _subjects(settings: Settings) -> set[str]:
    return {str(message_from_bytes(p.read_bytes())["Subject"]) for p in _outbox(settings)}


def test_a_released_savepoint_sends_nothing_until_the_transaction_commits(
    session: Session, settings: Settings
) -> None:
    session.commit()
    with session.begin_nested():
        mail.send_after_commit(
            session, settings, mail.Mail(to="a@example.org", subject="Step done", body=".")
        )
    assert _outbox(settings) == []  # the request could still fail after its step's savepoint
    session.commit()
    assert _subjects(settings) == {"Step done"}


def test_a_rolled_back_savepoint_drops_only_the_mails_queued_inside_it(
    session: Session, settings: Settings
) -> None:
    session.commit()
    mail.send_after_commit(session, settings, mail.Mail(to="a@example.org", subject="Outcome", body="."))
    refused = session.begin_nested()
    mail.send_after_commit(session, settings, mail.Mail(to="a@example.org", subject="Refused step", body="."))
    refused.rollback()
    with session.begin_nested():
        mail.send_after_commit(
            session, settings, mail.Mail(to="a@example.org", subject="Kept step", body=".")
        )
    session.commit()
    assert _subjects(settings) == {"Outcome", "Kept step"}
