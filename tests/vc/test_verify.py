"""Issue, sign and verify; every attack and bad input is refused with its reason and no exception escapes."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bridgeway import vc
from tests.vc.conftest import ISSUER_DID, NOW, World, welding_badge

Status = vc.VerificationStatus


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_signed_badge_verifies_with_every_check_passed(world: World, cryptosuite: str) -> None:
    signed = world.sign(welding_badge(), cryptosuite=cryptosuite)
    result = world.verify(signed)
    assert result.status is Status.VALID, result.message
    assert [c.name for c in result.checks] == ["structure", "issuer", "signature", "validity", "status"]
    assert result.issuer == ISSUER_DID
    assert result.message == "The credential is valid."


def test_a_badge_verifies_from_json_text_and_from_bytes(world: World) -> None:
    text = json.dumps(world.sign(welding_badge()))
    assert world.verify(text).valid
    assert world.verify(text.encode()).valid


def test_a_did_key_issuer_needs_no_fetcher() -> None:
    keys = vc.generate_ed25519_keypair()
    document = welding_badge()
    document["issuer"]["id"] = keys.did_key
    del document["credentialStatus"]
    signed = vc.sign_credential(
        document, private_key=keys.private_key, verification_method=keys.did_key_verification_method
    )
    assert vc.verify_credential(signed, now=NOW).valid


def test_a_rotated_key_still_verifies_credentials_signed_with_the_old_key(world: World) -> None:
    signed = world.sign(welding_badge())
    new_keys = vc.generate_ed25519_keypair()
    fetcher = vc.InMemoryFetcher(
        {
            vc.did_web_url(ISSUER_DID): vc.did_web_document(
                ISSUER_DID, [("key-2", new_keys.public_key), ("key-1", world.keys.public_key)]
            ),
        }
    )
    fetcher.add("https://college.example/status/1", world.fetcher.fetch("https://college.example/status/1"))
    assert vc.verify_credential(
        signed, resolver=vc.DidResolver(fetcher), status_fetcher=fetcher, now=NOW
    ).valid


def _tamper(document: dict[str, Any]) -> dict[str, Any]:
    document["credentialSubject"]["result"][0]["value"] = "Expert"
    return document


def test_a_changed_field_is_reported_as_tampered(world: World) -> None:
    result = world.verify(_tamper(world.sign(welding_badge())))
    assert result.status is Status.TAMPERED
    assert "signature does not match" in result.message


def test_a_proof_swapped_from_another_credential_is_reported_as_tampered(world: World) -> None:
    one = world.sign(welding_badge(index=1))
    other = world.sign(welding_badge(index=2, description="Another description."))
    one["proof"] = copy.deepcopy(other["proof"])
    assert world.verify(one).status is Status.TAMPERED


def test_a_credential_signed_by_an_unknown_key_is_reported_as_unknown_issuer(world: World) -> None:
    stranger = vc.generate_ed25519_keypair()
    signed = vc.sign_credential(
        welding_badge(), private_key=stranger.private_key, verification_method=f"{ISSUER_DID}#key-9"
    )
    result = world.verify(signed)
    assert result.status is Status.UNKNOWN_ISSUER
    assert "key-9" in result.message


def test_a_wrong_key_under_the_issuers_key_id_is_reported_as_tampered(world: World) -> None:
    stranger = vc.generate_ed25519_keypair()
    signed = vc.sign_credential(
        welding_badge(), private_key=stranger.private_key, verification_method=world.method
    )
    assert world.verify(signed).status is Status.TAMPERED


def test_a_did_key_that_is_not_the_issuer_is_reported_as_unknown_issuer(world: World) -> None:
    impostor = vc.generate_ed25519_keypair()
    signed = vc.sign_credential(
        welding_badge(),
        private_key=impostor.private_key,
        verification_method=impostor.did_key_verification_method,
    )
    result = world.verify(signed)
    assert result.status is Status.UNKNOWN_ISSUER
    assert "not to the issuer" in result.message


def test_an_unresolvable_did_web_issuer_is_reported_as_unknown_issuer(world: World) -> None:
    signed = world.sign(welding_badge())
    result = vc.verify_credential(signed, resolver=vc.DidResolver(vc.InMemoryFetcher()), now=NOW)
    assert result.status is Status.UNKNOWN_ISSUER


@pytest.mark.parametrize(
    ("context", "words"),
    [
        (["https://www.w3.org/ns/credentials/v2", "https://evil.example/ob.json"], "not one of the bundled"),
        (["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}], "inline"),
        (["https://www.w3.org/2018/credentials/v1"], "first @context"),
    ],
)
def test_an_unknown_or_injected_context_is_reported_as_malformed(
    world: World, context: list[Any], words: str
) -> None:
    signed = world.sign(welding_badge())
    signed["@context"] = context
    result = world.verify(signed)
    assert result.status is Status.MALFORMED
    assert words in result.message


def test_a_context_injected_inside_the_subject_is_malformed(world: World) -> None:
    signed = world.sign(welding_badge())
    signed["credentialSubject"]["@context"] = {"achievement": "https://evil.example/achievement"}
    result = world.verify(signed)
    assert result.status is Status.MALFORMED
    assert "context" in result.message


def test_duplicate_keys_in_the_json_are_malformed(world: World) -> None:
    text = json.dumps(world.sign(welding_badge()))
    text = text.replace(
        '"name": "Sample Polytechnic"', '"name": "Sample Polytechnic", "name": "Fake College"', 1
    )
    result = world.verify(text)
    assert result.status is Status.MALFORMED
    assert "duplicate key 'name'" in result.message


def test_an_undefined_term_added_after_signing_is_malformed(world: World) -> None:
    signed = world.sign(welding_badge())
    signed["credentialSubject"]["grade"] = "A+"
    result = world.verify(signed)
    assert result.status is Status.MALFORMED
    assert "'grade' is not defined" in result.message


def test_an_expired_credential_is_reported_as_expired(world: World) -> None:
    signed = world.sign(welding_badge(valid_until=datetime(2026, 3, 1, tzinfo=UTC)))
    result = world.verify(signed)
    assert result.status is Status.EXPIRED
    assert "expired" in result.message


def test_a_credential_not_yet_valid_is_reported_as_such(world: World) -> None:
    signed = world.sign(welding_badge(valid_from=datetime(2027, 1, 1, tzinfo=UTC)))
    assert world.verify(signed).status is Status.NOT_YET_VALID


def test_a_revoked_credential_is_reported_as_revoked(world: World) -> None:
    signed = world.sign(welding_badge(index=99))
    assert world.verify(signed).valid
    world.status_list.set(99)
    world.publish_status()
    result = world.verify(signed)
    assert result.status is Status.REVOKED
    assert result.message == "The issuer has revoked this credential."


def test_a_suspended_credential_is_reported_as_suspended(world: World) -> None:
    suspensions = vc.StatusList.new()
    suspensions.set(5)
    world.publish_status(suspensions, purpose="suspension", url="https://college.example/status/1")
    signed = world.sign(welding_badge(index=5, purpose="suspension"))
    assert world.verify(signed).status is Status.SUSPENDED


def test_a_forged_status_list_is_not_trusted(world: World) -> None:
    signed = world.sign(welding_badge(index=3))
    forged = world.publish_status(keys=vc.generate_ed25519_keypair())  # signed by someone else
    assert forged["issuer"] == ISSUER_DID
    result = world.verify(signed)
    assert result.status is Status.STATUS_UNAVAILABLE
    assert "status list credential" in result.message


def test_a_status_list_edited_after_signing_is_not_trusted(world: World) -> None:
    signed = world.sign(welding_badge(index=3))
    published = world.publish_status()
    emptied = vc.StatusList.new()
    published["credentialSubject"]["encodedList"] = emptied.encode() + ""
    revoked = vc.StatusList.new()
    revoked.set(1)
    published["credentialSubject"]["encodedList"] = revoked.encode()
    world.fetcher.add("https://college.example/status/1", published)
    assert world.verify(signed).status is Status.STATUS_UNAVAILABLE


def test_a_missing_status_fetcher_is_reported_not_ignored(world: World) -> None:
    signed = world.sign(welding_badge())
    result = vc.verify_credential(signed, resolver=world.resolver, now=NOW)
    assert result.status is Status.STATUS_UNAVAILABLE


def test_an_oversized_document_is_malformed(world: World) -> None:
    signed = world.sign(welding_badge())
    signed["description"] = "x" * 300_000
    result = world.verify(json.dumps(signed))
    assert result.status is Status.MALFORMED
    assert "too large" in result.message


def test_a_deeply_nested_json_text_is_malformed(world: World) -> None:
    text = json.dumps(world.sign(welding_badge()))
    text = text[:-1] + ', "tag": ' + "[" * 50_000 + "]" * 50_000 + "}"
    result = world.verify(text)
    assert result.status is Status.MALFORMED
    assert "nested" in result.message


def test_a_deeply_nested_json_object_is_malformed(world: World) -> None:
    signed = world.sign(welding_badge())
    nested: Any = "bottom"
    for _ in range(200):
        nested = [nested]
    signed["credentialSubject"]["achievement"]["tag"] = nested
    result = world.verify(signed)
    assert result.status is Status.MALFORMED
    assert "nested" in result.message


@pytest.mark.parametrize(
    "garbage",
    ["", "null", "[]", "{", '"text"', "{}", '{"@context": 5}', "NaN", b"\xff\xfe", '{"proof": {}}'],
)
def test_garbage_input_is_malformed_and_never_raises(world: World, garbage: Any) -> None:
    assert world.verify(garbage).status is Status.MALFORMED


def test_a_proof_with_a_mangled_value_is_tampered_or_malformed_never_an_exception(world: World) -> None:
    signed = world.sign(welding_badge())
    for value in ["z", "zzzz", "u123", "", "z" + "1" * 90]:
        signed["proof"]["proofValue"] = value
        assert world.verify(signed).status in (Status.TAMPERED, Status.MALFORMED)


def test_a_presentation_of_two_badges_verifies_each_credential(world: World) -> None:
    holder = vc.generate_ed25519_keypair()
    presentation = vc.build_presentation(
        [world.sign(welding_badge(index=1)), world.sign(welding_badge(index=2))], holder=holder.did_key
    )
    signed = vc.sign_credential(
        presentation,
        private_key=holder.private_key,
        verification_method=holder.did_key_verification_method,
        proof_purpose="authentication",
    )
    result = vc.verify_presentation(signed, resolver=world.resolver, status_fetcher=world.fetcher, now=NOW)
    assert result.valid, result.message
    assert len(result.credentials) == 2
    world.status_list.set(2)
    world.publish_status()
    result = vc.verify_presentation(signed, resolver=world.resolver, status_fetcher=world.fetcher, now=NOW)
    assert result.status is Status.REVOKED


def test_a_presentation_bound_to_a_challenge_verifies_only_with_that_challenge(world: World) -> None:
    holder = vc.generate_ed25519_keypair()
    presentation = vc.build_presentation([world.sign(welding_badge())], holder=holder.did_key)
    signed = vc.sign_presentation(
        presentation,
        private_key=holder.private_key,
        verification_method=holder.did_key_verification_method,
        challenge="nonce-123",
        domain="employer.example",
    )
    common: dict[str, Any] = {"resolver": world.resolver, "status_fetcher": world.fetcher, "now": NOW}
    assert vc.verify_presentation(signed, challenge="nonce-123", domain="employer.example", **common).valid
    assert vc.verify_presentation(signed, challenge="other", **common).status is Status.MALFORMED
    assert vc.verify_presentation(presentation, challenge="nonce-123", **common).status is Status.MALFORMED
    stolen = copy.deepcopy(signed)
    stolen["holder"] = world.keys.did_key
    assert vc.verify_presentation(stolen, **common).status is Status.UNKNOWN_ISSUER


def test_a_failing_application_fetcher_never_breaks_verification(world: World) -> None:
    class Broken:
        def fetch(self, url: str) -> bytes:
            raise TimeoutError("upstream timed out")

    signed = world.sign(welding_badge())
    result = vc.verify_credential(signed, resolver=vc.DidResolver(Broken()), status_fetcher=Broken(), now=NOW)
    assert result.status is Status.UNKNOWN_ISSUER
    assert "TimeoutError" in result.message
    result = vc.verify_credential(signed, resolver=world.resolver, status_fetcher=Broken(), now=NOW)
    assert result.status is Status.STATUS_UNAVAILABLE


def test_text_that_implementations_would_order_differently_is_refused_at_issuance(world: World) -> None:
    badge = welding_badge()
    badge["credentialSubject"]["achievement"]["tag"] = ["😀", "！"]
    with pytest.raises(vc.MalformedDocument, match="order differently"):
        world.sign(badge)
    badge["credentialSubject"]["achievement"]["tag"] = ["😀", "welding"]
    assert world.verify(world.sign(badge)).valid
