"""Authoring: opportunities, drafts, the one competency alignment, new versions, intakes and instructors."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.catalog import domain, errors, repository
from bridgeway.catalog.domain import OpportunityKind, VersionState
from bridgeway.catalog.models import (
    CompetencyAlignment,
    EmployerStatement,
    InstitutionCompetency,
    Instructor,
    Intake,
    LearningOpportunity,
    OpportunityVersion,
    Prerequisite,
    StackingComponent,
)
from bridgeway.catalog.schemas import (
    AlignmentIn,
    DefinitionFields,
    InstitutionCompetencyIn,
    OperationsUpdate,
    OpportunityCreate,
    VersionUpdate,
)
from bridgeway.taxonomy.models import Competency, TaxonomyRelease

TAXONOMY_FRAMEWORKS = {"esco": "ESCO", "oasis": "OaSIS"}


def require_designer(actor: Principal, institution_id: str) -> None:
    """Refuse anyone but a program designer of the institution."""
    if not actor.is_staff_of(institution_id):
        raise errors.OtherInstitution("staff act only within their own institution")
    if not actor.has_role(Role.PROGRAM_DESIGNER):
        raise errors.WorkflowRoleMissing("authoring needs the role: program_designer")


def get_opportunity(session: Session, opportunity_id: str) -> LearningOpportunity:
    """Return the opportunity or raise UnknownOpportunity."""
    opportunity = session.get(LearningOpportunity, opportunity_id)
    if opportunity is None:
        raise errors.UnknownOpportunity(f"no learning opportunity with id '{opportunity_id}'")
    return opportunity


def get_opportunity_by_code(session: Session, *, institution_id: str, code: str) -> LearningOpportunity:
    """Return the institution's opportunity with that code or raise UnknownOpportunity."""
    opportunity = repository.opportunity_by_code(session, institution_id, code)
    if opportunity is None:
        raise errors.UnknownOpportunity(f"no learning opportunity with code '{code}'")
    return opportunity


def get_version(session: Session, version_id: str) -> OpportunityVersion:
    """Return the version or raise UnknownVersion."""
    version = session.get(OpportunityVersion, version_id)
    if version is None:
        raise errors.UnknownVersion(f"no version with id '{version_id}'")
    return version


def version_snapshot(version: OpportunityVersion) -> dict[str, Any]:
    """Return the audit form of a version: its state and the fields a reviewer cares about."""
    return {
        "state": version.state,
        "number": version.number,
        "title_en": version.title_en,
        "competency": version.alignment.target_code if version.alignment else None,
        "assessment_method": version.assessment_method,
        "hours": version.hours,
        "cost_cents": version.cost_cents,
    }


def create_institution_competency(
    session: Session, *, actor: Principal, data: InstitutionCompetencyIn, institution_id: str | None = None
) -> InstitutionCompetency:
    """Define a workplace competency owned by the institution (for what no ESCO skill or OaSIS descriptor covers)."""
    institution_id = institution_id or actor.institution_id or ""
    require_designer(actor, institution_id)
    if repository.institution_competency_by_code(session, institution_id, data.code) is not None:
        raise errors.DuplicateCode(f"the institution already defines a competency with code '{data.code}'")
    competency = InstitutionCompetency(institution_id=institution_id, **data.model_dump())
    session.add(competency)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.competency.created",
        entity_type="institution_competency",
        entity_id=competency.id,
        institution_id=institution_id,
        after=data.model_dump(),
    )
    return competency


def institution_competencies(session: Session, *, institution_id: str) -> list[InstitutionCompetency]:
    """Return the competencies an institution defines itself."""
    return repository.institution_competencies(session, institution_id)


