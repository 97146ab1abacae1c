"""Signing in through the real login form in tests."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.models import User
from tests.factories.accounts import PASSWORD


def sign_in(client: TestClient, session: Session, user: User) -> str:
    """Sign the client in as the user through POST /login and return the session's CSRF token."""
    from bridgeway.accounts.models import WebSession

    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    latest = (
        session.query(WebSession).filter(WebSession.user_id == user.id).order_by(WebSession.created_at.desc()).first()
    )
    assert latest is not None
    client.headers["X-CSRF-Token"] = latest.csrf_token
    return latest.csrf_token
