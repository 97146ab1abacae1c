"""Intakes: open one for a consenting learner, change it, record credential evaluations, share, close."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.errors import UnknownUser
from bridgeway.bridging import domain, errors, repository, schemas
from bridgeway.bridging.models import BridgingIntake, CredentialEvaluation
from bridgeway.bridging.service import access, occupations, reads
from bridgeway.kit.clock import utcnow
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.mail import MailSettings

_S = domain.IntakeStatus


def audit(
    session: Session,
    *,
    actor: Principal,
    action: str,
    intake: BridgingIntake,
    entity: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record a change of an intake (or of one of its rows) in the institution's audit log."""
    row = entity if entity is not None else intake
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"bridging.{action}",
        entity_type=row.__tablename__,
        entity_id=row.id,
        institution_id=intake.institution_id,
        before=before,
        after=after,
    )


def touch(intake: BridgingIntake, *, plan_changed: bool = False) -> None:
    """Mark the intake changed now; a change of the plan gives it a new revision."""
    intake.updated_at = utcnow()
    if plan_changed:
        intake.revision += 1


def _learner(session: Session, learner_id: str) -> Any:
    user = accounts_service.get_user(session, learner_id)
    if Role.LEARNER not in accounts_service.roles_of(user):
        raise UnknownUser(f"no learner with id '{learner_id}'")
    return user


def _target_fields(session: Session, code: str) -> dict[str, Any]:
    target = occupations.resolve_target(session, code)
    return {
        "target_source": target.source,
        "target_code": target.code,
        "target_label": target.label,
        "target_label_fr": target.label_fr,
        "target_teer": target.teer,
        "regulation_checked": target.checked,
        "regulated_in_data": target.licence_note is not None,
        "licence_note": target.licence_note,
    }


def _origin_fields(session: Session, code: str | None) -> dict[str, Any]:
    if not code:
        return {"origin_source": None, "origin_code": None, "origin_label": None}
    source, code, label = occupations.resolve_origin(session, code)
    return {"origin_source": source, "origin_code": code, "origin_label": label}


def _state(intake: BridgingIntake) -> dict[str, Any]:
    return {
        "status": intake.status,
        "origin": intake.origin_code,
        "target": intake.target_code,
        "regulated": reads.regulated(intake),
        "clb_need": reads.need_of(intake),
        "language_result_id": intake.language_result_id,
        "revision": intake.revision,
    }


def open_intake(session: Session, *, actor: Principal, data: schemas.IntakeCreate) -> BridgingIntake:
    """Open a bridge-training intake for a learner who consented to the advisor or their institution."""
    if actor.institution_id is None or not actor.has_role(Role.ADVISOR):
        raise errors.UnknownIntake("only an institution's advisor opens an intake")
    _learner(session, data.learner_id)
    accounts_service.require_consent(session, learner_id=data.learner_id, viewer=actor)
    if repository.active_intake(session, actor.institution_id, data.learner_id) is not None:
        raise errors.IntakeExists("this learner already has an intake in progress here; open it instead")
    intake = BridgingIntake(
        institution_id=actor.institution_id,
        learner_user_id=data.learner_id,
        advisor_user_id=actor.user_id,
        status=_S.OPEN.value,
        origin_country=data.origin_country.upper(),
        years_experience=data.years_experience,
        province=data.province,
        notes=data.notes,
        **_origin_fields(session, data.origin_code),
        **_target_fields(session, data.target_code),
    )
    session.add(intake)
    session.flush()
    audit(session, actor=actor, action="intake.opened", intake=intake, after=_state(intake))
    return intake


def _language_result_id(
    session: Session, intake: BridgingIntake, actor: Principal, value: str | None
) -> str | None:
    if value is None:
        return None
    portfolio = reads.portfolio_of(session, intake, actor)
    if value not in {r.id for r in portfolio.languages}:
        raise errors.UnknownReference(f"no language result '{value}' in the learner's portfolio")
    return value


def update_intake(
    session: Session, *, actor: Principal, intake_id: str, data: schemas.IntakeUpdate
) -> BridgingIntake:
    """Change the intake's origin, target, province, language choices or the advisor's judgements."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    before = _state(intake)
    given = data.model_fields_set
    values: dict[str, Any] = {}
    if "origin_country" in given:
        if data.origin_country is None:
            raise InvalidInput("the country of origin cannot be removed")
        values["origin_country"] = data.origin_country.upper()
    if "origin_code" in given:
        values.update(_origin_fields(session, data.origin_code))
    if "target_code" in given:
        if data.target_code is None:
            raise InvalidInput("the target occupation cannot be removed")
        values.update(_target_fields(session, data.target_code))
    for name in ("years_experience", "province", "regulated_override", "clb_need_source"):
        if name in given:
            values[name] = getattr(data, name)
    if "notes" in given:
        values["notes"] = data.notes or ""
    if "clb_need" in given:
        values["clb_need_override"] = None if data.clb_need is None else data.clb_need.model_dump()
    if "language_result_id" in given:
        values["language_result_id"] = _language_result_id(session, intake, actor, data.language_result_id)
    for name, value in values.items():
        setattr(intake, name, value)
    touch(intake)
    session.flush()
    audit(session, actor=actor, action="intake.updated", intake=intake, before=before, after=_state(intake))
    return intake


def add_evaluation(
    session: Session, *, actor: Principal, intake_id: str, data: schemas.EvaluationCreate
) -> CredentialEvaluation:
    """Record a credential-evaluation report, reusing the PLAR prior credential it evaluates when named."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    domain.check_not_future(data.evaluated_on, utcnow().date(), what="the evaluation date")
    title, reference = data.credential_title, data.report_reference
    if data.prior_credential_id is not None:
        portfolio = reads.portfolio_of(session, intake, actor)
        credential = next((c for c in portfolio.education if c.id == data.prior_credential_id), None)
        if credential is None:
            raise errors.UnknownReference(
                f"no prior credential '{data.prior_credential_id}' in the portfolio"
            )
        title = title or credential.title
        reference = reference or credential.evaluation_report_ref
    if not title:
        raise InvalidInput("name the credential evaluated, or choose it from the learner's portfolio")
    if data.agency in (domain.Agency.REGULATOR, domain.Agency.OTHER) and not data.agency_name:
        raise InvalidInput("name the regulator or body that evaluated the credential")
    evaluation = CredentialEvaluation(
        prior_credential_id=data.prior_credential_id,
        credential_title=title,
        agency=data.agency.value,
        agency_name=data.agency_name,
        report_reference=reference,
        evaluated_on=data.evaluated_on,
        canadian_equivalency=data.canadian_equivalency,
    )
    intake.evaluations.append(evaluation)
    touch(intake)
    session.flush()
    audit(
        session,
        actor=actor,
        action="evaluation.added",
        intake=intake,
        entity=evaluation,
        after={"agency": evaluation.agency, "reference": reference, "equivalency": data.canadian_equivalency},
    )
    return evaluation