def create_opportunity(
    session: Session, *, actor: Principal, data: OpportunityCreate, institution_id: str | None = None
) -> OpportunityVersion:
    """Create a learning opportunity and its first draft version; duplicate codes are refused."""
    institution_id = institution_id or actor.institution_id or ""
    require_designer(actor, institution_id)
    if repository.opportunity_by_code(session, institution_id, data.code) is not None:
        raise errors.DuplicateCode(f"the institution already has an opportunity with code '{data.code}'")
    opportunity = LearningOpportunity(
        institution_id=institution_id, code=data.code, kind=data.kind.value, created_by_id=actor.user_id
    )
    opportunity.intakes = [Intake(**i.model_dump()) for i in data.intakes]
    opportunity.instructors = [Instructor(**i.model_dump()) for i in data.instructors]
    session.add(opportunity)
    try:
        session.flush()
    except IntegrityError:  # a concurrent request took the code between the check and the insert
        raise errors.DuplicateCode(
            f"the institution already has an opportunity with code '{data.code}'"
        ) from None
    version = OpportunityVersion(
        opportunity_id=opportunity.id,
        number=1,
        state=VersionState.DRAFT.value,
        title_en=data.title_en,
        delivery_mode=data.delivery_mode.value,
        author_id=actor.user_id,
    )
    session.add(version)
    _apply_definition(session, version, opportunity, data)
    session.flush()
    if data.alignment is not None:
        _align(session, version, opportunity, data.alignment)
    session.flush()
    session.refresh(version)
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.opportunity.created",
        entity_type="opportunity_version",
        entity_id=version.id,
        institution_id=institution_id,
        after={"code": data.code, **version_snapshot(version)},
    )
    return version


def update_draft(
    session: Session, *, actor: Principal, version_id: str, data: VersionUpdate
) -> OpportunityVersion:
    """Change a draft version; anything but a draft is refused (published versions never change)."""
    version = get_version(session, version_id)
    opportunity = version.opportunity
    require_designer(actor, opportunity.institution_id)
    domain.check_editable(VersionState(version.state))
    before = version_snapshot(version)
    _apply_definition(session, version, opportunity, data)
    session.flush()
    session.refresh(version)
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.version.edited",
        entity_type="opportunity_version",
        entity_id=version.id,
        institution_id=opportunity.institution_id,
        before=before,
        after=version_snapshot(version),
    )
    return version


def _apply_definition(
    session: Session, version: OpportunityVersion, opportunity: LearningOpportunity, data: DefinitionFields
) -> None:
    """Copy the given fields onto a draft, validating rubric, completion rule, stacking and prerequisites."""
    given = data.model_dump(exclude_unset=True)
    simple = (
        "title_en",
        "title_fr",
        "description_en",
        "description_fr",
        "hours",
        "weeks",
        "cost_cents",
        "is_credit",
        "credit_value",
        "mastery_criteria_en",
        "mastery_criteria_fr",
        "change_note",
    )
    for name in simple:
        if name in given and given[name] is not None:
            setattr(version, name, given[name])
    if data.delivery_mode is not None:
        version.delivery_mode = data.delivery_mode.value
    if data.schedules is not None:
        version.schedules = [p.value for p in domain.normalise_schedules(data.schedules)]
    if data.language is not None:
        version.language = data.language.value
    if data.completion_basis is not None:
        version.completion_basis = domain.check_completion_basis(data.completion_basis).value
    if version.is_credit is False:
        version.credit_value = None
    if data.assessment is not None:
        rubric = domain.Rubric.from_dict(data.assessment.rubric.model_dump())
        version.assessment_method = data.assessment.method.value
        version.assessment_description = data.assessment.description
        version.rubric = rubric.to_dict()
    if data.statements is not None:
        version.statements = [
            EmployerStatement(organisation=s.organisation, statement=s.statement, employer_id=s.employer_id)
            for s in data.statements
        ]
    if data.prerequisites is not None:
        found = _resolve_codes(session, opportunity, data.prerequisites, what="prerequisite")
        version.prerequisites = [
            Prerequisite(prerequisite_id=found[c].id) for c in dict.fromkeys(data.prerequisites)
        ]
    if data.components is not None:
        if data.components and OpportunityKind(opportunity.kind) not in domain.STACKABLE_PARENT_KINDS:
            raise errors.InvalidStackingRule(
                f"a {opportunity.kind} cannot be earned by stacking; only formal credentials, bridge programs "
                "and larger micro-credentials can"
            )
        found = _resolve_codes(session, opportunity, [c.code for c in data.components], what="component")
        version.components = [
            StackingComponent(component_id=found[c.code].id, required=c.required, position=i)
            for i, c in enumerate(data.components)
        ]
    if data.electives_required is not None:
        version.electives_required = data.electives_required
    if version.components:
        rule = domain.StackingRule(
            parent=opportunity.id,
            required=frozenset(c.component_id for c in version.components if c.required),
            electives=frozenset(c.component_id for c in version.components if not c.required),
            electives_required=version.electives_required,
        )
        rule.validate()
    if data.prerequisites is not None or data.components is not None:
        session.flush()
        _refuse_cycles(session, opportunity)


