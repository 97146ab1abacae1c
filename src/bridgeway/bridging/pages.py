"""Bridge-training pages: the advisor's intakes and intake page, the learner's learning plan (/bridging)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import require
from bridgeway.accounts.domain import Principal, Role, Scope
from bridgeway.accounts.errors import UnknownUser
from bridgeway.accounts.policy import RoutePolicy, allow
from bridgeway.bridging import domain, schemas
from bridgeway.bridging.service import access, intakes, occupations, plan, reads
from bridgeway.kit.errors import Conflict, InvalidInput
from bridgeway.kit.http import DbSession, render

router = APIRouter(include_in_schema=False)

R, W = Scope.PLAR_READ, Scope.PLAR_WRITE
L, AD = Role.LEARNER, Role.ADVISOR
Learner = Annotated[Principal, Depends(require(L, scope=R))]
LearnerW = Annotated[Principal, Depends(require(L, scope=W))]
Advisor = Annotated[Principal, Depends(require(AD, scope=R))]
AdvisorW = Annotated[Principal, Depends(require(AD, scope=W))]

_I = "/bridging/intakes/{intake_id}"
_T = {"tenant": True}
ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "GET /bridging": allow(L, scope=R),
    "POST /bridging/plans/{intake_id}/acknowledgement": allow(L, scope=W, owner=True),
    "POST /bridging/plans/{intake_id}/items/{item_id}/done": allow(L, scope=W, owner=True),
    "GET /bridging/intakes": allow(AD, scope=R),
    "POST /bridging/intakes": allow(AD, scope=W),
    "GET /bridging/occupation-options": allow(AD, scope=R),
    "GET /bridging/catalogue-options": allow(AD, scope=R),
    f"GET {_I}": allow(AD, scope=R, **_T),
    f"POST {_I}": allow(AD, scope=W, **_T),
    f"POST {_I}/evaluations": allow(AD, scope=W, **_T),
    f"POST {_I}/evaluations/{{evaluation_id}}/delete": allow(AD, scope=W, **_T),
    f"POST {_I}/steps": allow(AD, scope=W, **_T),
    f"POST {_I}/items": allow(AD, scope=W, **_T),
    f"POST {_I}/items/{{item_id}}": allow(AD, scope=W, **_T),
    f"POST {_I}/items/{{item_id}}/delete": allow(AD, scope=W, **_T),
}

NAV_ITEMS: list[dict[str, Any]] = [
    {
        "label": "My learning plan",
        "href": "/bridging",
        "roles": [L],
        "public": False,
        "top": True,
        "description": "Your individual learning plan toward your occupation in Canada: licensing, language, training and support.",
    },
    {
        "label": "Bridge-training intakes",
        "href": "/bridging/intakes",
        "roles": [AD],
        "public": False,
        "top": True,
        "description": "Newcomers' intakes: credential evaluation, licensing steps, language levels and learning plans.",
    },
]

LABELS: dict[str, Any] = {
    "agencies": {a.value: label for a, label in domain.AGENCY_LABELS.items()},
    "steps": {s.value: label for s, label in domain.STEP_LABELS.items()},
    "supports": {s.value: label for s, label in domain.SUPPORT_LABELS.items()},
    "kinds": {k.value: label for k, label in domain.ITEM_KIND_LABELS.items()},
    "statuses": {s.value: label for s, label in domain.STATUS_LABELS.items()},
    "owners": {o.value: label for o, label in domain.OWNER_LABELS.items()},
    "owners_for_learner": {"learner": "You", "advisor": "Your advisor", "other": "Someone else"},
    "intake_statuses": {s.value: label for s, label in domain.INTAKE_STATUS_LABELS.items()},
    "skills": {"listening": "Listening", "speaking": "Speaking", "reading": "Reading", "writing": "Writing"},
}


def _blank_to_none(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The named form fields that were filled in (empty fields are left out)."""
    return {n: str(form.get(n)).strip() for n in names if str(form.get(n) or "").strip()}


