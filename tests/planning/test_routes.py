"""The planning JSON API over the official ESCO data: stored profiles, transitions, gaps, plans, consent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role, Scope
from bridgeway.accounts.models import User
from bridgeway.planning.engine.space import ESSENTIAL
from bridgeway.planning.sources import load_space
from bridgeway.taxonomy.models import Competency
from tests.factories.accounts import bearer, create_institution, create_user, principal_of
from tests.factories.catalog import create_esco_skill, create_published, create_staff

WELDER = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
UNKNOWN = "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Welder:
    """The ESCO welder: its essential skills, a profile holding all but the last, and the one left."""

    essential: list[str]
    gap: str

    def profile(self, **constraints: Any) -> dict[str, Any]:
        """A profile with verified claims to every essential skill but the gap."""
        return {
            "competencies": [
                {"id": s, "evidence": "verified_credential"} for s in self.essential if s != self.gap
            ],
            "constraints": {"hours_per_week": 10, "start_date": "2027-01-04", **constraints},
        }


def read_welder(shared_data_dir: Path) -> Welder:
    """The welder's essential skills from the official ESCO release (the engine caches the space on disk)."""
    space = load_space("esco", shared_data_dir)
    row = space.occupation_index(WELDER)
    assert row is not None
    cols, _, _, kinds = space.requirements_of(row)
    essential = sorted(space.competency_ids[c] for c, k in zip(cols, kinds, strict=True) if k == ESSENTIAL)
    return Welder(essential=essential, gap=essential[-1])


@pytest.fixture(scope="module", name="welder")
def welder_fixture(shared_data_dir: Path) -> Welder:
    """Read once per module."""
    return read_welder(shared_data_dir)


def publish_course_teaching(session: Session, uri: str, **overrides: Any) -> Any:
    """A published micro-credential aligned to the ESCO skill with this URI (36 h over 6 weeks, $895)."""
    skill = create_esco_skill(session, label="the welder's missing skill")
    skill.uri = skill.code = uri
    session.flush()
    return create_published(session, create_staff(session), competency_id=skill.id, **overrides)


def learner_with_profile(
    session: Session, client: TestClient, profile: dict[str, Any]
) -> tuple[User, dict[str, str]]:
    """A learner who saved this profile through the API, and their API headers."""
    learner = create_user(session)
    headers = bearer(session, learner)
    saved = client.put("/api/v1/planning/profile", json=profile, headers=headers)
    assert saved.status_code == 200, saved.text
    return learner, headers


def test_a_learner_saves_their_profile_and_reads_it_back(
    session: Session, client: TestClient, welder: Welder
) -> None:
    learner, headers = learner_with_profile(session, client, welder.profile(budget=3000))
    got = client.get("/api/v1/planning/profile", headers=headers).json()
    assert got["learner_id"] == learner.id
    assert got["updated_at"] is not None
    assert got["profile"]["constraints"]["budget"] == 3000
    assert len(got["profile"]["competencies"]) == len(welder.essential) - 1


def test_a_learner_who_never_saved_a_profile_reads_an_empty_one(session: Session, client: TestClient) -> None:
    got = client.get("/api/v1/planning/profile", headers=bearer(session, create_user(session))).json()
    assert got["updated_at"] is None
    assert got["profile"]["competencies"] == []


