"""The bridging API: an advisor builds a plan, the learner sees and marks it; every bad input gets a clear 4xx."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from tests.bridging.factories import add_language, world
from tests.factories.accounts import bearer, create_institution, create_user

API = "/api/v1/bridging"


def _open(client: TestClient, headers: dict[str, str], learner_id: str, **extra: object) -> dict:  # type: ignore[type-arg]
    body = {"learner_id": learner_id, "origin_country": "ph", "target_code": "31301", **extra}
    response = client.post(f"{API}/intakes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_advisor_builds_and_shares_a_plan_and_the_learner_marks_their_own_items(
    client: TestClient, session: Session
) -> None:
    w = world(session)
    add_language(session, w.learner)
    advisor, learner = bearer(session, w.advisor), bearer(session, w.learner)
    intake = _open(client, advisor, w.learner.id, origin_code="29-1141.00", years_experience=9)
    assert intake["origin_country"] == "PH"
    assert intake["regulation"]["regulated"] is True
    assert {g["skill"]: g["gap"] for g in intake["language"]["gaps"]} == {
        "listening": 0,
        "speaking": 1,
        "reading": 0,
        "writing": 2,
    }
    url = f"{API}/intakes/{intake['id']}"

    proposed = client.post(f"{url}/proposals", headers=advisor).json()
    assert len(proposed["added"]) == 7
    item = client.post(
        f"{url}/items",
        json={
            "kind": "support",
            "support_kind": "mentorship",
            "title": "Mentor from a nursing association",
            "owner": "other",
            "owner_name": "Mentor",
            "target_on": "2027-03-01",
        },
        headers=advisor,
    )
    assert item.status_code == 201, item.text
    step = next(i for i in proposed["added"] if i["step_kind"] == "registration")
    patched = client.patch(
        f"{url}/items/{step['id']}", json={"regulator_name": "College of Nurses of Ontario"}, headers=advisor
    )
    assert patched.json()["regulator_name"] == "College of Nurses of Ontario"
    assert client.get(f"{API}/plans", headers=learner).json() == []  # not shared yet
    assert client.get(url, headers=learner).status_code == 404
    shared = client.post(f"{url}/share", headers=advisor)
    assert shared.json()["status"] == "shared"

    plans = client.get(f"{API}/plans", headers=learner).json()
    assert [p["id"] for p in plans] == [intake["id"]]
    assert plans[0]["notes"] == ""
    mine = next(i for i in plans[0]["items"] if i["owner"] == "learner")
    theirs = next(i for i in plans[0]["items"] if i["owner"] == "advisor")
    done = client.post(
        f"{API}/plans/{intake['id']}/items/{mine['id']}/done", json={"done": True}, headers=learner
    )
    assert done.json()["status"] == "done"
    refused = client.post(
        f"{API}/plans/{intake['id']}/items/{theirs['id']}/done", json={"done": True}, headers=learner
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_your_item"
    acknowledged = client.post(f"{API}/plans/{intake['id']}/acknowledgement", headers=learner).json()
    assert acknowledged["acknowledged_revision"] == acknowledged["revision"]
    summaries = client.get(f"{API}/intakes", headers=advisor).json()
    assert summaries[0]["items_done"] == 1


def test_bad_input_is_refused_with_a_reason_and_nothing_is_saved(
    client: TestClient, session: Session
) -> None:
    w = world(session)
    advisor = bearer(session, w.advisor)
    unknown = client.post(
        f"{API}/intakes",
        json={"learner_id": w.learner.id, "origin_country": "PH", "target_code": "99999"},
        headers=advisor,
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "unknown_occupation"
    assert client.get(f"{API}/intakes", headers=advisor).json() == []
    intake = _open(client, advisor, w.learner.id)
    url = f"{API}/intakes/{intake['id']}"

    for levels in ({"listening": 13}, {"listening": 0}):
        bad = client.patch(
            url,
            json={"clb_need": {"listening": 7, "speaking": 7, "reading": 7, "writing": 7, **levels}},
            headers=advisor,
        )
        assert bad.status_code == 422, bad.text
    inverted = client.post(
        f"{url}/items",
        json={
            "kind": "training",
            "title": "Refresher",
            "started_on": "2027-02-01",
            "completed_on": "2027-01-01",
            "status": "done",
        },
        headers=advisor,
    )
    assert inverted.status_code == 422
    assert inverted.json()["error"] == "invalid_dates"
    no_step = client.post(f"{url}/items", json={"kind": "licensing", "title": "Exam"}, headers=advisor)
    assert no_step.status_code == 422
    unknown_kind = client.post(f"{url}/items", json={"kind": "holiday", "title": "x"}, headers=advisor)
    assert unknown_kind.status_code == 422
    assert client.get(url, headers=advisor).json()["items"] == []
    assert client.post(f"{url}/share", headers=advisor).status_code == 409


def test_items_of_another_institution_s_intake_are_out_of_reach(client: TestClient, session: Session) -> None:
    w = world(session)
    intake = _open(client, bearer(session, w.advisor), w.learner.id)
    other = bearer(session, w.other_advisor)
    url = f"{API}/intakes/{intake['id']}"
    assert client.get(url, headers=other).status_code == 404
    added = client.post(f"{url}/items", json={"kind": "training", "title": "x"}, headers=other)
    assert added.status_code == 404
    assert client.post(f"{url}/share", headers=other).status_code == 404


def test_an_intake_needs_the_learner_s_consent(client: TestClient, session: Session) -> None:
    institution = create_institution(session)
    world(session)  # the occupations
    learner = create_user(session, Role.LEARNER, institution=institution)
    advisor = bearer(session, create_user(session, Role.ADVISOR, institution=institution))
    response = client.post(
        f"{API}/intakes",
        json={"learner_id": learner.id, "origin_country": "PH", "target_code": "31301"},
        headers=advisor,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "consent_required"
