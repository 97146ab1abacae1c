"""The dense competency index: one passage vector per competency, built once per release and model, cached.

The cache lives under `<var_dir>/skill-index/<release>/<model_id>/<recipe>/` as `vectors.npy` (float32, one row per
competency, in the order of `uris.json`) and `manifest.json` (release, model, count, dimension, a fingerprint
of the passages, timings). A cache whose fingerprint differs from the current passages is rebuilt, so editing
the competency list or the passage recipe never serves stale vectors.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bridgeway.plar.inference.embedding import EmbeddingBackend
from bridgeway.plar.inference.records import CompetencyRecord

__all__ = [
    "DEFAULT_RECIPE",
    "PASSAGE_RECIPE",
    "RECIPES",
    "CompetencyIndex",
    "build_index",
    "load_or_build_index",
    "passage_text",
]

_DESCRIPTION_CHARS = 160
PASSAGE_ALT_LABELS = (
    2  # the most alternative labels any recipe embeds (the evaluation queries use the others)
)


def _label_only(record: CompetencyRecord) -> str:
    return record.label


def _label_alts(record: CompetencyRecord) -> str:
    alts = [a for a in record.alt_labels if a.casefold() != record.label.casefold()][:PASSAGE_ALT_LABELS]
    return record.label + (f" ({'; '.join(alts)})" if alts else "")


def _label_alts_description(record: CompetencyRecord) -> str:
    alts = [a for a in record.alt_labels if a.casefold() != record.label.casefold()][:PASSAGE_ALT_LABELS]
    head = record.label + (f" ({'; '.join(alts)})" if alts else "")
    desc = " ".join(record.description.split())
    if len(desc) > _DESCRIPTION_CHARS:
        desc = desc[:_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{head}. {desc}" if desc else head


# Passage recipes by name; the name is part of the cache path and fingerprint, so never change a recipe's
# meaning in place: add a new name. "label" embeds about 9 tokens per ESCO skill, "label+2alt" about 20,
# "label+2alt+desc160" about 48, and index time grows with tokens (see docs/decisions/0004-skill-inference-model.md).
RECIPES: dict[str, Callable[[CompetencyRecord], str]] = {
    "label": _label_only,
    "label+2alt": _label_alts,
    "label+2alt+desc160": _label_alts_description,
}
DEFAULT_RECIPE = "label"
PASSAGE_RECIPE = DEFAULT_RECIPE  # kept for callers that name the default


def passage_text(record: CompetencyRecord, recipe: str = DEFAULT_RECIPE) -> str:
    """The text embedded for a competency under a recipe (the lexical matcher sees every label anyway)."""
    try:
        return RECIPES[recipe](record)
    except KeyError:
        raise ValueError(f"unknown passage recipe {recipe!r}; known: {', '.join(RECIPES)}") from None


@dataclass(frozen=True, slots=True)
class CompetencyIndex:
    """Competencies and their passage vectors (rows aligned with `records`)."""

    records: tuple[CompetencyRecord, ...]
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    model_id: str
    release: str
    recipe: str = DEFAULT_RECIPE

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.records):
            raise ValueError("one vector per competency is required")


def fingerprint(records: Sequence[CompetencyRecord], recipe: str = DEFAULT_RECIPE) -> str:
    """SHA-256 over the recipe and every (uri, passage) pair, in order."""
    h = hashlib.sha256(recipe.encode())
    for r in records:
        h.update(b"\x00" + r.uri.encode() + b"\x01" + passage_text(r, recipe).encode())
    return h.hexdigest()


def build_index(
    records: Sequence[CompetencyRecord],
    backend: EmbeddingBackend,
    *,
    release: str,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 512,
    checkpoint_dir: Path | None = None,
    recipe: str = DEFAULT_RECIPE,
) -> CompetencyIndex:
    """Embed every competency's passage; with `checkpoint_dir`, finished chunks are kept and reused."""
    texts = [passage_text(r, recipe) for r in records]
    parts = []
    for i in range(0, len(texts), chunk):
        saved = checkpoint_dir / f"chunk-{i // chunk:05d}.npy" if checkpoint_dir else None
        part = _load_chunk(saved, min(chunk, len(texts) - i))
        if part is None:
            part = backend.embed_passages(texts[i : i + chunk]).astype(np.float32)
            if saved is not None:
                saved.parent.mkdir(parents=True, exist_ok=True)
                tmp = saved.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(tmp, part, allow_pickle=False)
                os.replace(tmp, saved)
        parts.append(part)
        if progress:
            progress(min(i + chunk, len(texts)), len(texts))
    vectors = np.vstack(parts).astype(np.float32) if parts else np.zeros((0, 1), np.float32)
    return CompetencyIndex(tuple(records), vectors, backend.model_id, release, recipe)


def _load_chunk(path: Path | None, rows: int) -> np.ndarray | None:
    if path is None or not path.is_file():
        return None
    try:
        part = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return part if part.shape[0] == rows else None


def cache_dir_for(var_dir: Path, *, release: str, model_id: str, recipe: str = DEFAULT_RECIPE) -> Path:
    """Where the index of one release, model and passage recipe is cached."""
    return Path(var_dir) / "skill-index" / _safe(release) / _safe(model_id) / _safe(recipe)


def load_or_build_index(
    records: Sequence[CompetencyRecord],
    backend: EmbeddingBackend,
    *,
    release: str,
    var_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    recipe: str = DEFAULT_RECIPE,
) -> CompetencyIndex:
    """Return the cached index of this release, model and recipe, building and saving it when absent or stale."""
    folder = cache_dir_for(var_dir, release=release, model_id=backend.model_id, recipe=recipe)
    digest = fingerprint(records, recipe)
    cached = _load(folder, records, digest, backend.model_id, release, recipe)
    if cached is not None:
        return cached
    started = time.perf_counter()
    # An interrupted build resumes from its finished chunks (they are keyed by the passages' fingerprint).
    partial = folder / f".partial-{digest[:16]}"
    index = build_index(
        records, backend, release=release, progress=progress, checkpoint_dir=partial, recipe=recipe
    )
    _save(folder, index, digest, seconds=time.perf_counter() - started)
    shutil.rmtree(partial, ignore_errors=True)
    return index


def _load(
    folder: Path, records: Sequence[CompetencyRecord], digest: str, model_id: str, release: str, recipe: str
) -> CompetencyIndex | None:
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("fingerprint") != digest or manifest.get("count") != len(records):
            return None
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
    except (OSError, ValueError):
        return None  # a damaged cache is rebuilt, not trusted
    if vectors.shape != (len(records), manifest.get("dim")):
        return None
    return CompetencyIndex(tuple(records), vectors.astype(np.float32, copy=False), model_id, release, recipe)


def _save(folder: Path, index: CompetencyIndex, digest: str, *, seconds: float) -> None:
    """Write vectors and manifest atomically (temporary names, then rename) so readers never see half a cache."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp_vectors = folder / f".vectors.{os.getpid()}.npy"
    np.save(tmp_vectors, index.vectors, allow_pickle=False)
    (folder / "uris.json").write_text(json.dumps([r.uri for r in index.records]), encoding="utf-8")
    os.replace(tmp_vectors, folder / "vectors.npy")
    manifest = {
        "release": index.release,
        "model_id": index.model_id,
        "recipe": index.recipe,
        "fingerprint": digest,
        "count": len(index.records),
        "dim": int(index.vectors.shape[1]),
        "build_seconds": round(seconds, 1),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    tmp_manifest = folder / f".manifest.{os.getpid()}.json"
    tmp_manifest.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp_manifest, folder / "manifest.json")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "_"
