"""Where occupation spaces come from: the imported taxonomy tables when they hold the releases, else the files.

`space_for` decides; `space_from_database` (per release ids) and `load_space` (per file fingerprint) build, each
cached in process and on disk (`cache`). Both give the same space for the same official releases (tests prove it).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy.orm import Session

from bridgeway.planning.engine.space import OccupationSpace
from bridgeway.planning.errors import DataUnavailable, UnknownTaxonomy
from bridgeway.planning.sources import cache, database
from bridgeway.planning.sources.database import competency_id, missing_releases, space_from_database
from bridgeway.planning.sources.files import LOADERS, esco_to_onet, noc_to_onet

__all__ = [
    "TAXONOMIES",
    "competency_id",
    "default_data_dir",
    "load_space",
    "missing_releases",
    "onet_crosswalk",
    "space_for",
    "space_from_database",
]

TAXONOMIES = tuple(LOADERS)
_memory: dict[tuple[str, str], OccupationSpace] = {}


def default_data_dir() -> Path:
    """BRIDGEWAY_DATA_DIR, else ../shared/data relative to the working directory."""
    return Path(os.environ.get("BRIDGEWAY_DATA_DIR", "../shared/data")).resolve()


def _fingerprint(data_dir: Path) -> str:
    h = hashlib.sha1(cache.CACHE_VERSION.encode())
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            st = path.stat()
            h.update(f"{path.relative_to(data_dir)}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16]


def load_space(taxonomy: str, data_dir: Path | None = None, *, use_cache: bool = True) -> OccupationSpace:
    """Return the occupation space of `taxonomy` (esco, noc, onet) built from the official files."""
    if taxonomy not in LOADERS:
        raise UnknownTaxonomy(f"unknown taxonomy {taxonomy!r}; choose one of {', '.join(TAXONOMIES)}")
    root = (data_dir or default_data_dir()).resolve()
    if not root.is_dir():
        raise DataUnavailable(f"official data directory not found: {root} (set BRIDGEWAY_DATA_DIR)")
    key = (taxonomy, str(root))
    if key in _memory:
        return _memory[key]
    name = f"{taxonomy}-{_fingerprint(root)}"
    space = cache.read(name) if use_cache else None
    if space is None:
        space = LOADERS[taxonomy](root)
        if use_cache:
            cache.write(name, space)
    _memory[key] = space
    return space


def space_for(
    taxonomy: str, *, session: Session | None = None, data_dir: Path | None = None
) -> OccupationSpace:
    """The space of `taxonomy`: from the database when `session` is given and holds its releases, else the files."""
    root = (data_dir or default_data_dir()).resolve()
    if session is None:
        return load_space(taxonomy, root)
    space = database.imported_space(session, taxonomy, data_dir=root)
    if space is not None:
        return space
    try:
        return load_space(taxonomy, root)
    except DataUnavailable as exc:
        missing = missing_releases(session, taxonomy)
        raise DataUnavailable(
            f"{taxonomy} is not available: the database holds no {', '.join(missing)} release (import it with "
            f"`bridgeway data import-all DATA_DIR`) and {exc.message}",
            detail={"taxonomy": taxonomy, "missing": missing},
        ) from exc


def onet_crosswalk(
    taxonomy: str, code: str, *, session: Session | None = None, data_dir: Path | None = None
) -> list[str]:
    """O*NET codes of an ESCO occupation (Nesta) or a NOC code (Brookfield, in published order): from the
    imported crosswalks when the database holds them, else from the files."""
    if session is not None:
        found = database.onet_crosswalk(session, taxonomy, code)
        if found is not None:
            return found
    root = (data_dir or default_data_dir()).resolve()
    if taxonomy == "esco":
        hit = esco_to_onet(root).get(code)
        return [hit[0]] if hit else []
    return list(noc_to_onet(root).get(code[:5], []))
