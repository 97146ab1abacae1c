"""Employer workforce analysis, pure: a role as a one-row space, a group's aggregate gaps, a corporate-training plan.

No database here: `planning.workforce` loads roles, groups, consent and the catalogue and calls these functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bridgeway.planning.engine.gaps import MET, MISSING, PARTLY, GapReport
from bridgeway.planning.engine.pathways import Objective, plan_pathway
from bridgeway.planning.engine.pathways.problem import exclusion_reason
from bridgeway.planning.engine.pathways.schedule import PlannedItem
from bridgeway.planning.engine.space import ESSENTIAL, OPTIONAL, OccupationSpace, build_space
from bridgeway.planning.errors import NoFeasiblePlan
from bridgeway.planning.schemas import Catalog, Constraints, Delivery, Opportunity, Schedule

EXTERNAL_PREFIX = "ext:"
# Readiness bands shown as the distribution bars: (label, lower bound inclusive, upper bound exclusive).
READINESS_BANDS: tuple[tuple[str, float, float], ...] = (
    ("under 25%", 0.0, 0.25),
    ("25–49%", 0.25, 0.5),
    ("50–74%", 0.5, 0.75),
    ("75–99%", 0.75, 1.0),
    ("ready (100%)", 1.0, 1.01),
)
# Formats an employer asks for. The catalogue flags workshops (kind) and short-burst schedules; it has no
# "single day" flag, so a single-day session is inferred from its length (≤ 8 hours within one week).
SHORT, OVER_TIME, ANY = "short", "over_time", "any"
PREFERENCES = (SHORT, OVER_TIME, ANY)
SINGLE_DAY_HOURS = 8.0
OVER_TIME_SCHEDULES = frozenset({Schedule.EVENINGS, Schedule.WEEKENDS, Schedule.SELF_PACED})


@dataclass(frozen=True)
class RoleRequirement:
    """One competency a role needs, as the employer set it."""

    competency_id: str
    label: str
    kind: str = "essential"  # essential | optional
    importance: float = 1.0
    level_required: float | None = None
    source: str = ""
    description: str = ""

    @property
    def employer_defined(self) -> bool:
        """True for the employer's own (`ext:`) competencies, which no taxonomy or catalogue knows."""
        return self.competency_id.startswith(EXTERNAL_PREFIX)


def role_space(code: str, title: str, requirements: Sequence[RoleRequirement]) -> OccupationSpace:
    """The role as a one-occupation space, so the gap engine analyses people against it like an occupation."""
    return build_space(
        taxonomy="role",
        codes=[code],
        titles=[title],
        competency_ids=[r.competency_id for r in requirements],
        competency_labels=[r.label for r in requirements],
        rows=[0] * len(requirements),
        cols=list(range(len(requirements))),
        weights=[r.importance for r in requirements],
        levels=[r.level_required or 0.0 for r in requirements],
        kinds=[ESSENTIAL if r.kind == "essential" else OPTIONAL for r in requirements],
    )


def with_role_sources(report: GapReport, requirements: Sequence[RoleRequirement]) -> GapReport:
    """Replace the engine's taxonomy wording of each line's source with the role's own."""
    by_id = {r.competency_id: r for r in requirements}
    lines = [
        dataclasses.replace(line, source=by_id[line.competency_id].source or line.source)
        for line in report.requirements
    ]
    return dataclasses.replace(report, requirements=lines)


@dataclass(frozen=True)
class PersonResult:
    """One person of the group against the role: readiness and, per competency, status and credit."""

    id: str
    name: str
    readiness: float
    essential_readiness: float
    cells: dict[str, dict[str, object]]


@dataclass(frozen=True)
class RequirementSummary:
    """One competency of the role across the group: how many meet it, partly meet it, miss it."""

    competency_id: str
    label: str
    kind: str
    importance: float
    level_required: float | None
    source: str
    employer_defined: bool
    met: int
    partly: int
    missing: int
    gap_share: float


