"""Sign-in, sign-out and lockout through the pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from tests.factories.accounts import PASSWORD, create_institution, create_user
from tests.factories.web import sign_in


def test_a_staff_member_signs_in_and_sees_their_name(client: TestClient, session: Session) -> None:
    user = create_user(session, Role.ADVISOR, institution=create_institution(session))
    sign_in(client, session, user)
    page = client.get("/")
    assert page.status_code == 200
    assert user.display_name in page.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: TestClient, session: Session) -> None:
    user = create_user(session)
    response = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert response.status_code == 401
    assert "e-mail or password is wrong" in response.text


def test_five_failures_lock_the_account_even_with_the_right_password(client: TestClient, session: Session) -> None:
    user = create_user(session)
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password!"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_signing_out_without_the_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    del client.headers["X-CSRF-Token"]
    response = client.post("/logout", headers={"accept": "application/json"})
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_rejected"


def test_a_french_speaker_gets_french_pages(client: TestClient) -> None:
    page = client.get("/login?lang=fr")
    assert "Se connecter" in page.text
    assert client.get("/login").text.count("Mot de passe") >= 1  # the choice is remembered in a cookie
