"""Verification tells apart valid, tampered, unknown issuer, revoked, suspended, expired, not yet valid, malformed."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.config import Settings
from bridgeway.credentials import errors
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.fetcher import HttpFetcher
from tests.factories.credentials import achievement, institution_and_learner, issue_credential


def _verify(session: Session, settings: Settings, document: object, **kwargs: object) -> str:
    report = credentials_service.verify_credential(session, settings=settings, document=document, **kwargs)  # type: ignore[arg-type]
    return report.outcome


def test_a_fresh_credential_verifies_from_the_database_without_http(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    report = credentials_service.verify_credential(
        session, settings=settings, document=credential.document, http=HttpFetcher([])
    )
    assert report.verified, report
    assert report.summary["issuer_name"] == institution.name
    assert report.summary["competency"] == "weld metal pieces"
    assert {c.name for c in report.checks} >= {"structure", "issuer", "signature", "validity", "status"}


def test_a_changed_field_is_reported_as_tampered(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    document = copy.deepcopy(
        issue_credential(session, settings, institution=institution, learner=learner).document
    )
    document["credentialSubject"]["achievement"]["name"] = "Master welder"
    assert _verify(session, settings, document) == "tampered"


def test_revocation_is_visible_in_verification(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.revoke(
        session, settings=settings, credential_id=credential.id, reason="Assessment fraud", actor=None
    )
    assert _verify(session, settings, credential.document) == "revoked"
    assert credential.status == "revoked"
    assert credential.status_reason == "Assessment fraud"


def test_suspension_is_visible_and_lifting_it_restores_validity(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.suspend(
        session, settings=settings, credential_id=credential.id, reason="Under review", actor=None
    )
    assert _verify(session, settings, credential.document) == "suspended"
    credentials_service.unsuspend(
        session, settings=settings, credential_id=credential.id, reason="Review closed", actor=None
    )
    assert _verify(session, settings, credential.document) == "valid"
    assert [e.action for e in credentials_service.status_history(session, credential_id=credential.id)] == [
        "suspend",
        "unsuspend",
    ]


def test_a_revoked_credential_cannot_be_reinstated(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.revoke(
        session, settings=settings, credential_id=credential.id, reason="Error", actor=None
    )
    with pytest.raises(errors.CredentialRevoked):
        credentials_service.unsuspend(
            session, settings=settings, credential_id=credential.id, reason="Oops", actor=None
        )


def test_an_expired_and_a_not_yet_valid_credential_are_told_apart(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(
        session, settings, institution=institution, learner=learner, definition=achievement(valid_for_days=30)
    )
    later = datetime.now(UTC) + timedelta(days=60)
    earlier = datetime.now(UTC) - timedelta(days=1)
    assert _verify(session, settings, credential.document, now=later) == "expired"
    assert _verify(session, settings, credential.document, now=earlier) == "not_yet_valid"


def test_a_credential_signed_before_a_key_rotation_still_verifies(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.rotate_key(
        session, institution_id=institution.id, kek=settings.key_encryption_key, actor=None
    )
    assert _verify(session, settings, credential.document) == "valid"


def test_a_proof_by_a_key_the_issuer_does_not_list_is_an_unknown_key(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    document = issue_credential(session, settings, institution=institution, learner=learner).document
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    stranger = vc.generate_ed25519_keypair()
    forged = vc.sign_credential(
        unsigned,
        private_key=stranger.private_key,
        verification_method=document["proof"]["verificationMethod"].replace("key-1", "key-9"),
    )
    assert _verify(session, settings, forged) == "unknown_issuer"


def test_malformed_input_is_reported_as_malformed(session: Session, settings: Settings) -> None:
    assert _verify(session, settings, '{"a": 1, "a": 2}') == "malformed"
    assert _verify(
        session, settings, {"@context": ["https://example.org/evil"], "type": ["VerifiableCredential"]}
    ) == ("malformed")


def test_a_credential_from_another_issuer_with_did_key_verifies(session: Session, settings: Settings) -> None:
    keypair = vc.generate_ed25519_keypair()
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5b3c9a2e-9f0e-4a57-9d4f-0a8b1c2d3e4f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": keypair.did_key, "type": ["Profile"], "name": "Elsewhere College"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Forklift safety",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://elsewhere.example/a/1",
                "type": ["Achievement"],
                "name": "Forklift safety",
                "description": "Operates a forklift safely.",
                "criteria": {"narrative": "Passes a practical test."},
            },
        },
    }
    signed = vc.sign_credential(
        document, private_key=keypair.private_key, verification_method=keypair.did_key_verification_method
    )
    assert _verify(session, settings, signed) == "valid"


def test_another_issuers_did_web_is_fetched_only_from_an_allow_listed_host(
    session: Session, settings: Settings
) -> None:
    keypair = vc.generate_ed25519_keypair()
    did = "did:web:issuer.example.org"
    did_doc = vc.did_web_document(did, [("key-1", keypair.public_key)])
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "credentialSubject": {"id": "did:example:learner"},
    }
    signed = vc.sign_credential(document, private_key=keypair.private_key, verification_method=f"{did}#key-1")

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "https://issuer.example.org/.well-known/did.json"
        return httpx.Response(200, json=did_doc)

    transport = httpx.MockTransport(handler)
    allowed = HttpFetcher(["issuer.example.org"], transport=transport, resolve=lambda h, p: ["93.184.216.34"])
    refused = HttpFetcher(["other.example.org"], transport=transport, resolve=lambda h, p: ["93.184.216.34"])
    assert _verify(session, settings, signed, http=allowed) == "valid"
    assert _verify(session, settings, signed, http=refused) == "unknown_issuer"
