"""The occupation space: plain arrays describing one taxonomy's occupations, requirements and outlooks.

Everything here is learner-independent and built once (from the taxonomy service or the official files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

# Requirement kinds, stored in `OccupationSpace.kind` aligned with the requirement matrix's data.
ESSENTIAL, OPTIONAL, RATED, CROSSWALKED = 1, 2, 3, 4
KIND_NAMES = {ESSENTIAL: "essential", OPTIONAL: "optional", RATED: "rated", CROSSWALKED: "crosswalk"}

# COPS 2024–2033 future labour-market condition → prospects score (shortage risk up, surplus risk down).
CONDITION_SCORES = {
    "Strong risk of Shortage": 1.0,
    "Moderate risk of Shortage": 0.5,
    "Balance": 0.0,
    "Moderate risk of Surplus": -0.5,
    "Strong risk of Surplus": -1.0,
}


@dataclass(frozen=True)
class Outlook:
    """Labour-market prospects of one occupation, with the provenance of the figures."""

    condition: str | None
    score: float
    openings: float | None
    employment: float | None
    via: str


@dataclass
class OccupationSpace:
    """One taxonomy's occupations × competencies, with the per-occupation attributes ranking needs.

    `requirement[i, c]` is the importance of competency c for occupation i (0–1]; `level` (aligned with
    `requirement.data`) the level required on the taxonomy's scale (0 when it gives none); `kind` (aligned the
    same way) says where each requirement came from.
    """

    taxonomy: str
    codes: list[str]
    titles: list[str]
    competency_ids: list[str]
    competency_labels: list[str]
    requirement: sp.csr_matrix
    level: np.ndarray
    kind: np.ndarray
    job_zone: np.ndarray
    prospects: np.ndarray
    outlooks: list[Outlook | None]
    regulated: np.ndarray
    licence_notes: list[str]
    clb_required: np.ndarray
    level_scale: float = 5.0
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    _code_index: dict[str, int] = field(default_factory=dict, repr=False)
    _comp_index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.requirement = sp.csr_matrix(self.requirement, dtype=np.float32)
        self.requirement.sort_indices()
        n_occ, n_comp = len(self.codes), len(self.competency_ids)
        if self.requirement.shape != (n_occ, n_comp):
            raise ValueError("the requirement matrix must be occupations × competencies")
        if self.kind.shape != self.requirement.data.shape or self.level.shape != self.requirement.data.shape:
            raise ValueError("kind and level must align with the requirement matrix's stored values")
        self._code_index = {c: i for i, c in enumerate(self.codes)}
        self._comp_index = {c: i for i, c in enumerate(self.competency_ids)}

    @property
    def n_occupations(self) -> int:
        """Number of occupations."""
        return len(self.codes)

    @property
    def n_competencies(self) -> int:
        """Number of competencies."""
        return len(self.competency_ids)

    def occupation_index(self, code: str) -> int | None:
        """Return the row of an occupation code, or None."""
        return self._code_index.get(code)

    def competency_index(self, competency_id: str) -> int | None:
        """Return the column of a competency id, or None."""
        return self._comp_index.get(competency_id)

    def requirements_of(self, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return (competency columns, importance, level required, kind) of one occupation."""
        lo, hi = self.requirement.indptr[row], self.requirement.indptr[row + 1]
        cols = self.requirement.indices[lo:hi]
        return cols, self.requirement.data[lo:hi], self.level[lo:hi], self.kind[lo:hi]


def build_space(
    *,
    taxonomy: str,
    codes: list[str],
    titles: list[str],
    competency_ids: list[str],
    competency_labels: list[str],
    rows: list[int] | np.ndarray,
    cols: list[int] | np.ndarray,
    weights: list[float] | np.ndarray,
    levels: list[float] | np.ndarray | None = None,
    kinds: list[int] | np.ndarray | None = None,
    job_zone: list[float] | np.ndarray | None = None,
    outlooks: list[Outlook | None] | None = None,
    regulated: list[bool] | np.ndarray | None = None,
    licence_notes: list[str] | None = None,
    clb_required: list[int] | np.ndarray | None = None,
    level_scale: float = 5.0,
    groups: dict[str, np.ndarray] | None = None,
    sources: list[str] | None = None,
) -> OccupationSpace:
    """Build an occupation space from coordinate arrays (one entry per requirement); duplicates keep the largest."""
    n_occ, n_comp = len(codes), len(competency_ids)
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float32)
    lv = np.zeros_like(w) if levels is None else np.asarray(levels, dtype=np.float32)
    kd = np.full(w.shape, ESSENTIAL, dtype=np.int8) if kinds is None else np.asarray(kinds, dtype=np.int8)
    # Keep the strongest requirement per (occupation, competency): sort by key then by weight descending.
    key = r * max(n_comp, 1) + c
    order = np.lexsort((-w, key))
    key, r, c, w, lv, kd = key[order], r[order], c[order], w[order], lv[order], kd[order]
    first = np.ones(key.shape, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    r, c, w, lv, kd = r[first], c[first], w[first], lv[first], kd[first]
    # Entries are unique and in (row, col) order, so the arrays align with the CSR data as built here.
    indptr = np.zeros(n_occ + 1, dtype=np.int64)
    np.add.at(indptr, r + 1, 1)
    req = sp.csr_matrix((w, c.astype(np.int32), np.cumsum(indptr)), shape=(n_occ, n_comp))
    outl = outlooks if outlooks is not None else [None] * n_occ
    return OccupationSpace(
        taxonomy=taxonomy,
        codes=list(codes),
        titles=list(titles),
        competency_ids=list(competency_ids),
        competency_labels=list(competency_labels),
        requirement=req,
        level=lv,
        kind=kd,
        job_zone=np.full(n_occ, np.nan) if job_zone is None else np.asarray(job_zone, dtype=np.float64),
        prospects=np.array([o.score if o else 0.0 for o in outl], dtype=np.float64),
        outlooks=list(outl),
        regulated=np.zeros(n_occ, bool) if regulated is None else np.asarray(regulated, dtype=bool),
        licence_notes=[""] * n_occ if licence_notes is None else list(licence_notes),
        clb_required=np.zeros(n_occ, np.int8) if clb_required is None else np.asarray(clb_required, np.int8),
        level_scale=level_scale,
        groups=groups or {},
        sources=sources or [],
    )


def prospects_score(condition: str | None, openings: float | None, employment: float | None) -> float:
    """Combine the COPS future condition and the openings rate into one score in [-1, 1]."""
    base = CONDITION_SCORES.get(condition or "", 0.0)
    if openings is None or not employment:
        return base
    # Ten-year openings as a share of 2023 employment: ~0.40 is the all-occupations figure (8.1M / 20.2M).
    rate_term = float(np.tanh((openings / employment - 0.40) / 0.15))
    return float(np.clip(0.75 * base + 0.25 * rate_term, -1.0, 1.0))
