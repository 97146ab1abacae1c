"""Authoring pages: the micro-credential (or other opportunity) form, submission and new versions."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from bridgeway.catalog import domain
from bridgeway.catalog import service as catalog_service
from bridgeway.catalog.deps import OpportunityTenant, VersionTenant
from bridgeway.catalog.pages.common import (
    Designer,
    FormData,
    cents,
    codes,
    lines,
)
from bridgeway.catalog.schemas import AlignmentIn, OpportunityCreate, VersionRead, VersionUpdate
from bridgeway.kit.errors import BridgewayError
from bridgeway.kit.http import DbSession, is_htmx, render

router = APIRouter(include_in_schema=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64] or "item"


def payload_from_form(form: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """Turn the authoring form into the API's payload (validation happens in the schemas and domain)."""
    text = (
        "title_en",
        "title_fr",
        "description_en",
        "description_fr",
        "mastery_criteria_en",
        "mastery_criteria_fr",
        "delivery_mode",
        "language",
        "change_note",
    )
    p: dict[str, Any] = {k: form[k] for k in text if form.get(k, "") != ""}
    p["schedules"] = form.get("schedules") or []
    for k in ("hours", "weeks", "electives_required"):
        p[k] = form.get(k) or 0
    p["cost_cents"] = cents(form.get("cost", ""))
    p["is_credit"] = bool(form.get("is_credit"))
    if p["is_credit"] and form.get("credit_value"):
        p["credit_value"] = form["credit_value"]
    if form.get("assessment_method"):
        criteria = []
        for line in lines(form.get("rubric_criteria", "")):
            label, _, description = line.partition(":")
            criteria.append({"key": _slug(label), "label": label.strip(), "description": description.strip()})
        levels = [
            {"key": _slug(lv), "label": lv, "rank": i}
            for i, lv in enumerate(lines(form.get("rubric_levels", "")), start=1)
        ]
        p["assessment"] = {
            "method": form["assessment_method"],
            "description": form.get("assessment_description", ""),
            "rubric": {
                "criteria": criteria,
                "levels": levels,
                "mastery_level": _slug(form.get("mastery_level", "")),
            },
        }
    statements = []
    for line in lines(form.get("statements", "")):
        organisation, _, statement = line.partition(":")
        statements.append(
            {"organisation": organisation.strip(), "statement": statement.strip() or organisation.strip()}
        )
    p["statements"] = statements
    p["prerequisites"] = codes(form.get("prerequisites", ""))
    p["components"] = [{"code": c, "required": True} for c in codes(form.get("required_components", ""))] + [
        {"code": c, "required": False} for c in codes(form.get("elective_components", ""))
    ]
    if create:
        p["code"] = form.get("code", "")
        p["kind"] = form.get("kind", "")
        if form.get("competency_id"):
            p["alignment"] = {"competency_id": form["competency_id"]}
        elif form.get("institution_competency_id"):
            p["alignment"] = {"institution_competency_id": form["institution_competency_id"]}
    return p


def form_from_version(version: VersionRead, *, code: str, kind: str) -> dict[str, Any]:
    """Fill the authoring form from a version."""
    rubric = version.rubric or {}
    levels = sorted(rubric.get("levels", []), key=lambda lv: lv["rank"])
    mastery = next((lv["label"] for lv in levels if lv["key"] == rubric.get("mastery_level")), "")
    a = version.alignment
    return {
        **version.model_dump(
            include={
                "title_en",
                "title_fr",
                "description_en",
                "description_fr",
                "delivery_mode",
                "schedules",
                "hours",
                "weeks",
                "is_credit",
                "credit_value",
                "language",
                "mastery_criteria_en",
                "mastery_criteria_fr",
                "assessment_method",
                "assessment_description",
                "electives_required",
                "change_note",
            }
        ),
        "code": code,
        "kind": kind,
        "cost": f"{version.cost_cents / 100:.2f}",
        "rubric_criteria": "\n".join(
            f"{c['label']}: {c['description']}".rstrip(": ") for c in rubric.get("criteria", [])
        ),
        "rubric_levels": "\n".join(lv["label"] for lv in levels),
        "mastery_level": mastery,
        "statements": "\n".join(f"{s.organisation}: {s.statement}" for s in version.statements),
        "prerequisites": " ".join(version.prerequisites),
        "required_components": " ".join(c.code for c in version.components if c.required),
        "elective_components": " ".join(c.code for c in version.components if not c.required),
        "competency_id": a.competency_id if a else "",
        "institution_competency_id": a.institution_competency_id if a else "",
        "competency_label": a.target_name if a else "",
    }


def _render_form(
    request: Request,
    session: DbSession,
    principal: Any,
    form: dict[str, Any],
    *,
    version: VersionRead | None = None,
    error: BridgewayError | None = None,
) -> HTMLResponse:
    own = catalog_service.institution_competencies(session, institution_id=principal.institution_id or "")
    return render(
        request,
        "catalog/form.html",
        {
            "form": form,
            "version": version,
            "error": error,
            "kinds": list(domain.OpportunityKind),
            "modes": list(domain.DeliveryMode),
            "schedules": list(domain.SchedulePattern),
            "languages": list(domain.Language),
            "methods": list(domain.AssessmentMethod),
            "own_competencies": own,
        },
        status_code=error.status_code if error else 200,
    )


