"""Planning tables: learners' stored profiles, advisors' notes, employers' roles and workforce groups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id


class LearnerProfileRecord(Base):
    """One learner's planning profile: the JSON of `planning.schemas.LearnerProfile`."""

    __tablename__ = "learner_profile"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class AdvisorNote(Base):
    """A free-text note an advisor keeps about a client (who consented), visible to that institution's advisors."""

    __tablename__ = "planning_note"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str] = mapped_column(String(36), ForeignKey("user_account.id"))
    institution_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("institution.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class EmployerRole(Base):
    """A role an employer hires or trains for: its competency needs, from an occupation or the employer's own list.

    `requirements` is a list of {competency_id, label, description, kind (essential | optional), importance (0–1],
    level_required (on the competency's scale, or null), source}; ids are ESCO skill URIs, `oasis:`/`onet:`
    descriptors, or `ext:` competencies the employer defined.
    """

    __tablename__ = "employer_role"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    employer_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("employer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    taxonomy: Mapped[str | None] = mapped_column(String(8))
    occupation_code: Mapped[str | None] = mapped_column(String(300))
    occupation_title: Mapped[str | None] = mapped_column(String(500))
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_by: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class WorkforceGroup(Base):
    """A named group of employees or candidates an employer follows; only members who consented are analysed."""

    __tablename__ = "workforce_group"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    employer_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("employer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="employees")  # employees | candidates
    member_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_by: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
