"""Bridge-training tables: the intake, its credential evaluations and the individual learning plan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id

_USER = "user_account.id"


class BridgingIntake(Base):
    """One newcomer's bridge-training intake at an institution, and the plan built from it."""

    __tablename__ = "bridging_intake"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    learner_user_id: Mapped[str] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    advisor_user_id: Mapped[str | None] = mapped_column(ForeignKey(_USER), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # where the learner comes from
    origin_country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    origin_source: Mapped[str | None] = mapped_column(String(16), nullable=True)  # noc, oasis, esco, onet
    origin_code: Mapped[str | None] = mapped_column(String(500), nullable=True)
    origin_label: Mapped[str | None] = mapped_column(String(500), nullable=True)
    years_experience: Mapped[float | None] = mapped_column(Float, nullable=True)
    # the occupation in Canada (NOC 2021 unit group or OaSIS profile), with what the data says about it
    target_source: Mapped[str] = mapped_column(String(16))
    target_code: Mapped[str] = mapped_column(String(32))
    target_label: Mapped[str] = mapped_column(String(500))
    target_label_fr: Mapped[str | None] = mapped_column(String(500), nullable=True)  # COPS French name
    target_teer: Mapped[str | None] = mapped_column(String(1), nullable=True)
    province: Mapped[str | None] = mapped_column(String(2), nullable=True)
    regulation_checked: Mapped[bool] = mapped_column(Boolean, default=False)  # OaSIS requirements were read
    regulated_in_data: Mapped[bool] = mapped_column(Boolean, default=False)
    licence_note: Mapped[str | None] = mapped_column(Text, nullable=True)  # the OaSIS sentence, verbatim
    regulated_override: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # language: which PLAR result counts, and the regulator's own requirement when the advisor knows it
    language_result_id: Mapped[str | None] = mapped_column(
        ForeignKey("plar_language_result.id", ondelete="SET NULL"), nullable=True
    )
    clb_need_override: Mapped[dict[str, int] | None] = mapped_column(JSONType, nullable=True)
    clb_need_source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # the plan: revision grows with every change; the learner sees it once shared
    revision: Mapped[int] = mapped_column(Integer, default=0)
    shared_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    acknowledged_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    shared_at: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    evaluations: Mapped[list[CredentialEvaluation]] = relationship(
        back_populates="intake",
        lazy="selectin",
        order_by="CredentialEvaluation.created_at",
        cascade="all, delete-orphan",
    )
    items: Mapped[list[PlanItem]] = relationship(
        back_populates="intake",
        lazy="selectin",
        order_by="PlanItem.position",
        cascade="all, delete-orphan",
    )


class CredentialEvaluation(Base):
    """A credential-evaluation report (WES, ICAS, CES, IQAS, ICES, a regulator, ...) for one credential."""

    __tablename__ = "bridging_credential_evaluation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    intake_id: Mapped[str] = mapped_column(ForeignKey("bridging_intake.id", ondelete="CASCADE"), index=True)
    prior_credential_id: Mapped[str | None] = mapped_column(
        ForeignKey("plar_prior_credential.id", ondelete="SET NULL"), nullable=True
    )
    credential_title: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str] = mapped_column(String(16))
    agency_name: Mapped[str | None] = mapped_column(String(255), nullable=True)  # regulator or other body
    report_reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    evaluated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    canadian_equivalency: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    intake: Mapped[BridgingIntake] = relationship(back_populates="evaluations", lazy="raise")


class PlanItem(Base):
    """One item of the individual learning plan, in order."""

    __tablename__ = "bridging_plan_item"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    intake_id: Mapped[str] = mapped_column(ForeignKey("bridging_intake.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    notes: Mapped[str] = mapped_column(Text, default="")
    step_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)  # licensing steps
    regulator_name: Mapped[str | None] = mapped_column(String(255), nullable=True)  # entered by the advisor
    support_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    plar_case_id: Mapped[str | None] = mapped_column(
        ForeignKey("plar_case.id", ondelete="SET NULL"), nullable=True
    )
    opportunity_id: Mapped[str | None] = mapped_column(
        ForeignKey("learning_opportunity.id", ondelete="SET NULL"), nullable=True
    )
    owner: Mapped[str] = mapped_column(String(16))
    owner_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    target_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    proposal_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    intake: Mapped[BridgingIntake] = relationship(back_populates="items", lazy="raise")
