"""The thin adapter from the catalogue to issuance: achievement definitions and stacking rules.

Issuance itself only knows `AchievementDefinition` and `StackRule`; this module fills them from
`catalog_service.achievement_data` and `catalog_service.stacking_rules`. An achievement's ref is the
catalogue opportunity id, which is what stacking rules name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.domain import FORMAL_KINDS, OpportunityKind
from bridgeway.config import Settings
from bridgeway.credentials.models import IssuedCredential, StackAward
from bridgeway.credentials.schemas import (
    AchievementDefinition,
    Alignment,
    Assessment,
    EvidenceRef,
    IssueRequest,
    Recipient,
    StackRule,
)
from bridgeway.credentials.service import issuance, stacking

ACHIEVEMENT_TYPES = {
    "micro_credential": "MicroCredential",
    "certificate": "Certificate",
    "diploma": "Diploma",
    "degree": "Degree",
    "apprenticeship": "ApprenticeshipCertificate",
    "course": "Course",
    "workshop": "Achievement",
    "bridge_program": "Certificate",
}


def rubric_text(rubric: dict[str, Any] | None) -> str | None:
    """Write a stored rubric as plain text: criteria, levels, and the mastery threshold."""
    if not rubric:
        return None
    criteria = "; ".join(
        str(c.get("label", c.get("key"))) for c in rubric.get("criteria", []) if isinstance(c, dict)
    )
    levels = sorted(
        (lv for lv in rubric.get("levels", []) if isinstance(lv, dict)), key=lambda lv: lv.get("rank", 0)
    )
    level_words = " < ".join(str(lv.get("label", lv.get("key"))) for lv in levels)
    mastery = next(
        (lv.get("label") for lv in levels if lv.get("key") == rubric.get("mastery_level")),
        rubric.get("mastery_level"),
    )
    return f"Criteria: {criteria}. Levels: {level_words}. Mastery: every criterion at {mastery} or above."[
        :4000
    ]


def achievement_from_catalog(
    session: Session, *, settings: Settings, opportunity_id: str | None = None, version_id: str | None = None
) -> AchievementDefinition:
    """Return the achievement definition of a published catalogue version (by version, or the current one)."""
    if version_id is not None:
        data = catalog_service.achievement_data(session, version_id=version_id)
    else:
        data = catalog_service.published_achievement_data(session, opportunity_id=str(opportunity_id))
    institution = accounts_service.get_institution(session, data.institution_id)
    alignment = None
    if data.alignment is not None:
        a = data.alignment
        url = a.target_url or (
            f"{settings.base_url.rstrip('/')}/institutions/{quote(institution.slug)}/competencies/"
            f"{quote(a.target_code, safe='')}"
        )
        alignment = Alignment(
            target_name=a.target_name,
            target_url=url,
            target_code=a.target_code or None,
            target_framework=a.target_framework or None,
            target_description=a.target_description[:2000] or None,
            target_type=a.target_type,
        )
    assessment = None
    if data.assessment_method:
        assessment = Assessment(method=data.assessment_method, rubric=rubric_text(data.rubric))
    return AchievementDefinition(
        ref=data.opportunity_id,
        name=data.name,
        name_fr=data.name_fr or None,
        description=data.description or data.name,
        criteria=data.criteria_narrative or data.assessment_description or data.description or data.name,
        achievement_type=ACHIEVEMENT_TYPES.get(data.kind, "Achievement"),
        alignment=alignment,
        assessment=assessment,
        credits_available=data.credit_value if data.is_credit else None,
        stacks_into=[c.opportunity_id for c in data.stacks_into],
        stacks_into_names={c.opportunity_id: c.title_en for c in data.stacks_into},
    )


def stack_rules_from_catalog(session: Session, *, settings: Settings, institution_id: str) -> list[StackRule]:
    """Return the institution's stacking rules; formal parents (certificates, diplomas, ...) need approval."""
    rules = []
    for rule in catalog_service.stacking_rules(session, institution_id=institution_id):
        parent = achievement_from_catalog(session, settings=settings, opportunity_id=rule.parent)
        data = catalog_service.published_achievement_data(session, opportunity_id=rule.parent)
        rules.append(
            StackRule(
                institution_id=institution_id,
                parent=parent,
                required=sorted(rule.required),
                electives=sorted(rule.electives),
                electives_required=rule.electives_required,
                requires_approval=OpportunityKind(data.kind) in FORMAL_KINDS,
            )
        )
    return rules


def issue_for_completion(
    session: Session,
    *,
    settings: Settings,
    opportunity_id: str,
    learner_user_id: str,
    actor: Principal | None,
    result: str | None = None,
    evidence: list[EvidenceRef] | None = None,
    plar: bool = False,
    source_type: str | None = None,
    source_id: str | None = None,
) -> IssuedCredential:
    """Issue the credential of a completed (or, with plar=True, recognised) catalogue micro-credential.

    Idempotent per learner and opportunity (and source, when given): calling it again returns the same credential.
    Then the institution's stacking rules are evaluated, so a parent the learner now earns is awarded (or queued
    for approval).
    """
    definition = achievement_from_catalog(session, settings=settings, opportunity_id=opportunity_id)
    if plar and definition.assessment is not None:
        definition = definition.model_copy(
            update={"assessment": definition.assessment.model_copy(update={"plar": True})}
        )
    data = catalog_service.published_achievement_data(session, opportunity_id=opportunity_id)
    key = f"{source_type or 'completion'}:{source_id or learner_user_id}:{opportunity_id}"
    request = IssueRequest(
        achievement=definition,
        recipient=Recipient(user_id=learner_user_id),
        idempotency_key=key[:200],
        kind="plar" if plar else "micro_credential",
        result=result,
        evidence=evidence or [],
        source_type=source_type,
        source_id=source_id,
    )
    credential = issuance.issue(
        session, settings=settings, institution_id=data.institution_id, request=request, actor=actor
    )
    award_stacks(
        session,
        settings=settings,
        institution_id=data.institution_id,
        learner_user_id=learner_user_id,
        actor=actor,
    )
    return credential


def award_stacks(
    session: Session,
    *,
    settings: Settings,
    institution_id: str,
    learner_user_id: str,
    actor: Principal | None,
) -> list[StackAward]:
    """Evaluate the institution's catalogue stacking rules for one learner (awarding or queueing parents)."""
    rules = stack_rules_from_catalog(session, settings=settings, institution_id=institution_id)
    if not rules:
        return []
    return stacking.evaluate(
        session, settings=settings, learner_user_id=learner_user_id, rules=rules, actor=actor
    )
