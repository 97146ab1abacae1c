"""Pure catalogue rules: kinds, the QA and approval state machine, rubrics, mastery, stacking.

No database and no web framework: every rule here runs in microseconds and is tested without a session.
The nine guiding principles of micro-credentials (Polytechnics Canada) appear as rules:
1 complement formal credentials (components, stacking), 2 and 9 QA and institutional approval (the state
machine), 3 employer-identified competencies (statements required before review), 4 one competency
(`check_single_alignment`), 5 documented assessment (`validate_rubric`), 6 stackable (`StackingRule`),
7 mastery not time (`check_completion_basis`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bridgeway.accounts.domain import Principal, Role
from bridgeway.catalog import errors


class OpportunityKind(StrEnum):
    """What a learning opportunity is."""

    MICRO_CREDENTIAL = "micro_credential"
    COURSE = "course"
    WORKSHOP = "workshop"
    BRIDGE_PROGRAM = "bridge_program"
    CERTIFICATE = "certificate"
    DIPLOMA = "diploma"
    DEGREE = "degree"
    APPRENTICESHIP = "apprenticeship"


FORMAL_KINDS: frozenset[OpportunityKind] = frozenset(
    {
        OpportunityKind.CERTIFICATE,
        OpportunityKind.DIPLOMA,
        OpportunityKind.DEGREE,
        OpportunityKind.APPRENTICESHIP,
    }
)
# Kinds that may be earned through a stacking rule: formal credentials and larger micro-credentials.
STACKABLE_PARENT_KINDS: frozenset[OpportunityKind] = FORMAL_KINDS | {
    OpportunityKind.MICRO_CREDENTIAL,
    OpportunityKind.BRIDGE_PROGRAM,
}


class DeliveryMode(StrEnum):
    """How an opportunity is delivered."""

    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"


class SchedulePattern(StrEnum):
    """When learning happens; an opportunity may offer several."""

    DAYTIME = "daytime"
    EVENINGS = "evenings"
    WEEKENDS = "weekends"
    SELF_PACED = "self_paced"
    SHORT_BURST = "short_burst"  # short-burst intensive, including single-day workshops


class Language(StrEnum):
    """Language of instruction."""

    EN = "en"
    FR = "fr"
    BILINGUAL = "bilingual"


class CompetencyFramework(StrEnum):
    """Where the one aligned competency comes from."""

    ESCO = "esco"
    OASIS = "oasis"
    INSTITUTION = "institution"


class AssessmentMethod(StrEnum):
    """How mastery of the competency is assessed (principle 5)."""

    PRACTICAL_DEMONSTRATION = "practical_demonstration"
    CHALLENGE_EXAM = "challenge_exam"
    PORTFOLIO = "portfolio"
    WORKPLACE_OBSERVATION = "workplace_observation"
    INTERVIEW = "interview"


class CompletionBasis(StrEnum):
    """What completes a micro-credential. There is deliberately one member: demonstrated mastery (principle 7)."""

    MASTERY = "mastery"


# Words that reveal a completion rule counting time rather than mastery.
TIME_BASED_MARKERS = ("hour", "attend", "seat_time", "seat time", "time", "week", "day", "session", "minutes")


class VersionState(StrEnum):
    """Where a version stands in quality assurance and institutional approval."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


class Action(StrEnum):
    """Workflow steps on a version."""

    EDIT = "edit"
    SUBMIT = "submit"
    PASS_QA = "pass_qa"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    PUBLISH = "publish"
    RETIRE = "retire"


# (state before, action) -> state after. Anything absent is an illegal transition.
TRANSITIONS: Mapping[tuple[VersionState, Action], VersionState] = {
    (VersionState.DRAFT, Action.EDIT): VersionState.DRAFT,
    (VersionState.DRAFT, Action.SUBMIT): VersionState.IN_REVIEW,
    (VersionState.IN_REVIEW, Action.PASS_QA): VersionState.IN_REVIEW,
    (VersionState.IN_REVIEW, Action.SEND_BACK): VersionState.DRAFT,
    (VersionState.IN_REVIEW, Action.APPROVE): VersionState.APPROVED,
    (VersionState.APPROVED, Action.SEND_BACK): VersionState.DRAFT,
    (VersionState.APPROVED, Action.PUBLISH): VersionState.PUBLISHED,
    (VersionState.PUBLISHED, Action.RETIRE): VersionState.RETIRED,
}

