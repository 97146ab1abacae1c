"""Active JSON-LD contexts for the fast path: processed once by pyld, then cached with per-property plans.

Every cache is keyed by the identity of the active context it derives from (kept alive by the cache entry) and
is bounded where its keys come from document content.
"""

from __future__ import annotations

import threading
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from bridgeway.vc._contexts import bundled_context_urls, document_loader
from bridgeway.vc._errors import MalformedDocument, UndefinedTerm, UnknownContext
from bridgeway.vc._rdfc import XSD_STRING, iri
from bridgeway.vc._reference import ABSOLUTE_IRI, jsonld_message

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
        raise MalformedDocument(f"invalid JSON-LD context: {jsonld_message(exc)}") from None
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
        raise MalformedDocument(f"invalid JSON-LD context: {jsonld_message(exc)}") from None
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
    if expanded is None or not (expanded.startswith("@") or ABSOLUTE_IRI.match(expanded)):
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
    if expanded is None or not ABSOLUTE_IRI.match(expanded) or expanded.startswith("_:"):
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
