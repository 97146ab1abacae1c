"""Planning counts what the learner's records prove: credentials held, PLAR outcomes, language results."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.planning import evidence
from bridgeway.planning.schemas import CompetencyClaim, EvidenceKind, LearnerProfile
from bridgeway.plar import schemas as plar_schemas
from bridgeway.plar.service import portfolio
from tests.factories.credentials import institution_and_learner, issue_credential

WELD = "http://data.europa.eu/esco/skill/0d0d2e7b-2d59-4d02-8b5f-2a3f6f5a8f9b"
OTHER = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def test_a_credential_held_outranks_the_same_competency_claimed_by_the_learner(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    issue_credential(session, settings, institution=institution, learner=learner)
    typed = LearnerProfile(
        competencies=[
            CompetencyClaim(id=WELD, evidence=EvidenceKind.SELF_CLAIMED),
            CompetencyClaim(id=OTHER, evidence=EvidenceKind.INFERRED_FROM_WORK),
        ]
    )
    merged = evidence.with_records(session, typed, learner_id=learner.id)
    by_id = {c.id: c for c in merged.competencies}
    assert by_id[WELD].evidence is EvidenceKind.VERIFIED_CREDENTIAL
    assert institution.name in (by_id[WELD].source or "")
    assert by_id[OTHER].evidence is EvidenceKind.INFERRED_FROM_WORK
    assert len(merged.competencies) == 2


def test_a_revoked_credential_no_longer_counts(session: Session, settings: Settings) -> None:
    institution, learner = institution_and_learner(session)
    credential = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.revoke(
        session, settings=settings, credential_id=credential.id, reason="Issued in error", actor=None
    )
    merged = evidence.with_records(session, LearnerProfile(), learner_id=learner.id)
    assert merged.competencies == []


def test_language_results_fill_the_profile_per_official_language_latest_first(
    session: Session, settings: Settings
) -> None:
    _, learner = institution_and_learner(session)
    me = accounts_service.principal_for(learner)
    for name, day, level in (("CELPIP-G", 1, 5), ("CELPIP-G", 20, 7), ("TEF Canada", 3, 6)):
        portfolio.add_language(
            session,
            actor=me,
            data=plar_schemas.LanguageResultCreate(
                test_name=name,
                tested_on=dt.date(2026, 3, day),
                listening=level,
                speaking=level,
                reading=level,
                writing=level,
            ),
        )
    merged = evidence.with_records(session, LearnerProfile(), learner_id=learner.id)
    assert {(lang.language, lang.lowest()) for lang in merged.languages} == {("en", 7), ("fr", 6)}


def test_languages_the_learner_set_themself_are_kept(session: Session, settings: Settings) -> None:
    _, learner = institution_and_learner(session)
    typed = LearnerProfile.model_validate(
        {"languages": [{"language": "en", "listening": 9, "speaking": 9, "reading": 9, "writing": 9}]}
    )
    assert evidence.with_records(session, typed, learner_id=learner.id).languages == typed.languages


def test_the_strongest_evidence_then_the_latest_use_wins() -> None:
    old = CompetencyClaim(id=WELD, evidence=EvidenceKind.ASSESSOR_RECOGNISED, last_used=dt.date(2020, 1, 1))
    new = CompetencyClaim(id=WELD, evidence=EvidenceKind.ASSESSOR_RECOGNISED, last_used=dt.date(2025, 1, 1))
    weak = CompetencyClaim(id=WELD, evidence=EvidenceKind.SELF_CLAIMED, last_used=dt.date(2026, 1, 1))
    assert evidence.strongest([old, weak, new]) == [new]
