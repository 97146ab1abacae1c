"""The catalogue JSON API under /api/v1/catalog: search, authoring, QA review, approval, employers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from bridgeway.accounts.deps import OptionalPrincipal, require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.policy import RoutePolicy, allow, public
from bridgeway.catalog import domain
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.deps import STAFF, OpportunityTenant, ProposalTenant, VersionTenant
from bridgeway.catalog.schemas import (
    AchievementData,
    AlignmentIn,
    AlignmentRead,
    ChecklistItem,
    EndorsementIn,
    EndorsementRead,
    InstitutionCompetencyIn,
    InstitutionCompetencyRead,
    OperationsUpdate,
    OpportunityCreate,
    OpportunityRead,
    OpportunitySummary,
    ProposalIn,
    ProposalRead,
    ProposalResponseIn,
    QaReviewIn,
    QaReviewRead,
    SearchParams,
    SendBackIn,
    VersionRead,
    VersionUpdate,
)
from bridgeway.kit.http import DbSession
from bridgeway.kit.pagination import Page

router = APIRouter(prefix="/catalog", tags=["catalogue"])


R, W = Scope.CATALOG_READ, Scope.CATALOG_WRITE
Designer = Annotated[Principal, Depends(require(Role.PROGRAM_DESIGNER, scope=W))]
Reviewer = Annotated[Principal, Depends(require(Role.QA_REVIEWER, scope=W))]
Approver = Annotated[Principal, Depends(require(Role.INSTITUTION_APPROVER, scope=W))]
Returner = Annotated[Principal, Depends(require(Role.QA_REVIEWER, Role.INSTITUTION_APPROVER, scope=W))]
StaffReader = Annotated[Principal, Depends(require(*STAFF, scope=R))]
Employer = Annotated[Principal, Depends(require(Role.EMPLOYER, scope=W))]
ProposalReader = Annotated[Principal, Depends(require(Role.EMPLOYER, *STAFF, scope=R))]

VER = "/api/v1/catalog/versions/{version_id}"
OPP = "/api/v1/catalog/opportunities/{opportunity_id}"
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /api/v1/catalog/opportunities": public(),
    "POST /api/v1/catalog/opportunities": allow(Role.PROGRAM_DESIGNER, scope=W),
    f"GET {OPP}": public(),
    f"GET {OPP}/versions": public(),
    f"POST {OPP}/versions": allow(Role.PROGRAM_DESIGNER, scope=W, tenant=True),
    f"PUT {OPP}/operations": allow(Role.PROGRAM_DESIGNER, scope=W, tenant=True),
    f"GET {OPP}/achievement": public(),
    f"POST {OPP}/endorsements": allow(Role.EMPLOYER, scope=W),
    f"GET {VER}": public(),
    f"PATCH {VER}": allow(Role.PROGRAM_DESIGNER, scope=W, tenant=True),
    f"POST {VER}/alignment": allow(Role.PROGRAM_DESIGNER, scope=W, tenant=True),
    f"DELETE {VER}/alignment": allow(Role.PROGRAM_DESIGNER, scope=W, tenant=True),
    f"POST {VER}/submit": allow(Role.PROGRAM_DESIGNER, scope=W, tenant=True),
    f"GET {VER}/reviews": allow(*STAFF, scope=R, tenant=True),
    f"POST {VER}/reviews": allow(Role.QA_REVIEWER, scope=W, tenant=True),
    f"POST {VER}/send-back": allow(Role.QA_REVIEWER, Role.INSTITUTION_APPROVER, scope=W, tenant=True),
    f"POST {VER}/approve": allow(Role.INSTITUTION_APPROVER, scope=W, tenant=True),
    f"POST {VER}/publish": allow(Role.INSTITUTION_APPROVER, scope=W, tenant=True),
    f"POST {VER}/retire": allow(Role.INSTITUTION_APPROVER, scope=W, tenant=True),
    "GET /api/v1/catalog/checklist": public(),
    "GET /api/v1/catalog/queue": allow(*STAFF, scope=R),
    "GET /api/v1/catalog/competencies": allow(*STAFF, scope=R),
    "POST /api/v1/catalog/competencies": allow(Role.PROGRAM_DESIGNER, scope=W),
    "GET /api/v1/catalog/proposals": allow(Role.EMPLOYER, *STAFF, scope=R),
    "POST /api/v1/catalog/proposals": allow(Role.EMPLOYER, scope=W),
    "POST /api/v1/catalog/proposals/{proposal_id}/response": allow(
        Role.PROGRAM_DESIGNER, scope=W, tenant=True
    ),
}


@router.get("/opportunities", response_model=Page[OpportunitySummary])
def search_opportunities(
    session: DbSession, params: Annotated[SearchParams, Query()]
) -> Page[OpportunitySummary]:
    """Search the published catalogue: competency, occupation, delivery, schedule, cost, credit, kind, text."""
    return catalog_service.search(session, params=params)


@router.post("/opportunities", response_model=OpportunityRead, status_code=status.HTTP_201_CREATED)
def create_opportunity(session: DbSession, principal: Designer, body: OpportunityCreate) -> OpportunityRead:
    """Create a learning opportunity and its first draft version (duplicate codes: 409)."""
    version = catalog_service.create_opportunity(session, actor=principal, data=body)
    return catalog_service.read_opportunity(
        session, opportunity_id=version.opportunity_id, principal=principal
    )


@router.get("/opportunities/{opportunity_id}", response_model=OpportunityRead)
def read_opportunity(
    session: DbSession, principal: OptionalPrincipal, opportunity_id: str
) -> OpportunityRead:
    """Return an opportunity: its published version (staff of its institution: its latest version)."""
    return catalog_service.read_opportunity(session, opportunity_id=opportunity_id, principal=principal)


@router.get("/opportunities/{opportunity_id}/versions", response_model=list[VersionRead])
def list_versions(session: DbSession, principal: OptionalPrincipal, opportunity_id: str) -> list[VersionRead]:
    """Return the version history the caller may see."""
    return catalog_service.versions(session, opportunity_id=opportunity_id, principal=principal)


@router.post(
    "/opportunities/{opportunity_id}/versions",
    response_model=VersionRead,
    status_code=status.HTTP_201_CREATED,
)
def new_version(
    session: DbSession, principal: Designer, _tenant: OpportunityTenant, opportunity_id: str
) -> VersionRead:
    """Start a new draft version from the latest one (published versions never change)."""
    version = catalog_service.new_version(session, actor=principal, opportunity_id=opportunity_id)
    return catalog_service.read_version(session, version)


@router.put("/opportunities/{opportunity_id}/operations", response_model=OpportunityRead)
def update_operations(
    session: DbSession,
    principal: Designer,
    _tenant: OpportunityTenant,
    opportunity_id: str,
    body: OperationsUpdate,
) -> OpportunityRead:
    """Replace intakes and/or instructors (operational data, outside the approved definition)."""
    catalog_service.update_operations(session, actor=principal, opportunity_id=opportunity_id, data=body)
    return catalog_service.read_opportunity(session, opportunity_id=opportunity_id, principal=principal)


@router.get("/opportunities/{opportunity_id}/achievement", response_model=AchievementData)
def achievement(session: DbSession, opportunity_id: str) -> AchievementData:
    """Return the Open Badges achievement data of the published version (name, criteria, alignment, rubric)."""
    return catalog_service.published_achievement_data(session, opportunity_id=opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/endorsements",
    response_model=EndorsementRead,
    status_code=status.HTTP_201_CREATED,
)
def endorse(
    session: DbSession, principal: Employer, opportunity_id: str, body: EndorsementIn
) -> EndorsementRead:
    """Endorse the published version on behalf of the caller's employer."""
    endorsement = catalog_service.endorse(session, actor=principal, opportunity_id=opportunity_id, data=body)
    return EndorsementRead.model_validate(endorsement)


