"""Pure recognition rules: the case state machine, decisions and the rules of evidence, moderation, credit.

No database, no web framework: every rule here is tested in microseconds (tests/plar/test_cases_domain.py).
Models: Quebec's RAC, Australia's RPL and Canadian college PLAR practice (see docs/plar.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bridgeway.plar.errors import InvalidDecision, InvalidPolicy, InvalidTransition


class CaseState(StrEnum):
    """Where a recognition case stands."""

    REQUESTED = "requested"  # the learner asked; an advisor checks eligibility
    SELF_ASSESSMENT = "self_assessment"  # eligible; the learner rates themselves per competency
    METHODS = "methods"  # an advisor chooses methods per competency and assigns an assessor
    FEE = "fee"  # waiting for the fee to be recorded
    ASSESSMENT = "assessment"  # the assessor reviews evidence and decides per competency
    MORE_EVIDENCE = "more_evidence"  # the assessor asked the learner for more
    MODERATION = "moderation"  # a second assessor reviews the decisions
    OUTCOME = "outcome"  # decisions final; credit and credentials follow
    APPEALED = "appealed"  # the learner appealed the outcome
    INELIGIBLE = "ineligible"  # refused at eligibility (final)


class Party(StrEnum):
    """Who must act next on a case."""

    LEARNER = "learner"
    ADVISOR = "advisor"
    ASSESSOR = "assessor"
    MODERATOR = "moderator"
    NOBODY = "nobody"


WAITING_ON: dict[CaseState, Party] = {
    CaseState.REQUESTED: Party.ADVISOR,
    CaseState.SELF_ASSESSMENT: Party.LEARNER,
    CaseState.METHODS: Party.ADVISOR,
    CaseState.FEE: Party.ADVISOR,
    CaseState.ASSESSMENT: Party.ASSESSOR,
    CaseState.MORE_EVIDENCE: Party.LEARNER,
    CaseState.MODERATION: Party.MODERATOR,
    CaseState.OUTCOME: Party.NOBODY,
    CaseState.APPEALED: Party.MODERATOR,
    CaseState.INELIGIBLE: Party.NOBODY,
}


class Action(StrEnum):
    """What can happen to a case."""

    CONFIRM_ELIGIBILITY = "confirm_eligibility"
    REFUSE_ELIGIBILITY = "refuse_eligibility"
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    CHOOSE_METHODS = "choose_methods"
    RECORD_FEE = "record_fee"
    REQUEST_EVIDENCE = "request_evidence"
    PROVIDE_EVIDENCE = "provide_evidence"
    COMPLETE_ASSESSMENT = "complete_assessment"
    MODERATE_AGREE = "moderate_agree"
    MODERATE_RETURN = "moderate_return"
    APPEAL = "appeal"
    UPHOLD_APPEAL = "uphold_appeal"  # the appeal succeeds: back to assessment
    DISMISS_APPEAL = "dismiss_appeal"  # the outcome stands


# (state, action) -> (next state, who may do it)
TRANSITIONS: dict[tuple[CaseState, Action], tuple[CaseState, Party]] = {
    (CaseState.REQUESTED, Action.CONFIRM_ELIGIBILITY): (CaseState.SELF_ASSESSMENT, Party.ADVISOR),
    (CaseState.REQUESTED, Action.REFUSE_ELIGIBILITY): (CaseState.INELIGIBLE, Party.ADVISOR),
    (CaseState.SELF_ASSESSMENT, Action.SUBMIT_SELF_ASSESSMENT): (CaseState.METHODS, Party.LEARNER),
    (CaseState.METHODS, Action.CHOOSE_METHODS): (CaseState.FEE, Party.ADVISOR),
    (CaseState.FEE, Action.RECORD_FEE): (CaseState.ASSESSMENT, Party.ADVISOR),
    (CaseState.ASSESSMENT, Action.REQUEST_EVIDENCE): (CaseState.MORE_EVIDENCE, Party.ASSESSOR),
    (CaseState.MORE_EVIDENCE, Action.PROVIDE_EVIDENCE): (CaseState.ASSESSMENT, Party.LEARNER),
    # COMPLETE_ASSESSMENT goes to MODERATION or OUTCOME: see next_state_after_assessment
    (CaseState.ASSESSMENT, Action.COMPLETE_ASSESSMENT): (CaseState.OUTCOME, Party.ASSESSOR),
    (CaseState.MODERATION, Action.MODERATE_AGREE): (CaseState.OUTCOME, Party.MODERATOR),
    (CaseState.MODERATION, Action.MODERATE_RETURN): (CaseState.ASSESSMENT, Party.MODERATOR),
    (CaseState.OUTCOME, Action.APPEAL): (CaseState.APPEALED, Party.LEARNER),
    (CaseState.APPEALED, Action.UPHOLD_APPEAL): (CaseState.ASSESSMENT, Party.MODERATOR),
    (CaseState.APPEALED, Action.DISMISS_APPEAL): (CaseState.OUTCOME, Party.MODERATOR),
}

# actions that must carry a written reason
ACTIONS_NEEDING_REASONS: frozenset[Action] = frozenset(
    {
        Action.REFUSE_ELIGIBILITY,
        Action.REQUEST_EVIDENCE,
        Action.MODERATE_RETURN,
        Action.APPEAL,
        Action.UPHOLD_APPEAL,
        Action.DISMISS_APPEAL,
    }
)


def transition(state: CaseState, action: Action, *, reason: str | None = None) -> tuple[CaseState, Party]:
    """Return the next state and the party allowed to act, or raise InvalidTransition."""
    try:
        nxt = TRANSITIONS[(state, action)]
    except KeyError:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s == state)
        raise InvalidTransition(
            f"a case in state '{state.value}' cannot '{action.value}'",
            detail={"state": state.value, "action": action.value, "allowed": allowed},
        ) from None
    if action in ACTIONS_NEEDING_REASONS and not (reason or "").strip():
        raise InvalidDecision(f"'{action.value}' needs a written reason", detail={"field": "reason"})
    return nxt


class TargetKind(StrEnum):
    """What the learner seeks recognition toward."""

    PROGRAM = "program"
    CREDENTIAL = "credential"
    MICRO_CREDENTIALS = "micro_credentials"


class Method(StrEnum):
    """How a competency is assessed."""

    PORTFOLIO = "portfolio"
    CHALLENGE_EXAM = "challenge_exam"
    PRACTICAL_DEMONSTRATION = "practical_demonstration"
    STRUCTURED_INTERVIEW = "structured_interview"
    WORKPLACE_REPORT = "workplace_report"  # third-party workplace report


class Result(StrEnum):
    """A decision on one competency."""

    RECOGNISED = "recognised"
    PARTLY = "partly"
    NOT_YET = "not_yet"


RULES_OF_EVIDENCE: tuple[str, ...] = ("valid", "sufficient", "authentic", "current")
MIN_REASON_CHARS = 10


@dataclass(frozen=True, slots=True)
class Decision:
    """A checked decision on one competency."""

    result: Result
    reasons: str
    rules: Mapping[str, bool]


def check_decision(result: str, reasons: str | None, rules: Mapping[str, bool] | None) -> Decision:
    """Validate a decision: a known result, written reasons, and the rules of evidence judged for recognition."""
    try:
        res = Result(result)
    except ValueError:
        raise InvalidDecision(
            f"unknown result '{result}'", detail={"allowed": [r.value for r in Result]}
        ) from None
    text = (reasons or "").strip()
    if len(text) < MIN_REASON_CHARS:
        raise InvalidDecision(
            "a decision needs written reasons (at least a sentence) for the learner and the moderator",
            detail={"field": "reasons", "min_chars": MIN_REASON_CHARS},
        )
    judged = {k: bool(v) for k, v in (rules or {}).items()}
    unknown = sorted(set(judged) - set(RULES_OF_EVIDENCE))
    if unknown:
        raise InvalidDecision(
            f"unknown rules of evidence: {', '.join(unknown)}", detail={"allowed": RULES_OF_EVIDENCE}
        )
    if res is Result.RECOGNISED:
        unmet = [r for r in RULES_OF_EVIDENCE if not judged.get(r, False)]
        if unmet:
            raise InvalidDecision(
                "a competency is recognised only when the evidence is valid, sufficient, authentic and current",
                detail={"unmet": unmet},
            )
    return Decision(res, text, {r: judged.get(r, False) for r in RULES_OF_EVIDENCE})


def requires_moderation(policy: Mapping[str, Any], results: Iterable[Result]) -> bool:
    """Return True when the institution's policy wants a second assessor for these decisions.

    `plar_policy["moderation"]`: "always" (default), "never", or "unfavourable" (any partly / not yet).
    """
    mode = policy.get("moderation", "always")
    if mode == "always":
        return True
    if mode == "never":
        return False
    if mode == "unfavourable":
        return any(r is not Result.RECOGNISED for r in results)
    raise InvalidPolicy(
        f"unknown moderation mode '{mode}'", detail={"allowed": ["always", "never", "unfavourable"]}
    )


def state_after_assessment(policy: Mapping[str, Any], results: Sequence[Result]) -> CaseState:
    """Return where a case goes when the assessor completes it."""
    return CaseState.MODERATION if requires_moderation(policy, results) else CaseState.OUTCOME


# --- advanced-placement credit ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Course:
    """A course of the target program, with the competencies it teaches."""

    code: str
    title: str
    credits: float
    competency_uris: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CourseCredit:
    """Whether one course is credited, and why."""

    code: str
    title: str
    credits: float
    granted: bool
    reason: str


@dataclass(frozen=True, slots=True)
class CreditAward:
    """Advanced-placement credit toward a program under the institution's policy."""

    program_credits: float
    cap_percent: float
    cap_credits: float
    residency_credits: float
    granted_credits: float
    courses: tuple[CourseCredit, ...] = field(default_factory=tuple)


