"""Case notifications: each step that hands work to someone tells exactly them (in-app and by e-mail), no one else."""

from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.models import User
from bridgeway.config import Settings
from bridgeway.plar import domain, schemas
from bridgeway.plar.domain import Action, CaseState, Party
from bridgeway.plar.errors import InvalidDecision
from bridgeway.plar.models import RecognitionCase
from bridgeway.plar.service import cases, portfolio
from tests.factories.accounts import create_institution, create_user
from tests.factories.plar import BLUEPRINT, SAFETY, WELD, case_body

ALL_MET = dict.fromkeys(domain.RULES_OF_EVIDENCE, True)


class Staffed:
    """An institution with a learner, two advisors, three assessors and a registrar; another institution's staff."""

    def __init__(self, session: Session, *, moderation: str = "always") -> None:
        self.session = session
        inst = create_institution(session)
        inst.plar_policy = {"moderation": moderation}
        other = create_institution(session)
        self.institution_id = inst.id
        self.learner = create_user(session, Role.LEARNER, institution=inst)
        self.advisor = create_user(session, Role.ADVISOR, institution=inst)
        self.advisor2 = create_user(session, Role.ADVISOR, institution=inst)
        self.assessor = create_user(session, Role.ASSESSOR, institution=inst)
        self.assessor2 = create_user(session, Role.ASSESSOR, institution=inst)
        self.moderator = create_user(session, Role.ASSESSOR, institution=inst)
        self.registrar = create_user(session, Role.REGISTRAR, institution=inst)
        self.outsider = create_user(session, Role.ADVISOR, institution=other)
        self.everyone = [
            self.learner,
            self.advisor,
            self.advisor2,
            self.assessor,
            self.assessor2,
            self.moderator,
            self.registrar,
            self.outsider,
        ]
        self.case_id = ""

    def p(self, user: User) -> Principal:
        """The user as a principal."""
        return accounts_service.principal_for(user)

    def inbox(self) -> dict[str, list[str]]:
        """Each person's notification kinds (oldest first), keyed by e-mail; people with none are left out."""
        out = {}
        for user in self.everyone:
            items, _ = accounts_service.list_notifications(self.session, actor=self.p(user), limit=100)
            if items:
                out[user.email] = [n.kind for n in reversed(items)]
        return out

    def clear(self) -> None:
        """Mark everything read and forget it (so the next step's notices stand alone)."""
        from bridgeway.accounts.models import Notification

        self.session.query(Notification).delete()
        self.session.flush()

    # --- steps ---
    def request(self) -> RecognitionCase:
        """The learner opens a case toward the welding program."""
        case = cases.request(
            self.session,
            actor=self.p(self.learner),
            data=schemas.CaseCreate.model_validate(case_body(self.institution_id)),
        )
        self.case_id = case.id
        return case

    def to_methods(self) -> None:
        """Eligible, self-assessed."""
        cases.decide_eligibility(
            self.session, actor=self.p(self.advisor), case_id=self.case_id, eligible=True
        )
        for uri in (WELD, BLUEPRINT, SAFETY):
            portfolio.rate(
                self.session,
                actor=self.p(self.learner),
                data=schemas.SelfAssessmentIn(competency_uri=uri, label=uri, rating=3),
            )
        cases.submit_self_assessment(self.session, actor=self.p(self.learner), case_id=self.case_id)

    def choose(self, *, moderator: User | None = None) -> None:
        """The advisor assigns the assessor (and optionally a named moderator)."""
        body = {
            "assessor_user_id": self.assessor.id,
            "moderator_user_id": moderator.id if moderator else None,
            "methods": [{"competency_uri": u, "method": "portfolio"} for u in (WELD, BLUEPRINT, SAFETY)],
        }
        cases.choose_methods(
            self.session,
            actor=self.p(self.advisor),
            case_id=self.case_id,
            data=schemas.MethodsIn.model_validate(body),
        )

    def fee(self) -> None:
        """The advisor records the fee."""
        cases.record_fee(self.session, actor=self.p(self.advisor), case_id=self.case_id, amount_cents=25_000)

    def decide_all(self, result: str = "recognised") -> None:
        """The assessor decides every competency."""
        for uri in (WELD, BLUEPRINT, SAFETY):
            cases.decide(
                self.session,
                actor=self.p(self.assessor),
                case_id=self.case_id,
                data=schemas.DecisionIn(
                    competency_uri=uri,
                    result=result,
                    reasons="Shown on the job for eight years.",
                    rules=ALL_MET,
                ),
            )

    def to_decided(self, *, moderator: User | None = None) -> None:
        """Request → assessment with every competency decided (not completed)."""
        self.request()
        self.to_methods()
        self.choose(moderator=moderator)
        self.fee()
        self.decide_all()


