"""Occupation spaces built from the imported taxonomy tables equal those built from the official files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bridgeway.kit import cli as kit_cli
from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work
from bridgeway.planning import cli as planning_cli
from bridgeway.planning import service as planning_service
from bridgeway.planning.engine import learner as learner_engine
from bridgeway.planning.engine.space import ESSENTIAL, OccupationSpace, Outlook, prospects_score
from bridgeway.planning.errors import DataUnavailable
from bridgeway.planning.schemas import LearnerProfile
from bridgeway.planning.sources import database, files, space_for, space_from_database
from bridgeway.taxonomy import service as taxonomy_service
from tests.taxonomy import builders

OFFICIAL = (
    ("esco", "esco-1.1.1"),
    ("oasis", "canada/oasis-2023-v1.0"),
    ("cops", "canada/cops-2024-2033"),
    ("onet", "onet-29.2"),
    ("crosswalks", "crosswalks"),
)
# A few real occupations per taxonomy: brazier or welder, nurse, software developer, cook.
ORIGINS = {
    "esco": ["7212.1", "2221.1", "2512.4", "5120.1"],
    "noc": ["72106", "31301", "21232", "63200"],
    "onet": ["51-4121.00", "29-1141.00", "15-1252.00", "35-2014.00"],
}
LICENCE = "Trade certification is compulsory in Alberta."


@pytest.fixture(scope="module", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Built spaces go to a temporary cache folder, not the user's."""
    path = tmp_path_factory.mktemp("space-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIDGEWAY_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def official_url(shared_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the real ESCO, OaSIS, COPS, O*NET and crosswalk releases (imported once)."""
    import_all_models()
    url = f"sqlite:///{tmp_path_factory.mktemp('planning-db') / 'official.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    for source, folder in OFFICIAL:
        with unit_of_work(factory) as session:
            taxonomy_service.import_release(session, source=source, path=shared_data_dir / folder)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def official(official_url: str) -> Iterator[Session]:
    """A session on the database of the real releases."""
    engine = make_engine(official_url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


def _assert_same_space(db: OccupationSpace, ref: OccupationSpace) -> None:
    assert db.codes == ref.codes
    assert db.titles == ref.titles
    assert db.competency_ids == ref.competency_ids
    assert db.competency_labels == ref.competency_labels
    assert np.array_equal(db.requirement.indptr, ref.requirement.indptr)
    assert np.array_equal(db.requirement.indices, ref.requirement.indices)
    np.testing.assert_allclose(db.requirement.data, ref.requirement.data, rtol=0, atol=1e-6)
    np.testing.assert_allclose(db.level, ref.level, rtol=0, atol=1e-6)
    assert np.array_equal(db.kind, ref.kind)
    assert np.array_equal(db.job_zone, ref.job_zone, equal_nan=True)
    assert db.outlooks == ref.outlooks
    assert np.array_equal(db.prospects, ref.prospects)
    assert np.array_equal(db.regulated, ref.regulated)
    assert db.licence_notes == ref.licence_notes
    assert np.array_equal(db.clb_required, ref.clb_required)
    assert db.level_scale == ref.level_scale
    assert db.groups.keys() == ref.groups.keys()
    for name, values in ref.groups.items():
        assert np.array_equal(db.groups[name], values), name


@pytest.mark.slow
@pytest.mark.parametrize("taxonomy", ["esco", "noc", "onet"])
def test_the_database_space_equals_the_files_space(
    official: Session, shared_data_dir: Path, taxonomy: str
) -> None:
    db = space_from_database(official, taxonomy, data_dir=shared_data_dir)
    ref = files.LOADERS[taxonomy](shared_data_dir)

    _assert_same_space(db, ref)
    assert db.requirement.nnz > 10_000
    assert sum(o is not None for o in db.outlooks) > 0.8 * db.n_occupations
    assert db.regulated.any()
    assert db.sources[-1].startswith("Read from the imported releases:")


@pytest.mark.slow
@pytest.mark.parametrize("taxonomy", ["esco", "noc", "onet"])
def test_rankings_of_real_occupations_are_identical_from_the_database_and_the_files(
    official: Session, shared_data_dir: Path, taxonomy: str
) -> None:
    for code in ORIGINS[taxonomy]:
        from_db = planning_service.rank_transitions(
            taxonomy=taxonomy, from_code=code, top=25, data_dir=shared_data_dir, session=official
        )
        from_files = planning_service.rank_transitions(
            taxonomy=taxonomy, from_code=code, top=25, data_dir=shared_data_dir
        )
        assert planning_service.to_jsonable(from_db) == planning_service.to_jsonable(from_files), code
        assert len(from_db.recommendations) == 25


@pytest.mark.slow
def test_a_profile_ranks_and_its_gaps_read_the_same_from_the_database(
    official: Session, shared_data_dir: Path
) -> None:
    space = space_from_database(official, "esco", data_dir=shared_data_dir)
    nurse = learner_engine.resolve_occupation(space, "2221.1")
    cols, _, _, kinds = space.requirements_of(nurse)
    essential = [space.competency_ids[c] for c, k in zip(cols, kinds, strict=True) if k == ESSENTIAL]
    claims = [{"id": cid, "evidence": "inferred_from_work"} for cid in essential[:12]]
    profile = LearnerProfile.model_validate({"competencies": claims})

    ranked = [
        planning_service.to_jsonable(
            planning_service.rank_transitions(
                taxonomy="esco", profile=profile, top=15, data_dir=shared_data_dir, session=session
            )
        )
        for session in (official, None)
    ]
    gaps = [
        planning_service.to_jsonable(
            planning_service.gap_analysis(
                taxonomy="esco", code="2221.1", profile=profile, data_dir=shared_data_dir, session=session
            )
        )
        for session in (official, None)
    ]

    assert ranked[0] == ranked[1]
    assert gaps[0] == gaps[1]
    assert gaps[0]["crosswalked"], "the nurse practitioner reaches O*NET 29-1141.00 (Nesta)"


def test_a_database_without_the_releases_gives_a_clear_error(session: Session, tmp_path: Path) -> None:
    with pytest.raises(DataUnavailable, match="holds no esco, oasis, cops, crosswalks release") as caught:
        space_from_database(session, "esco")
    assert caught.value.detail == {"taxonomy": "esco", "missing": ["esco", "oasis", "cops", "crosswalks"]}
    assert "bridgeway data import-all" in caught.value.message

    with pytest.raises(DataUnavailable, match=r"holds no oasis, cops release .* official data") as both:
        space_for("noc", session=session, data_dir=tmp_path / "nowhere")
    assert both.value.detail == {"taxonomy": "noc", "missing": ["oasis", "cops"]}


def _import_small_releases(session: Session, root: Path) -> None:
    """The taxonomy tests' welder releases, with an OaSIS employment requirement that makes a licence compulsory."""
    oasis = builders.oasis_release(root)
    with (oasis / "employment-requirements_oasis_2023_v1.0.csv").open("a", encoding="utf-8") as fh:
        fh.write(f'72106.00,"{LICENCE}"\r\n')
    releases = {
        "esco": builders.esco_release(root),
        "oasis": oasis,
        "cops": builders.cops_release(root),
        "onet": builders.onet_release(root),
        "crosswalks": builders.crosswalk_release(root),
    }
    for source, path in releases.items():
        taxonomy_service.import_release(session, source=source, path=path)


def test_small_releases_build_spaces_with_outlooks_zones_and_licences_through_the_crosswalks(
    session: Session, tmp_path: Path
) -> None:
    _import_small_releases(session, tmp_path)

    esco = space_from_database(session, "esco", data_dir=tmp_path)
    noc = space_from_database(session, "noc", data_dir=tmp_path)
    onet = space_from_database(session, "onet", data_dir=tmp_path)

    assert esco.codes == [builders.WELDER, builders.FITTER]
    assert esco.competency_ids == [builders.WELD, builders.SAFETY, builders.ENGLISH, builders.METALS]
    assert esco.requirement.toarray().tolist() == [[1.0, 1.0, 0.0, 0.5], [0.5, 0.0, 0.0, 0.0]]
    shortage = Outlook(
        condition="Moderate risk of Shortage",
        score=round(prospects_score("Moderate risk of Shortage", 18_000, 60_000), 4),
        openings=18_000.0,
        employment=60_000.0,
        via="ESCO→O*NET 51-4121.06 (Nesta)→NOC (bcgov)→COPS 2024–2033 NOC 72106",
    )
    assert esco.outlooks == [shortage, None]
    # Without Nesta's job-zone file the welder takes its O*NET zone; the fitter its ISCO major group's median.
    assert esco.job_zone.tolist() == [2.0, 2.0]
    assert "O*NET's, through Nesta's crosswalk" in " ".join(esco.sources)
    assert esco.regulated.tolist() == [True, False]
    assert esco.licence_notes == [LICENCE, ""]
    assert esco.clb_required.tolist() == [7, 5]

    assert noc.codes == ["72106.00", "72106.01"]
    assert noc.titles == ["Welders", "Welding machine operators"]
    assert noc.competency_ids == [
        "oasis:skills:Numeracy",
        "oasis:skills:Reading Comprehension",
        "oasis:skills:Writing",
    ]
    assert noc.requirement.toarray() == pytest.approx(np.array([[0.0, 0.6, 0.4], [0.2, 0.4, 0.2]]))
    assert noc.job_zone.tolist() == [3.5, 3.5]
    assert [o.via if o else None for o in noc.outlooks] == ["NOC 2021→COPS 2024–2033 NOC 72106"] * 2
    assert noc.regulated.tolist() == [True, False]

    assert onet.codes == ["51-4121.06"]
    assert onet.competency_ids == ["onet:2.A.1.a", "onet:2.C.3.a"]
    # Importance 3 → weight 0.5 at level 3.5; Engineering's importance 2.5 is below the threshold of 3.
    assert onet.requirement.toarray().tolist() == [[0.5, 0.0]]
    assert onet.level.tolist() == [3.5]
    assert onet.job_zone.tolist() == [2.0]
    assert onet.outlooks[0] is not None
    assert onet.outlooks[0].condition == "Moderate risk of Shortage"
    assert onet.licence_notes == [LICENCE]


def test_gaps_reach_onet_through_the_imported_crosswalks(session: Session, tmp_path: Path) -> None:
    _import_small_releases(session, tmp_path)
    profile = LearnerProfile.model_validate(
        {"competencies": [{"id": builders.WELD, "evidence": "verified_credential"}]}
    )

    esco = planning_service.gap_analysis(
        taxonomy="esco", code=builders.WELDER, profile=profile, data_dir=tmp_path, session=session
    )
    noc = planning_service.gap_analysis(
        taxonomy="noc", code="72106", profile=profile, data_dir=tmp_path, session=session
    )

    assert [r.code for r in esco.crosswalked] == [r.code for r in noc.crosswalked] == ["51-4121.06"]
    assert [r.source for r in esco.crosswalked[0].requirements] == [
        "O*NET importance ≥ 3, level 3.5 of 7 via Nesta ESCO→O*NET crosswalk (51-4121.06)"
    ]
    assert [r.source for r in noc.crosswalked[0].requirements] == [
        "O*NET importance ≥ 3, level 3.5 of 7 via Brookfield NOC 2021→O*NET crosswalk (51-4121.06)"
    ]
    assert {r.competency_id: r.status for r in esco.primary.requirements}[builders.WELD] == "met"


def test_importing_a_newer_release_rebuilds_the_cached_space(session: Session, tmp_path: Path) -> None:
    _import_small_releases(session, tmp_path / "first")
    first = space_from_database(session, "esco", data_dir=tmp_path)
    assert space_from_database(session, "esco", data_dir=tmp_path) is first
    index = planning_service.transition_index(taxonomy="esco", data_dir=tmp_path, session=session)
    assert planning_service.transition_index(taxonomy="esco", data_dir=tmp_path, session=session) is index

    taxonomy_service.import_release(
        session,
        source="esco",
        path=builders.esco_release(tmp_path / "second", extra_skill=True),
        version="1.1.2",
    )
    second = space_from_database(session, "esco", data_dir=tmp_path)

    assert second is not first
    assert "extra skill" in second.competency_labels
    assert "extra skill" not in first.competency_labels
    assert "esco 1.1.2" in second.sources[-1]
    assert (
        planning_service.transition_index(taxonomy="esco", data_dir=tmp_path, session=session).space is second
    )


@pytest.mark.slow
def test_the_cli_reads_the_database_when_it_holds_the_releases_and_says_when_it_falls_back(
    official_url: str, fresh_database_url: str, shared_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = typer.Typer()
    planning_cli.register(app)
    monkeypatch.setenv("BRIDGEWAY_DATA_DIR", str(shared_data_dir))
    outputs = {}
    for name, url in (("imported", official_url), ("empty", fresh_database_url)):
        monkeypatch.setenv("BRIDGEWAY_DATABASE_URL", url)
        monkeypatch.setattr(kit_cli, "_settings", None)
        outputs[name] = CliRunner().invoke(
            app, ["transitions", "--taxonomy", "noc", "--from", "31301", "--top", "5", "--json"]
        )

    assert outputs["imported"].exit_code == outputs["empty"].exit_code == 0
    assert outputs["imported"].stderr == ""
    assert outputs["empty"].stderr.strip() == (
        "note: the database holds no oasis, cops release; reading noc from the official files "
        "(import them with `bridgeway data import-all`)"
    )
    assert json.loads(outputs["imported"].stdout) == json.loads(outputs["empty"].stdout)


def test_a_built_space_is_kept_on_disk_for_the_next_process(
    session: Session, tmp_path: Path, cache_dir: Path
) -> None:
    _import_small_releases(session, tmp_path)
    built = space_from_database(session, "noc", data_dir=tmp_path)
    database.clear_cache()  # what a new process starts with

    again = space_from_database(session, "noc", data_dir=tmp_path)

    assert again is not built
    assert again.codes == built.codes
    assert (again.requirement != built.requirement).nnz == 0
    assert again.sources == built.sources
    assert any(p.name.startswith("noc-db-") for p in (cache_dir / "planning").iterdir())
