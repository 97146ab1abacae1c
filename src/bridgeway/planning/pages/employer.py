"""The employer's pages: roles, groups of consenting people, the workforce gap report in charts, training plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role
from bridgeway.accounts.errors import ConsentRequired
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.kit.errors import InvalidInput
from bridgeway.kit.http import DbSession, is_htmx, render
from bridgeway.planning import service
from bridgeway.planning import workforce as workforce_service
from bridgeway.planning.engine import workforce as engine
from bridgeway.planning.errors import UnknownOccupation
from bridgeway.planning.pages import common
from bridgeway.planning.schemas import EmployerRoleIn, RoleRequirementIn, WorkforceGroupIn

router = APIRouter(include_in_schema=False)
Employer = Annotated[Principal, Depends(require(Role.EMPLOYER))]
HOME = "/planning/employer"
FORMAT_WORDS = {
    "workshop": "Workshop",
    "single_day": "Single day",
    "short_burst": "Short intensive",
    "over_time": "Over time",
    "daytime_course": "Daytime course",
}


@router.get("/planning/workforce", response_class=HTMLResponse)
def workforce(
    request: Request,
    session: DbSession,
    principal: Employer,
    target: str | None = None,
    taxonomy: str = "esco",
) -> HTMLResponse:
    """The gaps of the consenting employees or candidates against a role (an occupation)."""
    chosen = common.clean_taxonomy(taxonomy)
    report = None
    if target:
        report = service.workforce_gaps(
            session, viewer=principal, taxonomy=chosen, target=target, data_dir=common.data_dir(request)
        )
    return render(
        request,
        "planning/workforce.html",
        {
            "report": report,
            "target": target or "",
            "taxonomy": chosen,
            "taxonomies": common.TAXONOMIES,
            "base": "/planning/workforce",
        },
    )


def _home(
    request: Request, session: Session, principal: Principal, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    groups = workforce_service.list_groups(session, viewer=principal)
    return render(
        request,
        "planning/employer.html",
        {
            "roles": workforce_service.list_roles(session, viewer=principal),
            "groups": [workforce_service.group_payload(session, principal, g) for g in groups],
            "people": workforce_service.consenting_people(session, viewer=principal),
            "taxonomies": common.TAXONOMIES,
            "error": error,
            "form": {},
        },
        status_code=status,
    )


@router.get(HOME, response_class=HTMLResponse)
def employer_home(request: Request, session: DbSession, principal: Employer) -> HTMLResponse:
    """The employer's roles and groups, and the way to a group's gap report."""
    return _home(request, session, principal)


def _lines(text: str) -> list[RoleRequirementIn]:
    """One competency per line: an ESCO/OaSIS/O*NET id, or a name of the employer's own (with ': description')."""
    items = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("http://", "https://", "oasis:", "onet:")):
            items.append(RoleRequirementIn(competency_id=line))
        else:
            label, _, description = line.partition(":")
            items.append(
                RoleRequirementIn(
                    competency_id="ext:", label=label.strip()[:300], description=description.strip()[:2000]
                )
            )
    return items


@router.post(HOME + "/roles")
async def create_role(request: Request, session: DbSession, principal: Employer) -> Response:
    """Create a role from an occupation (prefilled) or from a list typed one per line."""
    form = await request.form()
    occupation = str(form.get("occupation_pick") or form.get("occupation") or "").strip() or None
    text = str(form.get("competencies") or "")
    created: list[str] = []

    def create() -> None:
        data = EmployerRoleIn(
            name=str(form.get("name") or "").strip(),
            description=str(form.get("description") or ""),
            taxonomy=common.clean_taxonomy(str(form.get("taxonomy") or "esco")),
            occupation=occupation,
            requirements=_lines(text) if text.strip() else None,
        )
        role = workforce_service.create_role(
            session, actor=principal, data=data, data_dir=common.data_dir(request)
        )
        created.append(role.id)

    failed = _attempt(create)
    if failed:
        return _home(request, session, principal, error=failed[0], status=failed[1])
    return RedirectResponse(f"{HOME}/roles/{created[0]}", status_code=303)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'form'}: {first['msg']}"
    return str(exc)