@router.get("/versions/{version_id}", response_model=VersionRead)
def read_version(session: DbSession, principal: OptionalPrincipal, version_id: str) -> VersionRead:
    """Return one version (drafts only to staff of the institution)."""
    version = catalog_service.get_version(session, version_id)
    visible = catalog_service.visible_version(
        session, opportunity=version.opportunity, principal=principal, version_id=version_id
    )
    return catalog_service.read_version(session, visible)


@router.patch("/versions/{version_id}", response_model=VersionRead)
def update_version(
    session: DbSession, principal: Designer, _tenant: VersionTenant, version_id: str, body: VersionUpdate
) -> VersionRead:
    """Change a draft (anything else: 409 version_immutable)."""
    version = catalog_service.update_draft(session, actor=principal, version_id=version_id, data=body)
    return catalog_service.read_version(session, version)


@router.post(
    "/versions/{version_id}/alignment", response_model=AlignmentRead, status_code=status.HTTP_201_CREATED
)
def align(
    session: DbSession, principal: Designer, _tenant: VersionTenant, version_id: str, body: AlignmentIn
) -> AlignmentRead:
    """Align a draft micro-credential to its one competency; a second one is refused (409 second_competency)."""
    alignment = catalog_service.align(session, actor=principal, version_id=version_id, data=body)
    return AlignmentRead.model_validate(alignment)


@router.delete("/versions/{version_id}/alignment", status_code=status.HTTP_204_NO_CONTENT)
def unalign(session: DbSession, principal: Designer, _tenant: VersionTenant, version_id: str) -> None:
    """Remove a draft's competency alignment."""
    catalog_service.unalign(session, actor=principal, version_id=version_id)


@router.post("/versions/{version_id}/submit", response_model=VersionRead)
def submit(session: DbSession, principal: Designer, _tenant: VersionTenant, version_id: str) -> VersionRead:
    """Send a complete draft to QA review (422 not_ready_for_review lists what is missing)."""
    return catalog_service.read_version(
        session, catalog_service.submit(session, actor=principal, version_id=version_id)
    )


