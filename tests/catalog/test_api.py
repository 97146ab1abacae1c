"""The catalogue JSON API: the whole workflow, roles, tenants and the reasons given for refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from tests.factories.accounts import bearer
from tests.factories.catalog import (
    all_yes,
    create_draft,
    create_esco_skill,
    create_published,
    create_staff,
    create_user_without_password,
    micro_credential_data,
)

API = "/api/v1/catalog"


def test_a_micro_credential_is_authored_reviewed_approved_and_published_through_the_api(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session)
    skill = create_esco_skill(session, "program a CNC controller")
    designer, reviewer, approver = (
        bearer(session, u) for u in (staff.designer_user, staff.reviewer_user, staff.approver_user)
    )
    created = client.post(
        f"{API}/opportunities",
        json=micro_credential_data(code="CNC-201", competency_id=skill.id),
        headers=designer,
    )
    assert created.status_code == 201, created.text
    version_id = created.json()["version"]["id"]
    assert created.json()["version"]["alignment"]["target_name"] == "program a CNC controller"
    assert client.post(f"{API}/versions/{version_id}/submit", headers=designer).json()["state"] == "in_review"
    review = client.post(
        f"{API}/versions/{version_id}/reviews", json=all_yes().model_dump(), headers=reviewer
    )
    assert review.json()["outcome"] == "passed"
    assert client.post(f"{API}/versions/{version_id}/approve", headers=approver).json()["state"] == "approved"
    assert (
        client.post(f"{API}/versions/{version_id}/publish", headers=approver).json()["state"] == "published"
    )
    found = client.get(f"{API}/opportunities", params={"q": "CNC-201"}).json()
    assert [item["code"] for item in found["items"]] == ["CNC-201"]
    achievement = client.get(f"{API}/opportunities/{created.json()['id']}/achievement").json()
    assert achievement["alignment"]["target_type"] == "ext:ESCOSkill"
    assert achievement["rubric"]["mastery_level"] == "mastery"


def test_unknown_fields_are_refused(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    body = micro_credential_data(hours_attended_to_complete=30)
    response = client.post(f"{API}/opportunities", json=body, headers=bearer(session, staff.designer_user))
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_a_duplicate_code_is_a_409(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    headers = bearer(session, staff.designer_user)
    assert (
        client.post(
            f"{API}/opportunities", json=micro_credential_data(code="DUP-1"), headers=headers
        ).status_code
        == 201
    )
    response = client.post(f"{API}/opportunities", json=micro_credential_data(code="DUP-1"), headers=headers)
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_code"


def test_a_second_competency_is_a_409_with_the_principle(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    other = create_esco_skill(session, "read standard blueprints")
    response = client.post(
        f"{API}/versions/{version.id}/alignment",
        json={"competency_id": other.id},
        headers=bearer(session, staff.designer_user),
    )
    assert response.status_code == 409
    assert response.json()["error"] == "second_competency"
    assert "one workplace competency" in response.json()["message"]


def test_a_time_based_completion_rule_is_a_422_that_says_why(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    body = micro_credential_data(completion_basis="hours_attended")
    response = client.post(f"{API}/opportunities", json=body, headers=bearer(session, staff.designer_user))
    assert response.status_code == 422
    assert response.json()["error"] == "time_based_completion"


def test_approving_ones_own_draft_is_refused(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    both = create_user_without_password(
        session, Role.PROGRAM_DESIGNER, Role.INSTITUTION_APPROVER, institution=staff.institution
    )
    headers = bearer(session, both)
    version_id = client.post(
        f"{API}/opportunities",
        json=micro_credential_data(competency_id=create_esco_skill(session).id),
        headers=headers,
    ).json()["version"]["id"]
    client.post(f"{API}/versions/{version_id}/submit", headers=headers)
    client.post(
        f"{API}/versions/{version_id}/reviews",
        json=all_yes().model_dump(),
        headers=bearer(session, staff.reviewer_user),
    )
    response = client.post(f"{API}/versions/{version_id}/approve", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == "self_approval"


def test_a_published_version_cannot_be_patched(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    version = create_published(session, staff)
    response = client.patch(
        f"{API}/versions/{version.id}",
        json={"title_en": "Changed"},
        headers=bearer(session, staff.designer_user),
    )
    assert response.status_code == 409
    assert response.json()["error"] == "version_immutable"


def test_staff_of_another_institution_are_refused(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    other = create_staff(session)
    version = create_draft(session, staff)
    response = client.patch(
        f"{API}/versions/{version.id}",
        json={"title_en": "Mine now"},
        headers=bearer(session, other.designer_user),
    )
    assert response.status_code == 403
    assert response.json()["error"] == "other_institution"


def test_a_learner_reads_published_opportunities_but_not_drafts(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    draft = create_draft(session, staff)
    published = create_published(session, staff)
    learner = bearer(session, create_user_without_password(session, Role.LEARNER))
    # A successful request commits the test's savepoint; a refused one rolls back only what followed it.
    assert client.get(f"{API}/opportunities/{published.opportunity_id}", headers=learner).status_code == 200
    assert client.get(f"{API}/opportunities/{draft.opportunity_id}", headers=learner).status_code == 404
    assert client.get(f"{API}/versions/{draft.id}", headers=learner).status_code == 404
    assert (
        client.post(f"{API}/opportunities", json=micro_credential_data(), headers=learner).status_code == 403
    )


def test_a_token_without_catalog_write_cannot_author(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    response = client.post(
        f"{API}/opportunities",
        json=micro_credential_data(),
        headers=bearer(session, staff.designer_user, "catalog:read"),
    )
    assert response.status_code == 403
    assert response.json()["error"] == "missing_scope"


def test_search_is_paginated_and_filters_by_credit(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    for n in range(3):
        create_published(session, staff, code=f"PG-{n}")
    create_published(
        session,
        staff,
        code="CERT-PG",
        kind="certificate",
        is_credit=True,
        credit_value=6,
        components=[{"code": "PG-0"}, {"code": "PG-1"}],
    )
    params = {"institution_id": staff.institution.id, "limit": 2}
    page = client.get(f"{API}/opportunities", params=params).json()
    assert (page["total"], len(page["items"])) == (4, 2)
    credit = client.get(f"{API}/opportunities", params={**params, "credit": "true"}).json()
    assert [i["code"] for i in credit["items"]] == ["CERT-PG"]


def test_employers_propose_and_endorse_and_designers_answer(client: TestClient, session: Session) -> None:
    staff = create_staff(session)
    employer = bearer(session, create_user_without_password(session, Role.EMPLOYER))
    proposal = client.post(
        f"{API}/proposals",
        json={"title": "Collaborative robot safety", "institution_id": staff.institution.id},
        headers=employer,
    )
    assert proposal.status_code == 201
    designer = bearer(session, staff.designer_user)
    assert [p["title"] for p in client.get(f"{API}/proposals", headers=designer).json()] == [
        "Collaborative robot safety"
    ]
    answered = client.post(
        f"{API}/proposals/{proposal.json()['id']}/response",
        json={"status": "declined", "response": "Not this year"},
        headers=designer,
    )
    assert answered.json()["status"] == "declined"
    version = create_published(session, staff)
    endorsed = client.post(
        f"{API}/opportunities/{version.opportunity_id}/endorsements",
        json={"statement": "We hire from this."},
        headers=employer,
    )
    assert endorsed.status_code == 201
    again = client.post(
        f"{API}/opportunities/{version.opportunity_id}/endorsements", json={}, headers=employer
    )
    assert again.status_code == 409


def test_a_reviewer_sends_back_with_comments_and_the_reasons_are_kept(
    client: TestClient, session: Session
) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    client.post(f"{API}/versions/{version.id}/submit", headers=bearer(session, staff.designer_user))
    answers = {**all_yes().answers, "assessment_documented": False}
    reviewer = bearer(session, staff.reviewer_user)
    sent = client.post(
        f"{API}/versions/{version.id}/reviews",
        headers=reviewer,
        json={"answers": answers, "comment": "The rubric misses the safety criterion."},
    )
    assert sent.json()["outcome"] == "sent_back"
    reviews = client.get(f"{API}/versions/{version.id}/reviews", headers=reviewer).json()
    assert reviews[0]["answers"]["assessment_documented"] is False
    assert client.get(f"{API}/versions/{version.id}", headers=reviewer).json()["state"] == "draft"
