"""Evaluate transition ranking against data we did not train on, and calibrate the tier thresholds.

1. Nesta's Mapping Career Causeways publishes, per ESCO occupation, how many desirable transitions are viable and
   highly viable. Thresholds are calibrated on one random half of origins (median count matched) and the held-out
   half is scored by Spearman's rho between our counts and Nesta's.
2. Held-out structure: the share of an occupation's top-10 transitions in its own ISCO unit group / Nesta
   sub-sector (ESCO) or NOC minor group (NOC) — groupings the similarity never sees.
Each measure is reported for our ranking, for the baseline (cosine over requirement vectors), and for ablations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.stats import spearmanr

from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine import transitions as transition_engine
from bridgeway.planning.engine.space import OccupationSpace
from bridgeway.planning.sources.canada import read_csv

Similarity = Callable[[int], np.ndarray]


def baseline_cosine(space: OccupationSpace) -> Similarity:
    """The baseline: cosine between requirement vectors (importance weights)."""
    req = sp.csr_matrix(space.requirement, dtype=np.float64)
    norms = np.sqrt(np.asarray(req.multiply(req).sum(axis=1)).ravel())
    normed = sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ req)
    normed_t = normed.T.tocsr()
    return lambda i: np.asarray((normed[i] @ normed_t).todense()).ravel()


def ours(index: transition_engine.TransitionIndex, part: str = "skills") -> Similarity:
    """Our skills similarity (or one of its parts: coverage, cosine) from occupation i to every occupation."""
    pick = {"skills": 0, "coverage": 1, "cosine": 2}[part]

    def sim(i: int) -> np.ndarray:
        return transition_engine.skills_similarity(index, learner_engine.from_occupation(index.space, i))[
            pick
        ]

    return sim


def similarity_matrix(
    sim: Similarity, origins: np.ndarray, targets: np.ndarray, allowed: np.ndarray | None = None
) -> np.ndarray:
    """origins × targets similarities (self-pairs and pairs not `allowed` set to -inf)."""
    out = np.empty((len(origins), len(targets)), dtype=np.float64)
    tpos = {int(t): k for k, t in enumerate(targets)}
    for r, i in enumerate(origins):
        out[r] = sim(int(i))[targets]
        if int(i) in tpos:
            out[r, tpos[int(i)]] = -np.inf
    if allowed is not None:
        out[~allowed] = -np.inf
    return out


def calibrate(matrix: np.ndarray, target_median: float) -> float:
    """The threshold whose median per-origin count of targets at or above it equals `target_median`."""
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if np.median((matrix >= mid).sum(axis=1)) > target_median:
            lo = mid
        else:
            hi = mid
    return round(hi, 3)


@dataclass(frozen=True)
class NestaAgreement:
    """Calibrated thresholds and held-out Spearman agreement with Nesta's counts."""

    viable: float
    highly_viable: float
    rho_viable: float
    rho_highly_viable: float