def _checked(model: type[BaseModel], values: dict[str, Any]) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise InvalidInput("the form could not be saved: " + "; ".join(problems), detail=problems) from None


# --- learner ---------------------------------------------------------------------------------------------------


@router.get("/bridging", response_class=HTMLResponse)
def my_plan(request: Request, session: DbSession, principal: Learner) -> HTMLResponse:
    """The learner's learning plans, as their advisors shared them."""
    plans = [reads.read(session, i, viewer=principal) for i in intakes.plans_of(session, actor=principal)]
    return render(request, "bridging/plan.html", {"plans": plans, "labels": LABELS})


@router.post("/bridging/plans/{intake_id}/acknowledgement", response_model=None)
def acknowledge(intake_id: str, session: DbSession, principal: LearnerW) -> RedirectResponse:
    """The learner confirms they have read their plan."""
    intakes.acknowledge(session, actor=principal, intake_id=intake_id)
    return RedirectResponse("/bridging", status_code=303)


@router.post("/bridging/plans/{intake_id}/items/{item_id}/done", response_model=None)
async def mark_done(
    intake_id: str, item_id: str, request: Request, session: DbSession, principal: LearnerW
) -> RedirectResponse:
    """The learner marks one of their own items done (done=1) or not done (done=0)."""
    form = await request.form()
    plan.mark_done(
        session, actor=principal, intake_id=intake_id, item_id=item_id, done=form.get("done", "1") == "1"
    )
    return RedirectResponse("/bridging", status_code=303)


# --- advisor ---------------------------------------------------------------------------------------------------


