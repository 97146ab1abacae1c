"""Pydantic shapes of the credentials domain: what issuance needs, and what the API returns.

`AchievementDefinition` is deliberately catalogue-independent: the catalogue (or PLAR, or an API caller)
fills it, and issuance turns it into an Open Badges 3.0 Achievement
(https://www.imsglobal.org/spec/ob/v3p0/#achievement).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_Str = Field(min_length=1, max_length=2000)
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# OB3 AlignmentTargetType values, or a custom type with the ext: prefix
_TARGET_TYPES = (
    r"^(ceasn:Competency|ceterms:Credential|CFItem|CFRubric|CFRubricCriterion|CFRubricCriterionLevel|CTDL"
    r"|ext:[A-Za-z][A-Za-z0-9_-]*)$"
)
CredentialKind = Literal["micro_credential", "assessment", "plar", "stack"]


class Alignment(BaseModel):
    """The one competency a credential certifies (OB3 Alignment)."""

    model_config = ConfigDict(extra="forbid")

    target_name: str = Field(min_length=1, max_length=500)
    target_url: str = Field(min_length=1, max_length=1000)
    target_code: str | None = Field(default=None, max_length=200)
    target_framework: str | None = Field(default=None, max_length=200)
    target_description: str | None = Field(default=None, max_length=2000)
    # OB3 AlignmentTargetType, or a custom one with the ext: prefix (ext:ESCOSkill, ext:OaSISCode, ...)
    target_type: str | None = Field(default=None, max_length=100, pattern=_TARGET_TYPES)


class Assessment(BaseModel):
    """How mastery was assessed."""

    model_config = ConfigDict(extra="forbid")

    method: str = Field(min_length=1, max_length=200)
    rubric: str | None = Field(default=None, max_length=4000)
    assessor_role: str | None = Field(default=None, max_length=200)
    plar: bool = False


class AchievementDefinition(BaseModel):
    """What is being certified, independent of where it was defined."""

    model_config = ConfigDict(extra="forbid")

    ref: str = Field(
        min_length=1, max_length=500, description="Stable reference, e.g. a catalogue version id"
    )
    name: str = Field(min_length=1, max_length=500)
    name_fr: str | None = Field(default=None, max_length=500)
    description: str = _Str
    criteria: str = _Str
    achievement_type: str = Field(default="MicroCredential", max_length=100)
    alignment: Alignment | None = None
    assessment: Assessment | None = None
    credits_available: float | None = Field(default=None, ge=0, le=1000)
    stacks_into: list[str] = Field(default_factory=list, max_length=50)
    stacks_into_names: dict[str, str] = Field(default_factory=dict)
    valid_for_days: int | None = Field(default=None, ge=1, le=36500)


class Recipient(BaseModel):
    """Who receives the credential: a Bridgeway user, or a DID or e-mail address."""

    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(default=None, max_length=36)
    did: str | None = Field(default=None, max_length=500, pattern=r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")
    email: Email | None = None
    name: str | None = Field(default=None, max_length=255)

    @model_validator(mode="after")
    def _one_identifier(self) -> Recipient:
        if not (self.user_id or self.did or self.email):
            raise ValueError("a recipient needs a user_id, a did or an email")
        return self


class EvidenceRef(BaseModel):
    """A piece of evidence referred to (never embedded) by a credential."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    url: str | None = Field(default=None, max_length=1000)
    narrative: str | None = Field(default=None, max_length=2000)


class IssueRequest(BaseModel):
    """One credential to issue."""

    model_config = ConfigDict(extra="forbid")

    achievement: AchievementDefinition
    recipient: Recipient
    idempotency_key: str = Field(min_length=1, max_length=200)
    kind: CredentialKind = "micro_credential"
    result: str | None = Field(default=None, max_length=500, description="Result or mastery level achieved")
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=50)
    source_type: str | None = Field(default=None, max_length=64)
    source_id: str | None = Field(default=None, max_length=100)
    valid_from: datetime | None = None
    valid_until: datetime | None = None


class StackRule(BaseModel):
    """A parent achievement earned by holding all required components and enough electives (refs)."""

    institution_id: str
    parent: AchievementDefinition
    required: list[str] = Field(default_factory=list)
    electives: list[str] = Field(default_factory=list)
    electives_required: int = 0
    requires_approval: bool = False


class BatchRowInput(BaseModel):
    """One row of a cohort batch (CSV columns: email, name, did, achievement_ref, result, key)."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    did: str | None = Field(default=None, max_length=500)
    user_id: str | None = Field(default=None, max_length=36)
    name: str | None = Field(default=None, max_length=255)
    result: str | None = Field(default=None, max_length=500)
    key: str | None = Field(
        default=None, max_length=120, description="Per-row idempotency key (default: row)"
    )


class BatchRequest(BaseModel):
    """A cohort: one achievement, many recipients."""

    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = Field(min_length=1, max_length=200)
    achievement: AchievementDefinition
    rows: list[BatchRowInput] = Field(min_length=1, max_length=50_000)
    kind: CredentialKind = "micro_credential"
    label: str = Field(default="", max_length=500)


class StatusChange(BaseModel):
    """Revoke, suspend or unsuspend with a reason."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=2000)


class CredentialRead(BaseModel):
    """An issued credential as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    institution_id: str
    learner_user_id: str | None
    achievement_ref: str
    achievement_name: str
    kind: str
    status: str
    status_reason: str | None
    status_changed_at: datetime | None
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    document: dict[str, Any]


class BatchRead(BaseModel):
    """A batch job's progress."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    idempotency_key: str
    source: str
    label: str
    state: str
    total: int
    issued_count: int
    failed_count: int
    created_at: datetime
    finished_at: datetime | None


class CheckRead(BaseModel):
    """One verification check in plain words."""

    name: str
    passed: bool
    message: str
    words: str = ""


class VerificationRead(BaseModel):
    """The outcome of verifying a credential or presentation."""

    verified: bool
    outcome: str
    message: str
    checks: list[CheckRead]
    warnings: list[str] = Field(default_factory=list)
    summary: dict[str, Any] = Field(default_factory=dict)
    credentials: list[VerificationRead] = Field(default_factory=list)
