from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from bridgeway import vc
from tests.vc.conftest import welding_badge


def test_a_hashed_email_identity_is_salted_sha256_and_never_plain() -> None:
    identity = vc.IdentityObject.hashed_email(" Learner@Example.ca ", salt="s4lt")
    expected = hashlib.sha256(b"learner@example.cas4lt").hexdigest()
    assert identity.to_json() == {
        "type": "IdentityObject",
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "s4lt",
    }
    assert identity.matches("learner@example.ca")
    assert not identity.matches("other@example.ca")
    assert "learner@example.ca" not in json.dumps(welding_badge()).lower()


def test_each_hashed_identity_gets_its_own_random_salt() -> None:
    one = vc.IdentityObject.hashed_email("a@example.ca")
    two = vc.IdentityObject.hashed_email("a@example.ca")
    assert one.salt != two.salt
    assert one.identity_hash != two.identity_hash


def test_a_plain_email_as_subject_id_is_refused() -> None:
    achievement = vc.Achievement(id="https://c.example/a", name="n", description="d", criteria_narrative="c")
    with pytest.raises(vc.MalformedDocument):
        vc.AchievementSubject(achievement=achievement, id="learner@example.ca").to_json()
    with pytest.raises(vc.MalformedDocument):
        vc.AchievementSubject(achievement=achievement).to_json()


def test_custom_alignment_types_need_the_ext_prefix() -> None:
    assert vc.Alignment(target_name="x", target_url="https://x", target_type="ext:OaSIS").to_json()[
        "targetType"
    ]
    with pytest.raises(vc.MalformedDocument):
        vc.Alignment(target_name="x", target_url="https://x", target_type="OaSIS").to_json()


def test_an_open_badge_keeps_the_specs_wire_names() -> None:
    badge = welding_badge()
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    achievement = badge["credentialSubject"]["achievement"]
    assert achievement["criteria"]["narrative"].startswith("Produces")
    assert achievement["alignment"][0]["targetType"] == "ext:ESCOSkill"
    assert achievement["resultDescription"][0]["resultType"] == "RubricCriterionLevel"
    assert achievement["related"][0]["type"] == ["Related"]
    assert badge["credentialSubject"]["result"][0]["value"] == "Proficient"
    assert badge["evidence"][0]["genre"] == "Performance assessment"
    assert badge["validFrom"] == "2026-01-01T00:00:00Z"
    vc.to_quads(badge)  # every term is defined by the bundled contexts


def test_a_clr_bundles_credentials_with_associations_and_is_signed_with_the_packaged_clr_context() -> None:
    keys = vc.generate_ed25519_keypair()
    issuer = vc.Profile(id=keys.did_key, name="College")
    clr = vc.build_clr_credential(
        issuer=issuer,
        learner_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        learner_identifier=None,
        credentials=[welding_badge()],
        name="Learner record",
        associations=[
            vc.Association(
                association_type="isChildOf", source_id="https://c.example/a", target_id="https://c.example/b"
            )
        ],
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["credentialSubject"]["association"][0]["associationType"] == "isChildOf"
    signed = vc.sign_credential(
        clr, private_key=keys.private_key, verification_method=keys.did_key_verification_method
    )
    result = vc.verify_credential(signed, resolver=vc.DidResolver(vc.InMemoryFetcher({})))
    assert result.valid, result.message
    clr["credentialSubject"]["unknownTerm"] = "dropped by a JSON-LD processor"
    with pytest.raises(vc.UndefinedTerm):
        vc.sign_credential(
            clr, private_key=keys.private_key, verification_method=keys.did_key_verification_method
        )


def test_multikeys_and_did_keys_round_trip() -> None:
    keys = vc.generate_ed25519_keypair()
    assert keys.public_key_multibase.startswith("z6Mk")
    assert vc.decode_multikey(keys.public_key_multibase) == keys.public_key
    secret = vc.encode_secret_multikey(keys.private_key)
    assert vc.decode_secret_multikey(secret).public_key() == keys.public_key
    assert keys.did_key == f"did:key:{keys.public_key_multibase}"
    document = vc.did_key_document(keys.did_key)
    assert document["assertionMethod"] == [keys.did_key_verification_method]
    with pytest.raises(vc.InvalidKey):
        vc.decode_multikey("z6MkInvalid0")


def test_did_web_urls_follow_the_method_spec() -> None:
    assert vc.did_web_url("did:web:college.example") == "https://college.example/.well-known/did.json"
    assert vc.did_web_url("did:web:college.example:issuers:2") == "https://college.example/issuers/2/did.json"
    assert vc.did_web_url("did:web:localhost%3A8443") == "https://localhost:8443/.well-known/did.json"
