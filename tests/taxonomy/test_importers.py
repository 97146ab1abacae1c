"""Importers on small release folders in the official formats, with their quirks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.errors import (
    InvalidVersion,
    MalformedFile,
    ReleaseConflict,
    ReleaseFilesMissing,
    UnknownSource,
)
from bridgeway.taxonomy.models import (
    CodeLink,
    Competency,
    CompetencyRelation,
    DanglingReference,
    Occupation,
    OccupationRequirement,
    OccupationTitle,
    TaxonomyRelease,
)
from tests.taxonomy import builders


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _import(
    session: Session, source: str, path: Path, version: str | None = None
) -> taxonomy_service.ImportOutcome:
    return taxonomy_service.import_release(session, source=source, path=path, version=version)


def test_an_esco_release_is_imported_with_labels_hierarchy_and_relations(
    session: Session, tmp_path: Path
) -> None:
    outcome = _import(session, "esco", builders.esco_release(tmp_path))

    assert not outcome.already_imported
    assert outcome.release.version == "1.1.1"
    weld = taxonomy_service.get_competency(session, source="esco", code=builders.WELD)
    assert weld.preferred_label == "weld metal"
    assert weld.alt_labels == ["weld metals", "join metal by welding"]
    assert weld.kind == "skill"
    assert weld.reuse_level == "sector-specific"
    assert taxonomy_service.get_competency(session, code=builders.METALS).kind == "knowledge"
    assert taxonomy_service.get_competency(session, code=builders.ENGLISH).kind == "language"
    assert taxonomy_service.get_competency(session, code=builders.SAFETY).kind == "transversal"
    assert taxonomy_service.get_competency(session, code=builders.GROUP).kind == "skill_group"
    broader = session.scalars(select(CompetencyRelation).where(CompetencyRelation.from_id == weld.id)).one()
    assert broader.relation == "broader"
    welder = taxonomy_service.get_occupation(session, source="esco", code=builders.WELDER)
    assert welder.isco_group == "7212"
    assert welder.extra["code"] == "7212.1"
    titles = {t.title for t in taxonomy_service.occupation_titles(session, occupation_id=welder.id)}
    assert titles == {"welding technician", "welding operative"}
    grouped = taxonomy_service.occupation_requirements(session, occupation_id=welder.id)
    assert {c.code for _r, c in grouped["esco"]["essential"]} == {builders.WELD, builders.SAFETY}
    assert {c.code for _r, c in grouped["esco"]["optional"]} == {builders.METALS}


def test_a_relation_naming_a_missing_occupation_is_kept_and_reported_not_dropped(
    session: Session, tmp_path: Path
) -> None:
    outcome = _import(session, "esco", builders.esco_release(tmp_path))

    assert outcome.summary["dangling"] == {"occupationSkillRelations.csv": {"occupation": 1}}
    assert outcome.summary["counts"]["occupation_skill_relations"] == 5
    assert outcome.summary["counts"]["requirements"] == 4
    dangling = session.scalars(select(DanglingReference)).one()
    assert (dangling.file, dangling.line, dangling.missing_code) == (
        "occupationSkillRelations.csv",
        6,
        builders.GHOST,
    )
    assert dangling.row["relationType"] == "essential"
    stats = taxonomy_service.data_stats(session)["esco"][0]
    assert stats["headline"]["occupation_skill_relations"] == 5
    assert stats["headline"]["dangling_references"] == 1


def test_importing_the_same_release_twice_changes_nothing(session: Session, tmp_path: Path) -> None:
    folder = builders.esco_release(tmp_path)
    first = _import(session, "esco", folder)
    before = [_count(session, m) for m in (TaxonomyRelease, Competency, Occupation, OccupationRequirement)]

    second = _import(session, "esco", folder)

    assert second.already_imported
    assert second.release.id == first.release.id
    assert [
        _count(session, m) for m in (TaxonomyRelease, Competency, Occupation, OccupationRequirement)
    ] == before


def test_different_files_under_an_imported_version_are_refused(session: Session, tmp_path: Path) -> None:
    _import(session, "esco", builders.esco_release(tmp_path / "a"))

    with pytest.raises(ReleaseConflict, match="different files"):
        _import(session, "esco", builders.esco_release(tmp_path / "b", extra_skill=True))


def test_a_later_release_sits_beside_the_old_one_and_reads_default_to_it(
    session: Session, tmp_path: Path
) -> None:
    old = _import(session, "esco", builders.esco_release(tmp_path / "a"))
    new = _import(session, "esco", builders.esco_release(tmp_path / "b", extra_skill=True), version="1.2.0")

    assert taxonomy_service.latest_release(session, "esco").id == new.release.id  # type: ignore[union-attr]
    assert taxonomy_service.get_release(session, source="esco", version="1.1.1").id == old.release.id
    weld = taxonomy_service.get_competency(session, source="esco", code=builders.WELD)
    assert weld.release_id == new.release.id
    assert _count(session, TaxonomyRelease) == 2


@pytest.mark.parametrize(
    ("damage", "line", "problem"),
    [
        ("short_row", 4, "expected 4 fields, found 2"),
        ("truncated", 5, "truncated"),
        ("missing_column", 1, "missing column(s): relationType"),
    ],
)
def test_a_malformed_file_names_file_and_line_and_keeps_nothing(
    session: Session, tmp_path: Path, damage: str, line: int, problem: str
) -> None:
    folder = builders.esco_release(tmp_path)
    relations = folder / "occupationSkillRelations.csv"
    lines = relations.read_text().splitlines()
    if damage == "short_row":
        lines[3] = lines[3].split(",")[0] + ",essential"
    elif damage == "truncated":
        # the download stopped inside a quoted field of line 5
        lines = [*lines[:4], lines[4].split(",")[0] + ',"essen']
    else:
        lines = [line_.replace("relationType", "relation") for line_ in lines]
    relations.write_text("\n".join(lines) + "\n")

    with pytest.raises(MalformedFile) as caught, session.begin_nested():
        _import(session, "esco", folder)

    assert caught.value.file == "occupationSkillRelations.csv"
    assert caught.value.line == line
    assert problem in caught.value.message
    assert f"occupationSkillRelations.csv, line {line}" in caught.value.message
    assert _count(session, TaxonomyRelease) == 0
    assert _count(session, Competency) == 0


def test_a_folder_without_the_required_files_is_refused_naming_them(session: Session, tmp_path: Path) -> None:
    folder = builders.esco_release(tmp_path)
    (folder / "skills_en.csv").unlink()

    with pytest.raises(ReleaseFilesMissing, match=r"skills_en\.csv"):
        _import(session, "esco", folder)
    with pytest.raises(ReleaseFilesMissing, match="does not exist"):
        _import(session, "esco", tmp_path / "nowhere")
    with pytest.raises(UnknownSource):
        _import(session, "isco", folder)


def test_noc_groups_are_imported_with_levels_parents_and_teer(session: Session, tmp_path: Path) -> None:
    outcome = _import(session, "noc", builders.noc_release(tmp_path))

    assert outcome.summary["counts"]["groups"] == 5
    unit = taxonomy_service.get_occupation(session, source="noc", code="72106")
    assert (unit.level, unit.parent_code, unit.teer, unit.noc_code) == ("unit_group", "7210", "2", "72106")
    assert unit.label == "Welders and related machine operators"
    assert taxonomy_service.get_occupation(session, source="noc", code="7").level == "broad_category"


def test_oasis_profiles_get_ratings_duties_titles_and_requirements_despite_the_files_quirks(
    session: Session, tmp_path: Path
) -> None:
    outcome = _import(session, "oasis", builders.oasis_release(tmp_path))

    welders = taxonomy_service.get_occupation(session, source="oasis", code="72106.00")
    assert welders.noc_code == "72106"
    assert welders.description == "Welders operate welding equipment."
    assert welders.employment_requirements == ["Completion of secondary school is usually required."]
    ratings = {
        c.preferred_label: r.level
        for r, c in taxonomy_service.occupation_requirements(session, occupation_id=welders.id)["oasis"][
            "rated"
        ]
    }
    # "Writing  " and "Numeracy " lose their stray spaces; a 0 rating is "not relevant" and not stored.
    assert ratings == {
        "Reading Comprehension": 3.0,
        "Writing": 2.0,
        "Time Pressure": 4.0,
        "Time Pressure (scale 2)": 3.0,
    }
    writing = taxonomy_service.get_competency(session, source="oasis", code="F01b02")
    assert writing.description == "The capability to communicate in writing."
    # "72106" in main duties is the shortened "72106.00"; "99999.00" names no profile.
    duties = [d.text for d in taxonomy_service.occupation_duties(session, occupation_id=welders.id)]
    assert duties == ["Read blueprints", "Weld components"]
    assert outcome.summary["dangling"] == {"main-duties_oasis-2023_v1.0.csv": {"occupation": 1}}
    titles = {t.title for t in taxonomy_service.occupation_titles(session, occupation_id=welders.id)}
    assert titles == {"Welder", "Pipe welder"}


def test_cops_outlooks_parse_thousands_separators_missing_markers_and_french(
    session: Session, tmp_path: Path
) -> None:
    _import(session, "cops", builders.cops_release(tmp_path))

    total = taxonomy_service.outlook_for_noc(session, code="00000")
    assert total is not None
    assert total.job_seekers == 8_238_800
    assert total.future_condition is None
    assert total.future_condition_key is None
    welders = taxonomy_service.outlook_for_noc(session, code="72106.01")
    assert welders is not None
    assert (welders.job_openings, welders.employment_growth, welders.job_seekers) == (18_000, 5_000, 12_500)
    assert welders.future_condition == "Moderate risk of Shortage"
    assert welders.future_condition_key == "shortage"
    assert welders.future_condition_fr == "Risque modéré de pénurie"
    assert welders.name_fr == "Soudeurs et opérateurs de machines à souder"
    assert welders.yearly["job_openings"] == {"2023": None, "2024": 1800.0, "2025": 1900.0}
    assert welders.period == "2024-2033"


def test_onet_workbooks_give_occupations_rated_skills_tasks_and_titles(
    session: Session, tmp_path: Path
) -> None:
    pytest.importorskip("openpyxl")
    outcome = _import(session, "onet", builders.onet_release(tmp_path))

    welder = taxonomy_service.get_occupation(session, source="onet", code="51-4121.06")
    assert welder.job_zone == 2
    rated = taxonomy_service.occupation_requirements(session, occupation_id=welder.id)["onet"]["rated"]
    reading = next(r for r, c in rated if c.code == "2.A.1.a")
    assert (reading.importance, reading.level, reading.scale) == (3.0, 3.5, "onet_im_lv")
    assert {c.kind for _r, c in rated} == {"skill", "knowledge"}
    assert [d.text for d in taxonomy_service.occupation_duties(session, occupation_id=welder.id)] == [
        "Weld components in flat positions."
    ]
    assert [t.title for t in taxonomy_service.occupation_titles(session, occupation_id=welder.id)] == [
        "Arc Welder"
    ]
    assert outcome.summary["dangling"] == {"Skills.xlsx": {"occupation": 1}}


def test_crosswalks_chain_esco_to_noc_through_onet_with_both_weights(
    session: Session, tmp_path: Path
) -> None:
    _import(session, "crosswalks", builders.crosswalk_release(tmp_path))

    related = taxonomy_service.related_codes(session, source="esco", code=builders.WELDER)
    chained = {r.code: r for r in related if r.dataset == "chain_esco_onet_noc2021"}
    assert set(chained) == {"72106", "72100"}
    assert chained["72106"].weight == pytest.approx(0.75)
    steps = chained["72106"].provenance
    assert [s["dataset"] for s in steps] == ["nesta_esco_onet", "bcgov_onet_noc2021"]
    assert steps[0]["confidence"] == 1.0
    assert steps[1]["weights"]["down_weight"] == 0.6
    # Brookfield publishes "10" for NOC 00010.
    legislators = taxonomy_service.related_codes(session, source="noc", code="00010")
    assert [(r.source, r.code, r.direction) for r in legislators] == [("onet", "11-1031.00", "forward")]
    assert _count(session, CodeLink) == 2 + 2 + 1 + 2


def test_esco_alternative_labels_become_occupation_titles(session: Session, tmp_path: Path) -> None:
    _import(session, "esco", builders.esco_release(tmp_path))

    kinds = set(session.scalars(select(OccupationTitle.kind)))
    assert kinds == {"alternative"}


def test_a_code_defined_twice_is_refused_naming_file_and_line(session: Session, tmp_path: Path) -> None:
    folder = builders.noc_release(tmp_path)
    structure = folder / "noc_structure_en.csv"
    lines = structure.read_text(encoding="utf-8-sig").splitlines()
    structure.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8-sig")

    with pytest.raises(MalformedFile, match=r"noc_structure_en\.csv, line 7: duplicate code '72106'"):
        _import(session, "noc", folder)


def test_a_file_inside_a_release_folder_names_that_folder(session: Session, tmp_path: Path) -> None:
    folder = builders.cops_release(tmp_path)

    outcome = _import(session, "cops", folder / "summary_sommaire_2024_2033_noc2021.csv")

    assert outcome.release.version == "2024-2033"
    assert outcome.summary["counts"]["outlooks"] == 2


def test_a_version_longer_than_32_characters_is_refused(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InvalidVersion):
        _import(session, "cops", builders.cops_release(tmp_path), version="v" * 33)
