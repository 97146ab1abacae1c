"""Ed25519 issuer keys, protected at rest with AES-256-GCM under a key derived (HKDF) from the KEK."""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bridgeway import vc

_KEK_INFO = b"bridgeway/issuer-key/v1"


def generate_key_pair() -> vc.Ed25519KeyPair:
    """Generate an Ed25519 key pair from the operating system's random source."""
    return vc.generate_ed25519_keypair()


def raw_private_key(private_key: Ed25519PrivateKey) -> bytes:
    """Return the 32 raw bytes of a private key (what is sealed at rest)."""
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _wrapping_key(kek: str, institution_id: str) -> bytes:
    """Derive the per-institution AES-256 wrapping key from the key-encryption key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=institution_id.encode(), info=_KEK_INFO).derive(
        kek.encode()
    )


def encrypt_private_key(kek: str, *, institution_id: str, key_row_id: str, private_key: bytes) -> bytes:
    """Encrypt a raw private key with AES-256-GCM; the row id is bound as associated data."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_wrapping_key(kek, institution_id)).encrypt(nonce, private_key, key_row_id.encode())
    return b"\x01" + nonce + sealed


def decrypt_private_key(kek: str, *, institution_id: str, key_row_id: str, ciphertext: bytes) -> bytes:
    """Decrypt a stored private key; raise ValueError when the KEK is wrong or the ciphertext was altered."""
    if len(ciphertext) < 29 or ciphertext[0] != 1:
        raise ValueError("unknown private key envelope")
    try:
        return AESGCM(_wrapping_key(kek, institution_id)).decrypt(
            ciphertext[1:13], ciphertext[13:], key_row_id.encode()
        )
    except InvalidTag:
        raise ValueError("the private key cannot be decrypted with this key-encryption key") from None
