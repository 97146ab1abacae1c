"""Demo planning: the demo learner's own profile, and the demo employer's night-shift crew, role and gap report.

The demo learner (Léa, a laid-off milling-machine operator) gets a profile with the skills of her last job, her
constraints (evenings and weekends, 8 hours a week, a budget) and no language results of her own (PLAR's apply),
so "my options", "my gaps" and "my pathway" have something true to show.

Four employees of the demo employer (fictional people) save planning profiles and consent to share them with
the employer; the employer defines "CNC set-up operator, night shift" from ESCO skills the demo catalogue
teaches plus one competency of its own, and groups the crew. The corporate-training plan is computed when the
report is opened (it follows the published catalogue). Idempotent. Never load this into a production database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import errors as account_errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.demo import DEMO_PASSWORD
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.accounts.models import Employer, User
from bridgeway.planning import repository, service, workforce
from bridgeway.planning.errors import DataUnavailable
from bridgeway.planning.schemas import EmployerRoleIn, RoleRequirementIn, WorkforceGroupIn
from bridgeway.planning.sources import load_space

ROLE_NAME = "CNC set-up operator, night shift"
GROUP_NAME = "Night shift, plant 2"
# The role's ESCO skills (labels of ESCO v1.1.1), with the level the employer asks for (none: any level).
ROLE_SKILLS: tuple[tuple[str, str], ...] = (
    ("program a CNC controller", "essential"),
    ("read standard blueprints", "essential"),
    ("comply with electrical safety regulations", "essential"),
    ("perform welding inspection", "optional"),
    ("programmable logic controller", "optional"),
)
OWN_COMPETENCY = RoleRequirementIn(
    competency_id="ext:",
    label="Press-brake lockout/tagout at Boreal",
    description="Isolates every energy source of the three press brakes before a die change, per our procedure.",
)
# (e-mail, name, {ESCO label: evidence}) of the crew; the evidence kinds are the profile's.
CREW: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "amara.diallo@boreal-fabrication.example",
        "Amara Diallo",
        {
            "program a CNC controller": "verified_credential",
            "read standard blueprints": "inferred_from_work",
            "comply with electrical safety regulations": "assessor_recognised",
        },
    ),
    (
        "jonah.whitehorse@boreal-fabrication.example",
        "Jonah Whitehorse",
        {
            "read standard blueprints": "inferred_from_work",
            "perform welding inspection": "verified_credential",
        },
    ),
    (
        "marisol.vega@boreal-fabrication.example",
        "Marisol Vega",
        {"read standard blueprints": "self_claimed", "programmable logic controller": "inferred_from_work"},
    ),
    (
        "kwame.mensah@boreal-fabrication.example",
        "Kwame Mensah",
        {"comply with electrical safety regulations": "self_claimed"},
    ),
)


# Léa's skills from her last job (ESCO v1.1.1 labels, essential skills of "milling machine operator").
LEARNER_SKILLS: dict[str, str] = {
    "read standard blueprints": "inferred_from_work",
    "set up the controller of a machine": "inferred_from_work",
    "monitor automated machines": "inferred_from_work",
    "operate precision measuring equipment": "inferred_from_work",
    "perform test run": "inferred_from_work",
    "remove inadequate workpieces": "inferred_from_work",
    "ensure equipment availability": "self_claimed",
    "perform machine maintenance": "self_claimed",
    "troubleshoot": "self_claimed",
}
LEARNER_CONSTRAINTS = {
    "budget": 2500,
    "hours_per_week": 8,
    "schedule": ["evenings", "weekends", "self_paced"],
}
MILLING_MACHINE_OPERATOR = "http://data.europa.eu/esco/occupation/a1c9f8b7-c4ce-4b15-ac3c-3378c300d8f2"


def _learner_profile(session: Session, learner: User, skills: dict[str, str]) -> bool:
    """Save the demo learner's profile once (when the ESCO files are here); say whether she has one."""
    profile, _ = service.stored_profile(session, learner_id=learner.id)
    if profile.competencies or not skills:
        return bool(profile.competencies)
    claims = [
        {"id": skills[label], "evidence": kind} for label, kind in LEARNER_SKILLS.items() if label in skills
    ]
    service.save_profile(
        session,
        actor=accounts_service.principal_for(learner),
        data={
            "competencies": claims,
            "constraints": LEARNER_CONSTRAINTS,
            "previous_occupation": MILLING_MACHINE_OPERATOR,
            "job_zone": 3,
        },
    )
    return True


