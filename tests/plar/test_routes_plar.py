"""The PLAR API end to end: portfolio → case → methods → fee → pre-assessment → decisions → moderation → outcome."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.routes import get_engine_provider
from tests.factories.accounts import bearer, create_institution, create_user
from tests.factories.plar import BLUEPRINT, SAFETY, WELD, case_body, consent_to_institution, fake_engine

P = "/api/v1/plar"
ALL = {"valid": True, "sufficient": True, "authentic": True, "current": True}


class World:
    def __init__(self, session: Session, client: TestClient) -> None:
        self.inst = create_institution(session)
        self.inst.plar_policy = {"cap_percent": 50, "moderation": "always"}
        self.learner = create_user(session, Role.LEARNER, institution=self.inst)
        self.advisor = create_user(session, Role.ADVISOR, institution=self.inst)
        self.assessor = create_user(session, Role.ASSESSOR, institution=self.inst)
        self.moderator = create_user(session, Role.ASSESSOR, institution=self.inst)
        self.other_assessor = create_user(session, Role.ASSESSOR, institution=self.inst)
        self.registrar = create_user(session, Role.REGISTRAR, institution=self.inst)
        self.h = {
            name: bearer(session, getattr(self, name))
            for name in ("learner", "advisor", "assessor", "moderator", "other_assessor", "registrar")
        }
        self.client = client

    def post(self, who: str, path: str, json: object = None) -> object:
        return self.client.post(P + path, json=json, headers=self.h[who])


def _to_assessment(w: World, session: Session) -> str:
    c = w.client
    assert (
        c.post(
            f"{P}/portfolio/work",
            headers=w.h["learner"],
            json={
                "employer": "Acier Nord",
                "title": "Welder",
                "start_on": "2015-03-01",
                "end_on": "2023-06-30",
                "duties": "Welded steel frames with welding equipment.\nRead blueprints to cut parts.",
                "occupation_code": "NOC 72106",
            },
        ).status_code
        == 201
    )
    r = c.post(f"{P}/cases", headers=w.h["learner"], json=case_body(w.inst.id))
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    assert r.json()["waiting_on"] == "advisor"
    assert w.post("advisor", f"/cases/{case_id}/eligibility", {"eligible": True}).status_code == 200
    # the self-assessment needs a rating on every competency
    r = w.post("learner", f"/cases/{case_id}/self-assessment")
    assert r.status_code == 422
    assert r.json()["error"] == "incomplete_case"
    for uri, label in [(WELD, "weld"), (BLUEPRINT, "blueprints"), (SAFETY, "safety")]:
        assert (
            c.put(
                f"{P}/portfolio/self-assessment",
                headers=w.h["learner"],
                json={"competency_uri": uri, "label": label, "rating": 3},
            ).status_code
            == 200
        )
    assert w.post("learner", f"/cases/{case_id}/self-assessment").status_code == 200
    methods = {
        "assessor_user_id": w.assessor.id,
        "moderator_user_id": w.moderator.id,
        "methods": [
            {"competency_uri": WELD, "method": "practical_demonstration"},
            {"competency_uri": BLUEPRINT, "method": "challenge_exam"},
            {"competency_uri": SAFETY, "method": "portfolio"},
        ],
    }
    r = w.post("advisor", f"/cases/{case_id}/methods", methods)
    assert r.status_code == 200, r.text
    r = w.post("advisor", f"/cases/{case_id}/fee", {"amount_cents": 25000, "reference": "RCPT-1"})
    assert r.json()["state"] == "assessment"
    assert r.json()["waiting_on"] == "assessor"
    return case_id


def test_a_case_goes_from_request_to_credit_credentials_and_gaps(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    w = World(session, client)
    consent_to_institution(session, w.learner, w.inst.id)
    app.dependency_overrides[get_engine_provider] = lambda: fake_engine
    case_id = _to_assessment(w, session)

    r = w.post("assessor", f"/cases/{case_id}/pre-assessment")
    assert r.status_code == 200, r.text
    proposals = r.json()["pre_assessment"]
    weld = next(p for p in proposals if p["uri"] == WELD)
    assert weld["in_case"]
    assert weld["confidence"] > 0
    assert weld["evidence"]

    assert (
        w.post(
            "assessor",
            f"/cases/{case_id}/decisions",
            {
                "competency_uri": WELD,
                "result": "recognised",
                "reasons": "Demonstrated MIG and TIG welds to standard.",
                "rules": ALL,
            },
        ).status_code
        == 200
    )
    assert (
        w.post(
            "assessor",
            f"/cases/{case_id}/decisions",
            {
                "competency_uri": BLUEPRINT,
                "result": "recognised",
                "reasons": "Exam passed at 82 %.",
                "rules": ALL,
            },
        ).status_code
        == 200
    )
    assert (
        w.post(
            "assessor",
            f"/cases/{case_id}/decisions",
            {"competency_uri": SAFETY, "result": "not_yet", "reasons": "No current WHMIS training on file."},
        ).status_code
        == 200
    )
    r = w.post("assessor", f"/cases/{case_id}/complete")
    assert r.json()["state"] == "moderation"
    assert r.json()["waiting_on"] == "moderator"
    # the assessor who decided cannot moderate their own decisions
    assert w.post("assessor", f"/cases/{case_id}/moderation", {"agree": True}).status_code == 403
    r = w.post("moderator", f"/cases/{case_id}/moderation", {"agree": True})
    assert r.json()["state"] == "outcome"
    # decisions made final: the credentials they grant are issued at once, as on the pages
    assert "x-bridgeway-credentials-pending" not in r.headers
    settled = {c["competency_uri"]: c["credential_id"] for c in r.json()["competencies"]}
    assert settled[WELD]
    assert settled[SAFETY] is None

    credit = client.get(f"{P}/cases/{case_id}/credit", headers=w.h["registrar"]).json()
    assert credit["program_credits"] == 12
    assert credit["cap_credits"] == 6
    assert [c["code"] for c in credit["courses"] if c["granted"]] == ["WLD101", "BLU101"]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"{P}/cases/{case_id}/credit.csv", headers=w.h["registrar"]).text)
        )
    )
    assert {r["course_code"]: r["granted"] for r in rows}["CAP200"] == "no"

    gaps = client.get(f"{P}/cases/{case_id}/gaps", headers=w.h["learner"]).json()["gaps"]
    assert [g["uri"] for g in gaps] == [SAFETY]

    r = w.post("registrar", f"/cases/{case_id}/credentials")
    assert r.status_code == 200, r.text
    issued = {c["competency_uri"]: c["credential_id"] for c in r.json()["competencies"]}
    assert issued[WELD]
    assert issued[BLUEPRINT]
    assert issued[SAFETY] is None
    again = w.post("registrar", f"/cases/{case_id}/credentials").json()
    assert {c["competency_uri"]: c["credential_id"] for c in again["competencies"]} == issued

    mine = client.get(f"{P}/learners/{w.learner.id}/recognised", headers=w.h["learner"]).json()
    assert {m["competency_uri"] for m in mine} == {WELD, BLUEPRINT}
    assert all(m["assessed_by"] == w.assessor.id and m["method"] for m in mine)

    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == case_id)))
    assert {
        "plar.case.requested",
        "plar.case.decided",
        "plar.case.moderate_agree",
        "plar.case.credentials_issued",
    } <= actions


def test_an_assessor_not_assigned_to_the_case_cannot_decide_it(client: TestClient, session: Session) -> None:
    w = World(session, client)
    case_id = _to_assessment(w, session)
    r = w.post(
        "other_assessor",
        f"/cases/{case_id}/decisions",
        {"competency_uri": WELD, "result": "recognised", "reasons": "Looks good to me.", "rules": ALL},
    )
    assert r.status_code == 403
    assert r.json()["error"] == "not_assigned"
    assert "assigned" in r.json()["message"]
    case = session.get(RecognitionCase, case_id)
    assert case is not None
    session.refresh(case)
    assert all(c.result is None for c in case.competencies)


def test_a_decision_without_reasons_is_refused_and_nothing_is_saved(
    client: TestClient, session: Session
) -> None:
    w = World(session, client)
    case_id = _to_assessment(w, session)
    r = w.post(
        "assessor",
        f"/cases/{case_id}/decisions",
        {"competency_uri": WELD, "result": "recognised", "reasons": "  ", "rules": ALL},
    )
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_decision"
    got = client.get(f"{P}/cases/{case_id}", headers=w.h["assessor"]).json()
    assert all(c["result"] is None for c in got["competencies"])


def test_the_assessment_cannot_be_completed_while_a_competency_is_undecided(
    client: TestClient, session: Session
) -> None:
    w = World(session, client)
    case_id = _to_assessment(w, session)
    r = w.post("assessor", f"/cases/{case_id}/complete")
    assert r.status_code == 422
    assert set(r.json()["detail"]["undecided"]) == {WELD, BLUEPRINT, SAFETY}


def test_a_learner_appeals_and_a_second_assessor_sends_the_case_back(
    client: TestClient, session: Session
) -> None:
    w = World(session, client)
    w.inst.plar_policy = {"moderation": "never"}
    case_id = _to_assessment(w, session)
    for uri in (WELD, BLUEPRINT, SAFETY):
        w.post(
            "assessor",
            f"/cases/{case_id}/decisions",
            {"competency_uri": uri, "result": "not_yet", "reasons": "Not enough evidence in the portfolio."},
        )
    assert w.post("assessor", f"/cases/{case_id}/complete").json()["state"] == "outcome"
    assert w.post("learner", f"/cases/{case_id}/appeal", {"reason": ""}).status_code == 422
    assert (
        w.post("learner", f"/cases/{case_id}/appeal", {"reason": "My Red Seal was not considered."}).json()[
            "state"
        ]
        == "appealed"
    )
    r = w.post(
        "moderator", f"/cases/{case_id}/appeal-resolution", {"uphold": True, "reason": "Red Seal is valid."}
    )
    assert r.json()["state"] == "assessment"


def test_staff_see_a_portfolio_only_with_the_learners_consent(client: TestClient, session: Session) -> None:
    w = World(session, client)
    r = client.get(f"{P}/learners/{w.learner.id}/portfolio", headers=w.h["advisor"])
    assert r.status_code == 403
    consent_to_institution(session, w.learner, w.inst.id)
    r = client.get(f"{P}/learners/{w.learner.id}/portfolio", headers=w.h["advisor"])
    assert r.status_code == 200
    assert r.json()["learner_id"] == w.learner.id


def test_an_assessor_can_ask_for_more_evidence_and_the_learner_links_documents(
    client: TestClient, session: Session
) -> None:
    w = World(session, client)
    case_id = _to_assessment(w, session)
    assert w.post("assessor", f"/cases/{case_id}/evidence-requests", {"reason": ""}).status_code == 422
    r = w.post(
        "assessor", f"/cases/{case_id}/evidence-requests", {"reason": "A letter from your employer, please."}
    )
    assert r.json()["waiting_on"] == "learner"
    up = client.post(
        f"{P}/portfolio/evidence",
        headers=w.h["learner"],
        files={"file": ("letter.txt", b"Ms. Doe welded for us for eight years.", "text/plain")},
    )
    assert up.status_code == 201, up.text
    r = w.post(
        "learner", f"/cases/{case_id}/evidence", {"competency_uri": WELD, "evidence_ids": [up.json()["id"]]}
    )
    assert r.json()["competencies"][0]["evidence_ids"] == [up.json()["id"]]
    assert w.post("learner", f"/cases/{case_id}/evidence-provided").json()["state"] == "assessment"
