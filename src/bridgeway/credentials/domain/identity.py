"""Issuer identity: did:web identifiers of institutions and their DID documents (https://w3c-ccg.github.io/did-method-web/)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bridgeway import vc


def institution_did(base_url: str, slug: str) -> str:
    """Return the did:web of an institution served under base_url at /institutions/<slug>/did.json.

    The host's port colon is percent-encoded (did:web:host%3A8000:...); path segments become ':'-separated.
    """
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"base_url '{base_url}' has no host")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did", "web", host, *segments, "institutions", quote(slug, safe="")])


def institution_slug_from_did(base_url: str, did: str) -> str | None:
    """Return the slug when the DID is one of ours under base_url, else None."""
    prefix = institution_did(base_url, "x")[: -len("x")]
    did = did.split("#")[0]
    if not did.startswith(prefix):
        return None
    slug = unquote(did.removeprefix(prefix))
    return slug if slug and ":" not in slug else None


def did_document(
    did: str, public_keys: list[tuple[str, str]], *, active_fragment: str | None
) -> dict[str, Any]:
    """Build a DID document listing every key as a Multikey verification method.

    `public_keys` holds (fragment, publicKeyMultibase) pairs. Every key stays an assertion method so
    credentials signed before a rotation still verify; the active key is listed first.
    """
    ordered = sorted(public_keys, key=lambda k: (k[0] != active_fragment, k[0]))
    return vc.did_web_document(
        did, [(fragment, vc.decode_multikey(multibase)) for fragment, multibase in ordered]
    )
