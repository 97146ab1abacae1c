"""A micro-credential authored, reviewed, approved and published in Chromium, then found in the catalogue."""

from __future__ import annotations

from collections.abc import Callable

from bridgeway.accounts.domain import Role
from tests.browser.conftest import LiveServer
from tests.factories.accounts import PASSWORD, create_institution, create_user
from tests.factories.catalog import create_esco_skill


def _sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_authoring_review_approval_and_publication_in_the_browser(
    page, live_server: LiveServer, login: Callable[[str, str], None]
) -> None:
    with live_server.db() as session:
        institution = create_institution(session)
        designer = create_user(session, Role.PROGRAM_DESIGNER, institution=institution).email
        reviewer = create_user(session, Role.QA_REVIEWER, institution=institution).email
        approver = create_user(session, Role.INSTITUTION_APPROVER, institution=institution).email
        create_esco_skill(session, "perform welding inspection (browser)")

    login(designer, PASSWORD)
    page.goto("/catalog/new")
    page.get_by_label("Code", exact=True).fill("BR-WI-1")
    page.get_by_label("Title (English)", exact=True).fill("Welding inspection in the browser")
    page.get_by_label("Title (French)", exact=True).fill("Inspection de soudures dans le navigateur")
    page.get_by_label("Description (English)", exact=True).fill("Inspect welds against acceptance criteria.")
    page.get_by_label("Description (French)", exact=True).fill(
        "Inspecter des soudures selon les critères d'acceptation."
    )
    page.get_by_label("Find a competency by label", exact=True).fill("welding inspection (browser")
    page.get_by_test_id("competency-option").first.check()
    page.get_by_label(
        "Employers or industry bodies who identified it, one per line: Organisation: statement"
    ).fill("Boreal Fabrication: we need inspectors")
    page.locator("#assessment_method").select_option("workplace_observation")
    page.get_by_label("Rubric criteria, one per line: Criterion: what is looked for").fill(
        "Finds discontinuities\nApplies acceptance criteria"
    )
    page.get_by_test_id("save").click()
    page.wait_for_url("**/catalog/opportunities/**")
    assert page.get_by_test_id("competency").inner_text().startswith("perform welding inspection (browser)")
    page.get_by_test_id("submit-for-review").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("state").first.inner_text() == "In review"
    opportunity_url = page.url
    _sign_out(page)

    login(reviewer, PASSWORD)
    page.goto(opportunity_url)
    page.get_by_role("button", name="Open the QA review").click()
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.get_by_test_id("record-review").click()
    page.wait_for_url("**/catalog/workflow")
    _sign_out(page)

    login(approver, PASSWORD)
    page.goto(opportunity_url)
    page.get_by_role("button", name="Open the approval screen").click()
    page.get_by_test_id("approve").click()
    page.wait_for_url("**/catalog/opportunities/**")
    page.get_by_role("button", name="Open the approval screen").click()
    page.get_by_test_id("publish").click()
    page.wait_for_url("**/catalog/opportunities/**")
    assert page.get_by_test_id("state").first.inner_text() == "Published"
    _sign_out(page)

    page.goto("/catalog")
    page.get_by_label("Search", exact=True).fill("BR-WI-1")
    page.get_by_test_id("result").first.wait_for()
    assert "Welding inspection in the browser" in page.get_by_test_id("result").first.inner_text()
