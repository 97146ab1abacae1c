"""A learner opens their wallet, follows a credential to its public verification page, and a revoked one shows so."""

from __future__ import annotations

from collections.abc import Callable

from bridgeway.accounts.domain import Role
from bridgeway.credentials import service as credentials_service
from tests.browser.conftest import LiveServer
from tests.factories.accounts import PASSWORD, create_institution, create_user
from tests.factories.credentials import issue_credential


def test_a_learner_sees_their_credentials_and_verifies_one_in_chromium(
    page, live_server: LiveServer, login: Callable[[str, str], None]
) -> None:
    with live_server.db() as session:
        institution = create_institution(session)
        learner = create_user(session, Role.LEARNER, institution=institution)
        kept = issue_credential(session, live_server.settings, institution=institution, learner=learner)
        gone = issue_credential(session, live_server.settings, institution=institution, learner=learner)
        credentials_service.revoke(
            session,
            settings=live_server.settings,
            credential_id=gone.id,
            reason="Issued in error",
            actor=None,
        )
        email, kept_id, gone_id = learner.email, kept.id, gone.id
    login(email, PASSWORD)
    page.goto("/wallet")
    cards = page.get_by_test_id("wallet-credential")
    assert cards.count() == 2
    revoked_card = page.locator(f'[data-credential-id="{gone_id}"]')
    assert "Issued in error" in revoked_card.get_by_test_id("status-reason").inner_text()
    page.locator(f'[data-credential-id="{kept_id}"]').get_by_test_id("verify-link").click()
    page.wait_for_url(f"**/verify/{kept_id}")
    assert page.get_by_test_id("verification").get_attribute("data-outcome") == "valid"
    assert page.locator('[data-testid="check"][data-passed="no"]').count() == 0
    page.goto(f"/verify/{gone_id}?lang=fr")
    assert page.get_by_test_id("verification").get_attribute("data-outcome") == "revoked"
    assert "Révoqué" in page.get_by_test_id("outcome").inner_text()


def test_anyone_pastes_a_credential_into_the_verification_page(page, live_server: LiveServer) -> None:
    import json

    with live_server.db() as session:
        institution = create_institution(session)
        learner = create_user(session, Role.LEARNER, institution=institution)
        document = issue_credential(
            session, live_server.settings, institution=institution, learner=learner
        ).document
    page.goto("/verify")
    page.get_by_label("Paste the credential (JSON)").fill(
        json.dumps(document).replace("bend test", "no test")
    )
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("verification").get_attribute("data-outcome") == "tampered"
