"""Planning use cases: ranked transitions, gap analysis and pathways, over the imported taxonomy tables.

Given a session whose database holds a taxonomy's releases, the occupation space is built from the tables
(`sources.space_from_database`); without a session, or when the releases are not imported, from the official files.

Each returns plain dataclasses; `to_jsonable` turns any of them into JSON-ready dicts for the CLI and the API.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from bridgeway.planning.engine import gaps as gap_engine
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine import transitions as transition_engine
from bridgeway.planning.engine.pathways import (
    OBJECTIVES,
    Objective,
    PathwayResult,
    plan_pathway,
    supports_for,
)
from bridgeway.planning.engine.space import OccupationSpace
from bridgeway.planning.engine.transitions import TransitionIndex
from bridgeway.planning.errors import EmptyProfile
from bridgeway.planning.schemas import Catalog, Delivery, LearnerProfile, Opportunity, Schedule, StackingRule
from bridgeway.planning.sources import competency_id, missing_releases, onet_crosswalk, space_for

_indexes: dict[int, TransitionIndex] = {}  # by id of the space; a few kept (database and files, per taxonomy)
_INDEXES_KEPT = 6


def occupation_space(
    taxonomy: str, *, session: Session | None = None, data_dir: Path | None = None
) -> OccupationSpace:
    """The occupation space of a taxonomy: from the database when it holds the releases, else the official files."""
    return space_for(taxonomy, session=session, data_dir=data_dir)


def releases_missing(session: Session, *, taxonomy: str) -> list[str]:
    """The sources whose release the database lacks for this taxonomy (empty: planning reads the database)."""
    return missing_releases(session, taxonomy)


def transition_index(
    *, taxonomy: str, data_dir: Path | None = None, session: Session | None = None
) -> TransitionIndex:
    """The learner-independent ranking index of a taxonomy (built once per space: per release or file set)."""
    space = occupation_space(taxonomy, session=session, data_dir=data_dir)
    index = _indexes.get(id(space))
    if index is None or index.space is not space:
        index = transition_engine.build_index(space)
        _indexes[id(space)] = index
        while len(_indexes) > _INDEXES_KEPT:
            del _indexes[next(iter(_indexes))]
    return index


@dataclass(frozen=True)
class Recommendation:
    """One ranked target occupation that explains itself."""

    rank: int
    code: str
    title: str
    score: float
    skills_similarity: float
    coverage: float
    tier: str
    transferable: list[str]
    missing: list[str]
    outlook: dict[str, Any] | None
    job_zone: float | None
    zone_change: float | None
    regulated: bool
    licence_note: str | None


@dataclass(frozen=True)
class TransitionReport:
    """Ranked transitions from an occupation or a profile."""

    taxonomy: str
    origin: str | None
    origin_title: str | None
    tiers: dict[str, float]
    recommendations: list[Recommendation]


def learner_vector(
    index: TransitionIndex, *, from_code: str | None = None, profile: LearnerProfile | None = None
) -> learner_engine.LearnerVector:
    """The learner as a vector over the taxonomy, from an occupation code or a profile."""
    space = index.space
    if profile is not None:
        return learner_engine.from_profile(space, profile)
    if from_code is None:
        raise ValueError("give from_code or profile")
    return learner_engine.from_occupation(space, learner_engine.resolve_occupation(space, from_code))


def rank_transitions(
    *,
    taxonomy: str,
    from_code: str | None = None,
    profile: LearnerProfile | None = None,
    top: int = 10,
    explain: bool = True,
    data_dir: Path | None = None,
    session: Session | None = None,
) -> TransitionReport:
    """Rank target occupations for a previous occupation or a learner profile, with explanations."""
    index = transition_index(taxonomy=taxonomy, data_dir=data_dir, session=session)
    learner = learner_vector(index, from_code=from_code, profile=profile)
    ranked = transition_engine.rank(index, learner, top=top)
    space = index.space
    recs = [
        _recommendation(index, learner, k + 1, int(row), float(s), float(sk), float(cov), explain)
        for k, (row, s, sk, cov) in enumerate(
            zip(ranked.rows, ranked.score, ranked.skills, ranked.coverage, strict=True)
        )
    ]
    origin = learner.origin
    return TransitionReport(
        taxonomy=taxonomy,
        origin=None if origin is None else space.codes[origin],
        origin_title=None if origin is None else space.titles[origin],
        tiers={"viable": index.tiers.viable, "highly_viable": index.tiers.highly_viable},
        recommendations=recs,
    )


def _recommendation(
    index: TransitionIndex,
    learner: learner_engine.LearnerVector,
    rank: int,
    row: int,
    score: float,
    skills: float,
    coverage: float,
    explain: bool,
) -> Recommendation:
    space = index.space
    transferable: list[str] = []
    missing: list[str] = []
    if explain:
        cols, weight, _, kinds = space.requirements_of(row)
        have = np.isin(cols, learner.cols)
        order = np.argsort(-weight, kind="stable")
        transferable = [space.competency_labels[cols[k]] for k in order if have[k]][:8]
        missing = [space.competency_labels[cols[k]] for k in order if not have[k] and kinds[k] != 2][:8]
    outlook = space.outlooks[row]
    zone = space.job_zone[row]
    return Recommendation(
        rank=rank,
        code=space.codes[row],
        title=space.titles[row],
        score=round(score, 4),
        skills_similarity=round(skills, 4),
        coverage=round(coverage, 4),
        tier=transition_engine.tier_of(index, skills),
        transferable=transferable,
        missing=missing,
        outlook=None if outlook is None else dataclasses.asdict(outlook),
        job_zone=None if np.isnan(zone) else float(zone),
        zone_change=None if learner.job_zone is None or np.isnan(zone) else float(zone - learner.job_zone),
        regulated=bool(space.regulated[row]),
        licence_note=space.licence_notes[row] or None,
    )


@dataclass(frozen=True)
class GapAnalysis:
    """The gap report against the target, plus the O*NET requirements reached through the crosswalk."""

    primary: gap_engine.GapReport
    crosswalked: list[gap_engine.GapReport]


def gap_analysis(
    *,
    taxonomy: str,
    code: str,
    profile: LearnerProfile,
    include_crosswalk: bool = True,
    data_dir: Path | None = None,
    session: Session | None = None,
) -> GapAnalysis:
    """Every requirement of the target with its source, the learner's status and evidence, and readiness."""
    space = occupation_space(taxonomy, session=session, data_dir=data_dir)
    row = learner_engine.resolve_occupation(space, code)
    threshold = profile.evidence_weights.met_threshold
    primary = gap_engine.analyse(space, row, _profile_vector(space, profile), met_threshold=threshold)
    crosswalked: list[gap_engine.GapReport] = []
    if include_crosswalk and taxonomy in {"esco", "noc"}:
        onet_codes = onet_crosswalk(taxonomy, space.codes[row], session=session, data_dir=data_dir)[:3]
        via = "Nesta ESCO→O*NET crosswalk" if taxonomy == "esco" else "Brookfield NOC 2021→O*NET crosswalk"
        onet = occupation_space("onet", session=session, data_dir=data_dir)
        learner = _profile_vector(onet, profile)
        for oc in onet_codes:
            j = onet.occupation_index(oc)
            if j is not None:
                crosswalked.append(
                    gap_engine.analyse(onet, j, learner, met_threshold=threshold, via=f"{via} ({oc})")
                )
    return GapAnalysis(primary=primary, crosswalked=crosswalked)


