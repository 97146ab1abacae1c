"""Institution admins manage their own institution's users, never another's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import User
from tests.factories.accounts import bearer, create_institution, create_user, principal_of
from tests.factories.web import sign_in


def _admin(session: Session) -> User:
    return create_user(session, Role.INSTITUTION_ADMIN, institution=create_institution(session))


def test_an_admin_lists_only_their_institutions_users(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    colleague = create_user(
        session,
        Role.ASSESSOR,
        institution=accounts_service.get_institution(session, admin.institution_id or ""),
    )
    stranger = create_user(session, Role.ASSESSOR, institution=create_institution(session))
    body = client.get("/api/v1/users", headers=bearer(session, admin)).json()
    emails = {u["email"] for u in body["items"]}
    assert colleague.email in emails
    assert stranger.email not in emails
    assert body["total"] == 2


def test_the_user_list_pages_and_filters(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    institution = accounts_service.get_institution(session, admin.institution_id or "")
    for _ in range(3):
        create_user(session, Role.LEARNER, institution=institution)
    auth = bearer(session, admin)
    page = client.get("/api/v1/users?limit=2&offset=0&role=learner", headers=auth).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    rest = client.get("/api/v1/users?limit=2&offset=2&role=learner", headers=auth).json()
    assert len(rest["items"]) == 1
    assert client.get("/api/v1/users?limit=500", headers=auth).status_code == 422


def test_an_admin_creates_a_user_with_a_generated_password_shown_once(
    client: TestClient, session: Session
) -> None:
    admin = _admin(session)
    response = client.post(
        "/api/v1/users",
        json={
            "email": "New.Person@Example.org",
            "display_name": "New Person",
            "roles": ["advisor", "assessor"],
        },
        headers=bearer(session, admin),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "new.person@example.org"
    assert body["institution_id"] == admin.institution_id
    created = accounts_service.authenticate(session, email=body["email"], password=body["initial_password"])
    assert created.id == body["id"]


def test_an_admin_cannot_create_employer_users_or_duplicates(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    auth = bearer(session, admin)
    employer = client.post(
        "/api/v1/users",
        json={"email": "e@example.org", "display_name": "E", "roles": ["employer"]},
        headers=auth,
    )
    assert employer.status_code == 422
    assert employer.json()["error"] == "role_not_grantable"
    first = client.post(
        "/api/v1/users",
        json={"email": "d@example.org", "display_name": "D", "roles": ["learner"]},
        headers=auth,
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/users",
        json={"email": "D@example.org", "display_name": "D", "roles": ["learner"]},
        headers=auth,
    )
    assert again.status_code == 409


def test_changing_roles_is_audited_with_before_and_after(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    user = create_user(
        session,
        Role.ADVISOR,
        institution=accounts_service.get_institution(session, admin.institution_id or ""),
    )
    response = client.patch(
        f"/api/v1/users/{user.id}", json={"roles": ["assessor", "advisor"]}, headers=bearer(session, admin)
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["advisor", "assessor"]
    events, _total = accounts_service.list_audit(
        session, actor=principal_of(admin), entity_id=user.id, action="user.roles_changed"
    )
    assert events[0].before["roles"] == ["advisor"]  # type: ignore[index]
    assert events[0].after["roles"] == ["advisor", "assessor"]  # type: ignore[index]
    assert events[0].actor_user_id == admin.id


def test_deactivating_a_user_signs_them_out_and_revokes_their_tokens(
    client: TestClient, session: Session
) -> None:
    admin = _admin(session)
    user = create_user(
        session,
        Role.ASSESSOR,
        institution=accounts_service.get_institution(session, admin.institution_id or ""),
    )
    user_auth = bearer(session, user)
    token, _ = accounts_service.start_web_session(session, user=user, max_age_seconds=3600)
    response = client.patch(
        f"/api/v1/users/{user.id}", json={"is_active": False}, headers=bearer(session, admin)
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=user_auth).status_code == 401
    assert accounts_service.resolve_web_session(session, token) is None
    back = client.patch(f"/api/v1/users/{user.id}", json={"is_active": True}, headers=bearer(session, admin))
    assert back.json()["is_active"] is True


def test_an_admin_can_neither_deactivate_themselves_nor_drop_their_own_admin_role(
    client: TestClient, session: Session
) -> None:
    admin = _admin(session)
    auth = bearer(session, admin)
    assert (
        client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=auth).status_code == 409
    )
    response = client.patch(f"/api/v1/users/{admin.id}", json={"roles": ["registrar"]}, headers=auth)
    assert response.status_code == 422
    assert client.get("/api/v1/me", headers=auth).json()["roles"] == ["institution_admin"]


def test_an_admin_cannot_see_or_change_a_user_of_another_institution(
    client: TestClient, session: Session
) -> None:
    admin = _admin(session)
    stranger = create_user(session, Role.ASSESSOR, institution=create_institution(session))
    auth = bearer(session, admin)
    assert client.get(f"/api/v1/users/{stranger.id}", headers=auth).status_code == 404
    assert (
        client.patch(f"/api/v1/users/{stranger.id}", json={"is_active": False}, headers=auth).status_code
        == 404
    )
    session.refresh(stranger)
    assert stranger.is_active


def test_an_admin_keeps_an_employer_role_they_cannot_grant(session: Session) -> None:
    admin = _admin(session)
    institution = accounts_service.get_institution(session, admin.institution_id or "")
    both = create_user(session, Role.LEARNER, Role.EMPLOYER, institution=institution)
    accounts_service.update_institution_user(
        session, actor=principal_of(admin), user_id=both.id, roles=[Role.ADVISOR]
    )
    assert accounts_service.roles_of(both) == {Role.ADVISOR, Role.EMPLOYER}


def test_the_admin_pages_add_edit_and_deactivate_a_user(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    sign_in(client, session, admin)
    assert "Add a user" in client.get("/admin/users").text
    created = client.post(
        "/admin/users", data={"email": "page@example.org", "display_name": "Page Person", "role": ["learner"]}
    )
    assert created.status_code == 201
    assert 'data-testid="generated-password"' in created.text
    user = accounts_service.get_user_by_email(session, "page@example.org")
    edit = client.post(
        f"/admin/users/{user.id}",
        data={"display_name": "Paige", "role": ["learner", "advisor"], "action": "save"},
        follow_redirects=False,
    )
    assert edit.status_code == 303
    session.refresh(user)
    assert user.display_name == "Paige"
    assert accounts_service.roles_of(user) == {Role.LEARNER, Role.ADVISOR}
    client.post(f"/admin/users/{user.id}", data={"action": "deactivate"})
    session.refresh(user)
    assert not user.is_active
    listing = client.get("/admin/users?q=paige")
    assert "Paige" in listing.text
    assert "deactivated" in listing.text


def test_the_admin_form_explains_a_refused_change(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    sign_in(client, session, admin)
    response = client.post(
        "/admin/users", data={"email": "not-an-email", "display_name": "X", "role": ["learner"]}
    )
    assert response.status_code == 422
    assert "is not an e-mail address" in response.text


def test_an_admin_resets_a_forgotten_password_which_unlocks_the_account(
    client: TestClient, session: Session
) -> None:
    admin = _admin(session)
    user = create_user(
        session,
        Role.LEARNER,
        institution=accounts_service.get_institution(session, admin.institution_id or ""),
    )
    for _ in range(5):
        with pytest.raises(errors.InvalidCredentials):
            accounts_service.authenticate(session, email=user.email, password="forgotten it")
    assert user.locked_until is not None
    response = client.post(f"/api/v1/users/{user.id}/password-reset", headers=bearer(session, admin))
    assert response.status_code == 200
    password = response.json()["initial_password"]
    assert accounts_service.authenticate(session, email=user.email, password=password).id == user.id
    events, _ = accounts_service.list_audit(
        session, actor=principal_of(admin), entity_id=user.id, action="user.password_reset"
    )
    assert len(events) == 1
    assert password not in repr(events[0].after)


def test_the_admin_page_sets_a_new_password_and_shows_it_once(client: TestClient, session: Session) -> None:
    admin = _admin(session)
    user = create_user(
        session,
        Role.ADVISOR,
        institution=accounts_service.get_institution(session, admin.institution_id or ""),
    )
    sign_in(client, session, admin)
    page = client.post(f"/admin/users/{user.id}", data={"action": "reset_password"})
    assert page.status_code == 200
    assert 'data-testid="generated-password"' in page.text
    assert 'data-testid="generated-password"' not in client.get(f"/admin/users/{user.id}").text
