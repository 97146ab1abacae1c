"""Ed25519 keys, base58btc multibase, Multikey and did:key.

Multikey: https://www.w3.org/TR/controller-document/#multikey ;
did:key: https://w3c-ccg.github.io/did-key-spec/ .
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from bridgeway.vc._errors import InvalidKey

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
_ED25519_PRIV = b"\x80\x26"  # multicodec ed25519-priv (varint 0x1300)


_CHUNK = 58**10  # ten base58 digits per big-integer division


def base58btc_encode(data: bytes) -> str:
    """Encode bytes in the Bitcoin base58 alphabet."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, chunk = divmod(number, _CHUNK)
        for _ in range(10):
            chunk, rem = divmod(chunk, 58)
            digits.append(_ALPHABET[rem])
    text = "".join(reversed(digits)).lstrip("1")
    return "1" * zeros + text


def base58btc_decode(text: str) -> bytes:
    """Decode Bitcoin base58 text; raise InvalidKey on a character outside the alphabet."""
    number = 0
    for char in text:
        try:
            number = number * 58 + _INDEX[char]
        except KeyError:
            raise InvalidKey(f"not base58btc: {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode_base58btc(value: str) -> bytes:
    """Decode a multibase base58btc ('z'-prefixed) string."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise InvalidKey("expected a multibase base58btc value starting with 'z'")
    return base58btc_decode(value[1:])


def encode_multikey(public_key: Ed25519PublicKey) -> str:
    """Return the Multikey publicKeyMultibase (z6Mk…) of an Ed25519 public key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58btc_encode(_ED25519_PUB + raw)


def decode_multikey(value: str) -> Ed25519PublicKey:
    """Return the Ed25519 public key of a Multikey publicKeyMultibase; raise InvalidKey otherwise."""
    data = multibase_decode_base58btc(value)
    if len(data) != 34 or data[:2] != _ED25519_PUB:
        raise InvalidKey("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def encode_secret_multikey(private_key: Ed25519PrivateKey) -> str:
    """Return the Multikey secretKeyMultibase of an Ed25519 private key (for storage, never for publication)."""
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58btc_encode(_ED25519_PRIV + raw)


def decode_secret_multikey(value: str) -> Ed25519PrivateKey:
    """Return the Ed25519 private key of a Multikey secretKeyMultibase."""
    data = multibase_decode_base58btc(value)
    if len(data) != 34 or data[:2] != _ED25519_PRIV:
        raise InvalidKey("not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


@dataclass(frozen=True)
class Ed25519KeyPair:
    """An Ed25519 key pair with its Multikey and did:key names."""

    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey

    @property
    def public_key_multibase(self) -> str:
        """The Multikey publicKeyMultibase (z6Mk…)."""
        return encode_multikey(self.public_key)

    @property
    def did_key(self) -> str:
        """The did:key identifier of the public key."""
        return did_key_from_public_key(self.public_key)

    @property
    def did_key_verification_method(self) -> str:
        """The did:key verification method id (did:key:z6Mk…#z6Mk…)."""
        return did_key_verification_method(self.public_key)


def generate_ed25519_keypair() -> Ed25519KeyPair:
    """Generate a new Ed25519 key pair."""
    private = Ed25519PrivateKey.generate()
    return Ed25519KeyPair(private_key=private, public_key=private.public_key())


def keypair_from_private_key(private_key: Ed25519PrivateKey) -> Ed25519KeyPair:
    """Wrap an existing Ed25519 private key."""
    return Ed25519KeyPair(private_key=private_key, public_key=private_key.public_key())


def did_key_from_public_key(public_key: Ed25519PublicKey) -> str:
    """Return did:key:z6Mk… for an Ed25519 public key."""
    return "did:key:" + encode_multikey(public_key)


def did_key_verification_method(public_key: Ed25519PublicKey) -> str:
    """Return the did:key verification method id did:key:z6Mk…#z6Mk…."""
    multikey = encode_multikey(public_key)
    return f"did:key:{multikey}#{multikey}"
