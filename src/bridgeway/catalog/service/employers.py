"""Employers in the catalogue: competency proposals (principle 3) and endorsements of published micro-credentials."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal, Role
from bridgeway.catalog import errors, repository
from bridgeway.catalog.models import CompetencyProposal, Endorsement
from bridgeway.catalog.schemas import EndorsementIn, ProposalIn, ProposalResponseIn
from bridgeway.catalog.service.authoring import get_opportunity, require_designer
from bridgeway.kit.clock import utcnow
from bridgeway.taxonomy.models import Competency


def _employer_of(actor: Principal) -> str:
    if not actor.has_role(Role.EMPLOYER) or actor.employer_id is None:
        raise errors.WorkflowRoleMissing("this needs an employer account")
    return actor.employer_id


def endorse(session: Session, *, actor: Principal, opportunity_id: str, data: EndorsementIn) -> Endorsement:
    """Endorse the published version of an opportunity on behalf of the actor's employer (once per version)."""
    employer_id = _employer_of(actor)
    opportunity = get_opportunity(session, opportunity_id)
    version = repository.published_version(session, opportunity.id)
    if version is None:
        raise errors.NotPublished("only published opportunities can be endorsed")
    if repository.endorsement_of(session, version.id, employer_id) is not None:
        raise errors.AlreadyEndorsed("your organisation already endorsed this version")
    endorsement = Endorsement(
        version_id=version.id,
        opportunity_id=opportunity.id,
        employer_id=employer_id,
        endorsed_by_id=actor.user_id,
        statement=data.statement,
    )
    session.add(endorsement)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.endorsement.created",
        entity_type="endorsement",
        entity_id=endorsement.id,
        institution_id=opportunity.institution_id,
        after={"version_id": version.id, "employer_id": employer_id},
    )
    return endorsement


def propose_competency(session: Session, *, actor: Principal, data: ProposalIn) -> CompetencyProposal:
    """Record an employer's need for a competency, for one institution or every institution."""
    employer_id = _employer_of(actor)
    if data.competency_id is not None and session.get(Competency, data.competency_id) is None:
        raise errors.UnknownCompetency(f"no competency with id '{data.competency_id}'")
    if data.institution_id is not None:
        accounts_service.get_institution(session, data.institution_id)
    proposal = CompetencyProposal(employer_id=employer_id, proposed_by_id=actor.user_id, **data.model_dump())
    session.add(proposal)
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action="catalog.proposal.created",
        entity_type="competency_proposal",
        entity_id=proposal.id,
        institution_id=data.institution_id,
        after=data.model_dump(),
    )
    return proposal


def proposals_for(
    session: Session, *, actor: Principal, status: str | None = None
) -> list[CompetencyProposal]:
    """Return the proposals an actor may see: an employer its own, institution staff those addressed to them."""
    if actor.has_role(Role.EMPLOYER) and actor.employer_id is not None:
        return repository.proposals(session, employer_id=actor.employer_id, status=status)
    if actor.institution_id is not None and actor.is_staff_of(actor.institution_id):
        return repository.proposals(session, institution_id=actor.institution_id, status=status)
    raise errors.WorkflowRoleMissing("proposals are for employers and institution staff")


def get_proposal(session: Session, *, actor: Principal, proposal_id: str) -> CompetencyProposal:
    """Return a proposal the actor may see (its employer, or staff of the institution it is addressed to)."""
    proposal = session.get(CompetencyProposal, proposal_id)
    visible = proposal is not None and (
        (actor.employer_id is not None and proposal.employer_id == actor.employer_id)
        or (proposal.institution_id is None and actor.institution_id is not None)
        or (proposal.institution_id is not None and actor.is_staff_of(proposal.institution_id))
    )
    if proposal is None or not visible:
        raise errors.UnknownProposal(f"no competency proposal with id '{proposal_id}'")
    return proposal


def respond_to_proposal(
    session: Session, *, actor: Principal, proposal_id: str, data: ProposalResponseIn
) -> CompetencyProposal:
    """Accept or decline a proposal (program designers), optionally naming the opportunity that answers it."""
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    institution_id = actor.institution_id or ""
    require_designer(actor, institution_id)
    if data.opportunity_id is not None:
        opportunity = get_opportunity(session, data.opportunity_id)
        if opportunity.institution_id != institution_id:
            raise errors.OtherInstitution("the answering opportunity must belong to your institution")
    before = {"status": proposal.status}
    proposal.status = data.status
    proposal.response = data.response
    proposal.opportunity_id = data.opportunity_id
    proposal.responded_by_id = actor.user_id
    proposal.responded_at = utcnow()
    if proposal.institution_id is None:
        proposal.institution_id = institution_id
    session.flush()
    accounts_service.record_audit(
        session,
        actor=actor,
        action=f"catalog.proposal.{data.status}",
        entity_type="competency_proposal",
        entity_id=proposal.id,
        institution_id=institution_id,
        before=before,
        after=data.model_dump(),
    )
    return proposal
