"""FastAPI dependencies shared by the catalogue's API routes and pages: tenant checks on path records."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from bridgeway.accounts.deps import CurrentPrincipal
from bridgeway.accounts.domain import Role
from bridgeway.catalog import errors
from bridgeway.catalog import service as catalog_service
from bridgeway.kit.http import DbSession

STAFF = (Role.PROGRAM_DESIGNER, Role.QA_REVIEWER, Role.INSTITUTION_APPROVER)


def _version_tenant(session: DbSession, principal: CurrentPrincipal, version_id: str) -> None:
    """Refuse staff of another institution before the body is even read (403 rather than 422)."""
    version = catalog_service.get_version(session, version_id)
    if not principal.is_staff_of(version.opportunity.institution_id):
        raise errors.OtherInstitution("staff act only within their own institution")


def _opportunity_tenant(session: DbSession, principal: CurrentPrincipal, opportunity_id: str) -> None:
    """Refuse staff of another institution before the body is read."""
    if not principal.is_staff_of(catalog_service.get_opportunity(session, opportunity_id).institution_id):
        raise errors.OtherInstitution("staff act only within their own institution")


def _proposal_tenant(session: DbSession, principal: CurrentPrincipal, proposal_id: str) -> None:
    """Hide proposals addressed to another institution."""
    catalog_service.get_proposal(session, actor=principal, proposal_id=proposal_id)


# Declare these after the role-checked principal: the role is checked first, then the tenant, then the body.
VersionTenant = Annotated[None, Depends(_version_tenant)]
OpportunityTenant = Annotated[None, Depends(_opportunity_tenant)]
ProposalTenant = Annotated[None, Depends(_proposal_tenant)]
