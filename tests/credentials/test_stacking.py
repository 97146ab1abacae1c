"""Stacking from the catalogue: components earn the parent (after approval for formal credentials); CLR export."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.config import Settings
from bridgeway.credentials import errors
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.credentials.models import StackAward
from bridgeway.credentials.schemas import IssueRequest, Recipient, StackRule
from bridgeway.vc._contexts import CLR_V2, OB_V3, VC_V2
from tests.factories.accounts import create_user, principal_of
from tests.factories.catalog import create_published, create_staff
from tests.factories.credentials import achievement


def _catalogue(session: Session, kind: str = "certificate") -> tuple[object, list[str], str]:
    staff = create_staff(session)
    a = create_published(session, staff, code="MC-A")
    b = create_published(session, staff, code="MC-B")
    parent = create_published(
        session, staff, code="PARENT-1", kind=kind, components=[{"code": "MC-A"}, {"code": "MC-B"}]
    )
    return staff, [a.opportunity_id, b.opportunity_id], parent.opportunity_id


def test_a_catalogue_micro_credential_becomes_an_ob3_achievement_with_its_competency_and_stacking_link(
    session: Session, settings: Settings
) -> None:
    _staff, (a, _b), parent = _catalogue(session)
    definition = credentials_service.achievement_from_catalog(session, settings=settings, opportunity_id=a)
    assert definition.alignment is not None
    assert definition.alignment.target_type == "ext:ESCOSkill"
    assert definition.assessment is not None
    assert "Mastery" in (definition.assessment.rubric or "")
    assert definition.stacks_into == [parent]


def test_holding_every_component_of_a_certificate_queues_it_for_approval_then_issues_it(
    session: Session, settings: Settings
) -> None:
    staff, components, parent = _catalogue(session)
    institution = staff.institution  # type: ignore[attr-defined]
    learner = create_user(session, Role.LEARNER, institution=institution)
    rules = credentials_service.stack_rules_from_catalog(
        session, settings=settings, institution_id=institution.id
    )
    assert rules[0].requires_approval
    credentials_service.issue_for_completion(
        session, settings=settings, opportunity_id=components[0], learner_user_id=learner.id, actor=None
    )
    assert (
        credentials_service.evaluate_stacking(
            session, settings=settings, learner_user_id=learner.id, rules=rules, actor=None
        )
        == []
    )
    credentials_service.issue_for_completion(
        session, settings=settings, opportunity_id=components[1], learner_user_id=learner.id, actor=None
    )
    [award] = session.query(StackAward).filter_by(learner_user_id=learner.id).all()  # awarded on issuance
    assert award.state == "pending"
    assert (
        credentials_service.evaluate_stacking(
            session, settings=settings, learner_user_id=learner.id, rules=rules, actor=None
        )
        == []
    )
    registrar = principal_of(create_user(session, Role.REGISTRAR, institution=institution))
    decided = credentials_service.decide_stack_award(
        session, settings=settings, award_id=award.id, approve=True, rules=rules, actor=registrar
    )
    assert decided.state == "awarded"
    parent_credential = credentials_service.get(session, credential_id=str(decided.credential_id))
    assert parent_credential.achievement_ref == parent
    assert parent_credential.kind == "stack"
    with pytest.raises(errors.StackApprovalRefused):
        credentials_service.decide_stack_award(
            session, settings=settings, award_id=award.id, approve=True, rules=rules, actor=registrar
        )


def test_a_rule_without_approval_awards_the_parent_at_once(session: Session, settings: Settings) -> None:
    staff = create_staff(session)
    learner = create_user(session, Role.LEARNER, institution=staff.institution)
    a, b = achievement(ref="a"), achievement(ref="b")
    rule = StackRule(
        institution_id=staff.institution.id,
        parent=achievement(ref="parent", alignment=None, assessment=None),
        required=["a"],
        electives=["b", "c"],
        electives_required=1,
    )
    for definition in (a, b):
        credentials_service.issue(
            session,
            settings=settings,
            institution_id=staff.institution.id,
            actor=None,
            request=IssueRequest(
                achievement=definition,
                recipient=Recipient(user_id=learner.id),
                idempotency_key=f"k-{definition.ref}",
            ),
        )
    [award] = credentials_service.evaluate_stacking(
        session, settings=settings, learner_user_id=learner.id, rules=[rule], actor=None
    )
    assert award.state == "awarded"


def test_a_revoked_component_does_not_count(session: Session, settings: Settings) -> None:
    staff, components, _parent = _catalogue(session)
    learner = create_user(session, Role.LEARNER, institution=staff.institution)  # type: ignore[attr-defined]
    issued = [
        credentials_service.issue_for_completion(
            session, settings=settings, opportunity_id=c, learner_user_id=learner.id, actor=None
        )
        for c in components
    ]
    credentials_service.revoke(
        session, settings=settings, credential_id=issued[0].id, reason="Fraud", actor=None
    )
    rules = credentials_service.stack_rules_from_catalog(
        session, settings=settings, institution_id=staff.institution.id
    )  # type: ignore[attr-defined]
    assert (
        credentials_service.evaluate_stacking(
            session, settings=settings, learner_user_id=learner.id, rules=rules, actor=None
        )
        == []
    )


def test_the_clr_export_bundles_credentials_in_force_with_stacking_associations(
    session: Session, settings: Settings
) -> None:
    staff, components, parent = _catalogue(session, kind="micro_credential")
    learner = create_user(session, Role.LEARNER, institution=staff.institution)  # type: ignore[attr-defined]
    issued = [
        credentials_service.issue_for_completion(
            session, settings=settings, opportunity_id=c, learner_user_id=learner.id, actor=None
        )
        for c in components
    ]
    rules = credentials_service.stack_rules_from_catalog(
        session, settings=settings, institution_id=staff.institution.id
    )  # type: ignore[attr-defined]
    credentials_service.evaluate_stacking(
        session, settings=settings, learner_user_id=learner.id, rules=rules, actor=None
    )
    clr = credentials_service.export_clr(session, settings=settings, user_id=learner.id)
    subject = clr["credentialSubject"]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert len(subject["verifiableCredential"]) == 3
    assert learner.email not in str(clr)
    parent_id = next(
        c
        for c in subject["verifiableCredential"]
        if c["credentialSubject"]["achievement"]["id"].endswith(parent)
    )["credentialSubject"]["achievement"]["id"]
    child_id = issued[0].document["credentialSubject"]["achievement"]["id"]
    assert {
        "type": "Association",
        "associationType": "isChildOf",
        "sourceId": child_id,
        "targetId": parent_id,
    } in (subject["association"])


def _clr_of_a_learner_with_a_stack(session: Session, settings: Settings) -> dict[str, object]:
    staff, components, _ = _catalogue(session, kind="micro_credential")
    learner = create_user(session, Role.LEARNER, institution=staff.institution)  # type: ignore[attr-defined]
    for c in components:
        credentials_service.issue_for_completion(
            session, settings=settings, opportunity_id=c, learner_user_id=learner.id, actor=None
        )
    return credentials_service.export_clr(session, settings=settings, user_id=learner.id)


def test_the_clr_export_is_signed_with_eddsa_rdfc_2022_and_verifies(
    session: Session, settings: Settings
) -> None:
    clr = _clr_of_a_learner_with_a_stack(session, settings)
    assert clr["@context"] == [VC_V2, CLR_V2, OB_V3]
    assert clr["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # type: ignore[index]
    report = credentials_service.verify_credential(
        session, settings=settings, document=clr, http=HttpFetcher([])
    )
    assert report.verified, report


def test_a_changed_association_in_a_clr_is_reported_as_tampered(session: Session, settings: Settings) -> None:
    clr = copy.deepcopy(_clr_of_a_learner_with_a_stack(session, settings))
    clr["name"] = "Comprehensive Learner Record of someone else"
    report = credentials_service.verify_credential(
        session, settings=settings, document=clr, http=HttpFetcher([])
    )
    assert not report.verified
    assert report.outcome == "tampered"


def test_a_learner_without_credentials_in_force_has_no_clr(session: Session, settings: Settings) -> None:
    learner = create_user(session, Role.LEARNER)
    with pytest.raises(errors.ClrUnavailable, match="nothing to export"):
        credentials_service.export_clr(session, settings=settings, user_id=learner.id)
