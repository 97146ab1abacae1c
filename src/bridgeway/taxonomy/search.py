"""Typo-tolerant search of competencies and occupations by their labels. Pure: no database, no web framework.

How a query is answered (see docs/taxonomy-search.md):

1. Every label (preferred, alternative, example or alternate title) is normalised — case folded, accents and
   punctuation removed — and split into tokens. The index keeps the distinct tokens (the vocabulary, sorted and
   bucketed by length) and, per token, the labels that contain it (postings).
2. Each query token is expanded into vocabulary tokens: the same token and the tokens it starts (a bisect in
   the sorted vocabulary); when it is neither a known token nor the start of one, and has four characters or
   more, the tokens within one edit (two from nine characters) by optimal string alignment distance, so that
   a swap of two letters counts once. rapidfuzz compares it only with the vocabulary words of nearby length;
   labels are never scanned one by one.
3. Candidate labels are those holding an expansion of every content token (stop words are ignored); when that
   finds nothing, those missing only one token. Each candidate is scored in four tiers — exact, prefix, all
   words, fuzzy — so exact and prefix matches always rank above typo matches, and the best label per entry
   is reported with which label matched.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from operator import itemgetter

from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = [
    "Document",
    "Hit",
    "IndexCache",
    "Label",
    "MatchKind",
    "SearchIndex",
    "SearchResult",
    "normalise",
    "tokens",
]

# Words too common to select anything; they still count when a whole label is compared.
STOP_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with "
    "au aux d de des du en et l la le les ou par pour sur un une".split()
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"}
)
MAX_QUERY_CHARS = 200


def normalise(text: str) -> str:
    """Return the text folded for matching: lower case, no accents, words separated by single spaces."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def tokens(text: str) -> list[str]:
    """Return the normalised words of a text."""
    return normalise(text).split()


def max_edits(token: str) -> int:
    """Return how many typing errors a query word of this length may carry and still match."""
    # Close to what typo-tolerant engines settle on: two edits on short words match too many other words
    # ("reading" is two edits from "welding").
    if len(token) < 4:
        return 0
    return 1 if len(token) < 9 else 2


