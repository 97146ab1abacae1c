"""Rank target occupations for a learner: skills similarity, prospects, zone distance, licence flags, tiers.

`build_index` precomputes everything that does not depend on the learner (column-major requirements, row totals and
norms, prospects and zones); `rank` then costs one gather over the learner's columns, two bincounts and a partial
sort. Skills similarity = mix of coverage (share of the target's weighted requirements the learner holds, at the
level required) and cosine between requirement vectors (the baseline), which calibrated best against Nesta.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from bridgeway.planning.engine.learner import LearnerVector
from bridgeway.planning.engine.space import ESSENTIAL, RATED, OccupationSpace


@dataclass(frozen=True)
class RankingWeights:
    """How the composite score mixes its parts (documented in docs/planning.md)."""

    coverage: float = 0.5  # share of the target's weighted requirements the learner holds
    cosine: float = 0.5  # cosine between the learner's and the target's requirement vectors
    prospects: float = 0.15  # × COPS prospects score in [-1, 1]
    zone_up: float = 0.06  # per job-zone step up from the learner's zone
    zone_down: float = 0.03  # per step down (a move below one's qualifications)


@dataclass(frozen=True)
class Tiers:
    """Skills-similarity thresholds; calibrated per taxonomy (see planning.evaluation and docs/planning.md)."""

    viable: float
    highly_viable: float


# Coverage vs cosine mix per taxonomy, chosen on held-out group structure (docs/planning.md, "Evaluation").
DEFAULT_WEIGHTS = {
    "esco": RankingWeights(),
    "noc": RankingWeights(coverage=0.1, cosine=0.9),
    "onet": RankingWeights(coverage=0.1, cosine=0.9),
}

# Calibrated on ESCO against Nesta's published per-occupation counts (docs/planning.md, "Calibration").
DEFAULT_TIERS = {"esco": Tiers(0.091, 0.207), "noc": Tiers(0.924, 0.941), "onet": Tiers(0.801, 0.848)}


@dataclass
class TransitionIndex:
    """Learner-independent arrays for ranking over one occupation space."""

    space: OccupationSpace
    csc_indptr: np.ndarray
    csc_rows: np.ndarray
    csc_weight: np.ndarray
    csc_level: np.ndarray
    row_total: np.ndarray
    row_norm: np.ndarray
    weights: RankingWeights
    tiers: Tiers
    rated: bool
    essential_mask: np.ndarray = field(repr=False)


def build_index(
    space: OccupationSpace,
    *,
    dims: int = 96,
    weights: RankingWeights | None = None,
    tiers: Tiers | None = None,
) -> TransitionIndex:
    """Precompute the ranking index of a space (a few seconds for ESCO; do it once per process)."""
    req = space.requirement.tocsr()
    # Carry level and kind through the CSR→CSC conversion by converting parallel matrices with the same pattern.
    pattern = sp.csr_matrix(
        (np.arange(1, req.nnz + 1, dtype=np.float64), req.indices, req.indptr), shape=req.shape
    )
    csc = pattern.tocsc()
    csc.sort_indices()
    order = csc.data.astype(np.int64) - 1
    row_total = np.asarray(req.sum(axis=1)).ravel().astype(np.float64)
    row_total[row_total == 0] = 1.0
    row_norm = np.sqrt(np.asarray(req.multiply(req).sum(axis=1)).ravel()).astype(np.float64)
    row_norm[row_norm == 0] = 1.0
    rated = bool(np.any(space.kind == RATED))
    return TransitionIndex(
        space=space,
        csc_indptr=csc.indptr.astype(np.int64),
        csc_rows=csc.indices.astype(np.int64),
        csc_weight=req.data[order].astype(np.float64),
        csc_level=space.level[order].astype(np.float64),
        row_total=row_total,
        row_norm=row_norm,
        weights=weights or DEFAULT_WEIGHTS.get(space.taxonomy, RankingWeights()),
        tiers=tiers or DEFAULT_TIERS.get(space.taxonomy, Tiers(0.3, 0.4)),
        rated=rated,
        essential_mask=np.isin(space.kind, (ESSENTIAL, RATED)),
    )


def skills_similarity(
    index: TransitionIndex, learner: LearnerVector
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (skills similarity, coverage, cosine) of the learner to every occupation."""
    starts, ends = index.csc_indptr[learner.cols], index.csc_indptr[learner.cols + 1]
    lengths = ends - starts
    pos = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    credit = np.repeat(learner.strength, lengths)
    if index.rated:
        have = np.repeat(learner.level, lengths)
        need = index.csc_level[pos]
        ratio = np.where(np.isnan(have) | (need <= 0), 1.0, np.minimum(1.0, have / np.maximum(need, 1e-9)))
        credit = credit * ratio
    rows, weight = index.csc_rows[pos], index.csc_weight[pos]
    n = index.space.n_occupations
    coverage = np.bincount(rows, weights=weight * credit, minlength=n).astype(np.float64) / index.row_total
    value = learner.strength
    if index.rated:  # the learner's proficiency on the taxonomy's scale, like the occupations' weights
        value = value * np.where(np.isnan(learner.level), 1.0, learner.level / index.space.level_scale)
    norm = float(np.sqrt(np.dot(value, value))) or 1.0
    cosine = np.bincount(rows, weights=weight * np.repeat(value, lengths), minlength=n).astype(np.float64)
    cosine /= index.row_norm * norm
    w = index.weights
    skills = (w.coverage * coverage + w.cosine * cosine) / (w.coverage + w.cosine)
    return skills, coverage, cosine


