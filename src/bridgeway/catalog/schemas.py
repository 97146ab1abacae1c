"""Catalogue API shapes. Inputs refuse unknown fields; reads mirror what the pages show."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bridgeway.catalog.domain import (
    AssessmentMethod,
    DeliveryMode,
    Language,
    OpportunityKind,
    SchedulePattern,
)

Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Strict(BaseModel):
    """Input models: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RubricLevelIn(Strict):
    """A performance level; higher rank is better."""

    key: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1, max_length=200)
    rank: int


class RubricCriterionIn(Strict):
    """A criterion of the rubric."""

    key: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=2000)


class RubricIn(Strict):
    """Criteria, performance levels and the mastery threshold (a level every criterion must reach)."""

    criteria: list[RubricCriterionIn] = Field(min_length=1, max_length=50)
    levels: list[RubricLevelIn] = Field(min_length=2, max_length=10)
    mastery_level: str = Field(min_length=1, max_length=64)


class AssessmentIn(Strict):
    """How the competency is assessed (principle 5)."""

    method: AssessmentMethod
    description: str = Field(default="", max_length=5000)
    rubric: RubricIn


class AlignmentIn(Strict):
    """The one competency: a taxonomy competency (ESCO skill, OaSIS descriptor) or an institution-defined one."""

    competency_id: str | None = Field(default=None, max_length=36)
    institution_competency_id: str | None = Field(default=None, max_length=36)

    @model_validator(mode="after")
    def _exactly_one(self) -> AlignmentIn:
        if (self.competency_id is None) == (self.institution_competency_id is None):
            raise ValueError("give exactly one of competency_id or institution_competency_id")
        return self


class StatementIn(Strict):
    """An employer or industry body's statement that it needs the competency (principle 3)."""

    organisation: str = Field(min_length=1, max_length=255)
    statement: str = Field(min_length=1, max_length=5000)
    employer_id: str | None = Field(default=None, max_length=36)


class ComponentIn(Strict):
    """A component of a stacking rule, named by its code in the same institution."""

    code: str = Code
    required: bool = True


class IntakeIn(Strict):
    """A start date and its seats."""

    starts_on: date
    ends_on: date | None = None
    seats: int = Field(ge=0, le=100_000)
    campus: str = Field(default="", max_length=200)


class InstructorIn(Strict):
    """An instructor and their industry background."""

    name: str = Field(min_length=1, max_length=255)
    industry_background: str = Field(default="", max_length=2000)


class DefinitionFields(Strict):
    """What a version defines; shared by create and update."""

    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    title_fr: str | None = Field(default=None, max_length=300)
    description_en: str | None = Field(default=None, max_length=10_000)
    description_fr: str | None = Field(default=None, max_length=10_000)
    delivery_mode: DeliveryMode | None = None
    schedules: list[SchedulePattern] | None = Field(default=None, max_length=5)
    hours: float | None = Field(default=None, ge=0, le=20_000)
    weeks: int | None = Field(default=None, ge=0, le=520)
    cost_cents: int | None = Field(default=None, ge=0, le=100_000_000)
    is_credit: bool | None = None
    credit_value: float | None = Field(default=None, ge=0, le=1000)
    language: Language | None = None
    completion_basis: str | None = Field(default=None, max_length=100)
    mastery_criteria_en: str | None = Field(default=None, max_length=10_000)
    mastery_criteria_fr: str | None = Field(default=None, max_length=10_000)
    assessment: AssessmentIn | None = None
    prerequisites: list[str] | None = Field(default=None, max_length=50)
    statements: list[StatementIn] | None = Field(default=None, max_length=50)
    components: list[ComponentIn] | None = Field(default=None, max_length=100)
    electives_required: int | None = Field(default=None, ge=0, le=100)
    change_note: str | None = Field(default=None, max_length=2000)


class OpportunityCreate(DefinitionFields):
    """A new learning opportunity and its first (draft) version."""

    code: str = Code
    kind: OpportunityKind
    title_en: str = Field(min_length=1, max_length=300)
    delivery_mode: DeliveryMode
    alignment: AlignmentIn | None = None
    intakes: list[IntakeIn] = Field(default_factory=list, max_length=100)
    instructors: list[InstructorIn] = Field(default_factory=list, max_length=50)


