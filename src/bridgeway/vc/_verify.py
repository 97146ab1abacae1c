"""Verification of credentials and presentations, with a structured result in plain words.

VC Data Model 2.0 validation (https://www.w3.org/TR/vc-data-model-2.0/#validation), Data Integrity proof
verification (https://www.w3.org/TR/vc-data-integrity/#verify-proof) and Bitstring Status List validation
(https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm). No exception escapes `verify_*`: every
problem becomes a failed check with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bridgeway.vc._contexts import VC_V2
from bridgeway.vc._did import DidResolver, Fetcher, fetch
from bridgeway.vc._errors import MalformedDocument, StatusListError, UnknownContext, UnresolvableDid, VcError
from bridgeway.vc._json import check_limits, parse_json
from bridgeway.vc._jsonld import to_quads
from bridgeway.vc._proofs import JCS, check_proof_shape, split_proof, verify_proof
from bridgeway.vc._status import StatusList

_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class VerificationStatus(StrEnum):
    """The overall outcome, most serious first."""

    VALID = "valid"
    MALFORMED = "malformed"
    UNKNOWN_ISSUER = "unknown_issuer"
    TAMPERED = "tampered"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    STATUS_UNAVAILABLE = "status_unavailable"


_PRIORITY = list(VerificationStatus)


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, and a sentence a person can read."""

    name: str
    passed: bool
    message: str
    failure: VerificationStatus | None = None


@dataclass(frozen=True)
class VerificationResult:
    """The result of verifying one credential or presentation."""

    status: VerificationStatus
    checks: tuple[Check, ...]
    issuer: str | None = None
    credential_id: str | None = None
    credentials: tuple[VerificationResult, ...] = field(default=())

    @property
    def valid(self) -> bool:
        """True only when every check passed."""
        return self.status is VerificationStatus.VALID

    @property
    def message(self) -> str:
        """The first failed check's message, or a confirmation."""
        for check in self.checks:
            if not check.passed and check.failure is self.status:
                return check.message
        return "The credential is valid." if self.valid else str(self.status)


class _Checks:
    def __init__(self) -> None:
        self.items: list[Check] = []

    def ok(self, name: str, message: str) -> None:
        self.items.append(Check(name, True, message))

    def fail(self, name: str, failure: VerificationStatus, message: str) -> None:
        self.items.append(Check(name, False, message, failure))

    def status(self) -> VerificationStatus:
        failures = [c.failure for c in self.items if c.failure is not None]
        if not failures:
            return VerificationStatus.VALID
        return min(failures, key=_PRIORITY.index)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise MalformedDocument(f"{value!r} is not an XML Schema dateTime")
    text = value.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedDocument(f"{value!r} is not a valid date and time") from None
    return moment


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _load(document: Any) -> dict[str, Any]:
    if isinstance(document, str | bytes):
        document = parse_json(document)
    else:
        check_limits(document)
    if not isinstance(document, dict):
        raise MalformedDocument("a credential must be a JSON object")
    return document


def _check_structure(document: dict[str, Any], kind: str) -> None:
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        raise MalformedDocument(f"the first @context must be {VC_V2}")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if kind not in types:
        raise MalformedDocument(f"the type list does not include {kind}")


class _StatusCache:
    """Status lists already verified in this process, keyed by the SHA-256 of the fetched bytes."""

    def __init__(self) -> None:
        self.lists: dict[bytes, tuple[str, str, StatusList, datetime | None, datetime | None]] = {}


_STATUS_CACHE = _StatusCache()


