"""Data Integrity proofs with the EdDSA cryptosuites eddsa-rdfc-2022 and eddsa-jcs-2022.

Spec: https://www.w3.org/TR/vc-di-eddsa/ (sections 3.3 eddsa-rdfc-2022 and 3.4 eddsa-jcs-2022) over
https://www.w3.org/TR/vc-data-integrity/ . Canonicalisation: RDFC-1.0 (https://www.w3.org/TR/rdf-canon/) and
JCS (RFC 8785).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bridgeway.vc._errors import InvalidKey, MalformedDocument
from bridgeway.vc._jcs import canonical_json
from bridgeway.vc._jsonld import to_quads
from bridgeway.vc._keys import base58btc_encode, multibase_decode_base58btc
from bridgeway.vc._rdfc import ASTRAL, canonicalize

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
CRYPTOSUITES = (RDFC, JCS)

_CONFIG_CACHE: dict[tuple[Any, ...], list[bytes]] = {}


def format_datetime(moment: datetime) -> str:
    """XML Schema dateTime in UTC with seconds precision (2026-01-31T12:00:00Z)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"


def canonical_document(document: dict[str, Any], cryptosuite: str) -> str:
    """The canonical form a cryptosuite signs: RDFC-1.0 N-Quads or JCS JSON."""
    return _canonical_forms(document, cryptosuite)[0]


def _canonical_forms(document: dict[str, Any], cryptosuite: str) -> list[str]:
    """The canonical form, plus the UTF-16-ordered one when it differs (see `canonicalize`)."""
    if cryptosuite == RDFC:
        quads = to_quads(document)
        canonical = canonicalize(quads)
        if ASTRAL.search(canonical):
            other = canonicalize(quads, utf16_order=True)
            if other != canonical:
                return [canonical, other]
        return [canonical]
    if cryptosuite == JCS:
        return [canonical_json(document)]
    raise MalformedDocument(f"unsupported cryptosuite {cryptosuite!r}")


def _digests(document: dict[str, Any], cryptosuite: str) -> list[bytes]:
    return [hashlib.sha256(form.encode("utf-8")).digest() for form in _canonical_forms(document, cryptosuite)]


def _config_hashes(config: dict[str, Any], cryptosuite: str) -> list[bytes]:
    key = (cryptosuite, json.dumps(config, sort_keys=True))
    hit = _CONFIG_CACHE.get(key)
    if hit is None:
        if len(_CONFIG_CACHE) > 4096:
            _CONFIG_CACHE.clear()
        hit = _digests(config, cryptosuite)
        _CONFIG_CACHE[key] = hit
    return hit


def hash_data(unsecured: dict[str, Any], proof_config: dict[str, Any], cryptosuite: str) -> bytes:
    """sha256(canonical proof config) || sha256(canonical document), the bytes that Ed25519 signs.

    Refuses a document whose canonical form would depend on the sort order an implementation uses (code points
    versus UTF-16 units): some verifiers could not check its signature.
    """
    candidates = _hash_candidates(unsecured, proof_config, cryptosuite)
    if len(candidates) > 1:
        raise MalformedDocument(
            "the document mixes characters beyond U+FFFF with characters in U+E000–U+FFFF in a way that "
            "RDFC-1.0 implementations order differently; change the text so that every verifier can check it"
        )
    return candidates[0]


def _hash_candidates(
    unsecured: dict[str, Any], proof_config: dict[str, Any], cryptosuite: str
) -> list[bytes]:
    documents = _digests(unsecured, cryptosuite)
    configs = _config_hashes(proof_config, cryptosuite)
    out = [configs[0] + documents[0]]
    if len(documents) > 1 or len(configs) > 1:
        out.append(configs[-1] + documents[-1])
    return out


def create_proof(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    cryptosuite: str = RDFC,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Return the DataIntegrityProof for `document` (which must not carry a proof)."""
    if cryptosuite not in CRYPTOSUITES:
        raise MalformedDocument(f"unsupported cryptosuite {cryptosuite!r}")
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": format_datetime(created or datetime.now(UTC)),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if "@context" in document and cryptosuite == JCS:
        # eddsa-jcs-2022 §3.4.4 step 2: the proof itself carries the document's @context
        proof = {"@context": document["@context"], **proof}
    config = dict(proof)
    if "@context" in document:
        config["@context"] = document["@context"]
    signature = private_key.sign(hash_data(document, config, cryptosuite))
    proof["proofValue"] = "z" + base58btc_encode(signature)
    return proof


def sign_credential(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    cryptosuite: str = RDFC,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of `document` secured with a DataIntegrityProof (refuses undefined terms and contexts)."""
    if "proof" in document:
        raise MalformedDocument("the document already carries a proof")
    proof = create_proof(
        document,
        private_key=private_key,
        verification_method=verification_method,
        cryptosuite=cryptosuite,
        created=created,
        proof_purpose=proof_purpose,
    )
    return {**document, "proof": proof}


def split_proof(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (unsecured document, proof); raise MalformedDocument when there is not exactly one proof."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise MalformedDocument("exactly one proof is supported")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise MalformedDocument("the document has no proof")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return unsecured, proof


def check_proof_shape(proof: dict[str, Any]) -> None:
    """Refuse a proof that is not a DataIntegrityProof with a supported cryptosuite and a proofValue."""
    if proof.get("type") != "DataIntegrityProof":
        raise MalformedDocument(f"unsupported proof type {proof.get('type')!r}")
    if proof.get("cryptosuite") not in CRYPTOSUITES:
        raise MalformedDocument(f"unsupported cryptosuite {proof.get('cryptosuite')!r}")
    for field in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(field), str):
            raise MalformedDocument(f"the proof has no {field}")


def verify_proof(unsecured: dict[str, Any], proof: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True when the proof's signature matches the document under `public_key`."""
    check_proof_shape(proof)
    cryptosuite = proof["cryptosuite"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config:
        proof_context = config["@context"]
        document_context = unsecured.get("@context")
        if not isinstance(proof_context, list) or not isinstance(document_context, list):
            raise MalformedDocument("the proof's @context must be a list that starts the document's @context")
        if document_context[: len(proof_context)] != proof_context:
            raise MalformedDocument("the proof's @context does not match the document's @context")
        unsecured = {**unsecured, "@context": proof_context}
    if "@context" in unsecured and cryptosuite == RDFC:
        # eddsa-rdfc-2022 §3.3.4: the proof configuration takes the document's @context
        config["@context"] = unsecured["@context"]
    try:
        signature = multibase_decode_base58btc(proof["proofValue"])
    except InvalidKey:
        return False
    if len(signature) != 64:
        return False
    for candidate in _hash_candidates(unsecured, config, cryptosuite):
        try:
            public_key.verify(signature, candidate)
        except InvalidSignature:
            continue
        return True
    return False


def sign_presentation(
    presentation: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    challenge: str | None = None,
    domain: str | None = None,
    cryptosuite: str = RDFC,
    created: datetime | None = None,
) -> dict[str, Any]:
    """Return a copy of a VerifiablePresentation with an `authentication` proof (optionally bound to a challenge)."""
    if "proof" in presentation:
        raise MalformedDocument("the presentation already carries a proof")
    proof = create_proof(
        presentation,
        private_key=private_key,
        verification_method=verification_method,
        cryptosuite=cryptosuite,
        created=created,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )
    return {**presentation, "proof": proof}