def test_an_invalid_profile_is_refused_naming_the_field(session: Session, client: TestClient) -> None:
    headers = bearer(session, create_user(session))
    response = client.put(
        "/api/v1/planning/profile", json={"constraints": {"hours_per_week": 0}}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_profile"
    assert "constraints.hours_per_week" in response.json()["message"]
    assert client.get("/api/v1/planning/profile", headers=headers).json()["updated_at"] is None


def test_a_token_with_only_planning_read_cannot_save_a_profile(session: Session, client: TestClient) -> None:
    headers = bearer(session, create_user(session), Scope.PLANNING_READ.value)
    assert client.put("/api/v1/planning/profile", json={}, headers=headers).status_code == 403


def test_transitions_for_an_empty_profile_are_refused_clearly(session: Session, client: TestClient) -> None:
    response = client.get("/api/v1/planning/transitions", headers=bearer(session, create_user(session)))
    assert response.status_code == 422
    assert response.json()["error"] == "empty_profile"


def test_a_welders_skills_rank_welding_among_the_best_options_with_tiers_and_outlook(
    session: Session, client: TestClient, welder: Welder
) -> None:
    _, headers = learner_with_profile(session, client, welder.profile())
    response = client.get("/api/v1/planning/transitions?top=10", headers=headers)
    assert response.status_code == 200, response.text
    recs = response.json()["recommendations"]
    assert len(recs) == 10
    assert WELDER in [r["code"] for r in recs]
    assert all(r["tier"] in {"highly viable", "viable", "stretch"} and r["outlook_words"] for r in recs)


def test_transitions_from_a_previous_occupation_need_no_profile(
    session: Session, client: TestClient, welder: Welder
) -> None:
    response = client.get(
        "/api/v1/planning/transitions",
        params={"from": WELDER, "top": 3},
        headers=bearer(session, create_user(session)),
    )
    assert response.status_code == 200, response.text
    assert response.json()["origin"] == WELDER
    assert WELDER not in [r["code"] for r in response.json()["recommendations"]]


def test_gaps_list_each_requirement_with_its_source_status_and_evidence(
    session: Session, client: TestClient, welder: Welder
) -> None:
    _, headers = learner_with_profile(session, client, welder.profile())
    response = client.get("/api/v1/planning/gaps", params={"target": WELDER}, headers=headers)
    assert response.status_code == 200, response.text
    lines = {r["competency_id"]: r for r in response.json()["primary"]["requirements"]}
    assert lines[welder.gap]["status"] == "missing"
    assert lines[welder.gap]["evidence"] is None
    held = lines[welder.essential[0]]
    assert (held["status"], held["evidence"], held["source"]) == (
        "met",
        "verified credential",
        "ESCO essential skill",
    )
    assert 0 < response.json()["primary"]["readiness"] < 1


def test_an_unknown_occupation_is_a_clear_not_found(
    session: Session, client: TestClient, welder: Welder
) -> None:
    _, headers = learner_with_profile(session, client, welder.profile())
    response = client.get("/api/v1/planning/gaps", params={"target": UNKNOWN}, headers=headers)
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_occupation"


def test_an_unknown_taxonomy_or_objective_is_refused(
    session: Session, client: TestClient, welder: Welder
) -> None:
    _, headers = learner_with_profile(session, client, welder.profile())
    assert (
        client.get(
            "/api/v1/planning/gaps", params={"target": WELDER, "taxonomy": "isco"}, headers=headers
        ).status_code
        == 422
    )
    response = client.get(
        "/api/v1/planning/plan", params={"target": WELDER, "objective": "soonest"}, headers=headers
    )
    assert response.status_code == 422
    assert "objective" in response.json()["message"]


def test_a_plan_takes_the_published_course_that_teaches_the_gap(
    session: Session, client: TestClient, welder: Welder
) -> None:
    course = publish_course_teaching(session, welder.gap)
    _, headers = learner_with_profile(session, client, welder.profile(budget=2000))
    response = client.get("/api/v1/planning/plan", params={"target": WELDER}, headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    plan = report["result"]["plan"]
    assert [i["id"] for i in plan["items"]] == [course.opportunity_id]
    assert plan["total_cost"] == 895.0
    assert plan["total_hours"] == 36
    assert {"fastest", "cheapest"} <= set(report["result"]["alternatives"])
    assert report["readiness_after"]["plan"] > report["readiness_before"]


def test_a_budget_no_plan_can_meet_is_refused_naming_the_binding_constraint(
    session: Session, client: TestClient, welder: Welder
) -> None:
    publish_course_teaching(session, welder.gap)
    _, headers = learner_with_profile(session, client, welder.profile(budget=100))
    response = client.get("/api/v1/planning/plan", params={"target": WELDER}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "no_feasible_plan"
    assert response.json()["detail"]["binding"] == "budget"


def test_an_advisor_sees_a_clients_profile_and_options_only_with_consent(
    session: Session, client: TestClient, welder: Welder
) -> None:
    institution = create_institution(session)
    advisor = create_user(session, Role.ADVISOR, institution=institution)
    learner, _ = learner_with_profile(session, client, welder.profile())
    headers = bearer(session, advisor)
    profile_url = f"/api/v1/planning/clients/{learner.id}/profile"
    refused = client.get(profile_url, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"] == "consent_required"
    assert (
        client.get(
            "/api/v1/planning/transitions", params={"learner_id": learner.id}, headers=headers
        ).status_code
        == 403
    )
    accounts_service.grant_consent(
        session,
        actor=principal_of(learner),
        grantee_kind=ConsentGrantee.INSTITUTION,
        grantee_id=institution.id,
    )
    session.commit()
    assert client.get(profile_url, headers=headers).json()["profile"]["competencies"]
    ranked = client.get(
        "/api/v1/planning/transitions", params={"learner_id": learner.id, "top": 3}, headers=headers
    )
    assert ranked.status_code == 200
    assert len(ranked.json()["recommendations"]) == 3


def test_a_learner_cannot_read_another_learners_plan(
    session: Session, client: TestClient, welder: Welder
) -> None:
    other, _ = learner_with_profile(session, client, welder.profile())
    headers = bearer(session, create_user(session))
    response = client.get(
        "/api/v1/planning/gaps", params={"target": WELDER, "learner_id": other.id}, headers=headers
    )
    assert response.status_code == 403


def test_an_advisor_asking_for_an_unknown_client_gets_not_found(session: Session, client: TestClient) -> None:
    advisor = create_user(session, Role.ADVISOR, institution=create_institution(session))
    response = client.get(
        f"/api/v1/planning/clients/{Competency.__tablename__}/profile", headers=bearer(session, advisor)
    )
    assert response.status_code == 404


def test_the_workforce_report_counts_only_people_who_consented_to_the_employer(
    session: Session, client: TestClient, welder: Welder
) -> None:
    employer_user = create_user(session, Role.EMPLOYER)
    consenting, _ = learner_with_profile(session, client, welder.profile())
    learner_with_profile(session, client, welder.profile())
    accounts_service.grant_consent(
        session,
        actor=principal_of(consenting),
        grantee_kind=ConsentGrantee.EMPLOYER,
        grantee_id=employer_user.employer_id,
    )
    response = client.get(
        "/api/v1/planning/workforce", params={"target": WELDER}, headers=bearer(session, employer_user)
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert [p["id"] for p in report["people"]] == [consenting.id]
    first = report["requirements"][0]
    assert first["competency_id"] == welder.gap
    assert (first["missing"], first["gap_share"]) == (1, 1.0)


def test_an_advisor_keeps_notes_about_a_consenting_client_only(session: Session, client: TestClient) -> None:
    advisor = create_user(session, Role.ADVISOR, institution=create_institution(session))
    learner = create_user(session)
    headers = bearer(session, advisor)
    url = f"/api/v1/planning/clients/{learner.id}/notes"
    assert client.post(url, json={"body": "Called."}, headers=headers).status_code == 403
    accounts_service.grant_consent(
        session, actor=principal_of(learner), grantee_kind=ConsentGrantee.ADVISOR, grantee_id=advisor.id
    )
    session.commit()
    assert client.post(url, json={"body": ""}, headers=headers).status_code == 422
    created = client.post(url, json={"body": "Prefers evening courses."}, headers=headers)
    assert created.status_code == 201, created.text
    assert [n["body"] for n in client.get(url, headers=headers).json()] == ["Prefers evening courses."]
