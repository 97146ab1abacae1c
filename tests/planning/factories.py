"""Small hand-built occupation spaces, profiles and catalogues for planning tests."""

from __future__ import annotations

import datetime as dt

from bridgeway.planning.engine.space import ESSENTIAL, OPTIONAL, RATED, OccupationSpace, Outlook, build_space
from bridgeway.planning.schemas import Catalog, CompetencyClaim, EvidenceKind, LearnerProfile

SKILLS = ["weld", "read blueprints", "inspect", "estimate", "supervise"]


def tiny_space() -> OccupationSpace:
    """Four occupations over five skills: welder, fitter, inspector, foreman."""
    # (occupation, skill, kind)
    links = [
        (0, 0, ESSENTIAL),
        (0, 1, ESSENTIAL),
        (0, 2, OPTIONAL),
        (1, 0, ESSENTIAL),
        (1, 1, ESSENTIAL),
        (1, 3, ESSENTIAL),
        (2, 1, ESSENTIAL),
        (2, 2, ESSENTIAL),
        (3, 1, ESSENTIAL),
        (3, 3, ESSENTIAL),
        (3, 4, ESSENTIAL),
        (3, 2, OPTIONAL),
    ]
    return build_space(
        taxonomy="esco",
        codes=["welder", "fitter", "inspector", "foreman"],
        titles=["Welder", "Fitter", "Inspector", "Foreman"],
        competency_ids=SKILLS,
        competency_labels=SKILLS,
        rows=[r for r, _, _ in links],
        cols=[c for _, c, _ in links],
        weights=[1.0 if k == ESSENTIAL else 0.5 for _, _, k in links],
        kinds=[k for _, _, k in links],
        job_zone=[2, 3, 3, 4],
        outlooks=[
            None,
            Outlook("Strong risk of Shortage", 1.0, 100, 1000, "test"),
            None,
            Outlook("Strong risk of Surplus", -1.0, 10, 1000, "test"),
        ],
        regulated=[False, False, False, True],
        licence_notes=["", "", "", "Certificate required"],
        clb_required=[5, 6, 6, 7],
        level_scale=1.0,
    )


def rated_space() -> OccupationSpace:
    """Two occupations rated 1–5 on two skills."""
    return build_space(
        taxonomy="noc",
        codes=["A", "B"],
        titles=["A", "B"],
        competency_ids=["s", "t"],
        competency_labels=["s", "t"],
        rows=[0, 0, 1],
        cols=[0, 1, 0],
        weights=[0.8, 0.4, 0.6],
        levels=[4, 2, 3],
        kinds=[RATED] * 3,
        level_scale=5.0,
    )


def profile(*claims: tuple[str, EvidenceKind], **extra: object) -> LearnerProfile:
    """A profile with the given (competency, evidence) claims."""
    return LearnerProfile.model_validate(
        {"competencies": [CompetencyClaim(id=c, evidence=e).model_dump() for c, e in claims], **extra}
    )


START = dt.date(2027, 1, 4)


def catalog(*opps: dict[str, object], rules: list[dict[str, object]] | None = None) -> Catalog:
    """A catalogue from opportunity dicts (hours, weeks and cost default to small numbers)."""
    base = {"hours": 10, "weeks": 1, "cost": 100}
    return Catalog.model_validate(
        {"opportunities": [{**base, **o} for o in opps], "stacking_rules": rules or []}
    )
