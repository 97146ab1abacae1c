"""Sign-in, sessions, sign-out and lockout through the pages."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import SESSION_COOKIE
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent, WebSession
from bridgeway.accounts.pages.signin import safe_next
from tests.factories.accounts import PASSWORD, create_institution, create_user
from tests.factories.web import login_form_token, sign_in


def _post_login(client: TestClient, email: str, password: str, **extra: str) -> object:
    token = login_form_token(client)
    return client.post(
        "/login",
        data={"email": email, "password": password, "login_csrf": token, **extra},
        follow_redirects=False,
    )


def test_a_staff_member_signs_in_and_sees_their_name(client: TestClient, session: Session) -> None:
    user = create_user(session, Role.ADVISOR, institution=create_institution(session))
    sign_in(client, session, user)
    page = client.get("/")
    assert page.status_code == 200
    assert user.display_name in page.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    response = _post_login(client, user.email, "wrong password!")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "e-mail or password is wrong" in response.text  # type: ignore[attr-defined]
    unknown = _post_login(client, "nobody@example.org", "wrong password!")
    assert unknown.status_code == 401  # type: ignore[attr-defined]
    assert "e-mail or password is wrong" in unknown.text  # type: ignore[attr-defined]


def test_a_sign_in_form_posted_without_its_anti_forgery_value_is_refused(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 400
    assert SESSION_COOKIE not in response.cookies
    forged = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "login_csrf": "guess"},
        follow_redirects=False,
    )
    assert forged.status_code == 400


def test_five_failures_lock_the_account_even_with_the_right_password(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    for _ in range(5):
        _post_login(client, user.email, "wrong password!")
    response = _post_login(client, user.email, PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == user.id)).all()
    assert actions.count("user.sign_in_failed") == 5
    assert "user.locked" in actions


def test_a_lock_ends_after_its_time_and_the_right_password_then_works(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    for _ in range(5):
        _post_login(client, user.email, "wrong password!")
    session.refresh(user)
    assert user.locked_until is not None
    user.locked_until = user.locked_until - timedelta(hours=1)
    session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_a_deactivated_user_cannot_sign_in(client: TestClient, session: Session) -> None:
    user = create_user(session)
    user.is_active = False
    session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 401  # type: ignore[attr-defined]


def test_the_session_cookie_is_http_only_same_site_and_scoped_to_the_site(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    response = _post_login(client, user.email, PASSWORD)
    header = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    cookie = next(
        part for part in header.split(", bw_") if SESSION_COOKIE in part or part.startswith("session=")
    )
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


def test_cookies_are_secure_in_production(settings: object, session: Session) -> None:
    from bridgeway.accounts.pages.signin import secure_cookies
    from bridgeway.config import Settings

    base = Settings(environment="test", secure_cookies=False)
    assert secure_cookies(base) is False
    production = base.model_copy(update={"environment": "production"})
    assert secure_cookies(production) is True


def test_signing_in_again_replaces_the_previous_session(client: TestClient, session: Session) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    first = client.cookies.get(SESSION_COOKIE)
    token = login_form_token(client)
    client.cookies.set(SESSION_COOKIE, first or "")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "login_csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    second = response.cookies.get(SESSION_COOKIE)
    assert second
    assert second != first
    assert accounts_service.resolve_web_session(session, first or "") is None
    assert session.scalar(select(WebSession).where(WebSession.user_id == user.id)) is not None


def test_a_session_idle_too_long_or_past_its_age_no_longer_signs_in(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    token, web_session = accounts_service.start_web_session(session, user=user, max_age_seconds=3600)
    assert accounts_service.resolve_web_session(session, token) is not None
    web_session.last_seen_at -= timedelta(seconds=accounts_service.SESSION_IDLE_SECONDS + 1)
    session.flush()
    assert accounts_service.resolve_web_session(session, token) is None
    web_session.last_seen_at += timedelta(seconds=accounts_service.SESSION_IDLE_SECONDS + 1)
    web_session.expires_at -= timedelta(hours=2)
    session.flush()
    assert accounts_service.resolve_web_session(session, token) is None
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get("/account", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_signing_out_ends_the_session_on_the_server(client: TestClient, session: Session) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    token = client.cookies.get(SESSION_COOKIE) or ""
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert accounts_service.resolve_web_session(session, token) is None
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_signing_out_without_the_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    del client.headers["X-CSRF-Token"]
    response = client.post("/logout", headers={"accept": "application/json"})
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_rejected"


def test_a_form_with_the_csrf_token_in_its_body_is_accepted(client: TestClient, session: Session) -> None:
    user = create_user(session)
    csrf = sign_in(client, session, user)
    del client.headers["X-CSRF-Token"]
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303


def test_after_sign_in_only_local_addresses_are_followed() -> None:
    assert safe_next("/catalog?q=weld") == "/catalog?q=weld"
    for hostile in (
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        None,
        "",
    ):
        assert safe_next(hostile) == "/"


def test_a_signed_in_user_opening_the_sign_in_page_goes_where_they_wanted(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    response = client.get("/login?next=/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account"


def test_a_french_speaker_gets_french_pages(client: TestClient) -> None:
    page = client.get("/login?lang=fr")
    assert "Se connecter" in page.text
    assert client.get("/login").text.count("Mot de passe") >= 1  # the choice is remembered in a cookie
