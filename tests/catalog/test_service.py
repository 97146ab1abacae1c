"""Catalogue use cases against the database: authoring, QA, approval, versions, stacking, employers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent
from bridgeway.catalog import errors
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.models import CompetencyAlignment
from bridgeway.catalog.schemas import (
    AlignmentIn,
    EndorsementIn,
    InstitutionCompetencyIn,
    OpportunityCreate,
    ProposalIn,
    ProposalResponseIn,
    QaReviewIn,
    SearchParams,
    VersionUpdate,
)
from tests.factories.accounts import principal_of
from tests.factories.catalog import (
    all_yes,
    create_draft,
    create_esco_skill,
    create_published,
    create_staff,
    create_user_without_password,
    micro_credential_data,
    publish,
)


def test_a_micro_credential_goes_from_draft_to_published_and_every_step_is_audited(session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    publish(session, staff, version)
    assert version.state == "published"
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == version.id).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "catalog.opportunity.created",
        "catalog.version.submitted",
        "catalog.version.qa_passed",
        "catalog.version.approved",
        "catalog.version.published",
    ]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "catalog.version.approved")).one()
    assert event.before["state"] == "in_review"
    assert event.after["state"] == "approved"


def test_a_duplicate_code_is_refused(session: Session) -> None:
    staff = create_staff(session)
    create_draft(session, staff, code="CNC-100")
    with pytest.raises(errors.DuplicateCode):
        create_draft(session, staff, code="CNC-100")


def test_a_second_competency_is_refused_by_the_service(session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    other = create_esco_skill(session, "read standard blueprints")
    with pytest.raises(errors.SecondCompetency):
        catalog_service.align(
            session, actor=staff.designer, version_id=version.id, data=AlignmentIn(competency_id=other.id)
        )


def test_the_database_itself_refuses_a_second_competency(session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    other = create_esco_skill(session, "perform welding inspection")
    session.add(
        CompetencyAlignment(
            version_id=version.id,
            framework="esco",
            competency_id=other.id,
            target_name="x",
            target_code="x",
            target_framework="ESCO",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_author_may_not_approve_their_own_draft(session: Session) -> None:
    staff = create_staff(session)
    author = create_user_without_password(
        session, Role.PROGRAM_DESIGNER, Role.INSTITUTION_APPROVER, institution=staff.institution
    )
    data = OpportunityCreate.model_validate(
        micro_credential_data(competency_id=create_esco_skill(session).id)
    )
    version = catalog_service.create_opportunity(session, actor=principal_of(author), data=data)
    catalog_service.submit(session, actor=principal_of(author), version_id=version.id)
    catalog_service.review(session, actor=staff.reviewer, version_id=version.id, data=all_yes())
    with pytest.raises(errors.SelfApproval):
        catalog_service.approve(session, actor=principal_of(author), version_id=version.id)


def test_a_reviewer_sends_a_draft_back_with_comments(session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    catalog_service.submit(session, actor=staff.designer, version_id=version.id)
    answers = {**all_yes().answers, "criteria_clear": False}
    review = catalog_service.review(
        session,
        actor=staff.reviewer,
        version_id=version.id,
        data=QaReviewIn(answers=answers, item_comments={"criteria_clear": "Say what tolerance"}),
    )
    assert review.outcome == "sent_back"
    assert version.state == "draft"
    catalog_service.submit(session, actor=staff.designer, version_id=version.id)
    with pytest.raises(errors.InvalidInput, match="say why"):
        catalog_service.review(
            session, actor=staff.reviewer, version_id=version.id, data=QaReviewIn(answers=answers)
        )


def test_an_incomplete_draft_is_not_sent_to_review_and_the_reasons_are_listed(session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff, statements=[], assessment=None, competency_id=None)
    with pytest.raises(errors.NotReadyForReview) as caught:
        catalog_service.submit(session, actor=staff.designer, version_id=version.id)
    assert len(caught.value.detail) == 3


def test_a_time_based_completion_rule_is_refused(session: Session) -> None:
    staff = create_staff(session)
    with pytest.raises(errors.TimeBasedCompletion):
        create_draft(session, staff, completion_basis="hours_attended")


def test_editing_a_published_micro_credential_makes_a_new_draft_version(session: Session) -> None:
    staff = create_staff(session)
    v1 = create_published(session, staff)
    with pytest.raises(errors.VersionImmutable):
        catalog_service.update_draft(
            session, actor=staff.designer, version_id=v1.id, data=VersionUpdate(title_en="Changed")
        )
    v2 = catalog_service.new_version(session, actor=staff.designer, opportunity_id=v1.opportunity_id)
    assert (v2.number, v2.state) == (2, "draft")
    assert v2.alignment is not None
    assert v2.alignment.target_code == v1.alignment.target_code
    catalog_service.update_draft(
        session, actor=staff.designer, version_id=v2.id, data=VersionUpdate(title_en="New")
    )
    # The public still sees version 1 until version 2 is published; then version 1 is retired.
    shown = catalog_service.read_opportunity(session, opportunity_id=v1.opportunity_id, principal=None)
    assert shown.version.number == 1
    with pytest.raises(errors.OpenVersionExists):
        catalog_service.new_version(session, actor=staff.designer, opportunity_id=v1.opportunity_id)
    publish(session, staff, v2)
    shown = catalog_service.read_opportunity(session, opportunity_id=v1.opportunity_id, principal=None)
    assert (shown.version.number, shown.version.title_en) == (2, "New")
    assert v1.state == "retired"
    assert v1.title_en != "New"


def test_staff_of_another_institution_cannot_edit(session: Session) -> None:
    staff = create_staff(session)
    other = create_staff(session)
    version = create_draft(session, staff)
    with pytest.raises(errors.OtherInstitution):
        catalog_service.update_draft(
            session, actor=other.designer, version_id=version.id, data=VersionUpdate(title_en="x")
        )


def test_the_public_does_not_see_drafts(session: Session) -> None:
    staff = create_staff(session)
    version = create_draft(session, staff)
    with pytest.raises(errors.UnknownOpportunity):
        catalog_service.read_opportunity(session, opportunity_id=version.opportunity_id, principal=None)
    seen = catalog_service.read_opportunity(
        session, opportunity_id=version.opportunity_id, principal=staff.reviewer
    )
    assert seen.version.state == "draft"


def test_a_certificate_stacks_required_and_elective_micro_credentials(session: Session) -> None:
    staff = create_staff(session)
    a = create_published(session, staff, code="MC-A")
    b = create_published(session, staff, code="MC-B")
    create_published(session, staff, code="MC-X")
    create_published(session, staff, code="MC-Y")
    cert = create_published(
        session,
        staff,
        code="CERT-1",
        kind="certificate",
        is_credit=True,
        credit_value=12,
        components=[
            {"code": "MC-A"},
            {"code": "MC-B"},
            {"code": "MC-X", "required": False},
            {"code": "MC-Y", "required": False},
        ],
        electives_required=1,
    )
    rules = catalog_service.stacking_rules(session, institution_id=staff.institution.id)
    assert len(rules) == 1
    assert rules[0].parent == cert.opportunity_id
    assert rules[0].is_satisfied({a.opportunity_id, b.opportunity_id, *rules[0].electives})
    parents = catalog_service.stacks_into(session, opportunity_id=a.opportunity_id)
    assert [p.code for p in parents] == ["CERT-1"]
    achievement = catalog_service.achievement_data(session, version_id=a.id)
    assert achievement.alignment is not None
    assert achievement.alignment.target_type == "ext:ESCOSkill"
    assert [s.code for s in achievement.stacks_into] == ["CERT-1"]


def test_a_workshop_cannot_be_earned_by_stacking(session: Session) -> None:
    staff = create_staff(session)
    create_draft(session, staff, code="MC-Z")
    with pytest.raises(errors.InvalidStackingRule):
        create_draft(session, staff, kind="workshop", components=[{"code": "MC-Z"}], electives_required=0)


def test_a_prerequisite_cycle_is_refused(session: Session) -> None:
    staff = create_staff(session)
    first = create_draft(session, staff, code="P-1")
    create_draft(session, staff, code="P-2", prerequisites=["P-1"])
    with pytest.raises(errors.PrerequisiteCycle, match="P-1"):
        catalog_service.update_draft(
            session, actor=staff.designer, version_id=first.id, data=VersionUpdate(prerequisites=["P-2"])
        )


def test_an_institution_defined_competency_can_be_the_one_alignment(session: Session) -> None:
    staff = create_staff(session)
    own = catalog_service.create_institution_competency(
        session,
        actor=staff.designer,
        data=InstitutionCompetencyIn(code="WCN-1", label_en="Workplace communication for newcomers"),
    )
    version = create_draft(
        session, staff, competency_id=None, alignment={"institution_competency_id": own.id}
    )
    assert version.alignment is not None
    assert version.alignment.framework == "institution"


def test_search_finds_published_opportunities_by_filters(session: Session) -> None:
    staff = create_staff(session)
    skill = create_esco_skill(session, "apply arc welding techniques")
    create_published(
        session,
        staff,
        code="WELD-1",
        title_en="Arc welding",
        competency_id=skill.id,
        delivery_mode="in_person",
        schedules=["weekends"],
        cost_cents=50_000,
    )
    create_published(
        session, staff, code="CNC-9", delivery_mode="online", schedules=["self_paced"], cost_cents=150_000
    )
    create_draft(session, staff, code="DRAFT-1", title_en="Arc welding draft")

    def codes(**filters: object) -> list[str]:
        page = catalog_service.search(
            session, params=SearchParams(institution_id=staff.institution.id, **filters)
        )
        return [item.code for item in page.items]

    assert codes() == ["WELD-1", "CNC-9"] or sorted(codes()) == ["CNC-9", "WELD-1"]
    assert codes(q="welding") == ["WELD-1"]
    assert codes(competency_id=skill.id) == ["WELD-1"]
    assert codes(schedule="self_paced") == ["CNC-9"]
    assert codes(cost_max_cents=100_000) == ["WELD-1"]
    assert codes(delivery_mode="online") == ["CNC-9"]
    assert codes(credit=True) == []
    page = catalog_service.search(session, params=SearchParams(institution_id=staff.institution.id, limit=1))
    assert page.total == 2
    assert len(page.items) == 1


def test_employers_propose_competencies_and_endorse_published_micro_credentials(session: Session) -> None:
    staff = create_staff(session)
    employer_user = create_user_without_password(session, Role.EMPLOYER)
    employer = principal_of(employer_user)
    proposal = catalog_service.propose_competency(
        session,
        actor=employer,
        data=ProposalIn(title="Robot cell programming", institution_id=staff.institution.id),
    )
    queue = catalog_service.proposals_for(session, actor=staff.designer)
    assert [p.id for p in queue] == [proposal.id]
    version = create_published(session, staff)
    catalog_service.respond_to_proposal(
        session,
        actor=staff.designer,
        proposal_id=proposal.id,
        data=ProposalResponseIn(status="accepted", opportunity_id=version.opportunity_id),
    )
    assert proposal.status == "accepted"
    catalog_service.endorse(
        session,
        actor=employer,
        opportunity_id=version.opportunity_id,
        data=EndorsementIn(statement="We hire graduates of this."),
    )
    with pytest.raises(errors.AlreadyEndorsed):
        catalog_service.endorse(
            session, actor=employer, opportunity_id=version.opportunity_id, data=EndorsementIn()
        )


def test_the_planning_catalogue_carries_constraints_and_stacking(session: Session) -> None:
    staff = create_staff(session)
    create_published(session, staff, code="MC-P")
    create_published(session, staff, code="MC-Q", prerequisites=["MC-P"])
    items = {
        i.code: i for i in catalog_service.planning_catalogue(session, institution_id=staff.institution.id)
    }
    assert items["MC-Q"].prerequisite_ids == [items["MC-P"].opportunity_id]
    assert len(items["MC-P"].competency_ids) == 1
    assert items["MC-P"].cost_cents == 89_500
    assert items["MC-P"].intakes[0].seats == 16


def test_an_occupation_filter_finds_micro_credentials_and_the_credentials_they_stack_into(
    session: Session,
) -> None:
    from bridgeway.taxonomy.models import Occupation, OccupationRequirement

    staff = create_staff(session)
    skill = create_esco_skill(session, "perform welding inspection")
    create_published(session, staff, code="OCC-MC", competency_id=skill.id)
    create_published(session, staff, code="OCC-OTHER")
    create_published(session, staff, code="OCC-CERT", kind="certificate", components=[{"code": "OCC-MC"}])
    occupation = Occupation(
        release_id=skill.release_id,
        source="esco",
        code="welding-inspector",
        level="occupation",
        label="welding inspector",
    )
    session.add(occupation)
    session.flush()
    session.add(
        OccupationRequirement(
            release_id=skill.release_id,
            occupation_id=occupation.id,
            competency_id=skill.id,
            relation="essential",
        )
    )
    session.flush()
    page = catalog_service.search(
        session, params=SearchParams(institution_id=staff.institution.id, occupation_id=occupation.id)
    )
    assert sorted(item.code for item in page.items) == ["OCC-CERT", "OCC-MC"]
