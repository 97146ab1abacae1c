from __future__ import annotations

import base64
import gzip
import random

import pytest

from bridgeway import vc


def test_a_new_list_has_the_minimum_131072_entries_all_clear() -> None:
    status_list = vc.StatusList.new()
    assert status_list.length == 131_072
    assert not any(status_list.get(i) for i in (0, 1, 65_535, 131_071))


def test_index_zero_is_the_leftmost_bit_of_the_first_byte() -> None:
    status_list = vc.StatusList.new()
    status_list.set(0)
    status_list.set(9)
    assert status_list.bits[0] == 0b1000_0000
    assert status_list.bits[1] == 0b0100_0000


def test_encoding_is_multibase_base64url_of_gzip_and_round_trips() -> None:
    status_list = vc.StatusList.new()
    chosen = random.Random(7).sample(range(131_072), 50)
    for index in chosen:
        status_list.set(index)
    encoded = status_list.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16_384
    decoded = vc.StatusList.decode(encoded)
    assert [i for i in range(131_072) if decoded.get(i)] == sorted(chosen)
    decoded.set(chosen[0], False)
    assert not decoded.get(chosen[0])


@pytest.mark.parametrize("bad", ["", "zabc", "u!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode()])
def test_a_malformed_encoded_list_is_refused(bad: str) -> None:
    with pytest.raises(vc.StatusListError):
        vc.StatusList.decode(bad)


def test_a_gzip_bomb_is_refused() -> None:
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).decode().rstrip("=")
    with pytest.raises(vc.StatusListError):
        vc.StatusList.decode(bomb)


def test_indexes_outside_the_list_are_refused() -> None:
    with pytest.raises(vc.StatusListError):
        vc.StatusList.new().set(131_072)
    with pytest.raises(vc.StatusListError):
        vc.StatusList.new(length=1000)


def test_random_allocation_never_reuses_an_index() -> None:
    used: set[int] = set()
    for _ in range(2000):
        index = vc.allocate_index(used)
        assert index not in used
        used.add(index)


def test_allocation_finds_the_last_free_index_of_a_nearly_full_list() -> None:
    used = set(range(131_072)) - {4242}
    assert vc.allocate_index(used) == 4242
    with pytest.raises(vc.StatusListError):
        vc.allocate_index(set(range(131_072)))


def test_a_status_entry_names_the_list_and_a_string_index() -> None:
    entry = vc.status_entry(
        list_credential_url="https://college.example/status/1", index=94567, purpose="suspension"
    )
    assert entry == {
        "id": "https://college.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": "https://college.example/status/1",
    }