class VersionUpdate(DefinitionFields):
    """Changes to a draft version; fields left out stay as they are."""


class OperationsUpdate(Strict):
    """Operational data that is not part of the QA-approved definition: intakes and instructors."""

    intakes: list[IntakeIn] | None = Field(default=None, max_length=100)
    instructors: list[InstructorIn] | None = Field(default=None, max_length=50)


class QaReviewIn(Strict):
    """A QA reviewer's answers to every checklist item, with optional comments; any 'no' sends it back."""

    answers: dict[str, bool]
    item_comments: dict[str, str] = Field(default_factory=dict)
    comment: str = Field(default="", max_length=5000)


class SendBackIn(Strict):
    """Why a version goes back to its authors."""

    comment: str = Field(min_length=1, max_length=5000)


class EndorsementIn(Strict):
    """An employer's endorsement of a published micro-credential."""

    statement: str = Field(default="", max_length=5000)


class ProposalIn(Strict):
    """An employer proposing a competency it needs."""

    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    competency_id: str | None = Field(default=None, max_length=36)
    institution_id: str | None = Field(default=None, max_length=36)
    openings: int | None = Field(default=None, ge=0, le=1_000_000)


class ProposalResponseIn(Strict):
    """A program designer's answer to a proposal."""

    status: Literal["accepted", "declined"]
    response: str = Field(default="", max_length=5000)
    opportunity_id: str | None = Field(default=None, max_length=36)


class InstitutionCompetencyIn(Strict):
    """An institution-defined workplace competency."""

    code: str = Code
    label_en: str = Field(min_length=1, max_length=500)
    label_fr: str = Field(default="", max_length=500)
    description_en: str = Field(default="", max_length=5000)
    description_fr: str = Field(default="", max_length=5000)