def nesta_agreement(
    matrix: np.ndarray, n_viable: np.ndarray, n_highly: np.ndarray, *, seed: int = 0
) -> NestaAgreement:
    """Calibrate on a random half of origins, report Spearman's rho on the other half."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(n_viable))
    cal, held = order[: len(order) // 2], order[len(order) // 2 :]
    t_v = calibrate(matrix[cal], float(np.median(n_viable[cal])))
    t_h = calibrate(matrix[cal], float(np.median(n_highly[cal])))
    rho_v = spearmanr((matrix[held] >= t_v).sum(axis=1), n_viable[held]).statistic
    rho_h = spearmanr((matrix[held] >= t_h).sum(axis=1), n_highly[held]).statistic
    return NestaAgreement(t_v, t_h, round(float(rho_v), 3), round(float(rho_h), 3))


def group_precision(
    sim: Similarity, groups: np.ndarray, *, k: int = 10, sample: int | None = None, seed: int = 0
) -> float:
    """Mean share of each origin's top-k (excluding itself) in the origin's own group (origins with a group)."""
    valid = np.flatnonzero(groups != "")
    if sample is not None and sample < len(valid):
        valid = np.random.default_rng(seed).choice(valid, sample, replace=False)
    shares = []
    for i in valid:
        s = sim(int(i)).astype(np.float64).copy()
        s[int(i)] = -np.inf
        top = np.argpartition(-s, k)[:k]
        shares.append(float(np.mean(groups[top] == groups[i])))
    return round(float(np.mean(shares)), 3)


def esco_report(index: transition_engine.TransitionIndex, data_dir: Path) -> dict[str, dict[str, object]]:
    """The ESCO evaluation: Nesta agreement and structure precision, ours vs baseline vs ablations."""
    space = index.space
    rows = read_csv(data_dir / "crosswalks" / "nesta_mcc_transitions_Occupation_data.csv")
    uni = [(space.occupation_index(r["concept_uri"]), r) for r in rows]
    uni = [(i, r) for i, r in uni if i is not None]
    targets = np.array([i for i, _ in uni])
    n_v = np.array([int(r["n_desirable"]) for _, r in uni])
    n_h = np.array([int(r["n_desirable_and_highly_viable"]) for _, r in uni])
    # Nesta's "desirable" keeps targets paying at least 75% of the origin; apply the same filter to every method.
    earn = np.array([float(r["annual_earnings"] or "nan") for _, r in uni])
    with np.errstate(invalid="ignore"):
        desirable = ~(earn[None, :] < 0.75 * earn[:, None])
    out: dict[str, dict[str, object]] = {}
    for name, sim in [
        ("ours", ours(index)),
        ("coverage only", ours(index, "coverage")),
        ("baseline cosine", baseline_cosine(space)),
    ]:
        plain = nesta_agreement(similarity_matrix(sim, targets, targets), n_v, n_h)
        agree = nesta_agreement(similarity_matrix(sim, targets, targets, desirable), n_v, n_h)
        out[name] = {
            "thresholds": (agree.viable, agree.highly_viable),
            "spearman viable (desirable filter)": agree.rho_viable,
            "spearman highly viable (desirable filter)": agree.rho_highly_viable,
            "spearman viable (no filter)": plain.rho_viable,
            "spearman highly viable (no filter)": plain.rho_highly_viable,
            "p@10 ISCO unit group": group_precision(sim, space.groups["isco"]),
            "p@10 Nesta sub-sector": group_precision(sim, space.groups["nesta_subsector"]),
        }
    return out


def carried_tiers(
    esco: transition_engine.TransitionIndex,
    other: transition_engine.TransitionIndex,
    tiers: transition_engine.Tiers,
    *,
    sample: int = 400,
    seed: int = 0,
) -> transition_engine.Tiers:
    """Thresholds for another taxonomy giving the same share of viable / highly viable pairs as ESCO's."""
    rng = np.random.default_rng(seed)

    def matrix(ix: transition_engine.TransitionIndex) -> np.ndarray:
        n = ix.space.n_occupations
        origins = rng.choice(n, min(sample, n), replace=False)
        return similarity_matrix(ours(ix), origins, np.arange(n))

    m_esco, m_other = matrix(esco), matrix(other)
    return transition_engine.Tiers(
        threshold_for_share(m_other, share_at(m_esco, tiers.viable)),
        threshold_for_share(m_other, share_at(m_esco, tiers.highly_viable)),
    )


def main() -> None:
    """Print the evaluation (python -m bridgeway.planning.evaluation); figures go to docs/planning.md."""
    from bridgeway.planning import service
    from bridgeway.planning.sources import default_data_dir

    esco = service.transition_index(taxonomy="esco")
    for name, row in esco_report(esco, default_data_dir()).items():
        print(f"esco {name}: {row}")
    cal = transition_engine.DEFAULT_TIERS["esco"]
    for taxonomy, group in (("noc", "noc_minor"), ("onet", "soc_minor")):
        ix = service.transition_index(taxonomy=taxonomy)
        print(f"{taxonomy} tiers carried from ESCO's shares: {carried_tiers(esco, ix, cal)}")
        print(f"{taxonomy} p@10 {group}: {structure_report(ix, group)}")


def share_at(matrix: np.ndarray, threshold: float) -> float:
    """Share of origin→target pairs at or above a threshold."""
    finite = np.isfinite(matrix)
    return float((matrix[finite] >= threshold).mean())


def threshold_for_share(matrix: np.ndarray, share: float) -> float:
    """The threshold giving the same share of viable pairs (used to carry ESCO's calibration to NOC and O*NET)."""
    finite = matrix[np.isfinite(matrix)]
    return round(float(np.quantile(finite, 1.0 - share)), 3)


def structure_report(index: transition_engine.TransitionIndex, group: str) -> dict[str, float]:
    """Top-10 precision in a held-out grouping, ours vs baseline."""
    groups = index.space.groups[group]
    return {
        "ours": group_precision(ours(index), groups),
        "coverage only": group_precision(ours(index, "coverage"), groups),
        "baseline cosine": group_precision(baseline_cosine(index.space), groups),
    }


if __name__ == "__main__":
    main()
