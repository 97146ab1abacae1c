"""JSON-LD to RDF for credentials: strict, offline, with context processing done once.

Two paths produce the same RDF quads:

* the fast path (`to_quads`) walks the document with the JSON-LD 1.1 expansion rules, using active contexts
  that pyld processes once per combination and that are cached here, and emits quads directly;
* the reference path (`reference_quads`) is pyld's own `to_rdf` with our offline loader.

The fast path is strict: a property or type that the contexts do not define (a term a JSON-LD processor would
drop), an inline or unknown context, a relative IRI or a colliding keyword is refused with an exception. For
JSON-LD features it does not implement (reverse properties, index/language/id/type maps, @nest, @included,
explicit @graph/@list objects) it hands the document to the reference path, still refusing dropped terms.
Tests prove both paths give byte-identical canonical N-Quads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

from bridgeway.vc._contexts import bundled_context_urls, document_loader
from bridgeway.vc._errors import MalformedDocument, UndefinedTerm, UnknownContext
from bridgeway.vc._jcs import canonical_json
from bridgeway.vc._rdfc import XSD_STRING, Quad, iri, literal

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = f"<{RDF}type>"
_RDF_FIRST = f"<{RDF}first>"
_RDF_REST = f"<{RDF}rest>"
_RDF_NIL = f"<{RDF}nil>"
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_VALUE_KEYS = frozenset({"@value", "@type", "@language", "@index"})

_PROCESSOR = jsonld.JsonLdProcessor()
_OPTIONS: dict[str, Any] = {
    "base": "",
    "documentLoader": document_loader,
    "processingMode": "json-ld-1.1",
    "isFrame": False,
    "keepFreeFloatingNodes": False,
}
_OPTIONS["contextResolver"] = ContextResolver({}, document_loader)


class _Unsupported(Exception):
    """A JSON-LD feature the fast path leaves to the reference path."""


# --- context processing, cached ------------------------------------------------------------------------

_INITIAL: dict[str, Any] = _PROCESSOR._get_initial_context(_OPTIONS)
_TOP: dict[tuple[str, ...], dict[str, Any]] = {}
_DERIVED: dict[tuple[int, int, bool, bool], tuple[dict[str, Any], Any, dict[str, Any]]] = {}
_IRIS: dict[int, tuple[dict[str, Any], dict[str, str | None]]] = {}


def _process(
    active: dict[str, Any], local: Any, *, override: bool = False, propagate: bool = True
) -> dict[str, Any]:
    key = (id(active), id(local), override, propagate)
    hit = _DERIVED.get(key)
    if hit is not None and hit[0] is active and hit[1] is local:
        return hit[2]
    try:
        result: dict[str, Any] = _PROCESSOR._process_context(
            active, local, dict(_OPTIONS), override_protected=override, propagate=propagate
        )
    except jsonld.JsonLdError as exc:
        raise MalformedDocument(f"invalid JSON-LD context: {_jsonld_message(exc)}") from None
    _DERIVED[key] = (active, local, result)  # the references keep the ids stable
    return result


def _top_context(context: Any) -> dict[str, Any]:
    urls = tuple(context) if isinstance(context, list) else (context,)
    hit = _TOP.get(urls)
    if hit is not None:
        return hit
    known = bundled_context_urls()
    for url in urls:
        if not isinstance(url, str):
            raise UnknownContext(
                "inline (embedded) JSON-LD contexts are not accepted; use bundled context URLs"
            )
        if url not in known:
            raise UnknownContext(f"context {url!r} is not one of the bundled contexts")
    try:
        result = _PROCESSOR._process_context(_INITIAL, list(urls), dict(_OPTIONS))
    except jsonld.JsonLdError as exc:
        raise MalformedDocument(f"invalid JSON-LD context: {_jsonld_message(exc)}") from None
    _TOP[urls] = result
    return result


def _vocab(ctx: dict[str, Any], value: str) -> str | None:
    """Expand a property or type name (vocab-relative), memoised per active context."""
    entry = _IRIS.get(id(ctx))
    if entry is None or entry[0] is not ctx:
        entry = (ctx, {})
        _IRIS[id(ctx)] = entry
    memo = entry[1]
    try:
        return memo[value]
    except KeyError:
        pass
    result = _PROCESSOR._expand_iri(ctx, value, vocab=True)
    memo[value] = result
    return result


def _jsonld_message(exc: Exception) -> str:
    parts = []
    while exc is not None:
        parts.append(str(exc).split("\n")[0])
        exc = exc.__cause__  # type: ignore[assignment]
    return "; ".join(parts)


# --- the fast path ---------------------------------------------------------------------------------------


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
        expanded = _PROCESSOR._expand_iri(ctx, value)
        if not isinstance(expanded, str) or not _ABSOLUTE.match(expanded):
            raise MalformedDocument(f"identifier {value!r} is not an absolute IRI")
        return iri(expanded)

    # expansion of one value under a property ------------------------------------------------------------

    def element(
        self, ctx: dict[str, Any], prop: str | None, element: dict[str, Any], graph: str
    ) -> str | None:
        """Expand a JSON object (node or value object) found under `prop`; return its RDF term."""
        if "@context" in element:
            raise UnknownContext("embedded @context inside a document is not accepted")
        type_scoped: dict[str, Any] | None = None
        mapping = ctx["mappings"].get(prop) if prop is not None else None
        property_scoped = mapping.get("@context") if mapping else None
        if ctx.get("previousContext"):
            type_scoped = ctx
        must_revert = True
        if type_scoped is not None and len(element) <= 2:
            for key in sorted(element):
                expanded = _vocab(type_scoped, key)
                if expanded == "@value":
                    must_revert = False
                    ctx = type_scoped
                    break
                if expanded == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert:
            ctx = ctx.get("previousContext") or ctx
        if property_scoped is not None:
            ctx = _process(ctx, property_scoped, override=True)
        type_ctx = ctx
        types: list[str] = []
        keys: list[tuple[str, str]] = []
        for key in sorted(element):
            expanded = _vocab(ctx, key)
            if expanded == "@type":
                value = element[key]
                for type_ in value if isinstance(value, list) else [value]:
                    if not isinstance(type_, str):
                        raise MalformedDocument('"type" values must be strings')
                    types.append(type_)
        for type_ in sorted(types):
            scoped = type_ctx["mappings"].get(type_, {}) or {}
            scoped_ctx = scoped.get("@context")
            if scoped_ctx is not None and scoped_ctx is not False:
                ctx = _process(ctx, scoped_ctx, propagate=False)
        for key in sorted(element):
            expanded = _vocab(ctx, key)
            if expanded is None or not (expanded.startswith("@") or _ABSOLUTE.match(expanded)):
                raise UndefinedTerm(f"property {key!r} is not defined by the document's contexts")
            if expanded.startswith("_:"):
                raise UndefinedTerm(f"property {key!r} expands to a blank node")
            keys.append((key, expanded))
        expanded_keys = {e for _, e in keys}
        if "@value" in expanded_keys:
            return self.value_object(type_ctx, element, keys)
        if expanded_keys & {
            "@list",
            "@set",
            "@graph",
            "@reverse",
            "@included",
            "@nest",
            "@index",
            "@language",
            "@direction",
            "@json",
            "@none",
        }:
            raise _Unsupported("keyword")
        return self.node(ctx, type_ctx, element, keys, types, graph)

    def value_object(
        self, type_ctx: dict[str, Any], element: dict[str, Any], keys: list[tuple[str, str]]
    ) -> str | None:
        fields: dict[str, Any] = {}
        for key, expanded in keys:
            if expanded not in _VALUE_KEYS or expanded in fields:
                raise MalformedDocument("invalid value object")
            fields[expanded] = element[key]
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
            if expanded_type is None or not _ABSOLUTE.match(expanded_type) or expanded_type.startswith("_:"):
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
        keys: list[tuple[str, str]],
        types: list[str],
        graph: str,
    ) -> str:
        subject = None
        for key, expanded in keys:
            if expanded == "@id":
                if subject is not None:
                    raise MalformedDocument("colliding keywords: two properties expand to @id")
                subject = self.node_id(ctx, element[key])
        if subject is None:
            subject = self.new_blank()
        quads = self.quads
        for type_ in types:
            expanded_type = _vocab(type_ctx, type_)
            if expanded_type is None or not _ABSOLUTE.match(expanded_type) or expanded_type.startswith("_:"):
                raise UndefinedTerm(f"type {type_!r} is not defined by the document's contexts")
            quads.append((subject, _RDF_TYPE, iri(expanded_type), graph))
        for key, expanded in keys:
            if expanded in ("@id", "@type"):
                continue
            mapping = ctx["mappings"].get(key)
            term_ctx = ctx
            container: Any = ()
            coerce = None
            if mapping:
                if mapping.get("reverse"):
                    raise _Unsupported("@reverse")
                scoped = mapping.get("@context")
                if scoped is not None:
                    term_ctx = _process(ctx, scoped, override=True)
                container = mapping.get("@container") or ()
                coerce = mapping.get("@type")
                if mapping.get("@language") is not None or mapping.get("@direction") is not None:
                    raise _Unsupported("term language")
            if ctx.get("@language") is not None or ctx.get("@direction") is not None:
                raise _Unsupported("default language")
            predicate = iri(expanded)
            value = element[key]
            if coerce == "@json":
                quads.append((subject, predicate, literal(canonical_json(value), f"{RDF}JSON"), graph))
                continue
            if isinstance(value, dict) and any(
                c in container for c in ("@language", "@index", "@id", "@type")
            ):
                raise _Unsupported("map container")
            if "@list" in container:
                head = self.list_(term_ctx, key, value if isinstance(value, list) else [value], graph)
                quads.append((subject, predicate, head, graph))
                continue
            in_graph = "@graph" in container
            if in_graph and ("@id" in container or "@index" in container):
                raise _Unsupported("graph map")
            for item in _flatten(value):
                if in_graph:
                    named = self.new_blank()
                    self.item(term_ctx, key, item, named)
                    quads.append((subject, predicate, named, graph))
                    continue
                term = self.item(term_ctx, key, item, graph)
                if term is not None:
                    quads.append((subject, predicate, term, graph))
        return subject

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


# --- the reference path ----------------------------------------------------------------------------------


def _term(node: dict[str, Any]) -> str:
    if node["type"] == "IRI":
        return iri(node["value"])
    if node["type"] == "blank node":
        return str(node["value"])
    return literal(node["value"], node.get("datatype") or XSD_STRING, node.get("language"))


def reference_quads(document: dict[str, Any]) -> list[Quad]:
    """Convert with pyld's to_rdf (offline loader), refusing anything the processor drops; N-Quads escaping fixed."""
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    options = {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver({}, document_loader),
        "base": None,
    }
    try:
        dataset = processor.to_rdf(document, options)
    except jsonld.JsonLdError as exc:
        if isinstance(_root_cause(exc), UnknownContext):
            raise UnknownContext(str(_root_cause(exc))) from None
        raise MalformedDocument(f"not valid JSON-LD: {_jsonld_message(exc)}") from None
    if dropped:
        raise UndefinedTerm(f"property {dropped[0]!r} is not defined by the document's contexts")
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        graph = (
            ""
            if graph_name == "@default"
            else (graph_name if graph_name.startswith("_:") else iri(graph_name))
        )
        for triple in triples:
            quads.append(
                (_term(triple["subject"]), iri(triple["predicate"]["value"]), _term(triple["object"]), graph)
            )
    return quads


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


# --- JSON parsing with limits ----------------------------------------------------------------------------

MAX_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_VALUES = 20_000


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedDocument(f"duplicate key {key!r} in a JSON object")
        result[key] = value
    return result


def parse_json(data: str | bytes, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse JSON text, refusing oversized input, duplicate keys and excessive nesting."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise MalformedDocument(f"the document is too large ({size} bytes; the limit is {max_bytes})")
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedDocument("the document is nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDocument(f"not valid JSON: {exc}") from None
    check_limits(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise MalformedDocument(f"{name} is not valid JSON")


def check_limits(value: Any, *, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Refuse documents nested deeper than max_depth or holding more than max_values JSON values."""
    count = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            raise MalformedDocument(f"the document holds more than {max_values} JSON values")
        if isinstance(item, dict):
            if depth > max_depth:
                raise MalformedDocument(f"the document is nested deeper than {max_depth} levels")
            for key in item:
                if not isinstance(key, str):
                    raise MalformedDocument("JSON object keys must be strings")
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            if depth > max_depth:
                raise MalformedDocument(f"the document is nested deeper than {max_depth} levels")
            stack.extend((v, depth + 1) for v in item)
