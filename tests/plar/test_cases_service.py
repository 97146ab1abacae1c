"""Case use cases against the database: refusals leave the case as it was; pre-assessment needs consent."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.errors import ConsentRequired
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.kit.errors import InvalidInput
from bridgeway.plar import schemas
from bridgeway.plar.errors import IncompleteCase, InvalidTransition, WrongParty
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.service import cases, outcomes, portfolio
from tests.factories.accounts import create_institution, create_user
from tests.factories.catalog import create_published, create_staff
from tests.factories.plar import (
    BLUEPRINT,
    SAFETY,
    WELD,
    BrokenEngine,
    case_body,
    consent_to_institution,
    fake_engine,
    give_work_history,
)


class People:
    def __init__(self, session: Session) -> None:
        self.inst = create_institution(session)
        self.learner_user = create_user(session, Role.LEARNER, institution=self.inst)
        self.learner = accounts_service.principal_for(self.learner_user)
        self.advisor = accounts_service.principal_for(
            create_user(session, Role.ADVISOR, institution=self.inst)
        )
        self.assessor = accounts_service.principal_for(
            create_user(session, Role.ASSESSOR, institution=self.inst)
        )
        self.registrar = accounts_service.principal_for(
            create_user(session, Role.REGISTRAR, institution=self.inst)
        )


def _at_methods(session: Session, p: People) -> RecognitionCase:
    case = cases.request(
        session, actor=p.learner, data=schemas.CaseCreate.model_validate(case_body(p.inst.id))
    )
    cases.decide_eligibility(session, actor=p.advisor, case_id=case.id, eligible=True)
    for uri in (WELD, BLUEPRINT, SAFETY):
        portfolio.rate(
            session, actor=p.learner, data=schemas.SelfAssessmentIn(competency_uri=uri, label=uri, rating=3)
        )
    return cases.submit_self_assessment(session, actor=p.learner, case_id=case.id)


def _methods(
    assessor: Principal | str, uris: tuple[str, ...] = (WELD, BLUEPRINT, SAFETY)
) -> schemas.MethodsIn:
    ident = assessor if isinstance(assessor, str) else assessor.user_id
    return schemas.MethodsIn.model_validate(
        {"assessor_user_id": ident, "methods": [{"competency_uri": u, "method": "portfolio"} for u in uris]}
    )


def test_methods_must_cover_every_competency_and_nothing_changes_when_they_do_not(session: Session) -> None:
    p = People(session)
    case = _at_methods(session, p)
    with pytest.raises(IncompleteCase) as exc:
        cases.choose_methods(session, actor=p.advisor, case_id=case.id, data=_methods(p.assessor, (WELD,)))
    assert set(exc.value.detail["missing"]) == {BLUEPRINT, SAFETY}
    assert case.state == "methods"
    assert all(c.method is None for c in case.competencies)


def test_the_assessor_must_hold_the_assessor_role_in_the_cases_institution(session: Session) -> None:
    p = People(session)
    case = _at_methods(session, p)
    with pytest.raises(InvalidInput):
        cases.choose_methods(session, actor=p.advisor, case_id=case.id, data=_methods(p.registrar))
    other = create_user(session, Role.ASSESSOR, institution=create_institution(session))
    with pytest.raises(InvalidInput):
        cases.choose_methods(session, actor=p.advisor, case_id=case.id, data=_methods(other.id))
    assert case.assessor_user_id is None


def test_only_an_advisor_may_choose_methods(session: Session) -> None:
    p = People(session)
    case = _at_methods(session, p)
    with pytest.raises(WrongParty):
        cases.choose_methods(session, actor=p.learner, case_id=case.id, data=_methods(p.assessor))


def test_a_refused_eligibility_needs_a_reason_and_ends_the_case(session: Session) -> None:
    p = People(session)
    case = cases.request(
        session, actor=p.learner, data=schemas.CaseCreate.model_validate(case_body(p.inst.id))
    )
    with pytest.raises(InvalidInput):
        cases.decide_eligibility(session, actor=p.advisor, case_id=case.id, eligible=False, reason="")
    cases.decide_eligibility(
        session,
        actor=p.advisor,
        case_id=case.id,
        eligible=False,
        reason="The program does not admit PLAR for first-year courses.",
    )
    assert case.state == "ineligible"
    with pytest.raises(InvalidTransition):
        cases.submit_self_assessment(session, actor=p.learner, case_id=case.id)


def test_a_course_naming_a_competency_outside_the_request_is_refused(session: Session) -> None:
    p = People(session)
    body = case_body(p.inst.id)
    body["courses"][0]["competency_uris"] = ["urn:elsewhere"]
    with pytest.raises(InvalidInput):
        cases.request(session, actor=p.learner, data=schemas.CaseCreate.model_validate(body))


def test_pre_assessment_needs_the_learners_consent_then_proposes_competencies_with_evidence(
    session: Session,
) -> None:
    p = People(session)
    case = _at_methods(session, p)
    give_work_history(session, p.learner_user)
    with pytest.raises(ConsentRequired):
        cases.pre_assess(session, actor=p.advisor, case_id=case.id, engine_provider=fake_engine)
    consent_to_institution(session, p.learner_user, p.inst.id)
    cases.pre_assess(session, actor=p.advisor, case_id=case.id, engine_provider=fake_engine)
    found = {d["uri"]: d for d in case.pre_assessment}
    assert found[WELD]["in_case"]
    assert any(
        "Welded" in " ".join(e["words"]) or "welding" in " ".join(e["words"]).lower()
        for e in found[WELD]["evidence"]
    )


def test_pre_assessment_of_unreadable_entries_proposes_nothing_rather_than_failing(session: Session) -> None:
    p = People(session)
    case = _at_methods(session, p)
    give_work_history(session, p.learner_user)
    consent_to_institution(session, p.learner_user, p.inst.id)
    cases.pre_assess(session, actor=p.advisor, case_id=case.id, engine_provider=BrokenEngine)
    assert case.pre_assessment == []


def test_pre_assessment_of_an_empty_portfolio_is_refused(session: Session) -> None:
    p = People(session)
    case = _at_methods(session, p)
    consent_to_institution(session, p.learner_user, p.inst.id)
    with pytest.raises(IncompleteCase):
        cases.pre_assess(session, actor=p.advisor, case_id=case.id, engine_provider=fake_engine)


def test_a_catalogue_micro_credential_is_issued_as_plar_when_its_competencies_are_recognised(
    session: Session, settings: Settings
) -> None:
    p = People(session)
    staff = create_staff(session, institution=p.inst)
    version = create_published(session, staff)
    body = case_body(p.inst.id)
    body["courses"][0]["opportunity_id"] = version.opportunity_id
    case = cases.request(session, actor=p.learner, data=schemas.CaseCreate.model_validate(body))
    case.state, case.assessor_user_id = "assessment", p.assessor.user_id
    all_met = {"valid": True, "sufficient": True, "authentic": True, "current": True}
    for uri in (WELD, BLUEPRINT, SAFETY):
        cases.decide(
            session,
            actor=p.assessor,
            case_id=case.id,
            data=schemas.DecisionIn(
                competency_uri=uri,
                result="recognised",
                reasons="Met the standard in every task.",
                rules=all_met,
            ),
        )
    p.inst.plar_policy = {"moderation": "never"}
    cases.complete_assessment(session, actor=p.assessor, case_id=case.id)
    outcomes.issue_credentials(session, settings=settings, actor=p.registrar, case_id=case.id)
    credential_id = case.courses[0]["credential_id"]
    issued = credentials_service.get(session, credential_id=credential_id)
    assert issued.kind == "plar"
    assert issued.learner_user_id == p.learner.user_id
    outcomes.issue_credentials(session, settings=settings, actor=p.registrar, case_id=case.id)
    assert case.courses[0]["credential_id"] == credential_id


def test_portfolio_excerpts_in_a_case_disappear_when_the_learner_withdraws_consent(session: Session) -> None:
    p = People(session)
    case = _at_methods(session, p)
    give_work_history(session, p.learner_user)
    consent_to_institution(session, p.learner_user, p.inst.id)
    cases.pre_assess(session, actor=p.advisor, case_id=case.id, engine_provider=fake_engine)
    assert cases.read_for(session, case, viewer=p.advisor).pre_assessment
    [consent] = accounts_service.list_consents(session, learner_id=p.learner.user_id, active_only=True)
    accounts_service.withdraw_consent(session, actor=p.learner, consent_id=consent.id)
    assert cases.read_for(session, case, viewer=p.advisor).pre_assessment == []
    assert cases.read_for(session, case, viewer=p.learner).pre_assessment


def test_the_registrar_exports_credit_from_the_command_line(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib
    import csv
    import io

    import typer
    from typer.testing import CliRunner

    from bridgeway.plar import case_cli

    p = People(session)
    p.inst.plar_policy = {"moderation": "never", "cap_percent": 100}
    case = _at_methods(session, p)
    cases.choose_methods(session, actor=p.advisor, case_id=case.id, data=_methods(p.assessor))
    cases.record_fee(session, actor=p.advisor, case_id=case.id, amount_cents=0)
    for uri in (WELD, BLUEPRINT, SAFETY):
        cases.decide(
            session,
            actor=p.assessor,
            case_id=case.id,
            data=schemas.DecisionIn(
                competency_uri=uri,
                result="recognised",
                reasons="Met the standard in every task.",
                rules={"valid": True, "sufficient": True, "authentic": True, "current": True},
            ),
        )
    cases.complete_assessment(session, actor=p.assessor, case_id=case.id)
    monkeypatch.setattr(case_cli, "session_scope", lambda: contextlib.nullcontext(session))
    app = typer.Typer()
    case_cli.register(app)
    app.command("noop")(lambda: None)  # a second command keeps "plar" a group
    out = CliRunner().invoke(app, ["plar", "credit", case.id, "--as", p.registrar.email])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["course_code"] for r in rows if r["granted"] == "yes"} == {
        "WLD101",
        "BLU101",
        "SAF100",
        "CAP200",
    }
    refused = CliRunner().invoke(app, ["plar", "credit", "no-such-case", "--as", p.registrar.email])
    assert refused.exit_code == 2
