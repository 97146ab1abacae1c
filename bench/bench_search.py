"""Competency search latency over the real ESCO v1.1.1 release (target: p95 <= 50 ms per query).

Imports ESCO into a temporary SQLite database with the real importer, builds the search index the way the web
application does (``bridgeway.taxonomy.routes.read.search_index``, from the taxonomy service's iteration
functions), then times queries of five kinds: hand-written ones (typos such as "weldng", "machinst",
"electricain"), whole labels, prefixes as typed (3 to 6 letters), labels with one typo, and two-word starts.
Generated queries come from a seeded random sample of labels, so runs are comparable.

Run: ``.venv/bin/python -m bench search`` (``BRIDGEWAY_DATA_DIR`` overrides ``../shared/data``).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.routes.read import find_entries, search_index
from bridgeway.taxonomy.search import SearchIndex

HAND_WRITTEN = [
    "weldng",
    "machinst",
    "electricain",
    "wleding",
    "custmer service",
    "plumbing",
    "first aid",
    "python",
    "project managment",
    "carpentry",
    "teach",
    "forklift",
    "nursing care",
    "accounting",
    "soudage",
    "électricité",
    "communicaton",
    "data analysis",
    "safety procedures",
    "blueprints",
    "hydraulic",
    "cnc",
    "we",
    "ma",
    "manage staff",
    "sell",
    "repair engines",
    "welding equipment",
    "leadership",
    "excel",
]
SAMPLE = 200
ROUNDS = 3


def _data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("BRIDGEWAY_DATA_DIR", root.parent / "shared" / "data")).resolve()


def _typo(word: str, rng: random.Random) -> str:
    """Return the word with one typing error: a swap, a dropped, doubled or replaced letter."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioustnrl") + word[i + 1 :]


def queries(
    index: SearchIndex, rng: random.Random
) -> tuple[dict[str, list[str]], list[tuple[str, set[str]]]]:
    """Build the query sets from a seeded sample of the index's labels, and (typo query, ids it should find)."""
    owners: dict[str, set[str]] = {}
    for d in index.documents:
        if d.kind == "competency":
            for text in (d.label, *(label.text for label in d.labels)):
                owners.setdefault(text, set()).add(d.id)
    picked = rng.sample(sorted(owners), SAMPLE)
    typos: list[tuple[str, set[str]]] = []
    for label in picked:
        words = [w for w in label.split() if len(w) >= 5]
        if words:
            word = rng.choice(words)
            typos.append((label.replace(word, _typo(word, rng), 1), owners[label]))
    sets = {
        "hand-written": HAND_WRITTEN,
        "whole label": picked,
        "prefix 3-6 letters": [label[: rng.randint(3, 6)] for label in picked],
        "label with a typo": [query for query, _ in typos],
        "two-word start": [" ".join(label.split()[:2])[:-1] for label in picked if len(label.split()) >= 2],
    }
    return sets, typos


def _recall(index: SearchIndex, cases: list[tuple[str, set[str]]], k: int) -> float:
    """Share of the typo queries whose intended skill is among the first k hits."""
    found = sum(1 for query, ids in cases if ids & {h.document.id for h in index.search(query, limit=k).hits})
    return found / len(cases)


def _time(run: Callable[[str], object], items: list[str]) -> tuple[list[float], list[float]]:
    """Return wall-clock and CPU milliseconds per query (CPU time is what contention on a shared machine spares)."""
    wall, cpu = [], []
    for _ in range(ROUNDS):
        for query in items:
            started, started_cpu = time.perf_counter(), time.thread_time()
            run(query)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    return wall, cpu


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _report(name: str, wall: list[float], cpu: list[float]) -> tuple[float, float]:
    median, p95 = statistics.median(wall), _p95(wall)
    print(
        f"  {name:<20} n={len(wall):>4}  wall median {median:6.2f} ms  p95 {p95:6.2f} ms  max {max(wall):6.1f} ms"
        f"  | cpu median {statistics.median(cpu):6.2f} ms  p95 {_p95(cpu):6.2f} ms"
    )
    return median, p95


def main() -> None:
    """Import ESCO, build the index, time the queries and print medians, p95 and the ratio to the target."""
    esco = _data_dir() / "esco-1.1.1"
    if not esco.is_dir():
        print(f"skipped: ESCO v1.1.1 not found at {esco}")
        return
    import_all_models()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        Base.metadata.create_all(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            started = time.perf_counter()
            taxonomy_service.import_release(session, source="esco", path=esco)
            session.commit()
            print(f"ESCO import (setup, not measured here): {time.perf_counter() - started:.1f} s")
        with factory() as session:
            started, started_cpu = time.perf_counter(), time.process_time()
            index = search_index(session)
            built, built_cpu = time.perf_counter() - started, time.process_time() - started_cpu
            skills = sum(1 for d in index.documents if d.kind == "competency" and d.subtype != "skill_group")
            print(
                f"index built from the database in {built:.2f} s ({built_cpu:.2f} s CPU): {len(index.documents):,} entries "
                f"({skills:,} skills), {index.label_count:,} labels, {index.vocabulary_size:,} distinct words"
            )
            sets, typo_cases = queries(index, random.Random(20261128))
            print(f"engine only (SearchIndex.search, limit 20), {ROUNDS} rounds:")
            all_wall: list[float] = []
            all_cpu: list[float] = []
            for name, items in sets.items():
                wall, cpu = _time(lambda q: index.search(q, kinds=["competency"], limit=20), items)
                _report(name, wall, cpu)
                all_wall += wall
                all_cpu += cpu
            _median, p95 = _report("all queries", all_wall, all_cpu)
            print("as the API answers (release check + index + response objects), all queries:")
            api_wall, api_cpu = _time(
                lambda q: find_entries(session, q, kinds=["competency"], sources=None, limit=20, offset=0),
                [q for items in sets.values() for q in items],
            )
            _, api_p95 = _report("all queries", api_wall, api_cpu)
            print(
                f"  typo queries finding the intended skill: {_recall(index, typo_cases, 1):.0%} first, "
                f"{_recall(index, typo_cases, 5):.0%} in the first 5 ({len(typo_cases)} queries)"
            )
            for query in ("weldng", "machinst", "electricain"):
                hit = index.search(query, limit=1).hits[0]
                print(
                    f"  {query!r} -> {hit.document.label!r} (matched {hit.matched_label!r}, {hit.match.label})"
                )
            print(f"p95 / target (50 ms): engine {p95 / 50:.2f}, API path {api_p95 / 50:.2f}")
            print(f"load average at end: {os.getloadavg()[0]:.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
