"""The API and page form of an intake: language against the need, evaluations, PLAR credentials, the plan."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.accounts.errors import UnknownUser
from bridgeway.bridging import domain, schemas
from bridgeway.bridging.models import BridgingIntake, PlanItem
from bridgeway.bridging.service.occupations import REGULATION_SOURCE
from bridgeway.plar import schemas as plar_schemas
from bridgeway.plar import service as plar_service

ADVISOR_NEED = "Entered by the advisor"


def person(session: Session, user_id: str) -> schemas.PersonRead:
    """Return a person's id, name and e-mail (a deleted account shows as such, the record stays readable)."""
    try:
        user = accounts_service.get_user(session, user_id)
    except UnknownUser:
        return schemas.PersonRead(id=user_id, name="deleted user", email="")
    return schemas.PersonRead(id=user.id, name=user.display_name, email=user.email)


def regulated(intake: BridgingIntake) -> bool:
    """The advisor's judgement when given, else what the data says."""
    return intake.regulated_in_data if intake.regulated_override is None else intake.regulated_override


def need_of(intake: BridgingIntake) -> dict[str, int]:
    """The CLB the target needs per skill: the advisor's entry, else planning's assumption."""
    if intake.clb_need_override:
        return dict(intake.clb_need_override)
    level = domain.clb_need(intake.target_teer, regulated(intake))
    return dict.fromkeys(domain.SKILLS, level)


def portfolio_of(session: Session, intake: BridgingIntake, viewer: Principal) -> plar_schemas.PortfolioRead:
    """The learner's PLAR portfolio (their languages and prior credentials), read under consent."""
    return plar_service.portfolio.get(session, viewer=viewer, learner_id=intake.learner_user_id)


def chosen_result(
    intake: BridgingIntake, results: list[plar_schemas.LanguageResultRead]
) -> plar_schemas.LanguageResultRead | None:
    """The language result the intake counts: the advisor's choice, else the most recent test."""
    if intake.language_result_id:
        for r in results:
            if r.id == intake.language_result_id:
                return r
    return max(results, key=lambda r: (r.tested_on, r.id), default=None)


def language(intake: BridgingIntake, portfolio: plar_schemas.PortfolioRead) -> schemas.LanguageRead:
    """The learner's CLB per skill against the target's need, with the gap per skill."""
    result = chosen_result(intake, portfolio.languages)
    levels = {s: getattr(result, s) for s in domain.SKILLS} if result else None
    need = need_of(intake)
    return schemas.LanguageRead(
        result=None
        if result is None
        else schemas.LanguageResultRead(
            id=result.id, test_name=result.test_name, tested_on=result.tested_on, levels=levels or {}
        ),
        results_available=len(portfolio.languages),
        need=need,
        need_is_assumption=not intake.clb_need_override,
        need_source=(intake.clb_need_source or ADVISOR_NEED)
        if intake.clb_need_override
        else domain.CLB_ASSUMPTION,
        gaps=[schemas.SkillGapRead(**g.__dict__) for g in domain.language_gaps(levels, need)],
    )


def item_link(intake: BridgingIntake, item: PlanItem, viewer: Principal) -> str | None:
    """Where an item leads for this viewer: the PLAR case, the catalogue entry, or planning's pathway page."""
    if item.plar_case_id:
        return f"/plar/cases/{item.plar_case_id}"
    if item.opportunity_id:
        return f"/catalog/opportunities/{item.opportunity_id}"
    if item.proposal_key == domain.PATHWAY_KEY:
        query = f"?taxonomy=noc&target={intake.target_code}"
        if viewer.user_id == intake.learner_user_id:
            return "/planning/pathway" + query
        return f"/planning/clients/{intake.learner_user_id}/pathway" + query
    return None


