"""Wallet, share, verification and registrar pages, in English and French."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from tests.factories.accounts import create_user
from tests.factories.credentials import institution_and_learner, issue_credential
from tests.factories.web import sign_in


def test_the_wallet_lists_credentials_with_status_reason_and_actions(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    kept = issue_credential(session, settings, institution=institution, learner=learner)
    gone = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.revoke(
        session, settings=settings, credential_id=gone.id, reason="Issued in error", actor=None
    )
    session.commit()
    sign_in(client, session, learner)
    page = client.get("/wallet")
    assert page.status_code == 200
    assert page.text.count('data-testid="wallet-credential"') == 2
    assert "Issued in error" in page.text
    assert "linkedin.com/profile/add" in page.text
    assert client.get(f"/wallet/{kept.id}.json").json()["id"] == kept.document["id"]
    pdf = client.get(f"/wallet/{kept.id}/certificate.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_learner_cannot_download_my_credential(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    other = create_user(session, Role.LEARNER, institution=institution)
    session.commit()
    sign_in(client, session, other)
    assert client.get(f"/wallet/{credential.id}.json").status_code == 404
    assert client.get(f"/wallet/{credential.id}/certificate.pdf").status_code == 404


def test_a_share_link_shows_verified_credentials_until_withdrawn(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    session.commit()
    csrf = sign_in(client, session, learner)
    made = client.post(
        "/wallet/share",
        data={"credential_ids": [credential.id], "days": "7", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert made.status_code == 303
    wallet = client.get("/wallet").text
    url = re.search(r'data-testid="share-url">[^<]*(/share/[^<]+)<', wallet)
    assert url is not None
    client.cookies.clear()
    shared = client.get(url.group(1))
    assert shared.status_code == 200
    assert 'data-outcome="valid"' in shared.text
    link = credentials_service.share_links(session, user_id=learner.id)[0]
    sign_in(client, session, learner)
    assert (
        client.post(
            f"/wallet/share/{link.id}/withdraw", data={"csrf_token": csrf}, follow_redirects=False
        ).status_code
        == 303
    )
    assert client.get(url.group(1)).status_code == 404


def test_a_presentation_of_chosen_credentials_downloads(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    session.commit()
    sign_in(client, session, learner)
    response = client.post("/wallet/presentation", data={"credential_ids": [credential.id]})
    assert response.status_code == 200
    assert response.json()["type"] == ["VerifiablePresentation"]
    assert response.json()["verifiableCredential"][0]["id"] == credential.document["id"]


def test_the_public_verification_page_says_each_check_in_english_and_french(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.revoke(
        session, settings=settings, credential_id=credential.id, reason="Fraud", actor=None
    )
    session.commit()
    english = client.get(f"/verify/{credential.id}")
    assert 'data-outcome="revoked"' in english.text
    assert "Revoked: the issuer has withdrawn this credential." in english.text
    assert institution.name in english.text
    assert "weld metal pieces" in english.text
    french = client.get(f"/verify/{credential.id}?lang=fr")
    assert "Révoqué : l’émetteur a retiré ce titre." in french.text
    assert "La signature correspond : rien n’a été modifié." in french.text


def test_pasting_uploading_or_opening_a_url_verifies(
    client: TestClient, session: Session, settings: Settings
) -> None:
    import json

    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    session.commit()
    text = json.dumps(credential.document)
    pasted = client.post("/verify", data={"credential": text})
    assert 'data-outcome="valid"' in pasted.text
    uploaded = client.post(
        "/verify", files={"file": ("c.json", text.replace("Weld", "Weird"), "application/json")}
    )
    assert 'data-outcome="tampered"' in uploaded.text
    opened = client.get(
        "/verify", params={"url": f"{settings.base_url}/verify/{credential.id}/credential.json"}
    )
    assert 'data-outcome="valid"' in opened.text
    refused = client.get("/verify", params={"url": "http://169.254.169.254/latest/meta-data"})
    assert refused.status_code == 422
    assert "allow-list" in refused.text
    assert client.post("/verify", data={"credential": ""}).status_code == 422
    assert 'data-outcome="malformed"' in client.post("/verify", data={"credential": "{nope"}).text


def test_a_registrar_revokes_from_the_issued_page_with_a_reason(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    registrar = create_user(session, Role.REGISTRAR, institution=institution)
    session.commit()
    csrf = sign_in(client, session, registrar)
    assert 'data-testid="issued-credential"' in client.get("/issued").text
    response = client.post(
        f"/issued/{credential.id}/status",
        data={"action": "revoke", "reason": "Assessment irregularity", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.refresh(credential)
    assert credential.status == "revoked"
    assert (
        client.post(
            f"/issued/{credential.id}/status", data={"action": "explode", "reason": "xyz"}
        ).status_code
        == 422
    )


def test_an_expired_share_link_no_longer_opens(
    client: TestClient, session: Session, settings: Settings
) -> None:
    from datetime import timedelta

    from tests.factories.accounts import principal_of

    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    link = credentials_service.create_share_link(
        session, actor=principal_of(learner), credential_ids=[credential.id], days=1
    )
    session.commit()
    assert client.get(f"/share/{link.token}").status_code == 200
    link.expires_at = link.expires_at - timedelta(days=2)
    session.commit()
    assert client.get(f"/share/{link.token}").status_code == 404


def test_a_registrar_rejects_a_stacked_award_from_the_issued_page(
    client: TestClient, session: Session, settings: Settings
) -> None:
    from bridgeway.credentials.models import StackAward

    institution, learner = institution_and_learner(session)
    award = StackAward(
        institution_id=institution.id,
        learner_user_id=learner.id,
        parent_ref="cert-x",
        component_credential_ids=[],
    )
    session.add(award)
    registrar = create_user(session, Role.REGISTRAR, institution=institution)
    session.commit()
    csrf = sign_in(client, session, registrar)
    assert 'data-testid="stack-award"' in client.get("/issued").text
    response = client.post(
        f"/issued/stack-awards/{award.id}",
        data={"decision": "reject", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.refresh(award)
    assert award.state == "rejected"
    again = client.post(f"/issued/stack-awards/{award.id}", data={"decision": "reject", "csrf_token": csrf})
    assert again.status_code == 409


def test_the_wallet_link_downloads_the_signed_clr_in_a_browser_session(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issue_credential(session, settings, institution=institution, learner=learner)
    session.commit()
    sign_in(client, session, learner)
    page = client.get("/wallet")
    link = re.search(r'href="([^"]+)" data-testid="clr-export"', page.text)
    assert link is not None
    clr = client.get(link.group(1))
    assert clr.status_code == 200, clr.text
    assert clr.json()["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
