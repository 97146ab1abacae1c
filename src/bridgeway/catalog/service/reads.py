"""Reading the catalogue: what each caller may see, search, and the views other domains build on."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Principal
from bridgeway.catalog import domain, errors, repository
from bridgeway.catalog.domain import OpportunityKind, StackingRule, VersionState
from bridgeway.catalog.models import LearningOpportunity, OpportunityVersion, StackingComponent
from bridgeway.catalog.schemas import (
    AchievementAlignment,
    AchievementData,
    AlignmentRead,
    ComponentRead,
    EndorsementRead,
    InstructorRead,
    IntakeRead,
    OpportunityRead,
    OpportunitySummary,
    PlannableOpportunity,
    SearchParams,
    StatementRead,
    VersionRead,
)
from bridgeway.catalog.service.authoring import get_opportunity, get_version
from bridgeway.kit.clock import utcnow
from bridgeway.kit.pagination import Page
from bridgeway.taxonomy.models import Competency, Occupation

TARGET_TYPES = {
    "esco": "ext:ESCOSkill",
    "oasis": "ext:OaSISDescriptor",
    "institution": "ext:InstitutionCompetency",
}


def can_see_drafts(principal: Principal | None, institution_id: str) -> bool:
    """Return True when the caller is staff of the institution (and so sees unpublished versions)."""
    return principal is not None and principal.is_staff_of(institution_id)


def visible_version(
    session: Session,
    *,
    opportunity: LearningOpportunity,
    principal: Principal | None,
    version_id: str | None = None,
) -> OpportunityVersion:
    """Return the version the caller sees: staff any version (default the latest), others the published one."""
    if version_id is not None:
        version = get_version(session, version_id)
        if version.opportunity_id != opportunity.id:
            raise errors.UnknownVersion(f"no version with id '{version_id}' of this opportunity")
        if version.state in (VersionState.PUBLISHED.value, VersionState.RETIRED.value) or can_see_drafts(
            principal, opportunity.institution_id
        ):
            return version
        raise errors.UnknownVersion(f"no version with id '{version_id}'")
    if can_see_drafts(principal, opportunity.institution_id):
        return repository.versions_of(session, opportunity.id)[-1]
    published = repository.published_version(session, opportunity.id)
    if published is None:
        raise errors.UnknownOpportunity(f"no published learning opportunity with id '{opportunity.id}'")
    return published


def _components(session: Session, rows: list[StackingComponent]) -> list[ComponentRead]:
    ids = [c.component_id for c in rows]
    opportunities = repository.opportunities_by_ids(session, ids)
    published = repository.published_versions_of(session, ids)
    out = []
    for row in sorted(rows, key=lambda c: (not c.required, c.position)):
        opp = opportunities[row.component_id]
        pub = published.get(opp.id)
        shown = pub or repository.versions_of(session, opp.id)[-1]
        out.append(
            ComponentRead(
                opportunity_id=opp.id,
                code=opp.code,
                title_en=shown.title_en,
                title_fr=shown.title_fr,
                kind=opp.kind,
                required=row.required,
                is_credit=shown.is_credit,
                credit_value=shown.credit_value,
                hours=shown.hours,
                published=pub is not None,
            )
        )
    return out


def read_version(session: Session, version: OpportunityVersion) -> VersionRead:
    """Return the API form of a version."""
    prereqs = repository.opportunities_by_ids(session, [p.prerequisite_id for p in version.prerequisites])
    return VersionRead(
        id=version.id,
        opportunity_id=version.opportunity_id,
        number=version.number,
        state=version.state,
        title_en=version.title_en,
        title_fr=version.title_fr,
        description_en=version.description_en,
        description_fr=version.description_fr,
        delivery_mode=version.delivery_mode,
        schedules=list(version.schedules),
        hours=version.hours,
        weeks=version.weeks,
        cost_cents=version.cost_cents,
        is_credit=version.is_credit,
        credit_value=version.credit_value,
        language=version.language,
        completion_basis=version.completion_basis,
        mastery_criteria_en=version.mastery_criteria_en,
        mastery_criteria_fr=version.mastery_criteria_fr,
        assessment_method=version.assessment_method,
        assessment_description=version.assessment_description,
        rubric=version.rubric,
        alignment=AlignmentRead.model_validate(version.alignment) if version.alignment else None,
        statements=[StatementRead.model_validate(s) for s in version.statements],
        prerequisites=sorted(o.code for o in prereqs.values()),
        components=_components(session, list(version.components)),
        electives_required=version.electives_required,
        change_note=version.change_note,
        author_id=version.author_id,
        created_at=version.created_at,
        submitted_at=version.submitted_at,
        qa_passed_at=version.qa_passed_at,
        approved_at=version.approved_at,
        approved_by_id=version.approved_by_id,
        published_at=version.published_at,
        retired_at=version.retired_at,
        allowed_actions=domain.allowed_actions(VersionState(version.state)),
    )


def stacks_into(session: Session, *, opportunity_id: str) -> list[ComponentRead]:
    """Return the published credentials whose stacking rule lists the opportunity (with required or elective)."""
    out = []
    for parent, row in repository.parents_of(session, opportunity_id):
        opp = parent.opportunity
        out.append(
            ComponentRead(
                opportunity_id=opp.id,
                code=opp.code,
                title_en=parent.title_en,
                title_fr=parent.title_fr,
                kind=opp.kind,
                required=row.required,
                is_credit=parent.is_credit,
                credit_value=parent.credit_value,
                hours=parent.hours,
                published=True,
            )
        )
    return sorted(out, key=lambda c: c.code)


def read_opportunity(
    session: Session, *, opportunity_id: str, principal: Principal | None, version_id: str | None = None
) -> OpportunityRead:
    """Return an opportunity as the caller may see it, with intakes, instructors, parents and endorsements."""
    opportunity = get_opportunity(session, opportunity_id)
    version = visible_version(session, opportunity=opportunity, principal=principal, version_id=version_id)
    return OpportunityRead(
        id=opportunity.id,
        institution_id=opportunity.institution_id,
        code=opportunity.code,
        kind=opportunity.kind,
        version=read_version(session, version),
        intakes=[IntakeRead.model_validate(i) for i in opportunity.intakes],
        instructors=[InstructorRead.model_validate(i) for i in opportunity.instructors],
        part_of=stacks_into(session, opportunity_id=opportunity.id),
        endorsements=[
            EndorsementRead.model_validate(e) for e in repository.endorsements_of(session, opportunity.id)
        ],
    )


def versions(session: Session, *, opportunity_id: str, principal: Principal | None) -> list[VersionRead]:
    """Return the version history the caller may see (staff: all; others: published and retired)."""
    opportunity = get_opportunity(session, opportunity_id)
    staff = can_see_drafts(principal, opportunity.institution_id)
    rows = repository.versions_of(session, opportunity.id)
    shown = [
        v for v in rows if staff or v.state in (VersionState.PUBLISHED.value, VersionState.RETIRED.value)
    ]
    if not shown:
        raise errors.UnknownOpportunity(f"no published learning opportunity with id '{opportunity_id}'")
    return [read_version(session, v) for v in shown]


def search(session: Session, *, params: SearchParams) -> Page[OpportunitySummary]:
    """Search the published catalogue with filters; paginated."""
    rows, total = repository.search_published(session, params)
    intakes = repository.next_intakes(session, [o.id for o, _ in rows], utcnow().date())
    items = [
        OpportunitySummary(
            id=o.id,
            institution_id=o.institution_id,
            code=o.code,
            kind=o.kind,
            version_id=v.id,
            version_number=v.number,
            title_en=v.title_en,
            title_fr=v.title_fr,
            delivery_mode=v.delivery_mode,
            schedules=list(v.schedules),
            hours=v.hours,
            weeks=v.weeks,
            cost_cents=v.cost_cents,
            is_credit=v.is_credit,
            credit_value=v.credit_value,
            language=v.language,
            competency=v.alignment.target_name if v.alignment else None,
            next_intake=intakes.get(o.id),
        )
        for o, v in rows
    ]
    return Page[OpportunitySummary](items=items, total=total, limit=params.limit, offset=params.offset)


def achievement_data(session: Session, *, version_id: str) -> AchievementData:
    """Return what an Open Badges 3.0 Achievement needs from a published (or retired) version."""
    version = get_version(session, version_id)
    if version.state not in (VersionState.PUBLISHED.value, VersionState.RETIRED.value):
        raise errors.NotPublished(
            f"version {version.number} is {version.state}; credentials come from published versions"
        )
    opp = version.opportunity
    a = version.alignment
    alignment = None
    if a is not None:
        alignment = AchievementAlignment(
            target_name=a.target_name,
            target_code=a.target_code,
            target_url=a.target_url,
            target_description=a.target_description,
            target_framework=a.target_framework,
            target_type=TARGET_TYPES.get(a.framework, "ext:Competency"),
        )
    return AchievementData(
        opportunity_id=opp.id,
        version_id=version.id,
        institution_id=opp.institution_id,
        code=opp.code,
        kind=opp.kind,
        name=version.title_en,
        name_fr=version.title_fr,
        description=version.description_en,
        description_fr=version.description_fr,
        criteria_narrative=version.mastery_criteria_en,
        criteria_narrative_fr=version.mastery_criteria_fr,
        alignment=alignment,
        assessment_method=version.assessment_method,
        assessment_description=version.assessment_description,
        rubric=version.rubric,
        completion_basis=version.completion_basis,
        is_credit=version.is_credit,
        credit_value=version.credit_value,
        hours=version.hours,
        employer_statements=[StatementRead.model_validate(s) for s in version.statements],
        stacks_into=stacks_into(session, opportunity_id=opp.id),
        components=_components(session, list(version.components)),
        electives_required=version.electives_required,
    )


def published_achievement_data(session: Session, *, opportunity_id: str) -> AchievementData:
    """Return the achievement data of an opportunity's currently published version."""
    version = repository.published_version(session, opportunity_id)
    if version is None:
        raise errors.NotPublished(f"opportunity '{opportunity_id}' has no published version")
    return achievement_data(session, version_id=version.id)


