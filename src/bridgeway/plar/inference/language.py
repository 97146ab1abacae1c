"""A small language detector for English and French input, by function-word counts (no model, no download).

It only needs to tell English and French apart and notice when a text is clearly in another language, so
it counts frequent function words of a few European languages. Short texts (a job title) with too few
function words are reported as undetermined ("und") and accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridgeway.plar.inference.text import words

__all__ = ["LanguageGuess", "detect_language"]

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to in for with on a an is are was were by as at from this that my our i we "
        "have has had be been which or their it".split()
    ),
    "fr": frozenset(
        "le la les de des du et en pour avec sur un une est sont dans par au aux je nous j ai "
        "ce cette qui que mes nos leur d l ou".split()
    ),
    "es": frozenset("el los las de del y en para con por una un es son que se mi como al lo".split()),
    "de": frozenset("der die das und mit von für ist sind ein eine den dem zu auf ich wir nicht im".split()),
    "pt": frozenset("o os as de do da dos das e em para com por uma um é são que não meu na no".split()),
    "it": frozenset("il lo gli le di del della e in per con una un è sono che non mio nel al".split()),
    "nl": frozenset("de het een en van voor met op is zijn ik wij niet bij te".split()),
}
_ACCENTED_FR = frozenset("éèêàçùâîôû")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The most likely language ("en", "fr", another ISO 639-1 code, or "und") and the evidence count."""

    language: str
    hits: int
    margin: int


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of a text from its function words."""
    tokens = [w.folded for w in words(text)]  # folded = fold(surface)
    raw = text.casefold()
    counts = {lang: sum(1 for t in tokens if t in vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    counts["fr"] += sum(1 for ch in raw if ch in _ACCENTED_FR) // 3  # French accents break some ties
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (top, top_n), (_, second_n) = ranked[0], ranked[1]
    if top_n < 3 or top_n - second_n < 2:
        if max(counts["en"], counts["fr"]) == top_n and top_n > 0:
            return LanguageGuess("en" if counts["en"] >= counts["fr"] else "fr", top_n, top_n - second_n)
        return LanguageGuess("und", top_n, top_n - second_n)
    return LanguageGuess(top, top_n, top_n - second_n)
