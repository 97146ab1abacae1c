"""Training pathways: from gaps, a catalogue and constraints to a scheduled plan and two alternatives."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bridgeway.planning.engine.pathways.problem import (
    OBJECTIVES,
    Objective,
    Problem,
    build_problem,
    check_catalog,
    weighted_objective,
)
from bridgeway.planning.engine.pathways.schedule import PlannedItem, Week, schedule
from bridgeway.planning.engine.pathways.solve import Infeasible, Selection, rule_earned, select, solve_milp
from bridgeway.planning.errors import NoFeasiblePlan
from bridgeway.planning.schemas import Catalog, Constraints, Opportunity

__all__ = [
    "OBJECTIVES",
    "Objective",
    "Pathway",
    "PathwayResult",
    "Support",
    "check_catalog",
    "plan_pathway",
    "weighted_objective",
]


@dataclass(frozen=True)
class Support:
    """A wraparound support: language training or a bridging program, with the catalogue item if one fits."""

    kind: str
    reason: str
    opportunity_id: str | None


@dataclass(frozen=True)
class Pathway:
    """One plan: the items on a timeline, totals, credentials on the way, and how it was solved."""

    objective: str
    solver: str
    status: str
    optimality_gap: float | None
    lp_bound: float | None
    objective_value: float
    items: list[PlannedItem]
    weeks: list[Week]
    total_cost: float
    total_hours: float
    duration_weeks: int
    finish_date: dt.date
    credentials: list[dict[str, object]]
    covered: list[str]
    uncovered: list[str]
    overloaded: bool


@dataclass(frozen=True)
class PathwayResult:
    """The chosen plan, the fastest and cheapest alternatives, supports, and what the catalogue cannot teach."""

    plan: Pathway
    alternatives: dict[str, Pathway]
    supports: list[Support]
    not_offered: list[str]
    excluded: dict[str, str] = field(default_factory=dict)


BRIDGING_KINDS = frozenset({"bridging", "bridge_program"})
_CLB_RANGE = re.compile(r"\b(?:CLB|NCLC)\s*\d")


def is_language_training(o: Opportunity) -> bool:
    """Language training: kind `language`, or a catalogue item whose title states a CLB (NCLC) range."""
    return o.kind == "language" or bool(_CLB_RANGE.search(o.title))


def supports_for(
    catalog: Catalog,
    *,
    clb: int | None,
    clb_required: int,
    regulated: bool,
    target: str,
    constraints: Constraints,
    today: dt.date | None = None,
) -> list[Support]:
    """Language training when CLB is below the occupation's need; a bridging program for a regulated occupation."""
    from bridgeway.planning.engine.pathways.problem import exclusion_reason

    start = constraints.start_date or today or dt.date.today()
    usable = [o for o in catalog.opportunities if exclusion_reason(o, constraints, start) is None]
    out: list[Support] = []
    if clb is not None and clb < clb_required:
        lang = sorted((o for o in usable if is_language_training(o)), key=lambda o: (o.cost, o.hours))
        out.append(
            Support(
                "language",
                f"CLB {clb} is below the CLB {clb_required} this occupation needs",
                lang[0].id if lang else None,
            )
        )
    if regulated:
        bridges = sorted(
            (
                o
                for o in usable
                if o.kind in BRIDGING_KINDS and (not o.occupations or target in o.occupations)
            ),
            key=lambda o: (target not in o.occupations, o.cost),
        )
        out.append(
            Support(
                "bridging",
                "regulated occupation: a licence or registration is required",
                bridges[0].id if bridges else None,
            )
        )
    return out


def plan_pathway(
    catalog: Catalog,
    *,
    gaps: list[str],
    recognised: set[str],
    constraints: Constraints,
    objective: Objective | None = None,
    completed: set[str] | None = None,
    supports: list[Support] | None = None,
    time_limit: float = 0.25,
    force_heuristic: bool = False,
    alternatives: bool = True,
    today: dt.date | None = None,
) -> PathwayResult:
    """Choose and schedule opportunities closing `gaps`; alternatives are the fastest and the cheapest plans."""
    supports = supports or []
    forced = [s.opportunity_id for s in supports if s.opportunity_id]
    problem = build_problem(
        catalog,
        gaps=gaps,
        recognised=recognised,
        constraints=constraints,
        completed=completed,
        forced=forced,
        today=today,
    )
    reasons = {i: "wraparound support" for i in range(problem.n) if problem.forced[i]}
    main = _solve(problem, objective or OBJECTIVES["balanced"], reasons, time_limit, force_heuristic)
    alts: dict[str, Pathway] = {}
    if alternatives:
        for name in ("fastest", "cheapest"):
            alts[name] = _solve(problem, OBJECTIVES[name], reasons, time_limit, force_heuristic)
    return PathwayResult(
        plan=main,
        alternatives=alts,
        supports=supports,
        not_offered=problem.not_offered,
        excluded=problem.excluded,
    )


