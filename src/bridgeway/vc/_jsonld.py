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
import threading
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

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


_LOCK = threading.RLock()  # pyld's context resolver is shared; cache misses are rare, so one lock is enough
_CACHE_LIMIT = 50_000


def _bound(cache: dict[Any, Any]) -> None:
    """Keep a cache keyed partly by document content (type names) from growing without limit."""
    if len(cache) > _CACHE_LIMIT:
        cache.clear()


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
        with _LOCK:
            result: dict[str, Any] = _PROCESSOR._process_context(
                active, local, dict(_OPTIONS), override_protected=override, propagate=propagate
            )
    except jsonld.JsonLdError as exc:
        raise MalformedDocument(f"invalid JSON-LD context: {_jsonld_message(exc)}") from None
    _DERIVED[key] = (active, local, result)  # the references keep the ids stable
    return result


def _top_context(context: Any) -> dict[str, Any]:
    urls = tuple(context) if isinstance(context, list) else (context,)
    if not all(isinstance(url, str) for url in urls):
        raise UnknownContext("inline (embedded) JSON-LD contexts are not accepted; use bundled context URLs")
    hit = _TOP.get(urls)
    if hit is not None:
        return hit
    known = bundled_context_urls()
    for url in urls:
        if url not in known:
            raise UnknownContext(f"context {url!r} is not one of the bundled contexts")
    try:
        with _LOCK:
            result: dict[str, Any] = _PROCESSOR._process_context(_INITIAL, list(urls), dict(_OPTIONS))
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
    result: str | None = _PROCESSOR._expand_iri(ctx, value, vocab=True)
    if len(memo) > 10_000:  # undefined names chosen by an attacker must not grow memory
        memo.clear()
    memo[value] = result
    return result


def _expand_id(ctx: dict[str, Any], value: str) -> Any:
    """Expand an @id value (not vocabulary-relative): pyld's _expand_iri without its per-call overhead."""
    colon = value.find(":")
    if colon > 0 and not value.startswith("@"):
        prefix = value[:colon]
        if prefix == "_" or value.startswith("//", colon + 1):
            return value
        mapping = ctx["mappings"].get(prefix)
        if mapping and mapping.get("_prefix"):
            return mapping["@id"] + value[colon + 1 :]
        if prefix not in ctx["mappings"]:
            return value
    return _PROCESSOR._expand_iri(ctx, value)


def _jsonld_message(exc: Exception) -> str:
    parts = []
    while exc is not None:
        parts.append(str(exc).split("\n")[0])
        exc = exc.__cause__  # type: ignore[assignment]
    return "; ".join(parts)


# --- the fast path ---------------------------------------------------------------------------------------


_NORMAL, _LIST, _GRAPH, _JSON = 0, 1, 2, 3


class _Plan:
    """How one property of one active context turns into quads (computed once, then reused)."""

    __slots__ = ("expanded", "keyword", "kind", "maps", "predicate", "string", "term_ctx")

    def __init__(
        self, expanded: str, keyword: bool, predicate: str, term_ctx: Any, kind: int, maps: bool
    ) -> None:
        self.expanded = expanded
        self.keyword = keyword
        self.predicate = predicate
        self.term_ctx = term_ctx
        self.kind = kind
        self.maps = maps
        # how a plain string value is written: ("literal", datatype) or ("id", "") or ("other", "")
        self.string: tuple[str, str] = ("other", "")


_PLANS: dict[int, tuple[dict[str, Any], dict[str, _Plan]]] = {}
_SCOPED: dict[tuple[int, str | None, bool], tuple[dict[str, Any], dict[str, Any]]] = {}
_TYPED: dict[tuple[int, tuple[str, ...]], tuple[dict[str, Any], dict[str, Any]]] = {}
_LOCAL: dict[tuple[int, tuple[Any, ...]], tuple[dict[str, Any], dict[str, Any]]] = {}
_TYPE_TERMS: dict[tuple[int, str], tuple[dict[str, Any], str]] = {}


def _plans(ctx: dict[str, Any]) -> dict[str, _Plan]:
    entry = _PLANS.get(id(ctx))
    if entry is None or entry[0] is not ctx:
        entry = _PLANS[id(ctx)] = (ctx, {})
    return entry[1]


