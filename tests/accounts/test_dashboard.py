"""The home page: each role sees what it can do, with counts where they are cheap."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.web.pages import visible_items
from tests.factories.accounts import create_institution, create_user, principal_of
from tests.factories.web import sign_in

NAV = [
    {"label": "Catalogue", "href": "/catalog", "roles": [], "public": True},
    {"label": "Review queue", "href": "/review", "roles": [Role.QA_REVIEWER], "public": False},
    {"label": "Anyone signed in", "href": "/mine", "roles": [], "public": False},
]


def test_anonymous_visitors_see_only_public_items() -> None:
    assert [i["href"] for i in visible_items(NAV, None)] == ["/catalog"]


def test_a_signed_in_user_sees_their_roles_items_and_the_open_ones(session: Session) -> None:
    institution = create_institution(session)
    reviewer = principal_of(create_user(session, Role.QA_REVIEWER, institution=institution))
    learner = principal_of(create_user(session, Role.LEARNER, institution=institution))
    assert [i["href"] for i in visible_items(NAV, reviewer)] == ["/catalog", "/review", "/mine"]
    assert [i["href"] for i in visible_items(NAV, learner)] == ["/catalog", "/mine"]


def test_an_admin_sees_user_management_with_a_count_and_a_learner_does_not(
    client: TestClient, session: Session
) -> None:
    institution = create_institution(session)
    admin = create_user(session, Role.INSTITUTION_ADMIN, institution=institution)
    create_user(session, Role.LEARNER, institution=institution)
    sign_in(client, session, admin)
    page = client.get("/")
    assert 'href="/admin/users"' in page.text
    assert "<strong>2</strong> active users" in page.text
    learner = create_user(session, Role.LEARNER, institution=institution)
    sign_in(client, session, learner)
    page = client.get("/")
    assert 'href="/admin/users" data-testid="card-link"' not in page.text
    assert 'href="/account/consents"' in page.text


def test_the_dashboard_is_in_french_for_french_speakers(client: TestClient, session: Session) -> None:
    sign_in(client, session, create_user(session, Role.LEARNER))
    page = client.get("/?lang=fr")
    assert "Ce que vous pouvez faire" in page.text
    assert "Consentement" in page.text


def test_the_account_page_changes_the_password_and_ends_every_session(
    client: TestClient, session: Session
) -> None:
    user = create_user(session)
    sign_in(client, session, user)
    assert user.email in client.get("/account").text
    differ = client.post(
        "/account/password",
        data={
            "current": "correct horse battery staple",
            "new": "a brand new passphrase",
            "confirm": "something else",
        },
    )
    assert differ.status_code == 422
    wrong = client.post(
        "/account/password",
        data={
            "current": "not it at all",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert wrong.status_code == 401
    done = client.post(
        "/account/password",
        data={
            "current": "correct horse battery staple",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 303  # signed out everywhere
    assert (
        accounts_service.authenticate(session, email=user.email, password="a brand new passphrase").id
        == user.id
    )
