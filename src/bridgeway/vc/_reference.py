"""The reference JSON-LD path: pyld's to_rdf with the offline loader, strict, with N-Quads escaping fixed."""

from __future__ import annotations

import re
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from bridgeway.vc._contexts import document_loader
from bridgeway.vc._errors import MalformedDocument, UndefinedTerm, UnknownContext
from bridgeway.vc._rdfc import XSD_STRING, Quad, iri, literal

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")


def jsonld_message(exc: Exception) -> str:
    parts = []
    while exc is not None:
        parts.append(str(exc).split("\n")[0])
        exc = exc.__cause__  # type: ignore[assignment]
    return "; ".join(parts)


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
        raise MalformedDocument(f"not valid JSON-LD: {jsonld_message(exc)}") from None
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
                    value["value"].startswith(jsonld.DEFAULT_BASE_IRI)
                    or not ABSOLUTE_IRI.match(value["value"])
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
                    if isinstance(name, str) and not name.startswith("_:") and not ABSOLUTE_IRI.match(name):
                        raise UndefinedTerm(f"{name!r} is not defined by the document's contexts")
            else:
                _refuse_relative(item)


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc
