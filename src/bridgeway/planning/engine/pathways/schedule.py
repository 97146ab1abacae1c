"""Place chosen opportunities on a calendar: prerequisites first, real intakes, at most the learner's weekly hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from bridgeway.planning.engine.pathways.problem import Problem, credential_of, intake_weeks


@dataclass(frozen=True)
class PlannedItem:
    """One opportunity in the plan, with its weeks and why it is there."""

    id: str
    title: str
    start_week: int
    end_week: int  # exclusive
    start_date: dt.date
    end_date: dt.date
    hours: float
    cost: float
    credential: str | None
    covers: list[str]
    reason: str


@dataclass(frozen=True)
class Week:
    """One week of the timeline."""

    week: int
    starts_on: dt.date
    hours: float
    activities: list[tuple[str, float]] = field(default_factory=list)


def schedule(
    p: Problem, chosen: list[int], reasons: dict[int, str]
) -> tuple[list[PlannedItem], list[Week], bool]:
    """List-schedule `chosen` (candidates are in topological order); returns items, weeks, and whether it overloads."""
    pace = p.constraints.hours_per_week
    load: list[float] = []
    finish: dict[int, int] = {}
    prereqs: dict[int, list[int]] = {}
    for d, q in p.prereq_edges:
        prereqs.setdefault(d, []).append(q)
    items: list[PlannedItem] = []
    overloaded = False
    gaps = p.gaps
    # Wraparound supports (language, bridging) and what they need go first; candidates are topologically ordered,
    # so sorting by (group, index) keeps every prerequisite ahead of its dependant.
    first = {int(i) for i in np.flatnonzero(p.forced)}
    stack = list(first)
    while stack:
        for q in prereqs.get(stack.pop(), []):
            if q not in first:
                first.add(q)
                stack.append(q)
    for i in sorted(chosen, key=lambda j: (j not in first, j)):
        o = p.opportunities[i]
        ready = max([0, *(finish[q] for q in prereqs.get(i, []) if q in finish)])
        per_week = o.hours / o.weeks
        intakes = intake_weeks(o, p.start)
        start = _first_slot(load, ready, o.weeks, per_week, pace, intakes)
        if start is None:  # every later intake overloads the week: take the first intake after `ready`
            overloaded = True
            start = next((w for w in (intakes or []) if w >= ready), ready)
        while len(load) < start + o.weeks:
            load.append(0.0)
        for w in range(start, start + o.weeks):
            load[w] += per_week
        finish[i] = start + o.weeks
        items.append(
            PlannedItem(
                id=o.id,
                title=o.title or o.id,
                start_week=start,
                end_week=start + o.weeks,
                start_date=p.start + dt.timedelta(weeks=start),
                end_date=p.start + dt.timedelta(weeks=start + o.weeks),
                hours=o.hours,
                cost=o.cost,
                credential=credential_of(o),
                covers=[gaps[j] for j in p.cover.indices[p.cover.indptr[i] : p.cover.indptr[i + 1]]],
                reason=reasons.get(i, "closes gaps"),
            )
        )
    items.sort(key=lambda it: (it.start_week, it.id))
    acts: list[list[tuple[str, float]]] = [[] for _ in load]
    for it in items:
        per_week = round(it.hours / (it.end_week - it.start_week), 2)
        for w in range(it.start_week, it.end_week):
            acts[w].append((it.id, per_week))
    weeks = [
        Week(week=w + 1, starts_on=p.start + dt.timedelta(weeks=w), hours=round(hours, 2), activities=acts[w])
        for w, hours in enumerate(load)
    ]
    return items, weeks, overloaded


def _first_slot(
    load: list[float], ready: int, length: int, per_week: float, pace: float, intakes: list[int] | None
) -> int | None:
    """The earliest start ≥ ready (at an intake when there are intakes) where every week stays within pace."""
    horizon = max(len(load), ready) + length + 1
    arr = np.zeros(horizon)
    arr[: len(load)] = load
    ok = (arr + per_week <= pace + 1e-9).astype(np.int64)
    # fits[s]: weeks s .. s+length-1 all have room (weeks past the horizon are empty).
    run = np.concatenate([[0], np.cumsum(ok)])
    starts = np.arange(horizon - length + 1)
    fits = (run[starts + length] - run[starts]) == length
    if intakes is None:
        candidates = np.flatnonzero(fits[ready:])
        return int(ready + candidates[0]) if candidates.size else len(load)
    return next((w for w in intakes if w >= ready and (w >= len(fits) or fits[w])), None)
