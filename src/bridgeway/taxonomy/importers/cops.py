"""COPS 2024–2033 (Canadian Occupational Projection System, ESDC), by NOC 2021.

`summary_sommaire_…` gives one row per NOC code (unit groups and aggregates such as `00000` and `TEER_0`) with
the ten-year totals and the recent and future labour-market conditions, in English and French. The yearly
files (`jo_pe_…`, `employment_emploi_…`, …) add a series per year. Numbers may carry thousands separators
("8,238,800") and N/A or N/D markers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bridgeway.taxonomy.domain import condition_key
from bridgeway.taxonomy.errors import ReleaseFilesMissing
from bridgeway.taxonomy.importers._base import (
    ImportContext,
    read_csv,
    refuse_duplicate,
    text,
    to_float,
    to_int,
    version_from_folder,
)
from bridgeway.taxonomy.models import Outlook

SOURCE = "cops"
TITLE = "COPS 2024–2033"
DOWNLOAD = "https://open.canada.ca/data/en/dataset/e80851b8-de68-43bd-a85c-c72e1b3a3890 (COPS 2024-2033, CSV)"
SUMMARY_PREFIX = "summary_sommaire_"
# summary column -> Outlook attribute
TOTALS = {
    "Employment_emploi_2023": "employment_base",
    "Employment_Growth_croissance_emploi": "employment_growth",
    "Retirements_retraites": "retirements",
    "Other_Replacement_autre_remplacement": "other_replacement",
    "Total_Job_Openings_Perspective_d'emploi": "job_openings",
    "School_Leavers_Sortants_scolaires": "school_leavers",
    "Immigration": "immigration",
    "Other_Seekers_autres_chercheurs": "other_seekers",
    "Job_Seekers_Chercheurs_emploi": "job_seekers",
}
# yearly file prefix -> measure name in Outlook.yearly
YEARLY = {
    "jo_pe_": "job_openings",
    "employment_emploi_": "employment",
    "employment_growth_croissance_emploi_": "employment_growth",
    "job_seekers_chercheurs_emploi_": "job_seekers",
    "retirements_retraites_": "retirements",
    "retirement_rates_taux_de_retraite_": "retirement_rate",
    "other_replacement_autre_remplacement_": "other_replacement",
    "school_leavers_sortants_scolaires_": "school_leavers",
    "immigration_": "immigration",
    "other_seekers_autres_chercheurs_": "other_seekers",
}


def _summary(folder: Path) -> Path | None:
    found = sorted(folder.glob(f"{SUMMARY_PREFIX}*.csv"))
    return found[0] if found else None


def _yearly_files(folder: Path) -> dict[str, Path]:
    files = {}
    for path in sorted(folder.glob("*.csv")):
        # the longest matching prefix wins ("employment_growth_…" before "employment_…")
        prefixes = [p for p in YEARLY if path.name.startswith(p)]
        if prefixes:
            files[YEARLY[max(prefixes, key=len)]] = path
    return files


def release_files(folder: Path) -> list[Path]:
    """Return the files this importer reads (the summary file is required)."""
    if not folder.is_dir():
        raise ReleaseFilesMissing(f"{folder} is not a folder")
    summary = _summary(folder)
    if summary is None:
        raise ReleaseFilesMissing(
            f"{folder} lacks {SUMMARY_PREFIX}<period>_noc2021.csv", detail={"missing": ["summary"]}
        )
    return [summary, *_yearly_files(folder).values()]


def default_version(folder: Path) -> str:
    """COPS folders are named like 'cops-2024-2033'."""
    return version_from_folder(folder, "unknown")


def run(ctx: ImportContext, folder: Path) -> None:
    """Import one COPS release folder into the release of `ctx`."""
    path = _summary(folder)
    assert path is not None  # release_files checked it
    period = path.stem.removeprefix(SUMMARY_PREFIX).split("_noc")[0].replace("_", "-")
    outlooks: dict[str, dict[str, Any]] = {}
    required = ("Code", "Occupation_Name", "Nom_de_la_profession", *TOTALS)
    for line, row in read_csv(path, required, ctx.progress):
        code = row["Code"].strip()
        refuse_duplicate(outlooks, code, path, line)
        outlook: dict[str, Any] = {
            "noc_code": code,
            "name": row["Occupation_Name"].strip(),
            "name_fr": text(row["Nom_de_la_profession"]),
            "period": period,
            "recent_condition": text(row.get("Recent_Labour_Market_Conditions")),
            "recent_condition_fr": text(row.get("Conditions_récentes_sur_le_marché_du_travail")),
            "future_condition": text(row.get("Future_Labour_Market_Conditions")),
            "future_condition_fr": text(row.get("Conditions_futures_sur_le_marché_du_travail")),
            "yearly": {},
        }
        outlook["future_condition_key"] = condition_key(outlook["future_condition"])
        for column, attribute in TOTALS.items():
            outlook[attribute] = to_int(row[column], path, line, column)
        outlooks[code] = outlook
    for measure, yearly_path in _yearly_files(folder).items():
        for line, row in read_csv(yearly_path, ("Code",), ctx.progress):
            code = row["Code"].strip()
            if code not in outlooks:
                ctx.record_dangling(yearly_path, line, "occupation", code, row)
                continue
            series = {
                year: to_float(value, yearly_path, line, year)
                for year, value in row.items()
                if year.isdigit()
            }
            outlooks[code]["yearly"][measure] = series
    ctx.insert(Outlook, list(outlooks.values()), count_as="outlooks")
    ctx.counts["unit_groups"] = sum(
        1 for code in outlooks if code.isdigit() and len(code) == 5 and code != "00000"
    )
    ctx.flush_dangling()
