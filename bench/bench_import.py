"""Import benchmark: full ESCO v1.1.1 into a fresh SQLite file (target ≤ 15 s, peak RSS ≤ 500 MB).

Each run is a fresh subprocess (so peak RSS is the import's own) importing into a new SQLite file. Prints the
median and worst of the wall time of the import call, the whole process's CPU time, and peak RSS; compares
with merely parsing the three main CSV files. Then imports every other source once, for the record.

    .venv/bin/python -m bench import          # or: make bench
    BENCH_IMPORT_RUNS=5 .venv/bin/python -m bench import
"""

from __future__ import annotations

import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BRIDGEWAY_DATA_DIR", REPO.parent / "shared" / "data")).resolve()
RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "3"))
OTHERS = (
    ("noc", "canada/noc-2021-structure"),
    ("oasis", "canada/oasis-2023-v1.0"),
    ("cops", "canada/cops-2024-2033"),
    ("onet", "onet-29.2"),
    ("crosswalks", "crosswalks"),
)


def _child(source: str, folder: str, database: str) -> None:
    """Run inside the subprocess: build the schema, import, print one JSON line of measurements."""
    from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work
    from bridgeway.taxonomy import service as taxonomy_service

    import_all_models()
    engine = make_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    started = time.perf_counter()
    with unit_of_work(make_session_factory(engine)) as session:
        outcome = taxonomy_service.import_release(session, source=source, path=Path(folder))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
                "counts": outcome.summary.get("counts", {}),
                "dangling": outcome.summary.get("dangling_total", 0),
            }
        )
    )


def _run(source: str, folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_import", "child", source, str(folder), f"{tmp}/bench.db"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _parse_only(folder: Path) -> float:
    started = time.perf_counter()
    for name in ("skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv"):
        with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
            for _row in csv.DictReader(handle):
                pass
    return time.perf_counter() - started


def main() -> None:
    """Measure the ESCO import (median of BENCH_IMPORT_RUNS fresh processes) and each other source once."""
    esco = DATA / "esco-1.1.1"
    if not esco.is_dir():
        print(f"skipped: no ESCO release at {esco}")
        return
    load = os.getloadavg()[0]
    print(f"data: {DATA}; cores: {os.cpu_count()}; load average at start: {load:.2f}")
    parse = statistics.median(_parse_only(esco) for _ in range(RUNS))
    runs = [_run("esco", esco) for _ in range(RUNS)]
    seconds = sorted(r["seconds"] for r in runs)
    cpu = sorted(r["cpu"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    print(f"parse the 3 main ESCO CSVs (csv.DictReader): median {parse:.2f} s")
    print(
        f"ESCO v1.1.1 full import into fresh SQLite, {RUNS} runs: median {statistics.median(seconds):.2f} s, "
        f"worst {seconds[-1]:.2f} s (target ≤ 15 s); process CPU median {statistics.median(cpu):.2f} s; "
        f"peak RSS {peak:.0f} MB (target ≤ 500 MB); import/parse ratio {statistics.median(seconds) / parse:.1f}x"
    )
    print(f"  counts: {runs[0]['counts']}; dangling references: {runs[0]['dangling']}")
    for source, folder in OTHERS:
        if (DATA / folder).exists():
            r = _run(source, DATA / folder)
            print(f"{source}: {r['seconds']:.2f} s, CPU {r['cpu']:.2f} s, peak RSS {r['peak_mb']:.0f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.2f} (other work on the machine inflates wall times)")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
