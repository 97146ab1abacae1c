"""Account tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column, relationship

from bridgeway.accounts.errors import AuditLogIsAppendOnly
from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id


class Institution(Base):
    """A college or polytechnic: the tenant that owns catalogues, cases and credentials."""

    __tablename__ = "institution"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_fr: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(255))
    plar_policy: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Employer(Base):
    """An employer or industry body: identifies competencies, endorses credentials, plans workforce training."""

    __tablename__ = "employer"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32), default="employer")  # employer | industry_body
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class User(Base):
    """A person who signs in: learner, staff member or employer representative."""

    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    institution_id: Mapped[str | None] = mapped_column(ForeignKey("institution.id"), index=True)
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employer.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    did: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )


class RoleGrant(Base):
    """One role held by one user."""

    __tablename__ = "role_grant"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_grants", lazy="raise")


class ApiToken(Base):
    """A scoped bearer token for the REST API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class WebSession(Base):
    """A server-side browser session; the cookie carries a random token whose SHA-256 is stored."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)  # absolute limit, whatever the activity
    last_seen_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)  # for the idle limit


class Consent(Base):
    """A learner lets an institution, one advisor or an employer see their portfolio and profile.

    Withdrawal sets `withdrawn_at`; the row stays as the record of what was allowed when.
    """

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_grantee", "grantee_kind", "grantee_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    grantee_kind: Mapped[str] = mapped_column(String(16))  # institution | advisor | employer
    grantee_id: Mapped[str] = mapped_column(String(36))
    granted_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class AuditEvent(Base):
    """One state change: who, what, when, before and after. Rows are never updated or deleted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_label: Mapped[str] = mapped_column(String(320), default="system")
    institution_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)


# --- The audit log is append-only: in the database (triggers) and in the ORM (events). ---
# The statements are plain data so that the Alembic migration can run the same ones:
#   for statement in APPEND_ONLY_DDL[op.get_bind().dialect.name]: op.execute(statement)
APPEND_ONLY_DDL: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege'; END $$",
        "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
    ),
}
# Run after dropping the table (the triggers go with it; the PostgreSQL function does not).
APPEND_ONLY_DROP_DDL: dict[str, tuple[str, ...]] = {
    "sqlite": (),
    "postgresql": ("DROP FUNCTION IF EXISTS audit_event_append_only()",),
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))  # type: ignore[no-untyped-call]
    for _statement in APPEND_ONLY_DROP_DDL[_dialect]:
        event.listen(AuditEvent.__table__, "after_drop", DDL(_statement).execute_if(dialect=_dialect))  # type: ignore[no-untyped-call]


def _refuse_change(_mapper: Mapper[AuditEvent], _connection: object, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")


event.listen(AuditEvent, "before_update", _refuse_change)
event.listen(AuditEvent, "before_delete", _refuse_change)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """Refuse `update(AuditEvent)` and `delete(AuditEvent)` statements run through any ORM session."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        if state.bind_mapper.class_ is AuditEvent:
            raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")


class Notification(Base):
    """A message shown in the person's notifications (and optionally e-mailed): a case moved, a decision."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_created", "user_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))  # e.g. plar.case_assigned
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(TZDateTime)
