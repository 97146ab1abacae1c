"""Employers' workforce planning: roles, groups of consenting people, aggregate gaps and corporate training.

An employer (a user with the employer role, attached to an employer organisation) defines roles from an
occupation or its own list, groups people who consented to share with the employer, and gets the group's gaps
against a role and a training plan from the catalogue. Everything is scoped to the caller's organisation;
people who withdraw consent drop out of every report. Services flush, never commit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput
from bridgeway.planning import evidence, repository, service
from bridgeway.planning.engine import gaps as gap_engine
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine import workforce as engine
from bridgeway.planning.engine.pathways import OBJECTIVES, Objective
from bridgeway.planning.engine.space import OPTIONAL, RATED, OccupationSpace
from bridgeway.planning.errors import (
    DataUnavailable,
    NotAnEmployer,
    UnknownCompetency,
    UnknownEmployerRole,
    UnknownWorkforceGroup,
)
from bridgeway.planning.models import EmployerRole, WorkforceGroup
from bridgeway.planning.schemas import EmployerRoleIn, LearnerProfile, RoleRequirementIn, WorkforceGroupIn

# Rated taxonomies rate almost every descriptor for every occupation; a role prefilled from one keeps the
# descriptors rated at least this share of the top of the scale (OaSIS 3 of 5), the employer adds others.
PREFILL_MIN_IMPORTANCE = 0.6
LEVEL_LIMITS = {"esco": 5.0, "noc": 5.0, "onet": 7.0, "ext": 5.0}


def employer_id_of(principal: Principal) -> str:
    """The caller's employer organisation, or NotAnEmployer (403)."""
    if principal.employer_id is None:
        raise NotAnEmployer("your account is not attached to an employer organisation")
    return principal.employer_id


# --- Competencies of a role -----------------------------------------------------------------------------------


def taxonomy_of(competency_id: str) -> str:
    """esco, noc (OaSIS), onet or ext, from the form of a competency id."""
    if competency_id.startswith(engine.EXTERNAL_PREFIX):
        return "ext"
    if competency_id.startswith("oasis:"):
        return "noc"
    if competency_id.startswith("onet:"):
        return "onet"
    return "esco"


def _source_text(taxonomy: str, kind: str, level: float | None, occupation: str | None) -> str:
    of = f" of {occupation}" if occupation else ""
    if taxonomy == "ext":
        return "Employer-defined competency"
    if taxonomy == "esco":
        return f"ESCO {kind} skill{of}"
    scale = 5 if taxonomy == "noc" else 7
    name = "OaSIS descriptor" if taxonomy == "noc" else "O*NET element"
    return f"{name}, level {level:g} of {scale}{of}" if level else f"{name}{of}"


def _space(taxonomy: str, data_dir: Path | None, session: Session | None = None) -> OccupationSpace:
    try:
        return service.occupation_space(taxonomy, session=session, data_dir=data_dir)
    except DataUnavailable as exc:
        raise DataUnavailable(f"the {taxonomy} data is not available here: {exc.message}") from exc


