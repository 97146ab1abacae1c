"""Planning benchmarks: where the ESCO space comes from (files, disk cache, database), transition ranking (one
learner, 100,000 in a batch) and pathway optimisation.

Learners and the catalogue are generated from real ESCO occupations and skills (official files in
BRIDGEWAY_DATA_DIR or ../shared/data); nothing is written to the repository. The database timing reads
BENCH_PLANNING_DATABASE_URL when set (a database with the releases imported), else imports ESCO, OaSIS, COPS and
the crosswalks once into a temporary SQLite file (that import is timed apart, see `python -m bench import`).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work
from bridgeway.planning import service, sources
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine import transitions as transition_engine
from bridgeway.planning.engine.pathways import plan_pathway
from bridgeway.planning.engine.space import OccupationSpace
from bridgeway.planning.errors import NoFeasiblePlan
from bridgeway.planning.schemas import Catalog, Constraints
from bridgeway.planning.sources import database, files
from bridgeway.taxonomy import service as taxonomy_service

STRENGTHS = np.array([1.0, 0.85, 0.6, 0.35])
START = dt.date(2027, 1, 4)
LIMIT = float(os.environ.get("BENCH_PLANNING_TIME_LIMIT", "0.08"))  # MILP time limit per plan, seconds
SOURCE_RUNS = int(os.environ.get("BENCH_PLANNING_SOURCE_RUNS", "5"))
ESCO_RELEASES = (
    ("esco", "esco-1.1.1"),
    ("oasis", "canada/oasis-2023-v1.0"),
    ("cops", "canada/cops-2024-2033"),
    ("crosswalks", "crosswalks"),
)


def _learners(space: OccupationSpace, n: int, rng: np.random.Generator) -> sp.csr_matrix:
    """n learners: a real occupation's skills, 30% dropped, 5 random skills added, random evidence strengths."""
    req = space.requirement
    origins = rng.integers(0, space.n_occupations, n)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for k, o in enumerate(origins):
        own = req.indices[req.indptr[o] : req.indptr[o + 1]]
        keep = own[rng.random(len(own)) > 0.3]
        extra = rng.integers(0, space.n_competencies, 5)
        c = np.unique(np.r_[keep, extra])
        cols.append(c)
        rows.append(np.full(len(c), k))
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sp.csr_matrix((rng.choice(STRENGTHS, len(r)), (r, c)), shape=(n, space.n_competencies))