def test_who_hears_of_a_step_is_whoever_must_act_next_then_the_parties_it_concerns() -> None:
    assert domain.parties_to_notify(domain.REQUESTED_EVENT, CaseState.REQUESTED) == (Party.ADVISOR,)
    assert domain.parties_to_notify("choose_methods", CaseState.FEE) == (
        Party.ADVISOR,
        Party.ASSESSOR,
        Party.LEARNER,
    )
    assert domain.parties_to_notify("complete_assessment", CaseState.MODERATION) == (
        Party.MODERATOR,
        Party.LEARNER,
    )
    assert domain.parties_to_notify("complete_assessment", CaseState.OUTCOME) == (Party.LEARNER,)
    assert domain.parties_to_notify(Action.APPEAL.value, CaseState.APPEALED) == (
        Party.MODERATOR,
        Party.ADVISOR,
    )


def test_a_new_request_reaches_every_advisor_of_the_institution_and_no_one_else(session: Session) -> None:
    s = Staffed(session)
    s.request()
    assert s.inbox() == {
        s.advisor.email: ["plar.case.requested"],
        s.advisor2.email: ["plar.case.requested"],
    }


def test_eligibility_reaches_the_learner_and_the_self_assessment_only_the_advisor_who_took_the_case(
    session: Session,
) -> None:
    s = Staffed(session)
    s.request()
    s.clear()
    s.to_methods()
    assert s.inbox() == {
        s.learner.email: ["plar.case.confirm_eligibility"],
        s.advisor.email: ["plar.case.submit_self_assessment"],
    }


def test_a_refusal_of_eligibility_tells_the_learner_why(session: Session) -> None:
    s = Staffed(session)
    s.request()
    s.clear()
    cases.decide_eligibility(
        session,
        actor=s.p(s.advisor),
        case_id=s.case_id,
        eligible=False,
        reason="The program requires two years of experience in Canada.",
    )
    [notice], _ = accounts_service.list_notifications(session, actor=s.p(s.learner))
    assert notice.kind == "plar.case.refuse_eligibility"
    assert "two years of experience" in notice.body
    assert notice.link == f"/plar/cases/{s.case_id}"
    assert set(s.inbox()) == {s.learner.email}


def test_a_refused_step_notifies_no_one(session: Session) -> None:
    s = Staffed(session)
    s.request()
    s.clear()
    with pytest.raises(InvalidDecision):
        cases.decide_eligibility(session, actor=s.p(s.advisor), case_id=s.case_id, eligible=False, reason="")
    assert s.inbox() == {}


def test_assigning_the_assessor_tells_them_and_the_learner_and_the_fee_starts_the_assessment(
    session: Session,
) -> None:
    s = Staffed(session)
    s.request()
    s.to_methods()
    s.clear()
    s.choose()
    assert s.inbox() == {
        s.learner.email: ["plar.case.choose_methods"],
        s.assessor.email: ["plar.case.choose_methods"],
    }
    s.clear()
    s.fee()
    assert s.inbox() == {
        s.learner.email: ["plar.case.record_fee"],
        s.assessor.email: ["plar.case.record_fee"],
    }
    [notice], _ = accounts_service.list_notifications(session, actor=s.p(s.learner))
    assert "Fee recorded: $250.00." in notice.body


def test_an_evidence_request_reaches_the_learner_and_the_answer_reaches_the_assessor(
    session: Session,
) -> None:
    s = Staffed(session)
    s.request()
    s.to_methods()
    s.choose()
    s.fee()
    s.clear()
    cases.request_evidence(
        session,
        actor=s.p(s.assessor),
        case_id=s.case_id,
        reason="A letter from your supervisor about TIG welding.",
    )
    assert s.inbox() == {s.learner.email: ["plar.case.request_evidence"]}
    [notice], _ = accounts_service.list_notifications(session, actor=s.p(s.learner))
    assert "A letter from your supervisor about TIG welding." in notice.body
    s.clear()
    cases.provide_evidence(session, actor=s.p(s.learner), case_id=s.case_id)
    assert s.inbox() == {s.assessor.email: ["plar.case.provide_evidence"]}


