"""A group's gaps against an employer's role, and the corporate-training plan that closes them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.models import Employer, User
from bridgeway.planning import workforce
from bridgeway.planning.engine import workforce as engine
from bridgeway.planning.engine.pathways import OBJECTIVES
from bridgeway.planning.models import EmployerRole
from bridgeway.planning.schemas import Catalog, Opportunity, WorkforceGroupIn
from tests.factories.accounts import create_user, principal_of
from tests.factories.catalog import create_esco_skill, create_published, create_staff
from tests.factories.web import sign_in
from tests.planning.employers import (
    BLUEPRINTS,
    CNC,
    WELD_INSPECTION,
    api,
    consenting_person,
    employer_user,
    group_of,
    own_role,
    withdraw,
)
from tests.planning.factories import catalog

START = dt.date(2027, 1, 4)
EMPLOYER_API = "/api/v1/planning/employer"


def plan(cat: Catalog, gaps: dict[str, list[str]], **options: Any) -> engine.TrainingPlan:
    """A corporate plan over a hand-built catalogue, starting on START."""
    options.setdefault("preference", engine.SHORT)
    options.setdefault("objective", OBJECTIVES["balanced"])
    return engine.plan_training(cat, gap_people=gaps, start=START, **options)


WORKSHOP = {"id": "W", "kind": "workshop", "hours": 7, "weeks": 1, "cost": 500, "schedules": ["short_burst"]}
EVENINGS = {"id": "C", "hours": 36, "weeks": 6, "cost": 200, "schedules": ["evenings"], "delivery": "online"}


# --- The plan's rules, over hand-built catalogues (no database) ------------------------------------------------


def test_a_shared_gap_is_planned_once_for_everyone_who_has_it() -> None:
    result = plan(catalog({**WORKSHOP, "competencies": ["g1"]}), {"g1": ["ana", "ben", "cy"]})
    [option] = result.options
    assert (option.opportunity_id, option.attendees, option.people) == ("W", 3, ["ana", "ben", "cy"])
    assert (option.cost_per_person, option.total_cost, option.total_hours) == (500, 1500, 21)
    assert option.formats == ["workshop", "single_day", "short_burst"]
    assert option.preferred_format
    assert (result.total_cost, result.total_person_hours) == (1500, 21)


def test_the_preferred_format_wins_even_when_another_costs_less() -> None:
    cat = catalog({**WORKSHOP, "competencies": ["g1"]}, {**EVENINGS, "competencies": ["g1"]})
    short = plan(cat, {"g1": ["ana"]}, preference=engine.SHORT)
    over_time = plan(cat, {"g1": ["ana"]}, preference=engine.OVER_TIME)
    anything = plan(cat, {"g1": ["ana"]}, preference=engine.ANY, objective=OBJECTIVES["cheapest"])
    assert [o.opportunity_id for o in short.options] == ["W"]
    assert [o.opportunity_id for o in over_time.options] == ["C"]
    assert over_time.options[0].formats == ["over_time"]
    assert [o.opportunity_id for o in anything.options] == ["C"]


def test_a_gap_only_taught_in_another_format_is_still_planned_and_says_so() -> None:
    cat = catalog({**WORKSHOP, "competencies": ["g1"]}, {**EVENINGS, "competencies": ["g2"]})
    result = plan(cat, {"g1": ["ana"], "g2": ["ana", "ben"]})
    by_id = {o.opportunity_id: o for o in result.options}
    assert by_id["W"].preferred_format
    assert not by_id["C"].preferred_format
    assert by_id["C"].reason == "no training in the preferred format teaches these gaps"
    assert [o.opportunity_id for o in result.options] == ["C", "W"]  # the most-shared first


def test_group_cost_decides_between_one_broad_course_and_two_narrow_ones() -> None:
    # Alone, the broad course (200) beats the two narrow ones (150 + 100); for the group it costs 200 × 3
    # people, against 150 × 3 for the gap all three share and 100 × 1 for the one only Ana has.
    cat = catalog(
        {"id": "broad", "competencies": ["g1", "g2"], "cost": 200},
        {"id": "narrow1", "competencies": ["g1"], "cost": 150},
        {"id": "narrow2", "competencies": ["g2"], "cost": 100},
    )
    gaps = {"g1": ["ana", "ben", "cy"], "g2": ["ana"]}
    result = plan(cat, gaps, preference=engine.ANY, objective=OBJECTIVES["cheapest"])
    assert sorted(o.opportunity_id for o in result.options) == ["narrow1", "narrow2"]
    assert result.total_cost == 550
    alone = plan(cat, {"g1": ["ana"], "g2": ["ana"]}, preference=engine.ANY, objective=OBJECTIVES["cheapest"])
    assert [o.opportunity_id for o in alone.options] == ["broad"]


def test_gaps_without_training_are_reported_with_their_reason() -> None:
    cat = catalog(
        {**WORKSHOP, "competencies": ["g1"]},
        {"id": "past", "competencies": ["g2"], "intakes": ["2026-09-01"]},
    )
    result = plan(cat, {"g1": ["ana"], "g2": ["ana"], "g3": ["ben"], "ext:press-lockout": ["ben"]})
    reasons = {g.competency_id: g.reason for g in result.uncovered}
    assert reasons == {
        "g2": "no intake on or after 2027-01-04",
        "g3": "no training in the catalogue teaches it",
        "ext:press-lockout": "employer-defined competency: no catalogue teaches it",
    }
    assert [o.opportunity_id for o in result.options] == ["W"]


def test_gaps_shared_by_too_few_people_are_left_to_individual_plans() -> None:
    cat = catalog({**WORKSHOP, "competencies": ["g1"]}, {"id": "X", "competencies": ["g2"]})
    result = plan(cat, {"g1": ["ana", "ben"], "g2": ["cy"]}, min_people=2)
    assert [o.opportunity_id for o in result.options] == ["W"]
    assert [(g.competency_id, g.people) for g in result.individual] == [("g2", ["cy"])]


def test_seats_per_intake_say_how_many_intakes_the_group_needs() -> None:
    cat = catalog({**WORKSHOP, "competencies": ["g1"], "intakes": ["2027-02-01"]})
    seats = {"W": {dt.date(2027, 2, 1): 2}}
    [option] = plan(cat, {"g1": ["ana", "ben", "cy"]}, seats=seats).options
    assert (option.seats, option.intakes_needed, option.start_date) == (2, 2, dt.date(2027, 2, 1))


def test_a_prerequisite_is_planned_for_the_people_whose_training_needs_it() -> None:
    cat = catalog(
        {"id": "basics", "competencies": [], "cost": 50},
        {**EVENINGS, "competencies": ["g1"], "prerequisites": ["basics"]},
    )
    result = plan(cat, {"g1": ["ana", "ben"]}, preference=engine.OVER_TIME)
    by_id = {o.opportunity_id: o for o in result.options}
    assert set(by_id) == {"basics", "C"}
    assert by_id["basics"].start_date < by_id["C"].start_date


def test_formats_come_from_the_catalogue_fields() -> None:
    daytime = Opportunity(id="d", hours=120, weeks=10, schedules=["daytime"], delivery="in_person")
    online = Opportunity(id="o", hours=20, weeks=4, schedules=["daytime"], delivery="online")
    day = Opportunity(id="s", hours=8, weeks=1, schedules=["daytime"], delivery="in_person")
    assert engine.formats_of(daytime) == ["daytime_course"]
    assert engine.formats_of(online) == ["over_time"]
    assert engine.formats_of(day) == ["single_day"]
    with pytest.raises(ValueError, match="preference"):
        plan(catalog(), {}, preference="monthly")


# --- The group report, with consent, over the real ESCO skills -------------------------------------------------


def role_of(session: Session, employer: User, shared_data_dir: Path) -> EmployerRole:
    """CNC set-up operator: two ESCO skills and one of the employer's own."""
    from bridgeway.planning.schemas import EmployerRoleIn

    data = EmployerRoleIn.model_validate(
        {
            "name": "CNC set-up operator, night shift",
            "requirements": [
                {"competency_id": CNC},
                {"competency_id": BLUEPRINTS},
                {"competency_id": "ext:", "label": "Press lockout", "kind": "optional"},
            ],
        }
    )
    return workforce.create_role(session, actor=principal_of(employer), data=data, data_dir=shared_data_dir)


