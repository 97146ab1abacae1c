"""Choose opportunities: an exact mixed-integer program (SciPy/HiGHS) and a greedy fallback with its LP gap.

Variables: x_i (take opportunity i), y_r (stacking rule r earns its credential), s_i and f_i (start and finish
week), T (weeks to finish). T is bounded below by every finish and by total hours ÷ hours per week; intakes enter
as the earliest intake on or after the start date (the scheduler then places actual intakes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from bridgeway.planning.engine.pathways.problem import Objective, Problem


@dataclass(frozen=True)
class Selection:
    """Chosen candidate indices and how they were found."""

    chosen: list[int]
    objective: float
    solver: str  # "milp" or "greedy"
    status: str
    lp_bound: float | None
    gap: float | None  # (objective − LP bound) / objective, for the heuristic; 0 for an optimal MILP


class Infeasible(Exception):
    """The MILP has no solution (raised to the caller, which finds the binding constraint)."""


def _model(
    p: Problem, obj: Objective, *, budget: bool = True, deadline: bool = True
) -> tuple[np.ndarray, list[LinearConstraint], Bounds, int]:
    n, m = p.n, len(p.rules)
    hours = np.array([o.hours for o in p.opportunities])
    cost = np.array([o.cost for o in p.opportunities])
    weeks = np.array([o.weeks for o in p.opportunities], dtype=np.float64)
    pace = p.constraints.hours_per_week
    # Start/finish variables only for opportunities on a prerequisite chain; the others finish at e_i + weeks_i.
    chain = (
        np.unique(np.array(p.prereq_edges, dtype=np.int64).ravel())
        if p.prereq_edges
        else np.zeros(0, np.int64)
    )
    q = len(chain)
    slot = np.full(n, -1, dtype=np.int64)
    slot[chain] = np.arange(q)
    xs, ys, ss, fs, t = 0, n, n + m, n + m + q, n + m + 2 * q
    nv = t + 1
    c = np.zeros(nv)
    c[xs : xs + n] = obj.hours * hours / pace + obj.cost * cost
    c[ys : ys + m] = -obj.credential
    c[t] = obj.weeks
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    r0 = 0

    def add(rr: np.ndarray, cc: np.ndarray, vv: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
        nonlocal r0
        rows.append(rr + r0)
        cols.append(cc)
        vals.append(vv)
        lo.append(lb)
        hi.append(ub)
        r0 += len(lb)

    cover = p.cover.tocoo()
    g = p.cover.shape[1]
    add(
        cover.col.astype(np.int64),
        cover.row.astype(np.int64) + xs,
        np.ones(cover.nnz),
        np.ones(g),
        np.full(g, np.inf),
    )
    if p.prereq_edges:
        e = np.array(p.prereq_edges, dtype=np.int64)
        k = np.arange(len(e))
        add(
            np.r_[k, k],
            np.r_[e[:, 0], e[:, 1]] + xs,
            np.r_[np.ones(len(e)), -np.ones(len(e))],
            np.full(len(e), -np.inf),
            np.zeros(len(e)),
        )
        add(
            np.r_[k, k],
            np.r_[ss + slot[e[:, 0]], fs + slot[e[:, 1]]],
            np.r_[np.ones(len(e)), -np.ones(len(e))],
            np.zeros(len(e)),
            np.full(len(e), np.inf),
        )
    if budget and p.constraints.budget is not None:
        add(
            np.zeros(n, np.int64),
            np.arange(n) + xs,
            cost,
            np.array([-np.inf]),
            np.array([p.constraints.budget]),
        )
    for r, (_, groups) in enumerate(p.rules):
        for members, need in groups:
            mm = np.array(members, dtype=np.int64)
            add(
                np.zeros(len(mm) + 1, np.int64),
                np.r_[ys + r, xs + mm],
                np.r_[need, -np.ones(len(mm))],
                np.array([-np.inf]),
                np.array([0.0]),
            )
    i = np.arange(n)
    k = np.arange(q)
    # chain: f − s − weeks·x ≥ 0 ; s − earliest·x ≥ 0 ; T − f ≥ 0
    add(
        np.r_[k, k, k],
        np.r_[fs + k, ss + k, xs + chain],
        np.r_[np.ones(q), -np.ones(q), -weeks[chain]],
        np.zeros(q),
        np.full(q, np.inf),
    )
    add(
        np.r_[k, k],
        np.r_[ss + k, xs + chain],
        np.r_[np.ones(q), -p.earliest[chain]],
        np.zeros(q),
        np.full(q, np.inf),
    )
    add(
        np.r_[k, k],
        np.r_[np.full(q, t), fs + k],
        np.r_[np.ones(q), -np.ones(q)],
        np.zeros(q),
        np.full(q, np.inf),
    )
    # the rest: T − (earliest + weeks)·x ≥ 0
    rest = np.flatnonzero(slot < 0)
    rr = np.arange(len(rest))
    add(
        np.r_[rr, rr],
        np.r_[np.full(len(rest), t), xs + rest],
        np.r_[np.ones(len(rest)), -(p.earliest[rest] + weeks[rest])],
        np.zeros(len(rest)),
        np.full(len(rest), np.inf),
    )
    add(
        np.zeros(n + 1, np.int64),
        np.r_[t, xs + i],
        np.r_[1.0, -hours / pace],
        np.zeros(1),
        np.full(1, np.inf),
    )
    a = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r0, nv))
    horizon = float(p.earliest.max(initial=0) + weeks.sum() + hours.sum() / pace + 1)
    lb = np.zeros(nv)
    ub = np.full(nv, horizon)
    ub[xs : xs + n + m] = 1.0
    lb[xs : xs + n] = p.forced.astype(np.float64)
    if deadline and p.constraints.deadline_weeks is not None:
        ub[t] = float(p.constraints.deadline_weeks)
    return c, [LinearConstraint(a, np.concatenate(lo), np.concatenate(hi))], Bounds(lb, ub), n + m


def solve_milp(
    p: Problem, obj: Objective, *, time_limit: float = 0.25, budget: bool = True, deadline: bool = True
) -> tuple[str, list[int] | None, float | None, float | None]:
    """Return (status, chosen, objective, lp_bound); status is optimal, time_limit or infeasible."""
    c, cons, bounds, n_int = _model(p, obj, budget=budget, deadline=deadline)
    integrality = np.zeros(len(c))
    integrality[:n_int] = 1
    res = milp(
        c,
        constraints=cons,
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": 1e-6},
    )
    if res.status == 2:
        return "infeasible", None, None, None
    if res.status == 0 and res.x is not None:
        chosen = [int(i) for i in np.flatnonzero(res.x[: p.n] > 0.5)]
        return "optimal", chosen, float(res.fun), getattr(res, "mip_dual_bound", None)
    return "time_limit", None, None, getattr(res, "mip_dual_bound", None)


def objective_value(p: Problem, chosen: list[int], obj: Objective) -> float:
    """The model's objective for a set of chosen candidates (T from earliest starts and the hours bound)."""
    sel = set(chosen)
    finish = np.zeros(p.n)
    prereqs: dict[int, list[int]] = {}
    for d, q in p.prereq_edges:
        prereqs.setdefault(d, []).append(q)
    hours = 0.0
    total = 0.0
    for i in range(p.n):  # candidates are in topological order
        if i not in sel:
            continue
        o = p.opportunities[i]
        start = max([p.earliest[i], *(finish[q] for q in prereqs.get(i, []))])
        finish[i] = start + o.weeks
        hours += o.hours
        total += obj.hours * o.hours / p.constraints.hours_per_week + obj.cost * o.cost
    weeks = max(float(finish.max(initial=0.0)), hours / p.constraints.hours_per_week)
    earned = sum(1 for _, groups in p.rules if rule_earned(groups, sel))
    return total + obj.weeks * weeks - obj.credential * earned


