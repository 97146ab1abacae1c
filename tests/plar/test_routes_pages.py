"""PLAR pages: the learner's portfolio, the caseload, the assessor's decision form (English and French)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.plar import schemas
from bridgeway.plar.schemas import MethodsIn
from bridgeway.plar.service import cases, portfolio
from tests.factories.accounts import create_institution, create_user
from tests.factories.plar import BLUEPRINT, SAFETY, WELD, case_body
from tests.factories.web import sign_in


def _case_in_assessment(session: Session) -> tuple[object, object, object, str]:
    inst = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=inst)
    advisor = create_user(session, Role.ADVISOR, institution=inst)
    assessor = create_user(session, Role.ASSESSOR, institution=inst)
    p = {u.id: accounts_service.principal_for(u) for u in (learner, advisor, assessor)}
    case = cases.request(
        session, actor=p[learner.id], data=schemas.CaseCreate.model_validate(case_body(inst.id))
    )
    cases.decide_eligibility(session, actor=p[advisor.id], case_id=case.id, eligible=True)
    for uri in (WELD, BLUEPRINT, SAFETY):
        portfolio.rate(
            session,
            actor=p[learner.id],
            data=schemas.SelfAssessmentIn(competency_uri=uri, label=uri, rating=2),
        )
    cases.submit_self_assessment(session, actor=p[learner.id], case_id=case.id)
    cases.choose_methods(
        session,
        actor=p[advisor.id],
        case_id=case.id,
        data=MethodsIn.model_validate(
            {
                "assessor_user_id": assessor.id,
                "methods": [{"competency_uri": u, "method": "portfolio"} for u in (WELD, BLUEPRINT, SAFETY)],
            }
        ),
    )
    cases.record_fee(session, actor=p[advisor.id], case_id=case.id, amount_cents=0)
    session.commit()
    return learner, advisor, assessor, case.id


def test_a_learner_adds_a_job_and_sees_their_case_status(client: TestClient, session: Session) -> None:
    learner, _, _, _ = _case_in_assessment(session)
    sign_in(client, session, learner)
    r = client.post(
        "/plar/work",
        data={
            "employer": "Acier Nord",
            "title": "Welder",
            "start_on": "2015-01-01",
            "duties": "Welded frames",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get("/plar")
    assert page.status_code == 200
    assert "Acier Nord" in page.text
    assert "Assessment" in page.text


def test_the_assessor_sees_the_case_in_the_caseload_and_decides_with_reasons(
    client: TestClient, session: Session
) -> None:
    _, _, assessor, case_id = _case_in_assessment(session)
    sign_in(client, session, assessor)
    load = client.get("/plar/caseload")
    assert load.status_code == 200
    assert case_id in load.text
    page = client.get(f"/plar/cases/{case_id}")
    assert 'data-testid="decision-form"' in page.text
    refused = client.post(
        f"/plar/cases/{case_id}/decisions",
        data={"competency_uri": WELD, "result": "recognised", "reasons": ""},
    )
    assert refused.status_code == 422
    assert "reasons" in refused.text
    ok = client.post(
        f"/plar/cases/{case_id}/decisions",
        data={
            "competency_uri": WELD,
            "result": "recognised",
            "reasons": "Welds met the CWB standard.",
            "rule_valid": "on",
            "rule_sufficient": "on",
            "rule_authentic": "on",
            "rule_current": "on",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "Welds met the CWB standard." in client.get(f"/plar/cases/{case_id}").text


def test_the_caseload_reads_in_french(client: TestClient, session: Session) -> None:
    _, advisor, _, _ = _case_in_assessment(session)
    sign_in(client, session, advisor)
    page = client.get("/plar/caseload?everyone=true", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert page.status_code == 200
    assert "Dossiers de RAC" in page.text


def test_a_learner_uploads_evidence_and_adds_education_and_languages_from_the_page(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    sign_in(client, session, learner)
    ok = client.post(
        "/plar/evidence",
        files={"file": ("letter.txt", b"Ms. Diaz welded for us for ten years.", "text/plain")},
        data={"description": "Employer letter"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    bad = client.post(
        "/plar/evidence", files={"file": ("cv.docx", b"not a word file", "application/octet-stream")}
    )
    assert bad.status_code == 422
    assert (
        client.post(
            "/plar/education",
            data={
                "title": "Diploma",
                "institution_name": "CONALEP",
                "country": "MX",
                "level": "diploma",
                "evaluation_report_ref": "WES-1",
            },
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert (
        client.post(
            "/plar/languages",
            data={
                "test_name": "CELPIP-G",
                "tested_on": "2024-01-01",
                "listening": 9,
                "speaking": 8,
                "reading": 8,
                "writing": 13,
            },
        ).status_code
        == 422
    )
    page = client.get("/plar")
    assert "letter.txt" in page.text
    assert "WES-1" in page.text


def test_an_advisor_and_an_assessor_take_a_case_to_its_outcome_from_its_page(
    client: TestClient, session: Session
) -> None:
    inst = create_institution(session)
    inst.plar_policy = {"moderation": "never"}
    learner = create_user(session, Role.LEARNER, institution=inst)
    advisor = create_user(session, Role.ADVISOR, institution=inst)
    assessor = create_user(session, Role.ASSESSOR, institution=inst)
    lp = accounts_service.principal_for(learner)
    case = cases.request(session, actor=lp, data=schemas.CaseCreate.model_validate(case_body(inst.id)))
    session.commit()

    sign_in(client, session, advisor)
    assert 'data-testid="step-confirm_eligibility"' in client.get(f"/plar/cases/{case.id}").text
    assert (
        client.post(f"/plar/cases/{case.id}/steps", data={"action": "refuse_eligibility"}).status_code == 422
    )
    assert (
        client.post(
            f"/plar/cases/{case.id}/steps", data={"action": "confirm_eligibility"}, follow_redirects=False
        ).status_code
        == 303
    )
    sign_in(client, session, learner)
    assert 'data-testid="self-assessment-form"' in client.get(f"/plar/cases/{case.id}").text
    assert (
        client.post(
            f"/plar/cases/{case.id}/self-assessment", data={"rating_0": "3", "rating_1": "9", "rating_2": "2"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/plar/cases/{case.id}/self-assessment",
            data={"rating_0": "3", "rating_1": "4", "rating_2": "2"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    sign_in(client, session, advisor)
    r = client.post(
        f"/plar/cases/{case.id}/methods",
        data={
            "assessor_email": assessor.email,
            "method_0": "portfolio",
            "method_1": "challenge_exam",
            "method_2": "portfolio",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert (
        client.post(
            f"/plar/cases/{case.id}/steps",
            data={"action": "record_fee", "amount": "250.00", "reason": "RCPT-9"},
            follow_redirects=False,
        ).status_code
        == 303
    )

    sign_in(client, session, assessor)
    for uri in (WELD, BLUEPRINT, SAFETY):
        assert (
            client.post(
                f"/plar/cases/{case.id}/decisions",
                data={"competency_uri": uri, "result": "not_yet", "reasons": "Evidence not yet sufficient."},
                follow_redirects=False,
            ).status_code
            == 303
        )
    assert (
        client.post(
            f"/plar/cases/{case.id}/steps", data={"action": "complete_assessment"}, follow_redirects=False
        ).status_code
        == 303
    )
    session.refresh(case)
    assert case.state == "outcome"
    assert case.fee_cents == 25000
    assert [c.method for c in case.competencies] == ["portfolio", "challenge_exam", "portfolio"]
    page = client.get(f"/plar/cases/{case.id}")
    assert 'data-testid="credit"' in page.text
    assert "0.0 of 12.0 credits granted" in page.text
    assert 'data-testid="gaps"' in page.text