def _profile_vector(space: OccupationSpace, profile: LearnerProfile) -> learner_engine.LearnerVector:
    """The profile over this space; a profile with no claim in it counts as holding nothing here."""
    try:
        return learner_engine.from_profile(space, profile)
    except EmptyProfile:
        if not profile.competencies:
            raise
        empty = np.zeros(0)
        return learner_engine.LearnerVector(empty.astype(np.int64), empty, empty, (), empty.astype(bool))


@dataclass(frozen=True)
class PlanReport:
    """A pathway to a target: gaps before, the plan and its alternatives, readiness after each."""

    target: str
    title: str
    readiness_before: float
    readiness_after: dict[str, float]
    gaps: list[str]
    recognised: list[str]
    result: PathwayResult
    essential_before: float = 0.0
    essential_after: dict[str, float] = dataclasses.field(default_factory=dict)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    clb_required: int | None = None
    regulated: bool = False
    licence_note: str | None = None


def plan(
    *,
    profile: LearnerProfile,
    taxonomy: str,
    target: str,
    catalog: Catalog,
    objective: Objective | None = None,
    time_limit: float = 0.25,
    data_dir: Path | None = None,
    today: dt.date | None = None,
    session: Session | None = None,
) -> PlanReport:
    """Gap analysis then pathway: close the target's essential gaps within the learner's constraints."""
    space = occupation_space(taxonomy, session=session, data_dir=data_dir)
    row = learner_engine.resolve_occupation(space, target)
    report = gap_engine.analyse(
        space, row, _profile_vector(space, profile), met_threshold=profile.evidence_weights.met_threshold
    )
    recognised = set(gap_engine.recognised_competencies(report))
    gaps = gap_engine.gap_competencies(report)
    supports = supports_for(
        catalog,
        clb=profile.best_clb(),
        clb_required=int(space.clb_required[row]),
        regulated=bool(space.regulated[row]),
        target=space.codes[row],
        constraints=profile.constraints,
        today=today,
    )
    result = plan_pathway(
        catalog,
        gaps=gaps,
        recognised=recognised,
        constraints=profile.constraints,
        objective=objective or OBJECTIVES["balanced"],
        completed=set(profile.completed_opportunities),
        supports=supports,
        time_limit=time_limit,
        today=today,
    )
    plans = {"plan": result.plan, **result.alternatives}
    return PlanReport(
        target=space.codes[row],
        title=space.titles[row],
        readiness_before=report.readiness,
        readiness_after={name: readiness_after(report, p.covered) for name, p in plans.items()},
        gaps=gaps,
        recognised=sorted(recognised),
        result=result,
        essential_before=report.essential_readiness,
        essential_after={
            name: readiness_after(report, p.covered, essential_only=True) for name, p in plans.items()
        },
        labels={r.competency_id: r.label for r in report.requirements},
        clb_required=int(space.clb_required[row]),
        regulated=bool(space.regulated[row]),
        licence_note=space.licence_notes[row] or None,
    )


