"""Demo data: one institution, one manufacturing employer, and one user per role.

Every demo user signs in with the password DEMO_PASSWORD ("bridgeway-demo"). Running seed() again changes
nothing. Never load this into a production database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Role
from bridgeway.accounts.models import Employer, Institution, User

DEMO_PASSWORD = "bridgeway-demo"
INSTITUTION_SLUG = "northern-lights"
EMPLOYER_SLUG = "boreal-fabrication"

# (e-mail, display name, roles); employer users belong to the employer, everyone else to the institution.
DEMO_USERS: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("learner@northern-lights.example", "Léa Tremblay", (Role.LEARNER,)),
    ("advisor@northern-lights.example", "Samuel Okafor", (Role.ADVISOR,)),
    ("assessor@northern-lights.example", "Priya Natarajan", (Role.ASSESSOR,)),
    ("designer@northern-lights.example", "Marc Gagnon", (Role.PROGRAM_DESIGNER,)),
    ("qa@northern-lights.example", "Aisha Cardinal", (Role.QA_REVIEWER,)),
    ("approver@northern-lights.example", "Dr. Helen Whitford", (Role.INSTITUTION_APPROVER,)),
    ("registrar@northern-lights.example", "Jean-Philippe Roy", (Role.REGISTRAR,)),
    ("admin@northern-lights.example", "Nadia Bouchard", (Role.INSTITUTION_ADMIN,)),
    ("employer@boreal-fabrication.example", "Owen MacLeod", (Role.EMPLOYER,)),
)


def _institution(session: Session) -> Institution:
    try:
        return accounts_service.get_institution_by_slug(session, INSTITUTION_SLUG)
    except errors.UnknownInstitution:
        return accounts_service.create_institution(
            session,
            slug=INSTITUTION_SLUG,
            name="Northern Lights Polytechnic",
            name_fr="Polytechnique Aurores boréales",
            url="https://northern-lights.example",
        )


def _employer(session: Session) -> Employer:
    try:
        return accounts_service.get_employer_by_slug(session, EMPLOYER_SLUG)
    except errors.UnknownEmployer:
        return accounts_service.create_employer(
            session,
            slug=EMPLOYER_SLUG,
            name="Boreal Metal Fabrication Ltd.",
            kind="employer",
        )


def _user(
    session: Session,
    email: str,
    name: str,
    roles: tuple[Role, ...],
    institution: Institution,
    employer: Employer,
) -> User:
    try:
        return accounts_service.get_user_by_email(session, email)
    except errors.UnknownUser:
        is_employer = Role.EMPLOYER in roles
        return accounts_service.create_user(
            session,
            email=email,
            display_name=name,
            roles=roles,
            password=DEMO_PASSWORD,
            institution_id=None if is_employer else institution.id,
            employer_id=employer.id if is_employer else None,
        )


def seed(session: Session) -> dict[str, Any]:
    """Create the demo institution, employer and users (idempotent); return the logins to print."""
    institution = _institution(session)
    employer = _employer(session)
    users = {
        email: _user(session, email, name, roles, institution, employer) for email, name, roles in DEMO_USERS
    }
    learner = users[DEMO_USERS[0][0]]
    # The demo learner lets the demo institution see their portfolio, so PLAR and planning demos have data to show.
    accounts_service.grant_consent(
        session,
        actor=accounts_service.principal_for(learner),
        grantee_kind=ConsentGrantee.INSTITUTION,
        grantee_id=institution.id,
    )
    return {
        "institution": {"id": institution.id, "slug": institution.slug, "name": institution.name},
        "employer": {"id": employer.id, "slug": employer.slug, "name": employer.name},
        "password": DEMO_PASSWORD,
        "logins": [
            {"email": email, "name": name, "roles": [r.value for r in roles]}
            for email, name, roles in DEMO_USERS
        ],
    }
