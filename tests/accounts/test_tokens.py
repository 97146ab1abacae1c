"""Scoped API tokens: who am I, create, list, revoke, expiry and scope limits."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role, Scope
from bridgeway.accounts.models import ApiToken
from tests.factories.accounts import bearer, create_institution, create_user
from tests.factories.web import sign_in


def test_me_says_who_the_token_belongs_to_and_what_it_may_do(client: TestClient, session: Session) -> None:
    institution = create_institution(session)
    user = create_user(session, Role.ASSESSOR, Role.ADVISOR, institution=institution)
    response = client.get("/api/v1/me", headers=bearer(session, user, "plar:read"))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["roles"] == ["advisor", "assessor"]
    assert body["institution"]["slug"] == institution.slug
    assert body["via"] == "token"
    assert body["scopes"] == ["plar:read"]


def test_an_unknown_token_is_refused_with_the_error_envelope(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer bw_not-a-token"})
    assert response.status_code == 401
    assert set(response.json()) == {"error", "message", "detail"}


def test_a_token_is_created_listed_and_revoked_through_the_api(client: TestClient, session: Session) -> None:
    user = create_user(session)
    auth = bearer(session, user)
    created = client.post(
        "/api/v1/tokens",
        json={"name": "reports", "scopes": ["catalog:read"], "expires_in_days": 30},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    secret = created.json()["token"]
    assert secret.startswith("bw_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listed = client.get("/api/v1/tokens", headers=auth).json()
    assert any(t["name"] == "reports" and "token" not in t for t in listed)
    assert client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert (
        client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=auth).status_code == 204
    )  # idempotent


def test_only_the_hash_of_a_token_is_stored(session: Session) -> None:
    user = create_user(session)
    secret, token = accounts_service.issue_api_token(session, user=user, scopes=[Scope.CATALOG_READ])
    assert secret not in token.token_hash
    assert len(token.token_hash) == 64


def test_a_token_cannot_create_a_token_with_more_scopes_than_it_holds(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    narrow = bearer(session, user, "catalog:read")
    response = client.post("/api/v1/tokens", json={"scopes": ["catalog:write"]}, headers=narrow)
    assert response.status_code == 403
    assert response.json()["error"] == "scope_escalation"
    same = client.post("/api/v1/tokens", json={"scopes": ["catalog:read"]}, headers=narrow)
    assert same.status_code == 201


def test_an_unknown_scope_or_field_is_refused(client: TestClient, session: Session) -> None:
    auth = bearer(session, create_user(session))
    assert client.post("/api/v1/tokens", json={"scopes": ["everything"]}, headers=auth).status_code == 422
    assert client.post("/api/v1/tokens", json={"scopes": []}, headers=auth).status_code == 422
    assert (
        client.post(
            "/api/v1/tokens", json={"scopes": ["catalog:read"], "admin": True}, headers=auth
        ).status_code
        == 422
    )


def test_an_expired_token_no_longer_works(client: TestClient, session: Session) -> None:
    user = create_user(session)
    secret, token = accounts_service.issue_api_token(
        session, user=user, scopes=["catalog:read"], expires_in_days=1
    )
    token.expires_at = token.expires_at - timedelta(days=2)  # type: ignore[operator]
    session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client: TestClient, session: Session) -> None:
    owner, other = create_user(session), create_user(session)
    _secret, token = accounts_service.issue_api_token(session, user=owner, scopes=["catalog:read"])
    response = client.delete(f"/api/v1/tokens/{token.id}", headers=bearer(session, other))
    assert response.status_code == 404
    session.refresh(token)
    assert token.revoked_at is None


def test_a_token_lacking_a_routes_scope_is_refused(client: TestClient, session: Session) -> None:
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=create_institution(session))
    response = client.get("/api/v1/users", headers=bearer(session, admin, "catalog:read"))
    assert response.status_code == 403
    assert response.json()["error"] == "missing_scope"


def test_the_tokens_page_shows_a_new_secret_once_and_revokes(client: TestClient, session: Session) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    page = client.post(
        "/account/tokens",
        data={"name": "script", "scope": ["catalog:read", "taxonomy:read"], "expires_in_days": "7"},
    )
    assert page.status_code == 201
    assert 'data-testid="token-secret"' in page.text
    assert page.headers["cache-control"] == "no-store"
    token = session.query(ApiToken).filter(ApiToken.user_id == user.id, ApiToken.name == "script").one()
    assert token.scopes == ["catalog:read", "taxonomy:read"]
    again = client.get("/account/tokens")
    assert 'data-testid="token-secret"' not in again.text
    assert "script" in again.text
    revoked = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    session.refresh(token)
    assert token.revoked_at is not None


def test_the_tokens_page_explains_a_token_without_scopes(client: TestClient, session: Session) -> None:
    sign_in(client, session, create_user(session))
    page = client.post("/account/tokens", data={"name": "nothing"})
    assert page.status_code == 422
    assert "at least one scope" in page.text
