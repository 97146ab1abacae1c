"""bridgeway.vc: Open Badges 3.0 / CLR 2.0 credentials on VC Data Model 2.0, signed and verified offline.

A standalone library (it imports nothing else from Bridgeway): typed document builders, bundled JSON-LD
contexts with an offline loader, Data Integrity proofs (eddsa-rdfc-2022, eddsa-jcs-2022) with an exact
RDFC-1.0 canonicaliser, Bitstring Status Lists, did:key and did:web, and verification that says why.
See docs/vc.md.
"""

from bridgeway.vc._contexts import bundled_context_urls, document_loader, register_context
from bridgeway.vc._did import (
    DidResolver,
    Fetcher,
    FetchError,
    InMemoryFetcher,
    VerificationMethod,
    did_key_document,
    did_web_document,
    did_web_url,
)
from bridgeway.vc._documents import (
    Achievement,
    AchievementSubject,
    Alignment,
    Association,
    Evidence,
    IdentityObject,
    Profile,
    Related,
    Result,
    ResultDescription,
    build_clr_credential,
    build_open_badge_credential,
    build_presentation,
    new_urn,
)
from bridgeway.vc._errors import (
    InvalidKey,
    MalformedDocument,
    StatusListError,
    UndefinedTerm,
    UnknownContext,
    UnresolvableDid,
    VcError,
)
from bridgeway.vc._json import parse_json
from bridgeway.vc._jsonld import to_quads
from bridgeway.vc._keys import (
    Ed25519KeyPair,
    decode_multikey,
    decode_secret_multikey,
    did_key_from_public_key,
    did_key_verification_method,
    encode_multikey,
    encode_secret_multikey,
    generate_ed25519_keypair,
    keypair_from_private_key,
)
from bridgeway.vc._proofs import canonical_document, sign_credential, sign_presentation
from bridgeway.vc._rdfc import canonicalize
from bridgeway.vc._reference import reference_quads
from bridgeway.vc._status import StatusList, allocate_index, build_status_list_credential, status_entry
from bridgeway.vc._verify import (
    Check,
    VerificationResult,
    VerificationStatus,
    verify_credential,
    verify_presentation,
)

__all__ = [
    "Achievement",
    "AchievementSubject",
    "Alignment",
    "Association",
    "Check",
    "DidResolver",
    "Ed25519KeyPair",
    "Evidence",
    "FetchError",
    "Fetcher",
    "IdentityObject",
    "InMemoryFetcher",
    "InvalidKey",
    "MalformedDocument",
    "Profile",
    "Related",
    "Result",
    "ResultDescription",
    "StatusList",
    "StatusListError",
    "UndefinedTerm",
    "UnknownContext",
    "UnresolvableDid",
    "VcError",
    "VerificationMethod",
    "VerificationResult",
    "VerificationStatus",
    "allocate_index",
    "build_clr_credential",
    "build_open_badge_credential",
    "build_presentation",
    "build_status_list_credential",
    "bundled_context_urls",
    "canonical_document",
    "canonicalize",
    "decode_multikey",
    "decode_secret_multikey",
    "did_key_document",
    "did_key_from_public_key",
    "did_key_verification_method",
    "did_web_document",
    "did_web_url",
    "document_loader",
    "encode_multikey",
    "encode_secret_multikey",
    "generate_ed25519_keypair",
    "keypair_from_private_key",
    "new_urn",
    "parse_json",
    "reference_quads",
    "register_context",
    "sign_credential",
    "sign_presentation",
    "status_entry",
    "to_quads",
    "verify_credential",
    "verify_presentation",
]