def rule_earned(groups: list[tuple[list[int], int]], selected: set[int]) -> bool:
    """Whether a stacking rule's every group has enough selected members."""
    return all(sum(1 for m in members if m in selected) >= need for members, need in groups)


def greedy(p: Problem, obj: Objective) -> list[int]:
    """Weighted set cover: cheapest cost per newly covered gap (with unmet prerequisites), then drop redundancy."""
    pace = p.constraints.hours_per_week
    unit = (
        np.array(
            [
                obj.weeks * 0.5 * max(o.weeks, o.hours / pace)
                + obj.hours * o.hours / pace
                + obj.cost * o.cost
                for o in p.opportunities
            ]
        )
        + 1e-9
    )
    cost = np.array([o.cost for o in p.opportunities])
    prereqs: dict[int, list[int]] = {}
    dependants: dict[int, list[int]] = {}
    for d, q in p.prereq_edges:
        prereqs.setdefault(d, []).append(q)
        dependants.setdefault(q, []).append(d)
    selected: set[int] = set()
    budget = p.constraints.budget if p.constraints.budget is not None else np.inf
    # Candidates are in topological order, so each closure (itself and every prerequisite) builds on earlier ones.
    closures: list[np.ndarray] = []
    for i in range(p.n):
        parts = [np.array([i])] + [closures[q] for q in prereqs.get(i, [])]
        closures.append(np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0])
    lengths = np.array([len(cl) for cl in closures], dtype=np.int64)
    members_of = sp.csr_matrix(
        (
            np.ones(int(lengths.sum())),
            np.concatenate(closures) if closures else np.zeros(0, np.int64),
            np.r_[0, np.cumsum(lengths)],
        ),
        shape=(p.n, p.n),
    )

    def closure(i: int) -> set[int]:
        return {int(j) for j in closures[i] if int(j) not in selected}

    for forced in np.flatnonzero(p.forced):
        selected |= closure(int(forced))
    cover = p.cover.astype(np.float64).tocsr()
    uncovered = np.ones(cover.shape[1])
    chosen_mask = np.zeros(p.n, dtype=bool)
    chosen_mask[sorted(selected)] = True
    if selected:
        uncovered[np.asarray(cover[sorted(selected)].sum(axis=0)).ravel() > 0] = 0
    spent = float(cost[chosen_mask].sum())
    while uncovered.any():
        gain = cover @ uncovered
        # Each candidate pays for itself and every prerequisite not yet chosen.
        step_unit = members_of @ np.where(chosen_mask, 0.0, unit)
        step_cost = members_of @ np.where(chosen_mask, 0.0, cost)
        ratio = np.where(
            (gain > 0) & (spent + step_cost <= budget + 1e-9), step_unit / np.maximum(gain, 1e-12), np.inf
        )
        best = int(np.argmin(ratio))
        if not np.isfinite(ratio[best]):
            break  # nothing affordable covers the rest; the caller reports the plan as incomplete
        best_set = closure(best)
        selected |= best_set
        chosen_mask[list(best_set)] = True
        spent += float(cost[list(best_set)].sum())
        uncovered[cover.indices[cover.indptr[best] : cover.indptr[best + 1]]] = 0
    # Reverse delete: drop the costliest opportunity whose gaps others cover and that nobody selected needs.
    counts = np.asarray(cover[sorted(selected)].sum(axis=0)).ravel() if selected else np.zeros(cover.shape[1])
    for i in sorted(selected, key=lambda j: -unit[j]):
        if p.forced[i] or any(d in selected for d in dependants.get(i, [])):
            continue
        cols = cover.indices[cover.indptr[i] : cover.indptr[i + 1]]
        if np.all(counts[cols] >= 2):
            selected.discard(i)
            counts[cols] -= 1
    # Stacking: complete a credential when that lowers the objective.
    best_value = objective_value(p, sorted(selected), obj)
    for _, groups in p.rules:
        trial = set(selected)
        for members, need in groups:
            missing = need - sum(1 for mm in members if mm in trial)
            for mm in sorted((mm for mm in members if mm not in trial), key=lambda j: unit[j])[
                : max(missing, 0)
            ]:
                trial |= closure(mm)
        if float(cost[sorted(trial)].sum()) <= budget + 1e-9:
            value = objective_value(p, sorted(trial), obj)
            if value < best_value - 1e-9:
                selected, best_value = trial, value
    return sorted(selected)