def _solve(
    p: Problem, obj: Objective, reasons: dict[int, str], time_limit: float, heuristic: bool
) -> Pathway:
    try:
        sel = select(p, obj, time_limit=time_limit, force_heuristic=heuristic)
    except Infeasible:
        raise _binding(p, obj, time_limit) from None
    return _pathway(p, obj, sel, reasons)


def _binding(p: Problem, obj: Objective, time_limit: float) -> NoFeasiblePlan:
    c = p.constraints
    if c.budget is not None:
        status, chosen, _, _ = solve_milp(p, OBJECTIVES["cheapest"], time_limit=time_limit, budget=False)
        if status == "optimal" and chosen is not None:
            need = sum(p.opportunities[i].cost for i in chosen)
            if need > c.budget:
                return NoFeasiblePlan(
                    f"no plan meets the constraints: the budget binds (the cheapest plan costs "
                    f"{need:.0f}, the budget is {c.budget:.0f})",
                    detail={"binding": "budget", "needed": need, "budget": c.budget},
                )
    if c.deadline_weeks is not None:
        status, chosen, _, _ = solve_milp(
            p, OBJECTIVES["fastest"], time_limit=time_limit, deadline=False, budget=False
        )
        if status == "optimal" and chosen is not None:
            items, _, _ = schedule(p, chosen, {})
            needed = max((it.end_week for it in items), default=0)
            return NoFeasiblePlan(
                f"no plan meets the constraints: the deadline of {c.deadline_weeks} weeks binds "
                f"(the fastest plan takes {needed} weeks)",
                detail={"binding": "deadline", "deadline_weeks": c.deadline_weeks, "needed_weeks": needed},
            )
    return NoFeasiblePlan(
        "no plan meets the constraints: budget and deadline together bind",
        detail={"binding": "budget and deadline"},
    )


def _credentials(p: Problem, items: list[PlannedItem], chosen: set[int]) -> list[dict[str, object]]:
    """Every credential earned on the way: each opportunity's own (micro-credentials too), then stacked ones."""
    by_id = {it.id: it for it in items}
    earned: list[dict[str, object]] = [
        {
            "credential": it.credential,
            "week": it.end_week,
            "date": it.end_date.isoformat(),
            "via": it.id,
            "kind": "single",
        }
        for it in items
        if it.credential
    ]
    for rule, groups in p.rules:
        if rule_earned(groups, chosen):
            week = max(
                sorted(by_id[p.opportunities[m].id].end_week for m in members if m in chosen)[need - 1]
                for members, need in groups
            )
            earned.append(
                {
                    "credential": rule.credential,
                    "week": week,
                    "date": (p.start + dt.timedelta(weeks=week)).isoformat(),
                    "via": "stacking",
                    "kind": "stacked",
                }
            )
    earned.sort(key=lambda c: (int(str(c["week"])), str(c["credential"])))
    seen: set[str] = set()
    out = []
    for c in earned:  # a parent taken whole and also stacked counts once, at the earlier week
        if str(c["credential"]) not in seen:
            seen.add(str(c["credential"]))
            out.append(c)
    return out


def _pathway(p: Problem, obj: Objective, sel: Selection, reasons: dict[int, str]) -> Pathway:
    items, weeks, overloaded = schedule(p, sel.chosen, reasons)
    chosen = set(sel.chosen)
    cover = p.cover
    covered_idx = {int(j) for i in chosen for j in cover.indices[cover.indptr[i] : cover.indptr[i + 1]]}
    credentials = _credentials(p, items, chosen)
    duration = max((it.end_week for it in items), default=0)
    return Pathway(
        objective=obj.name,
        solver=sel.solver,
        status=sel.status,
        optimality_gap=sel.gap,
        lp_bound=sel.lp_bound,
        objective_value=sel.objective,
        items=items,
        weeks=weeks,
        total_cost=round(sum(it.cost for it in items), 2),
        total_hours=round(sum(it.hours for it in items), 2),
        duration_weeks=duration,
        finish_date=p.start + dt.timedelta(weeks=duration),
        credentials=credentials,
        covered=[p.gaps[j] for j in sorted(covered_idx)],
        uncovered=[g for j, g in enumerate(p.gaps) if j not in covered_idx],
        overloaded=overloaded,
    )
