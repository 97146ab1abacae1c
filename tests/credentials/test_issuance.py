"""Issuing credentials: documents, recipients, idempotency, keys and rotation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.config import Settings
from bridgeway.credentials import errors
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import IssuedCredential, IssuerKey, StatusList
from bridgeway.credentials.schemas import IssueRequest, Recipient
from tests.factories.accounts import create_user
from tests.factories.credentials import achievement, institution_and_learner, issue_credential


def test_an_issued_credential_is_a_signed_open_badge_naming_the_institution_did(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    document = credential.document
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == credentials_service.issuer_did(settings.base_url, institution)
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["proof"]["verificationMethod"].endswith("#key-1")
    achievement_json = document["credentialSubject"]["achievement"]
    assert achievement_json["alignment"][0]["targetType"] == "ext:ESCOSkill"
    assert document["evidence"][0]["name"] == "Assessment: Practical demonstration"


def test_a_learner_without_a_did_is_named_by_a_salted_hash_and_never_by_email(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    text = json.dumps(credential.document).lower()
    assert learner.email.lower() not in text
    identity = credential.document["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$")
    assert credential.recipient_kind == "email_hash"


def test_a_learner_with_a_did_is_named_by_the_did(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    learner.did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    assert credential.document["credentialSubject"]["id"] == learner.did
    assert "identifier" not in credential.document["credentialSubject"]


def test_the_same_idempotency_key_returns_the_same_credential(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    definition = achievement()
    first = issue_credential(
        session, settings, institution=institution, learner=learner, definition=definition, key="k1"
    )
    again = issue_credential(
        session, settings, institution=institution, learner=learner, definition=definition, key="k1"
    )
    assert again.id == first.id
    assert session.query(IssuedCredential).filter_by(institution_id=institution.id).count() == 1


def test_an_idempotency_key_reused_for_another_achievement_is_refused(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issue_credential(session, settings, institution=institution, learner=learner, key="k1")
    with pytest.raises(errors.IdempotencyMismatch):
        issue_credential(session, settings, institution=institution, learner=learner, key="k1")


def test_a_micro_credential_without_its_competency_is_refused(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    with pytest.raises(errors.InvalidAchievement, match="one competency"):
        issue_credential(
            session,
            settings,
            institution=institution,
            learner=learner,
            definition=achievement(alignment=None),
        )
    assert session.query(IssuedCredential).filter_by(institution_id=institution.id).count() == 0


def test_every_credential_gets_a_distinct_index_in_a_list_of_131072(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credentials = [
        issue_credential(session, settings, institution=institution, learner=learner) for _ in range(5)
    ]
    assert len({c.status_index for c in credentials}) == 5
    lst = session.query(StatusList).filter_by(institution_id=institution.id).one()
    assert lst.size == 131_072
    assert lst.allocated_count == 5
    entries = credentials[0].document["credentialStatus"]
    assert {e["statusPurpose"] for e in entries} == {"revocation", "suspension"}


def test_the_private_key_is_stored_encrypted(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    issue_credential(session, settings, institution=institution, learner=learner)
    key = session.query(IssuerKey).filter_by(institution_id=institution.id).one()
    assert len(key.private_key_ciphertext) == 1 + 12 + 32 + 16
    settings_other = settings.model_copy(
        update={"key_encryption_key": "another-kek-that-is-long-enough-0123456789"}
    )
    with pytest.raises(errors.KeyDecryptionFailed):
        issue_credential(session, settings_other, institution=institution, learner=learner)


def test_after_rotation_new_credentials_use_the_new_key_and_the_did_document_keeps_both(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    before = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.rotate_key(
        session, institution_id=institution.id, kek=settings.key_encryption_key, actor=None
    )
    after = issue_credential(session, settings, institution=institution, learner=learner)
    assert before.document["proof"]["verificationMethod"].endswith("#key-1")
    assert after.document["proof"]["verificationMethod"].endswith("#key-2")
    did_doc = credentials_service.did_document(session, institution=institution, base_url=settings.base_url)
    assert [m["id"].split("#")[1] for m in did_doc["verificationMethod"]] == ["key-2", "key-1"]
    assert len(did_doc["assertionMethod"]) == 2


def test_a_recipient_by_email_of_a_known_learner_lands_in_their_wallet(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    request = IssueRequest(
        achievement=achievement(), recipient=Recipient(email=learner.email.upper()), idempotency_key="by-mail"
    )
    credential = credentials_service.issue(
        session, settings=settings, institution_id=institution.id, request=request, actor=None
    )
    assert credential.learner_user_id == learner.id
    assert [c.id for c in credentials_service.list_for_learner(session, user_id=learner.id)] == [
        credential.id
    ]


def test_a_staff_member_may_not_see_another_institutions_credential(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    other_institution, _ = institution_and_learner(session)
    from tests.factories.accounts import principal_of

    registrar = principal_of(create_user(session, Role.REGISTRAR, institution=other_institution))
    with pytest.raises(errors.UnknownCredential):
        credentials_service.get_for(session, credential_id=credential.id, principal=registrar)
