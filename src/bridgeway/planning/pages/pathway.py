"""'My pathway': the objective the learner picks, the plan on a timeline, and the alternatives side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.catalog import service as catalog_service
from bridgeway.kit.http import render
from bridgeway.planning import service
from bridgeway.planning.engine.pathways import OBJECTIVES, Objective, weighted_objective
from bridgeway.planning.errors import NoFeasiblePlan
from bridgeway.planning.pages.common import (
    Subject,
    base_context,
    data_dir,
    find_target,
    locale,
    suggestions,
    target_label,
)
from bridgeway.planning.schemas import LearnerProfile

OBJECTIVE_CHOICES = ("balanced", "fastest", "cheapest", "mix")
# (key in the plan, label, unit, better when lower)
METRICS = (
    ("total_cost", "Cost", "money", True),
    ("total_hours", "Study hours", "hours", True),
    ("duration_weeks", "Weeks to finish", "weeks", True),
    ("readiness_after", "Readiness after", "percent", False),
    ("essential_after", "Readiness on essential requirements after", "percent", False),
    ("credential_count", "Credentials earned", "count", False),
)
SUGGESTIONS = {
    "budget": "Raise your budget, ask an employment counsellor about training funding, or pick another catalogue.",
    "deadline": "Allow more weeks, or more hours per week.",
    "budget and deadline": "Relax the budget or the deadline: together they leave no plan.",
    "schedule": "Tick more times when you can study (daytime, evenings, weekends).",
    "online only": "Allow in-person or hybrid courses.",
    "region": "Allow online courses or change the province you study in.",
    "hours per week": "Give more hours per week to your studies.",
    "start date": "Start later, or pick another catalogue: no intake is left after your start date.",
}


@dataclass(frozen=True)
class ObjectiveChoice:
    """The objective the learner picked: balanced, least time, least cost, or a time/cost mix (0–100 % time)."""

    name: str = "balanced"
    mix: int = 50

    @classmethod
    def parse(cls, name: str | None, mix: int | None) -> ObjectiveChoice:
        """Unknown names fall back to balanced; the mix is kept between 0 and 100."""
        return cls(
            name if name in OBJECTIVE_CHOICES else "balanced", min(100, max(0, 50 if mix is None else mix))
        )

    def objective(self) -> Objective:
        """The solver's objective weights."""
        if self.name == "mix":
            return weighted_objective(self.mix / 100)
        return OBJECTIVES[self.name]


def compare(report: dict[str, Any], columns: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One row per metric: each plan's value, its difference from the chosen plan, and whether it is the best."""
    plans = report["result"]["alternatives"] | {"plan": report["result"]["plan"]}

    def value(key: str, name: str) -> float:
        p = plans[name]
        if key == "readiness_after":
            return float(round(100 * report["readiness_after"][name]))
        if key == "essential_after":
            return float(round(100 * report["essential_after"][name]))
        if key == "credential_count":
            return len(p["credentials"])
        return float(p[key])

    rows = []
    for key, label, unit, lower in METRICS:
        values = {name: value(key, name) for name, _ in columns}
        best = min(values.values()) if lower else max(values.values())
        base = values["plan"]
        rows.append(
            {
                "label": label,
                "unit": unit,
                "cells": [
                    {
                        "value": values[name],
                        "delta": values[name] - base,
                        "differs": abs(values[name] - base) > 1e-9,
                        "best": abs(values[name] - best) < 1e-9 and len(set(values.values())) > 1,
                    }
                    for name, _ in columns
                ],
            }
        )
    return rows


def explain_infeasible(exc: NoFeasiblePlan, labels: dict[str, str]) -> dict[str, Any]:
    """Which constraint binds, what it would take, the gaps it blocks, and a suggestion."""
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    binding = str(detail.get("binding", "catalogue"))
    blocked = [labels.get(c, c) for c in detail.get("competencies", [])]
    return {
        "message": exc.message,
        "binding": binding,
        "detail": detail,
        "blocked": blocked,
        "suggestion": SUGGESTIONS.get(binding, "Change your constraints or pick another catalogue."),
    }


def french_titles(session: Session, institution_id: str | None) -> dict[str, str]:
    """French titles of the catalogue's opportunities and credentials, by opportunity id and by English title."""
    out: dict[str, str] = {}
    for r in catalog_service.planning_catalogue(session, institution_id=institution_id):
        if r.title_fr:
            out[r.opportunity_id] = r.title_fr
            out[r.title_en] = r.title_fr
    return out


def _decorate(report: dict[str, Any]) -> dict[str, Any]:
    alts = report["result"]["alternatives"]
    plan = report["result"]["plan"]
    report["columns"] = [("plan", "Chosen plan")] + [
        (key, name) for key, name in (("fastest", "Fastest"), ("cheapest", "Cheapest")) if key in alts
    ]
    report["rows"] = compare(report, report["columns"])
    report["plans"] = alts | {"plan": plan}
    report["titles"] = {i["id"]: i["title"] or i["id"] for p in report["plans"].values() for i in p["items"]}
    report["peak_hours"] = max((w["hours"] for w in plan["weeks"]), default=0) or 1
    report["span"] = max(plan["duration_weeks"], 1)
    chosen = {i["id"] for i in plan["items"]}
    report["only_in"] = {key: [i for i in p["items"] if i["id"] not in chosen] for key, p in alts.items()}
    return report


def show_pathway(
    request: Request,
    session: Session,
    profile: LearnerProfile,
    *,
    subject: Subject,
    taxonomy: str,
    target: str | None,
    institution_id: str | None,
    choice: ObjectiveChoice,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The plan for the chosen objective on a week-by-week timeline, with the fastest and cheapest beside it."""
    report = None
    infeasible: dict[str, Any] | None = None
    code, error, status = find_target(request, profile, taxonomy, target)
    if code is not None:
        catalog = service.catalog_from_database(session, institution_id=institution_id or None)
        try:
            planned = service.plan(
                profile=profile,
                taxonomy=taxonomy,
                target=code,
                catalog=catalog,
                objective=choice.objective(),
                data_dir=data_dir(request),
                session=session,
            )
        except NoFeasiblePlan as exc:
            gaps = service.gap_analysis(
                taxonomy=taxonomy,
                code=code,
                profile=profile,
                include_crosswalk=False,
                data_dir=data_dir(request),
                session=session,
            )
            infeasible = explain_infeasible(
                exc, {r.competency_id: r.label for r in gaps.primary.requirements}
            )
            infeasible["title"] = gaps.primary.title
            status = 422
        else:
            report = _decorate(service.to_jsonable(planned))
    return render(
        request,
        "planning/pathway.html",
        {
            **base_context(subject, taxonomy, code or target),
            "target_label": target_label(request, taxonomy, code),
            "report": report,
            "infeasible": infeasible,
            "error": error,
            "empty": not profile.competencies,
            "constraints": profile.constraints,
            "clb": profile.best_clb(),
            "choice": choice,
            "institutions": accounts_service.list_institutions(session),
            "institution_id": institution_id or "",
            "fr_titles": french_titles(session, institution_id or None) if locale(request) == "fr" else {},
            "suggestions": [] if report or infeasible else suggestions(request, profile, taxonomy),
            **(extra or {}),
        },
        status_code=status,
    )
