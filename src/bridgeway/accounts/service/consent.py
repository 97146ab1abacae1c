"""Learners' consent: who may see a learner's portfolio and profile. PLAR and planning call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bridgeway.accounts import errors, repository
from bridgeway.accounts.domain import STAFF_ROLES, ConsentGrantee, Principal, Role, consent_covers
from bridgeway.accounts.models import Consent, Employer, Institution, User
from bridgeway.accounts.service.audit import record_audit
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput


@dataclass(frozen=True)
class ConsentView:
    """A consent with the grantee's name, for pages and the API."""

    id: str
    grantee_kind: ConsentGrantee
    grantee_id: str
    grantee_name: str
    granted_at: datetime
    withdrawn_at: datetime | None

    @property
    def active(self) -> bool:
        """Return True until the learner withdraws it."""
        return self.withdrawn_at is None


def _state(consent: Consent) -> dict[str, object]:
    return {
        "learner_id": consent.learner_id,
        "grantee_kind": consent.grantee_kind,
        "grantee_id": consent.grantee_id,
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def _grantee_name(session: Session, kind: ConsentGrantee, grantee_id: str) -> str | None:
    """Return the grantee's name, or None when no such grantee can receive consent."""
    if kind is ConsentGrantee.INSTITUTION:
        institution = session.get(Institution, grantee_id)
        return institution.name if institution else None
    if kind is ConsentGrantee.EMPLOYER:
        employer = session.get(Employer, grantee_id)
        return employer.name if employer else None
    user = session.get(User, grantee_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    if not {g.role for g in user.role_grants} & {r.value for r in STAFF_ROLES}:
        return None
    return user.display_name


def _require_learner(actor: Principal) -> None:
    if not actor.has_role(Role.LEARNER):
        raise errors.MissingRole("only a learner grants or withdraws consent to their own records")


def grant_consent(
    session: Session, *, actor: Principal, grantee_kind: ConsentGrantee | str, grantee_id: str
) -> Consent:
    """Let an institution, an advisor or an employer see the learner's portfolio and profile.

    Granting what is already granted returns the existing consent unchanged.
    """
    _require_learner(actor)
    try:
        kind = ConsentGrantee(grantee_kind)
    except ValueError:
        raise InvalidInput(f"consent goes to one of: {', '.join(k.value for k in ConsentGrantee)}") from None
    if _grantee_name(session, kind, grantee_id) is None:
        raise InvalidInput(f"no {kind.value} with id '{grantee_id}' can receive consent")
    existing = repository.active_consent(
        session, learner_id=actor.user_id, grantee_kind=kind.value, grantee_id=grantee_id
    )
    if existing is not None:
        return existing
    consent = Consent(
        learner_id=actor.user_id, grantee_kind=kind.value, grantee_id=grantee_id, granted_at=utcnow()
    )
    session.add(consent)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="consent.granted",
        entity_type="consent",
        entity_id=consent.id,
        institution_id=grantee_id if kind is ConsentGrantee.INSTITUTION else actor.institution_id,
        after=_state(consent),
    )
    return consent


def withdraw_consent(session: Session, *, actor: Principal, consent_id: str) -> Consent:
    """Withdraw one of the learner's consents; from now on the grantee no longer sees their records."""
    consent = session.get(Consent, consent_id)
    if consent is None or consent.learner_id != actor.user_id:
        raise errors.UnknownConsent(f"you have no consent with id '{consent_id}'")
    if consent.withdrawn_at is None:
        before = _state(consent)
        consent.withdrawn_at = utcnow()
        session.flush()
        kind = ConsentGrantee(consent.grantee_kind)
        record_audit(
            session,
            actor=actor,
            action="consent.withdrawn",
            entity_type="consent",
            entity_id=consent.id,
            institution_id=consent.grantee_id if kind is ConsentGrantee.INSTITUTION else actor.institution_id,
            before=before,
            after=_state(consent),
        )
    return consent


def list_consents(session: Session, *, learner_id: str, active_only: bool = False) -> list[ConsentView]:
    """Return a learner's consents, newest first, with the grantees' names."""
    views = []
    for consent in repository.consents_of(session, learner_id, active_only=active_only):
        kind = ConsentGrantee(consent.grantee_kind)
        views.append(
            ConsentView(
                id=consent.id,
                grantee_kind=kind,
                grantee_id=consent.grantee_id,
                grantee_name=_grantee_name(session, kind, consent.grantee_id) or "—",
                granted_at=consent.granted_at,
                withdrawn_at=consent.withdrawn_at,
            )
        )
    return views


def has_consent(session: Session, *, learner_id: str, viewer: Principal) -> bool:
    """Return True when the viewer is the learner or the learner has consented to the viewer seeing their records."""
    if viewer.user_id == learner_id:
        return True
    return any(
        consent_covers(
            viewer,
            learner_id=learner_id,
            grantee_kind=ConsentGrantee(c.grantee_kind),
            grantee_id=c.grantee_id,
        )
        for c in repository.consents_of(session, learner_id, active_only=True)
    )


def require_consent(session: Session, *, learner_id: str, viewer: Principal) -> None:
    """Raise ConsentRequired unless the viewer may see the learner's portfolio and profile."""
    if not has_consent(session, learner_id=learner_id, viewer=viewer):
        raise errors.ConsentRequired(
            "the learner has not consented to you seeing their portfolio and profile"
        )


def consenting_learner_ids(session: Session, *, viewer: Principal) -> set[str]:
    """Return the ids of learners whose records the viewer may see through consent (for caseload lists)."""
    candidates: list[tuple[str, str]] = [(ConsentGrantee.ADVISOR.value, viewer.user_id)]
    if viewer.institution_id is not None and viewer.has_role(*STAFF_ROLES):
        candidates.append((ConsentGrantee.INSTITUTION.value, viewer.institution_id))
    if viewer.employer_id is not None and viewer.has_role(Role.EMPLOYER):
        candidates.append((ConsentGrantee.EMPLOYER.value, viewer.employer_id))
    return repository.learners_consenting(session, candidates)