def readiness_after(
    report: gap_engine.GapReport, covered: list[str], *, essential_only: bool = False
) -> float:
    """Readiness once the planned competencies are learned (counted as met), overall or on essential lines."""
    done = set(covered)
    lines = [r for r in report.requirements if not essential_only or r.kind in {"essential", "rated"}]
    total = sum(r.importance for r in lines) or 1.0
    got = sum(
        r.importance * (1.0 if r.competency_id in done else min(1.0, r.credit / report.met_threshold))
        for r in lines
    )
    return round(got / total, 4)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates, numpy scalars → JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def catalog_from_database(session: Session, *, institution_id: str | None = None) -> Catalog:
    """The published catalogue (one institution's or all) as planner records, competencies by planning id."""
    from bridgeway.catalog import service as catalog_service
    from bridgeway.taxonomy.models import Competency

    records = catalog_service.planning_catalogue(session, institution_id=institution_id)
    codes: dict[str, str] = {}
    for r in records:
        for cid in r.competency_ids:
            if cid not in codes:
                comp = session.get(Competency, cid)
                codes[cid] = competency_id(comp) if comp is not None else cid
    opportunities = [
        Opportunity(
            id=r.opportunity_id,
            title=r.title_en,
            competencies=[codes[c] for c in r.competency_ids],
            hours=r.hours,
            weeks=max(1, r.weeks),
            cost=r.cost_cents / 100.0,
            schedules=[Schedule(s) for s in r.schedules if s in Schedule.__members__.values()]
            or [Schedule.SELF_PACED],
            delivery=Delivery(r.delivery_mode),
            prerequisites=r.prerequisite_ids,
            intakes=[i.starts_on for i in r.intakes],
            credential=r.title_en if r.required_component_ids else None,
            kind=r.kind,
        )
        for r in records
    ]
    known = {o.id for o in opportunities}
    rules = [
        StackingRule(
            credential=r.title_en,
            requires=[c for c in r.required_component_ids if c in known],
            electives=[c for c in r.elective_component_ids if c in known],
            electives_required=r.electives_required,
        )
        for r in records
        if r.required_component_ids or r.elective_component_ids
    ]
    return Catalog(opportunities=opportunities, stacking_rules=[r for r in rules if r.groups()])


