"""Open Badges 3.0 documents composed from an achievement definition (https://www.imsglobal.org/spec/ob/v3p0/).

Pure functions returning unsigned JSON: the service signs them with bridgeway.vc.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from bridgeway import vc
from bridgeway.credentials.schemas import AchievementDefinition, Assessment, EvidenceRef

OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ASSESSMENT_WORDS = {
    "practical_demonstration": "Practical demonstration",
    "challenge_exam": "Challenge exam",
    "portfolio": "Portfolio review",
    "workplace_observation": "Workplace observation",
    "interview": "Structured interview",
}
PURPOSES = ("revocation", "suspension")


def achievement_id(base_url: str, slug: str, ref: str) -> str:
    """Return the URI of an achievement: the ref itself when it is a URI, else a URL under the institution."""
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    return f"{base_url.rstrip('/')}/institutions/{quote(slug, safe='')}/achievements/{quote(ref, safe='')}"


def issuer_profile(did: str, name: str, url: str | None = None) -> vc.Profile:
    """Return the OB3 issuer Profile of an institution."""
    return vc.Profile(id=did, name=name, url=url)


def assessment_words(assessment: Assessment) -> str:
    """Return the assessment method in plain words."""
    return ASSESSMENT_WORDS.get(assessment.method, assessment.method.replace("_", " ").capitalize())


def achievement(
    definition: AchievementDefinition, *, base_url: str, slug: str, creator: vc.Profile
) -> vc.Achievement:
    """Return the OB3 Achievement: name, description, criteria, the one competency, assessment and stacking links."""
    the_id = achievement_id(base_url, slug, definition.ref)
    alignment = []
    if definition.alignment is not None:
        a = definition.alignment
        alignment = [
            vc.Alignment(
                target_name=a.target_name,
                target_url=a.target_url,
                target_type=a.target_type,
                target_code=a.target_code,
                target_framework=a.target_framework,
                target_description=a.target_description,
            )
        ]
    tags = []
    if definition.assessment is not None:
        tags.append(f"assessment:{definition.assessment.method}")
        if definition.assessment.plar:
            tags.append("plar")
    return vc.Achievement(
        id=the_id,
        name=definition.name,
        description=definition.description,
        criteria_narrative=definition.criteria,
        achievement_type=definition.achievement_type,
        alignment=alignment,
        result_description=[
            vc.ResultDescription(id=f"{the_id}#mastery", name="Mastery", result_type="Status")
        ],
        related=[vc.Related(id=achievement_id(base_url, slug, ref)) for ref in definition.stacks_into],
        creator=creator,
        tag=tags,
        in_language="en",
    )


def assessment_evidence(assessment: Assessment) -> vc.Evidence:
    """Return the Evidence entry saying how mastery was assessed (method, rubric, assessor role, PLAR)."""
    words = assessment_words(assessment)
    return vc.Evidence(
        name=f"Assessment: {words}",
        genre="Recognition of prior learning (PLAR)" if assessment.plar else "Assessment",
        description=(
            f"Mastery was assessed by {words.lower()}"
            + (f", by an {assessment.assessor_role}" if assessment.assessor_role else "")
            + (", through prior learning assessment and recognition" if assessment.plar else "")
            + "."
        ),
        narrative=assessment.rubric,
        audience=assessment.assessor_role,
    )


def status_entries(status_base_url: str, index: int) -> list[dict[str, Any]]:
    """Return the revocation and suspension BitstringStatusListEntry of an index (one index, two lists)."""
    return [
        vc.status_entry(list_credential_url=f"{status_base_url}/{purpose}", index=index, purpose=purpose)
        for purpose in PURPOSES
    ]


def open_badge_credential(
    *,
    credential_id: str,
    issuer: vc.Profile,
    achievement: vc.Achievement,
    subject_did: str | None,
    identity: vc.IdentityObject | None,
    result: str | None,
    evidence: list[EvidenceRef],
    assessment: Assessment | None,
    valid_from: datetime,
    valid_until: datetime | None,
    status: list[dict[str, Any]],
    credits_available: float | None = None,
) -> dict[str, Any]:
    """Return an unsigned OpenBadgeCredential (VC 2.0) naming the recipient by DID or hashed e-mail only."""
    subject = vc.AchievementSubject(
        achievement=achievement,
        id=subject_did,
        identifier=identity,
        result=[vc.Result(result_description=f"{achievement.id}#mastery", status="Completed", value=result)],
    )
    items = [assessment_evidence(assessment)] if assessment is not None else []
    items += [vc.Evidence(id=ref.url, name=ref.name, narrative=ref.narrative) for ref in evidence]
    document = vc.build_open_badge_credential(
        issuer=issuer,
        subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        id=credential_id,
        evidence=items or None,
        credential_status=status,
        awarded_date=valid_from,
    )
    if credits_available is not None:
        document["credentialSubject"]["achievement"]["creditsAvailable"] = credits_available
    return document


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def as_dict(value: Any) -> dict[str, Any]:
    """Return the value when it is a JSON object, else an empty one (for reading untrusted documents)."""
    return value if isinstance(value, dict) else {}


def describe(document: Any) -> dict[str, Any]:
    """Pick what a person wants to see from a credential: issuer, achievement, competency, assessment, dates.

    Tolerates any shape (it is used on untrusted input before and after verification).
    """
    if not isinstance(document, dict):
        return {}
    issuer = document.get("issuer")
    subject = as_dict(_first(document.get("credentialSubject")))
    achieved = as_dict(subject.get("achievement"))
    alignment = as_dict(_first(achieved.get("alignment")))
    evidence = document.get("evidence")
    assessment = next(
        (
            as_dict(e)
            for e in (evidence if isinstance(evidence, list) else [])
            if str(as_dict(e).get("name", "")).startswith("Assessment")
        ),
        None,
    )
    result = _first(subject.get("result"))
    criteria = as_dict(achieved.get("criteria"))

    def text(value: Any) -> str | None:
        return value[:1000] if isinstance(value, str) else None

    return {
        "id": text(document.get("id")),
        "issuer_id": text(issuer.get("id") if isinstance(issuer, dict) else issuer),
        "issuer_name": text(issuer.get("name")) if isinstance(issuer, dict) else None,
        "achievement_name": text(achieved.get("name")) or text(document.get("name")),
        "achievement_description": text(achieved.get("description")),
        "achievement_type": text(achieved.get("achievementType")),
        "criteria": text(criteria.get("narrative")),
        "competency": text(alignment.get("targetName")),
        "competency_url": text(alignment.get("targetUrl")),
        "competency_framework": text(alignment.get("targetFramework")),
        "assessment": text(assessment.get("description")) if isinstance(assessment, dict) else None,
        "assessment_genre": text(assessment.get("genre")) if isinstance(assessment, dict) else None,
        "result": text(result.get("value")) if isinstance(result, dict) else None,
        "recipient": text(subject.get("id")) or ("hashed e-mail" if subject.get("identifier") else None),
        "valid_from": text(document.get("validFrom")),
        "valid_until": text(document.get("validUntil")),
    }
