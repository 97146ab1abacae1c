"""A laid-off welder goes from options to gaps to a pathway and changes the objective; an advisor keeps a note;
the pages switch to French. Chromium against the live server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.planning import service as planning_service
from bridgeway.taxonomy.models import Competency
from tests.browser.conftest import LiveServer
from tests.conftest import data_dir
from tests.factories.accounts import PASSWORD, create_user, principal_of
from tests.factories.catalog import create_esco_skill, create_published, create_staff
from tests.planning.test_routes import WELDER, Welder, read_welder


@pytest.fixture(scope="module", name="welder")
def welder_fixture() -> Welder:
    """The ESCO welder from the official files (skipped when they are absent)."""
    if not (data_dir() / "esco-1.1.1").is_dir():
        pytest.skip("official data not found")
    return read_welder(data_dir())


def _gap_skill(session: Session, uri: str) -> Competency:
    """The welder's missing skill as a taxonomy competency (once per live database)."""
    found = session.scalars(select(Competency).where(Competency.code == uri)).first()
    if found is None:
        found = create_esco_skill(session, label="the welder's missing skill (browser)")
        found.uri = found.code = uri
        session.flush()
    return found


def _learner_with_two_courses(live_server: LiveServer, welder: Welder) -> tuple[str, str]:
    """A learner holding every welder skill but one, and one institution teaching it fast and dear or slow and cheap."""
    with live_server.db() as session:
        learner = create_user(session)
        planning_service.save_profile(session, actor=principal_of(learner), data=welder.profile())
        staff = create_staff(session)
        skill = _gap_skill(session, welder.gap)
        create_published(
            session, staff, competency_id=skill.id, title_en="Welding fast track", cost_cents=150_000
        )
        create_published(
            session,
            staff,
            competency_id=skill.id,
            title_en="Welding at your own pace",
            hours=40,
            weeks=24,
            cost_cents=20_000,
            intakes=[{"starts_on": "2027-01-04", "seats": 20}],
        )
        return learner.email, staff.institution.id


def test_a_learner_goes_from_options_to_gaps_to_a_pathway_and_changes_the_objective(
    page: Any, live_server: LiveServer, login: Callable[[str, str], None], welder: Welder
) -> None:
    email, institution_id = _learner_with_two_courses(live_server, welder)
    login(email, PASSWORD)
    page.goto("/planning")
    assert page.get_by_test_id("option").count() == 10
    welder_card = page.locator(f'[data-testid="option"][data-code="{WELDER}"]')
    welder_card.get_by_test_id("option-gaps").click()
    page.wait_for_url("**/planning/gaps?**")
    assert page.get_by_test_id("missing-count").inner_text() == "1"
    assert page.locator('[data-testid="gap-line"][data-status="missing"]').first.is_visible()
    page.get_by_test_id("gaps-to-pathway").click()
    page.wait_for_url("**/planning/pathway?**")

    page.get_by_label("Catalogue").select_option(institution_id)
    page.get_by_test_id("target-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-cost").inner_text() == "$1,500.00"
    assert "Welding fast track" in page.get_by_test_id("plan-items").inner_text()
    assert page.get_by_test_id("credential").first.inner_text().startswith("Welding fast track")

    page.get_by_label("Least cost").check()
    page.get_by_test_id("target-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-cost").inner_text() == "$200.00"
    assert "Welding at your own pace" in page.get_by_test_id("plan-items").inner_text()
    assert page.get_by_label("Least cost").is_checked()


def test_an_advisor_opens_a_client_from_the_list_and_adds_a_note(
    page: Any, live_server: LiveServer, login: Callable[[str, str], None], welder: Welder
) -> None:
    with live_server.db() as session:
        advisor = create_user(session, Role.ADVISOR, institution=create_staff(session).institution)
        client = create_user(session)
        planning_service.save_profile(session, actor=principal_of(client), data=welder.profile())
        accounts_service.grant_consent(
            session, actor=principal_of(client), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=advisor.id
        )
        advisor_email, client_name = advisor.email, client.display_name

    login(advisor_email, PASSWORD)
    page.goto("/planning/clients")
    page.get_by_role("link", name=client_name).click()
    page.wait_for_url("**/planning/clients/**")
    assert page.get_by_test_id("client-name").inner_text() == client_name
    page.get_by_label("New note about this client").fill("Laid off in October; prefers evening courses.")
    page.get_by_test_id("add-note").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("note").first.inner_text().startswith("Laid off in October")
    page.goto("/planning/clients")
    assert "1 · last" in page.get_by_test_id("client-notes").first.inner_text()


def test_the_planning_pages_switch_to_french(
    page: Any, live_server: LiveServer, login: Callable[[str, str], None], welder: Welder
) -> None:
    email, _ = _learner_with_two_courses(live_server, welder)
    login(email, PASSWORD)
    page.goto("/planning")
    page.get_by_test_id("lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mes possibilités"
    assert page.get_by_text("Perspectives").first.is_visible()
    page.locator('[data-testid="option"]').first.get_by_test_id("option-pathway").click()
    page.wait_for_url("**/planning/pathway?**")
    assert page.locator("h1").inner_text() == "Mon parcours"
    assert page.get_by_text("Ce qui compte le plus").is_visible()
