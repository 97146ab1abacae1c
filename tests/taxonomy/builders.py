"""Small release folders in the official formats, with the official files' quirks, written by the tests.

A welder story across sources: ESCO skills and occupations (with a relation naming an occupation the release
lacks, as 67 rows of ESCO v1.1.1 do), NOC 2021 groups, OaSIS profiles (BOM, stray header spaces, shortened
codes, a second-scale work-context column), COPS projections ("8,238,800", N/A, N/D, French), O*NET workbooks
and crosswalks.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ESCO = "http://data.europa.eu/esco/"
WELD = ESCO + "skill/00000000-0000-4000-8000-000000000001"
SAFETY = ESCO + "skill/00000000-0000-4000-8000-000000000002"
ENGLISH = ESCO + "skill/00000000-0000-4000-8000-000000000003"
METALS = ESCO + "skill/00000000-0000-4000-8000-000000000004"
GROUP = ESCO + "skill/S6.2"
WELDER = ESCO + "occupation/00000000-0000-4000-8000-0000000000a1"
FITTER = ESCO + "occupation/00000000-0000-4000-8000-0000000000a2"
GHOST = ESCO + "occupation/00000000-0000-4000-8000-0000000000ff"


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = False) -> Path:
    """Write a CSV file the way the publishers do (optionally with a UTF-8 byte-order mark)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def esco_release(root: Path, *, extra_skill: bool = False) -> Path:
    """An ESCO folder: 4 skills (+1), a group, 2 occupations, 5 relations of which 1 names a missing occupation."""
    folder = root / "esco-1.1.1"
    skills = [
        [
            "KnowledgeSkillCompetence",
            WELD,
            "skill/competence",
            "sector-specific",
            "weld metal",
            "weld metals\njoin metal by welding",
            "",
            "released",
            "2016-12-20T17:43:43Z",
            "",
            "",
            ESCO + "concept-scheme/skills",
            "Join metal parts by melting them.",
        ],
        [
            "KnowledgeSkillCompetence",
            SAFETY,
            "skill/competence",
            "transversal",
            "follow safety rules",
            "",
            "",
            "released",
            "",
            "",
            "",
            "",
            "Apply health and safety rules.",
        ],
        [
            "KnowledgeSkillCompetence",
            ENGLISH,
            "skill/competence",
            "transversal",
            "read English",
            "",
            "",
            "released",
            "",
            "",
            "",
            "",
            "Read texts in English.",
        ],
        [
            "KnowledgeSkillCompetence",
            METALS,
            "knowledge",
            "cross-sector",
            "metallurgy",
            "",
            "",
            "released",
            "",
            "",
            "",
            "",
            'Properties of metals, with a "quoted" word.',
        ],
    ]
    if extra_skill:
        skills.append(
            [
                "KnowledgeSkillCompetence",
                ESCO + "skill/extra",
                "knowledge",
                "",
                "extra skill",
                "",
                "",
                "released",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    write_csv(
        folder / "skills_en.csv",
        [
            "conceptType",
            "conceptUri",
            "skillType",
            "reuseLevel",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
        ],
        skills,
    )
    write_csv(
        folder / "occupations_en.csv",
        [
            "conceptType",
            "conceptUri",
            "iscoGroup",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "regulatedProfessionNote",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
            "code",
        ],
        [
            [
                "Occupation",
                WELDER,
                "7212",
                "welder",
                "welding technician\nwelding operative",
                "",
                "released",
                "",
                "",
                "",
                "",
                "",
                "Welders join metal.",
                "7212.1",
            ],
            [
                "Occupation",
                FITTER,
                "7214",
                "metal fitter",
                "",
                "",
                "released",
                "",
                "",
                "",
                "",
                "",
                "Fitters assemble metal structures.",
                "7214.2",
            ],
        ],
    )
    write_csv(
        folder / "occupationSkillRelations.csv",
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [
            [WELDER, "essential", "skill/competence", WELD],
            [WELDER, "essential", "skill/competence", SAFETY],
            [WELDER, "optional", "knowledge", METALS],
            [FITTER, "optional", "skill/competence", WELD],
            [GHOST, "essential", "skill/competence", WELD],
        ],
    )
    write_csv(
        folder / "skillGroups_en.csv",
        [
            "conceptType",
            "conceptUri",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "inScheme",
            "description",
            "code",
        ],
        [["SkillGroup", GROUP, "working with metals", "", "", "released", "", "", "", "", "S6.2"]],
    )
    write_csv(
        folder / "broaderRelationsSkillPillar.csv",
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        [["KnowledgeSkillCompetence", WELD, "SkillGroup", GROUP]],
    )
    write_csv(
        folder / "languageSkillsCollection_en.csv",
        ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel"],
        [["KnowledgeSkillCompetence", ENGLISH, "skill/competence", "transversal", "read English"]],
    )
    return folder


def noc_release(root: Path) -> Path:
    """A NOC 2021 folder: one path from broad category to unit group 72106 (welders)."""
    folder = root / "noc-2021-structure"
    write_csv(
        folder / "noc_structure_en.csv",
        ["Level", "Hierarchical structure", "Code - NOC 2021 V1.0", "Class title", "Class definition"],
        [
            ["1", "Broad Category", "7", "Trades, transport and equipment operators", "Trades."],
            ["2", "Major Group", "72", "Technical trades", "Technical trades."],
            ["3", "Sub-major Group", "721", "Industrial trades", ""],
            ["4", "Minor Group", "7210", "Machining and metal forming trades", ""],
            ["5", "Unit Group", "72106", "Welders and related machine operators", "Welders weld metals."],
        ],
        bom=True,
    )
    return folder


def oasis_release(root: Path) -> Path:
    """An OaSIS folder with two welder profiles and the real files' header and code quirks (all with a BOM)."""
    folder = root / "oasis-2023-v1.0"
    code, final = "OaSIS profile code", ["OaSIS Code - Final", "OaSIS Label - Final"]
    files: dict[str, tuple[list[str], list[list[str]]]] = {
        "labels": ([code, "Label"], [["72106.00", "Welders"], ["72106.01", "Welding machine operators"]]),
        "lead-statement": ([code, "Lead statement"], [["72106.00", "Welders operate welding equipment."]]),
        # stray spaces in header names, as in the real file
        "skills": (
            [*final, "Reading Comprehension", "Writing  ", "Numeracy "],
            [
                ["72106.00", "Welders", "3", "2", "0"],
                ["72106.01", "Welding machine operators", "2", "1", "1"],
            ],
        ),
        # a descriptor's second scale repeats its name with a digit appended
        "workcontext": ([*final, "Time Pressure", "Time Pressure2"], [["72106.00", "Welders", "4", "3"]]),
        # the real file shortens some codes ("72106" for "72106.00")
        "main-duties": (
            [code, "Main duties"],
            [["72106", "Read blueprints"], ["72106.00", "Weld components"], ["99999.00", "Orphan duty"]],
        ),
        "example-titles": (
            [code, "Concordance number", "Job title type", "Job title text"],
            [["72106.00", "1", "Example", "Welder"], ["72106.00", "2", "Example", "Pipe welder"]],
        ),
        "employment-requirements": (
            [code, "Employment requirement"],
            [["72106.00", "Completion of secondary school is usually required."]],
        ),
        "guide": (
            ["Code", "Name", "Structure type", "Category", "Description"],
            [["F01b02", "Writing", "Descriptor", "Skills", "The capability to communicate in writing."]],
        ),
    }
    for prefix, (header, rows) in files.items():
        separator = "-" if prefix == "main-duties" else "_"  # the published name really differs
        write_csv(folder / f"{prefix}_oasis{separator}2023_v1.0.csv", header, rows, bom=True)
    return folder


def cops_release(root: Path) -> Path:
    """A COPS folder: the summary (with aggregates) and one yearly series."""
    folder = root / "cops-2024-2033"
    write_csv(
        folder / "summary_sommaire_2024_2033_noc2021.csv",
        [
            "Code",
            "Occupation_Name",
            "Nom_de_la_profession",
            "Employment_emploi_2023",
            "Employment_Growth_croissance_emploi",
            "Retirements_retraites",
            "Other_Replacement_autre_remplacement",
            "Total_Job_Openings_Perspective_d'emploi",
            "School_Leavers_Sortants_scolaires",
            "Immigration",
            "Other_Seekers_autres_chercheurs",
            "Job_Seekers_Chercheurs_emploi",
            "Recent_Labour_Market_Conditions",
            "Conditions_récentes_sur_le_marché_du_travail",
            "Future_Labour_Market_Conditions",
            "Conditions_futures_sur_le_marché_du_travail",
        ],
        [
            [
                "00000",
                "All Occupations",
                "Toutes les professions",
                "20170900",
                "2589900",
                "4307200",
                "1212000",
                "8109100",
                "5865800",
                "2552300",
                "-179200",
                "8,238,800",
                "N/A",
                "N/D",
                "N/A",
                "N/D",
            ],
            [
                "72106",
                "Welders and related machine operators",
                "Soudeurs et opérateurs de machines à souder",
                "60000",
                "5,000",
                "12000",
                "1000",
                "18000",
                "9000",
                "3000",
                "500",
                "12,500",
                "Balance",
                "À équilibre",
                "Moderate risk of Shortage",
                "Risque modéré de pénurie",
            ],
        ],
    )
    write_csv(
        folder / "jo_pe_2024_2033_noc2021.csv",
        ["Code", "Occupation Name", "Nom de la profession", "2023", "2024", "2025"],
        [
            ["00000", "All Occupations", "Toutes les professions", "N/A", "859600", "923200"],
            ["72106", "Welders", "Soudeurs", "N/A", "1,800", "1900"],
        ],
    )
    return folder


def onet_release(root: Path) -> Path:
    """An O*NET folder of small workbooks (needs openpyxl to write them)."""
    import openpyxl

    folder = root / "onet-29.2"
    folder.mkdir(parents=True, exist_ok=True)

    def workbook(name: str, header: list[str], rows: list[list[Any]]) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(folder / name)

    code = "O*NET-SOC Code"
    workbook(
        "Occupation Data.xlsx",
        [code, "Title", "Description"],
        [["51-4121.06", "Welders, Cutters, and Welder Fitters", "Use hand-welding equipment."]],
    )
    workbook(
        "Content Model Reference.xlsx",
        ["Element ID", "Element Name", "Description"],
        [
            ["2.A.1.a", "Reading Comprehension", "Understanding written sentences."],
            ["2.C.3.a", "Engineering and Technology", "Knowledge of engineering."],
        ],
    )
    rating_header = [code, "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Data Value"]
    workbook(
        "Skills.xlsx",
        rating_header,
        [
            ["51-4121.06", "Welders", "2.A.1.a", "Reading Comprehension", "IM", "Importance", 3.0],
            ["51-4121.06", "Welders", "2.A.1.a", "Reading Comprehension", "LV", "Level", 3.5],
            ["99-9999.00", "Ghost", "2.A.1.a", "Reading Comprehension", "IM", "Importance", 1.0],
        ],
    )
    workbook(
        "Knowledge.xlsx",
        rating_header,
        [
            ["51-4121.06", "Welders", "2.C.3.a", "Engineering and Technology", "IM", "Importance", 2.5],
            ["51-4121.06", "Welders", "2.C.3.a", "Engineering and Technology", "LV", "Level", 2.0],
        ],
    )
    workbook("Job Zones.xlsx", [code, "Title", "Job Zone"], [["51-4121.06", "Welders", 2.0]])
    workbook(
        "Task Statements.xlsx",
        [code, "Title", "Task ID", "Task", "Task Type"],
        [["51-4121.06", "Welders", 1.0, "Weld components in flat positions.", "Core"]],
    )
    workbook(
        "Alternate Titles.xlsx",
        [code, "Title", "Alternate Title", "Short Title", "Source(s)"],
        [["51-4121.06", "Welders", "Arc Welder", "", "08"]],
    )
    return folder


def crosswalk_release(root: Path) -> Path:
    """Crosswalks linking the welder: ESCO → O*NET (Nesta), O*NET → NOC (bcgov), NOC → O*NET (Brookfield)."""
    folder = root / "crosswalks"
    write_csv(
        folder / "brookfield_noc2021_onet26.csv",
        ["noc", "noc_title", "onet", "onet_title"],
        [
            ["72106", "Welders", "51-4121.06", "Welders, Cutters, and Welder Fitters"],
            ["10", "Legislators", "11-1031.00", "Legislators"],
        ],
    )
    write_csv(
        folder / "bcgov_onet_to_noc2021_mapping.csv",
        [
            "onet_soc_code",
            "onet_plus_title",
            "noc_2021",
            "noc_plus_title",
            "equal_weight",
            "path_weight",
            "base_weight",
            "down_weight",
        ],
        [
            ["51-4121.06", "51-4121.06: Welders", "72106", "72106: Welders", "0.5", "0.75", "0.5", "0.6"],
            ["51-4121.06", "51-4121.06: Welders", "72100", "72100: Machinists", "0.5", "0.25", "0.5", "0.4"],
        ],
    )
    write_csv(
        folder / "nesta_esco_onet_crosswalk_Nov2020.csv",
        [
            "id",
            "esco_occupation",
            "isco_code",
            "onet_code",
            "onet_occupation",
            "matching_job_titles",
            "semantic_similarity",
            "confidence",
            "concept_uri",
        ],
        [["1", "welder", "7212", "51-4121.06", "welders", "['welder']", "0.9", "1.0", WELDER]],
    )
    return folder
