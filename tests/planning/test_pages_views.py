"""The pure parts of the planning pages: filters, the objective the learner picks, plans compared, why no plan."""

from __future__ import annotations

from typing import Any

from bridgeway.planning.engine.pathways import OBJECTIVES
from bridgeway.planning.errors import NoFeasiblePlan
from bridgeway.planning.pages.options import OptionFilters, zone_words
from bridgeway.planning.pages.pathway import ObjectiveChoice, compare, explain_infeasible


def _rec(tier: str, condition: str | None, regulated: bool = False) -> dict[str, Any]:
    return {"tier": tier, "outlook": {"condition": condition} if condition else None, "regulated": regulated}


def test_the_tier_filter_keeps_viable_and_better_or_highly_viable_only() -> None:
    recs = [_rec("highly viable", None), _rec("viable", None), _rec("stretch", None)]
    assert [r["tier"] for r in recs if OptionFilters.parse("viable", None, None, 1).keeps(r)] == [
        "highly viable",
        "viable",
    ]
    assert [r["tier"] for r in recs if OptionFilters.parse("highly_viable", None, None, 1).keeps(r)] == [
        "highly viable"
    ]


def test_good_prospects_means_a_shortage_expected_and_no_licence_hides_regulated_occupations() -> None:
    good = OptionFilters.parse(None, "good", None, None)
    assert good.keeps(_rec("viable", "Moderate risk of Shortage"))
    assert not good.keeps(_rec("viable", "Balance"))
    assert not good.keeps(_rec("viable", None))
    assert not OptionFilters.parse(None, None, "none", None).keeps(_rec("viable", None, regulated=True))


def test_unknown_filter_values_show_everything_from_page_one() -> None:
    f = OptionFilters.parse("nonsense", "maybe", "x", None)
    assert (f.tier, f.good_prospects, f.no_licence, f.page) == ("all", False, False, 1)
    assert f.query(page=2) == {"page": 2}


def test_a_step_in_education_is_said_in_words_only_when_it_is_at_least_half_a_zone() -> None:
    assert zone_words(0.25) is None
    assert zone_words(None) is None
    assert zone_words(2.0) == "Asks for much more education or experience than your previous work"
    assert zone_words(-1.0) == "Asks for less education or experience than your previous work"


def test_the_objective_choice_falls_back_to_balanced_and_maps_the_mix_to_weights() -> None:
    assert ObjectiveChoice.parse("teleport", None).objective() == OBJECTIVES["balanced"]
    assert ObjectiveChoice.parse("cheapest", None).objective() == OBJECTIVES["cheapest"]
    all_time = ObjectiveChoice.parse("mix", 100).objective()
    all_cost = ObjectiveChoice.parse("mix", 0).objective()
    assert all_time.weeks > all_cost.weeks
    assert all_time.cost < all_cost.cost
    assert ObjectiveChoice.parse("mix", 250).mix == 100


def _plan(cost: float, hours: float, weeks: int, credentials: int) -> dict[str, Any]:
    return {
        "total_cost": cost,
        "total_hours": hours,
        "duration_weeks": weeks,
        "credentials": [{"credential": f"c{i}"} for i in range(credentials)],
    }


def test_plans_compared_mark_what_differs_from_the_chosen_plan_and_the_best_value() -> None:
    report = {
        "result": {
            "plan": _plan(1500, 36, 7, 1),
            "alternatives": {"fastest": _plan(1500, 36, 7, 1), "cheapest": _plan(200, 40, 24, 1)},
        },
        "readiness_after": {"plan": 0.8, "fastest": 0.8, "cheapest": 0.8},
        "essential_after": {"plan": 1.0, "fastest": 1.0, "cheapest": 1.0},
    }
    rows = {
        r["label"]: r["cells"] for r in compare(report, [("plan", ""), ("fastest", ""), ("cheapest", "")])
    }
    cost = rows["Cost"]
    assert [c["differs"] for c in cost] == [False, False, True]
    assert cost[2]["delta"] == -1300
    assert [c["best"] for c in cost] == [False, False, True]
    assert [c["best"] for c in rows["Weeks to finish"]] == [True, True, False]
    assert not any(c["best"] or c["differs"] for c in rows["Readiness after"])


def test_a_binding_constraint_is_explained_with_the_blocked_requirements_and_a_suggestion() -> None:
    exc = NoFeasiblePlan("no plan", detail={"binding": "schedule", "competencies": ["s1", "s2"]})
    why = explain_infeasible(exc, {"s1": "weld"})
    assert why["binding"] == "schedule"
    assert why["blocked"] == ["weld", "s2"]
    assert why["suggestion"].startswith("Tick more times")
    fallback = explain_infeasible(NoFeasiblePlan("no plan"), {})
    assert fallback["binding"] == "catalogue"
    assert fallback["suggestion"] == "Change your constraints or pick another catalogue."