def _plan(ctx: dict[str, Any], key: str) -> _Plan:
    expanded = _vocab(ctx, key)
    if expanded is None or not (expanded.startswith("@") or _ABSOLUTE.match(expanded)):
        raise UndefinedTerm(f"property {key!r} is not defined by the document's contexts")
    if expanded.startswith("_:"):
        raise UndefinedTerm(f"property {key!r} expands to a blank node")
    if expanded.startswith("@"):
        return _Plan(expanded, True, "", ctx, _NORMAL, False)
    if ctx.get("@language") is not None or ctx.get("@direction") is not None:
        raise _Unsupported("default language")
    mapping = ctx["mappings"].get(key)
    term_ctx = ctx
    container: Any = ()
    coerce = None
    if mapping:
        if mapping.get("reverse"):
            raise _Unsupported("@reverse")
        if mapping.get("@language") is not None or mapping.get("@direction") is not None:
            raise _Unsupported("term language")
        scoped = mapping.get("@context")
        if scoped is not None:
            term_ctx = _process(ctx, scoped, override=True)
        container = mapping.get("@container") or ()
        coerce = mapping.get("@type")
    maps = any(c in container for c in ("@language", "@index", "@id", "@type"))
    if "@graph" in container and ("@id" in container or "@index" in container):
        raise _Unsupported("graph map")
    kind = (
        _JSON
        if coerce == "@json"
        else _LIST
        if "@list" in container
        else _GRAPH
        if "@graph" in container
        else _NORMAL
    )
    plan = _Plan(expanded, False, iri(expanded), term_ctx, kind, maps)
    value_mapping = term_ctx["mappings"].get(key) or {}
    if value_mapping.get("@language") is not None or value_mapping.get("@direction") is not None:
        raise _Unsupported("term language")
    if term_ctx.get("@language") is not None or term_ctx.get("@direction") is not None:
        raise _Unsupported("default language")
    value_coerce = value_mapping.get("@type")
    if value_coerce in (None, "@none"):
        plan.string = ("literal", XSD_STRING)
    elif value_coerce in ("@id", "@graph"):
        plan.string = ("id", "")
    elif not value_coerce.startswith("@"):
        plan.string = ("literal", value_coerce)
    return plan


def _scoped(ctx: dict[str, Any], prop: str | None, must_revert: bool) -> dict[str, Any]:
    """The active context for a node object under `prop`: type scope reverted, property scope applied."""
    key = (id(ctx), prop, must_revert)
    hit = _SCOPED.get(key)
    if hit is not None and hit[0] is ctx:
        return hit[1]
    mapping = ctx["mappings"].get(prop) if prop is not None else None
    property_scoped = mapping.get("@context") if mapping else None
    result = ctx
    if must_revert:
        result = ctx.get("previousContext") or ctx
    elif ctx.get("previousContext"):
        result = ctx  # a value object or a bare reference keeps the type-scoped context
    if property_scoped is not None:
        result = _process(result, property_scoped, override=True)
    _bound(_SCOPED)
    _SCOPED[key] = (ctx, result)
    return result


def _local(ctx: dict[str, Any], context: Any) -> dict[str, Any]:
    """Apply an embedded @context, which may only name bundled context URLs."""
    urls = tuple(context) if isinstance(context, list) else (context,)
    known = bundled_context_urls()
    for url in urls:
        if not isinstance(url, str):
            raise UnknownContext(
                "inline (embedded) JSON-LD contexts are not accepted; use bundled context URLs"
            )
        if url not in known:
            raise UnknownContext(f"context {url!r} is not one of the bundled contexts")
    key = (id(ctx), urls)
    hit = _LOCAL.get(key)
    if hit is not None and hit[0] is ctx:
        return hit[1]
    result = _process(ctx, list(urls))
    _bound(_LOCAL)
    _LOCAL[key] = (ctx, result)
    return result


def _typed(ctx: dict[str, Any], types: tuple[str, ...]) -> dict[str, Any]:
    """Apply the type-scoped contexts of `types` (sorted) to `ctx`."""
    key = (id(ctx), types)
    hit = _TYPED.get(key)
    if hit is not None and hit[0] is ctx:
        return hit[1]
    result = ctx
    for type_ in types:
        scoped = (ctx["mappings"].get(type_) or {}).get("@context")
        if scoped is not None and scoped is not False:
            result = _process(result, scoped, propagate=False)
    _bound(_TYPED)
    _TYPED[key] = (ctx, result)
    return result


