"""Plain records the inference engine reads and returns: no database, no framework."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CompetencyRecord:
    """One competency the engine can propose (an ESCO skill, an OaSIS descriptor), as plain data."""

    uri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    source: str = "esco"
    kind: str = "skill"
    label_fr: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a competency is proposed: the input sentence and the words in it that support the proposal."""

    sentence: str
    start: int  # character offsets of the sentence in the input text
    end: int
    matched_words: tuple[str, ...]
    matched_label: str | None  # the label or alternative label the words matched, when lexical
    similarity: float  # dense cosine of this sentence and the competency

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form (JSON-ready)."""
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "matched_words": list(self.matched_words),
            "matched_label": self.matched_label,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True, slots=True)
class Proposal:
    """A competency the person likely has, with a calibrated confidence in [0, 1] and its evidence."""

    uri: str
    label: str
    source: str
    kind: str
    confidence: float
    dense: float  # best dense cosine over the input's sentences
    lexical: float  # best lexical match score over the input's sentences, in [0, 1]
    evidence: tuple[Evidence, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form (JSON-ready)."""
        return {
            "uri": self.uri,
            "label": self.label,
            "source": self.source,
            "kind": self.kind,
            "confidence": round(self.confidence, 4),
            "scores": {"dense": round(self.dense, 4), "lexical": round(self.lexical, 4)},
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class InferenceResult:
    """The proposals for one input text, best first, and what the engine noticed about the text."""

    language: str
    sentences: int
    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form (JSON-ready)."""
        return {
            "language": self.language,
            "sentences": self.sentences,
            "competencies": [p.to_dict() for p in self.proposals],
            "notes": list(self.notes),
        }
