"""Bridge-training use cases: consent, tenants, regulation from the data, language, the plan, sharing, audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.errors import ConsentRequired, UnknownUser
from bridgeway.accounts.models import AuditEvent, Notification
from bridgeway.bridging import domain, errors, schemas
from bridgeway.bridging.service import access, intakes, plan, reads
from bridgeway.kit.errors import InvalidInput
from bridgeway.plar import schemas as plar_schemas
from bridgeway.plar import service as plar_service
from tests.bridging.factories import add_language, open_intake, world


def _actions(session: Session, entity_id: str) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == entity_id)))


def test_an_intake_for_a_regulated_nurse_takes_the_licence_sentence_and_the_teer_from_the_data(
    session: Session,
) -> None:
    w = world(session)
    intake = open_intake(session, w, origin_code="29-1141.00", years_experience=9)

    read = reads.read(session, intake, viewer=w.advisor_p)
    assert read.target.label == "Registered nurses and registered psychiatric nurses"
    assert read.regulation.regulated
    assert read.regulation.checked
    assert (
        read.regulation.licence_note
        == "Registration with a regulatory body is required in all provinces and territories."
    )
    assert read.origin is not None
    assert read.origin.label == "Registered Nurses"
    assert read.origin.source == "onet"
    assert read.language.need == dict.fromkeys(domain.SKILLS, 7)
    assert read.language.need_is_assumption
    assert "intake.opened" in [e.split(".", 1)[1] for e in _actions(session, intake.id)]


def test_a_software_developer_is_not_regulated_and_needs_clb_7_as_teer_1(session: Session) -> None:
    w = world(session)
    read = reads.read(session, open_intake(session, w, target="21232"), viewer=w.advisor_p)
    assert not read.regulation.regulated
    assert read.regulation.checked
    assert read.regulation.licence_note is None
    assert read.language.need["speaking"] == 7


def test_an_oasis_profile_is_a_valid_target_and_a_noc_minor_group_is_not(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w, target="31301.01")
    assert intake.target_source == "oasis"
    assert intake.regulated_in_data
    intakes.close(session, actor=w.advisor_p, intake_id=intake.id)
    with pytest.raises(errors.UnknownOccupationCode):
        open_intake(session, w, target="3130")


@pytest.mark.parametrize("code", ["99999", "nurse", "12-3456.78", "http://example.org/x"])
def test_an_unknown_occupation_code_is_refused_and_nothing_is_saved(session: Session, code: str) -> None:
    w = world(session)
    with pytest.raises(errors.UnknownOccupationCode):
        open_intake(
            session, w, target=code if code[0].isdigit() and "-" not in code else "31301", origin_code=code
        )
    assert intakes.list_for_institution(session, actor=w.advisor_p) == []


def test_without_the_learner_s_consent_no_intake_is_opened_or_read(session: Session) -> None:
    w = world(session, with_consent=False)
    with pytest.raises(ConsentRequired):
        open_intake(session, w)
    from tests.bridging.factories import consent

    consent(session, w.learner, w.institution)
    intake = open_intake(session, w)
    consent_row = accounts_service.list_consents(session, learner_id=w.learner.id)[0]
    accounts_service.withdraw_consent(session, actor=w.learner_p, consent_id=consent_row.id)
    with pytest.raises(ConsentRequired):
        access.staff_intake(session, actor=w.advisor_p, intake_id=intake.id)
    assert intakes.list_for_institution(session, actor=w.advisor_p) == []


def test_an_advisor_of_another_institution_cannot_see_or_change_the_intake(session: Session) -> None:
    w = world(session)
    from tests.bridging.factories import consent

    consent(session, w.learner, w.other_institution)  # consent alone does not open another tenant's record
    intake = open_intake(session, w)
    with pytest.raises(errors.UnknownIntake):
        access.staff_intake(session, actor=w.other_advisor_p, intake_id=intake.id)
    with pytest.raises(errors.UnknownIntake):
        plan.add_item(
            session,
            actor=w.other_advisor_p,
            intake_id=intake.id,
            data=schemas.PlanItemCreate(kind=domain.ItemKind.TRAINING, title="Sneaky"),
        )
    assert intakes.list_for_institution(session, actor=w.other_advisor_p) == []


def test_a_second_intake_in_progress_for_the_same_learner_is_refused(session: Session) -> None:
    w = world(session)
    open_intake(session, w)
    with pytest.raises(errors.IntakeExists):
        open_intake(session, w)


def test_an_unknown_learner_is_refused(session: Session) -> None:
    w = world(session)
    with pytest.raises(UnknownUser):
        intakes.open_intake(
            session,
            actor=w.advisor_p,
            data=schemas.IntakeCreate(learner_id="nobody", origin_country="PH", target_code="31301"),
        )


def test_language_gaps_come_from_the_plar_result_and_the_regulator_s_requirement_replaces_the_assumption(
    session: Session,
) -> None:
    w = world(session)
    add_language(session, w.learner)
    intake = open_intake(session, w)
    language = reads.read(session, intake, viewer=w.advisor_p).language
    assert language.result is not None
    assert language.result.test_name == "CELPIP-G"
    assert {g.skill: g.gap for g in language.gaps} == {
        "listening": 0,
        "speaking": 1,
        "reading": 0,
        "writing": 2,
    }

    intakes.update_intake(
        session,
        actor=w.advisor_p,
        intake_id=intake.id,
        data=schemas.IntakeUpdate(
            clb_need=schemas.ClbLevels(listening=7, speaking=7, reading=8, writing=7),
            clb_need_source="The regulator's published language requirement",
        ),
    )
    language = reads.read(session, intake, viewer=w.advisor_p).language
    assert not language.need_is_assumption
    assert language.need["reading"] == 8
    assert {g.skill: g.gap for g in language.gaps}["reading"] == 1


def test_a_language_result_of_someone_else_cannot_be_chosen(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    other = world(session)
    foreign = add_language(session, other.learner)
    with pytest.raises(errors.UnknownReference):
        intakes.update_intake(
            session,
            actor=w.advisor_p,
            intake_id=intake.id,
            data=schemas.IntakeUpdate(language_result_id=foreign),
        )


def test_a_credential_evaluation_reuses_the_plar_prior_credential_and_its_report_reference(
    session: Session,
) -> None:
    w = world(session)
    credential = plar_service.portfolio.add_education(
        session,
        actor=w.learner_p,
        data=plar_schemas.PriorCredentialCreate(
            title="Bachelor of Science in Nursing",
            institution_name="University of the Philippines Manila",
            country="PH",
            level="bachelor's degree",
            evaluation_report_ref="WES-1234567",
        ),
    )
    intake = open_intake(session, w)
    evaluation = intakes.add_evaluation(
        session,
        actor=w.advisor_p,
        intake_id=intake.id,
        data=schemas.EvaluationCreate(
            prior_credential_id=credential.id,
            agency=domain.Agency.WES,
            evaluated_on=date(2025, 1, 20),
            canadian_equivalency="Bachelor's degree (four years)",
        ),
    )
    assert (evaluation.credential_title, evaluation.report_reference) == (
        "Bachelor of Science in Nursing",
        "WES-1234567",
    )
    read = reads.read(session, intake, viewer=w.advisor_p)
    assert read.prior_credentials[0].evaluated
    with pytest.raises(errors.InvalidDates):
        intakes.add_evaluation(
            session,
            actor=w.advisor_p,
            intake_id=intake.id,
            data=schemas.EvaluationCreate(
                credential_title="X", agency=domain.Agency.ICAS, evaluated_on=date(2999, 1, 1)
            ),
        )
    with pytest.raises(InvalidInput):
        intakes.add_evaluation(
            session,
            actor=w.advisor_p,
            intake_id=intake.id,
            data=schemas.EvaluationCreate(credential_title="X", agency=domain.Agency.REGULATOR),
        )


def test_the_proposed_plan_follows_the_intake_and_is_not_duplicated(session: Session) -> None:
    w = world(session)
    add_language(session, w.learner)
    intake = open_intake(session, w)
    added = plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    keys = [i.proposal_key for i in added]
    assert keys == [
        "language:training",
        "licensing:regulator_assessment",
        "licensing:language_test",
        "licensing:qualifying_exam",
        "licensing:registration",
        domain.PATHWAY_KEY,
        "support:employment_counselling",
    ]
    assert [i.position for i in intake.items] == list(range(7))
    assert plan.propose(session, actor=w.advisor_p, intake_id=intake.id) == []
    pathway = next(
        i
        for i in reads.read(session, intake, viewer=w.advisor_p).items
        if i.proposal_key == domain.PATHWAY_KEY
    )
    assert pathway.link == f"/planning/clients/{w.learner.id}/pathway?taxonomy=noc&target=31301"
    assert intake.revision == 1


def test_item_dates_in_the_wrong_order_are_refused_and_leave_the_item_unchanged(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    item = plan.add_item(
        session,
        actor=w.advisor_p,
        intake_id=intake.id,
        data=schemas.PlanItemCreate(
            kind=domain.ItemKind.LICENSING, step_kind=domain.StepKind.QUALIFYING_EXAM, title="NCLEX-RN"
        ),
    )
    with pytest.raises(errors.InvalidDates):
        with session.begin_nested():
            plan.update_item(
                session,
                actor=w.advisor_p,
                intake_id=intake.id,
                item_id=item.id,
                data=schemas.PlanItemUpdate(
                    started_on=date(2026, 6, 1), completed_on=date(2026, 5, 1), status=domain.ItemStatus.DONE
                ),
            )
    session.refresh(item)
    assert (item.started_on, item.completed_on, item.status) == (None, None, "planned")


def test_a_licensing_item_needs_its_step_kind_and_a_support_its_kind(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    for kind in (domain.ItemKind.LICENSING, domain.ItemKind.SUPPORT):
        with pytest.raises(InvalidInput):
            plan.add_item(
                session,
                actor=w.advisor_p,
                intake_id=intake.id,
                data=schemas.PlanItemCreate(kind=kind, title="x"),
            )


def test_a_plar_case_of_another_learner_cannot_be_linked(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    with pytest.raises(errors.UnknownReference):
        plan.add_item(
            session,
            actor=w.advisor_p,
            intake_id=intake.id,
            data=schemas.PlanItemCreate(
                kind=domain.ItemKind.PRIOR_LEARNING, title="RPL", plar_case_id="nope"
            ),
        )


def test_sharing_notifies_the_learner_who_then_sees_marks_and_acknowledges_the_plan(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    with pytest.raises(errors.NothingToShare):
        intakes.share(session, actor=w.advisor_p, intake_id=intake.id)
    with pytest.raises(errors.UnknownIntake):
        access.learner_intake(session, actor=w.learner_p, intake_id=intake.id)  # not shared yet
    plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    intakes.share(session, actor=w.advisor_p, intake_id=intake.id)
    notes = list(session.scalars(select(Notification).where(Notification.user_id == w.learner.id)))
    assert [n.kind for n in notes] == ["bridging.plan_shared"]
    assert notes[0].link == "/bridging"
    with pytest.raises(errors.NothingToShare):
        intakes.share(session, actor=w.advisor_p, intake_id=intake.id)

    assert [i.id for i in intakes.plans_of(session, actor=w.learner_p)] == [intake.id]
    mine = next(i for i in intake.items if i.owner == "learner")
    theirs = next(i for i in intake.items if i.owner == "advisor")
    plan.mark_done(session, actor=w.learner_p, intake_id=intake.id, item_id=mine.id, done=True)
    assert mine.status == "done"
    assert mine.completed_on is not None
    with pytest.raises(errors.NotYourItem):
        plan.mark_done(session, actor=w.learner_p, intake_id=intake.id, item_id=theirs.id, done=True)
    intakes.acknowledge(session, actor=w.learner_p, intake_id=intake.id)
    assert intake.acknowledged_revision == intake.revision
    assert {"bridging.plan.shared", "bridging.plan.acknowledged"} <= set(_actions(session, intake.id))
    assert "bridging.item.marked" in _actions(session, mine.id)

    plan.update_item(
        session,
        actor=w.advisor_p,
        intake_id=intake.id,
        item_id=theirs.id,
        data=schemas.PlanItemUpdate(position=0),
    )
    read = reads.read(session, intake, viewer=w.learner_p)
    assert read.changed_since_acknowledged
    assert read.changed_since_shared
    assert read.items[0].id == theirs.id
    assert read.notes == ""  # the advisor's notes stay with advisors
    intakes.share(session, actor=w.advisor_p, intake_id=intake.id)
    kinds = list(session.scalars(select(Notification.kind).where(Notification.user_id == w.learner.id)))
    assert sorted(kinds) == ["bridging.plan_shared", "bridging.plan_updated"]


def test_another_learner_cannot_see_or_mark_the_plan(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    intakes.share(session, actor=w.advisor_p, intake_id=intake.id)
    stranger = world(session).learner_p
    with pytest.raises(errors.UnknownIntake):
        plan.mark_done(session, actor=stranger, intake_id=intake.id, item_id=intake.items[0].id, done=True)


def test_a_closed_intake_refuses_changes(session: Session) -> None:
    w = world(session)
    intake = open_intake(session, w)
    intakes.close(session, actor=w.advisor_p, intake_id=intake.id)
    with pytest.raises(errors.IntakeClosed):
        plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    assert intakes.list_for_institution(session, actor=w.advisor_p) == []
    assert len(intakes.list_for_institution(session, actor=w.advisor_p, include_closed=True)) == 1


def test_a_learner_s_intakes_are_exported_and_erased_with_their_account(session: Session) -> None:
    from bridgeway.bridging.service import erase_learner, export_learner

    w = world(session)
    intake = open_intake(session, w)
    plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    exported = export_learner(session, w.learner.id)
    assert exported["intakes"][0]["target"] == "31301"
    assert exported["intakes"][0]["plan"]
    erase_learner(session, w.learner.id)
    assert intakes.list_for_institution(session, actor=w.advisor_p, include_closed=True) == []


def test_the_learner_s_plar_case_here_is_proposed_as_recognition_of_prior_learning(session: Session) -> None:
    from bridgeway.plar.domain import TargetKind

    w = world(session)
    case = plar_service.cases.request(
        session,
        actor=w.learner_p,
        data=plar_schemas.CaseCreate(
            institution_id=w.institution.id,
            target_kind=TargetKind.PROGRAM,
            target_ref="PN-BRIDGE",
            target_label="Bridging program for internationally educated nurses",
            competencies=[
                plar_schemas.TargetCompetency(uri="urn:test:assessment", label="Health assessment")
            ],
        ),
    )
    intake = open_intake(session, w)
    added = plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    first = added[0]
    assert (first.kind, first.plar_case_id, first.proposal_key) == (
        "prior_learning",
        case.id,
        f"plar:{case.id}",
    )
    assert first.notes == "Bridging program for internationally educated nurses"
    read = reads.read(session, intake, viewer=w.advisor_p)
    assert read.items[0].link == f"/plar/cases/{case.id}"
    linked = plan.add_item(
        session,
        actor=w.advisor_p,
        intake_id=intake.id,
        data=schemas.PlanItemCreate(
            kind=domain.ItemKind.PRIOR_LEARNING, title="Second look", plar_case_id=case.id
        ),
    )
    assert linked.plar_case_id == case.id


def test_sharing_with_mail_settings_e_mails_the_learner_once_the_transaction_commits(
    session: Session, settings: Any
) -> None:
    w = world(session)
    w.learner.locale = "fr"
    intake = open_intake(session, w)
    plan.propose(session, actor=w.advisor_p, intake_id=intake.id)
    intakes.share(session, actor=w.advisor_p, intake_id=intake.id, mail=settings)
    assert not settings.outbox_dir.exists()  # nothing leaves before the commit
    session.commit()
    [sent] = list(settings.outbox_dir.glob("*.eml"))
    text = sent.read_bytes().decode("utf-8", "replace")
    assert w.learner.email in text
    assert "Votre plan d" in text  # in the learner's language
