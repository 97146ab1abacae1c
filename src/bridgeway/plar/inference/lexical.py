"""Lexical matching: which competency labels and alternative labels appear, word for word, in a sentence.

Every preferred and alternative label becomes a set of content stems (stop words dropped, crude stemming on
both sides, see `text.stem`). A label matches a sentence when all its stems occur in it (in order and next
to each other scores highest), or, for labels of three stems or more, all but one that is not its rarest.
Typos are forgiven through rapidfuzz: a sentence word unknown to the label vocabulary is mapped to the
closest vocabulary stem of similar length when the two are at least 88 % alike.

Scores are in [0, 1]: coverage of the label's inverse-document-frequency mass, times a specificity factor
so that a one-word label made of a common word ("manage") counts for less than a rare one ("welding").
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

from bridgeway.plar.inference.records import CompetencyRecord
from bridgeway.plar.inference.text import STOPWORDS, Unit, Word, words

__all__ = ["LexicalHit", "LexicalMatcher"]

_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 88.0
_RECENT_UNITS = 4096


@dataclass(frozen=True, slots=True)
class LexicalHit:
    """A label of one competency found in one unit."""

    record: int  # index into the matcher's records
    score: float
    label: str
    matched: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class _Phrase:
    record: int
    text: str
    stems: tuple[str, ...]  # content stems in label order (duplicates removed)
    weight: float  # sum of idf
    specificity: float
    rarest: str


class LexicalMatcher:
    """Finds competency labels in sentences; built once per competency list and reused."""

    def __init__(self, records: Sequence[CompetencyRecord]) -> None:
        self.records = tuple(records)
        raw: list[tuple[int, str, tuple[str, ...]]] = []
        df: dict[str, int] = defaultdict(int)
        for i, rec in enumerate(self.records):
            seen: set[str] = set()
            for label in dict.fromkeys((rec.label, *rec.alt_labels)):
                stems = tuple(dict.fromkeys(w.stem for w in words(label) if w.folded not in STOPWORDS))
                if stems:
                    raw.append((i, label, stems))
                    seen.update(stems)
            for s in seen:
                df[s] += 1
        n = max(len(self.records), 1)
        self.idf = {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()}
        self._vocab = sorted(self.idf)
        self._stem_id = {s: i for i, s in enumerate(self._vocab)}
        self.phrases: list[_Phrase] = []
        postings: dict[int, list[int]] = defaultdict(list)
        for rec_i, label, stems in raw:
            weight = sum(self.idf[s] for s in stems)
            ranked = sorted(stems, key=lambda s: -self.idf[s])
            pid = len(self.phrases)
            self.phrases.append(
                _Phrase(rec_i, label, stems, weight, 1.0 - math.exp(-weight / 4.0), ranked[0])
            )
            for s in stems:
                postings[self._stem_id[s]].append(pid)
        self._postings = {sid: np.asarray(pids, dtype=np.int32) for sid, pids in postings.items()}
        sizes = np.array([len(p.stems) for p in self.phrases], dtype=np.int32)
        # stems a phrase needs present: all of them, or all but one for phrases of three stems or more
        self._needed = np.where(sizes >= 3, sizes - 1, sizes)
        self._sizes = sizes
        self._rarest = np.array([self._stem_id[p.rarest] for p in self.phrases], dtype=np.int32)
        self._by_len: dict[int, list[str]] = defaultdict(list)
        for s in self._vocab:
            self._by_len[len(s)].append(s)
        self._fuzzy_cache: dict[str, str | None] = {}
        self._recent: dict[tuple[str, int], list[LexicalHit]] = {}  # the same unit is often matched again
        self._lock = threading.Lock()

    def _correct(self, stem: str) -> str | None:
        """The vocabulary stem a misspelt stem most likely meant (or None)."""
        if stem in self._fuzzy_cache:
            return self._fuzzy_cache[stem]
        pool = [s for k in (len(stem) - 1, len(stem), len(stem) + 1) for s in self._by_len.get(k, ())]
        best = process.extractOne(stem, pool, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF) if pool else None
        found = best[0] if best else None
        self._fuzzy_cache[stem] = found
        return found

    def match(self, unit: Unit) -> list[LexicalHit]:
        """Every competency whose label matches the unit, with the best-scoring label per competency."""
        key = (unit.text, unit.start)
        cached = self._recent.get(key)
        if cached is None:
            cached = self._match(unit)
            with self._lock:
                if len(self._recent) >= _RECENT_UNITS:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[key] = cached
        return list(cached)

    def clear_cache(self) -> None:
        """Forget recently matched units (benchmarks call this so that every run does the work)."""
        with self._lock:
            self._recent.clear()

    def _match(self, unit: Unit) -> list[LexicalHit]:
        toks = [w for w in words(unit.text, unit.start) if w.folded not in STOPWORDS]
        positions: dict[str, list[int]] = defaultdict(list)
        by_stem: dict[str, Word] = {}
        for pos, w in enumerate(toks):
            key = w.stem
            if key not in self.idf and len(key) >= _FUZZY_MIN_LEN and not key.isdigit():
                key = self._correct(key) or key
            positions[key].append(pos)
            by_stem.setdefault(key, w)
        best: dict[int, LexicalHit] = {}
        for pid in self._candidates(positions).tolist():
            hit = self._score(self.phrases[pid], positions, by_stem)
            if hit is not None and (hit.record not in best or hit.score > best[hit.record].score):
                best[hit.record] = hit
        return sorted(best.values(), key=lambda h: -h.score)

    def _candidates(self, positions: dict[str, list[int]]) -> np.ndarray:
        """Phrases with enough of their stems present (counted in numpy), in phrase order.

        A phrase can match only when all its stems occur, or all but one (three stems or more) with its
        rarest present; counting present stems per phrase over the postings of the unit's stems finds
        exactly those, so `_score` runs on a few dozen phrases instead of every phrase sharing a stem.
        """
        ids = [self._stem_id[s] for s in positions if s in self._stem_id]
        lists = [self._postings[i] for i in ids if i in self._postings]
        if not lists:
            return np.zeros(0, dtype=np.int32)
        counts = np.bincount(np.concatenate(lists), minlength=len(self.phrases))
        pids = np.flatnonzero(counts >= self._needed)  # every phrase needs at least one stem
        partial = counts[pids] < self._sizes[pids]
        if partial.any():
            present = np.zeros(len(self._vocab), dtype=bool)
            present[ids] = True
            pids = pids[~partial | present[self._rarest[pids]]]
        return pids

    def _score(
        self, phrase: _Phrase, positions: dict[str, list[int]], by_stem: dict[str, Word]
    ) -> LexicalHit | None:
        present = [s for s in phrase.stems if s in positions]
        missing = len(phrase.stems) - len(present)
        if missing == 0:
            firsts = [positions[s][0] for s in phrase.stems]
            contiguous = len(firsts) == 1 or all(b - a == 1 for a, b in pairwise(firsts))
            coverage = 1.0 if contiguous else 0.85
        elif missing == 1 and len(phrase.stems) >= 3 and phrase.rarest in positions:
            coverage = 0.6 * sum(self.idf[s] for s in present) / phrase.weight
        else:
            return None
        return LexicalHit(
            record=phrase.record,
            score=coverage * phrase.specificity,
            label=phrase.text,
            matched=tuple(by_stem[s] for s in present),
        )
