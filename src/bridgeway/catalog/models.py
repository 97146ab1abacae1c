"""Catalogue tables: learning opportunities, their versioned definitions, QA reviews, stacking, endorsements.

A `LearningOpportunity` is the stable identity (institution + code + kind). What quality assurance approves
lives in an `OpportunityVersion`: published versions never change; an edit makes a new draft version. Intakes
and instructors are operational and hang off the opportunity. See docs/decisions/0002-catalogue-model.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id


class InstitutionCompetency(Base):
    """A workplace competency an institution defines itself (when no ESCO skill or OaSIS descriptor fits)."""

    __tablename__ = "institution_competency"
    __table_args__ = (UniqueConstraint("institution_id", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label_en: Mapped[str] = mapped_column(String(500))
    label_fr: Mapped[str] = mapped_column(String(500), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class LearningOpportunity(Base):
    """A micro-credential, course, workshop, bridge program or formal credential offered by an institution."""

    __tablename__ = "learning_opportunity"
    __table_args__ = (UniqueConstraint("institution_id", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    versions: Mapped[list[OpportunityVersion]] = relationship(
        back_populates="opportunity", lazy="raise", order_by="OpportunityVersion.number"
    )
    intakes: Mapped[list[Intake]] = relationship(
        lazy="selectin", order_by="Intake.starts_on", cascade="all, delete-orphan"
    )
    instructors: Mapped[list[Instructor]] = relationship(
        lazy="selectin", order_by="Instructor.name", cascade="all, delete-orphan"
    )


class OpportunityVersion(Base):
    """One version of an opportunity's definition, moving draft → in review → approved → published → retired."""

    __tablename__ = "opportunity_version"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "number"),
        # Principle 7 in the schema: no completion rule but demonstrated mastery can be stored.
        CheckConstraint("completion_basis = 'mastery'", name="completion_on_mastery"),
        CheckConstraint("cost_cents >= 0 AND hours >= 0 AND weeks >= 0", name="non_negative_logistics"),
        CheckConstraint("is_credit OR credit_value IS NULL", name="credit_value_only_for_credit"),
        # At most one published version per opportunity: the one the catalogue shows.
        Index(
            "ux_opportunity_version_one_published",
            "opportunity_id",
            unique=True,
            sqlite_where=text("state = 'published'"),
            postgresql_where=text("state = 'published'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(
        ForeignKey("learning_opportunity.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True, default="draft")
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    delivery_mode: Mapped[str] = mapped_column(String(16))
    schedules: Mapped[list[str]] = mapped_column(JSONType, default=list)
    hours: Mapped[float] = mapped_column(Float, default=0)
    weeks: Mapped[int] = mapped_column(Integer, default=0)
    cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    is_credit: Mapped[bool] = mapped_column(Boolean, default=False)
    credit_value: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str] = mapped_column(String(16), default="en")
    # Micro-credentials: how completion is decided and how mastery is assessed (principles 5 and 7).
    completion_basis: Mapped[str] = mapped_column(String(16), default="mastery")
    mastery_criteria_en: Mapped[str] = mapped_column(Text, default="")
    mastery_criteria_fr: Mapped[str] = mapped_column(Text, default="")
    assessment_method: Mapped[str | None] = mapped_column(String(32))
    assessment_description: Mapped[str] = mapped_column(Text, default="")
    rubric: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Stacking: how many of the elective components earn this credential ("any N of these").
    electives_required: Mapped[int] = mapped_column(Integer, default=0)
    change_note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    qa_passed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    qa_passed_by_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    approved_by_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    opportunity: Mapped[LearningOpportunity] = relationship(back_populates="versions", lazy="selectin")
    alignment: Mapped[CompetencyAlignment | None] = relationship(
        lazy="selectin", cascade="all, delete-orphan", uselist=False
    )
    statements: Mapped[list[EmployerStatement]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="EmployerStatement.created_at"
    )
    prerequisites: Mapped[list[Prerequisite]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    components: Mapped[list[StackingComponent]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", foreign_keys="StackingComponent.parent_version_id"
    )


class CompetencyAlignment(Base):
    """The one workplace competency a micro-credential version certifies (principle 4).

    The unique constraint on `version_id` is the database's refusal of a second competency; the check
    constraint makes the target exactly one of a taxonomy competency or an institution-defined competency.
    The target's names are copied so that a published version keeps what it said if the taxonomy changes.
    """

    __tablename__ = "competency_alignment"
    __table_args__ = (
        UniqueConstraint("version_id", name="uq_competency_alignment_one_per_version"),
        CheckConstraint(
            "(CASE WHEN competency_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN institution_competency_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(ForeignKey("opportunity_version.id", ondelete="CASCADE"))
    framework: Mapped[str] = mapped_column(String(16))  # esco | oasis | institution
    competency_id: Mapped[str | None] = mapped_column(
        ForeignKey("competency.id", ondelete="RESTRICT"), index=True
    )
    institution_competency_id: Mapped[str | None] = mapped_column(
        ForeignKey("institution_competency.id", ondelete="RESTRICT"), index=True
    )
    target_name: Mapped[str] = mapped_column(String(500))
    target_name_fr: Mapped[str] = mapped_column(String(500), default="")
    target_code: Mapped[str] = mapped_column(String(500))
    target_url: Mapped[str | None] = mapped_column(String(500))
    target_description: Mapped[str] = mapped_column(Text, default="")
    target_framework: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class EmployerStatement(Base):
    """An employer or industry body stating that it needs the competency (principle 3)."""

    __tablename__ = "employer_statement"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity_version.id", ondelete="CASCADE"), index=True
    )
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employer.id"))
    organisation: Mapped[str] = mapped_column(String(255))
    statement: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Prerequisite(Base):
    """An opportunity a learner needs before starting this version's opportunity."""

    __tablename__ = "opportunity_prerequisite"

    version_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity_version.id", ondelete="CASCADE"), primary_key=True
    )
    prerequisite_id: Mapped[str] = mapped_column(
        ForeignKey("learning_opportunity.id"), primary_key=True, index=True
    )


class StackingComponent(Base):
    """A component of a stacking rule: the parent version is earned by required components plus N electives."""

    __tablename__ = "stacking_component"

    parent_version_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity_version.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("learning_opportunity.id"), primary_key=True, index=True
    )
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Intake(Base):
    """A start date with its seats."""

    __tablename__ = "intake"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(
        ForeignKey("learning_opportunity.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer)
    campus: Mapped[str] = mapped_column(String(200), default="")


class Instructor(Base):
    """Someone who teaches an opportunity, with the industry background learners and employers look for."""

    __tablename__ = "instructor"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(
        ForeignKey("learning_opportunity.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    industry_background: Mapped[str] = mapped_column(Text, default="")


class QaReview(Base):
    """A QA reviewer's checklist answers for one version, with comments and the outcome."""

    __tablename__ = "qa_review"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity_version.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))
    answers: Mapped[dict[str, bool]] = mapped_column(JSONType, default=dict)
    item_comments: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    outcome: Mapped[str] = mapped_column(String(16))  # passed | sent_back
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Endorsement(Base):
    """An employer endorsing a published micro-credential version."""

    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("version_id", "employer_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity_version.id", ondelete="CASCADE"), index=True
    )
    opportunity_id: Mapped[str] = mapped_column(
        ForeignKey("learning_opportunity.id", ondelete="CASCADE"), index=True
    )
    employer_id: Mapped[str] = mapped_column(ForeignKey("employer.id"), index=True)
    endorsed_by_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    statement: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class CompetencyProposal(Base):
    """An employer proposing a competency it needs; program designers see the queue and respond."""

    __tablename__ = "competency_proposal"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employer.id"), index=True)
    institution_id: Mapped[str | None] = mapped_column(ForeignKey("institution.id"), index=True)
    proposed_by_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    competency_id: Mapped[str | None] = mapped_column(ForeignKey("competency.id", ondelete="SET NULL"))
    openings: Mapped[int | None] = mapped_column(Integer)  # how many people the employer needs with it
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | accepted | declined
    response: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    opportunity_id: Mapped[str | None] = mapped_column(
        ForeignKey("learning_opportunity.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(TZDateTime)
