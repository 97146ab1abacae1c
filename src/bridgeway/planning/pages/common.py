"""What the learner's and the advisor's planning pages share: options, gaps and pathway views of one profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.kit.http import render
from bridgeway.planning import service
from bridgeway.planning.errors import EmptyProfile, NoFeasiblePlan
from bridgeway.planning.schemas import EvidenceKind, LearnerProfile, Schedule

TAXONOMIES = ("esco", "noc", "onet")
STATUS_WORDS = {
    "met": "Met: your evidence is strong enough.",
    "partly": "Partly met: you have some evidence, but not enough (or not at the level required).",
    "missing": "Missing: nothing in your profile shows this yet.",
}


def data_dir(request: Request) -> Path:
    """The official data directory of this application."""
    return Path(request.app.state.settings.data_dir)


def clean_taxonomy(value: str | None) -> str:
    """esco unless one of the known taxonomies is asked for."""
    return value if value in TAXONOMIES else "esco"


def show_options(
    request: Request,
    profile: LearnerProfile,
    *,
    base: str,
    subject: dict[str, Any],
    taxonomy: str,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Ranked occupations with tier, outlook in plain words and readiness (share of requirements held)."""
    recs: list[dict[str, Any]] = []
    empty = not profile.competencies
    if not empty:
        try:
            report = service.rank_transitions(
                taxonomy=taxonomy, profile=profile, top=15, data_dir=data_dir(request)
            )
        except EmptyProfile:
            empty = True
        else:
            for rec in service.to_jsonable(report)["recommendations"]:
                rec["outlook_words"] = service.outlook_in_words(rec["outlook"])
                rec["readiness_pct"] = round(100 * rec["coverage"])
                recs.append(rec)
    return render(
        request,
        "planning/options.html",
        {
            "recs": recs,
            "empty": empty,
            "base": base,
            "subject": subject,
            "taxonomy": taxonomy,
            "taxonomies": TAXONOMIES,
            **(extra or {}),
        },
    )


def show_gaps(
    request: Request,
    profile: LearnerProfile,
    *,
    base: str,
    subject: dict[str, Any],
    taxonomy: str,
    target: str | None,
) -> HTMLResponse:
    """Every requirement line of the target with its source, status and evidence, explained."""
    analysis = None
    if target and profile.competencies:
        report = service.gap_analysis(
            taxonomy=taxonomy, code=target, profile=profile, data_dir=data_dir(request)
        )
        analysis = service.to_jsonable(report)
    return render(
        request,
        "planning/gaps.html",
        {
            "analysis": analysis,
            "target": target or "",
            "base": base,
            "subject": subject,
            "taxonomy": taxonomy,
            "taxonomies": TAXONOMIES,
            "empty": not profile.competencies,
            "status_words": STATUS_WORDS,
        },
    )


def show_pathway(
    request: Request,
    session: Session,
    profile: LearnerProfile,
    *,
    base: str,
    subject: dict[str, Any],
    taxonomy: str,
    target: str | None,
    institution_id: str | None,
) -> HTMLResponse:
    """A week-by-week timeline, with the fastest and cheapest plans side by side."""
    report = None
    infeasible: dict[str, Any] | None = None
    status = 200
    if target and profile.competencies:
        catalog = service.catalog_from_database(session, institution_id=institution_id or None)
        try:
            planned = service.plan(
                profile=profile, taxonomy=taxonomy, target=target, catalog=catalog, data_dir=data_dir(request)
            )
        except NoFeasiblePlan as exc:
            infeasible = {"message": exc.message, "detail": exc.detail}
            status = 422
        else:
            report = service.to_jsonable(planned)
            alts = report["result"]["alternatives"]
            report["columns"] = [("Recommended plan", report["result"]["plan"])] + [
                (name, alts[key])
                for key, name in (("fastest", "Fastest"), ("cheapest", "Cheapest"))
                if key in alts
            ]
            plan = report["result"]["plan"]
            peak = max((w["hours"] for w in plan["weeks"]), default=0) or 1
            report["peak_hours"] = peak
            report["titles"] = {i["id"]: i["title"] or i["id"] for alt in alts.values() for i in alt["items"]}
            report["titles"].update({i["id"]: i["title"] or i["id"] for i in plan["items"]})
    institutions = accounts_service.list_institutions(session)
    return render(
        request,
        "planning/pathway.html",
        {
            "report": report,
            "infeasible": infeasible,
            "target": target or "",
            "base": base,
            "subject": subject,
            "taxonomy": taxonomy,
            "taxonomies": TAXONOMIES,
            "empty": not profile.competencies,
            "institutions": institutions,
            "institution_id": institution_id or "",
        },
        status_code=status,
    )


def profile_form_values(profile: LearnerProfile) -> dict[str, Any]:
    """The stored profile as the values of the profile form."""
    lines = []
    for c in profile.competencies:
        parts = [c.id, c.evidence.value]
        if c.level is not None:
            parts.append(f"{c.level:g}")
        lines.append(" | ".join(parts))
    lang = profile.languages[0] if profile.languages else None
    k = profile.constraints
    return {
        "competencies": "\n".join(lines),
        "budget": "" if k.budget is None else f"{k.budget:g}",
        "hours_per_week": f"{k.hours_per_week:g}",
        "schedule": [s.value for s in k.schedule],
        "online_only": k.online_only,
        "start_date": k.start_date.isoformat() if k.start_date else "",
        "region": k.region or "",
        "deadline_weeks": k.deadline_weeks or "",
        "language": lang.language if lang else "en",
        "clb": {s: getattr(lang, s) if lang else "" for s in ("listening", "speaking", "reading", "writing")},
        "previous_occupation": profile.previous_occupation or "",
    }


def profile_from_form(form: Any, current: LearnerProfile) -> dict[str, Any]:
    """Build the profile JSON from the form (validated by the service); keeps what the form does not show."""
    claims = []
    for raw in str(form.get("competencies", "")).splitlines():
        parts = [p.strip() for p in raw.split("|")]
        if not parts[0]:
            continue
        claim: dict[str, Any] = {
            "id": parts[0],
            "evidence": parts[1]
            if len(parts) > 1 and parts[1]
            else str(form.get("evidence") or EvidenceKind.SELF_CLAIMED.value),
        }
        if len(parts) > 2 and parts[2]:
            claim["level"] = parts[2]
        claims.append(claim)
    clb = {s: form.get(f"clb_{s}") for s in ("listening", "speaking", "reading", "writing")}
    languages = []
    if any(v not in (None, "") for v in clb.values()):
        languages.append(
            {
                "language": form.get("language") or "en",
                **{s: v if v not in (None, "") else 0 for s, v in clb.items()},
            }
        )
    data = current.model_dump(mode="json", exclude={"id"})
    data.update(
        {
            "competencies": claims,
            "languages": languages,
            "previous_occupation": (form.get("previous_occupation") or "").strip() or None,
            "constraints": {
                "budget": form.get("budget") or None,
                "hours_per_week": form.get("hours_per_week") or 10,
                "schedule": [s for s in form.getlist("schedule") if s in {x.value for x in Schedule}],
                "online_only": form.get("online_only") == "on",
                "start_date": form.get("start_date") or None,
                "region": (form.get("region") or "").strip().upper() or None,
                "deadline_weeks": form.get("deadline_weeks") or None,
            },
        }
    )
    return data


def today() -> dt.date:
    """Today's date (pages show it beside the plan)."""
    return dt.date.today()
