"""JSON-LD to RDF for credentials: strict, offline, with context processing done once.

Two paths produce the same RDF quads:

* the fast path (`to_quads`) walks the document with the JSON-LD 1.1 expansion rules, using active contexts
  that pyld processes once per combination and that `_active` caches, and emits quads directly;
* the reference path (`reference_quads`) is pyld's own `to_rdf` with our offline loader.

The fast path is strict: a property or type that the contexts do not define (a term a JSON-LD processor would
drop), an inline or unknown context, a relative IRI or a colliding keyword is refused with an exception. For
JSON-LD features it does not implement (reverse properties, index/language/id/type maps, @nest, @included,
explicit @graph/@list objects) it hands the document to the reference path, still refusing dropped terms.
Tests prove both paths give byte-identical canonical N-Quads.
"""

from __future__ import annotations

import re
from typing import Any

from bridgeway.vc._active import (
    _FIRST,
    _GRAPH,
    _IDS,
    _JSON,
    _LIST,
    _NORMAL,
    _SECOND,
    _bound,
    _expand_id,
    _first,
    _local,
    _Plan,
    _scoped,
    _second,
    _top_context,
    _type_term,
    _Unsupported,
    _vocab,
)
from bridgeway.vc._errors import MalformedDocument, UndefinedTerm
from bridgeway.vc._jcs import canonical_json
from bridgeway.vc._rdfc import XSD_STRING, Quad, iri, literal
from bridgeway.vc._reference import ABSOLUTE_IRI, reference_quads

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = f"<{RDF}type>"
_RDF_FIRST = f"<{RDF}first>"
_RDF_REST = f"<{RDF}rest>"
_RDF_NIL = f"<{RDF}nil>"
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_VALUE_KEYS = frozenset({"@value", "@type", "@language", "@index"})


