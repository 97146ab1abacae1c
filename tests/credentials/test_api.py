"""The credentials API: roles, scopes, tenants, bad input answered 4xx with a reason and nothing half-written."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.accounts.domain import Role
from bridgeway.config import Settings
from bridgeway.credentials import domain
from bridgeway.credentials.models import BatchJob, IssuedCredential, IssuerKey
from tests.factories.accounts import bearer, create_institution, create_user
from tests.factories.credentials import achievement, institution_and_learner, issue_credential


def _body(learner_id: str, key: str = "api-1", **overrides: Any) -> dict[str, Any]:
    body = {
        "achievement": achievement().model_dump(mode="json", exclude_none=True),
        "recipient": {"user_id": learner_id},
        "idempotency_key": key,
    }
    body.update(overrides)
    return body


def _count(session: Session, institution_id: str) -> int:
    return session.query(IssuedCredential).filter_by(institution_id=institution_id).count()


def test_a_registrar_token_with_the_issue_scope_issues_a_credential(
    client: TestClient, session: Session
) -> None:
    institution, learner = institution_and_learner(session)
    registrar = create_user(session, Role.REGISTRAR, institution=institution)
    response = client.post(
        "/api/v1/credentials", json=_body(learner.id), headers=bearer(session, registrar, "credentials:issue")
    )
    assert response.status_code == 201, response.text
    assert response.json()["document"]["proof"]["type"] == "DataIntegrityProof"
    assert response.json()["learner_user_id"] == learner.id


def test_issuing_needs_a_role_a_scope_and_a_caller(client: TestClient, session: Session) -> None:
    institution, learner = institution_and_learner(session)
    registrar = create_user(session, Role.REGISTRAR, institution=institution)
    learner_headers, read_headers = bearer(session, learner), bearer(session, registrar, "credentials:read")
    session.commit()
    assert client.post("/api/v1/credentials", json=_body(learner.id)).status_code == 401
    response = client.post("/api/v1/credentials", json=_body(learner.id), headers=learner_headers)
    assert response.status_code == 403
    assert response.json()["error"] == "missing_role"
    response = client.post("/api/v1/credentials", json=_body(learner.id), headers=read_headers)
    assert response.status_code == 403
    assert response.json()["error"] == "missing_scope"
    assert _count(session, institution.id) == 0


def test_bad_issue_requests_are_refused_with_a_reason_and_write_nothing(
    client: TestClient, session: Session
) -> None:
    institution, learner = institution_and_learner(session)
    headers = bearer(
        session, create_user(session, Role.REGISTRAR, institution=institution), "credentials:issue"
    )
    session.commit()
    no_alignment = _body(learner.id)
    del no_alignment["achievement"]["alignment"]
    cases = [
        ({"recipient": {"user_id": learner.id}, "idempotency_key": "x"}, 422, "invalid_input"),
        (_body(learner.id, recipient={}), 422, "invalid_input"),
        (_body(learner.id, recipient={"email": "not-an-email"}), 422, "invalid_input"),
        (_body(learner.id, unknown_field=1), 422, "invalid_input"),
        (no_alignment, 422, "invalid_achievement"),
        (_body("no-such-user"), 404, "unknown_user"),
        (
            _body(learner.id, valid_from="2030-01-01T00:00:00Z", valid_until="2029-01-01T00:00:00Z"),
            422,
            "invalid_achievement",
        ),
    ]
    for body, status, error in cases:
        response = client.post("/api/v1/credentials", json=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"] == error
        assert response.json()["message"]
    assert _count(session, institution.id) == 0


def test_an_idempotency_key_reused_for_another_achievement_is_a_conflict(
    client: TestClient, session: Session
) -> None:
    institution, learner = institution_and_learner(session)
    headers = bearer(
        session, create_user(session, Role.REGISTRAR, institution=institution), "credentials:issue"
    )
    session.commit()
    assert (
        client.post("/api/v1/credentials", json=_body(learner.id, "same"), headers=headers).status_code == 201
    )
    response = client.post("/api/v1/credentials", json=_body(learner.id, "same"), headers=headers)
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_mismatch"
    assert _count(session, institution.id) == 1


def test_revocation_needs_a_reason_the_right_tenant_and_shows_in_verification(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    registrar = create_user(session, Role.REGISTRAR, institution=institution)
    outsider = create_user(session, Role.REGISTRAR, institution=create_institution(session))
    url = f"/api/v1/credentials/{credential.id}/revoke"
    mine, theirs = bearer(session, registrar), bearer(session, outsider)
    assessor = bearer(session, create_user(session, Role.ASSESSOR, institution=institution))
    session.commit()
    assert client.post(url, json={"reason": "x"}, headers=mine).status_code == 422
    assert client.post(url, json={"reason": "Cheating"}, headers=theirs).status_code == 404
    assert client.post(url, json={"reason": "Cheating"}, headers=assessor).status_code == 403
    response = client.post(url, json={"reason": "Cheating on the bend test"}, headers=mine)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "revoked"
    verified = client.post("/credentials/verify", json={"verifiableCredential": credential.document})
    assert verified.status_code == 400
    assert verified.json()["outcome"] == "revoked"
    again = client.post(url, json={"reason": "Again"}, headers=mine)
    assert again.status_code == 409


def test_a_learner_sees_their_credentials_and_the_revocation_reason_but_not_others(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    other = create_user(session, Role.LEARNER, institution=institution)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    from bridgeway.credentials import service as credentials_service

    credentials_service.revoke(
        session, settings=settings, credential_id=credential.id, reason="Issued in error", actor=None
    )
    learner_headers, other_headers = bearer(session, learner), bearer(session, other)
    session.commit()
    mine = client.get("/api/v1/credentials/mine", headers=learner_headers)
    assert [c["status_reason"] for c in mine.json()] == ["Issued in error"]
    history = client.get(f"/api/v1/credentials/{credential.id}/history", headers=learner_headers)
    assert history.json()[0]["reason"] == "Issued in error"
    assert client.get(f"/api/v1/credentials/{credential.id}", headers=other_headers).status_code == 404


def test_the_did_document_is_served_at_the_did_web_path_with_multikeys(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issue_credential(session, settings, institution=institution, learner=learner)
    did = domain.institution_did(settings.base_url, institution.slug)
    path = vc.did_web_url(did).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert path == f"institutions/{institution.slug}/did.json"
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/did+json")
    assert response.json()["id"] == did
    assert response.json()["verificationMethod"][0]["type"] == "Multikey"


def test_the_status_list_is_served_with_an_etag_and_cache_headers(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    url = credential.document["credentialStatus"][0]["statusListCredential"].removeprefix(settings.base_url)
    session.commit()
    first = client.get(url)
    assert first.status_code == 200
    assert "max-age" in first.headers["cache-control"]
    assert first.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert vc.StatusList.decode(first.json()["credentialSubject"]["encodedList"]).length == 131_072
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get(url.replace("revocation", "nonsense")).status_code == 404


def test_no_api_answer_or_page_carries_a_private_key(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    admin = create_user(session, Role.INSTITUTION_ADMIN, Role.REGISTRAR, institution=institution)
    headers = bearer(session, admin)
    issued = client.post("/api/v1/credentials", json=_body(learner.id), headers=headers).json()
    rotated = client.post("/api/v1/credentials/keys/rotate", headers=headers)
    assert rotated.status_code == 200
    bodies = [json.dumps(issued), rotated.text]
    for path in [
        f"/institutions/{institution.slug}/did.json",
        "/api/v1/credentials",
        f"/api/v1/credentials/{issued['id']}",
        issued["document"]["credentialStatus"][0]["statusListCredential"].removeprefix(settings.base_url),
        f"/verify/{issued['id']}",
        f"/verify/{issued['id']}/credential.json",
        "/issued",
    ]:
        bodies.append(client.get(path, headers=headers).text)
    secrets_found = []
    for key in session.query(IssuerKey).filter_by(institution_id=institution.id):
        raw = domain.decrypt_private_key(
            settings.key_encryption_key,
            institution_id=institution.id,
            key_row_id=key.id,
            ciphertext=key.private_key_ciphertext,
        )
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        forms = [
            raw.hex(),
            base64.b64encode(raw).decode(),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
            vc.encode_secret_multikey(Ed25519PrivateKey.from_private_bytes(raw)),
            base64.b64encode(key.private_key_ciphertext).decode(),
            key.private_key_ciphertext.hex(),
        ]
        secrets_found += [f for f in forms for body in bodies if f[:24] in body]
    assert secrets_found == []


def test_vc_api_issue_signs_a_caller_credential_and_refuses_plain_emails(
    client: TestClient, session: Session
) -> None:
    institution, _learner = institution_and_learner(session)
    headers = bearer(
        session, create_user(session, Role.REGISTRAR, institution=institution), "credentials:issue"
    )
    session.commit()
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner"},
    }
    response = client.post("/credentials/issue", json={"credential": credential}, headers=headers)
    assert response.status_code == 201, response.text
    signed = response.json()["verifiableCredential"]
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert (
        client.post("/credentials/verify", json={"verifiableCredential": signed}).json()["outcome"] == "valid"
    )
    keyed = {**headers, "Idempotency-Key": "order-77"}
    once = client.post("/credentials/issue", json={"credential": credential}, headers=keyed).json()
    twice = client.post("/credentials/issue", json={"credential": credential}, headers=keyed).json()
    assert once["verifiableCredential"]["id"] == twice["verifiableCredential"]["id"]
    leaky = {**credential, "credentialSubject": {"id": "mailto:ada@example.org"}}
    refused = client.post("/credentials/issue", json={"credential": leaky}, headers=headers)
    assert refused.status_code == 422
    assert "e-mail" in refused.json()["message"]
    foreign = {**credential, "issuer": "did:web:elsewhere.example"}
    assert client.post("/credentials/issue", json={"credential": foreign}, headers=headers).status_code == 422
    assert client.post("/credentials/issue", json={"nope": 1}, headers=headers).status_code == 422
    assert client.post("/credentials/issue", json={"credential": credential}).status_code == 401


def test_verify_endpoints_refuse_bad_bodies_with_reasons(client: TestClient) -> None:
    assert client.post("/credentials/verify", content=b"{not json").status_code == 422
    duplicate = client.post(
        "/credentials/verify", content=b'{"verifiableCredential": {}, "verifiableCredential": {}}'
    )
    assert duplicate.status_code == 422
    assert client.post("/credentials/verify", json={"x": 1}).status_code == 422
    tampered = client.post("/credentials/verify", json={"verifiableCredential": {"@context": ["x"]}})
    assert tampered.status_code == 400
    assert tampered.json()["outcome"] == "malformed"
    deep: Any = {}
    for _ in range(500):
        deep = {"a": deep}
    assert client.post("/credentials/verify", json={"verifiableCredential": deep}).status_code in (400, 422)


def test_a_presentation_of_credentials_verifies(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    presentation = vc.build_presentation([credential.document])
    response = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.text
    assert response.json()["credentials"][0]["outcome"] == "valid"


def test_a_batch_sent_twice_issues_each_row_once(client: TestClient, session: Session) -> None:
    institution, learner = institution_and_learner(session)
    headers = bearer(
        session, create_user(session, Role.REGISTRAR, institution=institution), "credentials:issue"
    )
    body = {
        "idempotency_key": "cohort-2026-fall",
        "achievement": achievement(ref="mc-cohort").model_dump(mode="json", exclude_none=True),
        "rows": [
            {"user_id": learner.id},
            {"email": "newcomer@example.org", "key": "n1"},
            {"did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
        ],
    }
    session.commit()
    first = client.post("/api/v1/credentials/batches", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["issued_count"] == 3
    again = client.post("/api/v1/credentials/batches", json=body, headers=headers)
    assert again.json()["id"] == first.json()["id"]
    assert _count(session, institution.id) == 3
    assert session.query(BatchJob).filter_by(institution_id=institution.id).count() == 1
    changed = {**body, "rows": body["rows"][:1]}
    assert client.post("/api/v1/credentials/batches", json=changed, headers=headers).status_code == 409


def test_a_learner_downloads_a_signed_clr_of_their_credentials(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issue_credential(session, settings, institution=institution, learner=learner)
    headers = bearer(session, learner)
    session.commit()
    response = client.get("/api/v1/credentials/mine/clr", headers=headers)
    assert response.status_code == 200, response.text
    clr = response.json()
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["proof"]["type"] == "DataIntegrityProof"
    assert learner.email not in response.text
