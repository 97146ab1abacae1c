"""Pure bridge-training rules: vocabularies, the CLB need assumption, gaps per skill, dates, the proposed plan.

No database, no web framework: everything here is tested in microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bridgeway.bridging import errors

SKILLS: tuple[str, ...] = ("listening", "speaking", "reading", "writing")
CLB_MIN, CLB_MAX = 1, 12


class IntakeStatus(StrEnum):
    """Where an intake stands: being built by the advisor, shared with the learner, or closed."""

    OPEN = "open"
    SHARED = "shared"
    CLOSED = "closed"


class Agency(StrEnum):
    """Who evaluated a credential: a designated Canadian evaluation service, the regulator, or another body."""

    WES = "wes"
    ICAS = "icas"
    CES = "ces"
    IQAS = "iqas"
    ICES = "ices"
    REGULATOR = "regulator"
    OTHER = "other"


AGENCY_LABELS: dict[Agency, str] = {
    Agency.WES: "World Education Services (WES)",
    Agency.ICAS: "International Credential Assessment Service of Canada (ICAS)",
    Agency.CES: "Comparative Education Service, University of Toronto (CES)",
    Agency.IQAS: "International Qualifications Assessment Service, Alberta (IQAS)",
    Agency.ICES: "International Credential Evaluation Service, British Columbia (ICES)",
    Agency.REGULATOR: "The regulator's own assessment",
    Agency.OTHER: "Another evaluation body",
}


class ItemKind(StrEnum):
    """What an item of the individual learning plan is."""

    PRIOR_LEARNING = "prior_learning"
    TRAINING = "training"
    LANGUAGE_TRAINING = "language_training"
    LICENSING = "licensing"
    SUPPORT = "support"


class StepKind(StrEnum):
    """The kinds of licensing step an advisor builds the checklist from."""

    REGULATOR_ASSESSMENT = "regulator_assessment"
    QUALIFYING_EXAM = "qualifying_exam"
    SUPERVISED_PRACTICE = "supervised_practice"
    LANGUAGE_TEST = "language_test"
    REGISTRATION = "registration"
    OTHER = "other"


STEP_LABELS: dict[StepKind, str] = {
    StepKind.REGULATOR_ASSESSMENT: "Credential assessment by the regulator",
    StepKind.QUALIFYING_EXAM: "Qualifying or entry-to-practice exam",
    StepKind.SUPERVISED_PRACTICE: "Supervised practice or internship",
    StepKind.LANGUAGE_TEST: "Language proficiency test accepted by the regulator",
    StepKind.REGISTRATION: "Application and registration with the regulator",
    StepKind.OTHER: "Other licensing step",
}


class SupportKind(StrEnum):
    """Wraparound supports beside training."""

    MENTORSHIP = "mentorship"
    EMPLOYMENT_COUNSELLING = "employment_counselling"
    CHILDCARE = "childcare"
    TRANSPORT = "transport"
    WORK_PLACEMENT = "work_placement"
    OTHER = "other"


SUPPORT_LABELS: dict[SupportKind, str] = {
    SupportKind.MENTORSHIP: "Mentorship",
    SupportKind.EMPLOYMENT_COUNSELLING: "Employment counselling",
    SupportKind.CHILDCARE: "Childcare support",
    SupportKind.TRANSPORT: "Transportation support",
    SupportKind.WORK_PLACEMENT: "Work placement",
    SupportKind.OTHER: "Other support",
}


class Owner(StrEnum):
    """Who carries an item out."""

    LEARNER = "learner"
    ADVISOR = "advisor"
    OTHER = "other"


class ItemStatus(StrEnum):
    """Progress of an item."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ITEM_KIND_LABELS: dict[ItemKind, str] = {
    ItemKind.PRIOR_LEARNING: "Recognition of prior learning",
    ItemKind.TRAINING: "Training",
    ItemKind.LANGUAGE_TRAINING: "Language training",
    ItemKind.LICENSING: "Licensing step",
    ItemKind.SUPPORT: "Wraparound support",
}
STATUS_LABELS: dict[ItemStatus, str] = {
    ItemStatus.PLANNED: "Planned",
    ItemStatus.IN_PROGRESS: "In progress",
    ItemStatus.DONE: "Done",
    ItemStatus.CANCELLED: "Cancelled",
}
OWNER_LABELS: dict[Owner, str] = {
    Owner.LEARNER: "Learner",
    Owner.ADVISOR: "Advisor",
    Owner.OTHER: "Someone else",
}
INTAKE_STATUS_LABELS: dict[IntakeStatus, str] = {
    IntakeStatus.OPEN: "Being prepared",
    IntakeStatus.SHARED: "Shared with the learner",
    IntakeStatus.CLOSED: "Closed",
}

# TEER (2nd digit of a NOC 2021 code) → job zone, then CLB: planning's documented assumption (docs/planning.md,
# "CLB needed"): CLB 7 for zone ≥ 4, 6 for zone 3, 5 below; at least 7 for regulated occupations.
_TEER_ZONE = {"0": 4.0, "1": 4.5, "2": 3.5, "3": 3.0, "4": 2.0, "5": 1.0}
CLB_ASSUMPTION = (
    "Assumption, not an official requirement: CLB 7 for occupations usually needing a university degree or "
    "management (TEER 0–1), 6 for college or apprenticeship (TEER 2–3), 5 otherwise, and at least 7 when the "
    "occupation is regulated. The regulator's own language requirement, when the advisor enters it, replaces it."
)


def teer_of(noc_code: str) -> str | None:
    """Return the TEER digit of a NOC 2021 unit group or OaSIS code ('31301' or '31301.01' → '1')."""
    digits = noc_code.split(".")[0]
    return digits[1] if len(digits) == 5 and digits.isdigit() else None