def stacking_rule_of(version: OpportunityVersion) -> StackingRule | None:
    """Return a version's stacking rule (None when it has no components)."""
    if not version.components:
        return None
    return StackingRule(
        parent=version.opportunity_id,
        required=frozenset(c.component_id for c in version.components if c.required),
        electives=frozenset(c.component_id for c in version.components if not c.required),
        electives_required=version.electives_required,
    )


def stacking_rules(session: Session, *, institution_id: str | None = None) -> list[StackingRule]:
    """Return the stacking rules of every published credential (by opportunity ids)."""
    rules = (stacking_rule_of(v) for v in repository.published_for_planning(session, institution_id))
    return [r for r in rules if r is not None]


def planning_catalogue(session: Session, *, institution_id: str | None = None) -> list[PlannableOpportunity]:
    """Return every published opportunity with the constraints the pathway planner optimises over."""
    out = []
    for v in repository.published_for_planning(session, institution_id):
        opp = v.opportunity
        a = v.alignment
        out.append(
            PlannableOpportunity(
                opportunity_id=opp.id,
                version_id=v.id,
                institution_id=opp.institution_id,
                code=opp.code,
                kind=opp.kind,
                title_en=v.title_en,
                title_fr=v.title_fr,
                hours=v.hours,
                weeks=v.weeks,
                cost_cents=v.cost_cents,
                delivery_mode=v.delivery_mode,
                schedules=list(v.schedules),
                language=v.language,
                is_credit=v.is_credit,
                credit_value=v.credit_value,
                competency_ids=[a.competency_id] if a is not None and a.competency_id else [],
                institution_competency_ids=[a.institution_competency_id]
                if a is not None and a.institution_competency_id
                else [],
                prerequisite_ids=sorted(p.prerequisite_id for p in v.prerequisites),
                intakes=[IntakeRead.model_validate(i) for i in opp.intakes],
                required_component_ids=[c.component_id for c in v.components if c.required],
                elective_component_ids=[c.component_id for c in v.components if not c.required],
                electives_required=v.electives_required,
            )
        )
    return out


