"""A person downloads everything about them or deletes their account; credentials issued before stay verifiable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.accounts.models import ApiToken, AuditEvent, Consent, Notification, User, WebSession
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.kit import hooks
from tests.factories.accounts import PASSWORD, bearer, create_institution, create_user, principal_of
from tests.factories.credentials import issue_credential
from tests.factories.web import sign_in


@pytest.fixture
def hook_names() -> Iterator[list[str]]:
    """Names of hooks a test registers, removed afterwards so no other test sees them."""
    names: list[str] = []
    yield names
    for name in names:
        hooks.unregister(name)


def _learner_with_history(session: Session) -> User:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    principal = principal_of(learner)
    accounts_service.grant_consent(
        session, actor=principal, grantee_kind=ConsentGrantee.INSTITUTION.value, grantee_id=institution.id
    )
    accounts_service.create_api_token(
        session, user=learner, scopes=["plar:read"], name="script", actor=principal
    )
    accounts_service.notify(
        session, user_id=learner.id, kind="plar.decided", title="Decision", body="Granted"
    )
    return learner


def test_the_export_holds_everything_about_me_and_no_secret(session: Session, hook_names: list[str]) -> None:
    learner = _learner_with_history(session)
    hooks.register_exporter("plar_test", lambda s, user_id: {"cases": [{"learner": user_id}]})
    hook_names.append("plar_test")
    data = accounts_service.export_personal_data(session, actor=principal_of(learner))
    assert data["profile"]["email"] == learner.email
    assert [r["role"] for r in data["roles"]] == ["learner"]
    assert data["consents"][0]["grantee_kind"] == "institution"
    assert data["api_tokens"][0]["name"] == "script"
    assert data["notifications"][0]["title"] == "Decision"
    assert {"user.created", "consent.granted", "api_token.created"} <= {e["action"] for e in data["audit"]}
    assert data["plar_test"] == {"cases": [{"learner": learner.id}]}
    text = json.dumps(data)
    token_hash = session.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == learner.id))
    assert token_hash
    assert token_hash not in text
    assert learner.password_hash
    assert learner.password_hash not in text
    assert "token_hash" not in text
    assert (
        session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "user.data_exported", AuditEvent.entity_id == learner.id
            )
        )
        is not None
    )


def test_the_export_downloads_as_a_json_file_from_the_api_and_the_page(
    client: TestClient, session: Session
) -> None:
    learner = _learner_with_history(session)
    response = client.get("/api/v1/me/export", headers=bearer(session, learner))
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.json()["profile"]["id"] == learner.id
    sign_in(client, session, learner)
    page = client.get("/account/privacy")
    assert page.status_code == 200
    assert 'data-testid="delete-form"' in page.text
    download = client.get("/account/privacy/export")
    assert download.status_code == 200
    assert download.json()["notifications"][0]["body"] == "Granted"


def test_deleting_my_account_anonymises_me_and_ends_every_access(
    session: Session, hook_names: list[str]
) -> None:
    learner = _learner_with_history(session)
    email = learner.email
    erased: list[str] = []
    hooks.register_eraser("plar_test", lambda s, user_id: erased.append(user_id))
    hook_names.append("plar_test")
    accounts_service.delete_account(session, actor=principal_of(learner), password=PASSWORD)
    session.refresh(learner)
    assert erased == [learner.id]
    assert learner.email.endswith("@deleted.invalid")
    assert learner.email != email
    assert learner.display_name == "deleted user"
    assert learner.password_hash is None
    assert not learner.is_active
    assert learner.deleted_at is not None
    assert (
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == learner.id, ApiToken.revoked_at.is_(None))
        ).all()
        == []
    )
    assert (
        session.scalars(
            select(Consent).where(Consent.learner_id == learner.id, Consent.withdrawn_at.is_(None))
        ).all()
        == []
    )
    assert session.scalars(select(Notification).where(Notification.user_id == learner.id)).all() == []
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.deleted", AuditEvent.entity_id == learner.id)
    )
    assert event is not None
    assert email not in json.dumps(event.after)
    assert event.actor_label != email
    with pytest.raises(Exception, match="e-mail or password is wrong"):
        accounts_service.authenticate(session, email=email, password=PASSWORD)


def test_a_wrong_password_deletes_nothing(session: Session) -> None:
    learner = _learner_with_history(session)
    with pytest.raises(accounts_service.PasswordConfirmationFailed):
        accounts_service.delete_account(session, actor=principal_of(learner), password="not my password")
    session.refresh(learner)
    assert learner.is_active
    assert learner.deleted_at is None


def test_a_failing_eraser_leaves_everything_as_it_was(session: Session, hook_names: list[str]) -> None:
    learner = _learner_with_history(session)
    email = learner.email

    def first(s: Session, user_id: str) -> None:
        accounts_service.notify(s, user_id=user_id, kind="k", title="written by an eraser", body="")

    def second(s: Session, user_id: str) -> None:
        raise RuntimeError("the evidence store is down")

    hooks.register_eraser("a_first", first)
    hooks.register_eraser("b_second", second)
    hook_names.extend(["a_first", "b_second"])
    with pytest.raises(RuntimeError):
        accounts_service.delete_account(session, actor=principal_of(learner), password=PASSWORD)
    session.expire_all()
    reloaded = session.get(User, learner.id)
    assert reloaded is not None
    learner = reloaded
    assert learner.is_active
    assert learner.email == email
    assert learner.password_hash
    assert (
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == learner.id, ApiToken.revoked_at.is_(None))
        ).all()
        != []
    )
    titles = session.scalars(select(Notification.title).where(Notification.user_id == learner.id)).all()
    assert titles == ["Decision"]


def test_a_credential_issued_before_deletion_still_verifies_after(
    session: Session, settings: Settings
) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    accounts_service.delete_account(session, actor=principal_of(learner), password=PASSWORD)
    report = credentials_service.verify_credential(session, settings=settings, document=credential.document)
    assert report.verified, report


def test_deleting_through_the_api_needs_the_password_and_signs_me_out(
    client: TestClient, session: Session
) -> None:
    learner = _learner_with_history(session)
    auth = bearer(session, learner)
    refused = client.post("/api/v1/me/delete", json={"password": "wrong"}, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["error"] == "password_confirmation_failed"
    deleted = client.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=auth)
    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": True, "user_id": learner.id}
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_deleting_from_the_page_needs_the_confirmation_and_ends_the_session(
    client: TestClient, session: Session
) -> None:
    learner = _learner_with_history(session)
    sign_in(client, session, learner)
    unconfirmed = client.post("/account/privacy/delete", data={"password": PASSWORD})
    assert unconfirmed.status_code == 422
    assert 'data-testid="delete-error"' in unconfirmed.text
    wrong = client.post("/account/privacy/delete", data={"password": "wrong", "confirm": "yes"})
    assert wrong.status_code == 422
    session.refresh(learner)
    assert learner.is_active
    done = client.post(
        "/account/privacy/delete", data={"password": PASSWORD, "confirm": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith("/login")
    assert session.scalars(select(WebSession).where(WebSession.user_id == learner.id)).all() == []
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_hook_name_cannot_be_taken_twice(hook_names: list[str]) -> None:
    def exporter(s: Session, user_id: str) -> dict[str, Any]:
        return {}

    hooks.register_exporter("twice_test", exporter)
    hook_names.append("twice_test")
    hooks.register_exporter("twice_test", exporter)  # the same callback again is harmless
    with pytest.raises(ValueError, match="already registered"):
        hooks.register_exporter("twice_test", lambda s, user_id: {})
