"""The pathway problem: validate the catalogue, filter it by the learner's constraints, keep what is relevant."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from bridgeway.planning.errors import InvalidCatalog, NoFeasiblePlan, PrerequisiteCycle
from bridgeway.planning.schemas import Catalog, Constraints, Delivery, Opportunity, Schedule, StackingRule


@dataclass(frozen=True)
class Objective:
    """Objective weights: per week to finish, per study hour (in weeks at the learner's pace), per dollar, per credential."""

    name: str
    weeks: float
    hours: float
    cost: float
    credential: float


OBJECTIVES = {
    "balanced": Objective("balanced", weeks=1.0, hours=0.1, cost=0.01, credential=0.5),
    "fastest": Objective("fastest", weeks=1.0, hours=0.1, cost=1e-4, credential=0.5),
    "cheapest": Objective("cheapest", weeks=0.01, hours=0.001, cost=0.01, credential=0.5),
}


def weighted_objective(time_weight: float) -> Objective:
    """A mix the learner picks: 1.0 is all time, 0.0 all cost (with tiny tie-breaks)."""
    a = min(1.0, max(0.0, time_weight))
    return Objective(
        f"weighted:{a:g}",
        weeks=max(a, 0.01),
        hours=max(0.1 * a, 0.001),
        cost=max(0.01 * (1 - a), 1e-4),
        credential=0.5,
    )


@dataclass
class Problem:
    """A filtered, relevant sub-catalogue with the arrays the solvers need."""

    opportunities: list[Opportunity]
    gaps: list[str]
    not_offered: list[str]
    cover: sp.csr_matrix  # opportunities × gaps (bool)
    prereq_edges: list[tuple[int, int]]  # (dependant, prerequisite) inside the candidates
    rules: list[
        tuple[StackingRule, list[tuple[list[int], int]]]
    ]  # rule, [(candidate indices, count still needed)]
    earliest: np.ndarray  # earliest start week (first intake on or after the start date)
    forced: np.ndarray  # bool: wraparound supports that must be in every plan
    constraints: Constraints
    start: dt.date
    excluded: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of candidate opportunities."""
        return len(self.opportunities)

    def load(self, i: int) -> float:
        """Weekly hours of opportunity i."""
        o = self.opportunities[i]
        return o.hours / o.weeks


CREDENTIAL_KINDS = frozenset({"micro_credential", "certificate", "diploma", "degree", "apprenticeship"})


def credential_of(opportunity: Opportunity) -> str | None:
    """The credential an opportunity awards on its own: its `credential`, else its title for a credential kind."""
    if opportunity.credential:
        return opportunity.credential
    if opportunity.kind in CREDENTIAL_KINDS:
        return opportunity.title or opportunity.id
    return None


def intake_weeks(opportunity: Opportunity, start: dt.date) -> list[int] | None:
    """Week offsets of the intakes on or after `start` (None = continuous intake)."""
    if not opportunity.intakes:
        return None
    return sorted(math.ceil((d - start).days / 7) for d in opportunity.intakes if d >= start)


def check_catalog(catalog: Catalog) -> dict[str, Opportunity]:
    """Ids are unique, prerequisites exist, and there is no prerequisite cycle (raises otherwise)."""
    by_id: dict[str, Opportunity] = {}
    for o in catalog.opportunities:
        if o.id in by_id:
            raise InvalidCatalog(f"opportunity id {o.id!r} appears twice in the catalogue")
        by_id[o.id] = o
    for o in catalog.opportunities:
        for p in o.prerequisites:
            if p not in by_id:
                raise InvalidCatalog(f"opportunity {o.id!r} requires unknown opportunity {p!r}")
    state: dict[str, int] = {}
    for root in by_id:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, k = stack.pop()
            if k == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
                path.append(node)
            prereqs = by_id[node].prerequisites
            if k < len(prereqs):
                stack.append((node, k + 1))
                nxt = prereqs[k]
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    raise PrerequisiteCycle("prerequisites form a cycle: " + " → ".join(cycle), detail=cycle)
                if state.get(nxt) != 2:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return by_id


def exclusion_reason(o: Opportunity, c: Constraints, start: dt.date) -> str | None:
    """Why the learner cannot take this opportunity at all, or None."""
    if c.online_only and o.delivery != Delivery.ONLINE:
        return "online only"
    if Schedule.SELF_PACED not in o.schedules and not set(o.schedules) & set(c.schedule):
        offered = ", ".join(s.value for s in o.schedules)
        return f"schedule ({offered} not in {', '.join(s.value for s in c.schedule)})"
    if c.region and o.delivery != Delivery.ONLINE and o.region and o.region != c.region:
        return f"region ({o.region}, learner in {c.region})"
    if o.hours / o.weeks > c.hours_per_week + 1e-9:
        return f"hours per week ({o.hours / o.weeks:.1f} h/week > {c.hours_per_week:g})"
    if c.budget is not None and o.cost > c.budget + 1e-9:
        return f"budget ({o.cost:.0f} > {c.budget:.0f})"
    weeks = intake_weeks(o, start)
    if weeks is not None and not weeks:
        return "start date (no intake on or after it)"
    if c.deadline_weeks is not None and (weeks[0] if weeks else 0) + o.weeks > c.deadline_weeks:
        return f"deadline ({c.deadline_weeks} weeks)"
    return None


def build_problem(
    catalog: Catalog,
    *,
    gaps: list[str],
    recognised: set[str],
    constraints: Constraints,
    completed: set[str] | None = None,
    forced: list[str] | None = None,
    today: dt.date | None = None,
) -> Problem:
    """Filter and reduce the catalogue to the opportunities that can help close `gaps` (recognised ones removed)."""
    by_id = check_catalog(catalog)
    completed = completed or set()
    start = constraints.start_date or today or dt.date.today()
    targets = [g for g in dict.fromkeys(gaps) if g not in recognised]
    reason: dict[str, str] = {}
    root: dict[str, str] = {}  # the constraint behind each exclusion, through prerequisites
    topo = _topological(by_id)
    for oid in topo:
        o = by_id[oid]
        if oid in completed:
            continue
        r = exclusion_reason(o, constraints, start)
        if r is not None:
            root[oid] = r.split(" (")[0]
        else:
            blocked = [p for p in o.prerequisites if p not in completed and p in reason]
            if blocked:
                r = f"prerequisite {blocked[0]} excluded: {reason[blocked[0]]}"
                root[oid] = root[blocked[0]]
        if r is not None:
            reason[oid] = r
    offered = {g for o in catalog.opportunities for g in o.competencies}
    not_offered = [g for g in targets if g not in offered]
    target_set = set(targets) - set(not_offered)
    usable = {oid for oid in by_id if oid not in reason and oid not in completed}
    covered_by_usable = {g for oid in usable for g in by_id[oid].competencies if g in target_set}
    blocked = [g for g in targets if g in target_set and g not in covered_by_usable]
    if blocked:
        why = Counter(
            root[o.id]
            for o in catalog.opportunities
            if o.id in reason and any(g in o.competencies for g in blocked)
        )
        binding = why.most_common(1)[0][0] if why else "catalogue"
        raise NoFeasiblePlan(
            f"no plan meets the constraints: {binding} excludes every opportunity for "
            f"{len(blocked)} gap competenc{'y' if len(blocked) == 1 else 'ies'}",
            detail={"binding": binding, "competencies": blocked[:20], "reasons": dict(why)},
        )
    forced_ids = [f for f in (forced or []) if f in usable]
    relevant = {oid for oid in usable if any(g in target_set for g in by_id[oid].competencies)}
    keep = set(forced_ids) | {q for o in by_id.values() for q in o.prerequisites}
    keep |= {r for rule in catalog.stacking_rules for r in (*rule.requires, *rule.electives)}
    relevant -= dominated(sorted(relevant), by_id, target_set, keep, completed, start)
    relevant |= set(forced_ids)
    frontier = list(relevant)
    while frontier:
        oid = frontier.pop()
        for p in by_id[oid].prerequisites:
            if p not in completed and p not in relevant:
                relevant.add(p)
                frontier.append(p)
    order = [oid for oid in topo if oid in relevant]
    index = {oid: i for i, oid in enumerate(order)}
    gap_index = {g: j for j, g in enumerate(sorted(target_set))}
    rows, cols = [], []
    for i, oid in enumerate(order):
        for g in set(by_id[oid].competencies):
            j = gap_index.get(g)
            if j is not None:
                rows.append(i)
                cols.append(j)
    cover = sp.csr_matrix((np.ones(len(rows), bool), (rows, cols)), shape=(len(order), len(gap_index)))
    edges = [(index[oid], index[p]) for oid in order for p in by_id[oid].prerequisites if p not in completed]
    rules = []
    for rule in catalog.stacking_rules:
        groups, possible = [], bool(rule.groups())
        for names, count in rule.groups():
            need = count - sum(1 for r in names if r in completed)
            members = [index[r] for r in names if r in index]
            if need > len(members):
                possible = False
            elif need > 0:
                groups.append((members, need))
        if possible and groups:
            rules.append((rule, groups))
    earliest = np.array([(intake_weeks(by_id[o], start) or [0])[0] for o in order], dtype=np.float64)
    return Problem(
        opportunities=[by_id[o] for o in order],
        gaps=sorted(gap_index),
        not_offered=not_offered,
        cover=cover,
        prereq_edges=edges,
        rules=rules,
        earliest=earliest,
        forced=np.array([o in forced_ids for o in order], dtype=bool),
        constraints=constraints,
        start=start,
        excluded=reason,
    )


def _topological(by_id: dict[str, Opportunity]) -> list[str]:
    """Prerequisites first (the catalogue is known to be acyclic)."""
    seen: set[str] = set()
    out: list[str] = []
    for root in by_id:
        stack = [(root, iter(by_id[root].prerequisites))]
        if root in seen:
            continue
        seen.add(root)
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                out.append(node)
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(by_id[nxt].prerequisites)))
    return out


def dominated(
    ids: list[str],
    by_id: dict[str, Opportunity],
    targets: set[str],
    keep: set[str],
    completed: set[str],
    start: dt.date,
) -> set[str]:
    """Opportunities no plan needs: another teaches every gap they teach, no later, no dearer, no longer.

    The dominating one must have no outstanding prerequisite; dominated ones must not be prerequisites,
    stacking components or supports (`keep`). Ties keep the first id, so no chain drops both of a pair.
    """
    if len(ids) < 2:
        return set()
    gap_index = {g: k for k, g in enumerate(sorted(targets))}
    rows, cols = [], []
    for i, oid in enumerate(ids):
        for g in {g for g in by_id[oid].competencies if g in gap_index}:
            rows.append(i)
            cols.append(gap_index[g])
    c = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ids), len(gap_index)))
    size = np.diff(c.indptr)
    overlap = (c @ c.T).tocoo()
    i, j = overlap.row, overlap.col
    sel = (i != j) & (overlap.data == size[i])
    i, j = i[sel], j[sel]
    opp = [by_id[o] for o in ids]
    cost = np.array([o.cost for o in opp])
    hours = np.array([o.hours for o in opp])
    weeks = np.array([o.weeks for o in opp])
    first = np.array([(intake_weeks(o, start) or [0])[0] for o in opp])
    free = np.array([all(q in completed for q in o.prerequisites) for o in opp])
    droppable = np.array([o not in keep for o in ids])
    no_worse = (cost[j] <= cost[i]) & (hours[j] <= hours[i]) & (weeks[j] <= weeks[i]) & (first[j] <= first[i])
    better = (cost[j] < cost[i]) | (hours[j] < hours[i]) | (weeks[j] < weeks[i]) | (first[j] < first[i])
    better |= size[j] > size[i]
    wins = no_worse & free[j] & droppable[i] & (better | (j < i))
    return {ids[k] for k in np.unique(i[wins])}
