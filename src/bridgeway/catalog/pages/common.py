"""Helpers shared by the catalogue pages: dependencies for roles and tenants, form reading, money."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.catalog.deps import STAFF

Designer = Annotated[Principal, Depends(require(Role.PROGRAM_DESIGNER))]
Reviewer = Annotated[Principal, Depends(require(Role.QA_REVIEWER))]
Approver = Annotated[Principal, Depends(require(Role.INSTITUTION_APPROVER))]
Returner = Annotated[Principal, Depends(require(Role.QA_REVIEWER, Role.INSTITUTION_APPROVER))]
Staff = Annotated[Principal, Depends(require(*STAFF))]
Employer = Annotated[Principal, Depends(require(Role.EMPLOYER))]
ProposalReader = Annotated[Principal, Depends(require(Role.EMPLOYER, *STAFF))]


async def _form(request: Request) -> dict[str, Any]:
    """Return the submitted form: single values as strings, repeated names (checkboxes) as lists."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if len(values) > 1 or key in MULTI else (values[0] if values else "")
    return out


MULTI = frozenset({"schedules"})
FormData = Annotated[dict[str, Any], Depends(_form)]


def lines(text: str) -> list[str]:
    """Return the non-empty lines of a textarea."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def codes(text: str) -> list[str]:
    """Return the codes of a comma- or space-separated field."""
    return [c for c in text.replace(",", " ").split() if c]


def cents(dollars: str) -> int | str:
    """Turn '1,250.50' dollars into cents (left as text when it is not a number, for validation to refuse)."""
    cleaned = dollars.replace(",", "").replace("$", "").strip() or "0"
    try:
        return round(float(cleaned) * 100)
    except ValueError:
        return dollars