def opportunities(
    session: Session, *, institution_id: str | None = None
) -> list[tuple[LearningOpportunity, OpportunityVersion]]:
    """Return every opportunity (of one institution or all) with its latest version, for listings and export."""
    return [
        (o, repository.versions_of(session, o.id)[-1])
        for o in repository.opportunities_of(session, institution_id)
    ]


def is_micro_credential(opportunity: LearningOpportunity) -> bool:
    """Return True for micro-credentials."""
    return opportunity.kind == OpportunityKind.MICRO_CREDENTIAL.value


def competency_options(session: Session, *, query: str, limit: int = 20) -> list[Competency]:
    """Return ESCO skills and OaSIS descriptors matching a label, for choosing the one competency."""
    return repository.competencies_matching(session, query, limit=limit)


def competency_by_label(session: Session, *, label: str, source: str = "esco") -> Competency | None:
    """Return the taxonomy competency with exactly that label, if it was imported."""
    return repository.competency_by_label(session, label, source)


def aligned_competencies(session: Session) -> list[tuple[str, str, str]]:
    """Return the taxonomy competencies that published versions certify (id, label, French label)."""
    return repository.aligned_competencies(session)


def occupation_options(session: Session, *, query: str, limit: int = 10) -> list[Occupation]:
    """Return occupations whose label matches, for the catalogue's occupation filter."""
    return repository.occupations_matching(session, query, limit=limit) if len(query.strip()) >= 3 else []
