"""Example records for the authorization matrix: catalogue records belonging to the owner's institution."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import User
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.models import CompetencyProposal
from bridgeway.catalog.schemas import OpportunityCreate
from tests.factories.catalog import micro_credential_data


def _draft(session: Session, owner: User) -> dict[str, str]:
    """A draft micro-credential of the owner's institution, authored by another designer there."""
    author = accounts_service.create_user(
        session,
        email=f"author-{owner.id[:8]}-{session.info.setdefault('n', 0)}@authz.example",
        display_name="Author",
        roles=[Role.PROGRAM_DESIGNER],
        institution_id=owner.institution_id,
    )
    session.info["n"] += 1
    data = OpportunityCreate.model_validate(micro_credential_data(statements=[]))
    version = catalog_service.create_opportunity(
        session, actor=accounts_service.principal_for(author), data=data
    )
    return {"version_id": version.id, "opportunity_id": version.opportunity_id}


def _proposal(session: Session, owner: User) -> dict[str, str]:
    employer = accounts_service.create_employer(session, slug=f"authz-{owner.id[:8]}", name="Authz Employer")
    proposal = CompetencyProposal(employer_id=employer.id, institution_id=owner.institution_id, title="Need")
    session.add(proposal)
    session.flush()
    return {"proposal_id": proposal.id}


VERSION_ROUTES = [
    "PATCH",
    "POST /alignment",
    "DELETE /alignment",
    "POST /submit",
    "GET /reviews",
    "POST /reviews",
    "POST /send-back",
    "POST /approve",
    "POST /publish",
    "POST /retire",
]
EXAMPLES: dict[str, Callable[[Session, User], dict[str, str]]] = {
    **{
        f"{r.split(' ')[0]} /api/v1/catalog/versions/{{version_id}}{r.split(' ')[1] if ' ' in r else ''}": _draft
        for r in VERSION_ROUTES
    },
    "POST /api/v1/catalog/opportunities/{opportunity_id}/versions": _draft,
    "PUT /api/v1/catalog/opportunities/{opportunity_id}/operations": _draft,
    "POST /api/v1/catalog/proposals/{proposal_id}/response": _proposal,
    **{
        f"{m} /catalog/versions/{{version_id}}/{p}": _draft
        for m, p in [
            ("GET", "edit"),
            ("POST", "edit"),
            ("POST", "submit"),
            ("GET", "review"),
            ("POST", "review"),
            ("GET", "approval"),
            ("POST", "approve"),
            ("POST", "publish"),
            ("POST", "retire"),
            ("POST", "send-back"),
        ]
    },
    "POST /catalog/opportunities/{opportunity_id}/new-version": _draft,
    "POST /catalog/proposals/{proposal_id}/respond": _proposal,
}
