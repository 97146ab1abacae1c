"""Pure credential rules: issuer DIDs, key protection, status and OB3 documents.

No database session, no web framework: everything here is testable in microseconds.
"""

from bridgeway.credentials.domain.identity import (
    did_document,
    institution_did,
    institution_slug_from_did,
)
from bridgeway.credentials.domain.keys import (
    decrypt_private_key,
    encrypt_private_key,
    generate_key_pair,
    raw_private_key,
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
    "raw_private_key",
    "set_bit",
]
