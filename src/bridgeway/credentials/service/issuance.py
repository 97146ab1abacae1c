"""Issuing Open Badges 3.0 credentials: one at a time, or many prepared together (the batch fast path)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.accounts import errors as accounts_errors
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.models import Institution
from bridgeway.config import Settings
from bridgeway.credentials import domain, errors, repository
from bridgeway.credentials.domain import documents
from bridgeway.credentials.models import IssuedCredential
from bridgeway.credentials.schemas import AchievementDefinition, IssueRequest, Recipient
from bridgeway.credentials.service import keys, signing, status
from bridgeway.kit.clock import utcnow
from bridgeway.kit.ids import new_id

KINDS_NEEDING_ALIGNMENT = frozenset({"micro_credential", "assessment", "plar"})


@dataclass(frozen=True)
class ResolvedRecipient:
    """Who a credential names: a DID, or a hashed e-mail; and the Bridgeway learner when known."""

    user_id: str | None
    did: str | None
    email: str | None


def resolve_recipient(session: Session, recipient: Recipient) -> ResolvedRecipient:
    """Find the learner behind a recipient and pick how the credential names them (DID first)."""
    if recipient.user_id:
        user = accounts_service.get_user(session, recipient.user_id)
        return ResolvedRecipient(user_id=user.id, did=recipient.did or user.did, email=user.email)
    user_id: str | None = None
    did: str | None = None
    if recipient.email:
        try:
            found = accounts_service.get_user_by_email(session, recipient.email)
            user_id, did = found.id, found.did
        except accounts_errors.UnknownUser:
            pass  # not (yet) a Bridgeway user: the credential names them by hashed e-mail
    return ResolvedRecipient(user_id=user_id, did=recipient.did or did, email=recipient.email)


def check_achievement(achievement: AchievementDefinition, kind: str) -> None:
    """Refuse an achievement that lacks what its kind of credential must carry."""
    if kind in KINDS_NEEDING_ALIGNMENT and achievement.alignment is None:
        raise errors.InvalidAchievement(
            f"a {kind.replace('_', ' ')} credential certifies one competency: give its alignment"
        )
    if kind in KINDS_NEEDING_ALIGNMENT and achievement.assessment is None:
        raise errors.InvalidAchievement(
            f"a {kind.replace('_', ' ')} credential says how mastery was assessed"
        )


def _validity(request: IssueRequest, now: datetime) -> tuple[datetime, datetime | None]:
    valid_from = request.valid_from or now
    if valid_from.tzinfo is None:
        raise errors.InvalidAchievement("valid_from needs a time zone")
    valid_until = request.valid_until
    if valid_until is None and request.achievement.valid_for_days:
        valid_until = valid_from + timedelta(days=request.achievement.valid_for_days)
    if valid_until is not None and (valid_until.tzinfo is None or valid_until <= valid_from):
        raise errors.InvalidAchievement("valid_until must be a zoned time after valid_from")
    return valid_from, valid_until


def issue_prepared(
    session: Session,
    *,
    settings: Settings,
    institution: Institution,
    items: list[tuple[IssueRequest, ResolvedRecipient]],
) -> list[str]:
    """Sign and store many credentials of one institution at once; return their ids (no audit, no checks)."""
    if not items:
        return []
    key = keys.signing_key(
        session, institution=institution, base_url=settings.base_url, kek=settings.key_encryption_key
    )
    did = keys.issuer_did(settings.base_url, institution)
    issuer = documents.issuer_profile(did, institution.name, institution.url)
    slots = status.allocate(session, institution=institution, count=len(items), settings=settings, key=key)
    now = utcnow()
    achievements: dict[str, vc.Achievement] = {}
    rows: list[dict[str, Any]] = []
    for (request, recipient), (lst, index) in zip(items, slots, strict=True):
        definition = request.achievement
        cache_key = definition.model_dump_json()
        achievement = achievements.get(cache_key)
        if achievement is None:
            achievement = documents.achievement(
                definition, base_url=settings.base_url, slug=institution.slug, creator=issuer
            )
            achievements[cache_key] = achievement
        valid_from, valid_until = _validity(request, now)
        identity = None
        if recipient.did is None:
            if recipient.email is None:
                raise errors.InvalidRecipient("the recipient has neither a DID nor an e-mail address")
            identity = vc.IdentityObject.hashed_email(recipient.email)
        credential_id = new_id()
        unsigned = documents.open_badge_credential(
            credential_id=f"urn:uuid:{credential_id}",
            issuer=issuer,
            achievement=achievement,
            subject_did=recipient.did,
            identity=identity,
            result=request.result,
            evidence=request.evidence,
            assessment=definition.assessment,
            valid_from=valid_from,
            valid_until=valid_until,
            status=documents.status_entries(
                status.status_base_url(settings.base_url, institution.slug, lst.sequence), index
            ),
            credits_available=definition.credits_available,
        )
        rows.append(
            {
                "id": credential_id,
                "institution_id": institution.id,
                "learner_user_id": recipient.user_id,
                "recipient_kind": "did" if recipient.did else "email_hash",
                "recipient_identifier": recipient.did or (identity.identity_hash if identity else ""),
                "achievement_ref": definition.ref,
                "achievement_name": definition.name,
                "kind": request.kind,
                "source_type": request.source_type,
                "source_id": request.source_id,
                "idempotency_key": request.idempotency_key,
                "status_list_id": lst.id,
                "status_index": index,
                "status": domain.CredentialStatus.ACTIVE.value,
                "signing_key_id": key.key_row_id,
                "document": signing.sign(unsigned, key, created=now),
                "issued_at": now,
                "valid_from": valid_from,
                "valid_until": valid_until,
            }
        )
    repository.insert_credentials(session, rows)
    return [row["id"] for row in rows]


def issue(
    session: Session,
    *,
    settings: Settings,
    institution_id: str,
    request: IssueRequest,
    actor: Principal | None,
) -> IssuedCredential:
    """Issue one credential; the same idempotency key returns the credential already issued."""
    institution = accounts_service.get_institution(session, institution_id)
    repository.lock_issuance(session, institution.id)
    existing = repository.credential_by_idempotency_key(session, institution.id, request.idempotency_key)
    recipient = resolve_recipient(session, request.recipient)
    if existing is not None:
        if existing.achievement_ref != request.achievement.ref or (
            recipient.user_id is not None and existing.learner_user_id != recipient.user_id
        ):
            raise errors.IdempotencyMismatch(
                f"the idempotency key '{request.idempotency_key}' was already used for another credential"
            )
        return existing
    check_achievement(request.achievement, request.kind)
    [credential_id] = issue_prepared(
        session, settings=settings, institution=institution, items=[(request, recipient)]
    )
    credential = repository.credential(session, credential_id)
    assert credential is not None
    accounts_service.record_audit(
        session,
        actor=actor,
        action="credential.issued",
        entity_type="credential",
        entity_id=credential.id,
        institution_id=institution.id,
        after={
            "achievement": credential.achievement_ref,
            "kind": credential.kind,
            "learner": credential.learner_user_id,
            "source": f"{request.source_type}:{request.source_id}" if request.source_type else None,
        },
    )
    return credential


def get(session: Session, *, credential_id: str) -> IssuedCredential:
    """Return a credential by id or raise UnknownCredential."""
    credential = repository.credential(session, credential_id)
    if credential is None:
        raise errors.UnknownCredential(f"no credential '{credential_id}'")
    return credential


def get_for(session: Session, *, credential_id: str, principal: Principal) -> IssuedCredential:
    """Return a credential the principal may see: their own, or one of their institution's (staff)."""
    credential = repository.credential(session, credential_id)
    if credential is None or not (
        credential.learner_user_id == principal.user_id or principal.is_staff_of(credential.institution_id)
    ):
        raise errors.UnknownCredential(f"no credential '{credential_id}' that you may see")
    return credential


