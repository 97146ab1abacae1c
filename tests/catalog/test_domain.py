"""The catalogue's pure rules, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridgeway.accounts.domain import Principal, Role
from bridgeway.catalog import domain, errors
from bridgeway.catalog.domain import Action, VersionFacts, VersionState
from bridgeway.kit.errors import BridgewayError

INSTITUTION = "inst-1"


def person(user_id: str, *roles: Role, institution_id: str = INSTITUTION) -> Principal:
    return Principal(
        user_id=user_id,
        email=f"{user_id}@example.org",
        display_name=user_id,
        roles=frozenset(roles),
        institution_id=institution_id,
    )


AUTHOR = person("author", Role.PROGRAM_DESIGNER)
DESIGNER = person("designer", Role.PROGRAM_DESIGNER)
REVIEWER = person("reviewer", Role.QA_REVIEWER)
APPROVER = person("approver", Role.INSTITUTION_APPROVER)
AUTHOR_WHO_APPROVES = person("author", Role.PROGRAM_DESIGNER, Role.QA_REVIEWER, Role.INSTITUTION_APPROVER)
OUTSIDER = person("outsider", Role.INSTITUTION_APPROVER, Role.QA_REVIEWER, institution_id="inst-2")
LEARNER = person("learner", Role.LEARNER, institution_id=INSTITUTION)


def draft() -> VersionFacts:
    return VersionFacts(state=VersionState.DRAFT, institution_id=INSTITUTION, author_id="author")


def test_a_draft_goes_through_review_and_approval_to_publication() -> None:
    facts = domain.decide(draft(), Action.SUBMIT, AUTHOR)
    facts = domain.decide(facts, Action.PASS_QA, REVIEWER)
    assert facts.state is VersionState.IN_REVIEW
    assert facts.qa_passed
    facts = domain.decide(facts, Action.APPROVE, APPROVER)
    facts = domain.decide(facts, Action.PUBLISH, APPROVER)
    assert facts.state is VersionState.PUBLISHED
    assert domain.decide(facts, Action.RETIRE, APPROVER).state is VersionState.RETIRED


def test_the_author_cannot_approve_their_own_draft_even_holding_the_approver_role() -> None:
    facts = domain.decide(domain.decide(draft(), Action.SUBMIT, AUTHOR), Action.PASS_QA, REVIEWER)
    with pytest.raises(errors.SelfApproval):
        domain.decide(facts, Action.APPROVE, AUTHOR_WHO_APPROVES)


def test_the_author_cannot_pass_their_own_qa_review() -> None:
    facts = domain.decide(draft(), Action.SUBMIT, AUTHOR)
    with pytest.raises(errors.SelfApproval):
        domain.decide(facts, Action.PASS_QA, AUTHOR_WHO_APPROVES)


def test_approval_waits_for_a_passed_qa_checklist() -> None:
    with pytest.raises(errors.QaNotPassed):
        domain.decide(domain.decide(draft(), Action.SUBMIT, AUTHOR), Action.APPROVE, APPROVER)


def test_a_published_version_cannot_be_edited() -> None:
    with pytest.raises(errors.VersionImmutable):
        domain.check_editable(VersionState.PUBLISHED)
    published = VersionFacts(state=VersionState.PUBLISHED, institution_id=INSTITUTION, author_id="author")
    with pytest.raises(errors.IllegalTransition):
        domain.decide(published, Action.EDIT, DESIGNER)


def test_staff_of_another_institution_cannot_take_any_step() -> None:
    with pytest.raises(errors.OtherInstitution):
        domain.decide(draft(), Action.SUBMIT, OUTSIDER)


def test_a_learner_cannot_take_workflow_steps() -> None:
    with pytest.raises(errors.OtherInstitution):  # a learner is not staff, so not acting for the institution
        domain.decide(draft(), Action.SUBMIT, LEARNER)


def test_a_reviewer_cannot_submit_a_draft() -> None:
    with pytest.raises(errors.WorkflowRoleMissing):
        domain.decide(draft(), Action.SUBMIT, REVIEWER)


def test_sending_back_clears_the_qa_pass() -> None:
    facts = domain.decide(domain.decide(draft(), Action.SUBMIT, AUTHOR), Action.PASS_QA, REVIEWER)
    back = domain.decide(facts, Action.SEND_BACK, APPROVER)
    assert back.state is VersionState.DRAFT
    assert not back.qa_passed


def test_a_second_competency_is_refused() -> None:
    domain.check_single_alignment(0)
    with pytest.raises(errors.SecondCompetency):
        domain.check_single_alignment(1)


@pytest.mark.parametrize("rule", ["hours_attended", "36 hours of attendance", "seat time", "attendance"])
def test_a_completion_rule_based_on_time_is_refused_with_the_reason(rule: str) -> None:
    with pytest.raises(errors.TimeBasedCompletion, match="mastery"):
        domain.check_completion_basis(rule)


def test_mastery_is_the_completion_rule() -> None:
    assert domain.check_completion_basis(" Mastery ") is domain.CompletionBasis.MASTERY


RUBRIC = {
    "criteria": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
    "levels": [
        {"key": "low", "label": "Low", "rank": 1},
        {"key": "mid", "label": "Mid", "rank": 2},
        {"key": "high", "label": "High", "rank": 3},
    ],
    "mastery_level": "mid",
}


def test_a_rubric_is_mastered_only_when_every_criterion_reaches_the_threshold() -> None:
    rubric = domain.Rubric.from_dict(RUBRIC)
    assert rubric.is_mastered({"a": "mid", "b": "high"})
    assert not rubric.is_mastered({"a": "low", "b": "high"})
    assert not rubric.is_mastered({"a": "high"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"criteria": []}, "criterion"),
        ({"levels": [{"key": "x", "label": "X", "rank": 1}]}, "two performance levels"),
        ({"mastery_level": "expert"}, "not one of the levels"),
        ({"mastery_level": "low"}, "lowest level"),
        (
            {"levels": [{"key": "x", "label": "X", "rank": 1}, {"key": "x", "label": "Y", "rank": 2}]},
            "unique",
        ),
    ],
)
def test_a_rubric_without_criteria_levels_or_a_real_threshold_is_refused(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(errors.InvalidRubric, match=message):
        domain.Rubric.from_dict({**RUBRIC, **change})


def test_a_micro_credential_draft_lists_what_review_needs() -> None:
    facts = domain.DraftFacts(
        kind=domain.OpportunityKind.MICRO_CREDENTIAL,
        title_en="T",
        title_fr="",
        description_en="D",
        description_fr="D",
    )
    problems = " | ".join(domain.review_problems(facts))
    assert "title_fr" in problems
    assert "principle 4" in problems
    assert "principle 3" in problems
    assert "principle 5" in problems


def test_every_checklist_item_must_be_answered() -> None:
    with pytest.raises(errors.InvalidInput, match="missing"):
        domain.check_checklist({"single_competency": True})
    with pytest.raises(errors.InvalidInput, match="unknown"):
        domain.check_checklist({**dict.fromkeys(domain.QA_CHECKLIST_KEYS, True), "vibes": True})
    answers = {**dict.fromkeys(domain.QA_CHECKLIST_KEYS, True), "mastery_based": False}
    assert domain.check_checklist(answers) == ["mastery_based"]


def test_a_certificate_is_earned_by_its_required_components_and_any_n_electives() -> None:
    rule = domain.StackingRule(
        parent="cert",
        required=frozenset({"a", "b"}),
        electives=frozenset({"x", "y", "z"}),
        electives_required=2,
    )
    rule.validate()
    assert not rule.is_satisfied({"a", "b", "x"})
    assert rule.is_satisfied({"a", "b", "x", "z"})
    assert rule.missing({"a", "y"}) == (frozenset({"b"}), 1)


@pytest.mark.parametrize(
    ("required", "electives", "n", "message"),
    [
        ({"cert"}, set(), 0, "itself"),
        ({"a"}, {"a"}, 1, "not both"),
        (set(), set(), 0, "at least one"),
        ({"a"}, {"x"}, 2, "offers 1"),
        ({"a"}, {"x"}, 0, "none is required"),
    ],
)
def test_impossible_stacking_rules_are_refused(
    required: set[str], electives: set[str], n: int, message: str
) -> None:
    rule = domain.StackingRule(
        parent="cert", required=frozenset(required), electives=frozenset(electives), electives_required=n
    )
    with pytest.raises(errors.InvalidStackingRule, match=message):
        rule.validate()


def test_a_prerequisite_cycle_is_found() -> None:
    assert domain.find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    cycle = domain.find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}


ACTORS = [AUTHOR, DESIGNER, REVIEWER, APPROVER, AUTHOR_WHO_APPROVES, OUTSIDER, LEARNER]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(ACTORS)), max_size=30))
def test_no_sequence_of_actions_breaks_the_workflow_rules(steps: list[tuple[Action, Principal]]) -> None:
    facts = draft()
    was_published = False
    for action, actor in steps:
        try:
            after = domain.decide(facts, action, actor)
        except BridgewayError:
            continue
        # Only listed transitions happen, by staff of the institution holding the step's role.
        assert domain.TRANSITIONS[(facts.state, action)] is after.state
        assert actor.institution_id == INSTITUTION
        assert actor.has_role(*domain.ACTION_ROLES[action])
        if action is Action.APPROVE:
            assert facts.qa_passed
            assert actor.user_id != facts.author_id
        if action is Action.PASS_QA:
            assert actor.user_id != facts.author_id
        if was_published:  # a published version never returns to an editable state
            assert after.state in (VersionState.PUBLISHED, VersionState.RETIRED)
        if after.state is VersionState.PUBLISHED:
            was_published = True
        if after.state is VersionState.DRAFT:
            assert not after.qa_passed
        facts = after
