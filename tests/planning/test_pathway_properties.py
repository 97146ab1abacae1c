"""Properties of pathway plans over random small catalogues (Hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridgeway.planning.engine.pathways import OBJECTIVES, plan_pathway
from bridgeway.planning.errors import NoFeasiblePlan
from bridgeway.planning.schemas import Catalog, Constraints
from tests.planning.factories import START

SKILLS = [f"s{i}" for i in range(6)]


@st.composite
def problems(draw: st.DrawFn) -> tuple[Catalog, list[str], set[str]]:
    n = draw(st.integers(1, 8))
    opps: list[dict[str, Any]] = []
    for i in range(n):
        opps.append(
            {
                "id": f"o{i}",
                "competencies": draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=3, unique=True)),
                "hours": draw(st.integers(1, 60)),
                "weeks": draw(st.integers(1, 8)),
                "cost": draw(st.integers(0, 900)),
                "prerequisites": draw(
                    st.lists(st.sampled_from([f"o{j}" for j in range(i)]), max_size=2, unique=True)
                )
                if i
                else [],
            }
        )
    gaps = draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=6, unique=True))
    recognised = set(draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)))
    return Catalog.model_validate({"opportunities": opps}), gaps, recognised


CONSTRAINTS = Constraints(hours_per_week=60, start_date=START)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_a_plan_never_includes_a_course_only_for_recognised_competencies(
    case: tuple[Catalog, list[str], set[str]],
) -> None:
    cat, gaps, recognised = case
    res = plan_pathway(cat, gaps=gaps, recognised=recognised, constraints=CONSTRAINTS, alternatives=False)
    planned = {it.id for it in res.plan.items}
    by_id = {o.id: o for o in cat.opportunities}
    needed_gaps = set(gaps) - recognised
    for it in res.plan.items:
        teaches_a_gap = bool(set(by_id[it.id].competencies) & needed_gaps)
        is_prerequisite = any(it.id in by_id[other].prerequisites for other in planned)
        assert teaches_a_gap or is_prerequisite


@SETTINGS
@given(problems())
def test_every_prerequisite_finishes_before_its_dependant_starts(
    case: tuple[Catalog, list[str], set[str]],
) -> None:
    cat, gaps, recognised = case
    res = plan_pathway(cat, gaps=gaps, recognised=recognised, constraints=CONSTRAINTS)
    by_id = {o.id: o for o in cat.opportunities}
    for plan in (res.plan, *res.alternatives.values()):
        items = {it.id: it for it in plan.items}
        for it in plan.items:
            for p in by_id[it.id].prerequisites:
                assert p in items
                assert items[p].end_week <= it.start_week


@SETTINGS
@given(problems())
def test_every_offered_gap_is_covered_and_weekly_hours_are_respected(
    case: tuple[Catalog, list[str], set[str]],
) -> None:
    cat, gaps, recognised = case
    res = plan_pathway(cat, gaps=gaps, recognised=recognised, constraints=CONSTRAINTS, alternatives=False)
    offered = {c for o in cat.opportunities for c in o.competencies}
    assert set(res.plan.covered) == (set(gaps) - recognised) & offered
    assert res.plan.overloaded or all(w.hours <= CONSTRAINTS.hours_per_week + 1e-6 for w in res.plan.weeks)


@SETTINGS
@given(problems(), st.sampled_from(sorted(OBJECTIVES)))
def test_the_exact_solution_is_never_worse_than_the_heuristic(
    case: tuple[Catalog, list[str], set[str]], objective: str
) -> None:
    cat, gaps, recognised = case
    kwargs: dict[str, Any] = {
        "gaps": gaps,
        "recognised": recognised,
        "constraints": CONSTRAINTS,
        "objective": OBJECTIVES[objective],
        "alternatives": False,
    }
    exact = plan_pathway(cat, time_limit=5.0, **kwargs).plan
    heuristic = plan_pathway(cat, force_heuristic=True, **kwargs).plan
    assert exact.solver == "milp"
    assert exact.objective_value <= heuristic.objective_value + 1e-6
    assert heuristic.lp_bound is None or heuristic.lp_bound <= exact.objective_value + 1e-6


@SETTINGS
@given(problems(), st.integers(0, 1500))
def test_a_plan_within_budget_or_a_binding_budget(
    case: tuple[Catalog, list[str], set[str]], budget: int
) -> None:
    cat, gaps, recognised = case
    constraints = Constraints(hours_per_week=60, start_date=START, budget=budget)
    failure: NoFeasiblePlan | None = None
    try:
        res = plan_pathway(cat, gaps=gaps, recognised=recognised, constraints=constraints, alternatives=False)
    except NoFeasiblePlan as exc:
        failure = exc
    if failure is not None:
        assert failure.detail["binding"] == "budget"
        return
    assert res.plan.total_cost <= budget + 1e-6
