"""Bitstring Status List v1.0: allocating indices, revoking, suspending, and the signed list credentials."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.models import Institution
from bridgeway.config import Settings
from bridgeway.credentials import domain, errors, repository
from bridgeway.credentials.domain import documents
from bridgeway.credentials.models import CredentialStatusEvent, IssuedCredential, StatusList
from bridgeway.credentials.service import keys, signing
from bridgeway.kit.clock import utcnow

PURPOSES = documents.PURPOSES


def status_base_url(base_url: str, slug: str, sequence: int) -> str:
    """Return the stable URL prefix of an institution's status list pair (append /revocation or /suspension)."""
    return f"{base_url.rstrip('/')}/credentials/status/{slug}/{sequence}"


def _list_document(
    lst: StatusList,
    purpose: str,
    *,
    institution: Institution,
    settings: Settings,
    key: keys.SigningKey,
    now: datetime,
) -> dict[str, Any]:
    url = f"{status_base_url(settings.base_url, institution.slug, lst.sequence)}/{purpose}"
    bits = lst.revocation_bits if purpose == "revocation" else lst.suspension_bits
    document = vc.build_status_list_credential(
        url=url,
        issuer=keys.issuer_did(settings.base_url, institution),
        status_list=vc.StatusList(length=lst.size, bits=bytearray(bits)),
        purpose=purpose,
        valid_from=now,
    )
    return signing.sign(document, key, created=now)


def _resign(
    lst: StatusList,
    purposes: tuple[str, ...],
    *,
    institution: Institution,
    settings: Settings,
    key: keys.SigningKey,
) -> None:
    now = utcnow()
    for purpose in purposes:
        document = _list_document(lst, purpose, institution=institution, settings=settings, key=key, now=now)
        if purpose == "revocation":
            lst.revocation_document = document
        else:
            lst.suspension_document = document
    lst.updated_at = now


def _new_list(
    session: Session, *, institution: Institution, settings: Settings, key: keys.SigningKey
) -> StatusList:
    size = domain.STATUS_LIST_SIZE
    lst = StatusList(
        institution_id=institution.id,
        sequence=repository.next_status_list_sequence(session, institution.id),
        size=size,
        allocated=domain.empty_bitstring(size),
        allocated_count=0,
        revocation_bits=domain.empty_bitstring(size),
        suspension_bits=domain.empty_bitstring(size),
        version=1,
    )
    _resign(lst, PURPOSES, institution=institution, settings=settings, key=key)
    session.add(lst)
    session.flush()
    return lst


def allocate(
    session: Session, *, institution: Institution, count: int, settings: Settings, key: keys.SigningKey
) -> list[tuple[StatusList, int]]:
    """Hand out `count` random, never-used indices, opening new lists when the current one is full."""
    slots: list[tuple[StatusList, int]] = []
    while len(slots) < count:
        lst = repository.status_list_with_room(session, institution.id, 1)
        if lst is None:
            lst = _new_list(session, institution=institution, settings=settings, key=key)
        take = min(count - len(slots), lst.size - lst.allocated_count)
        bitmap = bytearray(lst.allocated)
        indices = domain.allocate_indices(bitmap, take, size=lst.size, used=lst.allocated_count)
        lst.allocated = bytes(bitmap)
        lst.allocated_count += take
        slots.extend((lst, i) for i in indices)
    session.flush()
    return slots


_ACTION_WORDS = {
    domain.StatusAction.REVOKE: "revoked",
    domain.StatusAction.SUSPEND: "suspended",
    domain.StatusAction.UNSUSPEND: "reinstated",
}