def remove_evaluation(session: Session, *, actor: Principal, intake_id: str, evaluation_id: str) -> None:
    """Remove a credential evaluation recorded by mistake."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    evaluation = next((e for e in intake.evaluations if e.id == evaluation_id), None)
    if evaluation is None:
        raise errors.UnknownEvaluation(f"no credential evaluation '{evaluation_id}' in this intake")
    before = {"agency": evaluation.agency, "reference": evaluation.report_reference}
    intake.evaluations.remove(evaluation)
    touch(intake)
    session.flush()
    audit(session, actor=actor, action="evaluation.removed", intake=intake, entity=evaluation, before=before)


@lru_cache(maxsize=1)
def _french() -> dict[str, str]:
    path = resources.files("bridgeway.bridging") / "i18n" / "fr.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _say(text: str, locale: str) -> str:
    return _french().get(text, text) if locale == "fr" else text


def share(
    session: Session, *, actor: Principal, intake_id: str, mail: MailSettings | None = None
) -> BridgingIntake:
    """Share the plan (or its latest changes) with the learner, notified in the app (and by e-mail with `mail`)."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    if not intake.items:
        raise errors.NothingToShare("the learning plan has no item yet")
    if intake.shared_revision == intake.revision:
        raise errors.NothingToShare("the plan has not changed since it was shared")
    first = intake.shared_at is None
    before = _state(intake)
    intake.status, intake.shared_revision, intake.shared_at = _S.SHARED.value, intake.revision, utcnow()
    touch(intake)
    session.flush()
    audit(session, actor=actor, action="plan.shared", intake=intake, before=before, after=_state(intake))
    learner = accounts_service.get_user(session, intake.learner_user_id)
    title = "Your learning plan is ready" if first else "Your learning plan was updated"
    accounts_service.notify(
        session,
        user_id=learner.id,
        kind="bridging.plan_shared" if first else "bridging.plan_updated",
        title=_say(title, learner.locale),
        body=_say(
            "Your advisor shared your individual learning plan. Open it to see the next steps.",
            learner.locale,
        ),
        link="/bridging",
        email=mail is not None,
        settings=mail,
    )
    return intake


def close(session: Session, *, actor: Principal, intake_id: str) -> BridgingIntake:
    """Close the intake (the learner keeps seeing a plan that was shared; nothing changes any more)."""
    intake = access.writable(session, actor=actor, intake_id=intake_id)
    before = _state(intake)
    intake.status, intake.closed_at = _S.CLOSED.value, utcnow()
    touch(intake)
    session.flush()
    audit(session, actor=actor, action="intake.closed", intake=intake, before=before, after=_state(intake))
    return intake


def acknowledge(session: Session, *, actor: Principal, intake_id: str) -> BridgingIntake:
    """The learner confirms they have read the plan as it stands now."""
    intake = access.learner_intake(session, actor=actor, intake_id=intake_id, for_update=True)
    before = {"acknowledged_revision": intake.acknowledged_revision}
    intake.acknowledged_revision, intake.acknowledged_at = intake.revision, utcnow()
    session.flush()
    audit(
        session,
        actor=actor,
        action="plan.acknowledged",
        intake=intake,
        before=before,
        after={"acknowledged_revision": intake.revision},
    )
    return intake


def list_for_institution(
    session: Session, *, actor: Principal, include_closed: bool = False
) -> list[BridgingIntake]:
    """The advisor's institution's intakes of learners who consented to them, most recently changed first."""
    if actor.institution_id is None or not actor.has_role(Role.ADVISOR):
        return []
    statuses = [s.value for s in _S if include_closed or s is not _S.CLOSED]
    learners = accounts_service.consenting_learner_ids(session, viewer=actor)
    return repository.intakes_of_institution(
        session, actor.institution_id, learner_ids=learners, statuses=statuses
    )


def plans_of(session: Session, *, actor: Principal) -> list[BridgingIntake]:
    """The learner's own intakes whose plan was shared with them, newest first."""
    return repository.intakes_of_learner(session, actor.user_id, shared_only=True)