ACTION_ROLES: Mapping[Action, frozenset[Role]] = {
    Action.EDIT: frozenset({Role.PROGRAM_DESIGNER}),
    Action.SUBMIT: frozenset({Role.PROGRAM_DESIGNER}),
    Action.PASS_QA: frozenset({Role.QA_REVIEWER}),
    Action.SEND_BACK: frozenset({Role.QA_REVIEWER, Role.INSTITUTION_APPROVER}),
    Action.APPROVE: frozenset({Role.INSTITUTION_APPROVER}),
    Action.PUBLISH: frozenset({Role.INSTITUTION_APPROVER}),
    Action.RETIRE: frozenset({Role.INSTITUTION_APPROVER}),
}
# Steps the author of a version may never take on it: independent review and approval.
NOT_BY_AUTHOR: frozenset[Action] = frozenset({Action.PASS_QA, Action.APPROVE})
OPEN_STATES: frozenset[VersionState] = frozenset(
    {VersionState.DRAFT, VersionState.IN_REVIEW, VersionState.APPROVED}
)

# The QA checklist, answered item by item by a QA reviewer; each key must be answered "yes" to pass.
QA_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("single_competency", "The micro-credential certifies exactly one workplace competency."),
    (
        "employer_identified",
        "Employers or industry identified the competency, and their statement is on file.",
    ),
    ("assessment_documented", "The assessment method and rubric are documented and fit the competency."),
    ("mastery_based", "Completion depends on demonstrated mastery, never on time spent."),
    ("criteria_clear", "The mastery criteria are clear to learners, assessors and employers."),
    ("stacking_pathway", "Its place in pathways (components, stacking, credit) is stated correctly."),
    (
        "bilingual_accessible",
        "Title and description are available in English and French and in plain language.",
    ),
    ("logistics_complete", "Delivery, schedule, hours, cost and language are stated."),
)
QA_CHECKLIST_KEYS: frozenset[str] = frozenset(key for key, _ in QA_CHECKLIST)


@dataclass(frozen=True)
class VersionFacts:
    """What the workflow needs to know about one version."""

    state: VersionState
    institution_id: str
    author_id: str
    qa_passed: bool = False


def decide(facts: VersionFacts, action: Action, actor: Principal) -> VersionFacts:
    """Return the version's facts after the actor takes the action, or raise the reason it is refused."""
    if not actor.is_staff_of(facts.institution_id):
        raise errors.OtherInstitution("staff act only within their own institution")
    roles = ACTION_ROLES[action]
    if not actor.has_role(*roles):
        names = ", ".join(sorted(r.value for r in roles))
        raise errors.WorkflowRoleMissing(f"'{action.value}' needs one of the roles: {names}")
    after = TRANSITIONS.get((facts.state, action))
    if after is None:
        raise errors.IllegalTransition(
            f"a version in state '{facts.state.value}' cannot take the action '{action.value}'",
            detail={
                "state": facts.state.value,
                "action": action.value,
                "allowed": allowed_actions(facts.state),
            },
        )
    if action in NOT_BY_AUTHOR and actor.user_id == facts.author_id:
        what = "approve" if action is Action.APPROVE else "pass the QA review of"
        raise errors.SelfApproval(f"the author of a version may not {what} it")
    if action is Action.APPROVE and not facts.qa_passed:
        raise errors.QaNotPassed("a QA reviewer must pass the checklist before an approver can approve")
    qa_passed = facts.qa_passed
    if action is Action.PASS_QA:
        qa_passed = True
    elif action in (Action.SEND_BACK, Action.SUBMIT):
        qa_passed = False
    return replace(facts, state=after, qa_passed=qa_passed)


def allowed_actions(state: VersionState) -> list[str]:
    """Return the actions the workflow allows from a state (for pages and error details)."""
    return [action.value for (before, action) in TRANSITIONS if before is state]


