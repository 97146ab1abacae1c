"""The bundled JSON-LD contexts and the offline document loader.

The contexts are copied byte for byte from pinned npm packages (see _bundled/manifest.json and
tests/interop/export_contexts.mjs); each file's SHA-256 is checked when this module is imported, so a
modified context can never be used to sign or verify. The CLR 2.0 context, which no npm package publishes, is
read from the installed PyPI distribution that ships it (PACKAGED_CONTEXTS), again checked against a pinned
SHA-256; when that distribution is absent or differs, the context is unavailable and the reason is kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bridgeway.vc._errors import UnknownContext

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


@dataclass(frozen=True)
class PackagedContext:
    """A context read from an installed distribution's file, accepted only with the pinned SHA-256."""

    url: str
    distribution: str
    path: str
    sha256: str


PACKAGED_CONTEXTS = (
    # 1EdTech's CLR 2.0 context as published at the URL (captured by openbadgeslib 4.6.3, LGPL-3.0; we read
    # the data file from the installed wheel and never import the library). See docs/decisions/0003.
    PackagedContext(
        url=CLR_V2,
        distribution="openbadgeslib",
        path="openbadgeslib/ob3/contexts/clr_context_2.0.1.json",
        sha256="880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
    ),
)


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


def _read_packaged(context: PackagedContext) -> bytes:
    """The bytes of a packaged context, or UnknownContext saying why it is not available."""
    try:
        located = Path(str(metadata.distribution(context.distribution).locate_file(context.path)))
        data = located.read_bytes()
    except (metadata.PackageNotFoundError, OSError):
        raise UnknownContext(
            f"context {context.url!r} comes from the Python package {context.distribution!r}, "
            "which is not installed"
        ) from None
    if hashlib.sha256(data).hexdigest() != context.sha256:
        raise UnknownContext(
            f"the installed {context.distribution!r} ships a context {context.url!r} whose bytes differ "
            "from the pinned SHA-256"
        )
    return data


MANIFEST, _RAW = _load()
_UNAVAILABLE: dict[str, str] = {}
for _context in PACKAGED_CONTEXTS:
    try:
        _RAW[_context.url] = _read_packaged(_context)
    except UnknownContext as _exc:
        _UNAVAILABLE[_context.url] = str(_exc)
_PARSED: dict[str, Any] = {url: json.loads(data) for url, data in _RAW.items()}


def unavailable_contexts() -> dict[str, str]:
    """Contexts this library would accept but cannot load here, with the reason for each."""
    return dict(_UNAVAILABLE)


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


def _not_bundled(url: str, what: str) -> UnknownContext:
    return UnknownContext(_UNAVAILABLE.get(url) or f"context {url!r} is not {what}")


def bundled_context_bytes(url: str) -> bytes:
    """The exact bytes of a bundled context."""
    try:
        return _RAW[url]
    except KeyError:
        raise _not_bundled(url, "bundled") from None


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld-compatible document loader that serves bundled contexts and refuses everything else."""
    try:
        document = json.loads(_RAW[url])
    except KeyError:
        raise _not_bundled(url, "one of the bundled contexts") from None
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
        "contentType": "application/ld+json",
    }