def external_id(label: str) -> str:
    """The id of an employer-defined competency, from its label ("ext:" + a slug)."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:80]
    if not slug:
        raise InvalidInput("an employer-defined competency needs a name with letters or digits")
    return engine.EXTERNAL_PREFIX + slug


def resolve_requirements(
    items: list[RoleRequirementIn],
    *,
    data_dir: Path | None = None,
    occupation: str | None = None,
    session: Session | None = None,
) -> list[engine.RoleRequirement]:
    """Check every competency exists (employer-defined ones need a label), fill labels and sources."""
    if not items:
        raise InvalidInput("a role needs at least one competency")
    out: list[engine.RoleRequirement] = []
    seen: set[str] = set()
    for item in items:
        taxonomy = taxonomy_of(item.competency_id)
        cid, label = item.competency_id.strip(), (item.label or "").strip()
        if taxonomy == "ext":
            if not label:
                raise InvalidInput(f"the employer-defined competency {cid!r} needs a label")
            cid = external_id(cid.removeprefix(engine.EXTERNAL_PREFIX) or label)
        else:
            space = _space(taxonomy, data_dir, session)
            col = learner_engine.resolve_competency(space, cid)
            if col is None:
                raise UnknownCompetency(
                    f"unknown competency {cid!r}: not an ESCO skill, OaSIS or O*NET descriptor",
                    detail={"competency_id": cid},
                )
            cid, label = space.competency_ids[col], space.competency_labels[col]
        level = item.level_required or None
        if level is not None and level > LEVEL_LIMITS[taxonomy]:
            raise InvalidInput(
                f"the level required for {label!r} is {level:g}, above the top of its scale "
                f"({LEVEL_LIMITS[taxonomy]:g})"
            )
        if cid in seen:
            raise InvalidInput(f"the competency {label!r} appears twice in the role")
        seen.add(cid)
        out.append(
            engine.RoleRequirement(
                competency_id=cid,
                label=label,
                kind=item.kind,
                importance=round(item.importance, 3),
                level_required=level,
                source=_source_text(taxonomy, item.kind, level, occupation),
                description=item.description.strip(),
            )
        )
    return out


def occupation_requirements(
    *, taxonomy: str, code: str, data_dir: Path | None = None, session: Session | None = None
) -> tuple[str, str, list[RoleRequirementIn]]:
    """An occupation's requirements, ready to edit as a role: (code, title, requirements), most important first."""
    space = _space(taxonomy, data_dir, session)
    row = learner_engine.resolve_occupation(space, code)
    cols, importance, levels, kinds = space.requirements_of(row)
    items: list[tuple[float, RoleRequirementIn]] = []
    for c, imp, lvl, kd in zip(cols, importance, levels, kinds, strict=True):
        if int(kd) == RATED and float(imp) < PREFILL_MIN_IMPORTANCE:
            continue
        items.append(
            (
                float(imp),
                RoleRequirementIn(
                    competency_id=space.competency_ids[c],
                    label=space.competency_labels[c],
                    kind="optional" if int(kd) == OPTIONAL else "essential",
                    importance=round(min(1.0, max(float(imp), 0.01)), 3),
                    level_required=round(float(lvl), 2) if lvl > 0 else None,
                ),
            )
        )
    items.sort(key=lambda pair: (pair[1].kind != "essential", -pair[0], pair[1].label or ""))
    return space.codes[row], space.titles[row], [item for _, item in items]


def search_competencies(session: Session, *, q: str, limit: int = 15) -> list[dict[str, str]]:
    """ESCO skills, OaSIS and O*NET descriptors matching the text (the taxonomy's search), as role competency ids.

    Hits the planner cannot use (not in the loaded ESCO/OaSIS/O*NET files) are left out.
    """
    # The ranked, typo-tolerant index is built and cached by the taxonomy domain's read module.
    from bridgeway.taxonomy.routes.read import find_entries

    text = q.strip()
    if len(text) < 2:
        return []
    hits, _ = find_entries(
        session, text, kinds=["competency"], sources=["esco", "oasis", "onet"], limit=limit * 2, offset=0
    )
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for hit in hits:
        cid = _planner_id(session, hit.source, hit.code, hit.label)
        if cid is None or cid in seen:
            continue
        seen.add(cid)
        out.append(
            {"competency_id": cid, "label": hit.label, "source": hit.source, "kind": hit.subtype or ""}
        )
        if len(out) >= limit:
            break
    return out


OCCUPATION_SOURCES = {"esco": ["esco"], "noc": ["noc", "oasis"], "onet": ["onet"]}


def search_occupations(session: Session, *, q: str, taxonomy: str, limit: int = 8) -> list[dict[str, str]]:
    """Occupations of one taxonomy whose titles match the text (the taxonomy's search), with the code to use."""
    from bridgeway.taxonomy.routes.read import find_entries

    if len(q.strip()) < 2:
        return []
    hits, _ = find_entries(
        session, q.strip(), kinds=["occupation"], sources=OCCUPATION_SOURCES[taxonomy], limit=limit, offset=0
    )
    return [{"code": h.code, "ref": h.ref, "label": h.label, "source": h.source} for h in hits]