@pytest.fixture(name="crew")
def crew_fixture(session: Session, shared_data_dir: Path) -> dict[str, Any]:
    """An employer, its role, and three consenting people: strong, partial, and without a profile."""
    employer = employer_user(session)
    strong = consenting_person(
        session, employer, [(CNC, "verified_credential"), (BLUEPRINTS, "self_claimed")], name="Ana Strong"
    )
    weak = consenting_person(session, employer, [(WELD_INSPECTION, "self_claimed")], name="Ben Weak")
    empty = consenting_person(session, employer, [], name="Cy Empty")
    role = role_of(session, employer, shared_data_dir)
    group = workforce.create_group(
        session,
        actor=principal_of(employer),
        data=WorkforceGroupIn(name="Night shift", member_ids=[strong.id, weak.id, empty.id]),
    )
    return {
        "employer": employer,
        "strong": strong,
        "weak": weak,
        "empty": empty,
        "role": role,
        "group": group,
    }


def report_of(client: TestClient, session: Session, crew: dict[str, Any]) -> Any:
    url = f"{EMPLOYER_API}/roles/{crew['role'].id}/groups/{crew['group'].id}/report"
    response = client.get(url, headers=api(session, crew["employer"]))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_report_counts_who_meets_each_competency_and_bands_readiness(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    report = report_of(client, session, crew)
    counts = {r["label"]: (r["met"], r["partly"], r["missing"]) for r in report["requirements"]}
    assert counts == {
        "program a CNC controller": (1, 0, 1),
        "read standard blueprints": (0, 1, 1),
        "Press lockout": (0, 0, 2),
    }
    assert [r["kind"] for r in report["requirements"]] == ["essential", "essential", "optional"]
    assert [p["name"] for p in report["people"]] == ["Ben Weak", "Ana Strong"]
    ana = report["people"][1]
    assert ana["cells"][CNC]["status"] == "met"
    assert ana["cells"][CNC]["evidence"] == "verified credential"
    assert report["without_profile"] == ["Cy Empty"]
    assert sum(b["count"] for b in report["readiness_bands"]) == 2
    assert report["readiness_bands"][0]["count"] == 1  # Ben: nothing relevant
    assert report["heatmap_columns"][0] == BLUEPRINTS  # the widest essential gap first


def test_people_who_withdraw_consent_disappear_from_the_report(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    withdraw(session, crew["strong"])
    report = report_of(client, session, crew)
    assert [p["name"] for p in report["people"]] == ["Ben Weak"]
    assert report["without_consent"] == 1
    assert "Ana Strong" not in str(report)
    group = client.get(
        f"{EMPLOYER_API}/groups/{crew['group'].id}", headers=api(session, crew["employer"])
    ).json()
    assert crew["strong"].id not in group["member_ids"]
    assert group["without_consent"] == 1


def test_a_group_member_without_consent_is_refused(session: Session, client: TestClient) -> None:
    employer = employer_user(session)
    stranger = create_user(session)
    headers = api(session, employer)
    refused = client.post(
        f"{EMPLOYER_API}/groups", json={"name": "Night shift", "member_ids": [stranger.id]}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "consent_required"
    empty = client.post(
        f"{EMPLOYER_API}/groups", json={"name": "Night shift", "member_ids": []}, headers=headers
    )
    assert empty.status_code == 422
    assert "at least one person" in empty.json()["message"]
    assert client.get(f"{EMPLOYER_API}/groups", headers=headers).json() == []


def test_consent_to_another_employer_does_not_count(session: Session, client: TestClient) -> None:
    ours, theirs = employer_user(session), employer_user(session)
    theirs_only = consenting_person(session, theirs, [(CNC, "self_claimed")])
    response = client.post(
        f"{EMPLOYER_API}/groups",
        json={"name": "Poached", "member_ids": [theirs_only.id]},
        headers=api(session, ours),
    )
    assert response.status_code == 403
    people = client.get(f"{EMPLOYER_API}/people", headers=api(session, ours)).json()
    assert people == []


def test_another_employer_cannot_read_the_groups_report_or_plan(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    other = api(session, employer_user(session))
    base = f"{EMPLOYER_API}/roles/{crew['role'].id}/groups/{crew['group'].id}"
    for suffix in ("/report", "/plan", "/plan.csv"):
        assert client.get(base + suffix, headers=other).status_code == 404
    assert client.get(f"{EMPLOYER_API}/groups/{crew['group'].id}", headers=other).status_code == 404
    own = own_role(session, crew["employer"])
    theirs = employer_user(session)
    their_group = group_of(session, theirs, [crew["strong"]])
    mixed = f"{EMPLOYER_API}/roles/{own.id}/groups/{their_group.id}/report"
    assert client.get(mixed, headers=api(session, crew["employer"])).status_code == 404


def test_a_role_with_no_competencies_cannot_be_analysed(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    crew["role"].requirements = []
    session.flush()
    url = f"{EMPLOYER_API}/roles/{crew['role'].id}/groups/{crew['group'].id}/report"
    response = client.get(url, headers=api(session, crew["employer"]))
    assert response.status_code == 422
    assert "no competency" in response.json()["message"]


def test_bad_plan_options_are_refused(session: Session, client: TestClient, crew: dict[str, Any]) -> None:
    url = f"{EMPLOYER_API}/roles/{crew['role'].id}/groups/{crew['group'].id}/plan"
    headers = api(session, crew["employer"])
    for params in (
        {"format": "monthly"},
        {"min_people": 0},
        {"objective": "prettiest"},
        {"start_date": "soon"},
    ):
        assert client.get(url, params=params, headers=headers).status_code == 422, params


def publish_teaching(session: Session, uri: str, **overrides: Any) -> Any:
    """A published opportunity aligned to the ESCO skill with this URI."""
    skill = create_esco_skill(session, label=f"skill {uri[-6:]}")
    skill.uri = skill.code = uri
    session.flush()
    return create_published(session, create_staff(session), competency_id=skill.id, **overrides)


def test_the_training_plan_draws_on_the_published_catalogue_and_exports_csv(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    publish_teaching(session, CNC, title_en="CNC programming, evenings")  # 36 h, 6 weeks, $895, 16 seats
    publish_teaching(
        session,
        BLUEPRINTS,
        title_en="Blueprint basics, one day",
        schedules=["short_burst"],
        delivery_mode="in_person",
        hours=7,
        weeks=1,
        cost_cents=29_500,
        intakes=[{"starts_on": "2027-01-16", "seats": 12}],
    )
    base = f"{EMPLOYER_API}/roles/{crew['role'].id}/groups/{crew['group'].id}"
    headers = api(session, crew["employer"])
    params = {"start_date": "2027-01-04", "format": "short"}
    result = client.get(base + "/plan", params=params, headers=headers)
    assert result.status_code == 200, result.text
    body = result.json()
    by_title = {o["title"]: o for o in body["options"]}
    workshop, evenings = by_title["Blueprint basics, one day"], by_title["CNC programming, evenings"]
    assert (workshop["attendees"], workshop["people"]) == (2, ["Ana Strong", "Ben Weak"])
    assert (workshop["seats"], workshop["total_cost"], workshop["preferred_format"]) == (12, 590.0, True)
    assert "single_day" in workshop["formats"]
    assert (evenings["people"], evenings["total_cost"], evenings["preferred_format"]) == (
        ["Ben Weak"],
        895.0,
        False,
    )
    assert evenings["credential"] == "CNC programming, evenings"  # a micro-credential earns itself
    assert body["total_cost"] == 1485.0
    assert [g["label"] for g in body["uncovered"]] == []  # the optional own competency is not planned
    after = {r["name"]: r["after"] for r in body["readiness"]}
    assert after["Ben Weak"] > 0.6
    with_optional = client.get(
        base + "/plan", params={**params, "include_optional": True}, headers=headers
    ).json()
    assert [(g["label"], g["reason"]) for g in with_optional["uncovered"]] == [
        ("Press lockout", "employer-defined competency: no catalogue teaches it")
    ]
    exported = client.get(base + "/plan.csv", params=params, headers=headers)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["training", "formats", "schedule"]
    assert {r[0] for r in rows[1:3]} == {"Blueprint basics, one day", "CNC programming, evenings"}
    assert rows[-1][0] == "TOTAL"
    assert rows[-1][12] == "1485.00"


def test_the_report_page_shows_bars_a_heat_map_and_the_plan(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    publish_teaching(session, CNC, title_en="CNC programming, evenings")
    sign_in(client, session, crew["employer"])
    url = f"/planning/employer/roles/{crew['role'].id}/groups/{crew['group'].id}"
    page = client.get(url, params={"start_date": "2027-01-04"})
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="gap-bar"') == 3
    assert page.text.count('data-testid="heatmap-row"') == 2
    assert 'data-status="met"' in page.text
    assert 'data-status="missing"' in page.text
    assert 'aria-label="program a CNC controller: 1 missing, 0 partly, 1 met"' in page.text
    assert 'data-testid="plan-option"' in page.text
    assert "no training in the catalogue teaches it" in page.text  # blueprints: nothing published
    assert "plan.csv?start_date=2027-01-04" in page.text
    assert client.get(url + "/plan.csv", params={"start_date": "2027-01-04"}).status_code == 200
    french = client.get(url, params={"lang": "fr", "start_date": "2027-01-04"}).text
    assert "Rapport des lacunes de l’effectif" in french
    assert "aucune formation du catalogue ne l’enseigne" in french


def test_an_employer_makes_a_group_in_the_pages_only_from_consenting_people(
    session: Session, client: TestClient, crew: dict[str, Any]
) -> None:
    sign_in(client, session, crew["employer"])
    home = client.get("/planning/employer")
    assert home.status_code == 200
    assert "Ana Strong" in home.text
    assert 'data-testid="report-link"' in home.text
    stranger = create_user(session)
    refused = client.post(
        "/planning/employer/groups", data={"name": "Mixed", "member_ids": [crew["weak"].id, stranger.id]}
    )
    assert refused.status_code == 403
    assert "have not consented" in refused.text
    made = client.post(
        "/planning/employer/groups",
        data={"name": "Weekend crew", "member_ids": [crew["weak"].id]},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert "Weekend crew" in client.get(made.headers["location"]).text


def test_the_demo_gives_the_employer_a_role_a_consenting_crew_and_a_report(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    from bridgeway.accounts.domain import Role
    from bridgeway.planning import demo

    representative = employer_user(session)
    employer = session.get(Employer, representative.employer_id)
    assert employer is not None
    first = demo.seed(
        session, employer=employer, users={Role.EMPLOYER: representative}, data_dir=shared_data_dir
    )
    again = demo.seed(
        session, employer=employer, users={Role.EMPLOYER: representative}, data_dir=shared_data_dir
    )
    assert first == again
    viewer = principal_of(representative)
    [role] = workforce.list_roles(session, viewer=viewer)
    [group] = workforce.list_groups(session, viewer=viewer)
    assert len(role.requirements) == 6
    analysis = workforce.analyse_group(session, viewer=viewer, role_id=role.id, group_id=group.id)
    assert len(analysis.report.people) == 4
    assert analysis.report.requirements[0].missing + analysis.report.requirements[0].partly > 0
    sign_in(client, session, representative)
    page = client.get(first["report"])
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="heatmap-row"') == 4


def test_a_prerequisite_shared_by_both_formats_is_planned_once() -> None:
    cat = catalog(
        {"id": "safety", "competencies": ["g0"], "cost": 50},
        {**WORKSHOP, "competencies": ["g1"], "prerequisites": ["safety"]},
        {**EVENINGS, "competencies": ["g2"], "prerequisites": ["safety"]},
    )
    result = plan(cat, {"g1": ["ana"], "g2": ["ben"]})
    ids = [o.opportunity_id for o in result.options]
    assert sorted(ids) == ["C", "W", "safety"]
    safety = next(o for o in result.options if o.opportunity_id == "safety")
    assert safety.people == ["ana", "ben"]  # planned with the workshop, needed by the evening course too
    assert safety.closes == []


def test_the_demo_learner_gets_a_profile_her_options_and_gaps_can_use(
    session: Session, client: TestClient, shared_data_dir: Path
) -> None:
    from bridgeway.accounts.domain import Role
    from bridgeway.planning import demo, service
    from tests.factories.accounts import create_user

    representative = employer_user(session)
    employer = session.get(Employer, representative.employer_id)
    assert employer is not None
    learner = create_user(session, Role.LEARNER)
    users = {Role.EMPLOYER: representative, Role.LEARNER: learner}
    summary = demo.seed(session, employer=employer, users=users, data_dir=shared_data_dir)
    assert summary["learner_profile"].startswith("saved")
    profile, _ = service.stored_profile(session, learner_id=learner.id)
    assert len(profile.competencies) == len(demo.LEARNER_SKILLS)
    assert profile.constraints.hours_per_week == 8
    gaps = service.gap_analysis(
        taxonomy="esco", code=demo.MILLING_MACHINE_OPERATOR, profile=profile, data_dir=shared_data_dir
    )
    assert 0 < gaps.primary.readiness < 1
