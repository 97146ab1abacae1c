"""Run every benchmark module (bench/bench_*.py), or those named on the command line."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main() -> None:
    """Run the selected benchmarks in turn, each printing its own medians and ratios."""
    here = Path(__file__).resolve().parent
    names = sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    chosen = sys.argv[1:] or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
    for name in chosen:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.bench_{name}").main()
        print(f"=== {name} done in {time.perf_counter() - started:.1f} s ===", flush=True)


if __name__ == "__main__":
    main()