def _planner_id(session: Session, source: str, code: str, label: str) -> str | None:
    """The id the planner's spaces use for a taxonomy hit (OaSIS descriptors go by category and name there)."""
    if source == "esco":
        return code
    if source == "onet":
        return code if code.startswith("onet:") else f"onet:{code}"
    try:
        space = service.occupation_space("noc", session=session)
    except DataUnavailable:
        return None
    wanted = label.strip().lower()
    for cid, name in zip(space.competency_ids, space.competency_labels, strict=True):
        if name.strip().lower() == wanted:
            return cid
    return None


# --- Roles -----------------------------------------------------------------------------------------------------


def _role_state(role: EmployerRole) -> dict[str, Any]:
    return {
        "name": role.name,
        "occupation": role.occupation_code,
        "competencies": [r["competency_id"] for r in role.requirements],
    }


def requirements_of(role: EmployerRole) -> list[engine.RoleRequirement]:
    """The stored requirements of a role as engine records."""
    return [engine.RoleRequirement(**r) for r in role.requirements]


def _as_dicts(reqs: list[engine.RoleRequirement]) -> list[dict[str, Any]]:
    return [
        {
            "competency_id": r.competency_id,
            "label": r.label,
            "kind": r.kind,
            "importance": r.importance,
            "level_required": r.level_required,
            "source": r.source,
            "description": r.description,
        }
        for r in reqs
    ]


def stored_items(role: EmployerRole) -> list[RoleRequirementIn]:
    """A role's stored requirements as editable input (their source is recomputed on save)."""
    return [RoleRequirementIn(**{k: v for k, v in r.items() if k != "source"}) for r in role.requirements]


def _needs(
    session: Session, data: EmployerRoleIn, data_dir: Path | None, title: str | None = None
) -> tuple[list[engine.RoleRequirement], str | None, str | None]:
    code = None
    items = data.requirements
    if data.occupation:
        code, title, prefilled = occupation_requirements(
            taxonomy=data.taxonomy, code=data.occupation, data_dir=data_dir, session=session
        )
        if items is None:
            items = prefilled
    if items is None:
        raise InvalidInput("give an occupation to start from, or the role's own list of competencies")
    return resolve_requirements(items, data_dir=data_dir, occupation=title, session=session), code, title


def create_role(
    session: Session, *, actor: Principal, data: EmployerRoleIn, data_dir: Path | None = None
) -> EmployerRole:
    """Define a role for the actor's employer (from an occupation, its own list, or both), audited."""
    employer_id = employer_id_of(actor)
    reqs, code, title = _needs(session, data, data_dir)
    role = EmployerRole(
        employer_id=employer_id,
        name=data.name.strip(),
        description=data.description.strip(),
        taxonomy=data.taxonomy if code else None,
        occupation_code=code,
        occupation_title=title,
        requirements=_as_dicts(reqs),
        created_by=actor.user_id,
    )
    return _added(session, actor, role, "planning.role_created", _role_state(role))


def get_role(session: Session, *, viewer: Principal, role_id: str) -> EmployerRole:
    """One of the viewer's employer's roles (404 for anyone else's)."""
    role = _owned(session, EmployerRole, role_id, viewer)
    if role is None:
        raise UnknownEmployerRole(f"your organisation has no role with id '{role_id}'")
    return role


def list_roles(session: Session, *, viewer: Principal) -> list[EmployerRole]:
    """The viewer's employer's roles, by name."""
    return repository.employer_roles(session, employer_id_of(viewer))


