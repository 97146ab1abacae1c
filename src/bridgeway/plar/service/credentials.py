"""Verifiable credentials in the learner's portfolio: checked on upload, re-checked whenever the portfolio is read.

Verification is the credentials domain's (`credentials_service.verify_credential`: proof, issuer key through
did:key / did:web, dates, Bitstring status lists; our own institutions read from the database, other issuers
through the allow-listed HTTP fetcher). This module decides what is accepted, stores the credential's bytes as a
content-addressed evidence document and keeps what it says (issuer, achievement, competency alignments).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.errors import FetchRefused
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.credentials.schemas import VerificationRead
from bridgeway.credentials.service.verification import OUTCOME_WORDS
from bridgeway.kit.clock import utcnow
from bridgeway.plar import credential_rules as rules
from bridgeway.plar import errors, repository, schemas
from bridgeway.plar.models import PortfolioCredential
from bridgeway.plar.service import evidence

MAX_CREDENTIAL_BYTES = 256 * 1024  # the verifier's own limit
MEDIA_TYPE = "application/vc"
RECIPIENT_WORDS = {
    True: "The credential names you (your e-mail address or your DID).",
    False: "The credential names someone else (another e-mail address or DID): an assessor will check that it is yours.",
    None: "The credential names no recipient: an assessor will check that it is yours.",
}


def read_upload(content: bytes) -> tuple[bytes, dict[str, Any]]:
    """Return the credential's bytes and object from a file or a pasted body (`{"credential": …}` is unwrapped)."""
    if len(content) > MAX_CREDENTIAL_BYTES:
        raise errors.EvidenceTooLarge(
            f"a credential is at most {MAX_CREDENTIAL_BYTES // 1024} KiB",
            detail={"limit": MAX_CREDENTIAL_BYTES, "size": len(content)},
        )
    if not content.strip():
        raise _refused("malformed", "the credential is empty: paste its JSON or choose its file")
    try:
        parsed = vc.parse_json(content)
    except vc.VcError as exc:
        raise _refused("malformed", f"the credential is not readable JSON: {exc}") from None
    if isinstance(parsed, dict) and "@context" not in parsed and "credential" in parsed:  # VC-API style body
        inner = parsed["credential"]
        if isinstance(inner, str):
            return read_upload(inner.encode("utf-8"))
        parsed, content = inner, json.dumps(inner, ensure_ascii=False).encode("utf-8")
    if not isinstance(parsed, dict):
        raise _refused("malformed", "the JSON is not a credential (a JSON object is expected)")
    types = parsed.get("type")
    if types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types):
        raise _refused("malformed", "this is a presentation: add the credentials inside it one at a time")
    return content, parsed


def _refused(outcome: str, message: str, report: VerificationRead | None = None) -> errors.CredentialRefused:
    checks = (
        [_check(c.name, c.passed, c.words or c.message, c.message) for c in report.checks] if report else []
    )
    return errors.CredentialRefused(message, detail={"outcome": outcome, "checks": checks})


def _check(name: str, passed: bool, words: str, message: str = "") -> dict[str, Any]:
    return {"name": name, "passed": passed, "words": words, "message": message}


class _FetchOnce(HttpFetcher):
    """Fetch each URL at most once while a portfolio is re-checked (status lists are shared by credentials)."""

    def __init__(self, inner: HttpFetcher) -> None:
        self._inner = inner
        self._seen: dict[str, bytes | FetchRefused] = {}

    def fetch_bytes(self, url: str) -> bytes:
        """Return the body fetched earlier in this re-check, or fetch it now."""
        if url not in self._seen:
            try:
                self._seen[url] = self._inner.fetch_bytes(url)
            except FetchRefused as exc:
                self._seen[url] = exc
        got = self._seen[url]
        if isinstance(got, FetchRefused):
            raise got
        return got


def _verify(
    session: Session, settings: Settings, document: Any, *, http: HttpFetcher | None, now: datetime | None
) -> VerificationRead:
    return credentials_service.verify_credential(
        session, settings=settings, document=document, now=now, http=http
    )


