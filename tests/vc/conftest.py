"""Fixtures telling the credential story: an institution with a did:web key signs a learner's badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bridgeway import vc

ISSUER_DID = "did:web:college.example"
STATUS_URL = "https://college.example/status/1"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@dataclass
class World:
    keys: vc.Ed25519KeyPair
    fetcher: vc.InMemoryFetcher
    resolver: vc.DidResolver
    status_list: vc.StatusList

    @property
    def method(self) -> str:
        return f"{ISSUER_DID}#key-1"

    def publish_status(
        self,
        status_list: vc.StatusList | None = None,
        *,
        keys: vc.Ed25519KeyPair | None = None,
        purpose: str = "revocation",
        url: str = STATUS_URL,
    ) -> dict[str, Any]:
        document = vc.build_status_list_credential(
            url=url,
            issuer=ISSUER_DID,
            status_list=status_list or self.status_list,
            purpose=purpose,
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        )
        signed = vc.sign_credential(
            document, private_key=(keys or self.keys).private_key, verification_method=self.method
        )
        self.fetcher.add(url, signed)
        return signed

    def sign(self, document: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return vc.sign_credential(
            document,
            private_key=self.keys.private_key,
            verification_method=self.method,
            created=datetime(2026, 1, 1, tzinfo=UTC),
            **kwargs,
        )

    def verify(self, document: Any, **kwargs: Any) -> vc.VerificationResult:
        kwargs.setdefault("now", NOW)
        return vc.verify_credential(document, resolver=self.resolver, status_fetcher=self.fetcher, **kwargs)


def welding_badge(
    *,
    index: int = 7,
    description: str = "Joins steel plates with MIG welding.",
    valid_until: datetime | None = None,
    valid_from: datetime | None = None,
    purpose: str = "revocation",
) -> dict[str, Any]:
    achievement = vc.Achievement(
        id="https://college.example/achievements/mig-welding",
        name="MIG welding fundamentals",
        description=description,
        criteria_narrative="Produces three fillet welds that pass a visual and a bend test.",
        achievement_type="Competency",
        alignment=[
            vc.Alignment(
                target_name="weld metal pieces",
                target_url="http://data.europa.eu/esco/skill/abc",
                target_type="ext:ESCOSkill",
                target_framework="ESCO",
            ),
            vc.Alignment(
                target_name="Welders",
                target_url="https://noc.esdc.gc.ca/72106",
                target_code="72106",
                target_type="ext:NOC",
            ),
        ],
        result_description=[
            vc.ResultDescription(
                id="urn:uuid:6d2f1c4e-mastery",
                name="Mastery",
                result_type="RubricCriterionLevel",
                allowed_value=["Developing", "Proficient", "Expert"],
            )
        ],
        related=[vc.Related(id="https://college.example/achievements/welding-certificate")],
    )
    subject = vc.AchievementSubject(
        achievement=achievement,
        identifier=vc.IdentityObject.hashed_email("learner@example.ca", salt="pepper"),
        result=[vc.Result(result_description="urn:uuid:6d2f1c4e-mastery", value="Proficient")],
    )
    return vc.build_open_badge_credential(
        id="urn:uuid:2b7f0f3a-0000-4000-8000-000000000001",
        issuer=vc.Profile(id=ISSUER_DID, name="Sample Polytechnic", url="https://college.example"),
        subject=subject,
        valid_from=valid_from or datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=valid_until,
        evidence=[
            vc.Evidence(
                narrative="Assessed in the shop by a certified welding instructor.",
                genre="Performance assessment",
            )
        ],
        credential_status=vc.status_entry(list_credential_url=STATUS_URL, index=index, purpose=purpose),
    )


@pytest.fixture
def world() -> World:
    keys = vc.generate_ed25519_keypair()
    fetcher = vc.InMemoryFetcher()
    fetcher.add(vc.did_web_url(ISSUER_DID), vc.did_web_document(ISSUER_DID, [("key-1", keys.public_key)]))
    w = World(keys=keys, fetcher=fetcher, resolver=vc.DidResolver(fetcher), status_list=vc.StatusList.new())
    w.publish_status()
    return w
