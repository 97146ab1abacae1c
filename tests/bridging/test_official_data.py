"""Against the real NOC 2021 and OaSIS 2023 releases: what the intake says about licensing is what the data says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bridgeway.bridging.service import occupations
from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work
from bridgeway.planning.sources.canada import read_regulation
from bridgeway.taxonomy import service as taxonomy_service

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def official(shared_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A SQLite database holding the official NOC 2021 structure and OaSIS 2023, for this module."""
    import_all_models()
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('bridging') / 'official.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    for source, folder in (("noc", "canada/noc-2021-structure"), ("oasis", "canada/oasis-2023-v1.0")):
        with unit_of_work(factory) as session:
            taxonomy_service.import_release(session, source=source, path=shared_data_dir / folder)
    session = factory()
    yield session
    session.close()
    engine.dispose()


def test_registered_nurses_are_regulated_in_the_official_data_and_software_developers_are_not(
    official: Session,
) -> None:
    nurse = occupations.resolve_target(official, "31301")
    assert nurse.label == "Registered nurses and registered psychiatric nurses"
    assert nurse.teer == "1"
    assert (
        nurse.licence_note
        == "Registration with a regulatory body is required in all provinces and territories."
    )
    developer = occupations.resolve_target(official, "21232")
    assert developer.checked
    assert developer.licence_note is None


def test_every_oasis_profile_gets_the_licence_sentence_planning_reads_from_the_file(
    official: Session, shared_data_dir: Path
) -> None:
    expected = read_regulation(shared_data_dir)
    profiles = [o.code for o in taxonomy_service.iter_occupations(official, source="oasis")]
    assert len(profiles) > 800
    differ = [
        code
        for code in profiles
        if occupations.resolve_target(official, code).licence_note != expected.get(code)
    ]
    assert differ == []
    assert sum(1 for code in profiles if code in expected) > 100  # a real share of regulated profiles