def _type_term(ctx: dict[str, Any], type_: str) -> str:
    key = (id(ctx), type_)
    hit = _TYPE_TERMS.get(key)
    if hit is not None and hit[0] is ctx:
        return hit[1]
    expanded = _vocab(ctx, type_)
    if expanded is None or not _ABSOLUTE.match(expanded) or expanded.startswith("_:"):
        raise UndefinedTerm(f"type {type_!r} is not defined by the document's contexts")
    term = iri(expanded)
    _bound(_TYPE_TERMS)
    _TYPE_TERMS[key] = (ctx, term)
    return term


_IDS: dict[tuple[int, str], tuple[dict[str, Any], str]] = {}
_FIRST: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = {}
_SECOND: dict[
    tuple[Any, ...], tuple[dict[str, Any], dict[str, Any], list[tuple[str, _Plan]], str | None]
] = {}


def _first(
    ctx: dict[str, Any], prop: str | None, element: dict[str, Any], names: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """For an object with these keys under `prop`: the context before type scoping, and its @type keys."""
    must_revert = True
    if len(element) <= 2 and ctx.get("previousContext"):
        for key in sorted(element):
            expanded = _vocab(ctx, key)
            if expanded == "@value":
                must_revert = False
                break
            if expanded == "@id" and len(element) == 1:
                must_revert = False
                break
    type_ctx = _scoped(ctx, prop, must_revert)
    type_keys = tuple(k for k in names if _vocab(type_ctx, k) == "@type")
    result = (ctx, type_ctx, type_keys)
    _bound(_FIRST)
    _FIRST[(id(ctx), prop, names)] = result
    return result


def _second(
    type_ctx: dict[str, Any], names: tuple[str, ...], types: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, _Plan]], str | None]:
    """For an object with these keys and types: the final context, each key's plan, and any keyword."""
    ctx = _typed(type_ctx, types) if types else type_ctx
    plans = _plans(ctx)
    keys: list[tuple[str, _Plan]] = []
    special = None
    for key in names:
        if key == "@context":
            continue
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _plan(ctx, key)
        if plan.keyword and plan.expanded not in ("@id", "@type"):
            special = plan.expanded
        keys.append((key, plan))
    result = (type_ctx, ctx, keys, special)
    _bound(_SECOND)
    _SECOND[(id(type_ctx), names, types)] = result
    return result


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
        if not isinstance(expanded, str) or not _ABSOLUTE.match(expanded):
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
        _refuse_relative(processor.expand(document, dict(options)))
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
            for part in ("subject", "predicate", "object"):
                value = triple[part]
                if value["type"] == "IRI" and (
                    value["value"].startswith(jsonld.DEFAULT_BASE_IRI) or not _ABSOLUTE.match(value["value"])
                ):
                    # pyld resolves undefined types and relative IRIs against a placeholder base
                    raise UndefinedTerm(f"{value['value']!r} is not defined by the document's contexts")
            quads.append(
                (_term(triple["subject"]), iri(triple["predicate"]["value"]), _term(triple["object"]), graph)
            )
    return quads


def _refuse_relative(value: Any) -> None:
    """pyld drops relative @type and @id values silently; the strict path refuses them."""
    if isinstance(value, list):
        for item in value:
            _refuse_relative(item)
    elif isinstance(value, dict):
        if "@value" in value:
            return
        for key, item in value.items():
            if key in ("@type", "@id"):
                for name in item if isinstance(item, list) else [item]:
                    if isinstance(name, str) and not name.startswith("_:") and not _ABSOLUTE.match(name):
                        raise UndefinedTerm(f"{name!r} is not defined by the document's contexts")
            else:
                _refuse_relative(item)


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
    if _count(value, max_depth) > max_values:
        raise MalformedDocument(f"the document holds more than {max_values} JSON values")


def _count(value: Any, depth: int) -> int:
    if isinstance(value, dict):
        if depth <= 0:
            raise MalformedDocument(f"the document is nested deeper than {MAX_DEPTH} levels")
        total = 1
        for key, item in value.items():
            if not isinstance(key, str):
                raise MalformedDocument("JSON object keys must be strings")
            total += _count(item, depth - 1) if isinstance(item, dict | list) else 1
        return total
    if isinstance(value, list):
        if depth <= 0:
            raise MalformedDocument(f"the document is nested deeper than {MAX_DEPTH} levels")
        total = 1
        for item in value:
            total += _count(item, depth - 1) if isinstance(item, dict | list) else 1
        return total
    return 1
