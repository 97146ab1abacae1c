"""Typed builders for Open Badges 3.0, CLR 2.0 and VC 2.0 documents, keeping the specs' wire names.

Open Badges 3.0: https://www.imsglobal.org/spec/ob/v3p0/ ; CLR 2.0: https://www.imsglobal.org/spec/clr/v2p0/ ;
VC Data Model 2.0: https://www.w3.org/TR/vc-data-model-2.0/ . Each class's `to_json()` returns the JSON-LD
object with the spec's property names; optional fields left as None are omitted.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bridgeway.vc._contexts import OB_V3, VC_V2
from bridgeway.vc._errors import MalformedDocument
from bridgeway.vc._proofs import format_datetime

CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

ALIGNMENT_TARGET_TYPES = frozenset(
    {
        "ceasn:Competency",
        "ceterms:Credential",
        "CFItem",
        "CFRubric",
        "CFRubricCriterion",
        "CFRubricCriterionLevel",
        "CTDL",
    }
)
RESULT_TYPES = frozenset(
    {
        "GradePointAverage",
        "LetterGrade",
        "Percent",
        "PerformanceLevel",
        "PredictedScore",
        "RawScore",
        "Result",
        "RubricCriterion",
        "RubricCriterionLevel",
        "RubricScore",
        "ScaledScore",
        "Status",
    }
)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != []}


def _check_extensible(value: str | None, allowed: frozenset[str], what: str) -> None:
    if value is not None and value not in allowed and not value.startswith("ext:"):
        raise MalformedDocument(f"{what} {value!r} is neither a defined value nor an 'ext:' extension")


def new_urn() -> str:
    """A fresh urn:uuid identifier."""
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass
class Profile:
    """An issuer or creator (OB 3.0 §B.1.17 Profile, https://www.imsglobal.org/spec/ob/v3p0/#profile)."""

    id: str
    name: str
    url: str | None = None
    description: str | None = None
    email: str | None = None
    image: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Profile object."""
        image = {"id": self.image, "type": "Image"} if self.image else None
        return _clean(
            {
                "id": self.id,
                "type": ["Profile"],
                "name": self.name,
                "url": self.url,
                "description": self.description,
                "email": self.email,
                "image": image,
            }
        )


@dataclass
class IdentityObject:
    """A hashed recipient identifier (OB 3.0 §B.1.11 IdentityObject, .../ob/v3p0/#identityobject)."""

    identity_hash: str
    salt: str
    identity_type: str = "emailAddress"

    @classmethod
    def hashed_email(cls, email: str, *, salt: str | None = None) -> IdentityObject:
        """Hash an email address (trimmed, lower-cased) with a salt: identityHash = 'sha256$' + hex(sha256(email+salt))."""
        if "@" not in email:
            raise MalformedDocument("not an email address")
        salt = salt if salt is not None else secrets.token_hex(16)
        digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
        return cls(identity_hash=f"sha256${digest}", salt=salt)

    def matches(self, email: str) -> bool:
        """Whether `email` is the identity that was hashed."""
        return IdentityObject.hashed_email(email, salt=self.salt).identity_hash == self.identity_hash

    def to_json(self) -> dict[str, Any]:
        """The IdentityObject (hashed is always true: Bridgeway never puts a plain email in a credential)."""
        return {
            "type": "IdentityObject",
            "identityHash": self.identity_hash,
            "identityType": self.identity_type,
            "hashed": True,
            "salt": self.salt,
        }


@dataclass
class Alignment:
    """A competency or framework alignment (OB 3.0 §B.1.3 Alignment, .../ob/v3p0/#alignment).

    targetType is one of the spec's values or a custom type prefixed with `ext:` (e.g. `ext:ESCOSkill`).
    """

    target_name: str
    target_url: str
    target_type: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_description: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Alignment object."""
        _check_extensible(self.target_type, ALIGNMENT_TARGET_TYPES, "alignment targetType")
        return _clean(
            {
                "type": ["Alignment"],
                "targetName": self.target_name,
                "targetUrl": self.target_url,
                "targetType": self.target_type,
                "targetCode": self.target_code,
                "targetFramework": self.target_framework,
                "targetDescription": self.target_description,
            }
        )


@dataclass
class ResultDescription:
    """How results are described, e.g. a mastery scale (OB 3.0 §B.1.20, .../ob/v3p0/#resultdescription)."""

    id: str
    name: str
    result_type: str
    allowed_value: list[str] = field(default_factory=list)
    required_value: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ResultDescription object."""
        _check_extensible(self.result_type, RESULT_TYPES, "resultType")
        if len(set(self.allowed_value)) != len(self.allowed_value):
            # repeated list items are indistinguishable blank nodes: RDFC-1.0 implementations refuse the document
            raise MalformedDocument("allowedValue must not repeat a value")
        return _clean(
            {
                "id": self.id,
                "type": ["ResultDescription"],
                "name": self.name,
                "resultType": self.result_type,
                "allowedValue": list(self.allowed_value),
                "requiredValue": self.required_value,
            }
        )


@dataclass
class Result:
    """A learner's result against a ResultDescription (OB 3.0 §B.1.19 Result, .../ob/v3p0/#result)."""

    result_description: str | None = None
    value: str | None = None
    status: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Result object."""
        return _clean(
            {
                "type": ["Result"],
                "resultDescription": self.result_description,
                "value": self.value,
                "status": self.status,
            }
        )


@dataclass
class Evidence:
    """Evidence of the achievement, e.g. a portfolio or an assessment (OB 3.0 §B.1.9, .../ob/v3p0/#evidence)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Evidence object."""
        return _clean(
            {
                "id": self.id,
                "type": ["Evidence"],
                "name": self.name,
                "description": self.description,
                "narrative": self.narrative,
                "genre": self.genre,
                "audience": self.audience,
            }
        )


@dataclass
class Related:
    """A link to a related achievement, used for stacking into a parent credential (OB 3.0 §B.1.18 Related)."""

    id: str
    version: str | None = None
    in_language: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Related object."""
        return _clean(
            {"id": self.id, "type": ["Related"], "version": self.version, "inLanguage": self.in_language}
        )


@dataclass
class Achievement:
    """The achievement a credential recognises (OB 3.0 §B.1.1 Achievement, .../ob/v3p0/#achievement)."""

    id: str
    name: str
    description: str
    criteria_narrative: str
    criteria_id: str | None = None
    achievement_type: str | None = None
    alignment: list[Alignment] = field(default_factory=list)
    result_description: list[ResultDescription] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    creator: Profile | None = None
    human_code: str | None = None
    field_of_study: str | None = None
    tag: list[str] = field(default_factory=list)
    version: str | None = None
    in_language: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Achievement object."""
        criteria = _clean({"id": self.criteria_id, "narrative": self.criteria_narrative})
        return _clean(
            {
                "id": self.id,
                "type": ["Achievement"],
                "achievementType": self.achievement_type,
                "name": self.name,
                "description": self.description,
                "criteria": criteria,
                "alignment": [a.to_json() for a in self.alignment],
                "resultDescription": [r.to_json() for r in self.result_description],
                "related": [r.to_json() for r in self.related],
                "creator": self.creator.to_json() if self.creator else None,
                "humanCode": self.human_code,
                "fieldOfStudy": self.field_of_study,
                "tag": list(self.tag),
                "version": self.version,
                "inLanguage": self.in_language,
            }
        )


@dataclass
class AchievementSubject:
    """The recipient and what they achieved (OB 3.0 §B.1.2 AchievementSubject).

    The recipient is a DID (`id`) or a hashed IdentityObject; a plain email is never accepted.
    """

    achievement: Achievement
    id: str | None = None
    identifier: IdentityObject | None = None
    result: list[Result] = field(default_factory=list)
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The AchievementSubject object."""
        if self.id is None and self.identifier is None:
            raise MalformedDocument("the subject needs a DID or a hashed identifier")
        if self.id is not None and ("@" in self.id and not self.id.startswith("did:")):
            raise MalformedDocument(
                "the subject id must not be an email address; use a hashed IdentityObject"
            )
        return _clean(
            {
                "id": self.id,
                "type": ["AchievementSubject"],
                "identifier": [self.identifier.to_json()] if self.identifier else None,
                "achievement": self.achievement.to_json(),
                "result": [r.to_json() for r in self.result],
                "activityStartDate": format_datetime(self.activity_start_date)
                if self.activity_start_date
                else None,
                "activityEndDate": format_datetime(self.activity_end_date)
                if self.activity_end_date
                else None,
            }
        )


def build_open_badge_credential(
    *,
    issuer: Profile,
    subject: AchievementSubject,
    valid_from: datetime,
    valid_until: datetime | None = None,
    id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    evidence: list[Evidence] | None = None,
    credential_status: list[dict[str, Any]] | dict[str, Any] | None = None,
    awarded_date: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential on VC 2.0 (OB 3.0 §B.1.15 AchievementCredential)."""
    document: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": id or new_urn(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.to_json(),
        "validFrom": format_datetime(valid_from),
        "name": name or subject.achievement.name,
        "credentialSubject": subject.to_json(),
    }
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    if description is not None:
        document["description"] = description
    if awarded_date is not None:
        document["awardedDate"] = format_datetime(awarded_date)
    if evidence:
        document["evidence"] = [e.to_json() for e in evidence]
    if credential_status:
        document["credentialStatus"] = credential_status
    return document


@dataclass
class Association:
    """A relation between two achievements in a CLR (CLR 2.0 §B.1.2 Association, .../clr/v2p0/#association)."""

    association_type: str
    source_id: str
    target_id: str

    def to_json(self) -> dict[str, Any]:
        """The Association object."""
        return {
            "type": "Association",
            "associationType": self.association_type,
            "sourceId": self.source_id,
            "targetId": self.target_id,
        }


def build_clr_credential(
    *,
    issuer: Profile,
    learner_id: str | None,
    learner_identifier: IdentityObject | None,
    credentials: list[dict[str, Any]],
    associations: list[Association] | None = None,
    valid_from: datetime,
    name: str,
    id: str | None = None,
) -> dict[str, Any]:
    """An unsigned ClrCredential bundling signed OpenBadgeCredentials (CLR 2.0 §B.1.4 ClrCredential).

    The CLR 2.0 context is read from an installed PyPI distribution with a pinned SHA-256 (see
    `_contexts.PACKAGED_CONTEXTS`); without it this document can be built but not signed or verified.
    """
    if learner_id is None and learner_identifier is None:
        raise MalformedDocument("the CLR subject needs a DID or a hashed identifier")
    subject = _clean(
        {
            "id": learner_id,
            "type": ["ClrSubject"],
            "identifier": [learner_identifier.to_json()] if learner_identifier else None,
            "verifiableCredential": credentials,
            "association": [a.to_json() for a in associations or []],
        }
    )
    return {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": id or new_urn(),
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer.to_json(),
        "validFrom": format_datetime(valid_from),
        "name": name,
        "credentialSubject": subject,
    }


def build_presentation(
    credentials: list[dict[str, Any]], *, holder: str | None = None, id: str | None = None
) -> dict[str, Any]:
    """An unsigned VerifiablePresentation (VC 2.0 §4.13, https://www.w3.org/TR/vc-data-model-2.0/#presentations)."""
    return _clean(
        {
            "@context": [VC_V2],
            "id": id or new_urn(),
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": list(credentials),
        }
    )
