"""Pathway planning on small catalogues with exact expected answers."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgeway.planning.engine.pathways import OBJECTIVES, Support, plan_pathway, supports_for
from bridgeway.planning.errors import InvalidCatalog, NoFeasiblePlan, PrerequisiteCycle
from bridgeway.planning.schemas import Constraints
from tests.planning.factories import START, catalog


def _constraints(**kw: object) -> Constraints:
    return Constraints.model_validate({"hours_per_week": 10, "start_date": START.isoformat(), **kw})


CAT = catalog(
    {"id": "A", "competencies": ["s1", "s2"], "hours": 40, "weeks": 4, "cost": 400},
    {"id": "B", "competencies": ["s3"], "hours": 20, "weeks": 2, "cost": 100, "prerequisites": ["A"]},
    {"id": "C", "competencies": ["s1", "s2", "s3"], "hours": 120, "weeks": 12, "cost": 300},
    rules=[{"credential": "Certificate AB", "requires": ["A", "B"]}],
)


def test_the_fastest_plan_takes_the_short_chain_and_earns_the_stacked_credential() -> None:
    res = plan_pathway(CAT, gaps=["s1", "s2", "s3"], recognised=set(), constraints=_constraints())
    fast = res.alternatives["fastest"]
    assert [it.id for it in fast.items] == ["A", "B"]
    assert (fast.duration_weeks, fast.total_hours, fast.total_cost) == (6, 60, 500)
    assert fast.solver == "milp"
    assert fast.credentials == [
        {
            "credential": "Certificate AB",
            "week": 6,
            "date": "2027-02-15",
            "via": "stacking",
            "kind": "stacked",
        }
    ]
    assert [(w.week, w.hours) for w in fast.weeks] == [(1, 10), (2, 10), (3, 10), (4, 10), (5, 10), (6, 10)]


def test_the_cheapest_plan_takes_the_single_long_course() -> None:
    res = plan_pathway(CAT, gaps=["s1", "s2", "s3"], recognised=set(), constraints=_constraints())
    cheap = res.alternatives["cheapest"]
    assert [it.id for it in cheap.items] == ["C"]
    assert (cheap.duration_weeks, cheap.total_cost) == (12, 300)


def test_what_is_recognised_is_never_planned() -> None:
    res = plan_pathway(
        CAT, gaps=["s1", "s2", "s3"], recognised={"s1", "s2"}, constraints=_constraints(), completed={"A"}
    )
    assert [it.id for it in res.plan.items] == ["B"]
    assert res.plan.covered == ["s3"]


def test_a_prerequisite_starts_before_its_dependant() -> None:
    res = plan_pathway(
        CAT, gaps=["s3"], recognised=set(), constraints=_constraints(), objective=OBJECTIVES["fastest"]
    )
    items = {it.id: it for it in res.plan.items}
    assert items["A"].end_week <= items["B"].start_week


def test_an_intake_date_delays_the_start() -> None:
    cat = catalog(
        {"id": "X", "competencies": ["s1"], "intakes": [(START + dt.timedelta(weeks=3)).isoformat()]}
    )
    res = plan_pathway(cat, gaps=["s1"], recognised=set(), constraints=_constraints(), alternatives=False)
    assert res.plan.items[0].start_week == 3
    assert res.plan.duration_weeks == 4


def test_weekly_hours_push_parallel_courses_apart() -> None:
    cat = catalog(
        {"id": "X", "competencies": ["s1"], "hours": 8}, {"id": "Y", "competencies": ["s2"], "hours": 8}
    )
    res = plan_pathway(
        cat, gaps=["s1", "s2"], recognised=set(), constraints=_constraints(), alternatives=False
    )
    assert sorted(it.start_week for it in res.plan.items) == [0, 1]


def test_a_budget_no_plan_can_meet_names_the_budget() -> None:
    cat = catalog(
        {"id": "X", "competencies": ["s1"], "cost": 300}, {"id": "Y", "competencies": ["s2"], "cost": 300}
    )
    with pytest.raises(NoFeasiblePlan, match="budget binds") as err:
        plan_pathway(cat, gaps=["s1", "s2"], recognised=set(), constraints=_constraints(budget=500))
    assert err.value.detail["binding"] == "budget"
    assert err.value.detail["needed"] == 600


def test_online_only_that_excludes_the_only_course_is_named() -> None:
    cat = catalog({"id": "X", "competencies": ["s1"], "delivery": "in_person"})
    with pytest.raises(NoFeasiblePlan, match="online only excludes every opportunity"):
        plan_pathway(cat, gaps=["s1"], recognised=set(), constraints=_constraints(online_only=True))


def test_a_schedule_pattern_filters_daytime_courses() -> None:
    cat = catalog(
        {"id": "Day", "competencies": ["s1"], "schedules": ["daytime"], "cost": 10},
        {"id": "Eve", "competencies": ["s1"], "schedules": ["evenings"], "cost": 500},
    )
    res = plan_pathway(cat, gaps=["s1"], recognised=set(), constraints=_constraints(schedule=["evenings"]))
    assert [it.id for it in res.plan.items] == ["Eve"]
    assert res.excluded["Day"].startswith("schedule")


def test_a_prerequisite_cycle_is_a_clear_error() -> None:
    cat = catalog({"id": "X", "prerequisites": ["Y"]}, {"id": "Y", "prerequisites": ["X"]})
    with pytest.raises(PrerequisiteCycle, match=r"cycle: (X → Y → X|Y → X → Y)"):
        plan_pathway(cat, gaps=["s1"], recognised=set(), constraints=_constraints())


def test_an_unknown_prerequisite_is_a_clear_error() -> None:
    with pytest.raises(InvalidCatalog, match="requires unknown opportunity 'Z'"):
        plan_pathway(
            catalog({"id": "X", "prerequisites": ["Z"]}),
            gaps=[],
            recognised=set(),
            constraints=_constraints(),
        )


def test_competencies_no_course_teaches_are_reported_not_planned() -> None:
    res = plan_pathway(CAT, gaps=["s1", "welding"], recognised=set(), constraints=_constraints())
    assert res.not_offered == ["welding"]
    assert res.plan.uncovered == []


def test_the_heuristic_says_it_was_used_and_reports_its_gap() -> None:
    res = plan_pathway(
        CAT, gaps=["s1", "s2", "s3"], recognised=set(), constraints=_constraints(), force_heuristic=True
    )
    assert res.plan.solver == "greedy"
    assert res.plan.optimality_gap is not None
    assert 0 <= res.plan.optimality_gap < 1
    assert res.plan.lp_bound is not None
    assert res.plan.lp_bound <= res.plan.objective_value + 1e-9


def test_language_training_and_a_bridge_are_added_when_needed() -> None:
    cat = catalog(
        {"id": "ESL", "kind": "language", "competencies": []},
        {"id": "Bridge", "kind": "bridging", "occupations": ["nurse"], "competencies": []},
        {"id": "X", "competencies": ["s1"]},
    )
    supports = supports_for(
        cat, clb=5, clb_required=7, regulated=True, target="nurse", constraints=_constraints()
    )
    assert supports == [
        Support("language", "CLB 5 is below the CLB 7 this occupation needs", "ESL"),
        Support("bridging", "regulated occupation: a licence or registration is required", "Bridge"),
    ]
    res = plan_pathway(cat, gaps=["s1"], recognised=set(), constraints=_constraints(), supports=supports)
    assert sorted(it.id for it in res.plan.items) == ["Bridge", "ESL", "X"]
    assert {it.id: it.reason for it in res.plan.items}["ESL"] == "wraparound support"


def test_each_micro_credential_on_the_way_is_listed_as_well_as_the_stacked_parent() -> None:
    cat = catalog(
        {"id": "A", "title": "Blueprints", "kind": "micro_credential", "competencies": ["s1"], "weeks": 2},
        {"id": "B", "title": "CNC", "kind": "micro_credential", "competencies": ["s2"], "weeks": 3},
        {"id": "W", "title": "Shop safety day", "kind": "workshop", "competencies": ["s3"]},
        rules=[{"credential": "Certificate AB", "requires": ["A", "B"]}],
    )
    res = plan_pathway(
        cat, gaps=["s1", "s2", "s3"], recognised=set(), constraints=_constraints(hours_per_week=20)
    )
    earned = [(c["credential"], c["kind"], c["week"]) for c in res.plan.credentials]
    assert earned == [("Blueprints", "single", 2), ("CNC", "single", 3), ("Certificate AB", "stacked", 3)]
    assert all(c["credential"] != "Shop safety day" for c in res.plan.credentials)


def test_a_catalogue_item_naming_its_credential_keeps_that_name() -> None:
    cat = catalog({"id": "A", "title": "Welding 1", "credential": "Welder level 1", "competencies": ["s1"]})
    res = plan_pathway(cat, gaps=["s1"], recognised=set(), constraints=_constraints())
    assert [c["credential"] for c in res.plan.credentials] == ["Welder level 1"]


def test_a_course_stating_a_clb_range_is_language_training_and_a_bridge_program_is_a_bridge() -> None:
    cat = catalog(
        {"id": "ENG", "title": "Occupational English for the trades (CLB 5-7)", "competencies": []},
        {"id": "BR", "kind": "bridge_program", "competencies": []},
        {"id": "X", "title": "Communication skills", "competencies": ["s1"]},
    )
    supports = supports_for(
        cat, clb=5, clb_required=6, regulated=True, target="t", constraints=_constraints()
    )
    assert [(s.kind, s.opportunity_id) for s in supports] == [("language", "ENG"), ("bridging", "BR")]


def test_a_deadline_no_plan_can_meet_says_how_long_the_fastest_plan_takes() -> None:
    with pytest.raises(NoFeasiblePlan) as caught:
        plan_pathway(
            CAT,
            gaps=["s1", "s2", "s3"],
            recognised=set(),
            constraints=_constraints(deadline_weeks=5, hours_per_week=40),
        )
    assert caught.value.detail["binding"] == "deadline"
    assert caught.value.detail["needed_weeks"] == 6