@dataclass(frozen=True)
class ReadinessBand:
    """How many people of the group fall in one readiness band."""

    label: str
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class GroupReport:
    """The aggregate gap report of a group against a role."""

    people: list[PersonResult]
    requirements: list[RequirementSummary]
    readiness_bands: list[ReadinessBand]
    mean_readiness: float | None
    heatmap_columns: list[str]
    without_profile: list[str] = field(default_factory=list)
    without_consent: int = 0


def person_result(person_id: str, name: str, report: GapReport) -> PersonResult:
    """One person's gap report reduced to what the group report shows."""
    return PersonResult(
        id=person_id,
        name=name,
        readiness=round(report.readiness, 4),
        essential_readiness=round(report.essential_readiness, 4),
        cells={
            r.competency_id: {"status": r.status, "credit": round(r.credit, 3), "evidence": r.evidence}
            for r in report.requirements
        },
    )


def aggregate(
    requirements: Sequence[RoleRequirement],
    people: Sequence[PersonResult],
    *,
    without_profile: Iterable[str] = (),
    without_consent: int = 0,
    columns: int = 20,
) -> GroupReport:
    """Per competency the met/partly/missing counts and the gap share (missing + half of partly), widest gaps first."""
    n = len(people)
    summaries = []
    for req in requirements:
        statuses = [str(p.cells.get(req.competency_id, {}).get("status", MISSING)) for p in people]
        met, partly, missing = statuses.count(MET), statuses.count(PARTLY), statuses.count(MISSING)
        summaries.append(
            RequirementSummary(
                competency_id=req.competency_id,
                label=req.label,
                kind=req.kind,
                importance=req.importance,
                level_required=req.level_required,
                source=req.source,
                employer_defined=req.employer_defined,
                met=met,
                partly=partly,
                missing=missing,
                gap_share=round((missing + 0.5 * partly) / n, 4) if n else 0.0,
            )
        )
    summaries.sort(key=lambda s: (s.kind != "essential", -s.gap_share, -s.importance, s.label))
    bands = [
        ReadinessBand(label, low, high, sum(1 for p in people if low <= p.readiness < high))
        for label, low, high in READINESS_BANDS
    ]
    return GroupReport(
        people=sorted(people, key=lambda p: (p.readiness, p.name)),
        requirements=summaries,
        readiness_bands=bands,
        mean_readiness=round(sum(p.readiness for p in people) / n, 4) if n else None,
        heatmap_columns=[s.competency_id for s in summaries[:columns]],
        without_profile=sorted(without_profile),
        without_consent=without_consent,
    )


def formats_of(opportunity: Opportunity, kind: str | None = None) -> list[str]:
    """The employer-facing formats of a catalogue opportunity, from the fields the catalogue has."""
    out: list[str] = []
    if (kind or opportunity.kind) == "workshop":
        out.append("workshop")
    if opportunity.weeks <= 1 and opportunity.hours <= SINGLE_DAY_HOURS:
        out.append("single_day")
    if Schedule.SHORT_BURST in opportunity.schedules:
        out.append("short_burst")
    if opportunity.weeks > 1 and (
        set(opportunity.schedules) & OVER_TIME_SCHEDULES or opportunity.delivery is Delivery.ONLINE
    ):
        out.append("over_time")
    return out or ["daytime_course"]


def fits(opportunity: Opportunity, preference: str) -> bool:
    """Whether an opportunity is in the format the employer prefers."""
    if preference == ANY:
        return True
    formats = set(formats_of(opportunity))
    if preference == SHORT:
        return bool(formats & {"workshop", "single_day", "short_burst"})
    return "over_time" in formats


@dataclass(frozen=True)
class TrainingOption:
    """One catalogue opportunity in the corporate plan: who it closes gaps for, seats, hours, cost, schedule."""

    opportunity_id: str
    title: str
    kind: str
    formats: list[str]
    preferred_format: bool
    schedules: list[str]
    delivery: str
    start_date: dt.date
    end_date: dt.date
    weeks: int
    hours_per_person: float
    attendees: int
    people: list[str]
    closes: list[str]
    seats: int | None
    intakes_needed: int | None
    cost_per_person: float
    total_cost: float
    total_hours: float
    credential: str | None
    reason: str