def update_role(
    session: Session, *, actor: Principal, role_id: str, data: EmployerRoleIn, data_dir: Path | None = None
) -> EmployerRole:
    """Replace a role's name, description and competencies (an occupation given again prefills afresh)."""
    role = get_role(session, viewer=actor, role_id=role_id)
    before = _role_state(role)
    if data.occupation is None and data.requirements is None:
        data = data.model_copy(update={"requirements": stored_items(role)})
    reqs, code, title = _needs(session, data, data_dir, None if data.occupation else role.occupation_title)
    role.name, role.description = data.name.strip(), data.description.strip()
    if code is not None:
        role.taxonomy, role.occupation_code, role.occupation_title = data.taxonomy, code, title
    role.requirements = _as_dicts(reqs)
    role.updated_at = utcnow()
    session.flush()
    _audit(session, actor, "planning.role_updated", role, before, _role_state(role))
    return role


def edit_requirements(
    session: Session,
    *,
    actor: Principal,
    role_id: str,
    add: RoleRequirementIn | None = None,
    drop: str | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
    data_dir: Path | None = None,
) -> EmployerRole:
    """Add one competency, drop one, or change kind/importance/level of some (the pages' small edits), audited."""
    role = get_role(session, viewer=actor, role_id=role_id)
    items = stored_items(role)
    if drop is not None:
        if drop not in {i.competency_id for i in items}:
            raise InvalidInput("that competency is not in the role")
        items = [i for i in items if i.competency_id != drop]
        if not items:
            raise InvalidInput("a role needs at least one competency: add another before dropping this one")
    for cid, change in (changes or {}).items():
        items = [i.model_copy(update=change) if i.competency_id == cid else i for i in items]
        items = [RoleRequirementIn.model_validate(i.model_dump()) for i in items]
    if add is not None:
        items.append(add)
    data = EmployerRoleIn(name=role.name, description=role.description, requirements=items)
    return update_role(session, actor=actor, role_id=role_id, data=data, data_dir=data_dir)


def delete_role(session: Session, *, actor: Principal, role_id: str) -> None:
    """Delete a role of the actor's employer, audited."""
    role = get_role(session, viewer=actor, role_id=role_id)
    _removed(session, actor, role, "planning.role_deleted", _role_state(role))


# --- Groups ----------------------------------------------------------------------------------------------------


def consenting_people(session: Session, *, viewer: Principal) -> list[Any]:
    """The learners who let the viewer's employer see their profile, by name."""
    employer_id_of(viewer)
    return service.clients(session, viewer=viewer)


def _group_state(group: WorkforceGroup) -> dict[str, Any]:
    return {"name": group.name, "kind": group.kind, "members": len(group.member_ids)}


def _members(session: Session, viewer: Principal, member_ids: list[str]) -> list[str]:
    """Unique member ids, each having consented to the viewer's employer (ConsentRequired, 403, otherwise)."""
    members = list(dict.fromkeys(m.strip() for m in member_ids if m.strip()))
    if not members:
        raise InvalidInput("choose at least one person for the group")
    allowed = accounts_service.consenting_learner_ids(session, viewer=viewer)
    refused = [m for m in members if m not in allowed]
    if refused:
        from bridgeway.accounts.errors import ConsentRequired

        raise ConsentRequired(
            f"{len(refused)} of the people chosen have not consented to share their profile with your "
            "organisation",
            detail={"without_consent": refused},
        )
    return members


def create_group(session: Session, *, actor: Principal, data: WorkforceGroupIn) -> WorkforceGroup:
    """Name a group of consenting employees or candidates, audited."""
    employer_id = employer_id_of(actor)
    group = WorkforceGroup(
        employer_id=employer_id,
        name=data.name.strip(),
        kind=data.kind,
        member_ids=_members(session, actor, data.member_ids),
        created_by=actor.user_id,
    )
    return _added(session, actor, group, "planning.group_created", _group_state(group))


def get_group(session: Session, *, viewer: Principal, group_id: str) -> WorkforceGroup:
    """One of the viewer's employer's groups (404 for anyone else's)."""
    group = _owned(session, WorkforceGroup, group_id, viewer)
    if group is None:
        raise UnknownWorkforceGroup(f"your organisation has no group with id '{group_id}'")
    return group


