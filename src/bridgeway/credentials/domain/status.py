"""Credential status: transitions (revocation is final) and Bitstring Status List indices and bits."""

from __future__ import annotations

import secrets
from enum import StrEnum

STATUS_LIST_SIZE = 131_072  # the minimum Bitstring Status List v1.0 recommends for group privacy


class CredentialStatus(StrEnum):
    """Where a credential stands."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class StatusAction(StrEnum):
    """What an issuer can do to a credential's status."""

    REVOKE = "revoke"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"


_TRANSITIONS: dict[tuple[CredentialStatus, StatusAction], CredentialStatus] = {
    (CredentialStatus.ACTIVE, StatusAction.REVOKE): CredentialStatus.REVOKED,
    (CredentialStatus.SUSPENDED, StatusAction.REVOKE): CredentialStatus.REVOKED,
    (CredentialStatus.ACTIVE, StatusAction.SUSPEND): CredentialStatus.SUSPENDED,
    (CredentialStatus.SUSPENDED, StatusAction.UNSUSPEND): CredentialStatus.ACTIVE,
}


def next_status(current: CredentialStatus, action: StatusAction) -> CredentialStatus | None:
    """Return the status after the action, or None when the action does not apply (revocation is final)."""
    return _TRANSITIONS.get((current, action))


def empty_bitstring(size: int = STATUS_LIST_SIZE) -> bytes:
    """Return an all-zero bitstring of `size` bits."""
    if size % 8:
        raise ValueError("a status list size must be a multiple of 8")
    return bytes(size // 8)


def get_bit(bits: bytes, index: int) -> bool:
    """Return the bit at index; index 0 is the most significant bit of the first byte (the spec's order)."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytes, index: int, value: bool) -> bytes:
    """Return a copy of the bitstring with the bit at index set or cleared."""
    out = bytearray(bits)
    if value:
        out[index // 8] |= 0x80 >> (index % 8)
    else:
        out[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF
    return bytes(out)


def allocate_indices(allocated: bytearray, count: int, *, size: int, used: int) -> list[int]:
    """Pick `count` unused indices uniformly at random, marking them in `allocated` (an index is never reused).

    `used` is how many indices are already marked; past three quarters full the free indices are listed
    and sampled instead of drawing blindly.
    """
    if used + count > size:
        raise ValueError("the status list has too few free indices")
    if used + count > size * 3 // 4:
        free = [i for i in range(size) if not allocated[i // 8] & (0x80 >> (i % 8))]
        picked = secrets.SystemRandom().sample(free, count)
    else:
        picked = []
        while len(picked) < count:
            index = secrets.randbelow(size)
            byte, mask = index // 8, 0x80 >> (index % 8)
            if not allocated[byte] & mask:
                allocated[byte] |= mask
                picked.append(index)
        return picked
    for index in picked:
        allocated[index // 8] |= 0x80 >> (index % 8)
    return picked