@dataclass(frozen=True)
class UncoveredGap:
    """A group gap the plan cannot close, and why."""

    competency_id: str
    people: list[str]
    reason: str
    code: str = "not_covered"  # employer_defined, not_offered, no_intake, few_people, infeasible, not_covered


@dataclass(frozen=True)
class TrainingPlan:
    """Options chosen for the group's gaps, totals, stacked credentials and what stays uncovered."""

    preference: str
    options: list[TrainingOption]
    uncovered: list[UncoveredGap]
    individual: list[UncoveredGap]
    credentials: list[dict[str, object]]
    total_cost: float
    total_person_hours: float
    solver: list[str]


def _closure(by_id: dict[str, Opportunity], ids: set[str]) -> set[str]:
    out, stack = set(ids), list(ids)
    while stack:
        for q in by_id[stack.pop()].prerequisites:
            if q in by_id and q not in out:
                out.add(q)
                stack.append(q)
    return out


def _weighted(catalog: Catalog, keep: set[str], attendees: dict[str, set[str]]) -> Catalog:
    """The catalogue restricted to `keep`, each cost multiplied by the people it would train (at least one)."""
    opps = [
        o.model_copy(update={"cost": o.cost * max(1, len(attendees[o.id]))})
        for o in catalog.opportunities
        if o.id in keep
    ]
    rules = []
    for rule in catalog.stacking_rules:
        requires = [r for r in rule.requires if r in keep]
        electives = [e for e in rule.electives if e in keep]
        if len(requires) == len(rule.requires) and len(electives) >= rule.electives_required:
            trimmed = rule.model_copy(update={"electives": electives})
            if trimmed.groups():
                rules.append(trimmed)
    return Catalog(opportunities=opps, stacking_rules=rules)


def plan_training(
    catalog: Catalog,
    *,
    gap_people: dict[str, list[str]],
    preference: str,
    start: dt.date,
    objective: Objective,
    seats: dict[str, dict[dt.date, int]] | None = None,
    kinds: dict[str, str] | None = None,
    min_people: int = 1,
    time_limit: float = 0.25,
) -> TrainingPlan:
    """Cover the group's gaps (competency → people) from the catalogue, preferred formats first.

    Each opportunity costs its price times the people it would train, so the solver weighs shared gaps by how
    many share them. Gaps shared by fewer than `min_people` are left to individual plans; gaps no opportunity
    teaches, or whose every opportunity has no intake on or after `start`, are reported, not planned.
    """
    if preference not in PREFERENCES:
        raise ValueError(f"preference is one of {', '.join(PREFERENCES)}")
    seats = seats or {}
    kinds = kinds or {}
    shared = {c: p for c, p in gap_people.items() if len(p) >= max(1, min_people)}
    individual = [
        UncoveredGap(
            c, p, f"shared by fewer than {min_people} people: left to individual plans", "few_people"
        )
        for c, p in gap_people.items()
        if p and c not in shared
    ]
    constraints = Constraints(hours_per_week=80, schedule=list(Schedule), start_date=start)
    by_id = {o.id: o for o in catalog.opportunities}
    usable = {o.id for o in catalog.opportunities if exclusion_reason(o, constraints, start) is None}
    uncovered: list[UncoveredGap] = []
    plannable: list[str] = []
    for c, people in shared.items():
        teaching = [o for o in catalog.opportunities if c in o.competencies]
        if c.startswith(EXTERNAL_PREFIX):
            uncovered.append(
                UncoveredGap(
                    c, people, "employer-defined competency: no catalogue teaches it", "employer_defined"
                )
            )
        elif not teaching:
            uncovered.append(
                UncoveredGap(c, people, "no training in the catalogue teaches it", "not_offered")
            )
        elif not any(o.id in usable for o in teaching):
            uncovered.append(
                UncoveredGap(c, people, f"no intake on or after {start.isoformat()}", "no_intake")
            )
        else:
            plannable.append(c)
    preferred = {oid for oid in usable if fits(by_id[oid], preference)}
    first = [c for c in plannable if any(c in by_id[o].competencies for o in preferred)]
    rest = [c for c in plannable if c not in first]
    passes = [(first, preferred, True), (rest, usable, False)]
    options: list[TrainingOption] = []
    credentials: list[dict[str, object]] = []
    solver: list[str] = []
    taken: set[str] = set()  # chosen in the preferred pass: done, with all they teach, for the next pass
    placed: list[tuple[PlannedItem, bool]] = []
    attendees_of = {
        o.id: {p for c in o.competencies for p in shared.get(c, [])} for o in catalog.opportunities
    }
    for targets, allowed, is_preferred in passes:
        targets = [c for c in targets if not any(c in by_id[t].competencies for t in taken)]
        if not targets:
            continue
        weighted = _weighted(catalog, _closure(by_id, allowed) | taken, attendees_of)
        try:
            result = plan_pathway(
                weighted,
                gaps=targets,
                recognised=set(),
                constraints=constraints,
                objective=objective,
                completed=taken,
                alternatives=False,
                time_limit=time_limit,
                today=start,
            )
        except NoFeasiblePlan as exc:
            uncovered.extend(UncoveredGap(c, shared[c], exc.message, "infeasible") for c in targets)
            continue
        plan = result.plan
        solver.append(f"{plan.solver} ({plan.status})")
        credentials.extend(c for c in plan.credentials if c.get("via") == "stacking")
        placed.extend((item, is_preferred) for item in plan.items)
        taken |= {item.id for item in plan.items}
        uncovered.extend(UncoveredGap(c, shared[c], "no plan covers it") for c in plan.uncovered)
    for item, is_preferred in placed:
        # Whoever takes an opportunity also takes what it requires (a prerequisite planned in the preferred pass
        # serves the other pass's people too).
        who = set(attendees_of[item.id]) | {
            p for d in taken if d != item.id and item.id in _closure(by_id, {d}) for p in attendees_of[d]
        }
        opp = by_id[item.id]
        options.append(_option(item, opp, sorted(who), shared, seats, kinds, is_preferred, preference))
    options.sort(key=lambda o: (-o.attendees, o.start_date, o.title))
    return TrainingPlan(
        preference=preference,
        options=options,
        uncovered=uncovered,
        individual=individual,
        credentials=credentials,
        total_cost=round(sum(o.total_cost for o in options), 2),
        total_person_hours=round(sum(o.total_hours for o in options), 2),
        solver=solver,
    )


