"""Pure bridge-training rules: CLB need, gaps, dates, who may mark an item done, the proposed plan."""

from __future__ import annotations

from datetime import date

import pytest

from bridgeway.bridging import domain
from bridgeway.bridging.errors import InvalidClb, InvalidDates


@pytest.mark.parametrize(
    ("teer", "regulated", "need"),
    [
        ("0", False, 7),
        ("1", False, 7),
        ("2", False, 6),
        ("3", False, 6),
        ("4", False, 5),
        ("5", False, 5),
        ("4", True, 7),
        ("2", True, 7),
        (None, False, 6),
    ],
)
def test_the_clb_need_follows_planning_s_assumption_by_teer_and_regulation(
    teer: str | None, regulated: bool, need: int
) -> None:
    assert domain.clb_need(teer, regulated) == need


def test_the_clb_need_agrees_with_planning_for_every_teer() -> None:
    from bridgeway.planning.sources.assemble import clb_for_zone
    from bridgeway.planning.sources.canada import TEER_ZONE

    for teer, zone in TEER_ZONE.items():
        for regulated in (False, True):
            assert domain.clb_need(teer, regulated) == clb_for_zone(zone, regulated)


def test_the_teer_is_the_second_digit_of_a_noc_or_oasis_code() -> None:
    assert domain.teer_of("31301") == "1"
    assert domain.teer_of("72106.00") == "2"
    assert domain.teer_of("3130") is None


def test_gaps_per_skill_count_the_levels_to_gain_and_unknown_levels_as_the_whole_need() -> None:
    need = dict.fromkeys(domain.SKILLS, 7)
    gaps = {
        g.skill: g
        for g in domain.language_gaps({"listening": 8, "speaking": 6, "reading": 7, "writing": 5}, need)
    }
    assert (gaps["listening"].gap, gaps["speaking"].gap, gaps["reading"].gap, gaps["writing"].gap) == (
        0,
        1,
        0,
        2,
    )
    assert all(g.gap == 7 and g.level is None for g in domain.language_gaps(None, need))


@pytest.mark.parametrize("bad", [0, 13, -1, "7", True, None])
def test_a_clb_outside_1_to_12_is_refused(bad: object) -> None:
    levels = {"listening": 7, "speaking": 7, "reading": 7, "writing": bad}
    with pytest.raises(InvalidClb):
        domain.check_clb(levels)  # type: ignore[arg-type]
    assert domain.check_clb(dict.fromkeys(domain.SKILLS, 12)) == dict.fromkeys(domain.SKILLS, 12)


def test_dates_in_the_wrong_order_are_refused_and_equal_dates_pass() -> None:
    with pytest.raises(InvalidDates):
        domain.check_dates(date(2026, 5, 1), date(2026, 4, 30), what="completed before it started")
    domain.check_dates(date(2026, 5, 1), date(2026, 5, 1), what="same day")
    domain.check_dates(None, date(2026, 5, 1), what="open start")
    with pytest.raises(InvalidDates):
        domain.check_not_future(date(2030, 1, 1), date(2026, 1, 1), what="the report")


def test_a_learner_may_mark_only_their_own_items() -> None:
    assert domain.learner_may_update(domain.Owner.LEARNER)
    assert not domain.learner_may_update(domain.Owner.ADVISOR)
    assert not domain.learner_may_update(domain.Owner.OTHER)


def _gaps(**levels: int) -> list[domain.SkillGap]:
    return domain.language_gaps(
        {"listening": 7, "speaking": 7, "reading": 7, "writing": 7, **levels}, dict.fromkeys(domain.SKILLS, 7)
    )


def test_a_regulated_target_with_language_gaps_proposes_language_training_and_the_licensing_checklist() -> (
    None
):
    proposals = domain.propose(
        regulated=True,
        licence_note="Registration with a regulatory body is required.",
        gaps=_gaps(writing=5),
        has_language_result=True,
        plar_cases=[("case-1", "Practical nursing diploma")],
    )
    keys = [p.key for p in proposals]
    assert keys[0] == "plar:case-1"
    assert "language:training" in keys
    steps = [p.step_kind for p in proposals if p.kind is domain.ItemKind.LICENSING]
    assert steps == [
        domain.StepKind.REGULATOR_ASSESSMENT,
        domain.StepKind.LANGUAGE_TEST,
        domain.StepKind.QUALIFYING_EXAM,
        domain.StepKind.REGISTRATION,
    ]
    registration = next(p for p in proposals if p.step_kind is domain.StepKind.REGISTRATION)
    assert registration.notes == "Registration with a regulatory body is required."
    assert domain.PATHWAY_KEY in keys


def test_an_unregulated_target_with_met_language_proposes_no_licensing_and_no_language_training() -> None:
    proposals = domain.propose(regulated=False, licence_note=None, gaps=_gaps(), has_language_result=True)
    kinds = {p.kind for p in proposals}
    assert domain.ItemKind.LICENSING not in kinds
    assert domain.ItemKind.LANGUAGE_TRAINING not in kinds


def test_without_a_language_result_the_plan_proposes_an_assessment() -> None:
    proposals = domain.propose(
        regulated=False,
        licence_note=None,
        gaps=domain.language_gaps(None, dict.fromkeys(domain.SKILLS, 6)),
        has_language_result=False,
    )
    assert "language:assessment" in [p.key for p in proposals]


def test_proposals_already_in_the_plan_are_not_added_twice() -> None:
    proposals = domain.propose(regulated=True, licence_note=None, gaps=_gaps(), has_language_result=True)
    again = domain.new_proposals(proposals, [proposals[0].key, None])
    assert [p.key for p in again] == [p.key for p in proposals[1:]]