def _resolve_codes(
    session: Session, opportunity: LearningOpportunity, codes: list[str], *, what: str
) -> dict[str, LearningOpportunity]:
    if len(set(codes)) != len(codes):
        raise (
            errors.InvalidStackingRule(f"a {what} is listed twice")
            if what == "component"
            else errors.InvalidInput(f"a {what} is listed twice")
        )
    found = repository.opportunities_by_codes(session, opportunity.institution_id, codes)
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise errors.UnknownOpportunity(f"unknown {what} codes in this institution: {', '.join(unknown)}")
    if opportunity.code in codes:
        raise errors.PrerequisiteCycle(f"an opportunity cannot be its own {what}")
    return found


def _refuse_cycles(session: Session, opportunity: LearningOpportunity) -> None:
    cycle = domain.find_cycle(repository.dependency_edges(session, opportunity.institution_id))
    if cycle is not None:
        names = repository.opportunities_by_ids(session, cycle)
        path = " → ".join(names[i].code for i in cycle if i in names)
        raise errors.PrerequisiteCycle(f"prerequisites and stacking would form a cycle: {path}", detail=cycle)


def align(session: Session, *, actor: Principal, version_id: str, data: AlignmentIn) -> CompetencyAlignment:
    """Align a draft micro-credential to its one competency; a second alignment is refused (principle 4)."""
    version = get_version(session, version_id)
    opportunity = version.opportunity
    require_designer(actor, opportunity.institution_id)
    domain.check_editable(VersionState(version.state))
    alignment = _align(session, version, opportunity, data)
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.version.aligned",
        entity_type="opportunity_version",
        entity_id=version.id,
        institution_id=opportunity.institution_id,
        before={"competency": None},
        after={"competency": alignment.target_code, "framework": alignment.framework},
    )
    return alignment


def _align(
    session: Session, version: OpportunityVersion, opportunity: LearningOpportunity, data: AlignmentIn
) -> CompetencyAlignment:
    if opportunity.kind != OpportunityKind.MICRO_CREDENTIAL.value:
        raise errors.NotAMicroCredential("only micro-credentials are aligned to a single competency")
    domain.check_single_alignment(repository.count_alignments(session, version.id))
    alignment = _alignment_for(session, opportunity.institution_id, data)
    alignment.version_id = version.id
    session.add(alignment)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the unique constraint: a concurrent request aligned it first
        raise errors.SecondCompetency("a micro-credential is aligned to exactly one competency") from None
    session.refresh(version)
    return alignment


def _alignment_for(session: Session, institution_id: str, data: AlignmentIn) -> CompetencyAlignment:
    if data.competency_id is not None:
        competency = session.get(Competency, data.competency_id)
        if competency is None:
            raise errors.UnknownCompetency(f"no competency with id '{data.competency_id}'")
        if competency.source not in TAXONOMY_FRAMEWORKS:
            raise errors.UnknownCompetency(
                f"a micro-credential aligns to an ESCO skill, an OaSIS descriptor or an institution competency, "
                f"not a '{competency.source}' element"
            )
        release = session.get(TaxonomyRelease, competency.release_id)
        framework = f"{TAXONOMY_FRAMEWORKS[competency.source]} {release.version if release else ''}".strip()
        return CompetencyAlignment(
            framework=competency.source,
            competency_id=competency.id,
            target_name=competency.preferred_label,
            target_name_fr=competency.preferred_label_fr or "",
            target_code=competency.code,
            target_url=competency.uri,
            target_description=competency.description or "",
            target_framework=framework,
        )
    own = session.get(InstitutionCompetency, data.institution_competency_id)
    if own is None or own.institution_id != institution_id:
        raise errors.UnknownCompetency(
            f"no competency of this institution with id '{data.institution_competency_id}'"
        )
    return CompetencyAlignment(
        framework="institution",
        institution_competency_id=own.id,
        target_name=own.label_en,
        target_name_fr=own.label_fr,
        target_code=own.code,
        target_url=None,
        target_description=own.description_en,
        target_framework="institution",
    )


