"""Demo credentials: real, signed credentials for the demo learner from the demo catalogue, one revoked.

Running seed() again changes nothing (every issuance carries an idempotency key, and the revocation is
only applied to a credential still in force). Never load this into a production database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts.models import Institution, User
from bridgeway.catalog import errors as catalog_errors
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.domain import OpportunityKind
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.schemas import (
    AchievementDefinition,
    Alignment,
    Assessment,
    IssueRequest,
    Recipient,
)
from bridgeway.kit.cli import settings as cli_settings

MAX_DEMO_CREDENTIALS = 4
REVOCATION_REASON = "Issued by mistake for the wrong cohort; replaced by a new credential."
# Used only when the catalogue has no published micro-credential yet.
FALLBACK = AchievementDefinition(
    ref="demo-weld-single-v",
    name="Weld a single-V groove butt joint (GMAW)",
    name_fr="Souder un joint bout à bout en V simple (GMAW)",
    description="Prepares, tacks and welds a single-V groove butt joint in carbon steel plate to CSA W47.1.",
    criteria="Produces a sound weld that passes visual inspection and a guided bend test.",
    alignment=Alignment(
        target_name="weld metal pieces",
        target_framework="ESCO 1.1.1",
        target_type="ext:ESCOSkill",
        target_url="http://data.europa.eu/esco/skill/c8f5a4e8-8e5e-4f6c-9a56-2b0d7c1c4f7f",
    ),
    assessment=Assessment(
        method="practical_demonstration",
        assessor_role="Red Seal welder",
        rubric="Visual inspection: no cracks or porosity. Bend test: no opening over 3 mm.",
    ),
)


def _published_micro_credentials(session: Session, institution_id: str) -> list[str]:
    ids = []
    for opportunity, _version in catalog_service.opportunities(session, institution_id=institution_id):
        if opportunity.kind == OpportunityKind.MICRO_CREDENTIAL.value:
            try:
                catalog_service.published_achievement_data(session, opportunity_id=opportunity.id)
            except catalog_errors.NotPublished:
                continue
            ids.append(opportunity.id)
    return ids[:MAX_DEMO_CREDENTIALS]


def seed(
    session: Session, *, institution: Institution, users: dict[str, User], catalog: Any = None
) -> dict[str, Any]:
    """Issue the demo learner's credentials (one revoked) and return what was done."""
    settings = cli_settings()
    learner = users.get("learner")
    if learner is None:
        return {"notes": ["no demo learner: no credential issued"]}
    issued = []
    for opportunity_id in _published_micro_credentials(session, institution.id):
        issued.append(
            credentials_service.issue_for_completion(
                session,
                settings=settings,
                opportunity_id=opportunity_id,
                learner_user_id=learner.id,
                actor=None,
                result="Proficient",
                source_type="demo",
                source_id=learner.id,
            )
        )
    if len(issued) < 2:
        for n, definition in enumerate(
            [
                FALLBACK,
                FALLBACK.model_copy(
                    update={
                        "ref": "demo-fit-up",
                        "name": "Fit up and tack a T-joint",
                        "name_fr": "Assembler et pointer un joint en T",
                    }
                ),
            ][len(issued) :]
        ):
            issued.append(
                credentials_service.issue(
                    session,
                    settings=settings,
                    institution_id=institution.id,
                    actor=None,
                    request=IssueRequest(
                        achievement=definition,
                        recipient=Recipient(user_id=learner.id),
                        idempotency_key=f"demo:{learner.id}:fallback-{n}",
                        result="Proficient",
                    ),
                )
            )
    revoked = issued[-1]
    if revoked.status == "active" and not any(c.status == "revoked" for c in issued):
        credentials_service.revoke(
            session, settings=settings, credential_id=revoked.id, reason=REVOCATION_REASON, actor=None
        )
    rules = credentials_service.stack_rules_from_catalog(
        session, settings=settings, institution_id=institution.id
    )
    awards = credentials_service.evaluate_stacking(
        session, settings=settings, learner_user_id=learner.id, rules=rules, actor=None
    )
    return {
        "credentials": [c.id for c in issued],
        "revoked": revoked.id,
        "notes": [
            f"{len(issued)} signed credentials for {learner.email} (one revoked); see /wallet, and verify one at "
            f"{settings.base_url.rstrip('/')}/verify/{issued[0].id}",
            *([f"{len(awards)} stacked award(s) earned"] if awards else []),
        ],
    }
