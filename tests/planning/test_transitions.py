"""Transition ranking on a hand-built space with exact expected answers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine import transitions as T
from bridgeway.planning.engine.space import build_space
from bridgeway.planning.errors import EmptyProfile, UnknownOccupation
from bridgeway.planning.schemas import EvidenceKind
from tests.planning.factories import profile, tiny_space


def _index(**weights: float) -> T.TransitionIndex:
    return T.build_index(tiny_space(), weights=T.RankingWeights(**weights), tiers=T.Tiers(0.4, 0.7))


def test_coverage_is_the_share_of_the_targets_weighted_requirements_the_worker_holds() -> None:
    index = _index()
    welder = learner_engine.from_occupation(index.space, 0)
    _, coverage, cosine = T.skills_similarity(index, welder)
    # Fitter needs weld, blueprints, estimate (3.0); the welder holds weld and blueprints at full strength.
    assert coverage[1] == pytest.approx(2 / 3)
    # Inspector needs blueprints (1) and inspect (1); the welder holds inspect only as optional (0.5).
    assert coverage[2] == pytest.approx((1 + 0.5) / 2)
    # Cosine welder (1, 1, .5) vs fitter (1, 1, 0, 1): 2 / (1.5 · √3).
    assert cosine[1] == pytest.approx(2 / (1.5 * np.sqrt(3)))


def test_the_previous_occupation_is_never_recommended() -> None:
    index = _index()
    ranked = T.rank(index, learner_engine.from_occupation(index.space, 0), top=10)
    assert 0 not in ranked.rows
    assert len(ranked.rows) == 3


def test_prospects_lift_a_shortage_occupation_above_a_surplus_one() -> None:
    index = _index(prospects=0.5, zone_up=0.0, zone_down=0.0)
    learner = learner_engine.from_occupation(index.space, 2)  # inspector: blueprints, inspect
    ranked = T.rank(index, learner, top=3)
    order = [index.space.codes[r] for r in ranked.rows]
    assert order.index("fitter") < order.index("foreman")


def test_moving_up_job_zones_costs_score() -> None:
    flat = _index(prospects=0.0, zone_up=0.0)
    steep = _index(prospects=0.0, zone_up=0.5)
    welder = learner_engine.from_occupation(flat.space, 0)
    foreman = 3
    assert T.composite(steep, T.skills_similarity(steep, welder)[0], 2.0)[foreman] == pytest.approx(
        T.composite(flat, T.skills_similarity(flat, welder)[0], 2.0)[foreman] - 0.5 * 2
    )


def test_tiers_follow_the_thresholds() -> None:
    index = _index()
    assert T.tier_of(index, 0.75) == "highly viable"
    assert T.tier_of(index, 0.5) == "viable"
    assert T.tier_of(index, 0.1) == "stretch"


def test_batch_ranking_agrees_with_one_at_a_time_ranking() -> None:
    index = _index(zone_up=0.0, zone_down=0.0)
    learners = [learner_engine.from_occupation(index.space, i) for i in range(4)]
    x = sp.vstack(
        [sp.csr_matrix((lv.strength, (np.zeros(len(lv.cols)), lv.cols)), shape=(1, 5)) for lv in learners]
    )
    rows, score, _ = T.rank_batch(index, sp.csr_matrix(x), origins=np.arange(4), top=3)
    for i, lv in enumerate(learners):
        single = T.rank(index, lv, top=3)
        assert list(rows[i]) == list(single.rows)
        assert np.allclose(score[i], single.score, atol=1e-5)


def test_a_profile_strength_is_evidence_weight_times_recency() -> None:
    space = tiny_space()
    p = profile(("weld", EvidenceKind.VERIFIED_CREDENTIAL), ("inspect", EvidenceKind.SELF_CLAIMED))
    lv = learner_engine.from_profile(space, p)
    assert dict(zip(lv.cols.tolist(), lv.strength.tolist(), strict=True)) == {0: 1.0, 2: 0.35}
    assert lv.recognised.tolist() == [True, False]


def test_an_unknown_occupation_code_is_a_clear_error() -> None:
    with pytest.raises(UnknownOccupation, match="unknown esco occupation code 'plumber'"):
        learner_engine.resolve_occupation(tiny_space(), "plumber")


def test_a_profile_with_no_competency_in_the_taxonomy_is_refused() -> None:
    with pytest.raises(EmptyProfile, match="none of the profile's 1 competencies"):
        learner_engine.from_profile(tiny_space(), profile(("juggling", EvidenceKind.SELF_CLAIMED)))
    with pytest.raises(EmptyProfile, match="no competencies"):
        learner_engine.from_profile(tiny_space(), profile())


def test_batch_ranking_over_many_occupations_finds_the_same_top_ten() -> None:
    rng = np.random.default_rng(3)
    n_occ, n_comp = 300, 120
    rows = np.repeat(np.arange(n_occ), 8)
    cols = rng.integers(0, n_comp, len(rows))
    space = build_space(
        taxonomy="esco",
        codes=[f"o{i}" for i in range(n_occ)],
        titles=[""] * n_occ,
        competency_ids=[f"c{j}" for j in range(n_comp)],
        competency_labels=[""] * n_comp,
        rows=rows,
        cols=cols,
        weights=rng.choice([0.5, 1.0], len(rows)),
    )
    index = T.build_index(space)
    learners = [learner_engine.from_occupation(space, i) for i in range(0, n_occ, 7)]
    x = sp.vstack(
        [
            sp.csr_matrix((lv.strength, (np.zeros(len(lv.cols)), lv.cols)), shape=(1, n_comp))
            for lv in learners
        ]
    )
    _, score, _ = T.rank_batch(index, sp.csr_matrix(x), origins=np.arange(0, n_occ, 7), top=10)
    for i, lv in enumerate(learners):
        assert np.allclose(score[i], T.rank(index, lv, top=10).score, atol=1e-5)
