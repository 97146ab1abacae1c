"""PLAR tables: the learner's portfolio (work, education, languages, self-assessment, evidence) and cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id

_USER = "user_account.id"


class WorkExperience(Base):
    """One job in the learner's work history."""

    __tablename__ = "plar_work_experience"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    employer: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    duties: Mapped[str] = mapped_column(Text, default="")
    occupation_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class PriorCredential(Base):
    """Education or a credential held, Canadian or international."""

    __tablename__ = "plar_prior_credential"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    institution_name: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    level: Mapped[str] = mapped_column(String(100))
    awarded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evaluation_report_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class LanguageResult(Base):
    """A language test result in Canadian Language Benchmarks (1–12) per skill."""

    __tablename__ = "plar_language_result"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    test_name: Mapped[str] = mapped_column(String(100))
    tested_on: Mapped[date] = mapped_column(Date)
    listening: Mapped[int] = mapped_column(Integer)
    speaking: Mapped[int] = mapped_column(Integer)
    reading: Mapped[int] = mapped_column(Integer)
    writing: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class SelfAssessment(Base):
    """The learner's own rating of one competency (1 novice … 4 expert)."""

    __tablename__ = "plar_self_assessment"
    __table_args__ = (UniqueConstraint("learner_user_id", "competency_uri"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    competency_uri: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(500))
    rating: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)


class EvidenceDocument(Base):
    """An uploaded document; the bytes live in settings.evidence_dir under their sha256."""

    __tablename__ = "plar_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # extracted text (plain text, DOCX)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class RecognitionCase(Base):
    """A learner's request for recognition toward a program, a credential or micro-credentials."""

    __tablename__ = "plar_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER), index=True)
    target_kind: Mapped[str] = mapped_column(String(32))
    target_ref: Mapped[str] = mapped_column(String(500))
    target_label: Mapped[str] = mapped_column(String(500))
    # the program's courses for advanced placement: [{code, title, credits, competency_uris}]
    courses: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(32), index=True)
    advisor_user_id: Mapped[str | None] = mapped_column(ForeignKey(_USER), nullable=True)
    assessor_user_id: Mapped[str | None] = mapped_column(ForeignKey(_USER), nullable=True, index=True)
    moderator_user_id: Mapped[str | None] = mapped_column(ForeignKey(_USER), nullable=True)
    fee_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fee_reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_note: Mapped[str] = mapped_column(Text, default="")
    pre_assessment: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    competencies: Mapped[list[CaseCompetency]] = relationship(
        back_populates="case",
        lazy="selectin",
        order_by="CaseCompetency.position",
        cascade="all, delete-orphan",
    )


class CaseCompetency(Base):
    """One competency under assessment in a case: method, evidence, decision with reasons, moderation."""

    __tablename__ = "plar_case_competency"
    __table_args__ = (UniqueConstraint("case_id", "competency_uri"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("plar_case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    competency_uri: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(500))
    method: Mapped[str | None] = mapped_column(String(32), nullable=True)
    evidence_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reasons: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[dict[str, bool]] = mapped_column(JSONType, default=dict)
    decided_by_user_id: Mapped[str | None] = mapped_column(ForeignKey(_USER), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    credential_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    case: Mapped[RecognitionCase] = relationship(back_populates="competencies", lazy="raise")


class PortfolioCredential(Base):
    """A verifiable credential the learner added to their portfolio, checked on upload and re-checked on view.

    Its JSON bytes are an evidence document (content-addressed like the others, so it can back a case);
    this row keeps what was found in it and the outcome of the latest check.
    """

    __tablename__ = "plar_portfolio_credential"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    evidence_id: Mapped[str] = mapped_column(ForeignKey("plar_evidence.id", ondelete="CASCADE"), unique=True)
    credential_ref: Mapped[str | None] = mapped_column(String(500), nullable=True)  # the credential's own id
    issuer_id: Mapped[str] = mapped_column(String(500))
    issuer_name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    achievement_name: Mapped[str] = mapped_column(String(500))
    achievement_description: Mapped[str] = mapped_column(Text, default="")
    # [{name, url, code, framework, type, competency_id}] from the achievement's alignments
    alignments: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    valid_from: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    issued_by_bridgeway_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # the credential names this learner (True), someone else (False) or nobody (None)
    recipient_match: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    outcome: Mapped[str] = mapped_column(String(32))  # vc VerificationStatus of the latest check
    checks: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    checked_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    outcome_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