def _median_seconds(build: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        build()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _database_url(data_dir: Path) -> str:
    """BENCH_PLANNING_DATABASE_URL, else a temporary SQLite file with the releases ESCO's space needs."""
    url = os.environ.get("BENCH_PLANNING_DATABASE_URL")
    if url:
        return url
    import_all_models()
    url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-planning-')}/releases.db"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    t = time.perf_counter()
    for source, folder in ESCO_RELEASES:
        with unit_of_work(factory) as session:
            taxonomy_service.import_release(session, source=source, path=data_dir / folder)
    engine.dispose()
    print(
        f"(imported {', '.join(s for s, _ in ESCO_RELEASES)} into a temporary SQLite file in {time.perf_counter() - t:.1f} s)"
    )
    return url


def bench_sources(data_dir: Path) -> transition_engine.TransitionIndex:
    """The ESCO space from the files, from the disk cache (pickle) and from the database; medians over runs."""
    runs = SOURCE_RUNS
    from_files = _median_seconds(lambda: files.LOADERS["esco"](data_dir), runs)
    sources.load_space("esco", data_dir)  # writes the disk cache if absent

    def from_pickle() -> object:
        sources._memory.clear()  # the in-process copy, so that the pickle is read each run
        return sources.load_space("esco", data_dir)

    pickled = _median_seconds(from_pickle, runs)
    engine = make_engine(_database_url(data_dir))
    factory = make_session_factory(engine)

    def from_database(use_disk_cache: bool) -> Callable[[], object]:
        def build() -> object:
            database.clear_cache()  # what a new process starts with
            with factory() as session:
                return database.space_from_database(
                    session, "esco", data_dir=data_dir, use_disk_cache=use_disk_cache
                )

        return build

    built = _median_seconds(from_database(False), runs)
    from_database(True)()  # writes the disk cache for these releases
    reread = _median_seconds(from_database(True), runs)
    with factory() as session:
        db_space = database.space_from_database(session, "esco", data_dir=data_dir)
        t = time.perf_counter()
        for _ in range(100):
            database.space_from_database(session, "esco", data_dir=data_dir)
        cached = (time.perf_counter() - t) / 100
    engine.dispose()
    print(
        f"ESCO space, median of {runs} runs: from the files {from_files:.2f} s; their disk cache (pickle) "
        f"{pickled:.2f} s; from the database {built:.2f} s ({built / from_files:.1f}× the files); its disk cache "
        f"{reread:.2f} s; the in-process database space (release-id check) {cached * 1000:.1f} ms"
    )
    return transition_engine.build_index(db_space)


def _one_learner_ms(index: transition_engine.TransitionIndex, x: sp.csr_matrix) -> np.ndarray:
    times = []
    for i in range(x.shape[0]):
        lo, hi = x.indptr[i], x.indptr[i + 1]
        cols = x.indices[lo:hi].astype(np.int64)
        lv = learner_engine.LearnerVector(
            cols,
            x.data[lo:hi].astype(np.float64),
            np.full(hi - lo, np.nan),
            (None,) * (hi - lo),
            np.zeros(hi - lo, bool),
            job_zone=2.0,
        )
        t = time.perf_counter()
        transition_engine.rank(index, lv, top=10)
        times.append(time.perf_counter() - t)
    return np.array(times) * 1000


def bench_ranking(
    index: transition_engine.TransitionIndex,
    rng: np.random.Generator,
    db_index: transition_engine.TransitionIndex | None = None,
) -> None:
    """One learner at a time over all ESCO occupations (file-built and database-built spaces), then a batch."""
    space = index.space
    x = _learners(space, 2000, rng)
    ms = _one_learner_ms(index, x)
    print(
        f"rank one learner over {space.n_occupations} ESCO occupations (top 10): "
        f"p50 {np.median(ms):.3f} ms  p95 {np.percentile(ms, 95):.3f} ms  (target p50 ≤ 2 ms)"
    )
    if db_index is not None:
        db_ms = _one_learner_ms(db_index, x)
        print(
            f"  same learners over the database-built space: p50 {np.median(db_ms):.3f} ms  "
            f"p95 {np.percentile(db_ms, 95):.3f} ms"
        )
    n = int(os.environ.get("BENCH_PLANNING_BATCH", "100000"))
    big = _learners(space, n, rng)
    zones = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], n)
    t = time.perf_counter()
    transition_engine.rank_batch(index, big, zone_from=zones, top=10)
    took = time.perf_counter() - t
    req_t = space.requirement.T.tocsr()
    t = time.perf_counter()
    for lo in range(0, n, 4096):  # the same chunks rank_batch uses, product only
        _ = big[lo : lo + 4096] @ req_t
    product = time.perf_counter() - t
    print(
        f"rank {n:,} learners in a batch: {took:.2f} s (target ≤ 20 s); the sparse product alone {product:.2f} s; "
        f"ratio {took / product:.1f}×"
    )


def _size(rng: np.random.Generator, shape: str) -> int:
    if shape == "dense":  # every opportunity teaches 1–6 random skills: a hard set cover
        return int(rng.integers(1, 7))
    # like the catalogue's model: micro-credentials align to one competency, courses to a few, programs to many
    u = rng.random()
    return 1 if u < 0.7 else int(rng.integers(2, 5)) if u < 0.95 else int(rng.integers(8, 21))