def test_moderation_reaches_every_second_assessor_but_not_the_one_who_decided(session: Session) -> None:
    s = Staffed(session, moderation="always")
    s.to_decided()
    s.clear()
    cases.complete_assessment(session, actor=s.p(s.assessor), case_id=s.case_id)
    assert s.inbox() == {
        s.learner.email: ["plar.case.complete_assessment"],
        s.assessor2.email: ["plar.case.complete_assessment"],
        s.moderator.email: ["plar.case.complete_assessment"],
    }


def test_a_named_moderator_alone_hears_of_moderation_and_the_outcome_reaches_the_learner(
    session: Session,
) -> None:
    s = Staffed(session, moderation="always")
    s.to_decided(moderator=s.moderator)
    s.clear()
    cases.complete_assessment(session, actor=s.p(s.assessor), case_id=s.case_id)
    assert s.inbox() == {
        s.learner.email: ["plar.case.complete_assessment"],
        s.moderator.email: ["plar.case.complete_assessment"],
    }
    s.clear()
    cases.moderate(session, actor=s.p(s.moderator), case_id=s.case_id, agree=True)
    assert s.inbox() == {s.learner.email: ["plar.case.moderate_agree"]}
    [notice], _ = accounts_service.list_notifications(session, actor=s.p(s.learner))
    assert notice.title == "The outcome of your recognition: Welding Techniques diploma"
    assert notice.body.startswith("3 of 3 competencies recognised.")


def test_a_returned_moderation_goes_back_to_the_assessor(session: Session) -> None:
    s = Staffed(session, moderation="always")
    s.to_decided(moderator=s.moderator)
    cases.complete_assessment(session, actor=s.p(s.assessor), case_id=s.case_id)
    s.clear()
    cases.moderate(
        session,
        actor=s.p(s.moderator),
        case_id=s.case_id,
        agree=False,
        reason="Say which evidence met the currency rule.",
    )
    assert s.inbox() == {s.assessor.email: ["plar.case.moderate_return"]}


def test_without_moderation_the_learner_gets_the_outcome_at_once_and_an_appeal_reaches_the_advisor(
    session: Session,
) -> None:
    s = Staffed(session, moderation="never")
    s.to_decided(moderator=s.moderator)
    s.clear()
    cases.complete_assessment(session, actor=s.p(s.assessor), case_id=s.case_id)
    assert s.inbox() == {s.learner.email: ["plar.case.complete_assessment"]}
    [notice], _ = accounts_service.list_notifications(session, actor=s.p(s.learner))
    assert notice.title.startswith("The outcome of your recognition")
    s.clear()
    cases.appeal(session, actor=s.p(s.learner), case_id=s.case_id, reason="My CWB tickets were ignored.")
    assert s.inbox() == {s.advisor.email: ["plar.case.appeal"], s.moderator.email: ["plar.case.appeal"]}
    s.clear()
    cases.resolve_appeal(
        session,
        actor=s.p(s.moderator),
        case_id=s.case_id,
        uphold=True,
        reason="The tickets are valid evidence.",
    )
    assert s.inbox() == {
        s.learner.email: ["plar.case.uphold_appeal"],
        s.assessor.email: ["plar.case.uphold_appeal"],
    }


def test_a_deactivated_advisor_is_not_notified(session: Session) -> None:
    s = Staffed(session)
    s.advisor2.is_active = False
    session.flush()
    s.request()
    assert s.inbox() == {s.advisor.email: ["plar.case.requested"]}


def test_each_notice_is_emailed_once_the_transaction_commits_in_the_recipients_language(
    session: Session, settings: Settings
) -> None:
    s = Staffed(session, moderation="never")
    s.learner.locale = "fr"
    s.to_decided()
    session.commit()
    before = set(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else set()
    cases.complete_assessment(session, actor=s.p(s.assessor), case_id=s.case_id, settings=settings)
    assert not settings.outbox_dir.exists() or set(settings.outbox_dir.glob("*.eml")) == before
    session.commit()
    [sent] = set(settings.outbox_dir.glob("*.eml")) - before
    message = message_from_bytes(sent.read_bytes())
    assert message["To"] == s.learner.email
    assert str(make_header(decode_header(message["Subject"]))) == (
        "Le résultat de votre reconnaissance : Welding Techniques diploma"
    )
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "3 compétences reconnues sur 3." in body.decode()
    assert f"{settings.base_url}/plar/cases/{s.case_id}" in body.decode()
