"""Gap analysis: statuses, evidence, levels and readiness on hand-built data."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgeway.planning.engine import gaps as gap_engine
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.schemas import CompetencyClaim, EvidenceKind, EvidenceWeights, LearnerProfile
from tests.planning.factories import profile, rated_space, tiny_space


def test_each_requirement_is_met_partly_or_missing_with_its_evidence() -> None:
    space = tiny_space()
    p = profile(("weld", EvidenceKind.VERIFIED_CREDENTIAL), ("read blueprints", EvidenceKind.SELF_CLAIMED))
    report = gap_engine.analyse(space, 1, learner_engine.from_profile(space, p))  # fitter
    status = {r.competency_id: (r.status, r.evidence, r.source) for r in report.requirements}
    assert status == {
        "weld": ("met", "verified credential", "ESCO essential skill"),
        "read blueprints": ("partly", "self claimed", "ESCO essential skill"),
        "estimate": ("missing", None, "ESCO essential skill"),
    }
    # Readiness: weld 1 + blueprints 0.35/0.55 of 1, over 3 essential units.
    assert report.readiness == pytest.approx((1 + 0.35 / 0.55) / 3, abs=1e-4)
    assert [r.status for r in report.requirements] == ["missing", "partly", "met"]


def test_recognised_prior_learning_is_marked_and_never_a_gap() -> None:
    space = tiny_space()
    p = profile(("weld", EvidenceKind.ASSESSOR_RECOGNISED), ("estimate", EvidenceKind.INFERRED_FROM_WORK))
    report = gap_engine.analyse(space, 1, learner_engine.from_profile(space, p))
    assert gap_engine.recognised_competencies(report) == ["weld"]
    assert gap_engine.gap_competencies(report) == ["read blueprints"]


def test_old_experience_counts_less() -> None:
    weights = EvidenceWeights()
    today = dt.date(2026, 1, 1)
    fresh = CompetencyClaim(id="weld", evidence=EvidenceKind.INFERRED_FROM_WORK, last_used=today)
    stale = CompetencyClaim(
        id="weld", evidence=EvidenceKind.INFERRED_FROM_WORK, last_used=dt.date(2018, 1, 1)
    )
    assert learner_engine.claim_strength(fresh, weights, today) == pytest.approx(0.6)
    assert learner_engine.claim_strength(stale, weights, today) == pytest.approx(
        0.6 * 0.5 ** (8.0 / 8.0), rel=1e-3
    )


def test_a_level_below_the_rating_required_is_only_partly_met() -> None:
    space = rated_space()
    p = LearnerProfile.model_validate(
        {
            "competencies": [
                {"id": "s", "evidence": "verified_credential", "level": 2},
                {"id": "t", "evidence": "verified_credential", "level": 5},
            ]
        }
    )
    report = gap_engine.analyse(space, 0, learner_engine.from_profile(space, p))
    lines = {r.competency_id: r for r in report.requirements}
    assert lines["s"].status == "partly"
    assert lines["s"].credit == pytest.approx(0.5)
    assert lines["s"].level_required == 4
    assert lines["s"].source == "OaSIS rating 4 of 5"
    assert lines["t"].status == "met"


def test_evidence_weights_must_not_rank_self_claims_above_credentials() -> None:
    with pytest.raises(ValueError, match="must not increase"):
        EvidenceWeights(self_claimed=0.9)
