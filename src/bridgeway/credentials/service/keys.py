"""Issuer keys and identity: generate, encrypt at rest, rotate, and publish as a did:web DID document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.models import Institution
from bridgeway.credentials import domain, errors, repository
from bridgeway.credentials.models import IssuerKey
from bridgeway.kit.clock import utcnow
from bridgeway.kit.ids import new_id


@dataclass(frozen=True)
class SigningKey:
    """A decrypted signing key, held in memory only while signing."""

    key_row_id: str
    verification_method: str
    private_key: bytes
    public_key_multibase: str


def issuer_did(base_url: str, institution: Institution) -> str:
    """Return the did:web identifier of an institution."""
    return domain.institution_did(base_url, institution.slug)


def _new_key(session: Session, *, institution_id: str, kek: str, sequence: int) -> IssuerKey:
    pair = domain.generate_key_pair()
    row_id = new_id()
    key = IssuerKey(
        id=row_id,
        institution_id=institution_id,
        sequence=sequence,
        public_key_multibase=pair.public_key_multibase,
        private_key_ciphertext=domain.encrypt_private_key(
            kek,
            institution_id=institution_id,
            key_row_id=row_id,
            private_key=domain.raw_private_key(pair.private_key),
        ),
    )
    session.add(key)
    session.flush()
    return key


def ensure_issuer_key(session: Session, *, institution_id: str, kek: str) -> IssuerKey:
    """Return the institution's active signing key, generating the first one when there is none."""
    key = repository.active_key(session, institution_id)
    if key is not None:
        return key
    sequence = max((k.sequence for k in repository.keys_of(session, institution_id)), default=0) + 1
    key = _new_key(session, institution_id=institution_id, kek=kek, sequence=sequence)
    accounts_service.record_audit(
        session,
        actor=None,
        action="issuer_key.created",
        entity_type="issuer_key",
        entity_id=key.id,
        institution_id=institution_id,
        after={"fragment": key.fragment, "public_key": key.public_key_multibase},
    )
    return key


def rotate_key(session: Session, *, institution_id: str, kek: str, actor: Principal | None) -> IssuerKey:
    """Retire the active key (it stays in the DID document for verification) and start signing with a new one."""
    keys = repository.keys_of(session, institution_id)
    now = utcnow()
    retired = [k for k in keys if k.retired_at is None]
    for key in retired:
        key.retired_at = now
    session.flush()
    new_key = _new_key(
        session,
        institution_id=institution_id,
        kek=kek,
        sequence=max((k.sequence for k in keys), default=0) + 1,
    )
    accounts_service.record_audit(
        session,
        actor=actor,
        action="issuer_key.rotated",
        entity_type="issuer_key",
        entity_id=new_key.id,
        institution_id=institution_id,
        before={"active": [k.fragment for k in retired]},
        after={"active": new_key.fragment, "public_key": new_key.public_key_multibase},
    )
    return new_key


def signing_key(session: Session, *, institution: Institution, base_url: str, kek: str) -> SigningKey:
    """Decrypt the institution's active key for signing (creating it on first use)."""
    key = ensure_issuer_key(session, institution_id=institution.id, kek=kek)
    try:
        private = domain.decrypt_private_key(
            kek, institution_id=institution.id, key_row_id=key.id, ciphertext=key.private_key_ciphertext
        )
    except ValueError as exc:
        raise errors.KeyDecryptionFailed(str(exc)) from None
    did = issuer_did(base_url, institution)
    return SigningKey(
        key_row_id=key.id,
        verification_method=f"{did}#{key.fragment}",
        private_key=private,
        public_key_multibase=key.public_key_multibase,
    )


def did_document(session: Session, *, institution: Institution, base_url: str) -> dict[str, Any]:
    """Return the institution's DID document: every key, active or retired, as a Multikey method."""
    keys = repository.keys_of(session, institution.id)
    active = next((k.fragment for k in reversed(keys) if k.retired_at is None), None)
    return domain.did_document(
        issuer_did(base_url, institution),
        [(k.fragment, k.public_key_multibase) for k in keys],
        active_fragment=active,
    )


def did_document_by_slug(session: Session, *, slug: str, base_url: str) -> dict[str, Any]:
    """Return the DID document of the institution with that slug (public)."""
    institution = accounts_service.get_institution_by_slug(session, slug)
    return did_document(session, institution=institution, base_url=base_url)