def _policy_numbers(policy: Mapping[str, Any]) -> tuple[float, float, set[str]]:
    try:
        cap = float(policy.get("cap_percent", 50))
        residency = float(policy.get("residency_credits", 0))
    except (TypeError, ValueError):
        raise InvalidPolicy("cap_percent and residency_credits must be numbers") from None
    if not 0 <= cap <= 100 or residency < 0:
        raise InvalidPolicy("cap_percent must be 0–100 and residency_credits not negative")
    excluded = {str(c).strip().upper() for c in policy.get("excluded_courses", [])}
    return cap, residency, excluded


def advanced_standing(
    policy: Mapping[str, Any], courses: Sequence[Course], recognised_uris: Iterable[str]
) -> CreditAward:
    """Credit the courses whose competencies are all recognised, within the cap, exclusions and residency.

    Courses are credited in program order; a course that would pass the cap (a percentage of the program's
    credits) or eat into the credits that must be earned in residence is refused with that reason.
    """
    cap_percent, residency, excluded = _policy_numbers(policy)
    recognised = set(recognised_uris)
    total = sum(c.credits for c in courses)
    cap_credits = min(total * cap_percent / 100.0, max(total - residency, 0.0))
    granted = 0.0
    out: list[CourseCredit] = []
    for c in courses:
        missing = [u for u in c.competency_uris if u not in recognised]
        if c.code.strip().upper() in excluded:
            reason, ok = "excluded from PLAR by the institution's policy", False
        elif not c.competency_uris:
            reason, ok = "the course lists no competencies to recognise", False
        elif missing:
            reason, ok = f"{len(missing)} of {len(c.competency_uris)} competencies not recognised", False
        elif granted + c.credits > cap_credits + 1e-9:
            reason, ok = "would pass the institution's cap or residency requirement", False
        else:
            reason, ok = "every competency of the course recognised", True
            granted += c.credits
        out.append(CourseCredit(c.code, c.title, c.credits, ok, reason))
    return CreditAward(total, cap_percent, cap_credits, residency, granted, tuple(out))