def generated_catalog(
    space: OccupationSpace, gaps: list[str], rng: np.random.Generator, n: int = 2000, shape: str = "catalogue"
) -> Catalog:
    """n opportunities over real ESCO skills, a third touching the gap set; `shape` sets how many each teaches."""
    pool = rng.choice(space.competency_ids, 1500, replace=False).tolist()
    opps = []
    for i in range(n):
        k = _size(rng, shape)
        source = gaps if rng.random() < 0.35 else pool
        comps = list(dict.fromkeys(rng.choice(source, k).tolist()))
        if shape == "catalogue" and i < len(gaps):
            comps = [
                gaps[i]
            ]  # every gap has at least one micro-credential (its schedule may still exclude it)
        weeks = int(rng.integers(1, 17))
        hours = float(rng.integers(max(5, weeks), 12 * weeks + 1))
        prereqs = (
            sorted({f"o{j}" for j in rng.integers(0, i, int(rng.integers(1, 3)))})
            if i and rng.random() < 0.1
            else []
        )
        intakes = (
            sorted({(START + dt.timedelta(weeks=int(w))).isoformat() for w in rng.integers(0, 40, 3)})
            if rng.random() < 0.3
            else []
        )
        opps.append(
            {
                "id": f"o{i}",
                "title": f"Opportunity {i}",
                "competencies": comps,
                "hours": hours,
                "weeks": weeks,
                "cost": float(rng.integers(0, 30) * 50),
                "prerequisites": prereqs,
                "intakes": intakes,
                "schedules": [
                    str(rng.choice(["daytime", "evenings", "weekends", "self_paced"], p=[0.1, 0.3, 0.2, 0.4]))
                ],
                "delivery": str(rng.choice(["online", "in_person", "hybrid"])),
                "credential": f"Badge {i}" if rng.random() < 0.2 else None,
            }
        )
    rules = [
        {
            "credential": f"Certificate {r}",
            "requires": [f"o{j}" for j in rng.choice(n, 4, replace=False)],
            "min_count": 3,
        }
        for r in range(60)
    ]
    return Catalog.model_validate({"opportunities": opps, "stacking_rules": rules})


def _timed_plan(
    catalog: Catalog, gaps: list[str], constraints: Constraints, alternatives: bool
) -> tuple[float, list[tuple[str, float | None]]]:
    t = time.perf_counter()
    try:
        res = plan_pathway(
            catalog,
            gaps=gaps,
            recognised=set(gaps[:20]),
            constraints=constraints,
            time_limit=LIMIT,
            alternatives=alternatives,
        )
    except NoFeasiblePlan:
        return time.perf_counter() - t, [("infeasible (answered)", None)]
    took = time.perf_counter() - t
    return took, [(p.solver, p.optimality_gap) for p in (res.plan, *res.alternatives.values())]


def bench_pathways(space: OccupationSpace, rng: np.random.Generator, shape: str = "catalogue") -> None:
    """One plan, and a plan with its fastest and cheapest alternatives, over 2,000 opportunities × 300 gaps."""
    constraints = Constraints(
        hours_per_week=15, schedule=["evenings", "weekends", "self_paced"], start_date=START
    )
    single, triple, solvers = [], [], []
    runs = int(os.environ.get("BENCH_PLANNING_PATHWAYS", "12"))
    for _ in range(runs):
        gaps = rng.choice(space.competency_ids, 300, replace=False).tolist()
        catalog = generated_catalog(space, gaps, rng, shape=shape)
        took, _ = _timed_plan(catalog, gaps, constraints, alternatives=False)
        single.append(took)
        took, used = _timed_plan(catalog, gaps, constraints, alternatives=True)
        triple.append(took)
        solvers.extend(used)
    for label, times in (("one plan", single), ("plan + fastest + cheapest", triple)):
        ms = np.array(times) * 1000
        print(
            f"pathway [{shape}] 2,000 opportunities × 300 gaps, {label}: p50 {np.median(ms):.0f} ms  "
            f"p95 {np.percentile(ms, 95):.0f} ms  (target p95 ≤ 300 ms; MILP time limit {LIMIT:g} s)"
        )
    names = [n for n, _ in solvers]
    gaps_seen = [g for n, g in solvers if n == "greedy" and g is not None]
    print(
        f"  solver used: milp {names.count('milp')}, greedy {names.count('greedy')}, "
        f"infeasible answered {names.count('infeasible (answered)')}"
        + (
            f"; greedy gap vs LP bound median {np.median(gaps_seen):.1%}, max {max(gaps_seen):.1%}"
            if gaps_seen
            else ""
        )
    )


def main() -> None:
    """Run the planning benchmarks and print medians, p95 and ratios."""
    rng = np.random.default_rng(7)
    data_dir = sources.default_data_dir()
    db_index = bench_sources(data_dir)
    t = time.perf_counter()
    index = service.transition_index(taxonomy="esco", data_dir=data_dir)
    print(f"ESCO index (files) ready in {time.perf_counter() - t:.1f} s")
    bench_ranking(index, rng, db_index)
    bench_pathways(index.space, rng, "catalogue")
    bench_pathways(index.space, rng, "dense")


if __name__ == "__main__":
    main()