def check_editable(state: VersionState) -> None:
    """Refuse changes to anything but a draft."""
    if state is not VersionState.DRAFT:
        raise errors.VersionImmutable(
            f"a version in state '{state.value}' cannot be changed; create a new version to edit it"
        )


def check_single_alignment(existing: int) -> None:
    """Refuse a second competency alignment (principle 4: one workplace competency)."""
    if existing >= 1:
        raise errors.SecondCompetency(
            "a micro-credential represents one workplace competency and is already aligned to one; "
            "remove that alignment first or create another micro-credential"
        )


def check_completion_basis(value: str) -> CompletionBasis:
    """Accept only mastery as the completion rule; explain why time-based rules are refused (principle 7)."""
    lowered = value.strip().lower()
    if lowered == CompletionBasis.MASTERY.value:
        return CompletionBasis.MASTERY
    if any(marker in lowered for marker in TIME_BASED_MARKERS):
        raise errors.TimeBasedCompletion(
            f"'{value}' is a completion rule based on time; a micro-credential completes on demonstrated "
            "mastery of its competency, never on hours attended"
        )
    raise errors.TimeBasedCompletion(f"'{value}' is not a completion rule; the only rule is 'mastery'")


@dataclass(frozen=True)
class RubricLevel:
    """One performance level of a rubric, ordered by `rank` (higher is better)."""

    key: str
    label: str
    rank: int


