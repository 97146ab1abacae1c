"""RDF Dataset Canonicalization (RDFC-1.0) and canonical N-Quads.

Spec: https://www.w3.org/TR/rdf-canon/ . Terms are kept as their canonical N-Quads text ("<iri>", "_:b0",
'"literal"^^<datatype>'), so serialising a quad is one string join and blank nodes are recognised by "_:".
The work limit follows the reference implementation (rdf-canonize, maxWorkFactor 1): at most as many
Hash N-Degree Quads calls as there are blank nodes that share a first-degree hash.
"""

from __future__ import annotations

import hashlib
import itertools
import re

from bridgeway.vc._errors import MalformedDocument

Quad = tuple[str, str, str, str]  # subject, predicate, object, graph ("" = default graph)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_LITERAL_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\]')
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_IRI_ESCAPE = re.compile('[\x00-\x20<>"{}|^`\\\\]')


def _literal_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ECHAR.get(char) or f"\\u{ord(char):04X}"


def escape_literal(value: str) -> str:
    """Escape a string for a canonical N-Quads literal (ECHAR for \\b \\t \\n \\f \\r \" \\\\, UCHAR otherwise)."""
    return _LITERAL_ESCAPE.sub(_literal_char, value)


def iri(value: str) -> str:
    """The N-Quads text of an IRI."""
    if _IRI_ESCAPE.search(value):
        value = _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", value)
    return f"<{value}>"


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """The N-Quads text of a literal."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        text = f'"{value}"'
    else:
        text = f'"{escape_literal(value)}"'
    if language is not None:
        return f"{text}@{language}"
    if datatype == XSD_STRING:
        return text
    return f"{text}^^{iri(datatype)}"


def serialize_quad(quad: Quad) -> str:
    """One canonical N-Quads line, newline included."""
    s, p, o, g = quad
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


def to_nquads(quads: list[Quad]) -> str:
    """Serialise quads, sorted, as an N-Quads document."""
    return "".join(sorted(serialize_quad(q) for q in quads))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def get(self, old: str) -> str:
        new = self.issued.get(old)
        if new is None:
            new = f"{self.prefix}{self.counter}"
            self.counter += 1
            self.issued[old] = new
        return new

    def copy(self) -> _Issuer:
        other = _Issuer(self.prefix)
        other.counter = self.counter
        other.issued = dict(self.issued)
        return other


class _Canonicalizer:
    def __init__(self, quads: list[Quad], utf16_order: bool = False) -> None:
        self.sort_key = _utf16 if utf16_order else None
        self.quads = quads
        self.info: dict[str, list[Quad]] = {}
        self.hashes: dict[str, str] = {}
        self.canonical = _Issuer("c14n")
        self.remaining = 0
        info = self.info
        for quad in quads:  # literals start with '"', IRIs with '<', blank nodes with '_'
            s, _, o, g = quad
            if s[0] == "_":
                info.setdefault(s, []).append(quad)
            if o[0] == "_" and o != s:
                info.setdefault(o, []).append(quad)
            if g and g[0] == "_" and g != s and g != o:
                info.setdefault(g, []).append(quad)

    def first_degree(self, node: str) -> str:
        lines = []
        for s, p, o, g in self.info[node]:
            if s[0] == "_":
                s = "_:a" if s == node else "_:z"
            if o[0] == "_":
                o = "_:a" if o == node else "_:z"
            if g:
                if g[0] == "_":
                    g = "_:a" if g == node else "_:z"
                lines.append(f"{s} {p} {o} {g} .\n")
            else:
                lines.append(f"{s} {p} {o} .\n")
        lines.sort(key=self.sort_key)
        digest = _sha256("".join(lines))
        self.hashes[node] = digest
        return digest

    def related_hash(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        text = position if position == "g" else f"{position}{quad[1]}"
        if related in self.canonical.issued:
            ident = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            ident = "_:" + issuer.issued[related]
        else:
            ident = self.hashes[related]
        return _sha256(text + ident)

    def n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        if self.remaining <= 0:
            raise MalformedDocument(
                "canonicalisation work limit exceeded (too many indistinguishable blank nodes)"
            )
        self.remaining -= 1
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.info[node]:
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term.startswith("_:") and term != node:
                    digest = self.related_hash(term, quad, issuer, position)
                    related_by_hash.setdefault(digest, []).append(term)
        data = []
        for digest in sorted(related_by_hash):
            data.append(digest)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in itertools.permutations(related_by_hash[digest]):
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    if related in self.canonical.issued:
                        path += "_:" + self.canonical.issued[related]
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += "_:" + issuer_copy.get(related)
                    if chosen_path and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, issuer_copy = self.n_degree(related, issuer_copy)
                    path += "_:" + issuer_copy.get(related) + f"<{result_hash}>"
                    if chosen_path and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data.append(chosen_path)
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return _sha256("".join(data)), issuer

    def run(self) -> str:
        by_hash: dict[str, list[str]] = {}
        for node in self.info:
            by_hash.setdefault(self.first_degree(node), []).append(node)
        non_unique = []
        for digest in sorted(by_hash):
            nodes = by_hash[digest]
            if len(nodes) > 1:
                non_unique.append(nodes)
            else:
                self.canonical.get(nodes[0])
        self.remaining = sum(len(nodes) for nodes in non_unique)
        for nodes in non_unique:
            results = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.get(node)
                results.append(self.n_degree(node, temporary))
            results.sort(key=lambda r: r[0])
            for _, issuer in results:
                for old in issuer.issued:
                    self.canonical.get(old)
        names = self.canonical.issued
        lines = []
        for s, p, o, g in self.quads:
            if s[0] == "_":
                s = "_:" + names[s]
            if o[0] == "_":
                o = "_:" + names[o]
            if g:
                if g[0] == "_":
                    g = "_:" + names[g]
                lines.append(f"{s} {p} {o} {g} .\n")
            else:
                lines.append(f"{s} {p} {o} .\n")
        lines.sort(
            key=self.sort_key
        )  # the quads are unique and relabelling is one-to-one, so the lines are unique
        return "".join(lines)


def _utf16(line: str) -> bytes:
    return line.encode("utf-16-be", "surrogatepass")


ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def canonicalize(quads: list[Quad], *, utf16_order: bool = False) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a dataset (duplicate quads removed).

    RDFC-1.0 sorts in Unicode code point order. rdf-canonize (JavaScript) sorts UTF-16 code units, which
    differs only when lines first differ at a character beyond U+FFFF versus one in U+E000–U+FFFF;
    `utf16_order=True` reproduces that order so such signatures can still be checked.
    """
    unique = list(dict.fromkeys(quads))
    return _Canonicalizer(unique, utf16_order).run()
