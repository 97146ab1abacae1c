"""Readers for the Canadian files planning needs: COPS outlooks, OaSIS ratings and employment requirements."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bridgeway.planning.engine.space import Outlook, prospects_score
from bridgeway.taxonomy.domain import oasis_code

COPS_SUMMARY = "canada/cops-2024-2033/summary_sommaire_2024_2033_noc2021.csv"
OASIS_DIR = "canada/oasis-2023-v1.0"
# OaSIS rating files planning treats as competencies, with their category names in competency ids.
OASIS_RATINGS = {
    "skills": "skills_oasis_2023_v1.0.csv",
    "knowledge": "knowledges_oasis_2023_v1.0.csv",
    "abilities": "abilities_oasis_2023_v1.0.csv",
}
# A licence, registration or certificate stated as required (not "may be required").
_LICENCE = re.compile(
    r"licen[cs]|registration with|registered with|certificate of qualification|certification", re.I
)
_REQUIRED = re.compile(r"\b(is|are) (usually )?(required|compulsory|mandatory)\b", re.I)
_NOT_A_PROFESSION_LICENCE = re.compile(r"business licence|driver|class \w+ licence|to drive|firearms", re.I)
# TEER (2nd digit of a NOC 2021 code) → an O*NET-like job zone (1–5), so distances compare across taxonomies.
TEER_ZONE = {"0": 4.0, "1": 4.5, "2": 3.5, "3": 3.0, "4": 2.0, "5": 1.0}


@dataclass(frozen=True)
class CopsRecord:
    """COPS 2024–2033 summary figures for one NOC 2021 unit group."""

    code: str
    condition: str | None
    openings: float | None
    employment: float | None


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV export (UTF-8 with or without BOM), stripping stray spaces from header names."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader)]
        return [dict(zip(header, row, strict=False)) for row in reader]


def _number(raw: str | None) -> float | None:
    text = (raw or "").replace(",", "").strip()
    if text in {"", "N/A", "N/D"}:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def read_cops(data_dir: Path) -> dict[str, CopsRecord]:
    """Return COPS summary records by 5-digit NOC 2021 code (aggregate rows are skipped)."""
    out: dict[str, CopsRecord] = {}
    for row in read_csv(data_dir / COPS_SUMMARY):
        code = row["Code"].strip()
        if not (code.isdigit() and len(code) == 5) or code == "00000":
            continue
        cond = row.get("Future_Labour_Market_Conditions", "").strip()
        out[code] = CopsRecord(
            code=code,
            condition=None if cond in {"", "N/A"} else cond,
            openings=_number(row.get("Total_Job_Openings_Perspective_d'emploi")),
            employment=_number(row.get("Employment_emploi_2023")),
        )
    return out


def outlook_from_cops(
    weighted_nocs: list[tuple[str, float]], cops: dict[str, CopsRecord], via: str
) -> Outlook | None:
    """Aggregate COPS outlooks of weighted NOC codes: weighted score, the heaviest code's condition."""
    known = [(cops[c], w) for c, w in weighted_nocs if c in cops and w > 0]
    if not known:
        return None
    total = sum(w for _, w in known)
    score = sum(prospects_score(r.condition, r.openings, r.employment) * w for r, w in known) / total
    top = max(known, key=lambda rw: rw[1])[0]
    return Outlook(
        condition=top.condition,
        score=round(score, 4),
        openings=top.openings,
        employment=top.employment,
        via=f"{via}COPS 2024–2033 NOC {top.code}",
    )


def licence_requirement(sentences: Iterable[str]) -> str | None:
    """Return the first employment requirement that makes a licence or registration compulsory, or None."""
    for text in sentences:
        if _LICENCE.search(text) and _REQUIRED.search(text) and not _NOT_A_PROFESSION_LICENCE.search(text):
            return text.strip()
    return None


def read_regulation(data_dir: Path) -> dict[str, str]:
    """Return OaSIS profile code → the employment-requirement sentence that makes a licence compulsory."""
    sentences: dict[str, list[str]] = {}
    for row in read_csv(data_dir / OASIS_DIR / "employment-requirements_oasis_2023_v1.0.csv"):
        sentences.setdefault(oasis_code(row["OaSIS profile code"]), []).append(
            row.get("Employment requirement", "")
        )
    return {code: note for code, texts in sentences.items() if (note := licence_requirement(texts))}


def read_oasis_labels(data_dir: Path) -> dict[str, str]:
    """Return OaSIS profile code → its official label (the labels file)."""
    rows = read_csv(data_dir / OASIS_DIR / "labels_oasis_2023_v1.0.csv")
    return {oasis_code(r["OaSIS profile code"]): r["Label"].strip() for r in rows}


def read_oasis_ratings(data_dir: Path) -> tuple[list[str], list[str], dict[str, dict[str, float]]]:
    """Return (profile codes, profile labels, code → {competency id → rating 1–5}) over skills, knowledge, abilities."""
    codes: list[str] = []
    labels: dict[str, str] = {}
    ratings: dict[str, dict[str, float]] = {}
    for category, name in OASIS_RATINGS.items():
        for row in read_csv(data_dir / OASIS_DIR / name):
            code = oasis_code(row.pop("OaSIS Code - Final"))  # a spreadsheet wrote 31100.1 for 31100.10
            label = row.pop("OaSIS Label - Final").strip()
            if code not in labels:
                codes.append(code)
                labels[code] = label
            target = ratings.setdefault(code, {})
            for descriptor, raw in row.items():
                value = _number(raw)
                if value and value > 0:
                    target[f"oasis:{category}:{descriptor.strip()}"] = value
    return codes, [labels[c] for c in codes], ratings