@router.get("/versions/{version_id}/reviews", response_model=list[QaReviewRead])
def list_reviews(
    session: DbSession, principal: StaffReader, _tenant: VersionTenant, version_id: str
) -> list[QaReviewRead]:
    """Return the QA reviews of a version."""
    reviews = catalog_service.qa_reviews(session, actor=principal, version_id=version_id)
    return [QaReviewRead.model_validate(r) for r in reviews]


@router.post(
    "/versions/{version_id}/reviews", response_model=QaReviewRead, status_code=status.HTTP_201_CREATED
)
def review(
    session: DbSession, principal: Reviewer, _tenant: VersionTenant, version_id: str, body: QaReviewIn
) -> QaReviewRead:
    """Answer the QA checklist item by item: all yes passes QA, any no sends the version back."""
    return QaReviewRead.model_validate(
        catalog_service.review(session, actor=principal, version_id=version_id, data=body)
    )


@router.post("/versions/{version_id}/send-back", response_model=VersionRead)
def send_back(
    session: DbSession, principal: Returner, _tenant: VersionTenant, version_id: str, body: SendBackIn
) -> VersionRead:
    """Return a version in review or approved to its authors, with a comment."""
    version = catalog_service.send_back(session, actor=principal, version_id=version_id, comment=body.comment)
    return catalog_service.read_version(session, version)


@router.post("/versions/{version_id}/approve", response_model=VersionRead)
def approve(session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str) -> VersionRead:
    """Approve a version whose QA passed (the author may not: 403 self_approval)."""
    return catalog_service.read_version(
        session, catalog_service.approve(session, actor=principal, version_id=version_id)
    )


@router.post("/versions/{version_id}/publish", response_model=VersionRead)
def publish(session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str) -> VersionRead:
    """Publish an approved version; the previously published one is retired."""
    return catalog_service.read_version(
        session, catalog_service.publish(session, actor=principal, version_id=version_id)
    )


@router.post("/versions/{version_id}/retire", response_model=VersionRead)
def retire(session: DbSession, principal: Approver, _tenant: VersionTenant, version_id: str) -> VersionRead:
    """Withdraw a published version from the catalogue."""
    return catalog_service.read_version(
        session, catalog_service.retire(session, actor=principal, version_id=version_id)
    )


@router.get("/checklist", response_model=list[ChecklistItem])
def checklist() -> list[ChecklistItem]:
    """Return the QA checklist every micro-credential is reviewed against."""
    return [ChecklistItem(key=k, text=t) for k, t in domain.QA_CHECKLIST]


@router.get("/queue", response_model=dict[str, list[VersionRead]])
def queue(session: DbSession, principal: StaffReader) -> dict[str, list[VersionRead]]:
    """Return the institution's drafts and the versions awaiting QA, approval and publication."""
    return {
        k: [catalog_service.read_version(session, v) for v in vs]
        for k, vs in catalog_service.queue(session, actor=principal).items()
    }


@router.get("/competencies", response_model=list[InstitutionCompetencyRead])
def list_competencies(session: DbSession, principal: StaffReader) -> list[InstitutionCompetencyRead]:
    """Return the competencies the caller's institution defines itself."""
    rows = catalog_service.institution_competencies(session, institution_id=principal.institution_id or "")
    return [InstitutionCompetencyRead.model_validate(c) for c in rows]


@router.post("/competencies", response_model=InstitutionCompetencyRead, status_code=status.HTTP_201_CREATED)
def create_competency(
    session: DbSession, principal: Designer, body: InstitutionCompetencyIn
) -> InstitutionCompetencyRead:
    """Define an institution competency (when no ESCO skill or OaSIS descriptor fits)."""
    competency = catalog_service.create_institution_competency(session, actor=principal, data=body)
    return InstitutionCompetencyRead.model_validate(competency)


@router.get("/proposals", response_model=list[ProposalRead])
def list_proposals(session: DbSession, principal: ProposalReader) -> list[ProposalRead]:
    """Return competency proposals: an employer's own, or those addressed to the caller's institution."""
    return [ProposalRead.model_validate(p) for p in catalog_service.proposals_for(session, actor=principal)]


@router.post("/proposals", response_model=ProposalRead, status_code=status.HTTP_201_CREATED)
def propose(session: DbSession, principal: Employer, body: ProposalIn) -> ProposalRead:
    """Propose a competency the caller's employer needs."""
    return ProposalRead.model_validate(
        catalog_service.propose_competency(session, actor=principal, data=body)
    )


@router.post("/proposals/{proposal_id}/response", response_model=ProposalRead)
def respond(
    session: DbSession,
    principal: Designer,
    _tenant: ProposalTenant,
    proposal_id: str,
    body: ProposalResponseIn,
) -> ProposalRead:
    """Accept or decline a proposal addressed to the caller's institution."""
    proposal = catalog_service.respond_to_proposal(
        session, actor=principal, proposal_id=proposal_id, data=body
    )
    return ProposalRead.model_validate(proposal)
