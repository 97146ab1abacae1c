"""Outgoing e-mail: SMTP with STARTTLS when a host is configured, otherwise a local outbox of .eml files.

Mail about database changes is sent only once the transaction commits (`send_after_commit`), so that a
rolled-back change never produces an e-mail. No Bridgeway imports here: settings are read by attribute.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from bridgeway.kit.clock import utcnow
from bridgeway.kit.ids import new_id

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 30
_PENDING = "bridgeway.kit.mail.pending"


class MailSettings(Protocol):
    """The settings mail needs (bridgeway.config.Settings has them all)."""

    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    mail_from: str

    @property
    def outbox_dir(self) -> Path: ...


@dataclass(frozen=True)
class Mail:
    """One plain-text message to one recipient."""

    to: str
    subject: str
    body: str


def build_message(settings: MailSettings, mail: Mail) -> EmailMessage:
    """Return the RFC 5322 message for a mail."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject.replace("\r", " ").replace("\n", " ")
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or "localhost")
    message.set_content(mail.body)
    return message


def send(settings: MailSettings, mail: Mail) -> Path | None:
    """Send a mail now: through SMTP (STARTTLS) when smtp_host is set, else into the outbox; return the file."""
    message = build_message(settings, mail)
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
        return None
    outbox = Path(settings.outbox_dir)
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{new_id()}.eml"
    path.write_bytes(bytes(message))
    return path


def send_after_commit(session: Session, settings: MailSettings, mail: Mail) -> None:
    """Queue a mail on the session; it is sent when the session's transaction commits and dropped when it rolls back.

    Savepoints count: releasing one sends nothing yet (the request may still fail), and rolling one back drops only
    the mails queued inside it. A failure to send is logged, not raised: the change it reports is already committed.
    """
    pending: list[_Queued] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _flush_pending)
        event.listen(session, "after_soft_rollback", _drop_pending)
    pending.append((session.get_nested_transaction() or session.get_transaction(), settings, mail))


_Queued = tuple[SessionTransaction | None, MailSettings, Mail]


def _flush_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released, not the transaction: wait for the real commit
    pending: list[_Queued] = session.info.get(_PENDING) or []
    session.info[_PENDING] = []
    for _, settings, mail in pending:
        try:
            send(settings, mail)
        except (OSError, smtplib.SMTPException):
            log.exception("could not send the e-mail '%s' to %s", mail.subject, mail.to)


def _inside(queued_in: SessionTransaction | None, ended: SessionTransaction) -> bool:
    """Whether a mail queued in `queued_in` belongs to `ended` (that transaction or one nested in it)."""
    while queued_in is not None:
        if queued_in is ended:
            return True
        queued_in = queued_in.parent
    return False


def _drop_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    pending: list[_Queued] = session.info.get(_PENDING) or []
    if not previous_transaction.nested:
        session.info[_PENDING] = []
        return
    session.info[_PENDING] = [q for q in pending if not _inside(q[0], previous_transaction)]
