"""Signing in, switching language and being refused a page, in a real browser."""

from __future__ import annotations

from collections.abc import Callable

from bridgeway.accounts.domain import Role
from tests.browser.conftest import LiveServer
from tests.factories.accounts import PASSWORD, create_institution, create_user


def test_an_advisor_signs_in_and_signs_out_in_chromium(
    page, live_server: LiveServer, login: Callable[[str, str], None]
) -> None:
    with live_server.db() as session:
        user = create_user(session, Role.ADVISOR, institution=create_institution(session))
        email, name = user.email, user.display_name
    login(email, PASSWORD)
    assert page.get_by_test_id("who").inner_text() == name
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("nav-sign-in").is_visible()


def test_the_language_switch_turns_the_interface_into_french(page, live_server: LiveServer) -> None:
    page.goto("/login")
    page.get_by_test_id("lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Se connecter").is_visible()


def test_a_wrong_password_shows_an_error_in_the_form(page, live_server: LiveServer) -> None:
    with live_server.db() as session:
        email = create_user(session).email
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    assert "e-mail or password is wrong" in page.get_by_test_id("login-error").inner_text()


def test_a_learner_who_opens_the_authoring_page_is_shown_a_forbidden_page(
    page, live_server: LiveServer, login: Callable[[str, str], None]
) -> None:
    with live_server.db() as session:
        email = create_user(session, Role.LEARNER, institution=create_institution(session)).email
    login(email, PASSWORD)
    response = page.goto("/catalog/new")
    assert response is not None
    assert response.status == 403
    assert page.get_by_role("heading", name="You do not have access to this page").is_visible()
    assert "program_designer" in page.get_by_test_id("error-message").inner_text()
