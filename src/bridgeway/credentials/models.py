"""Credential tables: issuer keys, issued credentials, status lists, batch jobs, share links, stack awards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id


class IssuerKey(Base):
    """One Ed25519 signing key of an institution; the private half is stored encrypted under the KEK.

    Retired keys stay listed in the DID document so credentials they signed keep verifying.
    """

    __tablename__ = "issuer_key"
    __table_args__ = (UniqueConstraint("institution_id", "sequence"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(16), default="Ed25519")
    public_key_multibase: Mapped[str] = mapped_column(String(128))
    private_key_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    @property
    def fragment(self) -> str:
        """The verification method fragment in the DID document (key-1, key-2, ...)."""
        return f"key-{self.sequence}"


class StatusList(Base):
    """A pair of Bitstring Status Lists (revocation and suspension) sharing one index space.

    `allocated` marks indices handed out (never reused); the two bitstrings hold the statuses.
    The signed status-list credentials are kept and re-signed whenever a bit changes.
    """

    __tablename__ = "status_list"
    __table_args__ = (UniqueConstraint("institution_id", "sequence"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[bytes] = mapped_column(LargeBinary)
    allocated_count: Mapped[int] = mapped_column(Integer, default=0)
    revocation_bits: Mapped[bytes] = mapped_column(LargeBinary)
    suspension_bits: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, default=1)
    revocation_document: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    suspension_document: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class IssuedCredential(Base):
    """One signed OpenBadgeCredential issued by an institution to a learner."""

    __tablename__ = "issued_credential"
    __table_args__ = (
        UniqueConstraint("institution_id", "idempotency_key"),
        UniqueConstraint("status_list_id", "status_index"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    learner_user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))  # did | email_hash
    recipient_identifier: Mapped[str] = mapped_column(String(500), index=True)
    achievement_ref: Mapped[str] = mapped_column(String(500), index=True)
    achievement_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(32))  # micro_credential | assessment | plar | stack
    source_type: Mapped[str | None] = mapped_column(String(64))
    source_id: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    status_list_id: Mapped[str] = mapped_column(ForeignKey("status_list.id"), index=True)
    status_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | revoked | suspended
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    signing_key_id: Mapped[str] = mapped_column(ForeignKey("issuer_key.id"))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    issued_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, index=True)
    valid_from: Mapped[datetime] = mapped_column(TZDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(TZDateTime)


class CredentialStatusEvent(Base):
    """One change of a credential's status with its reason; shown to the learner."""

    __tablename__ = "credential_status_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credential_id: Mapped[str] = mapped_column(
        ForeignKey("issued_credential.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))  # revoke | suspend | unsuspend
    reason: Mapped[str] = mapped_column(Text)
    actor_user_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class BatchJob(Base):
    """A cohort issuance: rows are issued one by one and the job can resume after a crash."""

    __tablename__ = "credential_batch_job"
    __table_args__ = (UniqueConstraint("institution_id", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16))  # csv | api
    label: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(32), default="micro_credential")
    achievement: Mapped[dict[str, Any]] = mapped_column(JSONType)
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | running | done
    total: Mapped[int] = mapped_column(Integer, default=0)
    issued_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_user_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class BatchRow(Base):
    """One row of a batch: what to issue, and whether it was issued."""

    __tablename__ = "credential_batch_row"
    __table_args__ = (UniqueConstraint("job_id", "row_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("credential_batch_job.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | issued | failed
    credential_id: Mapped[str | None] = mapped_column(String(36))
    error: Mapped[str | None] = mapped_column(Text)


class ShareLink(Base):
    """An expiring link through which anyone can see and verify chosen credentials of a learner."""

    __tablename__ = "credential_share_link"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    learner_user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    credential_ids: Mapped[list[str]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class StackAward(Base):
    """A parent credential earned by stacking, waiting for approval when its rule asks for it."""

    __tablename__ = "credential_stack_award"
    __table_args__ = (UniqueConstraint("learner_user_id", "parent_ref"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    parent_ref: Mapped[str] = mapped_column(String(500))
    component_credential_ids: Mapped[list[str]] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | awarded | rejected
    credential_id: Mapped[str | None] = mapped_column(String(36))
    decided_by_user_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)