def gaps(target_uris: Sequence[str], results: Mapping[str, Result]) -> list[str]:
    """Return the target competencies not (fully) recognised, in target order, for the planner."""
    return [u for u in target_uris if results.get(u) is not Result.RECOGNISED]


# --- who hears of a step ---------------------------------------------------------------------------------------

REQUESTED_EVENT = "requested"  # the learner opened the case (not a transition of TRANSITIONS)

# parties told of a step besides whoever must act next (WAITING_ON of the state the step leads to)
INFORMED: dict[str, tuple[Party, ...]] = {
    Action.REFUSE_ELIGIBILITY.value: (Party.LEARNER,),
    Action.CHOOSE_METHODS.value: (Party.ASSESSOR, Party.LEARNER),
    Action.RECORD_FEE.value: (Party.LEARNER,),
    Action.COMPLETE_ASSESSMENT.value: (Party.LEARNER,),
    Action.MODERATE_AGREE.value: (Party.LEARNER,),
    Action.APPEAL.value: (Party.ADVISOR,),
    Action.UPHOLD_APPEAL.value: (Party.LEARNER,),
    Action.DISMISS_APPEAL.value: (Party.LEARNER,),
}


def parties_to_notify(event: str, new_state: CaseState) -> tuple[Party, ...]:
    """Return who hears of a step: whoever must act next first, then the parties the step concerns."""
    parties = [WAITING_ON[new_state], *INFORMED.get(event, ())]
    return tuple(dict.fromkeys(p for p in parties if p is not Party.NOBODY))


# --- the program's courses from the catalogue --------------------------------------------------------------------

HOURS_PER_CREDIT = 15.0  # Canadian college convention: one credit per 15 hours of instruction


def course_credits(credit_value: float | None, hours: float) -> float:
    """Return a course's credits: its own credit value, else one per 15 hours, to the half credit (0.5–100)."""
    if credit_value is not None and credit_value > 0:
        return min(float(credit_value), 100.0)
    return _half(hours / HOURS_PER_CREDIT)


def _half(credits: float) -> float:
    return min(max(round(credits * 2) / 2, 0.5), 100.0)


def apportion_credits(
    program_credits: float | None, parts: Sequence[tuple[float | None, float]]
) -> list[float]:
    """Return the credits of each part (credit value, hours) of a program toward its advanced placement.

    Credit courses keep their credit value; the other parts share what remains of the program's credits in
    proportion to their hours, to the half credit. Without program credits (or nothing left to share, or no
    hours), a part counts one credit per 15 hours.
    """
    fixed = sum(c for c, _ in parts if c is not None and c > 0)
    shared = [h for c, h in parts if not (c is not None and c > 0)]
    remaining = (program_credits or 0.0) - fixed
    hours = sum(shared)
    if not program_credits or remaining <= 0 or hours <= 0:
        return [course_credits(c, h) for c, h in parts]
    return [
        course_credits(c, h) if c is not None and c > 0 else _half(remaining * h / hours) for c, h in parts
    ]