class MatchKind(IntEnum):
    """How a label matched; higher ranks first (LISTED: no query, entries listed A–Z)."""

    LISTED = 0
    FUZZY = 1
    WORDS = 2
    PREFIX = 3
    EXACT = 4

    @property
    def label(self) -> str:
        """Return the wire name (``exact``, ``prefix``, ``words``, ``fuzzy``, ``listed``)."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Label:
    """One name of an entry: its preferred label, an alternative label, an example or alternate title."""

    text: str
    kind: str = "preferred"  # preferred, alternative, hidden, example_title, alternate_title, ...
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Document:
    """Something that can be found: a competency or an occupation with all its names."""

    id: str
    kind: str  # competency | occupation
    source: str  # esco | oasis | onet | noc | ...
    code: str
    label: str
    labels: tuple[Label, ...] = ()
    subtype: str | None = None  # e.g. ESCO skill type, OaSIS descriptor category


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the entry, the label that matched, how it matched and a 0–100 score."""

    document: Document
    matched_label: str
    matched_label_kind: str
    matched_label_lang: str
    match: MatchKind
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of hits and how many entries matched in all."""

    hits: list[Hit]
    total: int
    query: str


@dataclass(frozen=True, slots=True)
class _Admitted:
    """What a filter lets through: document numbers and the numbers of their labels."""

    docs: frozenset[int]
    labels: frozenset[int]


def _distinct(label_doc: list[int], labels: set[int]) -> int:
    """Count the documents the labels belong to (itemgetter does the lookups in C)."""
    if len(labels) < 2:
        return len(labels)
    return len(set(itemgetter(*labels)(label_doc)))


@dataclass(slots=True)
class _Expansion:
    """For one query word: vocabulary token id → match quality in (0, 1], and whether it was only fuzzy."""

    quality: dict[int, float] = field(default_factory=dict)
    fuzzy: set[int] = field(default_factory=set)
    labels: set[int] = field(default_factory=set)


class SearchIndex:
    """An in-memory index over documents; build once, then query from many threads (it is read-only)."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents: list[Document] = []
        # One entry per distinct label, in parallel lists (cheaper to build and read than objects).
        self._labels: list[Label] = []
        self._label_doc: list[int] = []
        self._norms: list[str] = []
        self._label_tokens: list[tuple[int, ...]] = []
        self._preferred: list[bool] = []
        token_ids: dict[str, int] = {}
        by_token: defaultdict[int, list[int]] = defaultdict(list)
        exact: defaultdict[str, list[int]] = defaultdict(list)
        for document in documents:
            doc_no = len(self.documents)
            self.documents.append(document)
            seen: set[str] = set()
            for position, label in enumerate((Label(document.label, "preferred"), *document.labels)):
                norm = normalise(label.text)
                if not norm or norm in seen:
                    continue
                seen.add(norm)
                ids = tuple([token_ids.setdefault(t, len(token_ids)) for t in norm.split()])
                label_no = len(self._norms)
                self._labels.append(label)
                self._label_doc.append(doc_no)
                self._norms.append(norm)
                self._label_tokens.append(ids)
                self._preferred.append(position == 0)
                exact[norm].append(label_no)
                for tid in set(ids):
                    by_token[tid].append(label_no)
        self._exact = dict(exact)
        self._token_ids = token_ids
        self._by_token: dict[int, list[int]] = dict(by_token)
        self._vocab: list[str] = sorted(token_ids)
        self._vocab_ids: list[int] = [token_ids[t] for t in self._vocab]
        # The postings laid end to end in vocabulary order: the labels of every word starting with a prefix are
        # one slice, turned into a set in one call however many words the prefix starts ("ma": ~500 words).
        self._flat: list[int] = []
        self._offsets: list[int] = []
        for tid in self._vocab_ids:
            self._offsets.append(len(self._flat))
            self._flat.extend(by_token[tid])
        self._offsets.append(len(self._flat))
        # Vocabulary bucketed by length, so that typo search compares a word only with words of nearby length.
        buckets: defaultdict[int, list[str]] = defaultdict(list)
        for word in token_ids:
            buckets[len(word)].append(word)
        self._by_length: dict[int, list[str]] = dict(buckets)
        labels = range(len(self._norms))
        # Labels sorted by their folded text: the labels starting with the query are one contiguous range.
        self._by_text: list[int] = sorted(labels, key=self._norms.__getitem__)
        self._texts: list[str] = [self._norms[n] for n in self._by_text]
        # Order of labels within the prefix tier: shorter (closer to the query) first, preferred before others.
        codes = [d.code for d in self.documents]
        keys = [
            (len(norm), not preferred, norm, codes[doc])
            for norm, preferred, doc in zip(self._norms, self._preferred, self._label_doc, strict=True)
        ]
        self._prefix_rank: list[int] = [0] * len(keys)
        for rank, label_no in enumerate(sorted(labels, key=keys.__getitem__)):
            self._prefix_rank[label_no] = rank
        self._alphabetical: list[int] = sorted(
            range(len(self.documents)), key=lambda n: (normalise(self.documents[n].label), codes[n])
        )
        self._facets: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        for doc_no, document in enumerate(self.documents):
            self._facets[(document.kind, document.source)].add(doc_no)
        self._allowed_cache: dict[tuple[frozenset[str], frozenset[str]], _Admitted] = {}

    @property
    def label_count(self) -> int:
        """Return how many distinct labels are indexed."""
        return len(self._norms)

    @property
    def vocabulary_size(self) -> int:
        """Return how many distinct words the labels use."""
        return len(self._vocab)

    def search(
        self,
        query: str,
        *,
        kinds: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResult:
        """Return the best-matching entries for the query, best first; an empty query lists entries A–Z."""
        query = query[:MAX_QUERY_CHARS]
        allowed = self._allowed(kinds, sources)
        norm = normalise(query)
        if not norm:
            docs = [n for n in self._alphabetical if allowed is None or n in allowed.docs]
            hits = [self._browse_hit(n) for n in docs[offset : offset + limit]]
            return SearchResult(hits=hits, total=len(docs), query=query)
        ranked, total = self._rank(norm, allowed, need=offset + limit)
        hits = [
            self._hit(label_no, match, score) for label_no, match, score in ranked[offset : offset + limit]
        ]
        return SearchResult(hits=hits, total=total, query=query)

    def _allowed(self, kinds: Sequence[str] | None, sources: Sequence[str] | None) -> _Admitted | None:
        """Return the documents and labels the filters admit (None: no filter), remembered per combination."""
        if not kinds and not sources:
            return None
        key = (frozenset(kinds or ()), frozenset(sources or ()))
        cached = self._allowed_cache.get(key)
        if cached is None:
            docs: set[int] = set()
            for (kind, source), members in self._facets.items():
                if (not key[0] or kind in key[0]) and (not key[1] or source in key[1]):
                    docs |= members
            labels = frozenset(n for n, doc in enumerate(self._label_doc) if doc in docs)
            cached = self._allowed_cache[key] = _Admitted(frozenset(docs), labels)
        return cached

    def _hit(self, label_no: int, match: MatchKind, score: float) -> Hit:
        label = self._labels[label_no]
        document = self.documents[self._label_doc[label_no]]
        return Hit(document, label.text, label.kind, label.lang, match, round(score, 1))

    def _browse_hit(self, doc_no: int) -> Hit:
        document = self.documents[doc_no]
        return Hit(document, document.label, "preferred", "en", MatchKind.LISTED, 0.0)

    def _expand(self, word: str, allow_prefix: bool) -> _Expansion:
        """Find the vocabulary words this query word may stand for, with a quality for each."""
        expansion = _Expansion()
        exact = self._token_ids.get(word)
        if exact is not None:
            expansion.quality[exact] = 1.0
            expansion.labels.update(self._by_token[exact])
        if allow_prefix:
            start = bisect.bisect_left(self._vocab, word)
            end = bisect.bisect_left(self._vocab, word + "\x7f", lo=start)  # words are [0-9a-z]+
            for i in range(start, end):
                # A longer completion is a weaker match than a short one ("weld" → "welds" before "welding").
                expansion.quality.setdefault(self._vocab_ids[i], 0.75 + 0.2 * len(word) / len(self._vocab[i]))
            expansion.labels.update(self._flat[self._offsets[start] : self._offsets[end]])
        # Typos are looked for only when the word is neither a known word nor the start of one: a word the
        # labels use is taken as meant, which keeps "wedding" from matching "welding" and spares the scan.
        edits = 0 if expansion.quality else max_edits(word)
        for length in range(len(word) - edits, len(word) + edits + 1) if edits else ():
            bucket = self._by_length.get(length)
            if not bucket:
                continue
            for candidate, distance, _ in process.extract(
                word, bucket, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                tid = self._token_ids[candidate]
                if tid not in expansion.quality:
                    expansion.quality[tid] = 1 - distance / max(len(word), len(candidate))
                    expansion.fuzzy.add(tid)
                    expansion.labels.update(self._by_token[tid])
        return expansion

    def _rank(
        self, norm: str, allowed: _Admitted | None, need: int
    ) -> tuple[list[tuple[int, MatchKind, float]], int]:
        """Return the best label per entry, best first (at least ``need`` of them), and how many entries match."""
        words = norm.split()
        content = [w for w in words if w not in STOP_WORDS] or words
        # Any word may be the start of a longer one (typeahead), except one-letter words, which would select
        # half the vocabulary; a one-letter query still finds the labels that start with it (below).
        expansions = [self._expand(w, allow_prefix=len(w) > 1) for w in content]
        candidates = set.intersection(*(e.labels for e in expansions))
        required = len(expansions)
        if not candidates and len(expansions) > 1:
            counts = Counter(label for e in expansions for label in e.labels)
            required = len(expansions) - 1
            candidates = {label for label, n in counts.items() if n >= required}
        norms, label_doc = self._norms, self._label_doc
        start = bisect.bisect_left(self._texts, norm)
        prefixed = self._by_text[start : bisect.bisect_left(self._texts, norm + "\x7f", lo=start)]
        candidates.update(prefixed)  # a label that starts with the query always matches
        if allowed is not None:
            candidates &= allowed.labels
        total = _distinct(self._label_doc, candidates)
        ranked: list[tuple[int, MatchKind, float]] = []
        placed: set[int] = set()
        # Tiers 1 and 2 need no scoring: exact labels, then labels starting with the query, shortest first.
        exact = sorted(
            (n for n in self._exact.get(norm, ()) if n in candidates), key=self._prefix_rank.__getitem__
        )
        for label_no in exact:
            self._place(ranked, placed, label_no, MatchKind.EXACT, 100.0)
        for label_no in sorted((n for n in prefixed if n in candidates), key=self._prefix_rank.__getitem__):
            if len(ranked) >= need:
                break  # the page is full; the total is already known
            self._place(
                ranked,
                placed,
                label_no,
                MatchKind.PREFIX,
                80.0 + 19.0 * len(norm) / len(norms[label_no]),
            )
        if len(ranked) >= need or len(ranked) == total:
            return ranked, total
        # Tiers 3 and 4: labels holding every query word (or a near spelling of it), scored.
        best: dict[int, tuple[tuple[object, ...], int, MatchKind, float]] = {}
        for label_no in candidates:
            doc = label_doc[label_no]
            if doc in placed:
                continue
            mean, fuzzy = self._score(self._label_tokens[label_no], expansions)
            coverage = min(len(norm) / len(norms[label_no]), 1.0)
            if fuzzy:
                match, score = MatchKind.FUZZY, 50.0 * mean * (0.75 + 0.25 * coverage)
            else:
                match, score = MatchKind.WORDS, 55.0 + 20.0 * mean + 4.0 * coverage
            key = (-match, -round(score, 3), self._prefix_rank[label_no])
            current = best.get(doc)
            if current is None or key < current[0]:
                best[doc] = (key, label_no, match, score)
        ranked.extend((n, m, s) for _k, n, m, s in sorted(best.values(), key=lambda item: item[0]))
        return ranked, total

    def _place(
        self,
        ranked: list[tuple[int, MatchKind, float]],
        placed: set[int],
        label_no: int,
        match: MatchKind,
        score: float,
    ) -> None:
        doc = self._label_doc[label_no]
        if doc not in placed:
            placed.add(doc)
            ranked.append((label_no, match, score))

    @staticmethod
    def _score(token_ids: tuple[int, ...], expansions: list[_Expansion]) -> tuple[float, bool]:
        """Return the mean quality of the query words in the label and whether any matched only by a typo."""
        total = 0.0
        fuzzy = False
        for expansion in expansions:
            quality_of = expansion.quality
            quality = 0.0
            best_tid = -1
            for tid in token_ids:
                q = quality_of.get(tid)
                if q is not None and q > quality:
                    quality, best_tid = q, tid
            total += quality
            fuzzy = fuzzy or not quality or best_tid in expansion.fuzzy
        return total / len(expansions), fuzzy


class IndexCache:
    """Hold one built index per key (e.g. the ids of the imported releases); rebuild when the key changes.

    Building is done at most once per key even when several threads ask at the same time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable | None = None
        self._index: SearchIndex | None = None

    def get(self, key: Hashable, build: Callable[[], SearchIndex]) -> SearchIndex:
        """Return the index for the key, building it with ``build`` when the key is new."""
        index = self._index
        if index is not None and self._key == key:
            return index
        with self._lock:
            if self._index is None or self._key != key:
                self._index = build()
                self._key = key
            return self._index

    def clear(self) -> None:
        """Forget the index (the next call to ``get`` rebuilds it)."""
        with self._lock:
            self._index = None
            self._key = None