def _attempt(action: Callable[[], object]) -> tuple[str, int] | None:
    """Run a form's action; on bad input return (message, status) for the page to show, else None."""
    try:
        action()
    except (InvalidInput, ConsentRequired, UnknownOccupation) as exc:
        return exc.message, exc.status_code
    except ValueError as exc:  # pydantic's ValidationError of a form field
        return _first_error(exc), 422
    return None


def _role_page(
    request: Request,
    session: Session,
    principal: Principal,
    role_id: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    role = workforce_service.get_role(session, viewer=principal, role_id=role_id)
    groups = workforce_service.list_groups(session, viewer=principal)
    return render(
        request,
        "planning/employer_role.html",
        {"role": role, "groups": groups, "error": error, "q": ""},
        status_code=status,
    )


@router.get(HOME + "/roles/{role_id}", response_class=HTMLResponse)
def role_page(request: Request, session: DbSession, principal: Employer, role_id: str) -> HTMLResponse:
    """A role's competencies: set kind, importance and level, drop some, add from the taxonomies or your own."""
    return _role_page(request, session, principal, role_id)


@router.post(HOME + "/roles/{role_id}")
async def update_role(request: Request, session: DbSession, principal: Employer, role_id: str) -> Response:
    """Save the role's name, description and each competency's kind, importance and level."""
    form = await request.form()
    role = workforce_service.get_role(session, viewer=principal, role_id=role_id)

    def save() -> None:
        items = []
        for k, r in enumerate(role.requirements):
            level = str(form.get(f"level_{k}") or "").strip()
            items.append(
                RoleRequirementIn(
                    competency_id=r["competency_id"],
                    label=r["label"],
                    description=r.get("description") or "",
                    kind=str(form.get(f"kind_{k}") or r["kind"]),
                    importance=float(str(form.get(f"importance_{k}") or r["importance"])),
                    level_required=float(level) if level else None,
                )
            )
        data = EmployerRoleIn(
            name=str(form.get("name") or ""),
            description=str(form.get("description") or ""),
            requirements=items,
        )
        workforce_service.update_role(
            session, actor=principal, role_id=role_id, data=data, data_dir=common.data_dir(request)
        )

    return _after(request, session, principal, role_id, _attempt(save), f"{HOME}/roles/{role_id}")


def _after(
    request: Request,
    session: Session,
    principal: Principal,
    role_id: str,
    failed: tuple[str, int] | None,
    then: str,
) -> Response:
    """Back to the role page: with the error when the form was refused, else redirected to `then`."""
    if failed:
        return _role_page(request, session, principal, role_id, error=failed[0], status=failed[1])
    return RedirectResponse(then, status_code=303)


@router.post(HOME + "/roles/{role_id}/requirements")
async def add_requirement(
    request: Request, session: DbSession, principal: Employer, role_id: str
) -> Response:
    """Add one competency: a taxonomy one found by search, or one of your own with a description."""
    form = await request.form()
    cid = str(form.get("competency_id") or "").strip()
    label = str(form.get("label") or "").strip()

    def add() -> None:
        item = RoleRequirementIn(
            competency_id=cid or "ext:",
            label=label or None,
            description=str(form.get("description") or "").strip(),
            kind=str(form.get("kind") or "essential"),
        )
        workforce_service.edit_requirements(
            session, actor=principal, role_id=role_id, add=item, data_dir=common.data_dir(request)
        )

    return _after(request, session, principal, role_id, _attempt(add), f"{HOME}/roles/{role_id}#requirements")


@router.post(HOME + "/roles/{role_id}/requirements/drop")
async def drop_requirement(
    request: Request, session: DbSession, principal: Employer, role_id: str
) -> Response:
    """Drop one competency from the role."""
    form = await request.form()
    failed = _attempt(
        lambda: workforce_service.edit_requirements(
            session,
            actor=principal,
            role_id=role_id,
            drop=str(form.get("competency_id") or ""),
            data_dir=common.data_dir(request),
        )
    )
    return _after(request, session, principal, role_id, failed, f"{HOME}/roles/{role_id}#requirements")


@router.post(HOME + "/roles/{role_id}/delete")
def delete_role(session: DbSession, principal: Employer, role_id: str) -> Response:
    """Delete the role."""
    workforce_service.delete_role(session, actor=principal, role_id=role_id)
    return RedirectResponse(HOME, status_code=303)


@router.get(HOME + "/competencies", response_class=HTMLResponse)
def competency_search(
    request: Request, session: DbSession, principal: Employer, role_id: str = "", q: str = ""
) -> HTMLResponse:
    """Competencies matching the text, each with a button adding it to the role (an HTMX fragment)."""
    role = workforce_service.get_role(session, viewer=principal, role_id=role_id) if role_id else None
    hits = workforce_service.search_competencies(session, q=q[:200]) if len(q.strip()) >= 2 else []
    context = {"hits": hits, "role": role, "q": q, "searched": len(q.strip()) >= 2}
    if is_htmx(request) or role is None:
        return render(request, "planning/employer_search.html", context)
    groups = workforce_service.list_groups(session, viewer=principal)
    return render(request, "planning/employer_role.html", {**context, "groups": groups, "error": None})


@router.get(HOME + "/occupations", response_class=HTMLResponse)
def occupation_search(
    request: Request, session: DbSession, principal: Employer, occupation: str = "", taxonomy: str = "esco"
) -> HTMLResponse:
    """Occupations of the chosen taxonomy whose title matches what is typed, to pick one (an HTMX fragment)."""
    q = occupation.strip()[:200]
    searched = len(q) >= 2 and not q.startswith(("http://", "https://"))
    hits = workforce_service.search_occupations(session, q=q, taxonomy=common.clean_taxonomy(taxonomy))
    return render(
        request,
        "planning/employer_occupations.html",
        {"hits": hits if searched else [], "q": q, "searched": searched},
    )


def _group_from_form(form: Any) -> WorkforceGroupIn:
    return WorkforceGroupIn(
        name=str(form.get("name") or ""),
        kind=str(form.get("kind") or "employees"),
        member_ids=[str(m) for m in form.getlist("member_ids")],
    )


@router.post(HOME + "/groups")
async def create_group(request: Request, session: DbSession, principal: Employer) -> Response:
    """Name a group among the people who consented."""
    form = await request.form()
    created: list[str] = []
    failed = _attempt(
        lambda: created.append(
            workforce_service.create_group(session, actor=principal, data=_group_from_form(form)).id
        )
    )
    if failed:
        return _home(request, session, principal, error=failed[0], status=failed[1])
    return RedirectResponse(f"{HOME}/groups/{created[0]}", status_code=303)


def _group_page(
    request: Request,
    session: Session,
    principal: Principal,
    group_id: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    group = workforce_service.get_group(session, viewer=principal, group_id=group_id)
    return render(
        request,
        "planning/employer_group.html",
        {
            "group": workforce_service.group_payload(session, principal, group),
            "people": workforce_service.consenting_people(session, viewer=principal),
            "roles": workforce_service.list_roles(session, viewer=principal),
            "error": error,
        },
        status_code=status,
    )


@router.get(HOME + "/groups/{group_id}", response_class=HTMLResponse)
def group_page(request: Request, session: DbSession, principal: Employer, group_id: str) -> HTMLResponse:
    """A group: its consenting members, and its gap report against each role."""
    return _group_page(request, session, principal, group_id)


@router.post(HOME + "/groups/{group_id}")
async def update_group(request: Request, session: DbSession, principal: Employer, group_id: str) -> Response:
    """Rename the group or change its members."""
    form = await request.form()
    failed = _attempt(
        lambda: workforce_service.update_group(
            session, actor=principal, group_id=group_id, data=_group_from_form(form)
        )
    )
    if failed:
        return _group_page(request, session, principal, group_id, error=failed[0], status=failed[1])
    return RedirectResponse(f"{HOME}/groups/{group_id}", status_code=303)


@router.post(HOME + "/groups/{group_id}/delete")
def delete_group(session: DbSession, principal: Employer, group_id: str) -> Response:
    """Delete the group."""
    workforce_service.delete_group(session, actor=principal, group_id=group_id)
    return RedirectResponse(HOME, status_code=303)


def _plan_options(
    plan_format: str, objective: str, min_people: str, institution_id: str, start_date: str
) -> dict[str, Any]:
    """The plan form's values, cleaned (unknown values fall back to the defaults)."""
    try:
        start = dt.date.fromisoformat(start_date) if start_date else None
    except ValueError:
        raise InvalidInput("the start date is a date like 2027-01-04") from None
    try:
        people = int(min_people or 1)
    except ValueError:
        raise InvalidInput("'shared by at least' is a whole number of people") from None
    return {
        "preference": plan_format if plan_format in engine.PREFERENCES else engine.SHORT,
        "objective": objective if objective in ("balanced", "fastest", "cheapest") else "balanced",
        "min_people": people,
        "institution_id": institution_id or None,
        "start_date": start,
    }


REPORT = HOME + "/roles/{role_id}/groups/{group_id}"


@router.get(REPORT, response_class=HTMLResponse)
def report_page(
    request: Request,
    session: DbSession,
    principal: Employer,
    role_id: str,
    group_id: str,
    format: str = "short",
    objective: str = "balanced",
    min_people: str = "1",
    institution_id: str = "",
    start_date: str = "",
) -> HTMLResponse:
    """The group's gaps against the role in charts, and a corporate-training plan from the catalogue."""
    analysis = workforce_service.analyse_group(session, viewer=principal, role_id=role_id, group_id=group_id)
    report = workforce_service.report_payload(analysis)
    options = _plan_options(format, objective, min_people, institution_id, start_date)
    plan = None
    if report["people"]:
        plan = workforce_service.corporate_plan(
            session, viewer=principal, role_id=role_id, group_id=group_id, **options
        )
    by_id = {r["competency_id"]: r for r in report["requirements"]}
    return render(
        request,
        "planning/employer_report.html",
        {
            "report": report,
            "plan": plan,
            "columns": [by_id[c] for c in report["heatmap_columns"]],
            "options": {**options, "start_date": start_date, "institution_id": institution_id},
            "institutions": accounts_service.list_institutions(session),
            "format_words": FORMAT_WORDS,
            "query": request.url.query,
            "base": f"{HOME}/roles/{role_id}/groups/{group_id}",
        },
    )


@router.get(REPORT + "/plan.csv")
def plan_csv(
    session: DbSession,
    principal: Employer,
    role_id: str,
    group_id: str,
    format: str = "short",
    objective: str = "balanced",
    min_people: str = "1",
    institution_id: str = "",
    start_date: str = "",
) -> Response:
    """The training plan as a CSV file."""
    options = _plan_options(format, objective, min_people, institution_id, start_date)
    plan = workforce_service.corporate_plan(
        session, viewer=principal, role_id=role_id, group_id=group_id, **options
    )
    return Response(
        workforce_service.plan_csv(plan),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="training-plan.csv"'},
    )


_TENANT = allow(Role.EMPLOYER, tenant=True)
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /planning/workforce": allow(Role.EMPLOYER),
    f"GET {HOME}": allow(Role.EMPLOYER),
    f"POST {HOME}/roles": allow(Role.EMPLOYER),
    f"GET {HOME}/roles/{{role_id}}": _TENANT,
    f"POST {HOME}/roles/{{role_id}}": _TENANT,
    f"POST {HOME}/roles/{{role_id}}/requirements": _TENANT,
    f"POST {HOME}/roles/{{role_id}}/requirements/drop": _TENANT,
    f"POST {HOME}/roles/{{role_id}}/delete": _TENANT,
    f"GET {HOME}/competencies": allow(Role.EMPLOYER),
    f"GET {HOME}/occupations": allow(Role.EMPLOYER),
    f"POST {HOME}/groups": allow(Role.EMPLOYER),
    f"GET {HOME}/groups/{{group_id}}": _TENANT,
    f"POST {HOME}/groups/{{group_id}}": _TENANT,
    f"POST {HOME}/groups/{{group_id}}/delete": _TENANT,
    f"GET {REPORT}": _TENANT,
    f"GET {REPORT}/plan.csv": _TENANT,
}