def item(intake: BridgingIntake, row: PlanItem, viewer: Principal) -> schemas.PlanItemRead:
    """The API form of one plan item for this viewer."""
    return schemas.PlanItemRead(
        id=row.id,
        position=row.position,
        kind=row.kind,
        title=row.title,
        notes=row.notes,
        step_kind=row.step_kind,
        regulator_name=row.regulator_name,
        support_kind=row.support_kind,
        plar_case_id=row.plar_case_id,
        opportunity_id=row.opportunity_id,
        owner=row.owner,
        owner_name=row.owner_name,
        status=row.status,
        target_on=row.target_on,
        started_on=row.started_on,
        completed_on=row.completed_on,
        proposal_key=row.proposal_key,
        link=item_link(intake, row, viewer),
        learner_may_mark_done=domain.learner_may_update(domain.Owner(row.owner)),
        updated_at=row.updated_at,
    )


def _prior_credentials(
    intake: BridgingIntake, portfolio: plar_schemas.PortfolioRead
) -> list[schemas.PriorCredentialRead]:
    evaluated = {e.prior_credential_id for e in intake.evaluations}
    return [
        schemas.PriorCredentialRead(
            id=c.id,
            title=c.title,
            institution_name=c.institution_name,
            country=c.country,
            level=c.level,
            evaluation_report_ref=c.evaluation_report_ref,
            evaluated=c.id in evaluated,
        )
        for c in portfolio.education
    ]


def read(session: Session, intake: BridgingIntake, *, viewer: Principal) -> schemas.IntakeRead:
    """The whole intake for a viewer who may see it (the caller checked that)."""
    portfolio = portfolio_of(session, intake, viewer)
    return schemas.IntakeRead(
        id=intake.id,
        institution_id=intake.institution_id,
        learner=person(session, intake.learner_user_id),
        advisor=person(session, intake.advisor_user_id) if intake.advisor_user_id else None,
        status=intake.status,
        origin_country=intake.origin_country,
        origin=schemas.OccupationRead(
            source=intake.origin_source, code=intake.origin_code, label=intake.origin_label or ""
        )
        if intake.origin_source and intake.origin_code
        else None,
        years_experience=intake.years_experience,
        target=schemas.OccupationRead(
            source=intake.target_source,
            code=intake.target_code,
            label=intake.target_label,
            label_fr=intake.target_label_fr,
        ),
        province=intake.province,
        regulation=schemas.RegulationRead(
            regulated=regulated(intake),
            in_data=intake.regulated_in_data,
            checked=intake.regulation_checked,
            override=intake.regulated_override,
            licence_note=intake.licence_note,
            source=REGULATION_SOURCE,
        ),
        language=language(intake, portfolio),
        evaluations=[schemas.EvaluationRead.model_validate(e) for e in intake.evaluations],
        prior_credentials=_prior_credentials(intake, portfolio),
        items=[item(intake, i, viewer) for i in sorted(intake.items, key=lambda i: i.position)],
        notes=intake.notes if viewer.user_id != intake.learner_user_id else "",
        revision=intake.revision,
        shared_revision=intake.shared_revision,
        acknowledged_revision=intake.acknowledged_revision,
        shared_at=intake.shared_at,
        acknowledged_at=intake.acknowledged_at,
        changed_since_shared=intake.shared_revision is not None and intake.revision > intake.shared_revision,
        changed_since_acknowledged=intake.acknowledged_revision is not None
        and intake.revision > intake.acknowledged_revision,
        created_at=intake.created_at,
        updated_at=intake.updated_at,
    )


def summary(session: Session, intake: BridgingIntake) -> schemas.IntakeSummary:
    """One line of an advisor's list of intakes."""
    return schemas.IntakeSummary(
        id=intake.id,
        learner=person(session, intake.learner_user_id),
        status=intake.status,
        target=schemas.OccupationRead(
            source=intake.target_source,
            code=intake.target_code,
            label=intake.target_label,
            label_fr=intake.target_label_fr,
        ),
        regulated=regulated(intake),
        items=len(intake.items),
        items_done=sum(1 for i in intake.items if i.status == domain.ItemStatus.DONE.value),
        revision=intake.revision,
        shared_revision=intake.shared_revision,
        acknowledged_revision=intake.acknowledged_revision,
        updated_at=intake.updated_at,
    )
