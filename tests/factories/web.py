"""Signing in through the real login form in tests."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.models import User
from tests.factories.accounts import PASSWORD

LOGIN_CSRF_COOKIE = "bw_login_csrf"


def login_form_token(client: TestClient) -> str:
    """Open the sign-in page as a browser would and return the form's anti-forgery value."""
    client.cookies.delete("bw_session")
    page = client.get("/login")
    assert page.status_code == 200, page.text
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    assert token, "the sign-in page did not set its anti-forgery cookie"
    return token


def sign_in(client: TestClient, session: Session, user: User, password: str = PASSWORD) -> str:
    """Sign the client in as the user through GET and POST /login and return the session's CSRF token."""
    from bridgeway.accounts.models import WebSession

    client.headers.pop("X-CSRF-Token", None)
    token = login_form_token(client)
    response = client.post(
        "/login",
        data={"email": user.email, "password": password, "login_csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    latest = (
        session.query(WebSession)
        .filter(WebSession.user_id == user.id)
        .order_by(WebSession.created_at.desc())
        .first()
    )
    assert latest is not None
    client.headers["X-CSRF-Token"] = latest.csrf_token
    return latest.csrf_token
