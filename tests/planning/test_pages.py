"""The planning pages, in English and French: my options, my gaps, my pathway, my profile; advisors' clients."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.planning import service as planning_service
from tests.factories.accounts import create_institution, create_user, principal_of
from tests.factories.web import sign_in
from tests.planning.test_routes import WELDER, Welder, publish_course_teaching, read_welder


@pytest.fixture(scope="module", name="welder")
def welder_fixture(shared_data_dir: Path) -> Welder:
    """Read once per module."""
    return read_welder(shared_data_dir)


def learner_signed_in(session: Session, client: TestClient, profile: dict | None = None):  # type: ignore[no-untyped-def]
    """A learner with this stored profile, signed in through the login form."""
    learner = create_user(session)
    if profile is not None:
        planning_service.save_profile(session, actor=principal_of(learner), data=profile)
    session.commit()
    sign_in(client, session, learner)
    return learner


def test_my_options_invites_a_learner_without_competencies_to_fill_in_the_profile(
    session: Session, client: TestClient
) -> None:
    learner_signed_in(session, client)
    page = client.get("/planning")
    assert page.status_code == 200
    assert 'data-testid="planning-empty"' in page.text
    assert 'href="/planning/profile"' in page.text


def test_my_options_ranks_occupations_with_tier_outlook_and_readiness_in_english_and_french(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning")
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="option"') == 15
    assert f'data-code="{WELDER}"' in page.text
    assert 'data-testid="option-readiness"' in page.text
    assert "Outlook" in page.text
    french = client.get("/planning?lang=fr")
    assert "Mes possibilités" in french.text
    assert "Perspectives" in french.text
    assert "Outlook" not in french.text


def test_the_profile_form_saves_constraints_and_names_a_bad_value(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner = learner_signed_in(session, client)
    form = {
        "competencies": f"{welder.gap} | assessor_recognised\n{welder.essential[0]}",
        "evidence": "self_claimed",
        "hours_per_week": "8",
        "budget": "1500",
        "schedule": ["evenings", "weekends"],
        "region": "on",
        "start_date": "2027-01-04",
        "clb_listening": "8",
        "clb_speaking": "7",
        "clb_reading": "8",
        "clb_writing": "6",
        "language": "en",
    }
    saved = client.post("/planning/profile", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    profile, _ = planning_service.stored_profile(session, learner_id=learner.id)
    assert [c.evidence.value for c in profile.competencies] == ["assessor_recognised", "self_claimed"]
    assert profile.constraints.budget == 1500
    assert profile.constraints.region == "ON"
    assert profile.best_clb() == 6
    again = client.get("/planning/profile").text
    assert 'value="1500"' in again
    assert again.count('data-testid="held-competency"') == 2
    assert "not found in the imported taxonomies" not in again
    bad = client.post("/planning/profile", data={**form, "hours_per_week": "200"})
    assert bad.status_code == 422
    assert "constraints.hours_per_week" in bad.text
    assert planning_service.stored_profile(session, learner_id=learner.id)[0].constraints.hours_per_week == 8


def test_my_gaps_explains_each_requirement_line_with_source_status_and_evidence(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning/gaps", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert 'data-status="missing"' in page.text
    assert 'data-status="met"' in page.text
    assert "ESCO essential skill" in page.text
    assert "verified credential" in page.text
    assert "Missing: nothing in your profile shows this yet." in page.text
    french = client.get("/planning/gaps", params={"target": WELDER, "lang": "fr"})
    assert "Mes lacunes" in french.text
    assert "Compétence essentielle ESCO" in french.text


def test_my_gaps_for_an_unknown_occupation_is_a_not_found_page(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner_signed_in(session, client, welder.profile())
    page = client.get("/planning/gaps", params={"target": "http://data.europa.eu/esco/occupation/nope"})
    assert page.status_code == 404


def test_my_pathway_shows_the_week_by_week_timeline_and_the_alternatives_side_by_side(
    session: Session, client: TestClient, welder: Welder
) -> None:
    course = publish_course_teaching(session, welder.gap)
    learner_signed_in(session, client, welder.profile(budget=2000))
    page = client.get("/planning/pathway", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="alternative"') == 3
    # The learner starts on 4 January; the course's intake is a week later and lasts six weeks.
    assert page.text.count('data-testid="timeline-week"') == 7
    assert "895.00 $" in page.text
    assert course.title_en in page.text
    assert "Plus rapide" in client.get("/planning/pathway", params={"target": WELDER, "lang": "fr"}).text


def test_my_pathway_says_which_constraint_binds_when_no_plan_fits(
    session: Session, client: TestClient, welder: Welder
) -> None:
    publish_course_teaching(session, welder.gap)
    learner_signed_in(session, client, welder.profile(budget=100))
    page = client.get("/planning/pathway", params={"target": WELDER})
    assert page.status_code == 422
    assert 'data-testid="binding-constraint">budget<' in page.text


def test_an_advisor_sees_a_client_only_with_consent_and_keeps_notes(
    session: Session, client: TestClient, welder: Welder
) -> None:
    institution = create_institution(session)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    learner = create_user(session)
    planning_service.save_profile(session, actor=principal_of(learner), data=welder.profile())
    session.commit()
    sign_in(client, session, advisor)
    assert 'data-testid="clients-empty"' in client.get("/planning/clients").text
    assert client.get(f"/planning/clients/{learner.id}").status_code == 403
    assert client.post(f"/planning/clients/{learner.id}/notes", data={"body": "hi"}).status_code == 403
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=advisor.id
    )
    session.commit()
    assert f'/planning/clients/{learner.id}"' in client.get("/planning/clients").text
    page = client.get(f"/planning/clients/{learner.id}")
    assert page.status_code == 200
    assert f'data-code="{WELDER}"' in page.text
    noted = client.post(
        f"/planning/clients/{learner.id}/notes",
        data={"body": "Prefers evening courses."},
        follow_redirects=False,
    )
    assert noted.status_code == 303
    assert "Prefers evening courses." in client.get(f"/planning/clients/{learner.id}").text
    gaps = client.get(f"/planning/clients/{learner.id}/gaps", params={"target": WELDER})
    assert gaps.status_code == 200
    assert 'data-status="missing"' in gaps.text
    assert client.post(f"/planning/clients/{learner.id}/notes", data={"body": "   "}).status_code == 422


def test_an_employer_sees_bars_and_a_heat_map_of_consenting_employees_only(
    session: Session, client: TestClient, welder: Welder
) -> None:
    employer_user = create_user(session, Role.EMPLOYER)
    consenting = create_user(session)
    other = create_user(session)
    for person in (consenting, other):
        planning_service.save_profile(session, actor=principal_of(person), data=welder.profile())
    accounts_service.grant_consent(
        session,
        actor=principal_of(consenting),
        grantee_kind=ConsentGrantee.EMPLOYER,
        grantee_id=employer_user.employer_id,
    )
    session.commit()
    sign_in(client, session, employer_user)
    page = client.get("/planning/workforce", params={"target": WELDER})
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="heatmap-row"') == 1
    assert consenting.display_name in page.text
    assert other.display_name not in page.text
    assert 'data-testid="gap-bar"' in page.text
    assert 'data-status="missing"' in page.text
    assert (
        "Lacunes de l’effectif"
        in client.get("/planning/workforce", params={"target": WELDER, "lang": "fr"}).text
    )