def list_groups(session: Session, *, viewer: Principal) -> list[WorkforceGroup]:
    """The viewer's employer's groups, by name."""
    return repository.workforce_groups(session, employer_id_of(viewer))


def update_group(
    session: Session, *, actor: Principal, group_id: str, data: WorkforceGroupIn
) -> WorkforceGroup:
    """Rename a group or change its members (each must have consented), audited."""
    group = get_group(session, viewer=actor, group_id=group_id)
    before = _group_state(group)
    group.name, group.kind = data.name.strip(), data.kind
    group.member_ids = _members(session, actor, data.member_ids)
    group.updated_at = utcnow()
    session.flush()
    _audit(session, actor, "planning.group_updated", group, before, _group_state(group))
    return group


def delete_group(session: Session, *, actor: Principal, group_id: str) -> None:
    """Delete a group of the actor's employer, audited."""
    group = get_group(session, viewer=actor, group_id=group_id)
    _removed(session, actor, group, "planning.group_deleted", _group_state(group))


Owned = TypeVar("Owned", EmployerRole, WorkforceGroup)


def _owned(session: Session, model: type[Owned], entity_id: str, viewer: Principal) -> Owned | None:
    """The record when it belongs to the viewer's employer, else None (never another organisation's)."""
    employer_id = employer_id_of(viewer)
    record = session.get(model, entity_id)
    return record if record is not None and record.employer_id == employer_id else None


def _added(session: Session, actor: Principal, record: Owned, action: str, after: dict[str, Any]) -> Owned:
    session.add(record)
    session.flush()
    _audit(session, actor, action, record, None, after)
    return record


def _removed(session: Session, actor: Principal, record: Owned, action: str, before: dict[str, Any]) -> None:
    _audit(session, actor, action, record, before, None)
    session.delete(record)
    session.flush()


