"""Pure credential rules: issuer DIDs, key protection, status and OB3 documents.

No database session, no web framework: everything here is testable in microseconds.
"""

from bridgeway.credentials.domain.identity import (
    did_document,
    institution_did,
    institution_slug_from_did,
)
from bridgeway.credentials.domain.keys import (
    KeyPair,
    decrypt_private_key,
    encrypt_private_key,
    generate_key_pair,
    public_key_multibase,
    public_key_of,
)
from bridgeway.credentials.domain.status import (
    STATUS_LIST_SIZE,
    CredentialStatus,
    StatusAction,
    allocate_indices,
    empty_bitstring,
    get_bit,
    next_status,
    set_bit,
)

__all__ = [
    "STATUS_LIST_SIZE",
    "CredentialStatus",
    "KeyPair",
    "StatusAction",
    "allocate_indices",
    "decrypt_private_key",
    "did_document",
    "empty_bitstring",
    "encrypt_private_key",
    "generate_key_pair",
    "get_bit",
    "institution_did",
    "institution_slug_from_did",
    "next_status",
    "public_key_multibase",
    "public_key_of",
    "set_bit",
]
