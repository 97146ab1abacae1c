"""Pydantic models of planning: the learner profile (a JSON file now, a stored record later) and the catalogue file."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bridgeway.planning.errors import InvalidCatalog, InvalidProfile

_M = TypeVar("_M", bound=BaseModel)


class EvidenceKind(StrEnum):
    """Where a learner's claim to a competency comes from, strongest first."""

    VERIFIED_CREDENTIAL = "verified_credential"
    ASSESSOR_RECOGNISED = "assessor_recognised"
    INFERRED_FROM_WORK = "inferred_from_work"
    SELF_CLAIMED = "self_claimed"


class Schedule(StrEnum):
    """When a learner can study, or when an opportunity meets."""

    DAYTIME = "daytime"
    EVENINGS = "evenings"
    WEEKENDS = "weekends"
    SELF_PACED = "self_paced"
    SHORT_BURST = "short_burst"


class Delivery(StrEnum):
    """How an opportunity is delivered."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class EvidenceWeights(BaseModel):
    """How much each kind of evidence counts (0–1); configurable per institution or per learner."""

    model_config = ConfigDict(extra="forbid")

    verified_credential: float = Field(1.0, ge=0, le=1)
    assessor_recognised: float = Field(0.85, ge=0, le=1)
    inferred_from_work: float = Field(0.6, ge=0, le=1)
    self_claimed: float = Field(0.35, ge=0, le=1)
    recency_half_life_years: float = Field(8.0, gt=0)
    recency_floor: float = Field(0.5, ge=0, le=1)
    met_threshold: float = Field(0.55, ge=0, le=1)
    recognised_kinds: tuple[EvidenceKind, ...] = (
        EvidenceKind.VERIFIED_CREDENTIAL,
        EvidenceKind.ASSESSOR_RECOGNISED,
    )

    def weight(self, kind: EvidenceKind) -> float:
        """Return the weight of one kind of evidence."""
        return float(getattr(self, kind.value))

    @model_validator(mode="after")
    def _ordered(self) -> EvidenceWeights:
        order = [
            self.verified_credential,
            self.assessor_recognised,
            self.inferred_from_work,
            self.self_claimed,
        ]
        if order != sorted(order, reverse=True):
            raise ValueError("evidence weights must not increase from verified credential to self-claimed")
        return self


class CompetencyClaim(BaseModel):
    """One competency the learner has, with its evidence, optional level (1–5) and when last used."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1, description="Competency id in a taxonomy (ESCO skill URI, OaSIS or O*NET descriptor)"
    )
    evidence: EvidenceKind = EvidenceKind.SELF_CLAIMED
    level: float | None = Field(
        None, ge=0, le=7, description="Proficiency on the taxonomy's scale, when rated"
    )
    last_used: dt.date | None = None
    source: str | None = Field(None, description="Credential id, PLAR case or employer behind the claim")


ClbLevel = Annotated[int, Field(ge=0, le=12)]


class LanguageAbility(BaseModel):
    """Canadian Language Benchmarks for one official language, per skill."""

    model_config = ConfigDict(extra="forbid")

    language: str = Field("en", pattern="^(en|fr)$")
    listening: ClbLevel = 0
    speaking: ClbLevel = 0
    reading: ClbLevel = 0
    writing: ClbLevel = 0

    def lowest(self) -> int:
        """Return the lowest of the four CLB levels."""
        return min(self.listening, self.speaking, self.reading, self.writing)


class Constraints(BaseModel):
    """What a plan must respect."""

    model_config = ConfigDict(extra="forbid")

    budget: float | None = Field(None, ge=0, description="Most the learner can spend, CAD")
    hours_per_week: float = Field(10.0, gt=0, le=80)
    schedule: list[Schedule] = Field(default_factory=lambda: list(Schedule))
    online_only: bool = False
    start_date: dt.date | None = None
    region: str | None = Field(None, description="Province or territory code, e.g. ON")
    deadline_weeks: int | None = Field(None, gt=0, description="Finish within this many weeks")


class LearnerProfile(BaseModel):
    """A learner's competencies, languages and constraints; read from JSON now, stored later."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    name: str | None = None
    competencies: list[CompetencyClaim] = Field(default_factory=list)
    languages: list[LanguageAbility] = Field(default_factory=list)
    constraints: Constraints = Field(default_factory=Constraints)
    evidence_weights: EvidenceWeights = Field(default_factory=EvidenceWeights)
    previous_occupation: str | None = None
    job_zone: float | None = Field(None, ge=1, le=5, description="Education/experience zone reached (1–5)")
    completed_opportunities: list[str] = Field(default_factory=list)

    def best_clb(self) -> int | None:
        """Return the learner's strongest official-language CLB (lowest skill), or None when unknown."""
        return max((lang.lowest() for lang in self.languages), default=None)


