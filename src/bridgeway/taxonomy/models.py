"""Taxonomy tables: releases of official sources and the competencies, occupations and links they hold.

Every row belongs to one `TaxonomyRelease` (a source at a version), so a later release can sit beside an older
one; reads default to the latest release of a source. The model is source-aware but generic: ESCO skills,
OaSIS descriptors and O*NET elements are all `Competency` rows; ESCO occupations, NOC groups, OaSIS profiles
and O*NET-SOC occupations are all `Occupation` rows.

Competencies and occupations have string ids (`new_id`) because other domains point at them. Leaf rows that
nothing else references (requirements, titles, duties, links, outlooks) have integer keys: they are bulk
inserted by the hundred thousand and a 36-character key per row would only cost time and space.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bridgeway.kit.clock import utcnow
from bridgeway.kit.db import Base, JSONType, TZDateTime
from bridgeway.kit.ids import new_id

# Sources (TaxonomyRelease.source): "esco", "noc", "oasis", "cops", "onet", "crosswalks".
# Code systems in CodeLink (from_source / to_source) add "noc2016", "soc2018", "isco".
# Competency.kind: "skill", "knowledge", "ability", "work_activity", "work_context", "transversal",
#   "language", "personal_attribute", "interest", "skill_group".
# Occupation.level: ESCO "occupation"; NOC "broad_category" | "major_group" | "sub_major_group" |
#   "minor_group" | "unit_group"; OaSIS "profile"; O*NET "occupation".
# OccupationRequirement.relation: "essential" | "optional" | "rated".


class TaxonomyRelease(Base):
    """One imported release of one official source (e.g. ESCO v1.1.1), with what was read and what was found."""

    __tablename__ = "taxonomy_release"
    __table_args__ = (UniqueConstraint("source", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[str] = mapped_column(String(32))
    # SHA-256 over the sorted (file name, file checksum) pairs: the same files give the same fingerprint.
    fingerprint: Mapped[str] = mapped_column(String(64))
    checksums: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # file name -> sha256
    # Counts of rows imported, dangling references by kind, timings; shown by `bridgeway data stats`.
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    imported_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Competency(Base):
    """A skill, knowledge area, ability, work activity or context descriptor of one release of one source."""

    __tablename__ = "competency"
    __table_args__ = (
        UniqueConstraint("release_id", "code"),
        Index("ix_competency_source_code", "source", "code"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    # Stable code within the source: the ESCO concept URI, the O*NET element id ("2.A.1.a"), the OaSIS
    # descriptor key ("skills:reading-comprehension").
    code: Mapped[str] = mapped_column(String(255))
    uri: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str | None] = mapped_column(String(128))  # OaSIS / O*NET descriptor family
    preferred_label: Mapped[str] = mapped_column(String(500))
    preferred_label_fr: Mapped[str | None] = mapped_column(String(500))
    alt_labels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    skill_type: Mapped[str | None] = mapped_column(String(32))  # ESCO: "skill/competence" | "knowledge"
    reuse_level: Mapped[str | None] = mapped_column(String(32))  # ESCO: transversal ... occupation-specific
    collections: Mapped[list[str]] = mapped_column(
        JSONType, default=list
    )  # ESCO: digital, green, language...
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class CompetencyRelation(Base):
    """A link between two competencies of one release: hierarchy ("broader") or ESCO skill–skill relations."""

    __tablename__ = "competency_relation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[str] = mapped_column(ForeignKey("competency.id", ondelete="CASCADE"), index=True)
    to_id: Mapped[str] = mapped_column(ForeignKey("competency.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(
        String(16)
    )  # "broader" (from is narrower) | "essential" | "optional"


class Occupation(Base):
    """An occupation, occupational group or profile of one release of one source."""

    __tablename__ = "occupation"
    __table_args__ = (
        UniqueConstraint("release_id", "code"),
        Index("ix_occupation_source_code", "source", "code"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    # ESCO concept URI, NOC code ("21232"), OaSIS profile code ("21232.01"), O*NET-SOC code ("15-1252.00").
    code: Mapped[str] = mapped_column(String(255))
    uri: Mapped[str | None] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(500))
    label_fr: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(String(255))  # broader group in the same source
    isco_group: Mapped[str | None] = mapped_column(String(8), index=True)  # ESCO
    noc_code: Mapped[str | None] = mapped_column(String(8), index=True)  # NOC unit group (NOC, OaSIS)
    teer: Mapped[str | None] = mapped_column(String(2))  # NOC 2021 TEER category
    job_zone: Mapped[int | None] = mapped_column(Integer)  # O*NET job zone 1-5
    education: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # O*NET education/training
    employment_requirements: Mapped[list[str]] = mapped_column(JSONType, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class OccupationRequirement(Base):
    """What an occupation asks of a competency: ESCO essential/optional, or an OaSIS / O*NET rating."""

    __tablename__ = "occupation_requirement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    occupation_id: Mapped[str] = mapped_column(ForeignKey("occupation.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[str] = mapped_column(ForeignKey("competency.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    # OaSIS: the 1-5 rating in `level`, scale "oasis_1_5". O*NET: importance (IM, 1-5) and level (LV, 0-7),
    # scale "onet_im_lv". ESCO: both None, scale None.
    importance: Mapped[float | None] = mapped_column(Float)
    level: Mapped[float | None] = mapped_column(Float)
    scale: Mapped[str | None] = mapped_column(String(16))


class OccupationTitle(Base):
    """Another name of an occupation: ESCO alternative labels, OaSIS example titles, O*NET alternate titles."""

    __tablename__ = "occupation_title"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    occupation_id: Mapped[str] = mapped_column(ForeignKey("occupation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # "alternative" | "hidden" | "example" | "lay" | "alternate"
    language: Mapped[str] = mapped_column(String(8), default="en")


class OccupationDuty(Base):
    """A duty or task of an occupation: OaSIS main duties, NOC main duties, O*NET task statements."""

    __tablename__ = "occupation_duty"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    occupation_id: Mapped[str] = mapped_column(ForeignKey("occupation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # "main_duty" | "core" | "supplemental"


class Outlook(Base):
    """COPS projection for one NOC 2021 code (unit group or aggregate) over the release's horizon."""

    __tablename__ = "outlook"
    __table_args__ = (UniqueConstraint("release_id", "noc_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    noc_code: Mapped[str] = mapped_column(String(16), index=True)  # "21232", or aggregates "00000", "TEER_0"
    name: Mapped[str] = mapped_column(String(500))
    name_fr: Mapped[str | None] = mapped_column(String(500))
    period: Mapped[str] = mapped_column(String(16))  # "2024-2033"
    employment_base: Mapped[int | None] = mapped_column(Integer)  # employment in the base year (2023)
    employment_growth: Mapped[int | None] = mapped_column(Integer)
    retirements: Mapped[int | None] = mapped_column(Integer)
    other_replacement: Mapped[int | None] = mapped_column(Integer)
    job_openings: Mapped[int | None] = mapped_column(Integer)
    school_leavers: Mapped[int | None] = mapped_column(Integer)
    immigration: Mapped[int | None] = mapped_column(Integer)
    other_seekers: Mapped[int | None] = mapped_column(Integer)
    job_seekers: Mapped[int | None] = mapped_column(Integer)
    recent_condition: Mapped[str | None] = mapped_column(String(64))
    recent_condition_fr: Mapped[str | None] = mapped_column(String(64))
    future_condition: Mapped[str | None] = mapped_column(String(64))  # as published, e.g. "Shortage"
    future_condition_fr: Mapped[str | None] = mapped_column(String(64))
    future_condition_key: Mapped[str | None] = mapped_column(String(16))  # "balance" | "shortage" | "surplus"
    yearly: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # measure -> {year: value}


class CodeLink(Base):
    """A crosswalk row: a code in one system maps to a code in another, with weight and provenance.

    `provenance` lists the steps, e.g. ESCO→O*NET (Nesta) then O*NET→NOC (bcgov), each with its dataset and
    weight; `weight` is the product of the step weights where they have one.
    """

    __tablename__ = "code_link"
    __table_args__ = (
        Index("ix_code_link_from", "from_source", "from_code"),
        Index("ix_code_link_to", "to_source", "to_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    dataset: Mapped[str] = mapped_column(String(64))  # e.g. "nesta_esco_onet", "bcgov_onet_noc2021", "chain"
    from_source: Mapped[str] = mapped_column(String(16))
    from_code: Mapped[str] = mapped_column(String(255))
    to_source: Mapped[str] = mapped_column(String(16))
    to_code: Mapped[str] = mapped_column(String(255))
    weight: Mapped[float | None] = mapped_column(Float)
    provenance: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)


class DanglingReference(Base):
    """A row of an official file that names something the release does not define; kept, not dropped."""

    __tablename__ = "dangling_reference"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_release.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(String(255))
    line: Mapped[int] = mapped_column(Integer)
    missing_kind: Mapped[str] = mapped_column(String(16))  # "occupation" | "competency"
    missing_code: Mapped[str] = mapped_column(String(255))
    row: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # the file's row, as read
