"""Demo catalogue: a Canadian polytechnic's retraining offer for manufacturing, taken through real QA and approval.

Each micro-credential is aligned to a real ESCO v1.1.1 skill looked up by its label in the imported taxonomy;
where the taxonomy is not imported, an institution-defined competency with the same label stands in, and the
return value says so. Organisations quoted are the demo employer and fictional industry councils. Idempotent:
opportunities whose code exists are left as they are.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import Employer, Institution, User
from bridgeway.catalog import repository
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.domain import QA_CHECKLIST_KEYS
from bridgeway.catalog.schemas import (
    EndorsementIn,
    InstitutionCompetencyIn,
    OpportunityCreate,
    ProposalIn,
    QaReviewIn,
)
from bridgeway.kit.clock import utcnow

COUNCIL = "Northern Manufacturers' Council (fictional industry body)"
LEVELS = ["Beginning", "Developing", "Proficient", "Exemplary"]


def _rubric(*criteria: tuple[str, str]) -> dict[str, Any]:
    return {
        "criteria": [
            {"key": f"c{i}", "label": label, "description": d} for i, (label, d) in enumerate(criteria, 1)
        ],
        "levels": [{"key": lv.lower(), "label": lv, "rank": i} for i, lv in enumerate(LEVELS, 1)],
        "mastery_level": "proficient",
    }


# (code, ESCO label, fields). Micro-credentials first, so that larger credentials can stack them.
MICRO_CREDENTIALS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "MC-BPR",
        "read standard blueprints",
        {
            "title_en": "Blueprint reading for manufacturing",
            "title_fr": "Lecture de plans pour la fabrication",
            "description_en": "Read orthographic and isometric drawings, dimensions, tolerances and weld symbols.",
            "description_fr": "Lire des dessins orthographiques et isométriques, des cotes, des tolérances et des symboles de soudage.",
            "delivery_mode": "online",
            "schedules": ["evenings", "self_paced"],
            "hours": 24,
            "weeks": 4,
            "cost_cents": 49500,
            "assessment": {
                "method": "challenge_exam",
                "description": "A proctored exam on three real shop drawings.",
                "rubric": _rubric(
                    ("Views and projections", "Relates views to the part"),
                    ("Dimensions and tolerances", "Extracts limits correctly"),
                    ("Symbols", "Interprets weld and GD&T symbols"),
                ),
            },
            "statement": "Half of our new hires cannot read a drawing without help.",
        },
    ),
    (
        "MC-CNC",
        "program a CNC controller",
        {
            "title_en": "CNC programming for three-axis milling",
            "title_fr": "Programmation CNC pour fraisage trois axes",
            "description_en": "Write, simulate and prove out G-code programs that hold drawing tolerances.",
            "description_fr": "Écrire, simuler et valider des programmes en code G qui respectent les tolérances.",
            "delivery_mode": "hybrid",
            "schedules": ["evenings", "weekends"],
            "hours": 42,
            "weeks": 7,
            "cost_cents": 119500,
            "assessment": {
                "method": "practical_demonstration",
                "description": "The learner programs and machines a part to print in the college shop.",
                "rubric": _rubric(
                    ("Program structure", "Safe start-up, tool changes, canned cycles"),
                    ("Set-up", "Work offsets and tool lengths"),
                    ("Part quality", "Part within drawing tolerances"),
                ),
            },
            "statement": "We need machinists who can write and edit programs at the machine.",
        },
    ),
    (
        "MC-PLC",
        "programmable logic controller",
        {
            "title_en": "PLC programming and troubleshooting",
            "title_fr": "Programmation et dépannage d'automates",
            "description_en": "Ladder logic, I/O wiring checks and fault finding on industrial controllers.",
            "description_fr": "Logique à relais, vérification des E/S et recherche de pannes sur automates industriels.",
            "delivery_mode": "in_person",
            "schedules": ["weekends"],
            "hours": 36,
            "weeks": 6,
            "cost_cents": 129500,
            "assessment": {
                "method": "practical_demonstration",
                "description": "Find and fix three faults planted in a training line within the session.",
                "rubric": _rubric(
                    ("Reads the program", "Follows rungs and addressing"),
                    ("Diagnoses faults", "Uses online monitoring and I/O status"),
                    ("Works safely", "Lockout before touching field wiring"),
                ),
            },
            "statement": "Automation downtime costs us more than any other skill gap.",
        },
    ),
    (
        "MC-WIN",
        "perform welding inspection",
        {
            "title_en": "Welding inspection",
            "title_fr": "Inspection de soudures",
            "description_en": "Visual inspection of welds against acceptance criteria, with defect reports.",
            "description_fr": "Inspection visuelle des soudures selon les critères d'acceptation, avec rapports de défauts.",
            "delivery_mode": "in_person",
            "schedules": ["short_burst"],
            "hours": 30,
            "weeks": 1,
            "cost_cents": 145000,
            "assessment": {
                "method": "workplace_observation",
                "description": "An assessor observes the learner inspect production welds at an employer.",
                "rubric": _rubric(
                    ("Finds discontinuities", "Porosity, undercut, cracks, overlap"),
                    ("Applies acceptance criteria", "Accepts or rejects correctly"),
                    ("Reports", "Clear, traceable defect reports"),
                ),
            },
            "statement": "Every fabrication contract we bid on asks for qualified inspection.",
        },
    ),
    (
        "MC-ESF",
        "comply with electrical safety regulations",
        {
            "title_en": "Industrial electrical safety",
            "title_fr": "Sécurité électrique en milieu industriel",
            "description_en": "Hazard assessment, lockout and safe work near energised equipment.",
            "description_fr": "Évaluation des dangers, cadenassage et travail sécuritaire près d'équipements sous tension.",
            "delivery_mode": "in_person",
            "schedules": ["daytime", "short_burst"],
            "hours": 14,
            "weeks": 1,
            "cost_cents": 59500,
            "assessment": {
                "method": "practical_demonstration",
                "description": "A lockout and verification exercise on a training panel, and a hazard assessment.",
                "rubric": _rubric(
                    ("Hazard assessment", "Identifies shock and arc-flash hazards"),
                    ("Lockout", "Isolates, locks, tags and verifies"),
                ),
            },
            "statement": "No one works on our lines without demonstrated lockout skills.",
        },
    ),
    (
        "MC-COM",
        "interact verbally in English",
        {
            "title_en": "Workplace communication for newcomers",
            "title_fr": "Communication en milieu de travail pour personnes nouvellement arrivées",
            "description_en": "Shift handovers, safety talks and reporting problems, with language training (CLB 5-7).",
            "description_fr": "Passations de quart, causeries sécurité et signalement de problèmes, avec formation linguistique (NCLC 5-7).",
            "delivery_mode": "hybrid",
            "schedules": ["evenings", "self_paced"],
            "hours": 40,
            "weeks": 8,
            "cost_cents": 0,
            "language": "en",
            "assessment": {
                "method": "interview",
                "description": "A role-played shift handover and safety briefing with an instructor.",
                "rubric": _rubric(
                    ("Handover", "Passes on status and open issues clearly"),
                    ("Safety talk", "Explains a hazard and its control"),
                    ("Asking for help", "Reports a problem and checks understanding"),
                ),
            },
            "statement": "Skilled newcomers succeed faster when they can run a handover confidently.",
        },
    ),
]


def _dates(n: int) -> list[date]:
    today = utcnow().date()
    first_monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return [first_monday + timedelta(weeks=8 * i) for i in range(n)]


def _competency(
    session: Session, designer: Any, institution: Institution, code: str, label: str, fallbacks: list[str]
) -> dict[str, str]:
    found = catalog_service.competency_by_label(session, label=label, source="esco")
    if found is not None:
        return {"competency_id": found.id}
    fallbacks.append(code)
    own = repository.institution_competency_by_code(session, institution.id, f"NLP-{code}")
    if own is None:
        own = catalog_service.create_institution_competency(
            session,
            actor=designer,
            data=InstitutionCompetencyIn(
                code=f"NLP-{code}", label_en=label, description_en=f"Institution-defined: {label}."
            ),
        )
    return {"institution_competency_id": own.id}


def _publish(session: Session, version_id: str, designer: Any, reviewer: Any, approver: Any) -> None:
    catalog_service.submit(session, actor=designer, version_id=version_id)
    catalog_service.review(
        session,
        actor=reviewer,
        version_id=version_id,
        data=QaReviewIn(
            answers=dict.fromkeys(QA_CHECKLIST_KEYS, True),
            comment="Checked against the micro-credential principles.",
        ),
    )
    catalog_service.approve(session, actor=approver, version_id=version_id)
    catalog_service.publish(session, actor=approver, version_id=version_id)


def _user(users: dict[Any, User], role: Role) -> User:
    return users.get(role) or users[role.value]


def seed(
    session: Session, *, institution: Institution, employer: Employer, users: dict[Any, User]
) -> dict[str, Any]:
    """Create and publish the demo catalogue through the real workflow (idempotent); say what was done."""
    designer = accounts_service.principal_for(_user(users, Role.PROGRAM_DESIGNER))
    reviewer = accounts_service.principal_for(_user(users, Role.QA_REVIEWER))
    approver = accounts_service.principal_for(_user(users, Role.INSTITUTION_APPROVER))
    employer_user = accounts_service.principal_for(_user(users, Role.EMPLOYER))
    created: list[str] = []
    fallbacks: list[str] = []
    intakes = [{"starts_on": d.isoformat(), "seats": 18, "campus": "Main campus"} for d in _dates(3)]
    instructors = [
        {
            "name": "Renée Lavoie",
            "industry_background": "18 years in aerospace machining and CNC programming",
        },
        {
            "name": "Tom Ashby",
            "industry_background": "Millwright and controls technician, 12 years in pulp and paper",
        },
    ]

    def add(code: str, body: dict[str, Any]) -> None:
        if repository.opportunity_by_code(session, institution.id, code) is not None:
            return
        data = OpportunityCreate.model_validate(
            {"code": code, "intakes": intakes, "instructors": instructors, **body}
        )
        version = catalog_service.create_opportunity(session, actor=designer, data=data)
        _publish(session, version.id, designer, reviewer, approver)
        created.append(code)

    for code, label, fields in MICRO_CREDENTIALS:
        fields = dict(fields)
        statement = fields.pop("statement")
        add(
            code,
            {
                **fields,
                "kind": "micro_credential",
                "is_credit": False,
                "alignment": _competency(session, designer, institution, code, label, fallbacks),
                "mastery_criteria_en": "Every rubric criterion at 'Proficient' or above in the assessment.",
                "mastery_criteria_fr": "Chaque critère de la grille au niveau « Proficient » ou plus à l'évaluation.",
                "statements": [
                    {"organisation": employer.name, "statement": statement, "employer_id": employer.id},
                    {"organisation": COUNCIL, "statement": "Identified in the council's 2026 skills survey."},
                ],
            },
        )
    add(
        "WS-BPR-1D",
        {
            "kind": "workshop",
            "title_en": "Blueprint basics: single-day workshop",
            "title_fr": "Notions de lecture de plans : atelier d'une journée",
            "description_en": "A one-day introduction for supervisors and new hires, delivered at the employer's site.",
            "description_fr": "Une initiation d'une journée pour superviseurs et nouvelles recrues, chez l'employeur.",
            "delivery_mode": "in_person",
            "schedules": ["short_burst", "daytime"],
            "hours": 7,
            "weeks": 0,
            "cost_cents": 29500,
        },
    )
    add(
        "MFG-110",
        {
            "kind": "course",
            "title_en": "Manufacturing processes",
            "title_fr": "Procédés de fabrication",
            "description_en": "Machining, forming, joining and quality systems: the for-credit foundation course.",
            "description_fr": "Usinage, formage, assemblage et systèmes qualité : le cours crédité de base.",
            "delivery_mode": "hybrid",
            "schedules": ["daytime", "evenings"],
            "hours": 45,
            "weeks": 15,
            "cost_cents": 62000,
            "is_credit": True,
            "credit_value": 3,
        },
    )
    add(
        "LANG-CLB",
        {
            "kind": "course",
            "title_en": "Occupational English for the trades (CLB 5-7)",
            "title_fr": "Anglais professionnel pour les métiers (NCLC 5-7)",
            "description_en": "Language training for technical vocabulary, reading procedures and writing reports.",
            "description_fr": "Formation linguistique : vocabulaire technique, lecture de procédures, rédaction de rapports.",
            "delivery_mode": "online",
            "schedules": ["evenings", "self_paced"],
            "hours": 60,
            "weeks": 12,
            "cost_cents": 0,
        },
    )
    add(
        "CERT-AMT",
        {
            "kind": "certificate",
            "title_en": "Certificate in Advanced Manufacturing Technology",
            "title_fr": "Certificat en technologie de fabrication avancée",
            "description_en": "Earned by stacking micro-credentials and a credit course: all required plus any one elective.",
            "description_fr": "Obtenu en cumulant des microtitres et un cours crédité : toutes les composantes obligatoires et une au choix.",
            "delivery_mode": "hybrid",
            "schedules": ["evenings", "weekends"],
            "hours": 147,
            "weeks": 30,
            "cost_cents": 15000,
            "is_credit": True,
            "credit_value": 15,
            "components": [
                {"code": "MC-BPR"},
                {"code": "MC-CNC"},
                {"code": "MC-ESF"},
                {"code": "MFG-110"},
                {"code": "MC-PLC", "required": False},
                {"code": "MC-WIN", "required": False},
            ],
            "electives_required": 1,
        },
    )
    add(
        "BR-IETT",
        {
            "kind": "bridge_program",
            "title_en": "Bridge to Canadian practice for internationally trained engineering technicians",
            "title_fr": "Transition vers la pratique canadienne pour technicien·ne·s en génie formé·e·s à l'étranger",
            "description_en": "Competency-based assessment, language training and industry instructors to reach a "
            "technician role fast; prior learning is recognised where it is proven.",
            "description_fr": "Évaluation par compétences, formation linguistique et formateurs de l'industrie pour "
            "accéder vite à un poste de technicien; les acquis sont reconnus lorsqu'ils sont démontrés.",
            "delivery_mode": "hybrid",
            "schedules": ["evenings", "weekends"],
            "hours": 160,
            "weeks": 20,
            "cost_cents": 95000,
            "components": [
                {"code": "MC-COM"},
                {"code": "LANG-CLB"},
                {"code": "MC-ESF"},
                {"code": "MC-BPR"},
                {"code": "MC-PLC", "required": False},
                {"code": "MC-CNC", "required": False},
            ],
            "electives_required": 1,
        },
    )
    endorsements = _endorse(session, institution, employer_user, ["MC-CNC", "MC-WIN", "MC-PLC"])
    proposals = catalog_service.proposals_for(session, actor=employer_user)
    if not proposals:
        catalog_service.propose_competency(
            session,
            actor=employer_user,
            data=ProposalIn(
                title="Collaborative robot (cobot) programming",
                institution_id=institution.id,
                openings=6,
                description="Program and safely deploy cobots for welding and machine tending.",
            ),
        )
    return {
        "created": created,
        "published_now": len(created),
        "endorsements": endorsements,
        "competencies": (
            "ESCO v1.1.1 skills from the imported taxonomy"
            if not fallbacks
            else "institution-defined competencies stand in where the taxonomy is not imported: "
            + ", ".join(fallbacks)
        ),
        "fallbacks": fallbacks,
    }


def _endorse(session: Session, institution: Institution, employer_user: Any, codes: list[str]) -> int:
    count = 0
    for code in codes:
        opportunity = repository.opportunity_by_code(session, institution.id, code)
        version = repository.published_version(session, opportunity.id) if opportunity else None
        if opportunity is None or version is None:
            continue
        if repository.endorsement_of(session, version.id, employer_user.employer_id) is None:
            catalog_service.endorse(
                session,
                actor=employer_user,
                opportunity_id=opportunity.id,
                data=EndorsementIn(statement="We interview every graduate of this micro-credential."),
            )
            count += 1
    return count