def _person(session: Session, email: str, name: str) -> User:
    try:
        return accounts_service.get_user_by_email(session, email)
    except account_errors.UnknownUser:
        return accounts_service.create_user(
            session, email=email, display_name=name, roles=[Role.LEARNER], password=DEMO_PASSWORD
        )


def _skills(data_dir: Path | None) -> dict[str, str]:
    """ESCO label → skill URI for the labels the demo uses (empty when the ESCO files are not here)."""
    try:
        space = load_space("esco", data_dir)
    except DataUnavailable:
        return {}
    wanted = (
        {label for label, _ in ROLE_SKILLS}
        | {lab for _, _, held in CREW for lab in held}
        | set(LEARNER_SKILLS)
    )
    return {
        label: cid
        for cid, label in zip(space.competency_ids, space.competency_labels, strict=True)
        if label in wanted
    }


def seed(
    session: Session, *, employer: Employer, users: dict[Any, User], data_dir: Path | None = None
) -> dict[str, Any]:
    """Create the crew (consenting to the employer), the role and the group; say what exists."""
    actor = accounts_service.principal_for(users.get(Role.EMPLOYER) or users[Role.EMPLOYER.value])
    skills = _skills(data_dir)
    learner = users.get(Role.LEARNER) or users.get(Role.LEARNER.value)
    learner_profile = learner is not None and _learner_profile(session, learner, skills)
    crew = []
    for email, name, held in CREW:
        person = _person(session, email, name)
        me = accounts_service.principal_for(person)
        profile, _ = service.stored_profile(session, learner_id=person.id)
        if not profile.competencies and skills:
            claims = [
                {"id": skills[label], "evidence": kind} for label, kind in held.items() if label in skills
            ]
            service.save_profile(session, actor=me, data={"competencies": claims})
        accounts_service.grant_consent(
            session, actor=me, grantee_kind=ConsentGrantee.EMPLOYER, grantee_id=employer.id
        )
        crew.append(person)
    role = next((r for r in repository.employer_roles(session, employer.id) if r.name == ROLE_NAME), None)
    if role is None:
        needs = [
            RoleRequirementIn(competency_id=skills[label], kind=kind)
            for label, kind in ROLE_SKILLS
            if label in skills
        ]
        role = workforce.create_role(
            session,
            actor=actor,
            data=EmployerRoleIn(
                name=ROLE_NAME,
                description="Sets up and proves out the CNC cells alone on nights; covers the press brakes.",
                requirements=[*needs, OWN_COMPETENCY],
            ),
            data_dir=data_dir,
        )
    group = next((g for g in repository.workforce_groups(session, employer.id) if g.name == GROUP_NAME), None)
    if group is None:
        group = workforce.create_group(
            session,
            actor=actor,
            data=WorkforceGroupIn(name=GROUP_NAME, kind="employees", member_ids=[p.id for p in crew]),
        )
    return {
        "learner_profile": "saved (see /planning as the demo learner)" if learner_profile else "none",
        "role": role.name,
        "group": group.name,
        "people": len(crew),
        "report": f"/planning/employer/roles/{role.id}/groups/{group.id}",
        "competencies": "ESCO v1.1.1 skills and one of the employer's own"
        if skills
        else "the ESCO files are not here: the role holds only the employer's own competency",
    }
