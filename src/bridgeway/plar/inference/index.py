"""The dense competency index: one passage vector per competency, built once per release and model, cached.

The cache lives under `<var_dir>/skill-index/<release>/<model_id>/` as `vectors.npy` (float32, one row per
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

__all__ = ["PASSAGE_RECIPE", "CompetencyIndex", "build_index", "load_or_build_index", "passage_text"]

# Bump when passage_text changes: it is part of the cache fingerprint.
PASSAGE_RECIPE = "label+2alt+desc160/v1"
_DESCRIPTION_CHARS = 160
PASSAGE_ALT_LABELS = 2


def passage_text(record: CompetencyRecord) -> str:
    """The text embedded for a competency: label, first two alternative labels, start of the description.

    Kept short because index time grows with tokens (13,896 ESCO skills); the lexical matcher sees every
    alternative label, so the dense side needs only enough to place the skill.
    """
    alts = [a for a in record.alt_labels if a.casefold() != record.label.casefold()][:PASSAGE_ALT_LABELS]
    head = record.label + (f" ({'; '.join(alts)})" if alts else "")
    desc = " ".join(record.description.split())
    if len(desc) > _DESCRIPTION_CHARS:
        desc = desc[:_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{head}. {desc}" if desc else head


@dataclass(frozen=True, slots=True)
class CompetencyIndex:
    """Competencies and their passage vectors (rows aligned with `records`)."""

    records: tuple[CompetencyRecord, ...]
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    model_id: str
    release: str

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.records):
            raise ValueError("one vector per competency is required")


def fingerprint(records: Sequence[CompetencyRecord]) -> str:
    """SHA-256 over the recipe and every (uri, passage) pair, in order."""
    h = hashlib.sha256(PASSAGE_RECIPE.encode())
    for r in records:
        h.update(b"\x00" + r.uri.encode() + b"\x01" + passage_text(r).encode())
    return h.hexdigest()


def build_index(
    records: Sequence[CompetencyRecord],
    backend: EmbeddingBackend,
    *,
    release: str,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 512,
    checkpoint_dir: Path | None = None,
) -> CompetencyIndex:
    """Embed every competency's passage; with `checkpoint_dir`, finished chunks are kept and reused."""
    texts = [passage_text(r) for r in records]
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
    return CompetencyIndex(tuple(records), vectors, backend.model_id, release)


def _load_chunk(path: Path | None, rows: int) -> np.ndarray | None:
    if path is None or not path.is_file():
        return None
    try:
        part = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return part if part.shape[0] == rows else None


def cache_dir_for(var_dir: Path, *, release: str, model_id: str) -> Path:
    """Where the index of one release and model is cached."""
    return Path(var_dir) / "skill-index" / _safe(release) / _safe(model_id)


def load_or_build_index(
    records: Sequence[CompetencyRecord],
    backend: EmbeddingBackend,
    *,
    release: str,
    var_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> CompetencyIndex:
    """Return the cached index of this release and model, building and saving it when absent or stale."""
    folder = cache_dir_for(var_dir, release=release, model_id=backend.model_id)
    digest = fingerprint(records)
    cached = _load(folder, records, digest, backend.model_id, release)
    if cached is not None:
        return cached
    started = time.perf_counter()
    # An interrupted build resumes from its finished chunks (they are keyed by the passages' fingerprint).
    partial = folder / f".partial-{digest[:16]}"
    index = build_index(records, backend, release=release, progress=progress, checkpoint_dir=partial)
    _save(folder, index, digest, seconds=time.perf_counter() - started)
    shutil.rmtree(partial, ignore_errors=True)
    return index


def _load(
    folder: Path, records: Sequence[CompetencyRecord], digest: str, model_id: str, release: str
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
    return CompetencyIndex(tuple(records), vectors.astype(np.float32, copy=False), model_id, release)


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
        "recipe": PASSAGE_RECIPE,
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