# --- Stored learner profiles, consent and advisors' notes (pages and API) ----------------------------------------

OUTLOOK_WORDS: dict[str, str] = {
    "Strong risk of Shortage": "Many openings expected: employers may struggle to find workers",
    "Moderate risk of Shortage": "Good prospects: more openings than job seekers expected",
    "Balance": "Balanced: openings and job seekers expected to match",
    "Moderate risk of Surplus": "Competitive: more job seekers than openings expected",
    "Strong risk of Surplus": "Very competitive: many more job seekers than openings expected",
}


def outlook_in_words(outlook: dict[str, Any] | None) -> str:
    """The COPS 2024–2033 future condition of an occupation as a plain sentence (English; pages translate it)."""
    if not outlook:
        return "No outlook published for this occupation"
    return OUTLOOK_WORDS.get(
        str(outlook.get("condition")), str(outlook.get("condition") or "Unknown outlook")
    )


def validate_profile(data: Any) -> LearnerProfile:
    """Validate a profile (a dict or a LearnerProfile) with a clear error naming the first bad field."""
    from pydantic import ValidationError

    from bridgeway.planning.errors import InvalidProfile

    if isinstance(data, LearnerProfile):
        return data
    try:
        return LearnerProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InvalidProfile(
            f"the profile is invalid at {where}: {first['msg']}",
            detail=exc.errors(include_url=False, include_context=False),
        ) from exc


def _learner(session: Session, learner_id: str) -> Any:
    from bridgeway.accounts.domain import Role
    from bridgeway.accounts.errors import UnknownUser
    from bridgeway.accounts.models import User

    user = session.get(User, learner_id)
    if (
        user is None
        or user.deleted_at is not None
        or Role.LEARNER.value not in {g.role for g in user.role_grants}
    ):
        raise UnknownUser(f"no learner with id '{learner_id}'")
    return user


def check_can_view(session: Session, *, learner_id: str, viewer: Any) -> Any:
    """Return the learner's user record when the viewer is them or holds their consent (else 404 / 403)."""
    from bridgeway.accounts import service as accounts_service

    user = _learner(session, learner_id) if viewer.user_id != learner_id else None
    accounts_service.require_consent(session, learner_id=learner_id, viewer=viewer)
    return user


def stored_profile(session: Session, *, learner_id: str) -> tuple[LearnerProfile, dt.datetime | None]:
    """The learner's stored profile and when it changed (an empty profile and None when never saved)."""
    from bridgeway.planning import repository

    record = repository.profile_of(session, learner_id)
    if record is None:
        return LearnerProfile(), None
    return validate_profile(record.data), record.updated_at


def analysis_profile(session: Session, *, learner_id: str) -> tuple[LearnerProfile, dt.datetime | None]:
    """What every analysis reads: the stored profile with the credentials held, PLAR outcomes and CLB results."""
    from bridgeway.planning import evidence

    profile, updated_at = stored_profile(session, learner_id=learner_id)
    return evidence.with_records(session, profile, learner_id=learner_id), updated_at


