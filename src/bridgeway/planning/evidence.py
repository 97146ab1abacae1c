"""What the learner's records already prove, merged into their planning profile.

A stored profile holds what the learner typed (self-claimed, or inferred from work). Credentials they hold and
competencies an assessor recognised through PLAR live in other domains; planning reads them here so that a
verified credential counts as one and nothing recognised is planned again. For each competency the strongest
evidence wins (verified credential > assessor-recognised > inferred from work > self-claimed), then the most recent.
Language results recorded in the PLAR portfolio fill in the profile's languages when the learner has set none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Principal
from bridgeway.planning.schemas import CompetencyClaim, EvidenceKind, LanguageAbility, LearnerProfile

_STRENGTH = {kind: rank for rank, kind in enumerate(reversed(list(EvidenceKind)))}
_FRENCH_TESTS = re.compile(r"\b(TEF|TCF|NCLC)\b", re.IGNORECASE)


def strongest(claims: Iterable[CompetencyClaim]) -> list[CompetencyClaim]:
    """Keep one claim per competency: the strongest evidence, then the most recent use (order of first sight)."""
    best: dict[str, CompetencyClaim] = {}
    for claim in claims:
        held = best.get(claim.id)
        if held is None or _rank(claim) > _rank(held):
            best[claim.id] = claim
    return list(best.values())


def _rank(claim: CompetencyClaim) -> tuple[int, dt.date]:
    return _STRENGTH[claim.evidence], claim.last_used or dt.date.min


def recorded_claims(session: Session, *, learner_id: str) -> list[CompetencyClaim]:
    """Claims from the learner's valid credentials and their PLAR outcomes (recognised, or partly as self-claimed)."""
    from bridgeway.plar.service import credentials as plar_credentials
    from bridgeway.plar.service import outcomes

    claims = [
        CompetencyClaim(
            id=held.competency_id,
            evidence=EvidenceKind.VERIFIED_CREDENTIAL,
            last_used=held.awarded_on,
            source=f"{held.achievement_name} — {held.issuer_name or held.issuer_id}",
        )
        for held in plar_credentials.verified_credential_competencies(session, learner_id=learner_id)
    ]
    for item in outcomes.recognised(session, viewer=_self(session, learner_id), learner_id=learner_id):
        fully = item.result == "recognised"
        claims.append(
            CompetencyClaim(
                id=item.competency_uri,
                evidence=EvidenceKind.ASSESSOR_RECOGNISED if fully else EvidenceKind.SELF_CLAIMED,
                last_used=item.decided_at.date() if item.decided_at else None,
                source=f"PLAR case {item.case_id} ({item.result})",
            )
        )
    return claims


def recorded_languages(session: Session, *, learner_id: str) -> list[LanguageAbility]:
    """The most recent CLB (or NCLC) result per official language from the PLAR portfolio."""
    from bridgeway.plar.service import portfolio

    results = portfolio.get(session, viewer=_self(session, learner_id), learner_id=learner_id).languages
    latest: dict[str, LanguageAbility] = {}
    for result in sorted(results, key=lambda r: r.tested_on):
        language = "fr" if _FRENCH_TESTS.search(result.test_name) else "en"
        latest[language] = LanguageAbility(
            language=language,
            listening=result.listening,
            speaking=result.speaking,
            reading=result.reading,
            writing=result.writing,
        )
    return list(latest.values())


def with_records(session: Session, profile: LearnerProfile, *, learner_id: str) -> LearnerProfile:
    """The profile with the learner's credentials, PLAR outcomes and language results merged in."""
    claims = strongest([*recorded_claims(session, learner_id=learner_id), *profile.competencies])
    languages = profile.languages or recorded_languages(session, learner_id=learner_id)
    return profile.model_copy(update={"competencies": claims, "languages": languages})


def _self(session: Session, learner_id: str) -> Principal:
    from bridgeway.accounts import service as accounts_service

    return accounts_service.principal_for(accounts_service.get_user(session, learner_id))