def verify_credential(
    document: Any,
    *,
    resolver: DidResolver | None = None,
    status_fetcher: Fetcher | None = None,
    now: datetime | None = None,
    check_status: bool = True,
) -> VerificationResult:
    """Verify a credential (JSON object, text or bytes): structure, JSON-LD, proof, issuer, dates, status."""
    resolver = resolver or DidResolver()
    now = now or datetime.now(UTC)
    checks = _Checks()
    issuer = credential_id = None
    try:
        credential = _load(document)
        issuer = _id_of(credential.get("issuer"))
        credential_id = credential.get("id") if isinstance(credential.get("id"), str) else None
        _check_structure(credential, "VerifiableCredential")
        if issuer is None:
            raise MalformedDocument("the credential has no issuer id")
        if "credentialSubject" not in credential:
            raise MalformedDocument("the credential has no credentialSubject")
        unsecured, proof = split_proof(credential)
        check_proof_shape(proof)
        if proof["cryptosuite"] == JCS:
            to_quads(unsecured)  # the same strict JSON-LD checks as the RDF cryptosuite applies
        valid_from = _parse_time(credential["validFrom"]) if "validFrom" in credential else None
        valid_until = _parse_time(credential["validUntil"]) if "validUntil" in credential else None
    except UnknownContext as exc:
        checks.fail("json-ld", VerificationStatus.MALFORMED, f"Unknown or injected context: {exc}.")
        return VerificationResult(checks.status(), tuple(checks.items), issuer, credential_id)
    except VcError as exc:
        checks.fail("structure", VerificationStatus.MALFORMED, f"The credential is malformed: {exc}.")
        return VerificationResult(checks.status(), tuple(checks.items), issuer, credential_id)
    checks.ok(
        "structure", "The credential is well-formed JSON-LD with only known contexts and defined terms."
    )
    _check_proof(checks, unsecured, proof, issuer, resolver, "assertionMethod")
    _check_dates(checks, valid_from, valid_until, now)
    if check_status and checks.status() is VerificationStatus.VALID:
        _check_status(checks, credential, issuer, resolver, status_fetcher, now)
    return VerificationResult(checks.status(), tuple(checks.items), issuer, credential_id)


def _check_proof(
    checks: _Checks,
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    controller: str | None,
    resolver: DidResolver,
    purpose: str,
) -> None:
    if proof.get("proofPurpose") != purpose:
        checks.fail("proof", VerificationStatus.MALFORMED, f"The proof's purpose is not {purpose}.")
        return
    try:
        method = resolver.verification_method(proof["verificationMethod"], purpose=purpose)
    except UnresolvableDid as exc:
        checks.fail("issuer", VerificationStatus.UNKNOWN_ISSUER, f"The signing key cannot be trusted: {exc}.")
        return
    if controller is not None and method.controller != controller:
        checks.fail(
            "issuer",
            VerificationStatus.UNKNOWN_ISSUER,
            f"The signing key belongs to {method.controller}, not to the issuer {controller}.",
        )
        return
    checks.ok("issuer", f"The signing key {method.id} belongs to {method.controller}.")
    try:
        good = verify_proof(unsecured, proof, method.public_key)
    except UnknownContext as exc:
        checks.fail("proof", VerificationStatus.MALFORMED, f"Unknown or injected context: {exc}.")
        return
    except VcError as exc:
        checks.fail("proof", VerificationStatus.MALFORMED, f"The document cannot be canonicalised: {exc}.")
        return
    if good:
        checks.ok("signature", f"The {proof['cryptosuite']} signature matches the content.")
    else:
        checks.fail(
            "signature",
            VerificationStatus.TAMPERED,
            "The signature does not match: the content was changed "
            "after signing, or the proof belongs to another document.",
        )


def _check_dates(
    checks: _Checks, valid_from: datetime | None, valid_until: datetime | None, now: datetime
) -> None:
    if valid_from is not None and now < valid_from:
        checks.fail(
            "validity", VerificationStatus.NOT_YET_VALID, f"The credential is not valid before {valid_from}."
        )
    elif valid_until is not None and now > valid_until:
        checks.fail("validity", VerificationStatus.EXPIRED, f"The credential expired on {valid_until}.")
    else:
        checks.ok("validity", "The credential is within its validity period.")


def _check_status(
    checks: _Checks,
    credential: dict[str, Any],
    issuer: str,
    resolver: DidResolver,
    fetcher: Fetcher | None,
    now: datetime,
) -> None:
    entries = credential.get("credentialStatus")
    if entries is None:
        checks.ok("status", "The credential has no status list entry (it cannot be revoked).")
        return
    for entry in entries if isinstance(entries, list) else [entries]:
        try:
            _check_status_entry(checks, entry, issuer, resolver, fetcher, now)
        except (VcError, StatusListError) as exc:
            checks.fail(
                "status", VerificationStatus.STATUS_UNAVAILABLE, f"The status could not be checked: {exc}."
            )


