"""Bridge-training test data: a few real NOC 2021 / OaSIS / O*NET occupations with their official sentences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import ConsentGrantee, Principal, Role
from bridgeway.accounts.models import Institution, User
from bridgeway.bridging import schemas
from bridgeway.bridging.models import BridgingIntake
from bridgeway.bridging.service import intakes
from bridgeway.plar import schemas as plar_schemas
from bridgeway.plar import service as plar_service
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.models import Occupation, Outlook, TaxonomyRelease
from tests.factories.accounts import create_user

# OaSIS 2023 employment requirements, verbatim from the official file.
RN_REQUIREMENTS = [
    "Completion of a university, college or other approved registered nursing program is required.",
    "Registration with a regulatory body is required in all provinces and territories.",
]
# COPS 2024–2033 French name of NOC 31301 (Nom_de_la_profession).
RN_FRENCH = (
    "Infirmiers autorisés/infirmières autorisées et infirmiers psychiatriques autorisés/infirmières "
    "psychiatriques autorisées"
)
DEV_REQUIREMENTS = [
    "A bachelor's degree, usually in computer science or in a related discipline is usually required.",
]


def _release(session: Session, source: str) -> TaxonomyRelease:
    release = taxonomy_service.latest_release(session, source)
    if release is not None:
        return release
    release = TaxonomyRelease(
        source=source, version=f"bridging-{source}", fingerprint="0" * 64, checksums={}, summary={}
    )
    session.add(release)
    session.flush()
    return release


def _occupation(session: Session, source: str, code: str, label: str, **extra: object) -> None:
    release = _release(session, source)
    if session.scalar(select(Occupation).filter_by(release_id=release.id, code=code)) is not None:
        return
    session.add(Occupation(release_id=release.id, source=source, code=code, label=label, extra={}, **extra))
    session.flush()


def add_occupations(session: Session) -> None:
    """NOC 31301 (regulated), NOC 21232 (not regulated), their OaSIS profiles, and O*NET 29-1141.00."""
    _occupation(
        session,
        "noc",
        "31301",
        "Registered nurses and registered psychiatric nurses",
        level="unit_group",
        noc_code="31301",
        teer="1",
    )
    _occupation(
        session,
        "oasis",
        "31301.01",
        "Registered nurses",
        level="profile",
        noc_code="31301",
        employment_requirements=RN_REQUIREMENTS,
    )
    _occupation(session, "noc", "3130", "Professional occupations in nursing", level="minor_group")
    _occupation(
        session,
        "noc",
        "21232",
        "Software developers and programmers",
        level="unit_group",
        noc_code="21232",
        teer="1",
    )
    _occupation(
        session,
        "oasis",
        "21232.00",
        "Software developers and programmers",
        level="profile",
        noc_code="21232",
        employment_requirements=DEV_REQUIREMENTS,
    )
    _occupation(session, "onet", "29-1141.00", "Registered Nurses", level="occupation")
    cops = _release(session, "cops")
    if session.scalar(select(Outlook).filter_by(release_id=cops.id, noc_code="31301")) is None:
        session.add(
            Outlook(
                release_id=cops.id,
                noc_code="31301",
                name="Registered nurses and registered psychiatric nurses",
                name_fr=RN_FRENCH,
                period="2024-2033",
            )
        )
        session.flush()


@dataclass
class World:
    """An institution with an advisor and a consenting newcomer learner, and a second institution."""

    institution: Institution
    advisor: User
    learner: User
    other_institution: Institution
    other_advisor: User

    @property
    def advisor_p(self) -> Principal:
        return accounts_service.principal_for(self.advisor)

    @property
    def learner_p(self) -> Principal:
        return accounts_service.principal_for(self.learner)

    @property
    def other_advisor_p(self) -> Principal:
        return accounts_service.principal_for(self.other_advisor)


def consent(session: Session, learner: User, institution: Institution) -> None:
    """The learner lets the institution see their records."""
    accounts_service.grant_consent(
        session,
        actor=accounts_service.principal_for(learner),
        grantee_kind=ConsentGrantee.INSTITUTION,
        grantee_id=institution.id,
    )


def world(session: Session, *, with_consent: bool = True) -> World:
    """Occupations, two institutions with an advisor each, and a learner of the first one."""
    from tests.factories.accounts import create_institution

    add_occupations(session)
    institution, other = create_institution(session), create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    if with_consent:
        consent(session, learner, institution)
    return World(
        institution=institution,
        advisor=create_user(session, Role.ADVISOR, institution=institution),
        learner=learner,
        other_institution=other,
        other_advisor=create_user(session, Role.ADVISOR, institution=other),
    )


def add_language(session: Session, learner: User, **levels: int) -> str:
    """Add a CELPIP result to the learner's PLAR portfolio (default below CLB 7 in speaking and writing)."""
    values = {"listening": 7, "speaking": 6, "reading": 7, "writing": 5, **levels}
    row = plar_service.portfolio.add_language(
        session,
        actor=accounts_service.principal_for(learner),
        data=plar_schemas.LanguageResultCreate(test_name="CELPIP-G", tested_on=date(2025, 2, 8), **values),
    )
    return row.id


def open_intake(session: Session, w: World, target: str = "31301", **extra: object) -> BridgingIntake:
    """Open an intake for the world's learner as its advisor."""
    data = schemas.IntakeCreate(
        learner_id=w.learner.id,
        origin_country="PH",
        target_code=target,
        **extra,
    )
    return intakes.open_intake(session, actor=w.advisor_p, data=data)
