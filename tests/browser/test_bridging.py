"""In Chromium: an advisor opens a newcomer's intake and builds and shares the plan; the learner reads it in French."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bridgeway.accounts.domain import Role
from tests.bridging.factories import add_language, add_occupations, consent
from tests.browser.conftest import LiveServer
from tests.factories.accounts import PASSWORD, create_institution, create_user


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_an_advisor_builds_a_plan_and_the_learner_sees_it_in_french(
    page: Any, live_server: LiveServer, login: Callable[[str, str], None]
) -> None:
    with live_server.db() as session:
        add_occupations(session)
        institution = create_institution(session)
        advisor = create_user(session, Role.ADVISOR, institution=institution).email
        learner_user = create_user(session, Role.LEARNER, institution=institution)
        consent(session, learner_user, institution)
        add_language(session, learner_user)
        learner, learner_id = learner_user.email, learner_user.id

    login(advisor, PASSWORD)
    page.goto("/bridging/intakes")
    page.locator("#learner_id").select_option(learner_id)
    page.get_by_label("Country of origin (two letters, e.g. PH)").fill("PH")
    page.get_by_label("or its NOC 2021 code (e.g. 31301)").fill("31301")
    page.get_by_test_id("open-intake-submit").click()
    page.wait_for_url("**/bridging/intakes/*")
    assert "a licence or registration is required" in page.get_by_test_id("regulation").inner_text()
    assert "CLB 5" in page.get_by_test_id("skill-writing").inner_text()

    page.get_by_test_id("propose").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-item").count() == 7
    page.get_by_text("Add an item").click()
    form = page.get_by_test_id("add-item-form")
    form.get_by_label("Kind").select_option("support")
    form.get_by_label("Support (for a wraparound support)").select_option("mentorship")
    form.get_by_label("Title (optional when a catalogue entry is chosen)").fill(
        "Mentor from a nursing network"
    )
    form.get_by_label("Who").select_option("other")
    form.get_by_test_id("add-item").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-item").count() == 8
    page.get_by_test_id("share").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("intake-status").inner_text() == "Shared with the learner"
    _sign_out(page)

    login(learner, PASSWORD)
    page.goto("/bridging?lang=fr")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon plan d'apprentissage"
    titles = page.get_by_test_id("item-title").all_inner_texts()
    assert "Formation linguistique propre à la profession" in titles
    assert "Mentor from a nursing network" in titles
    assert "Profession réglementée" in page.get_by_test_id("regulation").inner_text()
    first = page.get_by_test_id("plan-item").filter(has=page.get_by_test_id("mark-done")).first
    first_title = first.get_by_test_id("item-title").inner_text()
    first.get_by_test_id("mark-done").click()
    page.wait_for_load_state()
    done = page.get_by_test_id("plan-item").filter(has_text=first_title).first
    assert done.get_by_test_id("item-status").inner_text() == "Fait"
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state()
    assert "Vous avez confirmé avoir lu ce plan" in page.get_by_test_id("acknowledged").inner_text()
