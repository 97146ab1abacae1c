"""Text normalisation for skill inference: units (duty lines, sentences), word tokens with offsets, stems.

Pure functions over strings. Résumés and duty lists arrive as bullet lists, one duty per line, or prose; each
becomes a list of `Unit`s (a sentence or a line, with its character offsets) so that evidence can point back
at the exact words of the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["STOPWORDS", "Unit", "Word", "fold", "split_units", "stem", "words"]

# Short function-word lists (English and French) used by the lexical matcher and the language detector.
STOPWORDS_EN = frozenset(
    "a an and are as at be been being by for from has have in into is it its of on or such that the their "
    "them they this to was were which while with within without other others etc e g i e using use used "
    "all any as well also including include includes various related relevant".split()
)
STOPWORDS_FR = frozenset(
    "a au aux avec ce ces dans de des du en et la le les leur leurs l d par pour sur un une ou qui que "
    "est sont ainsi autres autre etc notamment selon".split()
)
STOPWORDS = STOPWORDS_EN | STOPWORDS_FR

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣–—]|\d{1,2}[.)])\s+")
# A sentence ends at . ! ? ; followed by space and a capital/digit, or at the end of the line.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'(\[]?[A-ZÀ-ÖØ-Þ0-9])")
_MAX_UNIT_CHARS = 400


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence or duty line of the input, with its character offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Word:
    """A word token: folded form, stem, and character offsets in the text it came from."""

    surface: str
    folded: str
    stem: str
    start: int
    end: int


def fold(text: str) -> str:
    """Case-fold and strip accents ("Gérer" → "gerer") so matching ignores case and diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(folded: str) -> str:
    """Strip common English and French inflections; crude on purpose (both sides are stemmed alike)."""
    w = folded.replace("’", "'")
    if "'" in w:  # l'entretien → entretien; customer's → customer
        head, _, tail = w.partition("'")
        w = tail if len(head) <= 2 else head
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:  # supplies → supply
        return w[:-3] + "y"
    for suffix, keep in (
        ("ations", 3),
        ("ation", 3),
        ("ions", 4),
        ("ion", 4),
        ("ments", 3),
        ("ment", 4),
        ("ings", 3),
        ("ing", 3),
        ("ied", 3),
        ("ers", 3),
        ("er", 4),
        ("ed", 3),
        ("es", 3),
        ("s", 3),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: -len(suffix)]
            break
    if w.endswith("e") and len(w) > 3:  # manage/managing, gérer/gère stay close
        w = w[:-1]
    return w


@lru_cache(maxsize=1 << 16)
def _fold_and_stem(surface: str) -> tuple[str, str]:
    folded = fold(surface)
    return folded, stem(folded)


def words(text: str, offset: int = 0) -> list[Word]:
    """Split text into word tokens with folded form, stem and offsets (shifted by `offset`)."""
    out = []
    for m in _WORD.finditer(text):
        surface = m.group()
        folded, stemmed = _fold_and_stem(surface)
        out.append(Word(surface, folded, stemmed, m.start() + offset, m.end() + offset))
    return out


def split_units(text: str) -> list[Unit]:
    """Split text into duty lines and sentences; long run-on units are cut at commas near 400 characters."""
    units: list[Unit] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        bullet = _BULLET.match(body)
        base = bullet.end() if bullet else 0
        pieces = _SENTENCE_END.split(body[base:])
        cursor = base
        for piece in pieces:
            at = body.index(piece, cursor) if piece else cursor
            cursor = at + len(piece)
            for chunk_start, chunk in _cut_long(piece):
                stripped = chunk.strip()
                if sum(ch.isalpha() for ch in stripped) < 2:
                    continue
                lead = len(chunk) - len(chunk.lstrip())
                start = line_start + at + chunk_start + lead
                units.append(Unit(stripped, start, start + len(stripped)))
    return units


def _cut_long(piece: str) -> list[tuple[int, str]]:
    """Cut a unit longer than the limit at the last comma or space before it."""
    out = []
    start = 0
    while len(piece) - start > _MAX_UNIT_CHARS:
        window = piece[start : start + _MAX_UNIT_CHARS]
        cut = max(window.rfind(", "), window.rfind("; "))
        if cut < _MAX_UNIT_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = _MAX_UNIT_CHARS
        out.append((start, piece[start : start + cut + 1]))
        start += cut + 1
    out.append((start, piece[start:]))
    return out