def _audit(
    session: Session,
    actor: Principal,
    action: str,
    record: EmployerRole | WorkforceGroup,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    accounts_service.record_audit(
        session,
        actor=actor,
        action=action,
        entity_type=record.__tablename__,
        entity_id=record.id,
        before=before,
        after=after,
        note=f"employer {actor.employer_id}",
    )


# --- The group's gaps and its training plan --------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """A group against a role: the aggregate report and each analysed person's full gap report."""

    role: EmployerRole
    group: WorkforceGroup
    requirements: list[engine.RoleRequirement]
    report: engine.GroupReport
    reports: dict[str, gap_engine.GapReport]
    names: dict[str, str]


def analyse_group(session: Session, *, viewer: Principal, role_id: str, group_id: str) -> Analysis:
    """Each consenting member's gaps against the role (the gap engine), and the group's aggregate."""
    from bridgeway.accounts.models import User

    role = get_role(session, viewer=viewer, role_id=role_id)
    group = get_group(session, viewer=viewer, group_id=group_id)
    reqs = requirements_of(role)
    if not reqs:
        raise InvalidInput("the role has no competency: add what the role needs first")
    space = engine.role_space(role.id, role.name, reqs)
    allowed = accounts_service.consenting_learner_ids(session, viewer=viewer)
    reports: dict[str, gap_engine.GapReport] = {}
    names: dict[str, str] = {}
    people: list[engine.PersonResult] = []
    without_profile: list[str] = []
    gone = 0
    stored = {
        r.learner_id: r.data
        for r in repository.profiles_of(session, [m for m in group.member_ids if m in allowed])
    }
    for uid in group.member_ids:
        user = session.get(User, uid) if uid in allowed else None
        if user is None or user.deleted_at is not None:
            gone += 1
            continue
        typed = service.validate_profile(stored[uid]) if uid in stored else LearnerProfile()
        profile = evidence.with_records(session, typed, learner_id=uid)
        if not profile.competencies:
            without_profile.append(user.display_name)
            continue
        vector = service._profile_vector(space, profile)
        report = engine.with_role_sources(
            gap_engine.analyse(space, 0, vector, met_threshold=profile.evidence_weights.met_threshold), reqs
        )
        reports[uid], names[uid] = report, user.display_name
        people.append(engine.person_result(uid, user.display_name, report))
    aggregate = engine.aggregate(reqs, people, without_profile=without_profile, without_consent=gone)
    return Analysis(role, group, reqs, aggregate, reports, names)


def report_payload(analysis: Analysis) -> dict[str, Any]:
    """The group report as JSON-ready data, with the role and group it is about."""
    out: dict[str, Any] = service.to_jsonable(analysis.report)
    out["role"] = role_payload(analysis.role)
    out["group"] = {"id": analysis.group.id, "name": analysis.group.name, "kind": analysis.group.kind}
    return out


def role_payload(role: EmployerRole) -> dict[str, Any]:
    """A role as JSON-ready data."""
    return {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "taxonomy": role.taxonomy,
        "occupation_code": role.occupation_code,
        "occupation_title": role.occupation_title,
        "requirements": role.requirements,
        "updated_at": role.updated_at.isoformat(),
    }


def group_payload(session: Session, viewer: Principal, group: WorkforceGroup) -> dict[str, Any]:
    """A group as JSON-ready data; members who withdrew consent are counted, never named."""
    allowed = accounts_service.consenting_learner_ids(session, viewer=viewer)
    members = [m for m in group.member_ids if m in allowed]
    return {
        "id": group.id,
        "name": group.name,
        "kind": group.kind,
        "member_ids": members,
        "without_consent": len(group.member_ids) - len(members),
        "updated_at": group.updated_at.isoformat(),
    }


def gap_people(analysis: Analysis, *, include_optional: bool = False) -> dict[str, list[str]]:
    """Competency → the analysed people who do not meet it (essential ones unless `include_optional`)."""
    kinds = {r.competency_id: r.kind for r in analysis.requirements}
    out: dict[str, list[str]] = {}
    for uid, report in analysis.reports.items():
        for line in report.requirements:
            if line.status != gap_engine.MET and (
                include_optional or kinds[line.competency_id] != "optional"
            ):
                out.setdefault(line.competency_id, []).append(uid)
    order = {r.competency_id: k for k, r in enumerate(analysis.requirements)}
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), order[kv[0]])))


def parse_objective(value: str) -> Objective:
    """balanced, fastest or cheapest (the corporate plan's solver objective)."""
    if value not in OBJECTIVES:
        raise InvalidInput("objective is balanced, fastest or cheapest")
    return OBJECTIVES[value]


def corporate_plan(
    session: Session,
    *,
    viewer: Principal,
    role_id: str,
    group_id: str,
    preference: str = engine.SHORT,
    objective: str = "balanced",
    institution_id: str | None = None,
    min_people: int = 1,
    include_optional: bool = False,
    start_date: dt.date | None = None,
) -> dict[str, Any]:
    """Training from the catalogue closing the group's most-shared gaps, preferred formats first, with totals."""
    from bridgeway.catalog import service as catalog_service

    if preference not in engine.PREFERENCES:
        raise InvalidInput("format is short (workshops, single-day sessions), over_time or any")
    if not 1 <= min_people <= 500:
        raise InvalidInput("min_people is between 1 and 500")
    chosen = parse_objective(objective)
    analysis = analyse_group(session, viewer=viewer, role_id=role_id, group_id=group_id)
    gaps = gap_people(analysis, include_optional=include_optional)
    catalog = service.catalog_from_database(session, institution_id=institution_id)
    seats: dict[str, dict[dt.date, int]] = {}
    kinds: dict[str, str] = {}
    for record in catalog_service.planning_catalogue(session, institution_id=institution_id):
        kinds[record.opportunity_id] = record.kind
        seats[record.opportunity_id] = {i.starts_on: i.seats for i in record.intakes}
    start = start_date or dt.date.today()
    plan = engine.plan_training(
        catalog,
        gap_people=gaps,
        preference=preference,
        start=start,
        objective=chosen,
        seats=seats,
        kinds=kinds,
        min_people=min_people,
    )
    return _plan_payload(analysis, plan, gaps, start)


