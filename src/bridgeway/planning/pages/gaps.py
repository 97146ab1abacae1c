"""'My gaps': every requirement of a target with its source, status, evidence and why."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from bridgeway.kit.http import render
from bridgeway.planning import service
from bridgeway.planning.pages.common import (
    STATUS_WORDS,
    Subject,
    base_context,
    claims_by_taxonomy,
    data_dir,
    db,
    find_target,
    suggestions,
    target_label,
)
from bridgeway.planning.schemas import LearnerProfile


def counts(lines: list[dict[str, Any]]) -> dict[str, int]:
    """How many lines are met, partly met and missing."""
    out = {"met": 0, "partly": 0, "missing": 0}
    for line in lines:
        out[line["status"]] += 1
    return out


def split_report(report: dict[str, Any]) -> dict[str, Any]:
    """A gap report with its lines split into the ones that count for readiness first and optional ones."""
    main = [r for r in report["requirements"] if r["kind"] != "optional"]
    optional = [r for r in report["requirements"] if r["kind"] == "optional"]
    sources = [r["source"] for r in report["requirements"] if " via " in r["source"]]
    return {
        **report,
        "main": main,
        "optional": optional,
        "counts": counts(main),
        "optional_counts": counts(optional),
        "via": sources[0].split(" via ", 1)[1] if sources else None,
    }


def show_gaps(
    request: Request,
    profile: LearnerProfile,
    *,
    subject: Subject,
    taxonomy: str,
    target: str | None,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Every requirement line of the target with its source, status and evidence, explained; readiness on top."""
    analysis = None
    code, error, status = find_target(request, profile, taxonomy, target)
    if code is not None:
        report = service.gap_analysis(
            taxonomy=taxonomy, code=code, profile=profile, data_dir=data_dir(request), session=db(request)
        )
        data = service.to_jsonable(report)
        analysis = {
            "primary": split_report(data["primary"]),
            "crosswalked": [split_report(r) for r in data["crosswalked"]],
        }
    return render(
        request,
        "planning/gaps.html",
        {
            **base_context(subject, taxonomy, code or target),
            "target_label": target_label(request, taxonomy, code),
            "analysis": analysis,
            "error": error,
            "empty": not profile.competencies,
            "claims": claims_by_taxonomy(profile),
            "status_words": STATUS_WORDS,
            "weights": profile.evidence_weights.model_dump(mode="json"),
            "suggestions": [] if analysis else suggestions(request, profile, taxonomy),
            **(extra or {}),
        },
        status_code=status,
    )
