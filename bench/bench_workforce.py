"""Employer workforce planning: a group's gap report and its corporate-training plan, over real ESCO skills.

A role of 40 ESCO skills, a group of 200 people (each holding a random 60% of them, with mixed evidence), and a
catalogue-shaped set of 2,000 opportunities (the generator of bench_planning). Prints medians and p95.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import numpy as np

from bench.bench_planning import generated_catalog
from bridgeway.planning.engine import gaps as gap_engine
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine import workforce as engine
from bridgeway.planning.engine.pathways import OBJECTIVES
from bridgeway.planning.schemas import LearnerProfile
from bridgeway.planning.sources import load_space

PEOPLE = int(os.environ.get("BENCH_WORKFORCE_PEOPLE", "200"))
RUNS = int(os.environ.get("BENCH_WORKFORCE_RUNS", "8"))
EVIDENCE = ["verified_credential", "assessor_recognised", "inferred_from_work", "self_claimed"]


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    """Time the group report (gap engine per person + aggregate) and the corporate plan."""
    rng = np.random.default_rng(7)
    space = load_space("esco")
    skills = rng.choice(space.competency_ids, 40, replace=False).tolist()
    labels = dict(zip(space.competency_ids, space.competency_labels, strict=True))
    reqs = [
        engine.RoleRequirement(s, labels[s], "essential" if k < 30 else "optional", 1.0 if k < 30 else 0.5)
        for k, s in enumerate(skills)
    ]
    role = engine.role_space("role", "Benchmark role", reqs)
    profiles = [
        LearnerProfile.model_validate(
            {
                "competencies": [
                    {"id": s, "evidence": str(rng.choice(EVIDENCE))} for s in skills if rng.random() < 0.6
                ]
            }
        )
        for _ in range(PEOPLE)
    ]
    report_times: list[float] = []
    gap_people: dict[str, list[str]] = {}
    for _ in range(RUNS):
        started = time.perf_counter()
        people = []
        gap_people = {}
        for k, profile in enumerate(profiles):
            report = gap_engine.analyse(role, 0, learner_engine.from_profile(role, profile))
            people.append(engine.person_result(f"p{k}", f"Person {k}", report))
            for line in report.requirements:
                if line.status != gap_engine.MET and line.kind == "essential":
                    gap_people.setdefault(line.competency_id, []).append(f"p{k}")
        engine.aggregate(reqs, people)
        report_times.append(time.perf_counter() - started)
    print(
        f"group report, {PEOPLE} people × {len(reqs)} competencies: p50 {statistics.median(report_times) * 1000:.0f} ms, "
        f"p95 {_p95(report_times) * 1000:.0f} ms"
    )
    catalog = generated_catalog(space, skills, rng)
    start = dt.date(2027, 1, 4)
    for preference in (engine.SHORT, engine.OVER_TIME):
        times: list[float] = []
        solvers: list[str] = []
        for _ in range(RUNS):
            started = time.perf_counter()
            plan = engine.plan_training(
                catalog,
                gap_people=gap_people,
                preference=preference,
                start=start,
                objective=OBJECTIVES["balanced"],
            )
            times.append(time.perf_counter() - started)
            solvers.extend(plan.solver)
        print(
            f"corporate plan ({preference}), {len(gap_people)} shared gaps, 2,000 opportunities: "
            f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {_p95(times) * 1000:.0f} ms; "
            f"{len(plan.options)} options, total {plan.total_cost:,.0f} $; solvers: {sorted(set(solvers))}"
        )


if __name__ == "__main__":
    main()