def _plan_payload(
    analysis: Analysis, plan: engine.TrainingPlan, gaps: dict[str, list[str]], start: dt.date
) -> dict[str, Any]:
    labels = {r.competency_id: r.label for r in analysis.requirements}
    names = analysis.names
    out: dict[str, Any] = service.to_jsonable(plan)
    for option in out["options"]:
        option["people"] = sorted(names.get(p, p) for p in option["people"])
        option["closes"] = [{"competency_id": c, "label": labels.get(c, c)} for c in option["closes"]]
    for key in ("uncovered", "individual"):
        for gap in out[key]:
            gap["label"] = labels.get(gap["competency_id"], gap["competency_id"])
            gap["people"] = sorted(names.get(p, p) for p in gap["people"])
    readiness = []
    for uid, report in analysis.reports.items():
        covered = [c for o in plan.options if uid in o.people for c in o.closes if uid in gaps.get(c, [])]
        readiness.append(
            {
                "name": names[uid],
                "before": report.readiness,
                "after": service.readiness_after(report, covered),
            }
        )
    out["readiness"] = sorted(readiness, key=lambda r: (r["before"], r["name"]))
    out["start_date"] = start.isoformat()
    out["gaps"] = len(gaps)
    out["role"] = {"id": analysis.role.id, "name": analysis.role.name}
    out["group"] = {"id": analysis.group.id, "name": analysis.group.name}
    out["format_note"] = FORMAT_NOTE
    return out


# What the catalogue can and cannot tell about formats (shown under every plan).
FORMAT_NOTE = (
    "Only micro-credentials carry a competency in the catalogue, so workshops listed as such cannot be matched "
    "to gaps; short formats are micro-credentials scheduled as short bursts or lasting one day. The catalogue "
    f"has no single-day flag: a single-day session is one of at most {engine.SINGLE_DAY_HOURS:g} hours within "
    "one week. It records no seats for continuous-intake opportunities."
)

CSV_COLUMNS = (
    "training",
    "formats",
    "schedule",
    "delivery",
    "starts",
    "ends",
    "people",
    "attendees",
    "seats per intake",
    "hours per person",
    "total hours",
    "cost per person (CAD)",
    "total cost (CAD)",
    "credential earned",
    "gaps closed",
    "note",
)


def plan_csv(plan: dict[str, Any]) -> str:
    """The corporate plan as CSV: one row per training option, then one per gap left uncovered."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in plan["options"]:
        writer.writerow(
            [
                o["title"],
                " + ".join(o["formats"]),
                " + ".join(o["schedules"]),
                o["delivery"],
                o["start_date"],
                o["end_date"],
                "; ".join(o["people"]),
                o["attendees"],
                "" if o["seats"] is None else o["seats"],
                f"{o['hours_per_person']:g}",
                f"{o['total_hours']:g}",
                f"{o['cost_per_person']:.2f}",
                f"{o['total_cost']:.2f}",
                o["credential"] or "",
                "; ".join(c["label"] for c in o["closes"]),
                o["reason"],
            ]
        )
    for gap in [*plan["uncovered"], *plan["individual"]]:
        writer.writerow(
            [
                "",
                "",
                "",
                "",
                "",
                "",
                "; ".join(gap["people"]),
                len(gap["people"]),
                "",
                "",
                "",
                "",
                "",
                "",
                gap["label"],
                gap["reason"],
            ]
        )
    writer.writerow(
        [
            "TOTAL",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            f"{plan['total_person_hours']:g}",
            "",
            f"{plan['total_cost']:.2f}",
            "",
            "",
            "",
        ]
    )
    return buffer.getvalue()
