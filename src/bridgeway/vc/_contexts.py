"""The bundled JSON-LD contexts and the offline document loader.

The contexts are copied byte for byte from pinned npm packages (see _bundled/manifest.json and
tests/interop/export_contexts.mjs); each file's SHA-256 is checked when this module is imported, so a
modified context can never be used to sign or verify.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from bridgeway.vc._errors import UnknownContext

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"


def _load() -> tuple[dict[str, Any], dict[str, bytes]]:
    folder = resources.files("bridgeway.vc._bundled")
    manifest = json.loads((folder / "manifest.json").read_bytes())
    raw: dict[str, bytes] = {}
    for url, entry in manifest.items():
        data = (folder / entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise RuntimeError(f"bundled context {entry['file']} does not match its SHA-256 in manifest.json")
        raw[url] = data
    return manifest, raw


MANIFEST, _RAW = _load()
_PARSED: dict[str, Any] = {url: json.loads(data) for url, data in _RAW.items()}


def register_context(url: str, data: bytes, sha256: str) -> None:
    """Accept one more context (e.g. the CLR 2.0 context) whose bytes must match the pinned SHA-256."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UnknownContext(f"the bytes given for context {url!r} do not match the pinned SHA-256")
    if url in _RAW and _RAW[url] != data:
        raise UnknownContext(f"context {url!r} is already registered with different bytes")
    json.loads(data)
    _RAW[url] = data
    _PARSED[url] = json.loads(data)


def bundled_context_urls() -> frozenset[str]:
    """The context URLs this library knows (and the only ones it accepts)."""
    return frozenset(_RAW)


def bundled_context_bytes(url: str) -> bytes:
    """The exact bytes of a bundled context."""
    try:
        return _RAW[url]
    except KeyError:
        raise UnknownContext(f"context {url!r} is not bundled") from None


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld-compatible document loader that serves bundled contexts and refuses everything else."""
    try:
        document = json.loads(_RAW[url])
    except KeyError:
        raise UnknownContext(f"context {url!r} is not one of the bundled contexts") from None
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
        "contentType": "application/ld+json",
    }