class _Emitter:
    __slots__ = ("blank", "counter", "quads")

    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self.counter = 0
        self.blank: dict[str, str] = {}

    def new_blank(self) -> str:
        name = f"_:b{self.counter}"
        self.counter += 1
        return name

    def node_id(self, ctx: dict[str, Any], value: Any) -> str:
        if not isinstance(value, str):
            raise MalformedDocument('"id" must be a string')
        if value.startswith("_:"):
            named = self.blank.get(value)
            if named is None:
                named = self.blank[value] = self.new_blank()
            return named
        hit = _IDS.get((id(ctx), value))
        if hit is not None and hit[0] is ctx:
            return hit[1]
        expanded = _expand_id(ctx, value)
        if not isinstance(expanded, str) or not ABSOLUTE_IRI.match(expanded):
            raise MalformedDocument(f"identifier {value!r} is not an absolute IRI")
        term = iri(expanded)
        _bound(_IDS)
        _IDS[(id(ctx), value)] = (ctx, term)
        return term

    # expansion of one value under a property ------------------------------------------------------------

    def element(
        self, ctx: dict[str, Any], prop: str | None, element: dict[str, Any], graph: str
    ) -> str | None:
        """Expand a JSON object (node or value object) found under `prop`; return its RDF term."""
        names = tuple(element)
        if "@context" in element:  # an embedded credential (e.g. in a presentation) names its own contexts
            type_ctx = _local(_scoped(ctx, prop, True), element["@context"])
            type_keys = tuple(k for k in names if _vocab(type_ctx, k) == "@type")
        else:
            first = _FIRST.get((id(ctx), prop, names))
            if first is None or first[0] is not ctx:
                first = _first(ctx, prop, element, names)
            type_ctx, type_keys = first[1], first[2]
        types: list[str] = []
        for key in type_keys:
            value = element[key]
            for type_ in value if isinstance(value, list) else [value]:
                if not isinstance(type_, str):
                    raise MalformedDocument('"type" values must be strings')
                types.append(type_)
        type_names = tuple(sorted(types))
        second = _SECOND.get((id(type_ctx), names, type_names))
        if second is None or second[0] is not type_ctx:
            second = _second(type_ctx, names, type_names)
        _, ctx, keys, special = second
        if special == "@value":
            return self.value_object(type_ctx, element, keys)
        if special is not None:
            raise _Unsupported("keyword")
        return self.node(ctx, type_ctx, element, keys, types, graph)

    def value_object(
        self, type_ctx: dict[str, Any], element: dict[str, Any], keys: list[tuple[str, _Plan]]
    ) -> str | None:
        fields: dict[str, Any] = {}
        for key, plan in keys:
            if plan.expanded not in _VALUE_KEYS or plan.expanded in fields:
                raise MalformedDocument("invalid value object")
            fields[plan.expanded] = element[key]
        if "@index" in fields:
            raise _Unsupported("@index")
        value = fields["@value"]
        datatype = fields.get("@type")
        if datatype is not None:
            if not isinstance(datatype, str) or "@language" in fields:
                raise MalformedDocument("invalid typed value")
            expanded_type = _vocab(type_ctx, datatype)
            if expanded_type == "@json":
                return literal(canonical_json(value), f"{RDF}JSON")
            if (
                expanded_type is None
                or not ABSOLUTE_IRI.match(expanded_type)
                or expanded_type.startswith("_:")
            ):
                raise UndefinedTerm(f"value type {datatype!r} is not defined by the document's contexts")
            datatype = expanded_type
        if value is None:
            return None
        if isinstance(value, dict | list):
            raise MalformedDocument("a value object's @value must be a scalar")
        language = fields.get("@language")
        if language is not None:
            if not isinstance(value, str) or not isinstance(language, str):
                raise MalformedDocument("only strings can carry a language")
            if not _LANGUAGE.match(language):
                raise _Unsupported("language tag")
            return literal(value, language=language.lower())
        return _native(value, datatype)

    def node(
        self,
        ctx: dict[str, Any],
        type_ctx: dict[str, Any],
        element: dict[str, Any],
        keys: list[tuple[str, _Plan]],
        types: list[str],
        graph: str,
    ) -> str:
        subject = None
        for key, plan in keys:
            if plan.expanded == "@id":
                if subject is not None:
                    raise MalformedDocument("colliding keywords: two properties expand to @id")
                subject = self.node_id(ctx, element[key])
        if subject is None:
            subject = self.new_blank()
        quads = self.quads
        for type_ in types:
            quads.append((subject, _RDF_TYPE, _type_term(type_ctx, type_), graph))
        for key, plan in keys:
            if plan.keyword:
                continue
            predicate = plan.predicate
            value = element[key]
            kind = plan.kind
            if kind == _JSON:
                quads.append((subject, predicate, literal(canonical_json(value), f"{RDF}JSON"), graph))
                continue
            if isinstance(value, dict) and plan.maps:
                raise _Unsupported("map container")
            term_ctx = plan.term_ctx
            if kind == _LIST:
                head = self.list_(term_ctx, key, value if isinstance(value, list) else [value], graph)
                quads.append((subject, predicate, head, graph))
                continue
            items = value if isinstance(value, list) else (value,)
            how, datatype = plan.string
            for item in items:
                if kind == _NORMAL and type(item) is str and how != "other":
                    if how == "literal":
                        quads.append((subject, predicate, literal(item, datatype), graph))
                    else:
                        quads.append((subject, predicate, self.node_id(term_ctx, item), graph))
                    continue
                if isinstance(item, list):
                    for nested in _flatten(item):
                        self.emit(term_ctx, key, nested, subject, predicate, graph, kind)
                    continue
                self.emit(term_ctx, key, item, subject, predicate, graph, kind)
        return subject

    def emit(
        self, ctx: dict[str, Any], key: str, item: Any, subject: str, predicate: str, graph: str, kind: int
    ) -> None:
        if kind == _GRAPH:
            named = self.new_blank()
            self.item(ctx, key, item, named)
            self.quads.append((subject, predicate, named, graph))
            return
        term = self.item(ctx, key, item, graph)
        if term is not None:
            self.quads.append((subject, predicate, term, graph))

    def item(self, ctx: dict[str, Any], prop: str, item: Any, graph: str) -> str | None:
        if item is None:
            return None
        if isinstance(item, dict):
            return self.element(ctx, prop, item, graph)
        return self.scalar(ctx, prop, item)

    def scalar(self, ctx: dict[str, Any], prop: str, value: Any) -> str:
        mapping = ctx["mappings"].get(prop) or {}
        coerce = mapping.get("@type")
        if isinstance(value, str):
            if coerce in ("@id", "@graph"):
                return self.node_id(ctx, value)
            if coerce == "@vocab":
                expanded = _vocab(ctx, value)
                if expanded is None:
                    raise UndefinedTerm(f"value {value!r} is not defined by the document's contexts")
                return self.node_id(ctx, expanded) if not expanded.startswith("@") else _fail(value)
        datatype = coerce if coerce not in (None, "@id", "@vocab", "@none", "@graph") else None
        return _native(value, datatype)

    def list_(self, ctx: dict[str, Any], prop: str, items: list[Any], graph: str) -> str:
        terms = []
        for item in items:
            if isinstance(item, list):
                raise _Unsupported("list of lists")
            if isinstance(item, dict) and "@list" in item:
                raise _Unsupported("list object")
            term = self.item(ctx, prop, item, graph)
            if term is not None:
                terms.append(term)
        if not terms:
            return _RDF_NIL
        nodes = [self.new_blank() for _ in terms]
        for index, (node, term) in enumerate(zip(nodes, terms, strict=True)):
            self.quads.append((node, _RDF_FIRST, term, graph))
            rest = nodes[index + 1] if index + 1 < len(nodes) else _RDF_NIL
            self.quads.append((node, _RDF_REST, rest, graph))
        return nodes[0]


def _fail(value: str) -> str:
    raise MalformedDocument(f"value {value!r} expands to a keyword")


def _flatten(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    out: list[Any] = []
    for item in value:
        out.extend(_flatten(item))
    return out


def _double(value: float) -> str:
    mantissa, _, exponent = f"{value:.15e}".partition("e")
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0") or "0"
    return f"{whole}.{fraction}E{int(exponent)}"


def _native(value: Any, datatype: str | None) -> str:
    if isinstance(value, bool):
        return literal("true" if value else "false", datatype or f"{XSD}boolean")
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise MalformedDocument("integer too large (beyond 2^53)")
        if datatype == f"{XSD}double":
            return literal(_double(float(value)), datatype)
        return literal(str(value), datatype or f"{XSD}integer")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MalformedDocument("NaN and Infinity are not JSON")
        if value.is_integer() and abs(value) < 1e21 and datatype != f"{XSD}double":
            return literal(str(int(value)), datatype or f"{XSD}integer")
        return literal(_double(value), datatype or f"{XSD}double")
    if isinstance(value, str):
        return literal(value, datatype or XSD_STRING)
    raise MalformedDocument(f"unexpected JSON value of type {type(value).__name__}")


def to_quads(document: dict[str, Any]) -> list[Quad]:
    """Convert a credential-like JSON-LD document to RDF quads; refuse undefined terms and unknown contexts."""
    if not isinstance(document, dict):
        raise MalformedDocument("a JSON-LD document must be a JSON object")
    if "@context" not in document:
        raise MalformedDocument("the document has no @context")
    ctx = _top_context(document["@context"])
    body = {k: v for k, v in document.items() if k != "@context"}
    emitter = _Emitter()
    try:
        emitter.element(ctx, None, body, "")
    except _Unsupported:
        return reference_quads(document)
    except RecursionError:
        raise MalformedDocument("the document is nested too deeply") from None
    return emitter.quads