def get_profile(
    session: Session, *, learner_id: str, viewer: Any
) -> tuple[LearnerProfile, dt.datetime | None]:
    """The profile of a learner for the learner themself or a viewer they consented to."""
    check_can_view(session, learner_id=learner_id, viewer=viewer)
    return stored_profile(session, learner_id=learner_id)


def save_profile(session: Session, *, actor: Any, data: Any) -> tuple[LearnerProfile, dt.datetime]:
    """Validate and store the actor's own profile (one per learner), recording the change in the audit log."""
    from bridgeway.accounts import service as accounts_service
    from bridgeway.kit.clock import utcnow
    from bridgeway.planning import repository
    from bridgeway.planning.models import LearnerProfileRecord

    profile = validate_profile(data)
    stored = profile.model_dump(mode="json", exclude={"id"})
    record = repository.profile_of(session, actor.user_id)
    before = None if record is None else {"competencies": len(record.data.get("competencies", []))}
    if record is None:
        record = LearnerProfileRecord(learner_id=actor.user_id, data=stored)
        session.add(record)
    else:
        record.data = stored
    record.updated_at = utcnow()
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="planning.profile_saved",
        entity_type="learner_profile",
        entity_id=record.id,
        institution_id=actor.institution_id,
        before=before,
        after={"competencies": len(profile.competencies)},
    )
    return profile, record.updated_at


def require_competencies(profile: LearnerProfile) -> LearnerProfile:
    """Refuse an analysis of a profile that names no competency (before loading any data)."""
    if not profile.competencies:
        raise EmptyProfile("the profile has no competency yet: add what you can do before asking for options")
    return profile


def add_note(session: Session, *, actor: Any, learner_id: str, body: str) -> Any:
    """Store an advisor's free-text note about a client who consented."""
    from bridgeway.accounts import service as accounts_service
    from bridgeway.kit.errors import InvalidInput
    from bridgeway.planning.models import AdvisorNote

    check_can_view(session, learner_id=learner_id, viewer=actor)
    text = body.strip()
    if not text:
        raise InvalidInput("write something in the note")
    if len(text) > 10_000:
        raise InvalidInput("a note holds at most 10,000 characters")
    note = AdvisorNote(
        learner_id=learner_id, author_id=actor.user_id, institution_id=actor.institution_id, body=text
    )
    session.add(note)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="planning.note_added",
        entity_type="planning_note",
        entity_id=note.id,
        institution_id=actor.institution_id,
        after={"learner_id": learner_id},
    )
    return note


def list_notes(session: Session, *, viewer: Any, learner_id: str) -> list[Any]:
    """Notes about a client written in the viewer's institution, newest first (consent required)."""
    from bridgeway.planning import repository

    check_can_view(session, learner_id=learner_id, viewer=viewer)
    return repository.notes_about(session, learner_id=learner_id, institution_id=viewer.institution_id)


def clients(session: Session, *, viewer: Any) -> list[Any]:
    """The learners who let the viewer see their profile, by name."""
    from bridgeway.accounts import service as accounts_service
    from bridgeway.accounts.models import User

    ids = accounts_service.consenting_learner_ids(session, viewer=viewer)
    users = [session.get(User, i) for i in ids]
    return sorted((u for u in users if u is not None and u.deleted_at is None), key=lambda u: u.display_name)


def client_overview(session: Session, *, viewer: Any) -> list[dict[str, Any]]:
    """The viewer's consenting clients with their latest activity (profile saved, notes), most recent first."""
    from bridgeway.planning import repository

    users = clients(session, viewer=viewer)
    ids = [u.id for u in users]
    profiles = {r.learner_id: r for r in repository.profiles_of(session, ids)}
    notes: dict[str, list[Any]] = {}
    for learner_id, created_at in repository.note_times(
        session, learner_ids=ids, institution_id=viewer.institution_id
    ):
        notes.setdefault(learner_id, []).append(created_at)
    rows = []
    for u in users:
        record = profiles.get(u.id)
        last_note = max(notes.get(u.id, []), default=None)
        updated = record.updated_at if record is not None else None
        rows.append(
            {
                "id": u.id,
                "name": u.display_name,
                "email": u.email,
                "profile_updated_at": updated,
                "competencies": len(record.data.get("competencies", [])) if record is not None else 0,
                "notes": len(notes.get(u.id, [])),
                "last_note_at": last_note,
                "latest": max((t for t in (updated, last_note) if t is not None), default=None),
            }
        )
    rows.sort(
        key=lambda r: (r["latest"] is None, -(r["latest"].timestamp() if r["latest"] else 0), r["name"])
    )
    return rows


