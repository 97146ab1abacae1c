"""Open Badges 3.0 documents composed from an achievement definition (https://www.imsglobal.org/spec/ob/v3p0/).

Pure functions returning unsigned JSON: the service signs them with bridgeway.vc.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bridgeway.credentials.schemas import AchievementDefinition, Assessment, EvidenceRef

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CONTEXTS = [VC_V2, OB_V3]
ASSESSMENT_WORDS = {
    "practical_demonstration": "Practical demonstration",
    "challenge_exam": "Challenge exam",
    "portfolio": "Portfolio review",
    "workplace_observation": "Workplace observation",
    "interview": "Structured interview",
}


def xsd_datetime(moment: datetime) -> str:
    """Return an xsd:dateTime in UTC with a Z suffix and whole seconds."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def achievement_id(base_url: str, slug: str, ref: str) -> str:
    """Return the URI of an achievement: the ref itself when it is a URI, else a URL under the institution."""
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    return f"{base_url.rstrip('/')}/institutions/{quote(slug, safe='')}/achievements/{quote(ref, safe='')}"


def issuer_profile(did: str, name: str, url: str | None = None) -> dict[str, Any]:
    """Return the OB3 issuer Profile of an institution."""
    profile: dict[str, Any] = {"id": did, "type": ["Profile"], "name": name}
    if url:
        profile["url"] = url
    return profile


def assessment_words(assessment: Assessment) -> str:
    """Return the assessment method in plain words."""
    return ASSESSMENT_WORDS.get(assessment.method, assessment.method.replace("_", " ").capitalize())


def achievement_json(definition: AchievementDefinition, *, base_url: str, slug: str, creator: dict[str, Any]) -> dict[str, Any]:
    """Return the OB3 Achievement: name, description, criteria, the one competency, assessment and stacking links."""
    the_id = achievement_id(base_url, slug, definition.ref)
    achievement: dict[str, Any] = {
        "id": the_id,
        "type": ["Achievement"],
        "achievementType": definition.achievement_type,
        "name": definition.name,
        "description": definition.description,
        "criteria": {"narrative": definition.criteria},
        "creator": creator,
        "inLanguage": "en",
    }
    if definition.alignment is not None:
        a = definition.alignment
        alignment: dict[str, Any] = {"type": ["Alignment"], "targetName": a.target_name, "targetUrl": a.target_url}
        for key, value in (
            ("targetCode", a.target_code), ("targetFramework", a.target_framework),
            ("targetDescription", a.target_description), ("targetType", a.target_type),
        ):
            if value:
                alignment[key] = value
        achievement["alignment"] = [alignment]
    tags: list[str] = []
    if definition.assessment is not None:
        tags.append(f"assessment:{definition.assessment.method}")
        if definition.assessment.plar:
            tags.append("plar")
    if tags:
        achievement["tag"] = tags
    if definition.credits_available is not None:
        achievement["creditsAvailable"] = definition.credits_available
    if definition.stacks_into:
        achievement["related"] = [
            {"id": achievement_id(base_url, slug, ref), "type": ["Related"]} for ref in definition.stacks_into
        ]
    achievement["resultDescription"] = [
        {"id": f"{the_id}#mastery", "type": ["ResultDescription"], "name": "Mastery", "resultType": "Status"}
    ]
    return achievement


def assessment_evidence(assessment: Assessment) -> dict[str, Any]:
    """Return the Evidence entry saying how mastery was assessed (method, rubric, assessor role, PLAR)."""
    words = assessment_words(assessment)
    evidence: dict[str, Any] = {
        "type": ["Evidence"],
        "name": f"Assessment: {words}",
        "genre": "Recognition of prior learning (PLAR)" if assessment.plar else "Assessment",
        "description": (
            f"Mastery was assessed by {words.lower()}"
            + (f", by an {assessment.assessor_role}" if assessment.assessor_role else "")
            + (", through prior learning assessment and recognition" if assessment.plar else "")
            + "."
        ),
    }
    if assessment.rubric:
        evidence["narrative"] = assessment.rubric
    if assessment.assessor_role:
        evidence["audience"] = assessment.assessor_role
    return evidence


def status_entries(status_base_url: str, index: int) -> list[dict[str, Any]]:
    """Return the revocation and suspension BitstringStatusListEntry of an index (one index, two lists)."""
    return [
        {
            "id": f"{status_base_url}/{purpose}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": f"{status_base_url}/{purpose}",
        }
        for purpose in ("revocation", "suspension")
    ]


def open_badge_credential(
    *,
    credential_id: str,
    issuer: dict[str, Any],
    achievement: dict[str, Any],
    subject_did: str | None,
    identity: dict[str, Any] | None,
    result: str | None,
    evidence: list[EvidenceRef],
    assessment: Assessment | None,
    valid_from: datetime,
    valid_until: datetime | None,
    status: list[dict[str, Any]],
) -> dict[str, Any]:
    """Return an unsigned OpenBadgeCredential (VC 2.0) naming the recipient by DID or hashed e-mail only."""
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if subject_did:
        subject["id"] = subject_did
    if identity is not None:
        subject["identifier"] = [identity]
    subject["achievement"] = achievement
    subject["result"] = [
        {"type": ["Result"], "resultDescription": f"{achievement['id']}#mastery", "status": "Completed",
         **({"value": result} if result else {})}
    ]
    document: dict[str, Any] = {
        "@context": list(OB_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "name": achievement["name"],
        "credentialSubject": subject,
        "awardedDate": xsd_datetime(valid_from),
    }
    if valid_until is not None:
        document["validUntil"] = xsd_datetime(valid_until)
    items = [assessment_evidence(assessment)] if assessment is not None else []
    for ref in evidence:
        item: dict[str, Any] = {"type": ["Evidence"], "name": ref.name}
        if ref.url:
            item["id"] = ref.url
        if ref.narrative:
            item["narrative"] = ref.narrative
        items.append(item)
    if items:
        document["evidence"] = items
    document["credentialStatus"] = status
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
    achievement = as_dict(subject.get("achievement"))
    alignment = as_dict(_first(achievement.get("alignment")))
    evidence = document.get("evidence")
    assessment = next((as_dict(e) for e in (evidence if isinstance(evidence, list) else [])
                       if str(as_dict(e).get("name", "")).startswith("Assessment")), None)
    result = _first(subject.get("result"))
    criteria = as_dict(achievement.get("criteria"))

    def text(value: Any) -> str | None:
        return value[:1000] if isinstance(value, str) else None

    return {
        "id": text(document.get("id")),
        "issuer_id": text(issuer.get("id") if isinstance(issuer, dict) else issuer),
        "issuer_name": text(issuer.get("name")) if isinstance(issuer, dict) else None,
        "achievement_name": text(achievement.get("name")) or text(document.get("name")),
        "achievement_description": text(achievement.get("description")),
        "achievement_type": text(achievement.get("achievementType")),
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
