"""'My options': the closest occupations, ranked, filtered and paged, each explaining itself."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from bridgeway.kit.http import render
from bridgeway.planning import service
from bridgeway.planning.errors import EmptyProfile
from bridgeway.planning.pages.common import Subject, base_context, claims_by_taxonomy, data_dir, db
from bridgeway.planning.schemas import LearnerProfile

POOL = 300  # the closest occupations ranked once; filters and pages work inside them
PER_PAGE = 10
GOOD_PROSPECTS = {"Strong risk of Shortage", "Moderate risk of Shortage"}
TIERS = ("all", "viable", "highly_viable")


@dataclass(frozen=True)
class OptionFilters:
    """What the learner narrowed the list to."""

    tier: str = "all"
    good_prospects: bool = False
    no_licence: bool = False
    page: int = 1

    @classmethod
    def parse(
        cls, tier: str | None, prospects: str | None, licence: str | None, page: int | None
    ) -> OptionFilters:
        """Unknown values fall back to showing everything, page 1."""
        return cls(
            tier=tier if tier in TIERS else "all",
            good_prospects=prospects == "good",
            no_licence=licence == "none",
            page=max(1, page or 1),
        )

    def keeps(self, rec: dict[str, Any]) -> bool:
        """Whether a recommendation passes the filters."""
        if self.tier == "viable" and rec["tier"] not in {"viable", "highly viable"}:
            return False
        if self.tier == "highly_viable" and rec["tier"] != "highly viable":
            return False
        if self.good_prospects and (rec["outlook"] or {}).get("condition") not in GOOD_PROSPECTS:
            return False
        return not (self.no_licence and rec["regulated"])

    def query(self, **change: Any) -> dict[str, Any]:
        """The filters as query parameters (for paging links), with some changed."""
        values = {
            "tier": self.tier,
            "prospects": "good" if self.good_prospects else "",
            "licence": "none" if self.no_licence else "",
            "page": self.page,
        }
        values.update(change)
        return {k: v for k, v in values.items() if v not in ("", None, "all")}


def zone_words(change: float | None) -> str | None:
    """The change of education/experience level (job zone) in words, or None when about the same."""
    if change is None or abs(change) < 0.5:
        return None
    if change >= 1.5:
        return "Asks for much more education or experience than your previous work"
    if change > 0:
        return "Asks for somewhat more education or experience than your previous work"
    return "Asks for less education or experience than your previous work"


def ranked(request: Request, profile: LearnerProfile, taxonomy: str) -> list[dict[str, Any]]:
    """The closest occupations with their explanations, as JSON-ready dicts (EmptyProfile when unreadable)."""
    report = service.rank_transitions(
        taxonomy=taxonomy, profile=profile, top=POOL, data_dir=data_dir(request), session=db(request)
    )
    out = []
    for rec in service.to_jsonable(report)["recommendations"]:
        rec["outlook_words"] = service.outlook_in_words(rec["outlook"])
        rec["zone_words"] = zone_words(rec["zone_change"])
        out.append(rec)
    return out


def with_readiness(
    request: Request, profile: LearnerProfile, taxonomy: str, rec: dict[str, Any]
) -> dict[str, Any]:
    """The recommendation with the readiness its gap page shows: overall and on essential requirements."""
    report = service.gap_analysis(
        taxonomy=taxonomy,
        code=rec["code"],
        profile=profile,
        include_crosswalk=False,
        data_dir=data_dir(request),
    ).primary
    return {
        **rec,
        "readiness_pct": round(100 * report.readiness),
        "essential_pct": round(100 * report.essential_readiness),
    }


def show_options(
    request: Request,
    profile: LearnerProfile,
    *,
    subject: Subject,
    taxonomy: str,
    filters: OptionFilters,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Ranked occupations with tier, readiness, outlook in words with its source, licence and skills; paged."""
    recs: list[dict[str, Any]] = []
    unreadable = False
    if profile.competencies:
        try:
            recs = [r for r in ranked(request, profile, taxonomy) if filters.keeps(r)]
        except EmptyProfile:
            unreadable = True
    pages = max(1, math.ceil(len(recs) / PER_PAGE))
    page = min(filters.page, pages)
    shown = [
        with_readiness(request, profile, taxonomy, r) for r in recs[(page - 1) * PER_PAGE : page * PER_PAGE]
    ]
    return render(
        request,
        "planning/options.html",
        {
            **base_context(subject, taxonomy, None),
            "recs": shown,
            "total": len(recs),
            "first": (page - 1) * PER_PAGE + 1,
            "page": page,
            "pages": pages,
            "pool": POOL,
            "filters": filters,
            "empty": not profile.competencies,
            "unreadable": unreadable,
            "claims": claims_by_taxonomy(profile),
            **(extra or {}),
        },
    )