def _learner_choices(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """Consenting learners, by name (those with an intake in progress here are left out)."""
    busy = {i.learner_user_id for i in intakes.list_for_institution(session, actor=principal)}
    users = []
    for learner_id in accounts_service.consenting_learner_ids(session, viewer=principal) - busy:
        try:
            user = accounts_service.get_user(session, learner_id)
        except UnknownUser:  # a consent outlives a deleted account
            continue
        if Role.LEARNER in accounts_service.roles_of(user):
            users.append((user.id, f"{user.display_name} <{user.email}>"))
    return sorted(users, key=lambda u: u[1].lower())


def _intakes_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    closed: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = intakes.list_for_institution(session, actor=principal, include_closed=closed)
    rows = [reads.summary(session, i) for i in found]
    return render(
        request,
        "bridging/intakes.html",
        {
            "rows": rows,
            "learners": _learner_choices(session, principal),
            "labels": LABELS,
            "provinces": schemas.PROVINCES,
            "error": error,
            "closed": closed,
        },
        status_code=status_code,
    )


@router.get("/bridging/intakes", response_class=HTMLResponse)
def intake_list(
    request: Request, session: DbSession, principal: Advisor, closed: bool = False
) -> HTMLResponse:
    """The institution's intakes in progress (closed ones too with closed=true), and the form to open one."""
    return _intakes_page(request, session, principal, closed=closed)


@router.post("/bridging/intakes", response_class=HTMLResponse, response_model=None)
async def open_intake(
    request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Open an intake from the form; a refusal re-renders the list with the reason."""
    form = await request.form()
    values = _blank_to_none(form, ("learner_id", "origin_country", "years_experience", "province", "notes"))
    values["origin_code"] = str(form.get("origin_pick") or form.get("origin_code") or "").strip() or None
    values["target_code"] = str(form.get("target_pick") or form.get("target_code") or "").strip()
    try:
        with session.begin_nested():
            intake = intakes.open_intake(
                session, actor=principal, data=_checked(schemas.IntakeCreate, values)
            )
    except (InvalidInput, Conflict) as exc:
        return _intakes_page(request, session, principal, error=exc.message, status_code=exc.status_code)
    return RedirectResponse(f"/bridging/intakes/{intake.id}", status_code=303)


@router.get("/bridging/occupation-options", response_class=HTMLResponse)
def occupation_options(
    request: Request, session: DbSession, principal: Advisor, q: str = "", field: str = "target"
) -> HTMLResponse:
    """Occupations matching a title (HTMX), to pick the occupation of origin or the target in Canada."""
    field = "origin" if field == "origin" else "target"
    hits = occupations.occupation_options(session, query=q[:200], target=field == "target")
    return render(request, "bridging/_occupation_options.html", {"hits": hits, "field": field, "q": q})


@router.get("/bridging/catalogue-options", response_class=HTMLResponse)
def catalogue_options(request: Request, session: DbSession, principal: Advisor, q: str = "") -> HTMLResponse:
    """Published catalogue entries matching a query (HTMX), to plan a training item."""
    hits = occupations.catalogue_options(session, query=q[:200])
    return render(request, "bridging/_catalogue_options.html", {"hits": hits, "q": q})


def _intake_page(
    request: Request,
    session: Session,
    principal: Principal,
    intake_id: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    intake = access.staff_intake(session, actor=principal, intake_id=intake_id)
    portfolio = reads.portfolio_of(session, intake, principal)
    return render(
        request,
        "bridging/intake.html",
        {
            "intake": reads.read(session, intake, viewer=principal),
            "language_results": portfolio.languages,
            "labels": LABELS,
            "provinces": schemas.PROVINCES,
            "error": error,
            "closed": intake.status == domain.IntakeStatus.CLOSED.value,
        },
        status_code=status_code,
    )


@router.get(_I, response_class=HTMLResponse)
def intake_page(intake_id: str, request: Request, session: DbSession, principal: Advisor) -> HTMLResponse:
    """One intake: origin, evaluations, regulation, language against the need, and the learning plan."""
    return _intake_page(request, session, principal, intake_id)


async def _act(
    request: Request, session: Session, principal: Principal, intake_id: str, action: Callable[[Any], object]
) -> HTMLResponse | RedirectResponse:
    """Run one change from a form; a refusal undoes it and re-renders the intake page with the reason."""
    form = await request.form()
    try:
        with session.begin_nested():
            action(form)
    except (InvalidInput, Conflict) as exc:
        return _intake_page(
            request, session, principal, intake_id, error=exc.message, status_code=exc.status_code
        )
    return RedirectResponse(f"/bridging/intakes/{intake_id}#{form.get('anchor') or 'plan'}", status_code=303)


_INTAKE_FIELDS = ("origin_country", "years_experience", "province", "clb_need_source", "notes")


def _intake_update(form: Any) -> schemas.IntakeUpdate:
    values: dict[str, Any] = dict.fromkeys(("years_experience", "province", "clb_need_source"))
    values.update(_blank_to_none(form, _INTAKE_FIELDS))
    values["notes"] = str(form.get("notes") or "")
    values["origin_code"] = str(form.get("origin_pick") or form.get("origin_code") or "").strip() or None
    values["target_code"] = str(form.get("target_pick") or form.get("target_code") or "").strip() or None
    if values["target_code"] is None:
        del values["target_code"]
    regulated = str(form.get("regulated") or "data")
    values["regulated_override"] = {"yes": True, "no": False}.get(regulated)
    values["language_result_id"] = str(form.get("language_result_id") or "") or None
    levels = {s: str(form.get(f"need_{s}") or "").strip() for s in domain.SKILLS}
    values["clb_need"] = levels if any(levels.values()) else None
    return _checked(schemas.IntakeUpdate, values)  # type: ignore[no-any-return]


@router.post(_I, response_class=HTMLResponse, response_model=None)
async def update_intake(
    intake_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Save the intake form (origin, target, province, regulated judgement, language choices, notes)."""
    return await _act(
        request,
        session,
        principal,
        intake_id,
        lambda form: intakes.update_intake(
            session, actor=principal, intake_id=intake_id, data=_intake_update(form)
        ),
    )


@router.post(_I + "/evaluations", response_class=HTMLResponse, response_model=None)
async def add_evaluation(
    intake_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Record a credential evaluation from the form."""
    names = (
        "prior_credential_id",
        "credential_title",
        "agency",
        "agency_name",
        "report_reference",
        "evaluated_on",
        "canadian_equivalency",
    )
    return await _act(
        request,
        session,
        principal,
        intake_id,
        lambda form: intakes.add_evaluation(
            session,
            actor=principal,
            intake_id=intake_id,
            data=_checked(schemas.EvaluationCreate, _blank_to_none(form, names)),
        ),
    )


@router.post(_I + "/evaluations/{evaluation_id}/delete", response_class=HTMLResponse, response_model=None)
async def remove_evaluation(
    intake_id: str, evaluation_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Remove a credential evaluation."""
    return await _act(
        request,
        session,
        principal,
        intake_id,
        lambda form: intakes.remove_evaluation(
            session, actor=principal, intake_id=intake_id, evaluation_id=evaluation_id
        ),
    )


_ITEM_FIELDS = ("kind", *plan.ITEM_FIELDS)


@router.post(_I + "/items", response_class=HTMLResponse, response_model=None)
async def add_item(
    intake_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Add an item to the plan from the form (a catalogue entry picked gives a training item its title)."""

    def add(form: Any) -> object:
        values = _blank_to_none(form, _ITEM_FIELDS)
        if values.get("opportunity_id") and not values.get("title"):
            values["title"] = occupations.opportunity_title(session, values["opportunity_id"])
        data = _checked(schemas.PlanItemCreate, values)
        return plan.add_item(session, actor=principal, intake_id=intake_id, data=data)

    return await _act(request, session, principal, intake_id, add)


@router.post(_I + "/items/{item_id}", response_class=HTMLResponse, response_model=None)
async def update_item(
    intake_id: str, item_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Save one item's form (status, owner, dates, regulator, notes) or move it (position)."""

    def update(form: Any) -> object:
        if form.get("move"):  # the move up / move down buttons send only the new position
            data = _checked(schemas.PlanItemUpdate, {"position": form.get("position")})
            return plan.update_item(session, actor=principal, intake_id=intake_id, item_id=item_id, data=data)
        names = ("title", "owner", "status")
        values: dict[str, Any] = dict.fromkeys(
            ("notes", "regulator_name", "owner_name", "target_on", "started_on", "completed_on")
        )
        values["notes"] = ""
        values.update(_blank_to_none(form, (*names, *values.keys())))
        data = _checked(schemas.PlanItemUpdate, values)
        return plan.update_item(session, actor=principal, intake_id=intake_id, item_id=item_id, data=data)

    return await _act(request, session, principal, intake_id, update)


@router.post(_I + "/items/{item_id}/delete", response_class=HTMLResponse, response_model=None)
async def remove_item(
    intake_id: str, item_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Remove an item from the plan."""
    return await _act(
        request,
        session,
        principal,
        intake_id,
        lambda form: plan.remove_item(session, actor=principal, intake_id=intake_id, item_id=item_id),
    )


_STEPS: dict[str, Callable[..., object]] = {
    "propose": plan.propose,
    "share": intakes.share,
    "close": intakes.close,
}


@router.post(_I + "/steps", response_class=HTMLResponse, response_model=None)
async def step(
    intake_id: str, request: Request, session: DbSession, principal: AdvisorW
) -> HTMLResponse | RedirectResponse:
    """Take a step from the intake page: propose items from the intake, share the plan, or close the intake."""

    def run(form: Any) -> object:
        name = str(form.get("action") or "")
        if name not in _STEPS:
            raise InvalidInput(f"unknown step '{name}'; choose one of: {', '.join(_STEPS)}")
        mail = {"mail": request.app.state.settings} if name == "share" else {}  # the learner is e-mailed
        return _STEPS[name](session, actor=principal, intake_id=intake_id, **mail)

    return await _act(request, session, principal, intake_id, run)