def _option(
    item: PlannedItem,
    opp: Opportunity,
    people: list[str],
    gap_people: dict[str, list[str]],
    seats: dict[str, dict[dt.date, int]],
    kinds: dict[str, str],
    is_preferred: bool,
    preference: str,
) -> TrainingOption:
    n = max(1, len(people))
    kind = kinds.get(opp.id, opp.kind)
    # The scheduler counts in whole weeks from the plan's start; the intake is the one in the item's first week.
    intake = next(
        (d for d in sorted(opp.intakes) if item.start_date - dt.timedelta(days=7) < d <= item.start_date),
        None,
    )
    intake_seats = seats.get(opp.id, {}).get(intake) if intake else None
    if is_preferred or preference == ANY:
        reason = item.reason
    else:
        reason = "no training in the preferred format teaches these gaps"
    credential = opp.credential or (opp.title if kind == "micro_credential" else None)
    return TrainingOption(
        opportunity_id=opp.id,
        title=opp.title or opp.id,
        kind=kind,
        formats=formats_of(opp, kind),
        preferred_format=is_preferred and preference != ANY,
        schedules=[s.value for s in opp.schedules],
        delivery=opp.delivery.value,
        start_date=intake or item.start_date,
        end_date=(intake or item.start_date) + dt.timedelta(weeks=opp.weeks),
        weeks=opp.weeks,
        hours_per_person=opp.hours,
        attendees=len(people),
        people=people,
        closes=[c for c in opp.competencies if c in gap_people],
        seats=intake_seats,
        intakes_needed=None if not intake_seats else -(-n // intake_seats),
        cost_per_person=round(opp.cost, 2),
        total_cost=round(opp.cost * n, 2),
        total_hours=round(opp.hours * n, 2),
        credential=credential,
        reason=reason,
    )
