"""A learner as the engines see them: competency columns with a strength (evidence × recency) and a level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from bridgeway.planning.engine.space import RATED, OccupationSpace
from bridgeway.planning.errors import EmptyProfile, UnknownOccupation
from bridgeway.planning.schemas import CompetencyClaim, EvidenceKind, EvidenceWeights, LearnerProfile

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"


@dataclass(frozen=True)
class LearnerVector:
    """Competency columns of one space, with strength in (0, 1], level (NaN when unrated) and the claim behind each."""

    cols: np.ndarray
    strength: np.ndarray
    level: np.ndarray
    claims: tuple[CompetencyClaim | None, ...]
    recognised: np.ndarray
    job_zone: float | None = None
    origin: int | None = None


def claim_strength(claim: CompetencyClaim, weights: EvidenceWeights, today: dt.date) -> float:
    """Evidence weight × recency decay (half-life, floored) of one claim."""
    base = weights.weight(claim.evidence)
    if claim.last_used is None:
        return base
    years = max(0.0, (today - claim.last_used).days / 365.25)
    decay = 0.5 ** (years / weights.recency_half_life_years)
    return float(base * max(weights.recency_floor, decay))


def resolve_competency(space: OccupationSpace, ref: str) -> int | None:
    """Find a competency column by id, ESCO UUID, or O*NET element id without its prefix."""
    for candidate in (ref, ESCO_SKILL + ref, "onet:" + ref):
        j = space.competency_index(candidate)
        if j is not None:
            return j
    return None


def resolve_occupation(space: OccupationSpace, code: str) -> int:
    """Find an occupation row by code (ESCO URI or UUID or ISCO-style code; NOC 5-digit or OaSIS; O*NET-SOC)."""
    code = code.strip()
    for candidate in (code, ESCO_OCCUPATION + code, code + ".00"):
        i = space.occupation_index(candidate)
        if i is not None:
            return i
    if space.taxonomy == "noc" and code.isdigit() and len(code) == 5:
        # A NOC unit group with several OaSIS profiles: its first profile stands for it.
        profiles = sorted(c for c in space.codes if c.startswith(code + "."))
        if profiles:
            return int(space.occupation_index(profiles[0]) or 0)
    alt = space.groups.get("esco_code")
    if alt is not None:
        hits = np.flatnonzero(alt == code)
        if hits.size:
            return int(hits[0])
    raise UnknownOccupation(f"unknown {space.taxonomy} occupation code {code!r}", detail={"code": code})


def from_profile(
    space: OccupationSpace, profile: LearnerProfile, *, today: dt.date | None = None
) -> LearnerVector:
    """Map a profile's claims onto the space; the strongest claim wins per competency."""
    today = today or dt.date.today()
    best: dict[int, tuple[float, CompetencyClaim]] = {}
    for claim in profile.competencies:
        j = resolve_competency(space, claim.id)
        if j is None:
            continue
        s = claim_strength(claim, profile.evidence_weights, today)
        if j not in best or s > best[j][0]:
            best[j] = (s, claim)
    if not best:
        known = len(profile.competencies)
        raise EmptyProfile(
            "the profile has no competencies"
            if not known
            else f"none of the profile's {known} competencies belong to the {space.taxonomy} taxonomy",
            detail={"taxonomy": space.taxonomy, "claims": known},
        )
    cols = np.fromiter(best, dtype=np.int64, count=len(best))
    order = np.argsort(cols)
    cols = cols[order]
    claims = tuple(best[int(j)][1] for j in cols)
    recognised_kinds = set(profile.evidence_weights.recognised_kinds)
    origin = None
    if profile.previous_occupation:
        origin = resolve_occupation(space, profile.previous_occupation)
    return LearnerVector(
        cols=cols,
        strength=np.array([best[int(j)][0] for j in cols], dtype=np.float64),
        level=np.array([np.nan if c.level is None else c.level for c in claims], dtype=np.float64),
        claims=claims,
        recognised=np.array([c.evidence in recognised_kinds for c in claims], dtype=bool),
        job_zone=profile.job_zone
        if profile.job_zone is not None
        else (None if origin is None or np.isnan(space.job_zone[origin]) else float(space.job_zone[origin])),
        origin=origin,
    )


def from_occupation(space: OccupationSpace, row: int) -> LearnerVector:
    """A worker who held occupation `row`: its requirements, at their importance and level, inferred from work."""
    cols, weight, level, kind = space.requirements_of(row)
    zone = space.job_zone[row]
    # Rated requirements carry proficiency in `level`, so the strength is full; ESCO keeps optional at its weight.
    strength = np.where(kind == RATED, 1.0, weight).astype(np.float64)
    return LearnerVector(
        cols=cols.astype(np.int64),
        strength=strength,
        level=np.where(level > 0, level, np.nan).astype(np.float64),
        claims=(None,) * len(cols),
        recognised=np.zeros(len(cols), dtype=bool),
        job_zone=None if np.isnan(zone) else float(zone),
        origin=row,
    )


def evidence_label(kind: EvidenceKind) -> str:
    """Human wording of an evidence kind."""
    return kind.value.replace("_", " ")
