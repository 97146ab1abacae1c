"""DID resolution: did:key built in, did:web through an injectable fetcher port.

did:key: https://w3c-ccg.github.io/did-key-spec/ ; did:web: https://w3c-ccg.github.io/did-method-web/ ;
DID documents and Multikey verification methods: https://www.w3.org/TR/did-core/ and
https://www.w3.org/TR/controller-document/#multikey .
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bridgeway.vc._errors import InvalidKey, UnresolvableDid, VcError
from bridgeway.vc._json import parse_json
from bridgeway.vc._keys import decode_multikey, encode_multikey

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


class FetchError(VcError):
    """A document could not be fetched (not found, refused by the allow-list, too large, timed out)."""


class Fetcher(Protocol):
    """The port through which did:web documents and status-list credentials are fetched.

    The application supplies an HTTP implementation (allow-list, timeouts, size limits, no private addresses);
    this library only calls `fetch` and never opens a connection itself.
    """

    def fetch(self, url: str) -> bytes:
        """Return the body at `url`, or raise FetchError."""
        ...


class InMemoryFetcher:
    """A Fetcher serving fixed documents (tests, the offline CLI, pre-fetched status lists)."""

    def __init__(self, documents: Mapping[str, bytes | str | Mapping[str, Any]] | None = None) -> None:
        self._documents: dict[str, bytes] = {}
        for url, body in (documents or {}).items():
            self.add(url, body)

    def add(self, url: str, body: bytes | str | Mapping[str, Any]) -> None:
        """Serve `body` (bytes, text, or a JSON object) at `url`."""
        if isinstance(body, Mapping):
            body = json.dumps(body)
        self._documents[url] = body.encode("utf-8") if isinstance(body, str) else bytes(body)

    def fetch(self, url: str) -> bytes:
        """Return the stored body or raise FetchError."""
        try:
            return self._documents[url]
        except KeyError:
            raise FetchError(f"no document is known at {url}") from None


def fetch(fetcher: Fetcher, url: str) -> bytes:
    """Call the port; any failure of the application's fetcher becomes a FetchError.

    This is the library's boundary with code it does not control: verification promises a result, never an
    exception, so an unexpected error from an HTTP client is reported as "could not fetch" rather than raised.
    """
    try:
        body = fetcher.fetch(url)
    except FetchError:
        raise
    except Exception as exc:
        raise FetchError(f"fetching {url} failed ({type(exc).__name__}: {exc})") from exc
    if not isinstance(body, bytes | bytearray | str):
        raise FetchError(f"the fetcher returned {type(body).__name__} for {url}, not bytes")
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def did_web_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document (did:web:host[:path…])."""
    if not did.startswith("did:web:"):
        raise UnresolvableDid(f"not a did:web identifier: {did}")
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    if not host or "/" in host or "@" in host:
        raise UnresolvableDid(f"invalid did:web host in {did}")
    path = "/".join(unquote(p) for p in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a did:key (Ed25519 Multikey)."""
    multikey = did[len("did:key:") :]
    try:
        decode_multikey(multikey)
    except InvalidKey as exc:
        raise UnresolvableDid(f"{did}: {exc}") from None
    vm_id = f"{did}#{multikey}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def did_web_document(did: str, keys: Iterable[tuple[str, Ed25519PublicKey]]) -> dict[str, Any]:
    """A did:web DID document listing Multikey verification methods `did#<fragment>` for assertion.

    Keep older keys in the list after a rotation so credentials they signed still verify.
    """
    if not did.startswith("did:web:"):
        raise UnresolvableDid(f"not a did:web identifier: {did}")
    methods = []
    for fragment, public_key in keys:
        methods.append(
            {
                "id": f"{did}#{fragment}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": encode_multikey(public_key),
            }
        )
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "authentication": list(ids),
        "assertionMethod": list(ids),
    }


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method: its id, controller DID and Ed25519 public key."""

    id: str
    controller: str
    public_key: Ed25519PublicKey


class DidResolver:
    """Resolves did:key locally and did:web through a Fetcher; caches resolved documents."""

    def __init__(self, fetcher: Fetcher | None = None) -> None:
        self._fetcher = fetcher
        self._cache: dict[str, dict[str, Any]] = {}
        self._methods: dict[tuple[str, str], VerificationMethod] = {}

    def resolve(self, did: str) -> dict[str, Any]:
        """Return the DID document of `did`, or raise UnresolvableDid."""
        cached = self._cache.get(did)
        if cached is not None:
            return cached
        if did.startswith("did:key:"):
            document = did_key_document(did)
        elif did.startswith("did:web:"):
            if self._fetcher is None:
                raise UnresolvableDid(f"{did} cannot be resolved: no fetcher for did:web is configured")
            try:
                document = parse_json(fetch(self._fetcher, did_web_url(did)))
            except VcError as exc:
                raise UnresolvableDid(f"{did} cannot be resolved: {exc}") from None
            if not isinstance(document, dict) or document.get("id") != did:
                raise UnresolvableDid(f"the DID document fetched for {did} does not describe {did}")
        else:
            raise UnresolvableDid(f"unsupported DID method: {did.split('#')[0]}")
        self._cache[did] = document
        return document

    def verification_method(self, vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
        """Return the verification method `vm_id` if its DID document authorises it for `purpose`."""
        cached = self._methods.get((vm_id, purpose))
        if cached is not None:
            return cached
        method = self._verification_method(vm_id, purpose)
        self._methods[(vm_id, purpose)] = method
        return method

    def _verification_method(self, vm_id: str, purpose: str) -> VerificationMethod:
        did = vm_id.split("#", 1)[0]
        if not did.startswith("did:") or "#" not in vm_id:
            raise UnresolvableDid(f"verification method {vm_id!r} is not a DID URL with a fragment")
        document = self.resolve(did)
        allowed = {_absolute(did, ref) for ref in _refs(document.get(purpose))}
        if vm_id not in allowed:
            raise UnresolvableDid(f"{vm_id} is not listed for {purpose} in the DID document of {did}")
        for method in _methods(document):
            if _absolute(did, method.get("id", "")) == vm_id:
                if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
                    raise UnresolvableDid(f"{vm_id} is of unsupported type {method.get('type')!r}")
                try:
                    key = decode_multikey(method.get("publicKeyMultibase", ""))
                except InvalidKey as exc:
                    raise UnresolvableDid(f"{vm_id}: {exc}") from None
                return VerificationMethod(
                    id=vm_id, controller=str(method.get("controller", did)), public_key=key
                )
        raise UnresolvableDid(f"{vm_id} is not in the DID document of {did}")


def _refs(value: Any) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append(item["id"])
    return out


def _methods(document: dict[str, Any]) -> list[dict[str, Any]]:
    methods = [m for m in document.get("verificationMethod", []) or [] if isinstance(m, dict)]
    methods += [m for m in document.get("assertionMethod", []) or [] if isinstance(m, dict)]
    return methods


def _absolute(did: str, ref: str) -> str:
    return did + ref if ref.startswith("#") else ref
