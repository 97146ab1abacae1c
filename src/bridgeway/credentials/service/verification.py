"""Verifying credentials and presentations from any issuer, with each check in plain words.

Our own institutions' DID documents and status lists are read from the database; others' through the
allow-listed HTTP fetcher. did:key needs no fetching at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.config import Settings
from bridgeway.credentials.domain.documents import describe
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.credentials.schemas import CheckRead, VerificationRead
from bridgeway.credentials.service.resolution import LocalFirstFetcher

OUTCOME_WORDS = {
    "valid": "Valid: the credential is genuine, unchanged and in force.",
    "malformed": "Malformed: this is not a credential that can be read.",
    "unknown_issuer": "Unknown issuer or key: the signature cannot be traced to the issuer.",
    "tampered": "Tampered: the content was changed after it was signed.",
    "revoked": "Revoked: the issuer has withdrawn this credential.",
    "suspended": "Suspended: the issuer has put this credential on hold.",
    "expired": "Expired: the credential is past its end date.",
    "not_yet_valid": "Not yet valid: the credential's start date is in the future.",
    "status_unavailable": "Status unknown: whether the credential was revoked could not be checked.",
}
CHECK_WORDS = {
    "structure": (
        "The document is a well-formed credential.",
        "The document is not a well-formed credential.",
    ),
    "json-ld": ("The document uses only known vocabularies.", "The document uses an unknown vocabulary."),
    "issuer": ("The signing key belongs to the issuer.", "The signing key cannot be traced to the issuer."),
    "proof": ("The proof is well-formed.", "The proof is not usable."),
    "signature": (
        "The signature matches: nothing was changed.",
        "The signature does not match: the content was changed.",
    ),
    "validity": (
        "The credential is within its validity dates.",
        "The credential is outside its validity dates.",
    ),
    "status": (
        "The issuer has not revoked or suspended it.",
        "The credential is revoked, suspended or its status is unknown.",
    ),
}


def _check_words(check: vc.Check) -> str:
    passed, failed = CHECK_WORDS.get(check.name, ("The check passed.", "The check failed."))
    if check.name == "status" and not check.passed and check.failure is not None:
        return {
            "revoked": "The issuer has revoked this credential.",
            "suspended": "The issuer has suspended this credential.",
        }.get(check.failure.value, "The revocation status could not be checked.")
    return passed if check.passed else failed


def report(result: vc.VerificationResult, document: Any) -> VerificationRead:
    """Turn a vc result into the API/page report: outcome, plain-words checks and what the credential says."""
    outcome = result.status.value
    return VerificationRead(
        verified=result.valid,
        outcome=outcome,
        message=OUTCOME_WORDS.get(outcome, outcome),
        checks=[
            CheckRead(name=c.name, passed=c.passed, message=c.message, words=_check_words(c))
            for c in result.checks
        ],
        summary=describe(document),
    )


def _fetcher(session: Session, settings: Settings, http: HttpFetcher | None) -> LocalFirstFetcher:
    return LocalFirstFetcher(session, settings, http)


def verify_credential(
    session: Session,
    *,
    settings: Settings,
    document: Any,
    now: datetime | None = None,
    http: HttpFetcher | None = None,
) -> VerificationRead:
    """Verify a credential (a JSON object or its text): proof, issuer key, dates and revocation status."""
    fetcher = _fetcher(session, settings, http)
    result = vc.verify_credential(document, resolver=vc.DidResolver(fetcher), status_fetcher=fetcher, now=now)
    parsed = document
    if isinstance(document, str | bytes):
        try:
            parsed = vc.parse_json(document)
        except vc.VcError:
            parsed = None
    return report(result, parsed)


def verify_presentation(
    session: Session,
    *,
    settings: Settings,
    document: Any,
    challenge: str | None = None,
    now: datetime | None = None,
    http: HttpFetcher | None = None,
) -> VerificationRead:
    """Verify a presentation and every credential in it; the report lists each credential's outcome."""
    fetcher = _fetcher(session, settings, http)
    result = vc.verify_presentation(
        document, resolver=vc.DidResolver(fetcher), status_fetcher=fetcher, now=now, challenge=challenge
    )
    parsed = document if isinstance(document, dict) else None
    credentials = parsed.get("verifiableCredential") if isinstance(parsed, dict) else None
    credentials = credentials if isinstance(credentials, list) else [credentials] if credentials else []
    out = report(result, None)
    out.credentials = [report(r, c) for r, c in zip(result.credentials, credentials, strict=False)]
    return out