def _invalid(exc: ValidationError) -> BridgewayError:
    from bridgeway.kit.errors import InvalidInput

    problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return InvalidInput("; ".join(problems), detail=problems)


NEW_FORM = {
    "kind": "micro_credential",
    "delivery_mode": "hybrid",
    "language": "en",
    "schedules": ["evenings"],
    "rubric_levels": "Beginning\nDeveloping\nProficient\nMastery",
    "mastery_level": "Proficient",
    "electives_required": 0,
}


@router.get("/catalog/new", response_class=HTMLResponse)
def new_form(request: Request, session: DbSession, principal: Designer) -> HTMLResponse:
    """Show an empty authoring form."""
    return _render_form(request, session, principal, dict(NEW_FORM))


@router.post("/catalog/new", response_class=HTMLResponse)
def create(request: Request, session: DbSession, principal: Designer, form: FormData) -> Response:
    """Create an opportunity and its first draft from the form."""
    try:
        with session.begin_nested():  # a refused form undoes only its own writes
            data = OpportunityCreate.model_validate(payload_from_form(form, create=True))
            version = catalog_service.create_opportunity(session, actor=principal, data=data)
    except ValidationError as exc:
        return _render_form(request, session, principal, form, error=_invalid(exc))
    except BridgewayError as exc:
        return _render_form(request, session, principal, form, error=exc)
    return RedirectResponse(f"/catalog/opportunities/{version.opportunity_id}", status_code=303)


@router.get("/catalog/versions/{version_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, session: DbSession, principal: Designer, _tenant: VersionTenant, version_id: str
) -> HTMLResponse:
    """Show a draft in the authoring form."""
    version = catalog_service.get_version(session, version_id)
    read = catalog_service.read_version(session, version)
    form = form_from_version(read, code=version.opportunity.code, kind=version.opportunity.kind)
    return _render_form(request, session, principal, form, version=read)


@router.post("/catalog/versions/{version_id}/edit", response_class=HTMLResponse)
def save(
    request: Request,
    session: DbSession,
    principal: Designer,
    _tenant: VersionTenant,
    version_id: str,
    form: FormData,
) -> Response:
    """Save the draft (and change its competency when another one was chosen)."""
    version = catalog_service.get_version(session, version_id)
    read = catalog_service.read_version(session, version)
    try:
        with session.begin_nested():  # a refused form undoes only its own writes
            data = VersionUpdate.model_validate(payload_from_form(form, create=False))
            catalog_service.update_draft(session, actor=principal, version_id=version_id, data=data)
            _realign(session, principal, version_id, read, form)
    except ValidationError as exc:
        return _render_form(request, session, principal, form, version=read, error=_invalid(exc))
    except BridgewayError as exc:
        return _render_form(request, session, principal, form, version=read, error=exc)
    return RedirectResponse(f"/catalog/opportunities/{version.opportunity_id}", status_code=303)


def _realign(
    session: DbSession, principal: Any, version_id: str, read: VersionRead, form: dict[str, Any]
) -> None:
    wanted = (form.get("competency_id") or None, form.get("institution_competency_id") or None)
    current = (
        (read.alignment.competency_id, read.alignment.institution_competency_id)
        if read.alignment
        else (None, None)
    )
    if wanted == current or wanted == (None, None):
        return
    catalog_service.unalign(session, actor=principal, version_id=version_id)
    target = (
        AlignmentIn(competency_id=wanted[0])
        if wanted[0]
        else AlignmentIn(institution_competency_id=wanted[1])
    )
    catalog_service.align(session, actor=principal, version_id=version_id, data=target)


@router.post("/catalog/versions/{version_id}/submit", response_class=HTMLResponse)
def submit(
    request: Request, session: DbSession, principal: Designer, _tenant: VersionTenant, version_id: str
) -> Response:
    """Send the draft to QA review."""
    version = catalog_service.submit(session, actor=principal, version_id=version_id)
    return RedirectResponse(f"/catalog/opportunities/{version.opportunity_id}", status_code=303)


@router.post("/catalog/opportunities/{opportunity_id}/new-version", response_class=HTMLResponse)
def new_version(
    request: Request, session: DbSession, principal: Designer, _tenant: OpportunityTenant, opportunity_id: str
) -> Response:
    """Start a new draft version from the published one."""
    version = catalog_service.new_version(session, actor=principal, opportunity_id=opportunity_id)
    return RedirectResponse(f"/catalog/versions/{version.id}/edit", status_code=303)


@router.get("/catalog/competency-options", response_class=HTMLResponse)
def competency_options(
    request: Request, session: DbSession, principal: Designer, q: str = ""
) -> HTMLResponse:
    """List ESCO skills and OaSIS descriptors whose label matches (for the competency picker)."""
    options = catalog_service.competency_options(session, query=q) if len(q.strip()) >= 2 else []
    template = "catalog/_competency_options.html"
    return render(request, template, {"options": options, "q": q, "partial": is_htmx(request)})