def _apply(row: PortfolioCredential, report: VerificationRead) -> None:
    checks = [_check(c.name, c.passed, c.words or c.message, c.message) for c in report.checks]
    checks.append(_check("recipient", row.recipient_match is True, RECIPIENT_WORDS[row.recipient_match]))
    now = utcnow()
    if row.outcome != report.outcome:
        row.outcome_changed_at = now if row.outcome else None
        row.outcome = report.outcome
    row.checks = checks
    row.checked_at = now


def _bridgeway_id(session: Session, learner_id: str, credential_ref: str | None) -> str | None:
    if not credential_ref:
        return None
    for held in credentials_service.list_for_learner(session, user_id=learner_id):
        if held.document.get("id") == credential_ref:
            return held.id
    return None


def add(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    content: bytes,
    filename: str = "credential.json",
    http: HttpFetcher | None = None,
    now: datetime | None = None,
) -> PortfolioCredential:
    """Verify a credential and add it to the actor's portfolio; refuse malformed, tampered, unknown-key, expired ones.

    Revoked, suspended and status-unknown credentials are recorded with that outcome (it is re-checked on
    every read and they do not count as verified while it lasts).
    """
    raw, document = read_upload(content)
    report = _verify(session, settings, raw, http=http, now=now)
    if report.outcome in rules.REFUSED_ON_UPLOAD or report.outcome not in rules.RECORDED_ON_UPLOAD:
        failed = next((c for c in report.checks if not c.passed), None)
        reason = failed.message if failed is not None and failed.message else report.message
        raise _refused(report.outcome, f"the credential was refused: {reason}", report)
    ref = document.get("id") if isinstance(document.get("id"), str) else None
    digest = evidence.sha256_of(raw)
    if repository.same_credential(session, actor.user_id, sha256=digest, credential_ref=ref) is not None:
        raise errors.CredentialAlreadyInPortfolio("this credential is already in your portfolio")
    user = accounts_service.get_user(session, actor.user_id)
    issuer_id, issuer_name = rules.issuer(document)
    name, description = rules.achievement(document)
    aligned = rules.alignments(document)
    doc = evidence.store(
        session,
        settings=settings,
        actor=actor,
        filename=filename if filename.lower().endswith(".json") else "credential.json",
        content=raw,
        media_type=MEDIA_TYPE,
        text="\n".join([name, description, *(a["name"] for a in aligned)]).strip(),
        description=f"Verifiable credential: {name} — {issuer_name or issuer_id}"[:4000],
    )
    row = PortfolioCredential(
        learner_user_id=actor.user_id,
        evidence_id=doc.id,
        credential_ref=ref[:500] if ref else None,
        issuer_id=issuer_id,
        issuer_name=issuer_name,
        achievement_name=name,
        achievement_description=description,
        alignments=aligned,
        document=document,
        valid_from=rules.parse_time(document.get("validFrom")),
        valid_until=rules.parse_time(document.get("validUntil")),
        issued_by_bridgeway_id=_bridgeway_id(session, actor.user_id, ref),
        recipient_match=rules.recipient_matches(document, email=user.email, did=user.did),
        outcome="",
    )
    _apply(row, report)
    session.add(row)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.portfolio.credential.added",
        entity_type="plar_portfolio_credential",
        entity_id=row.id,
        after={"outcome": row.outcome, "issuer": issuer_id, "achievement": name, "sha256": digest},
    )
    return row


def recheck(
    session: Session,
    *,
    settings: Settings,
    rows: list[PortfolioCredential],
    http: HttpFetcher | None = None,
    now: datetime | None = None,
) -> None:
    """Verify each credential again (status lists and dates change) and record the new outcome."""
    if not rows:
        return
    once = _FetchOnce(http or HttpFetcher(settings.http_fetch_allow))
    for row in rows:
        _apply(row, _verify(session, settings, row.document, http=once, now=now))
    session.flush()