def workforce_gaps(
    session: Session,
    *,
    viewer: Any,
    taxonomy: str,
    target: str,
    data_dir: Path | None = None,
    columns: int = 12,
) -> dict[str, Any]:
    """The aggregate gaps of the people who let this employer see their profile, against one occupation.

    Only learners who consented to the viewer (or the viewer's organisation) are counted; those without a
    stored competency are listed as `without_profile`. Requirements are ordered by the share of people missing
    them (essential first); the heat map keeps the `columns` widest gaps.
    """
    from bridgeway.accounts.models import User

    space = occupation_space(taxonomy, session=session, data_dir=data_dir)
    row = learner_engine.resolve_occupation(space, target)
    people: list[dict[str, Any]] = []
    without: list[str] = []
    reports: list[gap_engine.GapReport] = []
    for user in clients(session, viewer=viewer):
        if not isinstance(user, User):
            continue
        profile, _ = analysis_profile(session, learner_id=user.id)
        if not profile.competencies:
            without.append(user.display_name)
            continue
        report = gap_engine.analyse(
            space, row, _profile_vector(space, profile), met_threshold=profile.evidence_weights.met_threshold
        )
        reports.append(report)
        people.append(
            {
                "id": user.id,
                "name": user.display_name,
                "readiness": round(report.readiness, 4),
                "cells": {
                    r.competency_id: {"status": r.status, "credit": round(r.credit, 3)}
                    for r in report.requirements
                },
            }
        )
    requirements: list[dict[str, Any]] = []
    if reports:
        n = len(reports)
        for req in reports[0].requirements:
            statuses = [p["cells"].get(req.competency_id, {}).get("status", "missing") for p in people]
            requirements.append(
                {
                    "competency_id": req.competency_id,
                    "label": req.label,
                    "source": req.source,
                    "kind": req.kind,
                    "importance": req.importance,
                    "met": statuses.count("met"),
                    "partly": statuses.count("partly"),
                    "missing": statuses.count("missing"),
                    "gap_share": round((statuses.count("missing") + 0.5 * statuses.count("partly")) / n, 4),
                }
            )
        requirements.sort(
            key=lambda r: (r["kind"] != "essential", -r["gap_share"], -r["importance"], r["label"])
        )
    return {
        "target": space.codes[row],
        "title": space.titles[row],
        "taxonomy": taxonomy,
        "people": people,
        "without_profile": without,
        "requirements": requirements,
        "heatmap_columns": [r["competency_id"] for r in requirements[:columns]],
    }


def competency_labels(
    ids: list[str], *, data_dir: Path | None = None, session: Session | None = None
) -> dict[str, str]:
    """Plain names of the competencies a profile names (ESCO, OaSIS and O*NET ids); unknown ids are left out."""
    from bridgeway.planning.errors import DataUnavailable

    labels: dict[str, str] = {}
    wanted = {
        "esco": [i for i in ids if not i.startswith(("oasis:", "onet:"))],
        "noc": [i for i in ids if i.startswith("oasis:")],
        "onet": [i for i in ids if i.startswith("onet:")],
    }
    for taxonomy, some in wanted.items():
        if not some:
            continue
        try:
            space = occupation_space(taxonomy, session=session, data_dir=data_dir)
        except DataUnavailable:
            continue
        for cid in some:
            k = space.competency_index(cid)
            if k is not None:
                labels[cid] = space.competency_labels[k]
    return labels