def change_status(
    session: Session,
    *,
    settings: Settings,
    credential_id: str,
    action: domain.StatusAction,
    reason: str,
    actor: Principal | None,
) -> IssuedCredential:
    """Revoke, suspend or unsuspend a credential with a reason; the status list is re-signed at once."""
    credential = repository.credential(session, credential_id)
    if credential is None or (actor is not None and actor.institution_id != credential.institution_id):
        raise errors.UnknownCredential(f"no credential '{credential_id}' in your institution")
    reason = reason.strip()
    if len(reason) < 3:
        raise errors.MissingReason("give a reason of at least 3 characters")
    current = domain.CredentialStatus(credential.status)
    after = domain.next_status(current, action)
    if after is None:
        if current is domain.CredentialStatus.REVOKED:
            raise errors.CredentialRevoked("the credential is revoked; revocation cannot be undone")
        raise errors.StatusTransitionRefused(
            f"a {current.value} credential cannot be {_ACTION_WORDS[action]}"
        )
    lst = session.get(StatusList, credential.status_list_id)
    assert lst is not None  # a foreign key guarantees it
    institution = accounts_service.get_institution(session, credential.institution_id)
    revoked = after is domain.CredentialStatus.REVOKED
    suspended = after is domain.CredentialStatus.SUSPENDED
    changed: list[str] = []
    if domain.get_bit(lst.revocation_bits, credential.status_index) != revoked:
        lst.revocation_bits = domain.set_bit(lst.revocation_bits, credential.status_index, revoked)
        changed.append("revocation")
    if domain.get_bit(lst.suspension_bits, credential.status_index) != suspended:
        lst.suspension_bits = domain.set_bit(lst.suspension_bits, credential.status_index, suspended)
        changed.append("suspension")
    lst.version += 1
    key = keys.signing_key(
        session, institution=institution, base_url=settings.base_url, kek=settings.key_encryption_key
    )
    _resign(lst, tuple(changed), institution=institution, settings=settings, key=key)
    before = {"status": credential.status, "reason": credential.status_reason}
    credential.status = after.value
    credential.status_reason = reason
    credential.status_changed_at = utcnow()
    session.add(
        CredentialStatusEvent(
            credential_id=credential.id,
            action=action.value,
            reason=reason,
            actor_user_id=actor.user_id if actor else None,
        )
    )
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"credential.{action.value}",
        entity_type="credential",
        entity_id=credential.id,
        institution_id=credential.institution_id,
        before=before,
        after={"status": after.value, "reason": reason},
    )
    return credential


def revoke(
    session: Session, *, settings: Settings, credential_id: str, reason: str, actor: Principal | None
) -> IssuedCredential:
    """Revoke a credential for good, with a reason."""
    return change_status(
        session,
        settings=settings,
        credential_id=credential_id,
        action=domain.StatusAction.REVOKE,
        reason=reason,
        actor=actor,
    )


def suspend(
    session: Session, *, settings: Settings, credential_id: str, reason: str, actor: Principal | None
) -> IssuedCredential:
    """Suspend a credential (it can be reinstated), with a reason."""
    return change_status(
        session,
        settings=settings,
        credential_id=credential_id,
        action=domain.StatusAction.SUSPEND,
        reason=reason,
        actor=actor,
    )


def unsuspend(
    session: Session, *, settings: Settings, credential_id: str, reason: str, actor: Principal | None
) -> IssuedCredential:
    """Reinstate a suspended credential, with a reason."""
    return change_status(
        session,
        settings=settings,
        credential_id=credential_id,
        action=domain.StatusAction.UNSUSPEND,
        reason=reason,
        actor=actor,
    )


def status_list_credential(
    session: Session, *, slug: str, sequence: int, purpose: str
) -> tuple[dict[str, Any], str]:
    """Return a signed status-list credential and its ETag (public, stable URL)."""
    if purpose not in PURPOSES:
        raise errors.UnknownStatusList(f"no status list purpose '{purpose}'; use revocation or suspension")
    institution = repository.institution_by_slug(session, slug)
    lst = repository.status_list(session, institution.id, sequence) if institution is not None else None
    document = (
        None
        if lst is None
        else (lst.revocation_document if purpose == "revocation" else lst.suspension_document)
    )
    if lst is None or document is None:
        raise errors.UnknownStatusList(f"no status list {slug}/{sequence}/{purpose}")
    etag = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32]
    return document, f'"{etag}"'


def status_history(session: Session, *, credential_id: str) -> list[CredentialStatusEvent]:
    """Return the status changes of a credential, oldest first."""
    return repository.status_events(session, credential_id)
