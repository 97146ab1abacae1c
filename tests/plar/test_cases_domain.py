"""The recognition rules without a database: state machine, decisions, moderation, credit, gaps."""

from __future__ import annotations

import pytest

from bridgeway.plar import domain
from bridgeway.plar.domain import Action, CaseState, Course, Party, Result
from bridgeway.plar.errors import InvalidDecision, InvalidPolicy, InvalidTransition

ALL_RULES = {"valid": True, "sufficient": True, "authentic": True, "current": True}


def test_a_case_walks_from_request_to_assessment_in_order() -> None:
    state = CaseState.REQUESTED
    for action, party in [
        (Action.CONFIRM_ELIGIBILITY, Party.ADVISOR),
        (Action.SUBMIT_SELF_ASSESSMENT, Party.LEARNER),
        (Action.CHOOSE_METHODS, Party.ADVISOR),
        (Action.RECORD_FEE, Party.ADVISOR),
    ]:
        state, who = domain.transition(state, action)
        assert who is party
    assert state is CaseState.ASSESSMENT


def test_a_fee_cannot_be_recorded_before_methods_are_chosen() -> None:
    with pytest.raises(InvalidTransition) as exc:
        domain.transition(CaseState.SELF_ASSESSMENT, Action.RECORD_FEE)
    assert exc.value.status_code == 409
    assert "submit_self_assessment" in exc.value.detail["allowed"]


def test_refusing_eligibility_or_appealing_without_a_reason_is_refused() -> None:
    with pytest.raises(InvalidDecision):
        domain.transition(CaseState.REQUESTED, Action.REFUSE_ELIGIBILITY, reason="   ")
    with pytest.raises(InvalidDecision):
        domain.transition(CaseState.OUTCOME, Action.APPEAL)
    assert domain.transition(CaseState.OUTCOME, Action.APPEAL, reason="The exam missed my welding tickets")[
        0
    ] is (CaseState.APPEALED)


def test_an_assessor_may_ask_for_more_evidence_and_the_learner_brings_it_back() -> None:
    state, _ = domain.transition(
        CaseState.ASSESSMENT, Action.REQUEST_EVIDENCE, reason="A letter from the employer"
    )
    assert state is CaseState.MORE_EVIDENCE
    assert domain.WAITING_ON[state] is Party.LEARNER
    assert domain.transition(state, Action.PROVIDE_EVIDENCE)[0] is CaseState.ASSESSMENT


def test_a_decision_without_reasons_is_refused() -> None:
    with pytest.raises(InvalidDecision) as exc:
        domain.check_decision("recognised", "", ALL_RULES)
    assert exc.value.status_code == 422
    assert exc.value.detail["field"] == "reasons"


def test_recognition_needs_every_rule_of_evidence_met() -> None:
    with pytest.raises(InvalidDecision) as exc:
        domain.check_decision("recognised", "Strong portfolio and letters", {**ALL_RULES, "current": False})
    assert exc.value.detail["unmet"] == ["current"]


def test_a_not_yet_decision_with_reasons_is_accepted_whatever_the_rules() -> None:
    decision = domain.check_decision("not_yet", "No evidence of blueprint reading", {"valid": True})
    assert decision.result is Result.NOT_YET
    assert decision.rules == {"valid": True, "sufficient": False, "authentic": False, "current": False}


def test_an_unknown_result_is_refused() -> None:
    with pytest.raises(InvalidDecision):
        domain.check_decision("maybe", "Some reasons here", ALL_RULES)


def test_moderation_follows_the_institution_policy() -> None:
    ok, partly = [Result.RECOGNISED], [Result.RECOGNISED, Result.PARTLY]
    assert domain.state_after_assessment({}, ok) is CaseState.MODERATION
    assert domain.state_after_assessment({"moderation": "never"}, partly) is CaseState.OUTCOME
    assert domain.state_after_assessment({"moderation": "unfavourable"}, ok) is CaseState.OUTCOME
    assert domain.state_after_assessment({"moderation": "unfavourable"}, partly) is CaseState.MODERATION
    with pytest.raises(InvalidPolicy):
        domain.requires_moderation({"moderation": "sometimes"}, ok)


COURSES = [
    Course("WLD101", "Welding basics", 3, ("u:weld",)),
    Course("BLU101", "Blueprints", 3, ("u:blueprint",)),
    Course("SAF100", "Safety", 2, ("u:safety",)),
    Course("CAP200", "Capstone", 4, ("u:weld", "u:blueprint")),
]


def test_credit_is_granted_for_courses_whose_competencies_are_all_recognised_within_the_cap() -> None:
    award = domain.advanced_standing({"cap_percent": 50}, COURSES, ["u:weld", "u:blueprint", "u:safety"])
    assert award.program_credits == 12
    assert award.cap_credits == 6
    granted = [c.code for c in award.courses if c.granted]
    assert granted == ["WLD101", "BLU101"]
    assert award.granted_credits == 6
    assert "cap" in next(c.reason for c in award.courses if c.code == "SAF100")


def test_excluded_courses_and_residency_limit_credit() -> None:
    policy = {"cap_percent": 75, "excluded_courses": ["wld101"], "residency_credits": 9}
    award = domain.advanced_standing(policy, COURSES, ["u:weld", "u:blueprint", "u:safety"])
    assert award.cap_credits == 3  # 12 credits, 9 must be earned in residence
    assert [c.code for c in award.courses if c.granted] == ["BLU101"]
    assert "excluded" in award.courses[0].reason


def test_a_partly_recognised_course_earns_no_credit_and_remains_a_gap() -> None:
    results = {"u:weld": Result.RECOGNISED, "u:blueprint": Result.PARTLY}
    award = domain.advanced_standing(
        {"cap_percent": 100}, COURSES, [u for u, r in results.items() if r is Result.RECOGNISED]
    )
    assert [c.code for c in award.courses if c.granted] == ["WLD101"]
    assert domain.gaps(["u:weld", "u:blueprint", "u:safety"], results) == ["u:blueprint", "u:safety"]


def test_a_policy_with_a_cap_over_100_percent_is_refused() -> None:
    with pytest.raises(InvalidPolicy):
        domain.advanced_standing({"cap_percent": 150}, COURSES, [])
