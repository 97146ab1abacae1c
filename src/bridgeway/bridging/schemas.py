"""Bridge-training request and response bodies."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from bridgeway.bridging.domain import Agency, ItemKind, ItemStatus, Owner, StepKind, SupportKind

CLB = Field(ge=1, le=12, description="Canadian Language Benchmark 1–12")
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
_Country = Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
_Province = Field(default=None, pattern=r"^(AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)$")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClbLevels(_In):
    """A level per skill (CLB 1–12)."""

    listening: int = CLB
    speaking: int = CLB
    reading: int = CLB
    writing: int = CLB


class IntakeCreate(_In):
    """Open an intake for a learner who consented to the institution (or to the advisor)."""

    learner_id: str = Field(min_length=1, max_length=36)
    origin_country: str = _Country
    origin_code: str | None = Field(
        default=None, max_length=500, description="NOC 2021, OaSIS, ESCO URI or O*NET-SOC code"
    )
    years_experience: float | None = Field(default=None, ge=0, le=60)
    target_code: str = Field(
        min_length=1, max_length=32, description="NOC 2021 unit group (31301) or OaSIS profile (31301.01)"
    )
    province: str | None = _Province
    notes: str = Field(default="", max_length=10_000)


class IntakeUpdate(_In):
    """Change the intake; fields left out stay as they are (send null to clear an optional one)."""

    origin_country: str | None = Field(default=None, min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")
    origin_code: str | None = Field(default=None, max_length=500)
    years_experience: float | None = Field(default=None, ge=0, le=60)
    target_code: str | None = Field(default=None, min_length=1, max_length=32)
    province: str | None = _Province
    regulated_override: bool | None = Field(
        default=None,
        description="The advisor's judgement when it differs from the data (null: follow the data)",
    )
    language_result_id: str | None = Field(default=None, max_length=36)
    clb_need: ClbLevels | None = Field(
        default=None, description="The regulator's language requirement per skill, replacing the assumption"
    )
    clb_need_source: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=10_000)


class EvaluationCreate(_In):
    """A credential-evaluation report; name the PLAR prior credential it evaluates when there is one."""

    prior_credential_id: str | None = Field(default=None, max_length=36)
    credential_title: str | None = Field(default=None, min_length=1, max_length=255)
    agency: Agency
    agency_name: str | None = Field(default=None, max_length=255, description="The regulator or other body")
    report_reference: str | None = Field(default=None, max_length=255)
    evaluated_on: date | None = None
    canadian_equivalency: str = Field(
        default="", max_length=255, description="e.g. Bachelor's degree (four years)"
    )


class PlanItemCreate(_In):
    """An item of the learning plan."""

    kind: ItemKind
    title: str = Field(min_length=1, max_length=255)
    notes: str = Field(default="", max_length=10_000)
    step_kind: StepKind | None = None
    regulator_name: str | None = Field(default=None, max_length=255)
    support_kind: SupportKind | None = None
    plar_case_id: str | None = Field(default=None, max_length=36)
    opportunity_id: str | None = Field(default=None, max_length=36)
    owner: Owner = Owner.LEARNER
    owner_name: str | None = Field(default=None, max_length=255)
    status: ItemStatus = ItemStatus.PLANNED
    target_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None


class PlanItemUpdate(_In):
    """Change an item; fields left out stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=255)
    notes: str | None = Field(default=None, max_length=10_000)
    step_kind: StepKind | None = None
    regulator_name: str | None = Field(default=None, max_length=255)
    support_kind: SupportKind | None = None
    plar_case_id: str | None = Field(default=None, max_length=36)
    opportunity_id: str | None = Field(default=None, max_length=36)
    owner: Owner | None = None
    owner_name: str | None = Field(default=None, max_length=255)
    status: ItemStatus | None = None
    target_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class LearnerItemUpdate(_In):
    """The learner marks one of their own items done (or not done)."""

    done: bool


# --- reads -----------------------------------------------------------------------------------------------------


class PersonRead(BaseModel):
    id: str
    name: str
    email: str


class OccupationRead(BaseModel):
    source: str
    code: str
    label: str
    label_fr: str | None = None


class RegulationRead(BaseModel):
    """What the data says about licensing, and the advisor's judgement when it differs."""

    regulated: bool
    in_data: bool
    checked: bool = Field(description="False when the OaSIS employment requirements were not imported")
    override: bool | None
    licence_note: str | None = Field(description="The OaSIS employment requirement, verbatim")
    source: str


class SkillGapRead(BaseModel):
    skill: str
    level: int | None
    need: int
    gap: int


class LanguageResultRead(BaseModel):
    id: str
    test_name: str
    tested_on: date
    levels: dict[str, int]


class LanguageRead(BaseModel):
    """The learner's CLB per skill against the target's need (an assumption unless the advisor entered it)."""

    result: LanguageResultRead | None
    results_available: int
    need: dict[str, int]
    need_is_assumption: bool
    need_source: str
    gaps: list[SkillGapRead]


class EvaluationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    prior_credential_id: str | None
    credential_title: str
    agency: str
    agency_name: str | None
    report_reference: str | None
    evaluated_on: date | None
    canadian_equivalency: str


class PriorCredentialRead(BaseModel):
    """A credential from the learner's PLAR portfolio, with its evaluation here if any."""

    id: str
    title: str
    institution_name: str
    country: str
    level: str
    evaluation_report_ref: str | None
    evaluated: bool


class PlanItemRead(BaseModel):
    id: str
    position: int
    kind: str
    title: str
    notes: str
    step_kind: str | None
    regulator_name: str | None
    support_kind: str | None
    plar_case_id: str | None
    opportunity_id: str | None
    owner: str
    owner_name: str | None
    status: str
    target_on: date | None
    started_on: date | None
    completed_on: date | None
    proposal_key: str | None
    link: str | None = Field(
        description="Where the item leads: the PLAR case, the catalogue entry, the pathway"
    )
    learner_may_mark_done: bool
    updated_at: datetime


class IntakeSummary(BaseModel):
    id: str
    learner: PersonRead
    status: str
    target: OccupationRead
    regulated: bool
    items: int
    items_done: int
    revision: int
    shared_revision: int | None
    acknowledged_revision: int | None
    updated_at: datetime


class IntakeRead(BaseModel):
    id: str
    institution_id: str
    learner: PersonRead
    advisor: PersonRead | None
    status: str
    origin_country: str
    origin: OccupationRead | None
    years_experience: float | None
    target: OccupationRead
    province: str | None
    regulation: RegulationRead
    language: LanguageRead
    evaluations: list[EvaluationRead]
    prior_credentials: list[PriorCredentialRead]
    items: list[PlanItemRead]
    notes: str
    revision: int
    shared_revision: int | None
    acknowledged_revision: int | None
    shared_at: datetime | None
    acknowledged_at: datetime | None
    changed_since_shared: bool
    changed_since_acknowledged: bool
    created_at: datetime
    updated_at: datetime


class ProposalResult(BaseModel):
    added: list[PlanItemRead]
    intake: IntakeRead
