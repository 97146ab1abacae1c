"""Pure credential rules: DIDs, key protection, recipients, status transitions and list indices."""

from __future__ import annotations

import pytest

from bridgeway.credentials import domain
from bridgeway.credentials.domain import CredentialStatus, StatusAction


def test_an_institution_did_encodes_the_port_colon_and_names_the_path() -> None:
    assert (
        domain.institution_did("http://127.0.0.1:8000", "north")
        == "did:web:127.0.0.1%3A8000:institutions:north"
    )
    assert (
        domain.institution_did("https://bridgeway.example.ca", "north")
        == "did:web:bridgeway.example.ca:institutions:north"
    )


def test_a_base_url_with_a_path_becomes_part_of_the_did() -> None:
    assert domain.institution_did("https://x.ca/bw/", "n") == "did:web:x.ca:bw:institutions:n"


def test_our_own_dids_are_recognised_and_others_are_not() -> None:
    base = "http://127.0.0.1:8000"
    assert (
        domain.institution_slug_from_did(base, "did:web:127.0.0.1%3A8000:institutions:north#key-1") == "north"
    )
    assert domain.institution_slug_from_did(base, "did:web:127.0.0.1%3A9000:institutions:north") is None
    assert domain.institution_slug_from_did(base, "did:web:127.0.0.1%3A8000:institutions:a:b") is None


def test_the_did_document_keeps_retired_keys_as_assertion_methods_with_the_active_key_first() -> None:
    old, new = (
        domain.generate_key_pair().public_key_multibase,
        domain.generate_key_pair().public_key_multibase,
    )
    doc = domain.did_document("did:web:x", [("key-1", old), ("key-2", new)], active_fragment="key-2")
    assert [m["id"] for m in doc["verificationMethod"]] == ["did:web:x#key-2", "did:web:x#key-1"]
    assert doc["assertionMethod"] == ["did:web:x#key-2", "did:web:x#key-1"]
    assert [m["publicKeyMultibase"] for m in doc["verificationMethod"]] == [new, old]
    assert all(m["type"] == "Multikey" for m in doc["verificationMethod"])


def test_a_public_key_is_encoded_as_an_ed25519_multikey() -> None:
    pair = domain.generate_key_pair()
    assert pair.public_key_multibase.startswith("z6Mk")
    assert len(domain.raw_private_key(pair.private_key)) == 32


def test_a_private_key_round_trips_through_encryption_under_the_kek() -> None:
    raw = domain.raw_private_key(domain.generate_key_pair().private_key)
    sealed = domain.encrypt_private_key("kek-1", institution_id="i", key_row_id="k", private_key=raw)
    assert raw not in sealed
    assert domain.decrypt_private_key("kek-1", institution_id="i", key_row_id="k", ciphertext=sealed) == raw


@pytest.mark.parametrize(
    ("kek", "institution_id", "row_id"), [("kek-2", "i", "k"), ("kek-1", "j", "k"), ("kek-1", "i", "other")]
)
def test_a_private_key_cannot_be_decrypted_with_another_kek_tenant_or_row(
    kek: str, institution_id: str, row_id: str
) -> None:
    sealed = domain.encrypt_private_key("kek-1", institution_id="i", key_row_id="k", private_key=b"\1" * 32)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        domain.decrypt_private_key(kek, institution_id=institution_id, key_row_id=row_id, ciphertext=sealed)


@pytest.mark.parametrize(
    ("current", "action", "after"),
    [
        (CredentialStatus.ACTIVE, StatusAction.REVOKE, CredentialStatus.REVOKED),
        (CredentialStatus.ACTIVE, StatusAction.SUSPEND, CredentialStatus.SUSPENDED),
        (CredentialStatus.SUSPENDED, StatusAction.UNSUSPEND, CredentialStatus.ACTIVE),
        (CredentialStatus.SUSPENDED, StatusAction.REVOKE, CredentialStatus.REVOKED),
        (CredentialStatus.REVOKED, StatusAction.UNSUSPEND, None),
        (CredentialStatus.REVOKED, StatusAction.SUSPEND, None),
        (CredentialStatus.ACTIVE, StatusAction.UNSUSPEND, None),
    ],
)
def test_status_transitions_make_revocation_final(
    current: CredentialStatus, action: StatusAction, after: CredentialStatus | None
) -> None:
    assert domain.next_status(current, action) == after


def test_bit_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    bits = domain.set_bit(domain.empty_bitstring(16), 0, True)
    assert bits == b"\x80\x00"
    assert domain.get_bit(domain.set_bit(bits, 9, True), 9)
    assert domain.set_bit(bits, 0, False) == b"\x00\x00"


def test_allocated_indices_are_random_distinct_and_never_reused() -> None:
    size = 1024
    allocated = bytearray(size // 8)
    first = domain.allocate_indices(allocated, 500, size=size, used=0)
    second = domain.allocate_indices(allocated, 524, size=size, used=500)
    assert len(set(first) | set(second)) == size
    assert first != sorted(first)
    with pytest.raises(ValueError, match="too few free"):
        domain.allocate_indices(allocated, 1, size=size, used=size)


def test_the_status_list_holds_at_least_131072_entries() -> None:
    assert domain.STATUS_LIST_SIZE >= 131_072
