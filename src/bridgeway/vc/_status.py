"""Bitstring Status List v1.0: the list, its entries and its credential.

Spec: https://www.w3.org/TR/vc-bitstring-status-list/ . Index 0 is the most significant bit of the first byte;
the list is GZIP-compressed and encoded as multibase base64url without padding ('u' prefix).
"""

from __future__ import annotations

import base64
import gzip
import secrets
import zlib
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bridgeway.vc._contexts import VC_V2
from bridgeway.vc._errors import StatusListError
from bridgeway.vc._proofs import format_datetime

MIN_LENGTH = 131_072  # 16 KiB of bits: the spec's minimum, for herd privacy
MAX_ENCODED_BYTES = 2 * 1024 * 1024
MAX_DECODED_BYTES = 16 * 1024 * 1024
PURPOSES = ("revocation", "suspension")


@dataclass
class StatusList:
    """A bitstring of statuses (https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslist)."""

    length: int = MIN_LENGTH
    bits: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        if self.length < MIN_LENGTH or self.length % 8:
            raise StatusListError(f"a status list needs a multiple of 8 entries, at least {MIN_LENGTH}")
        if not self.bits:
            self.bits = bytearray(self.length // 8)
        if len(self.bits) * 8 != self.length:
            raise StatusListError("the bitstring does not match the list length")

    @classmethod
    def new(cls, length: int = MIN_LENGTH) -> StatusList:
        """An empty list (every status unset)."""
        return cls(length=length)

    def _check(self, index: int) -> None:
        if not isinstance(index, int) or not 0 <= index < self.length:
            raise StatusListError(f"status index {index!r} is outside the list (0–{self.length - 1})")

    def get(self, index: int) -> bool:
        """Whether the status at `index` is set."""
        self._check(index)
        return bool(self.bits[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool = True) -> None:
        """Set (or clear) the status at `index`."""
        self._check(index)
        if value:
            self.bits[index >> 3] |= 0x80 >> (index & 7)
        else:
            self.bits[index >> 3] &= ~(0x80 >> (index & 7)) & 0xFF

    def encode(self) -> str:
        """The encodedList value: 'u' + base64url(gzip(bits)), no padding."""
        compressed = gzip.compress(bytes(self.bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Parse an encodedList value (refusing oversized or malformed input)."""
        if not isinstance(encoded, str) or not encoded.startswith("u") or len(encoded) > MAX_ENCODED_BYTES:
            raise StatusListError("encodedList must be a multibase base64url ('u') string of reasonable size")
        body = encoded[1:]
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            bits = decompressor.decompress(compressed, MAX_DECODED_BYTES + 1)
        except (ValueError, zlib.error) as exc:
            raise StatusListError(f"encodedList cannot be decoded: {exc}") from None
        if len(bits) > MAX_DECODED_BYTES:
            raise StatusListError("encodedList expands beyond the size limit")
        return cls(length=len(bits) * 8, bits=bytearray(bits))


def allocate_index(
    used: Container[int], *, length: int = MIN_LENGTH, randbelow: Callable[[int], int] = secrets.randbelow
) -> int:
    """Pick a random free index (random allocation keeps statuses from revealing issuance order)."""
    for _ in range(64):
        index = randbelow(length)
        if index not in used:
            return index
    start = randbelow(length)  # the list is nearly full: scan every index from a random start instead
    for offset in range(length):
        candidate = (start + offset) % length
        if candidate not in used:
            return candidate
    raise StatusListError("the status list is full")


def status_entry(*, list_credential_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    """A BitstringStatusListEntry for a credential's credentialStatus."""
    if purpose not in PURPOSES:
        raise StatusListError(f"unsupported status purpose {purpose!r}")
    return {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }


def build_status_list_credential(
    *,
    url: str,
    issuer: str,
    status_list: StatusList,
    purpose: str = "revocation",
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (sign it with sign_credential)."""
    if purpose not in PURPOSES:
        raise StatusListError(f"unsupported status purpose {purpose!r}")
    document: dict[str, Any] = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": status_list.encode(),
        },
    }
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    return document