def relaxation(
    p: Problem, obj: Objective, *, time_limit: float = 5.0
) -> tuple[str, np.ndarray | None, float | None]:
    """Solve the LP relaxation: (status, solution, optimum); its optimum bounds every plan from below."""
    c, cons, bounds, _ = _model(p, obj)
    res = milp(c, constraints=cons, bounds=bounds, options={"time_limit": time_limit, "disp": False})
    if res.status == 2:
        return "infeasible", None, None
    if res.status == 0 and res.x is not None:
        return "optimal", res.x, float(res.fun)
    return "time_limit", None, None


def select(
    p: Problem, obj: Objective, *, time_limit: float = 0.25, force_heuristic: bool = False
) -> Selection:
    """Solve exactly within the time limit, else use the greedy heuristic and report its gap to the LP bound.

    The LP relaxation comes first (a few milliseconds): when its solution is already integral it is the MILP's
    optimum, and HiGHS's branch-and-bound start-up (tens of milliseconds) is skipped.
    """
    status, x, bound = relaxation(p, obj, time_limit=max(time_limit, 1.0))
    if status == "infeasible":
        raise Infeasible
    if not force_heuristic:
        n_int = p.n + len(p.rules)
        if x is not None and np.all(np.abs(x[:n_int] - np.round(x[:n_int])) < 1e-7):
            chosen = [int(i) for i in np.flatnonzero(x[: p.n] > 0.5)]
            return Selection(
                chosen, objective_value(p, chosen, obj), "milp", "optimal (LP integral)", bound, 0.0
            )
        status, chosen_milp, value, _ = solve_milp(p, obj, time_limit=time_limit)
        if status == "infeasible":
            raise Infeasible
        if status == "optimal" and chosen_milp is not None and value is not None:
            return Selection(chosen_milp, objective_value(p, chosen_milp, obj), "milp", "optimal", bound, 0.0)
    chosen = greedy(p, obj)
    value = objective_value(p, chosen, obj)
    gap = None if bound is None else max(0.0, (value - bound) / max(abs(value), 1e-9))
    return Selection(chosen, value, "greedy", "heuristic" if force_heuristic else "time_limit", bound, gap)
