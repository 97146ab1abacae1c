"""Recipients: a DID where the learner has one, otherwise a salted, hashed e-mail (never the plain address)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any


def new_salt() -> str:
    """Return a random salt for hashing a recipient's e-mail."""
    return secrets.token_hex(16)


def hash_email(email: str, salt: str) -> str:
    """Return the OB3 identityHash of an e-mail address: 'sha256$' + hex(SHA-256(email + salt))."""
    normalised = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalised + salt).encode()).hexdigest()


def email_identity(email: str, salt: str) -> dict[str, Any]:
    """Return the OB3 IdentityObject naming a recipient by salted, hashed e-mail (never the plain address)."""
    return {
        "type": "IdentityObject",
        "identityHash": hash_email(email, salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