def unalign(session: Session, *, actor: Principal, version_id: str) -> None:
    """Remove a draft's competency alignment (to replace it with another one)."""
    version = get_version(session, version_id)
    require_designer(actor, version.opportunity.institution_id)
    domain.check_editable(VersionState(version.state))
    if version.alignment is None:
        return
    before = {"competency": version.alignment.target_code}
    version.alignment = None
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.version.unaligned",
        entity_type="opportunity_version",
        entity_id=version.id,
        institution_id=version.opportunity.institution_id,
        before=before,
        after={"competency": None},
    )


def new_version(session: Session, *, actor: Principal, opportunity_id: str) -> OpportunityVersion:
    """Start editing a published (or retired) definition: copy its latest version into a new draft."""
    opportunity = get_opportunity(session, opportunity_id)
    require_designer(actor, opportunity.institution_id)
    versions = repository.versions_of(session, opportunity.id)
    open_ones = [v for v in versions if VersionState(v.state) in domain.OPEN_STATES]
    if open_ones:
        raise errors.OpenVersionExists(
            f"version {open_ones[0].number} is still {open_ones[0].state}; finish or send it back first",
            detail={"version_id": open_ones[0].id},
        )
    source = versions[-1]
    copy = OpportunityVersion(
        opportunity_id=opportunity.id,
        number=source.number + 1,
        state=VersionState.DRAFT.value,
        author_id=actor.user_id,
        change_note="",
        **{name: getattr(source, name) for name in _COPIED},
    )
    copy.statements = [
        EmployerStatement(organisation=s.organisation, statement=s.statement, employer_id=s.employer_id)
        for s in source.statements
    ]
    copy.prerequisites = [Prerequisite(prerequisite_id=p.prerequisite_id) for p in source.prerequisites]
    copy.components = [
        StackingComponent(component_id=c.component_id, required=c.required, position=c.position)
        for c in source.components
    ]
    if source.alignment is not None:
        a = source.alignment
        copy.alignment = CompetencyAlignment(**{name: getattr(a, name) for name in _ALIGNMENT_COPIED})
    session.add(copy)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.version.created",
        entity_type="opportunity_version",
        entity_id=copy.id,
        institution_id=opportunity.institution_id,
        before={"from_version": source.number},
        after=version_snapshot(copy),
    )
    return copy


_COPIED = (
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "delivery_mode",
    "schedules",
    "hours",
    "weeks",
    "cost_cents",
    "is_credit",
    "credit_value",
    "language",
    "completion_basis",
    "mastery_criteria_en",
    "mastery_criteria_fr",
    "assessment_method",
    "assessment_description",
    "rubric",
    "electives_required",
)
_ALIGNMENT_COPIED = (
    "framework",
    "competency_id",
    "institution_competency_id",
    "target_name",
    "target_name_fr",
    "target_code",
    "target_url",
    "target_description",
    "target_framework",
)


def update_operations(
    session: Session, *, actor: Principal, opportunity_id: str, data: OperationsUpdate
) -> LearningOpportunity:
    """Replace intakes and/or instructors (operational data outside the approved definition)."""
    opportunity = get_opportunity(session, opportunity_id)
    require_designer(actor, opportunity.institution_id)
    before = {"intakes": len(opportunity.intakes), "instructors": len(opportunity.instructors)}
    if data.intakes is not None:
        opportunity.intakes = [Intake(**i.model_dump()) for i in data.intakes]
    if data.instructors is not None:
        opportunity.instructors = [Instructor(**i.model_dump()) for i in data.instructors]
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.opportunity.operations_updated",
        entity_type="learning_opportunity",
        entity_id=opportunity.id,
        institution_id=opportunity.institution_id,
        before=before,
        after={"intakes": len(opportunity.intakes), "instructors": len(opportunity.instructors)},
    )
    return opportunity
