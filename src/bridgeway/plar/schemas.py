"""PLAR request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bridgeway.plar.domain import Method, TargetKind

_Str = Field(min_length=1, max_length=255)
CLB = Field(ge=1, le=12, description="Canadian Language Benchmark level 1–12")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WorkExperienceCreate(_In):
    employer: str = _Str
    title: str = _Str
    start_on: date
    end_on: date | None = None
    duties: str = Field(default="", max_length=20_000)
    occupation_code: str | None = Field(default=None, max_length=100, description="NOC, ESCO or O*NET code")

    @model_validator(mode="after")
    def _dates(self) -> WorkExperienceCreate:
        if self.end_on is not None and self.end_on < self.start_on:
            raise ValueError("end_on is before start_on")
        return self


class WorkExperienceRead(_Out):
    id: str
    employer: str
    title: str
    start_on: date
    end_on: date | None
    duties: str
    occupation_code: str | None


class PriorCredentialCreate(_In):
    title: str = _Str
    institution_name: str = _Str
    country: str = Field(
        min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2"
    )
    level: str = Field(min_length=1, max_length=100)
    awarded_on: date | None = None
    evaluation_report_ref: str | None = Field(
        default=None,
        max_length=255,
        description="Credential-evaluation report reference (WES, ICAS, CES, ...)",
    )


class PriorCredentialRead(_Out):
    id: str
    title: str
    institution_name: str
    country: str
    level: str
    awarded_on: date | None
    evaluation_report_ref: str | None


class LanguageResultCreate(_In):
    test_name: str = Field(min_length=1, max_length=100, description="CELPIP-G, IELTS-G, TEF Canada, ...")
    tested_on: date
    listening: int = CLB
    speaking: int = CLB
    reading: int = CLB
    writing: int = CLB


class LanguageResultRead(_Out):
    id: str
    test_name: str
    tested_on: date
    listening: int
    speaking: int
    reading: int
    writing: int


class SelfAssessmentIn(_In):
    competency_uri: str = Field(min_length=1, max_length=500)
    label: str = Field(min_length=1, max_length=500)
    rating: int = Field(ge=1, le=4, description="1 novice, 2 developing, 3 proficient, 4 expert")
    note: str = Field(default="", max_length=4000)


class SelfAssessmentRead(_Out):
    id: str
    competency_uri: str
    label: str
    rating: int
    note: str


class EvidenceRead(_Out):
    id: str
    sha256: str
    media_type: str
    filename: str
    size_bytes: int
    description: str
    created_at: datetime


class CredentialAlignmentRead(BaseModel):
    """One competency a credential is aligned to, with the id planning and cases use."""

    name: str
    url: str | None = None
    code: str | None = None
    framework: str | None = None
    type: str | None = None
    competency_id: str | None = Field(
        default=None, description="ESCO URI, oasis:…, onet:…, noc:… or the alignment's URL"
    )
    taxonomy: str = Field(default="other", description="esco, oasis, onet, noc or other")


class CredentialCheckRead(BaseModel):
    """One check of a credential in plain words."""

    name: str
    passed: bool
    words: str
    message: str = ""


class PortfolioCredentialRead(_Out):
    """A verifiable credential in the portfolio with the outcome of its latest check."""

    id: str
    evidence_id: str
    credential_ref: str | None
    issuer_id: str
    issuer_name: str | None
    achievement_name: str
    achievement_description: str
    alignments: list[CredentialAlignmentRead]
    valid_from: datetime | None
    valid_until: datetime | None
    issued_by_bridgeway_id: str | None
    outcome: str
    outcome_words: str = ""
    counts_as_verified: bool = False
    checks: list[CredentialCheckRead]
    checked_at: datetime
    outcome_changed_at: datetime | None
    created_at: datetime


class HeldCredentialRead(BaseModel):
    """A credential Bridgeway issued to the learner (their wallet), as the portfolio shows it."""

    id: str
    institution_id: str
    achievement_name: str
    kind: str
    status: str
    issued_at: datetime
    valid_until: datetime | None
    alignments: list[CredentialAlignmentRead]


class VerifiedCompetency(BaseModel):
    """A competency aligned in one of the learner's currently valid credentials (evidence for planning)."""

    competency_id: str
    label: str
    taxonomy: str
    issuer_id: str
    issuer_name: str | None
    credential: str = Field(
        description="portfolio:<entry id> for an uploaded credential, issued:<id> for ours"
    )
    achievement_name: str
    awarded_on: date | None
    evidence: str = "verified_credential"