def _check_status_entry(
    checks: _Checks,
    entry: Any,
    issuer: str,
    resolver: DidResolver,
    fetcher: Fetcher | None,
    now: datetime,
) -> None:
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        raise StatusListError("unsupported credentialStatus type")
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    index_text = entry.get("statusListIndex")
    if purpose not in ("revocation", "suspension") or not isinstance(url, str):
        raise StatusListError("the status entry lacks a supported statusPurpose or a statusListCredential")
    if not isinstance(index_text, str) or not index_text.isdigit():
        raise StatusListError("statusListIndex must be a string of digits")
    if fetcher is None:
        raise StatusListError(f"no status fetcher is configured to read {url}")
    body = fetch(fetcher, url)
    key = body  # dict lookup by the bytes themselves: a re-served object hits without rehashing 16+ KiB
    cached = _STATUS_CACHE.lists.get(key)
    if cached is None:
        list_credential = parse_json(body)
        result = verify_credential(list_credential, resolver=resolver, now=now, check_status=False)
        if result.status not in (VerificationStatus.VALID, VerificationStatus.EXPIRED):
            raise StatusListError(f"the status list credential at {url} is not valid ({result.message})")
        types = list_credential.get("type") or []
        subject = list_credential.get("credentialSubject")
        if "BitstringStatusListCredential" not in types or not isinstance(subject, dict):
            raise StatusListError(f"{url} is not a BitstringStatusListCredential")
        if list_credential.get("id") not in (None, url):
            raise StatusListError(f"the status list credential's id does not match {url}")
        cached = (
            str(result.issuer),
            str(subject.get("statusPurpose")),
            StatusList.decode(subject.get("encodedList", "")),
            _parse_time(list_credential["validFrom"]) if "validFrom" in list_credential else None,
            _parse_time(list_credential["validUntil"]) if "validUntil" in list_credential else None,
        )
        if len(_STATUS_CACHE.lists) > 256:
            _STATUS_CACHE.lists.clear()
        _STATUS_CACHE.lists[key] = cached
    list_issuer, list_purpose, status_list, _, list_until = cached
    if list_issuer != issuer:
        raise StatusListError(f"the status list is issued by {list_issuer}, not by the credential's issuer")
    if list_purpose != purpose:
        raise StatusListError(f"the status list's purpose is {list_purpose}, not {purpose}")
    if list_until is not None and now > list_until:
        raise StatusListError("the status list credential has expired; fetch a fresh one")
    if status_list.get(int(index_text)):
        failure = VerificationStatus.REVOKED if purpose == "revocation" else VerificationStatus.SUSPENDED
        word = "revoked" if purpose == "revocation" else "suspended"
        checks.fail("status", failure, f"The issuer has {word} this credential.")
    else:
        checks.ok("status", f"The credential is not {'revoked' if purpose == 'revocation' else 'suspended'}.")


def verify_presentation(
    document: Any,
    *,
    resolver: DidResolver | None = None,
    status_fetcher: Fetcher | None = None,
    now: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> VerificationResult:
    """Verify a VerifiablePresentation: its proof (when present or required by a challenge) and each credential."""
    resolver = resolver or DidResolver()
    now = now or datetime.now(UTC)
    checks = _Checks()
    holder = None
    unsecured: dict[str, Any] | None = None
    proof: dict[str, Any] | None = None
    try:
        presentation = _load(document)
        _check_structure(presentation, "VerifiablePresentation")
        holder = _id_of(presentation.get("holder"))
        credentials = presentation.get("verifiableCredential") or []
        credentials = credentials if isinstance(credentials, list) else [credentials]
        if "proof" in presentation:
            unsecured, proof = split_proof(presentation)
            check_proof_shape(proof)
            if challenge is not None and proof.get("challenge") != challenge:
                raise MalformedDocument("the presentation's challenge does not match")
            if domain is not None and proof.get("domain") != domain:
                raise MalformedDocument("the presentation's domain does not match")
        elif challenge is not None:
            raise MalformedDocument("a signed presentation is required (a challenge was given)")
        else:
            to_quads(presentation)
    except UnknownContext as exc:
        checks.fail("json-ld", VerificationStatus.MALFORMED, f"Unknown or injected context: {exc}.")
        return VerificationResult(checks.status(), tuple(checks.items), holder)
    except VcError as exc:
        checks.fail("structure", VerificationStatus.MALFORMED, f"The presentation is malformed: {exc}.")
        return VerificationResult(checks.status(), tuple(checks.items), holder)
    if unsecured is not None and proof is not None:
        _check_proof(checks, unsecured, proof, holder, resolver, "authentication")
    results = tuple(
        verify_credential(c, resolver=resolver, status_fetcher=status_fetcher, now=now) for c in credentials
    )
    for index, result in enumerate(results):
        if result.valid:
            checks.ok(f"credential {index + 1}", "The credential is valid.")
        else:
            checks.fail(f"credential {index + 1}", result.status, f"Credential {index + 1}: {result.message}")
    return VerificationResult(checks.status(), tuple(checks.items), holder, credentials=results)