def read(row: PortfolioCredential) -> schemas.PortfolioCredentialRead:
    """Return a portfolio credential as the API and pages show it."""
    out = schemas.PortfolioCredentialRead.model_validate(row)
    out.outcome_words = OUTCOME_WORDS.get(row.outcome, row.outcome)
    out.counts_as_verified = rules.counts(row.outcome, row.recipient_match)
    return out


def list_for(
    session: Session,
    *,
    learner_id: str,
    settings: Settings | None = None,
    http: HttpFetcher | None = None,
    now: datetime | None = None,
) -> list[schemas.PortfolioCredentialRead]:
    """Return a learner's portfolio credentials, re-checked first when settings are given (no consent check)."""
    rows = repository.credentials_of(session, learner_id)
    if settings is not None:
        recheck(session, settings=settings, rows=rows, http=http, now=now)
    return [read(r) for r in rows]


def _alignments_of(document: dict[str, Any]) -> list[schemas.CredentialAlignmentRead]:
    return [schemas.CredentialAlignmentRead(**a) for a in rules.alignments(document)]


def held(session: Session, *, learner_id: str) -> list[schemas.HeldCredentialRead]:
    """Return the credentials Bridgeway institutions issued to the learner (their wallet), newest first."""
    return [
        schemas.HeldCredentialRead(
            id=c.id,
            institution_id=c.institution_id,
            achievement_name=c.achievement_name,
            kind=c.kind,
            status=c.status,
            issued_at=c.issued_at,
            valid_until=c.valid_until,
            alignments=_alignments_of(c.document),
        )
        for c in credentials_service.list_for_learner(session, user_id=learner_id)
    ]


def _claims(
    alignments: list[dict[str, Any]], *, issuer: tuple[str, str | None], credential: str, name: str, on: Any
) -> list[schemas.VerifiedCompetency]:
    return [
        schemas.VerifiedCompetency(
            competency_id=a["competency_id"],
            label=a.get("name") or a["competency_id"],
            taxonomy=a.get("taxonomy") or "other",
            issuer_id=issuer[0],
            issuer_name=issuer[1],
            credential=credential,
            achievement_name=name,
            awarded_on=on,
        )
        for a in alignments
        if a.get("competency_id")
    ]


def verified_credential_competencies(
    session: Session, *, learner_id: str, now: datetime | None = None
) -> list[schemas.VerifiedCompetency]:
    """Return the competencies aligned in the learner's currently valid credentials, one per competency id.

    Counted: portfolio credentials whose latest check was `valid` and that name the learner, and credentials a
    Bridgeway institution issued to them that are active and not past their end date. The most recent award of
    each competency is kept. This reads stored outcomes (re-checked whenever the portfolio is read); it makes no
    network request.
    """
    moment = now or utcnow()
    claims: list[schemas.VerifiedCompetency] = []
    for row in repository.credentials_of(session, learner_id):
        if rules.counts(row.outcome, row.recipient_match) and not (
            row.valid_until and row.valid_until <= moment
        ):
            claims += _claims(
                row.alignments,
                issuer=(row.issuer_id, row.issuer_name),
                credential=f"portfolio:{row.id}",
                name=row.achievement_name,
                on=rules.awarded_on(row.valid_from, row.created_at),
            )
    for c in credentials_service.list_for_learner(session, user_id=learner_id):
        if c.status == "active" and not (c.valid_until and c.valid_until <= moment):
            claims += _claims(
                rules.alignments(c.document),
                issuer=rules.issuer(c.document),
                credential=f"issued:{c.id}",
                name=c.achievement_name,
                on=rules.awarded_on(c.valid_from, c.issued_at),
            )
    latest: dict[str, schemas.VerifiedCompetency] = {}
    for claim in sorted(claims, key=lambda v: v.awarded_on or moment.date()):
        latest[claim.competency_id] = claim
    return sorted(latest.values(), key=lambda v: v.competency_id)