def clb_need(teer: str | None, regulated: bool) -> int:
    """The CLB the target occupation is assumed to need in every skill (see CLB_ASSUMPTION)."""
    zone = _TEER_ZONE.get(teer or "", float("nan"))
    need = 7 if zone >= 4 else 6 if zone >= 3 else 5 if zone == zone else 6
    return max(need, 7) if regulated else need


def check_clb(levels: Mapping[str, int]) -> dict[str, int]:
    """Return the levels of the four skills, refusing a missing skill or a level outside CLB 1–12."""
    out: dict[str, int] = {}
    for skill in SKILLS:
        value = levels.get(skill)
        if not isinstance(value, int) or isinstance(value, bool) or not CLB_MIN <= value <= CLB_MAX:
            raise errors.InvalidClb(f"{skill}: a Canadian Language Benchmark is a whole number from 1 to 12")
        out[skill] = value
    return out


@dataclass(frozen=True)
class SkillGap:
    """One language skill against the target's need."""

    skill: str
    level: int | None
    need: int
    gap: int  # levels to gain (0 when met; the whole need when the level is unknown)


def language_gaps(levels: Mapping[str, int] | None, need: Mapping[str, int]) -> list[SkillGap]:
    """Return each skill's level, need and gap (unknown levels count as the whole need)."""
    gaps = []
    for skill in SKILLS:
        level = None if levels is None else levels.get(skill)
        gap = need[skill] if level is None else max(0, need[skill] - level)
        gaps.append(SkillGap(skill=skill, level=level, need=need[skill], gap=gap))
    return gaps


def check_dates(earlier: date | None, later: date | None, *, what: str) -> None:
    """Refuse a pair of dates in the wrong order (e.g. completed before it started)."""
    if earlier is not None and later is not None and later < earlier:
        raise errors.InvalidDates(f"{what}: {later.isoformat()} is before {earlier.isoformat()}")


def check_not_future(day: date | None, today: date, *, what: str) -> None:
    """Refuse a date in the future for something that already happened (an evaluation report)."""
    if day is not None and day > today:
        raise errors.InvalidDates(f"{what} cannot be in the future ({day.isoformat()})")


def learner_may_update(owner: Owner) -> bool:
    """A learner marks done only the items they carry out; everything else is the advisor's."""
    return owner is Owner.LEARNER


@dataclass(frozen=True)
class Proposal:
    """An item the intake suggests for the learning plan; `key` keeps a proposal from being added twice."""

    key: str
    kind: ItemKind
    title: str
    owner: Owner
    notes: str = ""
    step_kind: StepKind | None = None
    support_kind: SupportKind | None = None
    plar_case_id: str | None = None


PATHWAY_KEY = "skills:pathway"  # the item that links to planning's gap analysis and pathway for the target
_LICENSING_STEPS = (
    StepKind.REGULATOR_ASSESSMENT,
    StepKind.LANGUAGE_TEST,
    StepKind.QUALIFYING_EXAM,
    StepKind.REGISTRATION,
)


def propose(
    *,
    regulated: bool,
    licence_note: str | None,
    gaps: Sequence[SkillGap],
    has_language_result: bool,
    plar_cases: Sequence[tuple[str, str]] = (),
) -> list[Proposal]:
    """Items the intake suggests: recognition of prior learning, language, licensing, skills, supports.

    Titles are fixed English sentences (translated on the page); what is specific to the learner is shown
    beside them from the intake (gaps per skill, the licence sentence, the linked case).
    """
    out = [
        Proposal(
            key=f"plar:{case_id}",
            kind=ItemKind.PRIOR_LEARNING,
            title="Recognition of prior learning",
            owner=Owner.LEARNER,
            notes=label,
            plar_case_id=case_id,
        )
        for case_id, label in plar_cases
    ]
    if not has_language_result:
        out.append(
            Proposal(
                key="language:assessment",
                kind=ItemKind.LANGUAGE_TRAINING,
                title="Have your language levels assessed (Canadian Language Benchmarks)",
                owner=Owner.LEARNER,
            )
        )
    elif any(g.gap > 0 for g in gaps):
        out.append(
            Proposal(
                key="language:training",
                kind=ItemKind.LANGUAGE_TRAINING,
                title="Occupation-specific language training",
                owner=Owner.LEARNER,
            )
        )
    if regulated:
        out.extend(
            Proposal(
                key=f"licensing:{step.value}",
                kind=ItemKind.LICENSING,
                title=STEP_LABELS[step],
                owner=Owner.LEARNER,
                step_kind=step,
                notes=(licence_note or "") if step is StepKind.REGISTRATION else "",
            )
            for step in _LICENSING_STEPS
        )
    out.append(
        Proposal(
            key=PATHWAY_KEY,
            kind=ItemKind.TRAINING,
            title="Training to close the remaining skill gaps",
            owner=Owner.ADVISOR,
        )
    )
    out.append(
        Proposal(
            key="support:employment_counselling",
            kind=ItemKind.SUPPORT,
            title=SUPPORT_LABELS[SupportKind.EMPLOYMENT_COUNSELLING],
            owner=Owner.ADVISOR,
            support_kind=SupportKind.EMPLOYMENT_COUNSELLING,
        )
    )
    return out


def new_proposals(proposals: Iterable[Proposal], existing_keys: Iterable[str | None]) -> list[Proposal]:
    """Keep the proposals not already in the plan (an advisor may run the proposal again after edits)."""
    seen = {k for k in existing_keys if k}
    return [p for p in proposals if p.key not in seen]
