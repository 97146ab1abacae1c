"""What the learner's and the advisor's planning pages share: who the page is about, the taxonomy, the target."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from bridgeway.kit.http import DbSession
from bridgeway.planning import service
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.errors import EmptyProfile, UnknownOccupation
from bridgeway.planning.schemas import EvidenceKind, LearnerProfile, Schedule

TAXONOMIES = ("esco", "noc", "onet")
TAXONOMY_NAMES = {"esco": "ESCO", "noc": "NOC 2021 / OaSIS", "onet": "O*NET"}
STATUS_WORDS = {
    "met": "Met: your evidence is strong enough.",
    "partly": "Partly met: you have some evidence, but not enough (or not at the level required).",
    "missing": "Missing: nothing in your profile shows this yet.",
}


@dataclass(frozen=True)
class Subject:
    """Whose planning the page shows: the learner themself, or an advisor's client."""

    id: str
    name: str
    is_self: bool
    base: str

    @property
    def self(self) -> str:
        """'yes' for the learner's own pages (templates test it as a flag)."""
        return "yes" if self.is_self else ""


def data_dir(request: Request) -> Path:
    """The official data directory of this application."""
    return Path(request.app.state.settings.data_dir)


def clean_taxonomy(value: str | None) -> str:
    """esco unless one of the known taxonomies is asked for."""
    return value if value in TAXONOMIES else "esco"


def locale(request: Request) -> str:
    """The page's language (en or fr)."""
    return str(getattr(request.state, "locale", "en"))


def keep_session(request: Request, session: DbSession) -> None:
    """Page dependency: remember the request's session, so occupation spaces are read from the imported releases."""
    request.state.planning_session = session


def db(request: Request) -> Session | None:
    """The request's session (see `keep_session`); None outside the planning pages."""
    session = getattr(request.state, "planning_session", None)
    return session if isinstance(session, Session) else None


def resolve_target(request: Request, taxonomy: str, text: str | None) -> str | None:
    """The occupation code for what was typed: a code, URI or UUID, or else an exact title (any case)."""
    wanted = (text or "").strip()
    if not wanted:
        return None
    space = service.transition_index(taxonomy=taxonomy, data_dir=data_dir(request), session=db(request)).space
    try:
        return space.codes[learner_engine.resolve_occupation(space, wanted)]
    except UnknownOccupation:
        lowered = wanted.casefold()
        for code, title in zip(space.codes, space.titles, strict=True):
            if title.casefold() == lowered:
                return code
        raise


def find_target(
    request: Request, profile: LearnerProfile, taxonomy: str, target: str | None
) -> tuple[str | None, str | None, int]:
    """(code, error, status): the target's code when the profile can be analysed, else why not (404 unknown)."""
    if not target or not profile.competencies:
        return None, None, 200
    try:
        return resolve_target(request, taxonomy, target), None, 200
    except UnknownOccupation as exc:
        return None, exc.message, 404


def target_label(request: Request, taxonomy: str, code: str | None) -> str | None:
    """The occupation's title when no other occupation of the taxonomy shares it (typing it back finds it)."""
    if not code:
        return None
    space = service.transition_index(taxonomy=taxonomy, data_dir=data_dir(request), session=db(request)).space
    row = space.occupation_index(code)
    if row is None:
        return None
    title = space.titles[row]
    return title if sum(1 for t in space.titles if t.casefold() == title.casefold()) == 1 else None


def claims_by_taxonomy(profile: LearnerProfile) -> dict[str, int]:
    """How many of the profile's claims each taxonomy can read (OaSIS ids for NOC, O*NET ids, ESCO otherwise)."""
    counts = dict.fromkeys(TAXONOMIES, 0)
    for claim in profile.competencies:
        key = "noc" if claim.id.startswith("oasis:") else "onet" if claim.id.startswith("onet:") else "esco"
        counts[key] += 1
    return counts


def suggestions(
    request: Request, profile: LearnerProfile, taxonomy: str, top: int = 8
) -> list[dict[str, str]]:
    """The learner's closest occupations as (code, title) pairs, to pick a target from; none when unreadable."""
    if not profile.competencies:
        return []
    try:
        report = service.rank_transitions(
            taxonomy=taxonomy,
            profile=profile,
            top=top,
            explain=False,
            data_dir=data_dir(request),
            session=db(request),
        )
    except EmptyProfile:
        return []
    return [{"code": r.code, "title": r.title} for r in report.recommendations]


def base_context(subject: Subject, taxonomy: str, target: str | None) -> dict[str, Any]:
    """What every planning page template needs: the subject, the base path, the taxonomy and the target."""
    return {
        "subject": subject,
        "base": subject.base,
        "taxonomy": taxonomy,
        "taxonomies": TAXONOMIES,
        "taxonomy_names": TAXONOMY_NAMES,
        "target": target or "",
    }


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
