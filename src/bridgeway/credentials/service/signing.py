"""The one place where the credentials domain calls bridgeway.vc: signing, status lists, verification, CLR.

Keeping every call here means a change of the vc API touches one module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bridgeway import vc
from bridgeway.credentials import errors
from bridgeway.credentials.service.keys import SigningKey


def sign(document: dict[str, Any], key: SigningKey, *, created: datetime) -> dict[str, Any]:
    """Return the document with an eddsa-rdfc-2022 DataIntegrityProof made by the key."""
    private = Ed25519PrivateKey.from_private_bytes(key.private_key)
    try:
        return vc.sign_credential(
            document, private_key=private, verification_method=key.verification_method, created=created
        )
    except vc.VcError as exc:
        raise errors.UnsignableDocument(f"the document cannot be signed: {exc}") from None
