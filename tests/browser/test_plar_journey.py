"""In Chromium, the whole PLAR journey: a learner fills a portfolio and asks for recognition → an advisor opens the
case from the caseload and sets eligibility, methods, assessor and fee → the assessor decides with reasons (two
recognised, one not yet) → the learner sees the credit and the PLAR micro-credentials in the wallet → the gaps
go to the planner."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bridgeway.accounts.domain import Role
from tests.browser.conftest import LiveServer
from tests.factories.accounts import PASSWORD, create_institution, create_user
from tests.factories.plar import consent_to_institution
from tests.plar.test_learner_cases import SKILLS, publish_certificate

Page = Any  # Playwright's sync Page (the suite types browser objects loosely, as conftest does)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _open_case_from_caseload(page: Page, label: str) -> None:
    page.goto("/plar/caseload")
    page.get_by_test_id("caseload").get_by_role("link", name=label).click()
    page.wait_for_url("**/plar/cases/*")


def _step(page: Page, action: str) -> None:
    page.get_by_test_id(f"step-{action}").click()
    page.wait_for_load_state()


def _decide(page: Page, index: int, result: str, reasons: str) -> None:
    article = page.get_by_test_id("competency").nth(index)
    form = article.get_by_test_id("decision-form")
    form.get_by_label(result, exact=True).check()
    if result == "Recognised":
        for rule in ("valid", "sufficient", "authentic", "current"):
            form.get_by_label(rule, exact=True).check()
    form.get_by_label("Reasons (required)").fill(reasons)
    form.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()


def _learner_fills_the_portfolio_and_asks(page: Page, institution_name: str) -> None:
    page.goto("/plar")
    page.get_by_text("Add a job").click()
    job = page.get_by_test_id("plar-work")
    job.get_by_label("Employer").fill("Acier Nord")
    job.get_by_label("Job title").fill("Welder")
    job.get_by_label("Start date").fill("2015-03-01")
    job.get_by_label("End date").fill("2023-06-30")
    job.get_by_label("Duties").fill("Welded steel frames with MIG and TIG equipment; read shop drawings.")
    page.get_by_test_id("add-work").click()
    page.wait_for_url("**/plar")
    assert "Acier Nord" in page.get_by_test_id("plar-work").inner_text()
    page.get_by_label("Document (PDF, Word or text)").set_input_files(
        {"name": "letter.txt", "mimeType": "text/plain", "buffer": b"Ms. Diaz welded for us for eight years."}
    )
    page.get_by_label("What it shows").first.fill("Employer letter")
    page.get_by_test_id("upload-evidence").click()
    page.wait_for_url("**/plar")
    assert "letter.txt" in page.content()

    page.get_by_test_id("ask-for-recognition").click()
    page.wait_for_url("**/plar/request")
    page.get_by_test_id("request-institution").select_option(label=institution_name)
    page.get_by_test_id("program-CERT-WLD").check()  # loaded by HTMX once the institution is chosen
    page.get_by_test_id("request-program").click()
    page.wait_for_url("**/plar/cases/*")
    assert page.get_by_test_id("case-state").inner_text() == "Requested"


def test_a_learner_is_recognised_credited_and_credentialed_then_plans_the_rest_in_chromium(
    page: Page, live_server: LiveServer, login: Callable[[str, str], None]
) -> None:
    with live_server.db() as session:
        institution = create_institution(session)
        institution.plar_policy = {"moderation": "never", "cap_percent": 50}
        publish_certificate(session, institution)
        learner_user = create_user(session, Role.LEARNER, institution=institution)
        consent_to_institution(session, learner_user, institution.id)
        learner = learner_user.email
        advisor = create_user(session, Role.ADVISOR, institution=institution).email
        assessor = create_user(session, Role.ASSESSOR, institution=institution).email
        institution_name = institution.name

    login(learner, PASSWORD)
    _learner_fills_the_portfolio_and_asks(page, institution_name)
    case_url = page.url
    _sign_out(page)

    login(advisor, PASSWORD)
    _open_case_from_caseload(page, "Certificate in Welding")
    _step(page, "confirm_eligibility")
    assert page.get_by_test_id("case-state").inner_text() == "Self-assessment"
    _sign_out(page)

    login(learner, PASSWORD)
    page.goto(case_url)
    assert "Your turn." in page.get_by_test_id("learner-next").inner_text()
    form = page.get_by_test_id("self-assessment-form")
    for i in range(len(SKILLS)):
        form.locator("fieldset").nth(i).get_by_label("Proficient").check()
    form.get_by_role("button", name="Submit my self-assessment").click()
    page.wait_for_load_state()
    first = page.get_by_test_id("evidence-competency").first
    first.get_by_label(re.compile("letter.txt")).check()
    first.get_by_test_id("link-evidence").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("linked-document").count() == 1
    _sign_out(page)

    login(advisor, PASSWORD)
    _open_case_from_caseload(page, "Certificate in Welding")
    methods = page.get_by_test_id("methods-form")
    methods.get_by_label(SKILLS[1]).select_option("challenge_exam")
    methods.get_by_label("Assessor's e-mail").fill(assessor)
    methods.get_by_role("button", name="Choose the methods").click()
    page.wait_for_load_state()
    page.get_by_label("Fee (dollars; 0 for a waiver)").fill("250")
    _step(page, "record_fee")
    assert page.get_by_test_id("case-state").inner_text() == "Assessment"
    _sign_out(page)

    login(assessor, PASSWORD)
    _open_case_from_caseload(page, "Certificate in Welding")
    _decide(page, 0, "Recognised", "Eight years of MIG and TIG welding; the employer letter confirms it.")
    _decide(page, 1, "Recognised", "Read three shop drawings without an error in the challenge exam.")
    _decide(page, 2, "Not yet", "No WHMIS training or safety records yet.")
    _step(page, "complete_assessment")
    assert page.get_by_test_id("case-state").inner_text() == "Outcome"
    _sign_out(page)

    login(learner, PASSWORD)
    page.goto(case_url)
    assert page.get_by_test_id("outcome-summary").inner_text() == "2 of 3 competencies recognised."
    assert "No WHMIS training or safety records yet." in page.content()
    assert page.get_by_test_id("granted-credits").inner_text() == "6.0 of 12.0 credits granted"
    assert page.locator('[data-testid="credit-course"][data-granted="yes"]').count() == 2
    issued = page.get_by_test_id("plar-credential")
    assert issued.count() == 2
    ids = {issued.nth(i).get_attribute("data-credential-id") for i in range(2)}
    gaps = page.get_by_test_id("gap").all_inner_texts()
    assert len(gaps) == 1
    assert gaps[0].strip().startswith(SKILLS[2])

    page.get_by_test_id("wallet-link").click()
    page.wait_for_url("**/wallet")
    cards = page.get_by_test_id("wallet-credential")
    assert cards.count() == 2
    assert {cards.nth(i).get_attribute("data-credential-id") for i in range(2)} == ids

    page.goto(case_url)
    handoff = page.get_by_test_id("planning-handoff")
    handoff.get_by_label("Target occupation (code, ESCO URI or UUID)").fill("72106")
    handoff.get_by_label("Occupation taxonomy").select_option("noc")
    handoff.get_by_test_id("to-planning-gaps").click()
    page.wait_for_url(re.compile(r"/planning/gaps\?target=72106&taxonomy=noc"))
    assert page.get_by_test_id("target-form").is_visible()