class SearchParams(BaseModel):
    """Catalogue filters (all optional) and the page wanted."""

    q: str | None = Field(default=None, max_length=200)
    competency_id: str | None = None
    occupation_id: str | None = None
    delivery_mode: DeliveryMode | None = None
    schedule: SchedulePattern | None = None
    cost_min_cents: int | None = Field(default=None, ge=0)
    cost_max_cents: int | None = Field(default=None, ge=0)
    credit: bool | None = None
    kind: OpportunityKind | None = None
    institution_id: str | None = None
    limit: int = Field(default=20, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


# ---- reads ----


class Read(BaseModel):
    """Output models read attributes from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


class AlignmentRead(Read):
    """The aligned competency, in Open Badges `Alignment` terms (targetName, targetCode, targetUrl...)."""

    framework: str
    competency_id: str | None
    institution_competency_id: str | None
    target_name: str
    target_name_fr: str
    target_code: str
    target_url: str | None
    target_description: str
    target_framework: str


class StatementRead(Read):
    """An employer statement."""

    id: str
    organisation: str
    statement: str
    employer_id: str | None


class ComponentRead(BaseModel):
    """A component of a stacking rule with what the pathway view shows."""

    opportunity_id: str
    code: str
    title_en: str
    title_fr: str
    kind: str
    required: bool
    is_credit: bool
    credit_value: float | None
    hours: float | None
    published: bool


class IntakeRead(Read):
    """An intake."""

    id: str
    starts_on: date
    ends_on: date | None
    seats: int
    campus: str


class InstructorRead(Read):
    """An instructor."""

    id: str
    name: str
    industry_background: str


class VersionRead(BaseModel):
    """One version of an opportunity's definition."""

    id: str
    opportunity_id: str
    number: int
    state: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    delivery_mode: str
    schedules: list[str]
    hours: float
    weeks: int
    cost_cents: int
    is_credit: bool
    credit_value: float | None
    language: str
    completion_basis: str
    mastery_criteria_en: str
    mastery_criteria_fr: str
    assessment_method: str | None
    assessment_description: str
    rubric: dict[str, Any] | None
    alignment: AlignmentRead | None
    statements: list[StatementRead]
    prerequisites: list[str]  # opportunity codes
    components: list[ComponentRead]
    electives_required: int
    change_note: str
    author_id: str
    created_at: datetime
    submitted_at: datetime | None
    qa_passed_at: datetime | None
    approved_at: datetime | None
    approved_by_id: str | None
    published_at: datetime | None
    retired_at: datetime | None
    allowed_actions: list[str]


class OpportunityRead(BaseModel):
    """An opportunity with the version the caller sees (the latest published one for the public)."""

    id: str
    institution_id: str
    code: str
    kind: str
    version: VersionRead
    intakes: list[IntakeRead]
    instructors: list[InstructorRead]
    part_of: list[ComponentRead]  # published credentials this opportunity stacks into
    endorsements: list[EndorsementRead]


class OpportunitySummary(BaseModel):
    """One search hit."""

    id: str
    institution_id: str
    code: str
    kind: str
    version_id: str
    version_number: int
    title_en: str
    title_fr: str
    delivery_mode: str
    schedules: list[str]
    hours: float
    weeks: int
    cost_cents: int
    is_credit: bool
    credit_value: float | None
    language: str
    competency: str | None
    next_intake: date | None


class QaReviewRead(Read):
    """A recorded QA review."""

    id: str
    version_id: str
    reviewer_id: str
    answers: dict[str, bool]
    item_comments: dict[str, str]
    outcome: str
    comment: str
    created_at: datetime


class EndorsementRead(Read):
    """An endorsement."""

    id: str
    version_id: str
    opportunity_id: str
    employer_id: str
    statement: str
    created_at: datetime


class ProposalRead(Read):
    """A competency proposal."""

    id: str
    employer_id: str
    institution_id: str | None
    title: str
    description: str
    competency_id: str | None
    openings: int | None
    status: str
    response: str
    opportunity_id: str | None
    created_at: datetime
    responded_at: datetime | None


class InstitutionCompetencyRead(Read):
    """An institution-defined competency."""

    id: str
    institution_id: str
    code: str
    label_en: str
    label_fr: str
    description_en: str
    description_fr: str


class ChecklistItem(BaseModel):
    """One item of the QA checklist."""

    key: str
    text: str


# ---- for other domains ----


class AchievementAlignment(BaseModel):
    """The Open Badges 3.0 `Alignment` of the one competency."""

    target_name: str
    target_code: str
    target_url: str | None
    target_description: str
    target_framework: str
    target_type: str  # "ext:ESCOSkill", "ext:OaSISDescriptor", "ext:InstitutionCompetency"


class AchievementData(BaseModel):
    """What an Open Badges 3.0 Achievement needs from a published micro-credential version."""

    opportunity_id: str
    version_id: str
    institution_id: str
    code: str
    kind: str
    name: str
    name_fr: str
    description: str
    description_fr: str
    criteria_narrative: str
    criteria_narrative_fr: str
    alignment: AchievementAlignment | None
    assessment_method: str | None
    assessment_description: str
    rubric: dict[str, Any] | None
    completion_basis: str
    is_credit: bool
    credit_value: float | None
    hours: float
    employer_statements: list[StatementRead]
    stacks_into: list[ComponentRead]  # parents whose stacking rule lists this opportunity
    components: list[ComponentRead]  # for a parent: its stacking rule's components
    electives_required: int


class PlannableOpportunity(BaseModel):
    """An opportunity with the constraints the pathway planner optimises over."""

    opportunity_id: str
    version_id: str
    institution_id: str
    code: str
    kind: str
    title_en: str
    title_fr: str
    hours: float
    weeks: int
    cost_cents: int
    delivery_mode: str
    schedules: list[str]
    language: str
    is_credit: bool
    credit_value: float | None
    competency_ids: list[str]  # taxonomy competency ids this opportunity certifies (micro-credentials: one)
    institution_competency_ids: list[str]
    prerequisite_ids: list[str]
    intakes: list[IntakeRead]
    required_component_ids: list[str]
    elective_component_ids: list[str]
    electives_required: int


OpportunityRead.model_rebuild()
