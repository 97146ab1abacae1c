"""An employer builds a role from its own list, groups consenting employees, and reads the gap report in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bridgeway.accounts.domain import Role
from tests.browser.conftest import LiveServer
from tests.factories.accounts import PASSWORD, create_user
from tests.factories.catalog import create_esco_skill, create_published, create_staff
from tests.planning.employers import BLUEPRINTS, CNC, consenting_person


def test_an_employer_builds_a_role_groups_people_and_sees_the_heat_map_and_a_plan(  # type: ignore[no-untyped-def]
    page, live_server: LiveServer, login: Callable[[str, str], None], shared_data_dir: Path
) -> None:
    from bridgeway.taxonomy.routes.read import _INDEX

    with live_server.db() as session:
        employer = create_user(session, Role.EMPLOYER)
        email = employer.email
        consenting_person(session, employer, [(CNC, "verified_credential")], name="Amara Diallo")
        consenting_person(session, employer, [(BLUEPRINTS, "self_claimed")], name="Kwame Mensah")
        blueprints = create_esco_skill(session, "read standard blueprints")
        blueprints.uri = blueprints.code = BLUEPRINTS
        cnc = create_esco_skill(session, "program a CNC controller (browser)")
        cnc.uri = cnc.code = CNC
        session.flush()
        create_published(
            session,
            create_staff(session),
            competency_id=cnc.id,
            title_en="CNC programming, evenings (browser)",
        )
    _INDEX.clear()  # the live server shares this process: rebuild the search index with the new skills

    login(email, PASSWORD)
    page.goto("/planning/employer")
    page.get_by_label("Name of the role").fill("CNC set-up operator, night shift")
    page.locator("#role-competencies").fill(
        f"{CNC}\nPress lockout: isolates energy on press 3 before a die change"
    )
    page.get_by_role("button", name="Create the role").click()
    page.wait_for_url("**/planning/employer/roles/**")
    assert page.get_by_test_id("role-title").inner_text() == "CNC set-up operator, night shift"
    assert page.get_by_test_id("role-requirement").count() == 2

    page.get_by_label("Search ESCO skills, OaSIS and O*NET descriptors").fill("standard blueprint")
    page.get_by_test_id("search-hit").first.wait_for()
    page.get_by_role("button", name="Add read standard blueprints").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("role-requirement").count() == 3

    page.goto("/planning/employer")
    page.get_by_label("Name of the group").fill("Night shift")
    page.get_by_label("Amara Diallo").check()
    page.get_by_label("Kwame Mensah").check()
    page.get_by_role("button", name="Create the group").click()
    page.wait_for_url("**/planning/employer/groups/**")
    page.get_by_test_id("group-report-link").first.click()
    page.wait_for_url("**/groups/**")

    heatmap = page.get_by_test_id("heatmap")
    assert heatmap.is_visible()
    assert page.get_by_test_id("heatmap-row").count() == 2
    assert page.locator('[data-testid="heatmap"] td[data-status="met"]').count() == 1
    assert page.get_by_test_id("gap-bar").count() == 3
    option = page.get_by_test_id("plan-option").first
    assert "CNC programming, evenings (browser)" in option.inner_text()
    assert "Kwame Mensah" in option.inner_text()
    uncovered = page.get_by_test_id("plan-uncovered").inner_text()
    assert "Press lockout" in uncovered
    assert "employer-defined competency" in uncovered
    assert "read standard blueprints" in uncovered
    with page.expect_download() as download:
        page.get_by_test_id("plan-csv").click()
    assert download.value.suggested_filename == "training-plan.csv"