def load_profile(path: str | Path) -> LearnerProfile:
    """Read a learner profile from a JSON file, with clear errors."""
    return _load(path, LearnerProfile, InvalidProfile, "profile")


class Opportunity(BaseModel):
    """One learning opportunity as the planner needs it (catalogue records map onto this)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    title: str = ""
    competencies: list[str] = Field(default_factory=list)
    hours: float = Field(ge=0)
    weeks: int = Field(ge=1)
    cost: float = Field(0.0, ge=0)
    schedules: list[Schedule] = Field(default_factory=lambda: [Schedule.SELF_PACED], min_length=1)
    delivery: Delivery = Delivery.ONLINE
    region: str | None = None
    prerequisites: list[str] = Field(default_factory=list, description="Opportunity ids, all required")
    intakes: list[dt.date] = Field(
        default_factory=list, description="Start dates; empty means continuous intake"
    )
    credential: str | None = Field(None, description="Credential earned on completion")
    kind: str = Field("course", description="course, language, bridging, ...")
    occupations: list[str] = Field(default_factory=list, description="Occupations a bridging program serves")


class StackingRule(BaseModel):
    """A formal credential earned by `min_count` of `requires` (all when absent) and `electives_required` electives."""

    model_config = ConfigDict(extra="forbid")

    credential: str
    requires: list[str] = Field(default_factory=list)
    min_count: int | None = Field(None, ge=1)
    electives: list[str] = Field(default_factory=list)
    electives_required: int = Field(0, ge=0)

    def groups(self) -> list[tuple[list[str], int]]:
        """(members, how many of them) pairs that must all hold."""
        out = []
        if self.requires:
            out.append((self.requires, self.min_count or len(self.requires)))
        if self.electives and self.electives_required:
            out.append((self.electives, self.electives_required))
        return out


class Catalog(BaseModel):
    """A catalogue file: opportunities and stacking rules."""

    model_config = ConfigDict(extra="forbid")

    opportunities: list[Opportunity]
    stacking_rules: list[StackingRule] = Field(default_factory=list)


def load_catalog(path: str | Path) -> Catalog:
    """Read a catalogue of learning opportunities from a JSON file, with clear errors."""
    return _load(path, Catalog, InvalidCatalog, "catalogue")


def _load(path: str | Path, model: type[_M], error: type[InvalidProfile | InvalidCatalog], what: str) -> _M:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read the {what} file {path}: {exc.strerror}") from exc
    try:
        return model.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise error(f"the {what} file {path} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise error(
            f"the {what} file {path} is invalid at {where}: {first['msg']}",
            detail=exc.errors(include_url=False, include_context=False),
        ) from exc


# --- Employers: roles and workforce groups ------------------------------------------------------------------------


class RoleRequirementIn(BaseModel):
    """One competency a role needs: a taxonomy id (ESCO skill URI or UUID, `oasis:`, `onet:`) or the employer's
    own `ext:` competency (with a label)."""

    model_config = ConfigDict(extra="forbid")

    competency_id: str = Field(min_length=1, max_length=500)
    label: str | None = Field(None, max_length=300, description="Required for ext: competencies")
    description: str = Field("", max_length=2000)
    kind: Literal["essential", "optional"] = "essential"
    importance: float = Field(1.0, gt=0, le=1, description="Weight in readiness, (0, 1]")
    level_required: float | None = Field(
        None, ge=0, le=7, description="On the competency's scale: OaSIS 1–5, O*NET 0–7, others 1–5"
    )


class EmployerRoleIn(BaseModel):
    """A role: a name, and its needs from an occupation (prefilled), an explicit list, or both (the list wins)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    taxonomy: Literal["esco", "noc", "onet"] = "esco"
    occupation: str | None = Field(None, max_length=300, description="Occupation code, URI or UUID")
    requirements: list[RoleRequirementIn] | None = Field(None, max_length=300)


class WorkforceGroupIn(BaseModel):
    """A named group of employees or candidates, chosen among the people who consented to the employer."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["employees", "candidates"] = "employees"
    member_ids: list[str] = Field(default_factory=list, max_length=500)