def composite(index: TransitionIndex, skills: np.ndarray, zone_from: float | None) -> np.ndarray:
    """Skills similarity plus prospects, minus job-zone distance."""
    w = index.weights
    score = skills + w.prospects * index.space.prospects
    if zone_from is not None:
        dz = np.nan_to_num(index.space.job_zone - zone_from, nan=0.0)
        score = score - w.zone_up * np.maximum(dz, 0) - w.zone_down * np.maximum(-dz, 0)
    return score


def tier_of(index: TransitionIndex, skills: float) -> str:
    """'highly viable', 'viable' or 'stretch'."""
    if skills >= index.tiers.highly_viable:
        return "highly viable"
    return "viable" if skills >= index.tiers.viable else "stretch"


@dataclass(frozen=True)
class RankedOccupations:
    """Top-k rows with their composite score, skills similarity, coverage and cosine."""

    rows: np.ndarray
    score: np.ndarray
    skills: np.ndarray
    coverage: np.ndarray
    cosine: np.ndarray


def rank(
    index: TransitionIndex, learner: LearnerVector, *, top: int = 10, candidates: np.ndarray | None = None
) -> RankedOccupations:
    """Rank every occupation (or `candidates`, a boolean mask) for one learner; the origin is left out."""
    skills, coverage, cosine = skills_similarity(index, learner)
    score = composite(index, skills, learner.job_zone)
    if learner.origin is not None:
        score[learner.origin] = -np.inf
    if candidates is not None:
        score = np.where(candidates, score, -np.inf)
    k = min(top, int(np.isfinite(score).sum()))
    if k <= 0:
        empty = np.zeros(0)
        return RankedOccupations(empty.astype(np.int64), empty, empty, empty, empty)
    part = np.argpartition(-score, k - 1)[:k]
    rows = part[np.argsort(-score[part], kind="stable")]
    return RankedOccupations(rows, score[rows], skills[rows], coverage[rows], cosine[rows])


def rank_batch(
    index: TransitionIndex,
    learners: sp.csr_matrix,
    *,
    zone_from: np.ndarray | None = None,
    origins: np.ndarray | None = None,
    top: int = 10,
    chunk: int = 4096,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank for many learners at once: `learners` is learners × competencies (strengths; levels ignored).

    Returns (rows, score, skills), each learners × top. Origins (one row per learner, -1 for none) are excluded.
    """
    n, n_occ = learners.shape[0], index.space.n_occupations
    top = min(top, n_occ - 1)
    out_rows = np.zeros((n, top), dtype=np.int32)
    out_score = np.zeros((n, top), dtype=np.float32)
    out_skills = np.zeros((n, top), dtype=np.float32)
    req_t = index.space.requirement.T.tocsr().astype(np.float32)
    w = index.weights
    mix = w.coverage / (w.coverage + w.cosine)
    col_cov = (mix / index.row_total).astype(np.float32)
    col_cos = ((1 - mix) / index.row_norm).astype(np.float32)
    # Prospects minus zone distance depend only on (learner zone, target): one row per distinct zone (half steps).
    keys = (
        np.full(n, -1.0)
        if zone_from is None
        else np.nan_to_num(np.round(np.asarray(zone_from) * 2) / 2, nan=-1.0)
    )
    uniq, which = np.unique(keys, return_inverse=True)
    tables = np.vstack([composite(index, np.zeros(n_occ), None if z < 0 else float(z)) for z in uniq]).astype(
        np.float32
    )
    n_pad = -(-n_occ // _BLOCK) * _BLOCK
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        x = learners[lo:hi].astype(np.float32)
        dot = (x @ req_t).toarray()
        inv_x = 1.0 / np.maximum(np.sqrt(np.asarray(x.multiply(x).sum(axis=1), dtype=np.float32)), 1e-12)
        padded = np.empty((hi - lo, n_pad), dtype=np.float32)
        padded[:, n_occ:] = -np.inf
        score = padded[:, :n_occ]
        np.multiply(dot, col_cos, out=score)
        score *= inv_x
        np.multiply(dot, col_cov, out=dot)
        score += dot
        del dot
        add = tables[which[lo:hi]]
        score += add
        if origins is not None:
            o = origins[lo:hi]
            has = o >= 0
            score[np.flatnonzero(has), o[has]] = -np.inf
        part = _top_k(padded, top)
        part_score = np.take_along_axis(score, part, axis=1)
        order = np.argsort(-part_score, axis=1, kind="stable")
        rows = np.take_along_axis(part, order, axis=1)
        out_rows[lo:hi] = rows
        out_score[lo:hi] = np.take_along_axis(part_score, order, axis=1)
        out_skills[lo:hi] = out_score[lo:hi] - np.take_along_axis(add, rows, axis=1)
    return out_rows, out_score, out_skills


_BLOCK = 32


def _top_k(padded: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's k largest values (unordered), via block maxima.

    The k largest values all lie in the k blocks with the largest maxima (ties aside), so the full-width
    partition shrinks to one over k × block candidates per row.
    """
    b, width = padded.shape
    n_blocks = width // _BLOCK
    if n_blocks <= k:
        return np.argpartition(padded, width - k, axis=1)[:, width - k :]
    maxima = padded.reshape(b, n_blocks, _BLOCK).max(axis=2)
    blocks = np.argpartition(maxima, n_blocks - k, axis=1)[:, n_blocks - k :]
    cols = (blocks[:, :, None] * _BLOCK + np.arange(_BLOCK)[None, None, :]).reshape(b, k * _BLOCK)
    values = np.take_along_axis(padded, cols, axis=1)
    pick = np.argpartition(values, values.shape[1] - k, axis=1)[:, values.shape[1] - k :]
    return np.take_along_axis(cols, pick, axis=1)