class PortfolioRead(BaseModel):
    learner_id: str
    work: list[WorkExperienceRead]
    education: list[PriorCredentialRead]
    languages: list[LanguageResultRead]
    self_assessment: list[SelfAssessmentRead]
    evidence: list[EvidenceRead]
    credentials: list[PortfolioCredentialRead] = Field(default_factory=list)
    issued_credentials: list[HeldCredentialRead] = Field(default_factory=list)


class CourseIn(_In):
    code: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=255)
    credits: float = Field(gt=0, le=100)
    competency_uris: list[str] = Field(default_factory=list, max_length=100)
    opportunity_id: str | None = Field(
        default=None,
        max_length=36,
        description="A published catalogue micro-credential issued (as PLAR) when all its competencies are recognised",
    )


class TargetCompetency(_In):
    uri: str = Field(min_length=1, max_length=500)
    label: str = Field(min_length=1, max_length=500)


class CaseCreate(_In):
    institution_id: str = Field(min_length=1, max_length=36)
    target_kind: TargetKind
    target_ref: str = Field(
        min_length=1, max_length=500, description="Program code, credential or catalogue id"
    )
    target_label: str = Field(min_length=1, max_length=500)
    competencies: list[TargetCompetency] = Field(min_length=1, max_length=200)
    courses: list[CourseIn] = Field(default_factory=list, max_length=100)


class ReasonIn(_In):
    reason: str = Field(default="", max_length=4000)


class EligibilityIn(_In):
    eligible: bool
    reason: str = Field(default="", max_length=4000)


class MethodChoice(_In):
    competency_uri: str = Field(min_length=1, max_length=500)
    method: Method


class MethodsIn(_In):
    assessor_user_id: str = Field(min_length=1, max_length=36)
    moderator_user_id: str | None = Field(default=None, max_length=36)
    methods: list[MethodChoice] = Field(min_length=1, max_length=200)


class FeeIn(_In):
    amount_cents: int = Field(ge=0, le=10_000_000)
    reference: str = Field(default="", max_length=255)


class EvidenceLinkIn(_In):
    competency_uri: str = Field(min_length=1, max_length=500)
    evidence_ids: list[str] = Field(max_length=50)


class DecisionIn(_In):
    competency_uri: str = Field(min_length=1, max_length=500)
    result: str = Field(description="recognised | partly | not_yet")
    reasons: str = Field(default="", max_length=8000)
    rules: dict[str, bool] = Field(default_factory=dict, description="valid, sufficient, authentic, current")


class ModerationIn(_In):
    agree: bool
    reason: str = Field(default="", max_length=4000)


class AppealResolutionIn(_In):
    uphold: bool
    reason: str = Field(default="", max_length=4000)


class CaseCompetencyRead(_Out):
    competency_uri: str
    label: str
    method: str | None
    evidence_ids: list[str]
    result: str | None
    reasons: str
    rules: dict[str, bool]
    decided_by_user_id: str | None
    decided_at: datetime | None
    moderated: bool
    credential_id: str | None


class CaseRead(_Out):
    id: str
    institution_id: str
    learner_user_id: str
    target_kind: str
    target_ref: str
    target_label: str
    courses: list[dict[str, Any]]
    state: str
    waiting_on: str
    advisor_user_id: str | None
    assessor_user_id: str | None
    moderator_user_id: str | None
    fee_cents: int | None
    fee_reference: str | None
    last_note: str
    pre_assessment: list[dict[str, Any]]
    created_at: datetime
    state_changed_at: datetime
    competencies: list[CaseCompetencyRead]


class RecognisedCompetency(BaseModel):
    """A recognised competency with its provenance."""

    case_id: str
    competency_uri: str
    label: str
    result: str
    method: str | None
    assessed_by: str | None
    decided_at: datetime | None
    evidence: list[EvidenceRead]
    institution_id: str
    credential_id: str | None


class CourseCreditRead(BaseModel):
    code: str
    title: str
    credits: float
    granted: bool
    reason: str


class CreditRead(BaseModel):
    case_id: str
    learner_user_id: str
    program: str
    program_credits: float
    cap_percent: float
    cap_credits: float
    residency_credits: float
    granted_credits: float
    courses: list[CourseCreditRead]


class GapRead(BaseModel):
    case_id: str
    gaps: list[TargetCompetency]