def list_for_learner(session: Session, *, user_id: str) -> list[IssuedCredential]:
    """Return every credential of a learner, newest first."""
    return repository.credentials_of_learner(session, user_id)


def list_for_institution(
    session: Session,
    *,
    institution_id: str,
    limit: int = 50,
    offset: int = 0,
    learner_user_id: str | None = None,
) -> tuple[list[IssuedCredential], int]:
    """Return a page of an institution's credentials and the total."""
    return repository.credentials_of_institution(
        session, institution_id, limit=limit, offset=offset, learner_user_id=learner_user_id
    )


_EMAIL = re.compile(r"[^@\s\"<>]+@[^@\s\"<>]+\.[A-Za-z]{2,}")


def _refuse_plain_email(value: Any, path: str = "credentialSubject") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "email" or (key == "hashed" and item is False):
                raise errors.UnsignableDocument(
                    f"{path}.{key}: a credential never carries a plain e-mail address"
                )
            _refuse_plain_email(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _refuse_plain_email(item, f"{path}[{n}]")
    elif isinstance(value, str) and _EMAIL.fullmatch(value.removeprefix("mailto:")):
        raise errors.UnsignableDocument(f"{path}: a credential never carries a plain e-mail address")


def _parse_xsd(value: Any) -> datetime | None:
    """Read an xsd:dateTime from a signed document (already checked by signing); None when absent or zoneless."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def issue_document(
    session: Session,
    *,
    settings: Settings,
    institution_id: str,
    credential: dict[str, Any],
    idempotency_key: str | None,
    actor: Principal | None,
) -> IssuedCredential:
    """VC-API issuance: sign a caller-composed credential as the institution, adding id, dates and status."""
    institution = accounts_service.get_institution(session, institution_id)
    repository.lock_issuance(session, institution.id)
    if idempotency_key:
        existing = repository.credential_by_idempotency_key(
            session, institution.id, f"vc-api:{idempotency_key}"
        )
        if existing is not None:
            return existing
    did = keys.issuer_did(settings.base_url, institution)
    if "proof" in credential or "credentialStatus" in credential:
        raise errors.UnsignableDocument(
            "send the credential without proof or credentialStatus: the issuer adds them"
        )
    issuer = credential.get("issuer", did)
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did:
        raise errors.UnsignableDocument(f"the issuer must be your institution's DID {did}")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        raise errors.UnsignableDocument("the credential needs one credentialSubject object")
    _refuse_plain_email(subject)
    key = keys.signing_key(
        session, institution=institution, base_url=settings.base_url, kek=settings.key_encryption_key
    )
    [(lst, index)] = status.allocate(session, institution=institution, count=1, settings=settings, key=key)
    now = utcnow()
    credential_id = new_id()
    unsigned = dict(credential)
    unsigned.setdefault("id", f"urn:uuid:{credential_id}")
    contexts = credential.get("@context")
    if not isinstance(issuer, dict) and isinstance(contexts, list) and documents.OB_V3 in contexts:
        issuer = documents.issuer_profile(did, institution.name, institution.url).to_json()
    unsigned["issuer"] = issuer
    unsigned.setdefault("validFrom", now.replace(microsecond=0).isoformat().replace("+00:00", "Z"))
    unsigned["credentialStatus"] = documents.status_entries(
        status.status_base_url(settings.base_url, institution.slug, lst.sequence), index
    )
    signed = signing.sign(unsigned, key, created=now)
    achievement = documents.as_dict(subject.get("achievement"))
    summary = documents.describe(signed)
    row = IssuedCredential(
        id=credential_id,
        institution_id=institution.id,
        learner_user_id=None,
        recipient_kind="did" if isinstance(subject.get("id"), str) else "email_hash",
        recipient_identifier=str(subject.get("id") or "")[:500],
        achievement_ref=str(achievement.get("id") or "vc-api")[:500],
        achievement_name=str(summary.get("achievement_name") or "Credential")[:500],
        kind="micro_credential",
        source_type="vc-api",
        idempotency_key=f"vc-api:{idempotency_key or credential_id}",
        status_list_id=lst.id,
        status_index=index,
        signing_key_id=key.key_row_id,
        document=signed,
        issued_at=now,
        valid_from=_parse_xsd(signed.get("validFrom")) or now,
        valid_until=_parse_xsd(signed.get("validUntil")),
    )
    session.add(row)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="credential.issued",
        entity_type="credential",
        entity_id=row.id,
        institution_id=institution.id,
        after={"achievement": row.achievement_ref, "source": "vc-api"},
    )
    return row
