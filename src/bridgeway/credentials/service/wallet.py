"""The learner's wallet: share links that expire, presentations, LinkedIn links and the CLR 2.0 export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy.orm import Session

from bridgeway import vc
from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings
from bridgeway.credentials import errors, repository
from bridgeway.credentials.models import IssuedCredential, ShareLink
from bridgeway.credentials.service import keys, signing
from bridgeway.kit.clock import utcnow
from bridgeway.kit.ids import new_token

MAX_SHARE_DAYS = 365


def _own(session: Session, user_id: str, credential_ids: list[str]) -> list[IssuedCredential]:
    if not credential_ids:
        raise errors.InvalidBatch("choose at least one credential")
    mine = {c.id: c for c in repository.credentials_of_learner(session, user_id)}
    missing = [cid for cid in credential_ids if cid not in mine]
    if missing:
        raise errors.UnknownCredential(f"no credential '{missing[0]}' in your wallet")
    return [mine[cid] for cid in dict.fromkeys(credential_ids)]


def create_share_link(
    session: Session, *, actor: Principal, credential_ids: list[str], days: int
) -> ShareLink:
    """Create a link through which anyone can see and verify the chosen credentials until it expires."""
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise errors.InvalidBatch(f"a share link lasts between 1 and {MAX_SHARE_DAYS} days")
    credentials = _own(session, actor.user_id, credential_ids)
    link = ShareLink(
        token=new_token(24),
        learner_user_id=actor.user_id,
        credential_ids=[c.id for c in credentials],
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="credential_share.created",
        entity_type="credential_share",
        entity_id=link.id,
        after={"credentials": link.credential_ids, "expires_at": link.expires_at.isoformat()},
    )
    return link


def withdraw_share_link(session: Session, *, actor: Principal, link_id: str) -> ShareLink:
    """Withdraw a share link before it expires."""
    link = session.get(ShareLink, link_id)
    if link is None or link.learner_user_id != actor.user_id:
        raise errors.UnknownShareLink("no such share link in your wallet")
    link.revoked_at = utcnow()
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="credential_share.withdrawn",
        entity_type="credential_share",
        entity_id=link.id,
    )
    return link


def open_share_link(session: Session, *, token: str) -> tuple[ShareLink, list[IssuedCredential]]:
    """Return a live share link and its credentials, or raise UnknownShareLink (unknown, withdrawn, expired)."""
    link = repository.share_link_by_token(session, token)
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        raise errors.UnknownShareLink("this share link does not exist, was withdrawn or has expired")
    credentials = [c for cid in link.credential_ids if (c := repository.credential(session, cid)) is not None]
    return link, credentials


def share_links(session: Session, *, user_id: str) -> list[ShareLink]:
    """Return a learner's share links, newest first."""
    return repository.share_links_of(session, user_id)


def presentation(session: Session, *, user_id: str, credential_ids: list[str]) -> dict[str, Any]:
    """Return a VerifiablePresentation of the chosen credentials (each keeps its issuer's proof).

    The presentation itself is not signed: Bridgeway never holds learners' private keys. Verifiers check
    every credential inside it; a holder with their own wallet can sign it there.
    """
    credentials = _own(session, user_id, credential_ids)
    user = accounts_service.get_user(session, user_id)
    return vc.build_presentation([c.document for c in credentials], holder=user.did)


def linkedin_url(credential: IssuedCredential, *, institution_name: str, verify_url: str) -> str:
    """Return LinkedIn's "Add to profile" URL for a certification."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.achievement_name,
        "organizationName": institution_name,
        "issueYear": credential.valid_from.year,
        "issueMonth": credential.valid_from.month,
        "certUrl": verify_url,
        "certId": credential.id,
    }
    if credential.valid_until is not None:
        params["expirationYear"] = credential.valid_until.year
        params["expirationMonth"] = credential.valid_until.month
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


def export_clr(session: Session, *, settings: Settings, user_id: str) -> dict[str, Any]:
    """Export a learner's credentials as one signed CLR 2.0 ClrCredential with associations between achievements.

    The CLR is signed by the institution that issued most of the credentials; associations say which
    achievements stack into which (isChildOf / isParentOf), read from each achievement's `related` links.
    """
    credentials = [c for c in repository.credentials_of_learner(session, user_id) if c.status != "revoked"]
    if not credentials:
        raise errors.ClrUnavailable("there is nothing to export: you hold no credential in force")
    user = accounts_service.get_user(session, user_id)
    counts: dict[str, int] = {}
    for c in credentials:
        counts[c.institution_id] = counts.get(c.institution_id, 0) + 1
    institution = accounts_service.get_institution(session, max(counts, key=lambda k: counts[k]))
    did = keys.issuer_did(settings.base_url, institution)
    held: dict[str, str] = {}
    for c in credentials:
        achievement = c.document.get("credentialSubject", {}).get("achievement", {})
        held[str(achievement.get("id"))] = str(c.id)
    associations = []
    for c in credentials:
        achievement = c.document.get("credentialSubject", {}).get("achievement", {})
        for related in achievement.get("related", []) or []:
            parent = related.get("id") if isinstance(related, dict) else None
            if parent in held:
                associations.append(vc.Association("isChildOf", str(achievement["id"]), str(parent)))
                associations.append(vc.Association("isParentOf", str(parent), str(achievement["id"])))
    identifier = None if user.did else vc.IdentityObject.hashed_email(user.email)
    try:
        unsigned = vc.build_clr_credential(
            issuer=vc.Profile(id=did, name=institution.name, url=institution.url),
            learner_id=user.did,
            learner_identifier=identifier,
            credentials=[c.document for c in credentials],
            associations=associations,
            valid_from=utcnow(),
            name=f"Comprehensive Learner Record of {user.display_name}",
        )
    except vc.VcError as exc:
        raise errors.ClrUnavailable(f"the CLR cannot be built: {exc}") from None
    key = keys.signing_key(
        session, institution=institution, base_url=settings.base_url, kek=settings.key_encryption_key
    )
    try:
        return signing.sign(unsigned, key, created=utcnow())
    except errors.UnsignableDocument as exc:
        raise errors.ClrUnavailable(
            f"the CLR 2.0 export is not available on this server: {exc.message}"
        ) from None


def verify_url(settings: Settings, credential_id: str) -> str:
    """Return the public verification page of a credential (what the certificate's QR code opens)."""
    return f"{settings.base_url.rstrip('/')}/verify/{credential_id}"
