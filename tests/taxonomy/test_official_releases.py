"""The real official releases from BRIDGEWAY_DATA_DIR, imported once per run into their own database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work
from bridgeway.taxonomy import service as taxonomy_service

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def official_session(shared_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A SQLite database holding ESCO, NOC, COPS and the crosswalks, shared by this module's tests."""
    import_all_models()
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('official') / 'official.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    releases = (
        ("esco", "esco-1.1.1"),
        ("noc", "canada/noc-2021-structure"),
        ("cops", "canada/cops-2024-2033"),
        ("crosswalks", "crosswalks"),
    )
    for source, folder in releases:
        with unit_of_work(factory) as session:
            taxonomy_service.import_release(session, source=source, path=shared_data_dir / folder)
    session = factory()
    yield session
    session.close()
    engine.dispose()


def test_esco_1_1_1_has_the_official_counts_and_its_67_dangling_relation_rows(
    official_session: Session,
) -> None:
    esco = taxonomy_service.data_stats(official_session)["esco"][0]

    assert esco["version"] == "1.1.1"
    assert esco["headline"]["skills"] == 13_896
    assert esco["headline"]["occupations"] == 3_007
    assert esco["headline"]["occupation_skill_relations"] == 123_855
    assert esco["dangling"]["occupationSkillRelations.csv"] == {"occupation": 67}
    # 64,946 essential and 58,909 optional rows are published; the 67 dangling rows are kept aside.
    assert esco["headline"]["essential"] + esco["headline"]["optional"] == 123_855 - 67


def test_an_esco_occupation_reaches_noc_2021_through_onet(official_session: Session) -> None:
    related = taxonomy_service.related_codes(
        official_session,
        source="esco",
        code="http://data.europa.eu/esco/occupation/0ee67d5e-8de9-48f0-97c5-ba23d486b1e9",
    )

    chained = [r for r in related if r.dataset == "chain_esco_onet_noc2021"]
    assert chained
    assert all(r.source == "noc" and len(r.code) == 5 for r in chained)
    assert sum(r.weight or 0 for r in chained) == pytest.approx(1.0)


def test_the_same_official_release_twice_is_already_imported(
    official_session: Session, shared_data_dir: Path
) -> None:
    outcome = taxonomy_service.import_release(
        official_session, source="esco", path=shared_data_dir / "esco-1.1.1"
    )

    assert outcome.already_imported
    official_session.rollback()


def test_noc_2021_has_its_516_unit_groups_and_cops_an_outlook_for_each(official_session: Session) -> None:
    stats = taxonomy_service.data_stats(official_session)
    noc = stats["noc"][0]["counts"]["occupations"]

    assert noc["unit_group"] == 516
    assert sum(noc.values()) == 822
    assert stats["cops"][0]["headline"]["outlooks"] == 533
    software = taxonomy_service.outlook_for_noc(official_session, code="21232")
    assert software is not None
    assert software.future_condition_key in {"balance", "shortage", "surplus"}
    assert software.name_fr
    everyone = taxonomy_service.outlook_for_noc(official_session, code="00000")
    assert everyone is not None
    assert everyone.job_seekers == 8_238_800
