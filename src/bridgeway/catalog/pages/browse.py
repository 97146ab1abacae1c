"""Public catalogue pages: search with filters (HTMX), the opportunity page and the pathway view."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from bridgeway.accounts.deps import OptionalPrincipal
from bridgeway.accounts.domain import Role
from bridgeway.catalog import domain
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.schemas import SearchParams
from bridgeway.kit.http import DbSession, is_htmx, render

router = APIRouter(include_in_schema=False)
FILTERS = (
    "q",
    "kind",
    "delivery_mode",
    "schedule",
    "credit",
    "cost_max",
    "competency_id",
    "occupation_id",
    "occupation",
)


def _params(request: Request) -> tuple[SearchParams, dict[str, str], str | None]:
    raw = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    page = request.query_params.get("page", "1")
    values: dict[str, object] = {
        k: v for k, v in raw.items() if v and k not in ("credit", "cost_max", "occupation")
    }
    if raw["credit"] in ("credit", "non_credit"):
        values["credit"] = raw["credit"] == "credit"
    if raw["cost_max"]:
        values["cost_max_cents"] = raw["cost_max"].replace(",", "").replace("$", "")
    values["limit"] = 12
    values["offset"] = 12 * (max(int(page), 1) - 1) if page.isdigit() else 0
    try:
        return SearchParams.model_validate(values), raw, None
    except ValidationError as exc:
        return SearchParams(limit=12), raw, "; ".join(str(e["msg"]) for e in exc.errors())


@router.get("/catalog", response_class=HTMLResponse)
def search_page(request: Request, session: DbSession, principal: OptionalPrincipal) -> HTMLResponse:
    """Search the published catalogue; HTMX requests get only the results."""
    params, raw, error = _params(request)
    matches = []
    if raw["occupation"] and not raw["occupation_id"]:
        matches = catalog_service.occupation_options(session, query=raw["occupation"])
        if matches:
            params = params.model_copy(update={"occupation_id": matches[0].id})
    if params.cost_max_cents is not None:
        params = params.model_copy(update={"cost_max_cents": params.cost_max_cents * 100})
    results = catalog_service.search(session, params=params)
    pages = max(1, -(-results.total // params.limit))
    context = {
        "results": results,
        "filters": raw,
        "error": error,
        "page": params.offset // params.limit + 1,
        "pages": pages,
        "kinds": list(domain.OpportunityKind),
        "modes": list(domain.DeliveryMode),
        "schedules": list(domain.SchedulePattern),
        "occupation_matches": matches,
        "competencies": catalog_service.aligned_competencies(session),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "results":
        return render(request, "catalog/_results.html", context)
    return render(request, "catalog/search.html", context)


@router.get("/catalog/opportunities/{opportunity_id}", response_class=HTMLResponse)
def opportunity_page(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    opportunity_id: str,
    version: str | None = None,
) -> HTMLResponse:
    """Show an opportunity: logistics, competency, assessment, employers, stacking; staff see its workflow."""
    read = catalog_service.read_opportunity(
        session, opportunity_id=opportunity_id, principal=principal, version_id=version
    )
    staff = principal is not None and principal.is_staff_of(read.institution_id)
    published = next(
        (
            v
            for v in catalog_service.versions(session, opportunity_id=opportunity_id, principal=principal)
            if v.state == "published"
        ),
        None,
    )
    return render(
        request,
        "catalog/opportunity.html",
        {
            "o": read,
            "v": read.version,
            "staff": staff,
            "published": published,
            "is_designer": staff and principal is not None and principal.has_role(Role.PROGRAM_DESIGNER),
            "is_employer": principal is not None and principal.has_role(Role.EMPLOYER),
            "history": catalog_service.versions(session, opportunity_id=opportunity_id, principal=principal)
            if staff
            else [],
        },
    )


@router.get("/catalog/opportunities/{opportunity_id}/pathway", response_class=HTMLResponse)
def pathway_page(
    request: Request, session: DbSession, principal: OptionalPrincipal, opportunity_id: str
) -> HTMLResponse:
    """Draw the stacking rule: required and elective components leading to the credential."""
    read = catalog_service.read_opportunity(session, opportunity_id=opportunity_id, principal=principal)
    v = read.version
    return render(
        request,
        "catalog/pathway.html",
        {
            "o": read,
            "v": v,
            "required": [c for c in v.components if c.required],
            "electives": [c for c in v.components if not c.required],
        },
    )
