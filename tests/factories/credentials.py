"""Factories telling the credential story: an institution, a learner, an achievement, an issued credential."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.models import Institution, User
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import IssuedCredential
from bridgeway.credentials.schemas import (
    AchievementDefinition,
    Alignment,
    Assessment,
    IssueRequest,
    Recipient,
)
from tests.factories.accounts import create_institution, create_user, principal_of

_counter = itertools.count(1)


def achievement(ref: str | None = None, **overrides: Any) -> AchievementDefinition:
    """An achievement definition for a welding micro-credential aligned to one ESCO skill."""
    n = next(_counter)
    values: dict[str, Any] = {
        "ref": ref or f"mc-weld-{n}",
        "name": f"Weld a single-V butt joint {n}",
        "name_fr": f"Souder un joint bout à bout en V {n}",
        "description": "Prepares, tacks and welds a single-V butt joint in carbon steel to CSA W47.1.",
        "criteria": "Produces a sound weld that passes a visual inspection and a bend test.",
        "alignment": Alignment(
            target_name="weld metal pieces",
            target_url="http://data.europa.eu/esco/skill/0d0d2e7b-2d59-4d02-8b5f-2a3f6f5a8f9b",
            target_framework="ESCO 1.1.1",
            target_type="ext:ESCOSkill",
        ),
        "assessment": Assessment(
            method="practical_demonstration",
            rubric="Visual: no cracks. Bend test: no opening > 3 mm.",
            assessor_role="Red Seal welder",
        ),
    }
    values.update(overrides)
    return AchievementDefinition(**values)


def issuer_staff(
    session: Session, institution: Institution | None = None, role: Role = Role.REGISTRAR
) -> Principal:
    """A registrar (by default) of the institution, as a Principal."""
    institution = institution or create_institution(session)
    return principal_of(create_user(session, role, institution=institution))


def issue_credential(
    session: Session,
    settings: Settings,
    *,
    institution: Institution,
    learner: User,
    definition: AchievementDefinition | None = None,
    key: str | None = None,
    **request: Any,
) -> IssuedCredential:
    """Issue a credential to the learner through the real service."""
    body = IssueRequest(
        achievement=definition or achievement(),
        recipient=Recipient(user_id=learner.id),
        idempotency_key=key or f"test-{next(_counter)}",
        **request,
    )
    return credentials_service.issue(
        session, settings=settings, institution_id=institution.id, request=body, actor=None
    )


def institution_and_learner(session: Session) -> tuple[Institution, User]:
    """An institution and one of its learners."""
    institution = create_institution(session)
    return institution, create_user(session, Role.LEARNER, institution=institution)
