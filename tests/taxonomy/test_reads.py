"""The read API other domains call: releases, lookups, crosswalks, the planning matrix, attribution."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.sparse import coo_matrix
from sqlalchemy.orm import Session

from bridgeway.taxonomy import domain
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.errors import UnknownCompetency, UnknownOccupation, UnknownRelease
from tests.taxonomy import builders


def _import(session: Session, source: str, path: Path) -> None:
    taxonomy_service.import_release(session, source=source, path=path)


def test_the_requirement_matrix_weights_essential_optional_and_ratings(
    session: Session, tmp_path: Path
) -> None:
    _import(session, "esco", builders.esco_release(tmp_path))
    _import(session, "oasis", builders.oasis_release(tmp_path))

    esco = taxonomy_service.requirement_matrix(session, source="esco", optional_weight=0.25)
    matrix = coo_matrix((esco.weights, (esco.rows, esco.cols)), shape=esco.shape).tocsr()
    welder = esco.occupation_codes.index(builders.WELDER)
    assert matrix[welder, esco.competency_codes.index(builders.WELD)] == 1.0
    assert matrix[welder, esco.competency_codes.index(builders.METALS)] == 0.25
    assert esco.shape == (2, 3)
    oasis = taxonomy_service.requirement_matrix(session, source="oasis")
    ratings = coo_matrix((oasis.weights, (oasis.rows, oasis.cols)), shape=oasis.shape).tocsr()
    row = oasis.occupation_codes.index("72106.00")
    assert ratings[row, oasis.competency_codes.index("F01b02")] == pytest.approx(2 / 5)


def test_unknown_codes_and_sources_without_a_release_raise_named_errors(
    session: Session, tmp_path: Path
) -> None:
    _import(session, "esco", builders.esco_release(tmp_path))

    with pytest.raises(UnknownCompetency):
        taxonomy_service.get_competency(session, source="esco", code="http://nowhere")
    with pytest.raises(UnknownOccupation):
        taxonomy_service.get_occupation(session, source="esco", code="http://nowhere")
    with pytest.raises(UnknownRelease):
        taxonomy_service.get_occupation(session, source="onet", code="51-4121.06")
    assert taxonomy_service.outlook_for_noc(session, code="72106") is None


def test_oasis_profiles_and_noc_unit_groups_are_related_through_their_codes(
    session: Session, tmp_path: Path
) -> None:
    _import(session, "oasis", builders.oasis_release(tmp_path))

    from_noc = taxonomy_service.related_codes(session, source="noc", code="72106")
    assert sorted(r.code for r in from_noc if r.source == "oasis") == ["72106.00", "72106.01"]
    from_oasis = taxonomy_service.related_codes(session, source="oasis", code="72106.01")
    assert [(r.source, r.code) for r in from_oasis] == [("noc", "72106")]


def test_competencies_stream_for_search_indexes(session: Session, tmp_path: Path) -> None:
    _import(session, "esco", builders.esco_release(tmp_path))

    labels = [c.preferred_label for c in taxonomy_service.iter_competencies(session, source="esco")]

    assert sorted(labels) == [
        "follow safety rules",
        "metallurgy",
        "read English",
        "weld metal",
        "working with metals",
    ]


def test_every_source_names_its_release_licence_and_attribution() -> None:
    sources = taxonomy_service.data_sources()

    assert [s.source for s in sources] == list(taxonomy_service.SOURCES)
    assert all(s.licence and s.attribution and s.release for s in sources)
    assert "CC BY 4.0" in next(s for s in sources if s.source == "onet").licence


def test_a_fingerprint_does_not_depend_on_the_order_files_were_read() -> None:
    assert domain.fingerprint({"a.csv": "1", "b.csv": "2"}) == domain.fingerprint(
        {"b.csv": "2", "a.csv": "1"}
    )
    assert domain.fingerprint({"a.csv": "1"}) != domain.fingerprint({"a.csv": "2"})


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("10", "00010"), ("72106", "72106"), ("TEER_0", "TEER_0")],
)
def test_noc_codes_published_without_leading_zeros_are_normalised(raw: str, normalised: str) -> None:
    assert domain.noc_code(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("10010", "10010.00"), ("10010.1", "10010.10"), ("00010.00", "00010.00"), ("10.01", "00010.01")],
)
def test_shortened_oasis_codes_are_restored(raw: str, normalised: str) -> None:
    assert domain.oasis_code(raw) == normalised


@pytest.mark.parametrize(
    ("published", "key"),
    [
        ("Moderate risk of Shortage", "shortage"),
        ("Strong risk of Surplus", "surplus"),
        ("Balance", "balance"),
        (None, None),
        ("Something else", None),
    ],
)
def test_cops_conditions_reduce_to_three_keys(published: str | None, key: str | None) -> None:
    assert domain.condition_key(published) == key


def test_rated_requirements_scale_to_between_zero_and_one() -> None:
    assert domain.requirement_weight("essential", None, None, None, optional_weight=0.5) == 1.0
    assert domain.requirement_weight("optional", None, None, None, optional_weight=0.3) == 0.3
    assert domain.requirement_weight("rated", 4.0, 3.5, "onet_im_lv", optional_weight=0.5) == pytest.approx(
        0.5
    )
    assert domain.requirement_weight("rated", None, 5.0, "oasis_1_5", optional_weight=0.5) == 1.0
    assert domain.requirement_weight("rated", None, None, "oasis_1_5", optional_weight=0.5) == 0.0
