"""The on-disk cache of built occupation spaces (pickles in BRIDGEWAY_CACHE_DIR or ~/.cache/bridgeway/planning).

Keys name what a space was built from — a fingerprint of the official files, or the ids of the imported
releases — so a changed source never reads a stale space. A read-only home only costs a rebuild.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from bridgeway.planning.engine.space import OccupationSpace

CACHE_VERSION = "7"  # bump when the assembly rules change what a space holds


def cache_dir() -> Path:
    """Where built spaces are kept between processes."""
    base = os.environ.get("BRIDGEWAY_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "bridgeway"
    )
    return Path(base) / "planning"


def read(name: str) -> OccupationSpace | None:
    """The cached space called `name`, or None when absent or unreadable."""
    path = cache_dir() / f"{name}.pickle"
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            space = pickle.load(fh)  # our own cache file, written below
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    return space if isinstance(space, OccupationSpace) else None


def write(name: str, space: OccupationSpace, *, keep_family: str | None = None, keep: int = 3) -> None:
    """Keep `space` under `name` (atomically; skipped when the folder is not writable). With `keep_family`, only
    the `keep` newest files whose names start with it stay (older releases' spaces are dropped)."""
    path = cache_dir() / f"{name}.pickle"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(space, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        if keep_family is not None:
            family = sorted(path.parent.glob(f"{keep_family}*.pickle"), key=lambda p: p.stat().st_mtime)
            for old in family[:-keep]:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home only costs the rebuild next time