@dataclass(frozen=True)
class RubricCriterion:
    """One criterion assessed against the rubric's performance levels."""

    key: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Rubric:
    """A rubric: criteria, ordered performance levels, and the level every criterion must reach (mastery)."""

    criteria: tuple[RubricCriterion, ...]
    levels: tuple[RubricLevel, ...]
    mastery_level: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rubric:
        """Build a rubric from its stored JSON form and validate it."""
        try:
            rubric = cls(
                criteria=tuple(
                    RubricCriterion(str(c["key"]), str(c["label"]), str(c.get("description", "")))
                    for c in data.get("criteria", [])
                ),
                levels=tuple(
                    RubricLevel(str(lv["key"]), str(lv["label"]), int(lv["rank"]))
                    for lv in data.get("levels", [])
                ),
                mastery_level=str(data.get("mastery_level", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.InvalidRubric(f"the rubric is malformed: {exc}") from None
        validate_rubric(rubric)
        return rubric

    def to_dict(self) -> dict[str, Any]:
        """Return the stored JSON form."""
        return {
            "criteria": [
                {"key": c.key, "label": c.label, "description": c.description} for c in self.criteria
            ],
            "levels": [{"key": lv.key, "label": lv.label, "rank": lv.rank} for lv in self.levels],
            "mastery_level": self.mastery_level,
        }

    def rank_of(self, level: str) -> int:
        """Return the rank of a level key."""
        for lv in self.levels:
            if lv.key == level:
                return lv.rank
        raise errors.InvalidRubric(f"'{level}' is not a level of this rubric")

    def is_mastered(self, results: Mapping[str, str]) -> bool:
        """Return True when every criterion reached at least the mastery level (the only way to complete)."""
        threshold = self.rank_of(self.mastery_level)
        return all(c.key in results and self.rank_of(results[c.key]) >= threshold for c in self.criteria)


def validate_rubric(rubric: Rubric) -> None:
    """Refuse a rubric without criteria, with fewer than two levels, duplicates, or a threshold outside its levels."""
    if not rubric.criteria:
        raise errors.InvalidRubric("a rubric needs at least one criterion")
    if len(rubric.levels) < 2:
        raise errors.InvalidRubric("a rubric needs at least two performance levels")
    if len({c.key for c in rubric.criteria}) != len(rubric.criteria):
        raise errors.InvalidRubric("rubric criteria keys must be unique")
    if len({lv.key for lv in rubric.levels}) != len(rubric.levels) or len(
        {lv.rank for lv in rubric.levels}
    ) != len(rubric.levels):
        raise errors.InvalidRubric("performance level keys and ranks must be unique")
    if rubric.mastery_level not in {lv.key for lv in rubric.levels}:
        raise errors.InvalidRubric(f"the mastery threshold '{rubric.mastery_level}' is not one of the levels")
    if rubric.mastery_level == min(rubric.levels, key=lambda lv: lv.rank).key:
        raise errors.InvalidRubric(
            "the mastery threshold cannot be the lowest level: mastery must be demonstrated"
        )


@dataclass(frozen=True)
class DraftFacts:
    """What readiness for QA review depends on."""

    kind: OpportunityKind
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    aligned: bool = False
    employer_statements: int = 0
    has_assessment: bool = False
    stacking_components: int = 0


def review_problems(facts: DraftFacts) -> list[str]:
    """Return what keeps a draft from going to QA review (empty when ready)."""
    problems: list[str] = []
    for name in ("title_en", "title_fr", "description_en", "description_fr"):
        if not getattr(facts, name).strip():
            problems.append(f"{name} is empty: titles and descriptions are needed in English and French")
    if facts.kind is OpportunityKind.MICRO_CREDENTIAL:
        if not facts.aligned:
            problems.append("no workplace competency is aligned (principle 4)")
        if facts.employer_statements < 1:
            problems.append("no employer or industry body statement identifies the competency (principle 3)")
        if not facts.has_assessment:
            problems.append("the assessment method and rubric are not documented (principle 5)")
    return problems


def check_checklist(answers: Mapping[str, bool]) -> list[str]:
    """Validate a QA checklist; return the keys answered 'no' (an unknown or missing key is refused)."""
    unknown = set(answers) - QA_CHECKLIST_KEYS
    if unknown:
        raise errors.InvalidInput(f"unknown checklist items: {', '.join(sorted(unknown))}")
    missing = QA_CHECKLIST_KEYS - set(answers)
    if missing:
        raise errors.InvalidInput(
            f"every checklist item must be answered; missing: {', '.join(sorted(missing))}"
        )
    return [key for key, _ in QA_CHECKLIST if not answers[key]]


@dataclass(frozen=True)
class StackingRule:
    """A parent credential earned by all required components plus any `electives_required` of the electives."""

    parent: str
    required: frozenset[str] = field(default_factory=frozenset)
    electives: frozenset[str] = field(default_factory=frozenset)
    electives_required: int = 0

    def validate(self) -> None:
        """Refuse rules that name the parent, overlap, are empty, or ask for more electives than exist."""
        if self.parent in self.required | self.electives:
            raise errors.InvalidStackingRule("a credential cannot be a component of itself")
        if self.required & self.electives:
            raise errors.InvalidStackingRule("a component is either required or elective, not both")
        if not self.required and not self.electives:
            raise errors.InvalidStackingRule("a stacking rule needs at least one component")
        if not 0 <= self.electives_required <= len(self.electives):
            raise errors.InvalidStackingRule(
                f"the rule asks for {self.electives_required} electives but offers {len(self.electives)}"
            )
        if self.electives and self.electives_required == 0:
            raise errors.InvalidStackingRule("electives are listed but none is required; say how many count")

    def is_satisfied(self, held: Iterable[str]) -> bool:
        """Return True when the held components earn the parent."""
        have = set(held)
        return self.required <= have and len(self.electives & have) >= self.electives_required

    def missing(self, held: Iterable[str]) -> tuple[frozenset[str], int]:
        """Return the required components still missing and how many more electives are needed."""
        have = set(held)
        return self.required - have, max(0, self.electives_required - len(self.electives & have))


def find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return a cycle in a directed graph (as a list of nodes, first repeated last) or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[str, int] = {}
    graph = {node: list(targets) for node, targets in edges.items()}
    for start in graph:
        if colour.get(start, WHITE) != WHITE:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                colour[node] = GREY
                path.append(node)
            targets = graph.get(node, [])
            if index < len(targets):
                stack.append((node, index + 1))
                nxt = targets[index]
                state = colour.get(nxt, WHITE)
                if state == GREY:
                    return [*path[path.index(nxt) :], nxt]
                if state == WHITE:
                    stack.append((nxt, 0))
            else:
                colour[node] = BLACK
                path.pop()
    return None


def normalise_schedules(values: Sequence[str]) -> list[SchedulePattern]:
    """Return the schedule patterns without duplicates, in a stable order."""
    chosen = {SchedulePattern(v) for v in values}
    return [p for p in SchedulePattern if p in chosen]
