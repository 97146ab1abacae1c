"""The taxonomy JSON API over a small sample: a welder in ESCO, NOC, OaSIS, O*NET and COPS, linked by crosswalks."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role, Scope
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.models import (
    CodeLink,
    Competency,
    CompetencyRelation,
    Occupation,
    OccupationDuty,
    OccupationRequirement,
    OccupationTitle,
    Outlook,
    TaxonomyRelease,
)
from bridgeway.taxonomy.routes import read
from tests.factories.accounts import bearer, create_user

ESCO = "http://data.europa.eu/esco/"
WELD = ESCO + "skill/aaaaaaaa-0000-4000-8000-000000000001"
SAFETY = ESCO + "skill/aaaaaaaa-0000-4000-8000-000000000002"
METAL_GROUP = ESCO + "skill/S6.2.1"
WELDER = ESCO + "occupation/bbbbbbbb-0000-4000-8000-000000000001"
PIPE_WELDER = ESCO + "occupation/bbbbbbbb-0000-4000-8000-000000000002"


@dataclass
class Sample:
    """The ids of the sample's main records."""

    weld: Competency
    welder_esco: Occupation
    welder_oasis: Occupation


def _release(session: Session, source: str) -> TaxonomyRelease:
    release = TaxonomyRelease(
        source=source, version=f"sample-{source}", fingerprint="0" * 64, checksums={}, summary={}
    )
    session.add(release)
    session.flush()
    return release


def add_sample_taxonomy(session: Session) -> Sample:
    """Insert the welder story into every source, as the importers would."""
    esco = _release(session, "esco")
    weld = Competency(
        release_id=esco.id,
        source="esco",
        code=WELD,
        uri=WELD,
        kind="skill",
        preferred_label="use welding equipment",
        alt_labels=["operate welding equipment", "welding"],
        skill_type="skill/competence",
        reuse_level="sector-specific",
        description="Operate welding equipment in a safe manner.",
        collections=[],
        extra={"hiddenLabels": ["weldign"]},
    )
    safety = Competency(
        release_id=esco.id,
        source="esco",
        code=SAFETY,
        uri=SAFETY,
        kind="transversal",
        preferred_label="follow health and safety procedures",
        alt_labels=["apply safety procedures"],
        skill_type="skill/competence",
        collections=["transversal"],
        extra={},
    )
    group = Competency(
        release_id=esco.id,
        source="esco",
        code=METAL_GROUP,
        uri=METAL_GROUP,
        kind="skill_group",
        preferred_label="welding and soldering metals",
        alt_labels=[],
        collections=[],
        extra={},
    )
    welder_esco = Occupation(
        release_id=esco.id,
        source="esco",
        code=WELDER,
        uri=WELDER,
        level="occupation",
        label="welder",
        description="Welders operate welding equipment to fuse metal pieces.",
        isco_group="7212",
        extra={},
    )
    pipe_welder = Occupation(
        release_id=esco.id,
        source="esco",
        code=PIPE_WELDER,
        uri=PIPE_WELDER,
        level="occupation",
        label="pipe welder",
        isco_group="7212",
        extra={},
    )
    session.add_all([weld, safety, group, welder_esco, pipe_welder])
    session.flush()
    session.add_all(
        [
            CompetencyRelation(release_id=esco.id, from_id=weld.id, to_id=group.id, relation="broader"),
            CompetencyRelation(release_id=esco.id, from_id=weld.id, to_id=safety.id, relation="essential"),
            OccupationRequirement(
                release_id=esco.id, occupation_id=welder_esco.id, competency_id=weld.id, relation="essential"
            ),
            OccupationRequirement(
                release_id=esco.id, occupation_id=welder_esco.id, competency_id=safety.id, relation="optional"
            ),
            OccupationTitle(
                release_id=esco.id,
                occupation_id=welder_esco.id,
                title="welding technician",
                kind="alternative",
                language="en",
            ),
        ]
    )

    noc = _release(session, "noc")
    session.add(
        Occupation(
            release_id=noc.id,
            source="noc",
            code="72106",
            level="unit_group",
            label="Welders and related machine operators",
            noc_code="72106",
            teer="2",
            parent_code="7210",
            extra={},
        )
    )

    oasis = _release(session, "oasis")
    operation = Competency(
        release_id=oasis.id,
        source="oasis",
        code="skills:operation-and-control",
        kind="skill",
        category="Skills",
        preferred_label="Operation and Control",
        preferred_label_fr="Opération et contrôle",
        alt_labels=[],
        collections=[],
        extra={},
    )
    welder_oasis = Occupation(
        release_id=oasis.id,
        source="oasis",
        code="72106.00",
        level="profile",
        label="Welders and related machine operators",
        label_fr="Soudeurs/soudeuses et opérateurs/opératrices de machines à souder et à braser",
        noc_code="72106",
        extra={},
    )
    session.add_all([operation, welder_oasis])
    session.flush()
    session.add_all(
        [
            OccupationRequirement(
                release_id=oasis.id,
                occupation_id=welder_oasis.id,
                competency_id=operation.id,
                relation="rated",
                level=4.0,
                scale="oasis_1_5",
            ),
            OccupationTitle(
                release_id=oasis.id,
                occupation_id=welder_oasis.id,
                title="pipeline welder",
                kind="example",
                language="en",
            ),
            OccupationTitle(
                release_id=oasis.id,
                occupation_id=welder_oasis.id,
                title="soudeuse de pipeline",
                kind="example",
                language="fr",
            ),
            OccupationDuty(
                release_id=oasis.id,
                occupation_id=welder_oasis.id,
                position=1,
                kind="main_duty",
                text="Read and interpret blueprints or welding process specifications",
            ),
        ]
    )

    onet = _release(session, "onet")
    control = Competency(
        release_id=onet.id,
        source="onet",
        code="2.B.3.a",
        kind="skill",
        category="Skills",
        preferred_label="Operation and Control",
        alt_labels=[],
        collections=[],
        extra={},
    )
    welder_onet = Occupation(
        release_id=onet.id,
        source="onet",
        code="51-4121.00",
        level="occupation",
        label="Welders, Cutters, Solderers, and Brazers",
        job_zone=2,
        extra={},
    )
    session.add_all([control, welder_onet])
    session.flush()
    session.add(
        OccupationRequirement(
            release_id=onet.id,
            occupation_id=welder_onet.id,
            competency_id=control.id,
            relation="rated",
            importance=3.6,
            level=3.9,
            scale="onet_im_lv",
        )
    )

    cops = _release(session, "cops")
    session.add(
        Outlook(
            release_id=cops.id,
            noc_code="72106",
            name="Welders and related machine operators",
            name_fr="Soudeurs/soudeuses et opérateurs/opératrices de machines à souder et à braser",
            period="2024-2033",
            employment_base=70400,
            job_openings=26800,
            job_seekers=21300,
            future_condition="Shortage",
            future_condition_fr="Pénurie",
            future_condition_key="shortage",
            yearly={},
        )
    )

    crosswalks = _release(session, "crosswalks")
    session.add_all(
        [
            CodeLink(  # Nesta names a detailed O*NET code that O*NET 29.2 folds into 51-4121.00
                release_id=crosswalks.id,
                dataset="nesta_esco_onet",
                from_source="esco",
                from_code=PIPE_WELDER,
                to_source="onet",
                to_code="51-4121.06",
                weight=1.0,
                provenance=[{"dataset": "nesta_esco_onet", "weight": 1.0}],
            ),
            CodeLink(
                release_id=crosswalks.id,
                dataset="bcgov_onet_noc2021",
                from_source="onet",
                from_code="51-4121.00",
                to_source="noc",
                to_code="72106",
                weight=0.87,
                provenance=[{"dataset": "bcgov_onet_noc2021", "weight": 0.87}],
            ),
            CodeLink(
                release_id=crosswalks.id,
                dataset="statcan_noc2016_noc2021",
                from_source="noc2016",
                from_code="7237",
                to_source="noc",
                to_code="72106",
                weight=None,
                provenance=[{"dataset": "statcan_noc2016_noc2021"}],
            ),
            CodeLink(
                release_id=crosswalks.id,
                dataset="brookfield_noc2021_onet26",
                from_source="noc",
                from_code="72106",
                to_source="onet",
                to_code="51-4121.00",
                weight=None,
                provenance=[{"dataset": "brookfield_noc2021_onet26"}],
            ),
            CodeLink(
                release_id=crosswalks.id,
                dataset="nesta_esco_onet",
                from_source="esco",
                from_code=WELDER,
                to_source="onet",
                to_code="51-4121.00",
                weight=0.93,
                provenance=[{"dataset": "nesta_esco_onet", "weight": 0.93}],
            ),
            CodeLink(
                release_id=crosswalks.id,
                dataset="chain",
                from_source="esco",
                from_code=WELDER,
                to_source="noc",
                to_code="72106",
                weight=0.81,
                provenance=[
                    {"dataset": "nesta_esco_onet", "weight": 0.93},
                    {"dataset": "bcgov_onet_noc2021", "weight": 0.87},
                ],
            ),
        ]
    )
    session.flush()
    return Sample(weld=weld, welder_esco=welder_esco, welder_oasis=welder_oasis)


@pytest.fixture
def sample(session: Session) -> Sample:
    return add_sample_taxonomy(session)


@pytest.fixture
def reader(session: Session) -> dict[str, str]:
    return bearer(session, create_user(session, Role.LEARNER), Scope.TAXONOMY_READ.value)


def test_reading_the_taxonomy_needs_a_signed_in_user_or_a_token(client: TestClient, sample: Sample) -> None:
    response = client.get("/api/v1/taxonomy/search", params={"q": "welding"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_a_token_without_the_taxonomy_read_scope_is_refused(
    client: TestClient, session: Session, sample: Sample
) -> None:
    headers = bearer(session, create_user(session, Role.LEARNER), Scope.CATALOG_READ.value)
    response = client.get(
        "/api/v1/taxonomy/competencies/esco/skill/aaaaaaaa-0000-4000-8000-000000000001", headers=headers
    )
    assert response.status_code == 403


def test_a_misspelt_search_finds_the_skill_and_says_which_label_matched(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    response = client.get(
        "/api/v1/taxonomy/search", params={"q": "weldng", "kind": "competency"}, headers=reader
    )
    assert response.status_code == 200, response.text
    top = response.json()["items"][0]
    assert (top["code"], top["matched_label"], top["match"]) == (WELD, "welding", "fuzzy")
    assert top["href"] == "/api/v1/taxonomy/competencies/esco/skill/aaaaaaaa-0000-4000-8000-000000000001"
    assert client.get(top["href"], headers=reader).status_code == 200


def test_occupations_are_found_by_example_titles_in_either_language_and_filtered_by_source(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    found = client.get("/api/v1/taxonomy/occupations", params={"q": "soudeuse"}, headers=reader).json()
    assert [
        (i["source"], i["code"], i["matched_label_kind"], i["matched_label_lang"]) for i in found["items"]
    ] == [
        ("oasis", "72106.00", "example", "fr"),  # its French example title
        ("noc", "72106", "cops_name", "fr"),  # the unit group's French name in COPS
    ]
    onet = client.get(
        "/api/v1/taxonomy/occupations", params={"q": "welders", "source": "onet"}, headers=reader
    )
    assert [i["code"] for i in onet.json()["items"]] == ["51-4121.00"]


def test_search_results_page_through_with_a_total(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    first = client.get("/api/v1/taxonomy/search", params={"q": "weld", "limit": 1}, headers=reader).json()
    second = client.get(
        "/api/v1/taxonomy/search", params={"q": "weld", "limit": 1, "offset": 1}, headers=reader
    ).json()
    assert first["total"] == second["total"] >= 3
    assert (first["limit"], second["offset"]) == (1, 1)
    assert first["items"][0]["code"] != second["items"][0]["code"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"q": "x" * 201},
        {"source": "nowhere"},
        {"kind": "thing"},
    ],
)
def test_out_of_bounds_paging_and_unknown_filters_are_refused(
    client: TestClient, sample: Sample, reader: dict[str, str], params: dict[str, object]
) -> None:
    response = client.get("/api/v1/taxonomy/search", params=params, headers=reader)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_a_competency_shows_its_names_hierarchy_and_the_occupations_requiring_it(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    body = client.get(
        "/api/v1/taxonomy/competencies/esco/skill/aaaaaaaa-0000-4000-8000-000000000001", headers=reader
    ).json()
    assert body["preferred_label"] == "use welding equipment"
    assert body["alt_labels"] == ["operate welding equipment", "welding"]
    assert body["release"] == {"source": "esco", "version": "sample-esco"}
    assert [b["label"] for b in body["broader"]] == ["welding and soldering metals"]
    assert [(r["relation"], r["competency"]["code"]) for r in body["related"]] == [("essential", SAFETY)]
    assert [(r["occupation"]["label"], r["relation"]) for r in body["required_by"]] == [
        ("welder", "essential")
    ]
    assert body["required_by_total"] == 1
    group = client.get("/api/v1/taxonomy/competencies/esco/skill/S6.2.1", headers=reader).json()
    assert [n["code"] for n in group["narrower"]] == [WELD]


def test_the_full_esco_uri_is_accepted_as_a_code(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/taxonomy/competencies/esco/{WELD}", headers=reader)
    assert response.status_code == 200
    assert response.json()["ref"] == "skill/aaaaaaaa-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/api/v1/taxonomy/competencies/esco/skill/no-such-skill", "unknown_competency"),
        ("/api/v1/taxonomy/occupations/noc/99999", "unknown_occupation"),
        ("/api/v1/taxonomy/occupations/onet/00-0000.00", "unknown_occupation"),
    ],
)
def test_an_unknown_code_answers_404_with_the_reason(
    client: TestClient, sample: Sample, reader: dict[str, str], path: str, error: str
) -> None:
    response = client.get(path, headers=reader)
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == error
    assert path.rsplit("/", 1)[1] in body["message"]


def test_an_oasis_profile_shows_ratings_duties_outlook_and_the_others_through_the_noc_crosswalks(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    body = client.get("/api/v1/taxonomy/occupations/oasis/72106.00", headers=reader).json()
    groups = {g["source"]: g for g in body["requirements"]}
    assert set(groups) == {"oasis", "onet", "esco"}
    assert groups["oasis"]["requirements"][0]["level"] == 4.0
    assert groups["onet"]["via_codes"] == ["51-4121.00"]
    assert groups["onet"]["requirements"][0]["importance"] == 3.6
    assert groups["esco"]["via_codes"] == [WELDER]  # OaSIS → NOC 72106 ← ESCO (the chained crosswalk)
    assert body["duties"][0]["text"].startswith("Read and interpret blueprints")
    assert {(t["title"], t["language"]) for t in body["titles"]} == {
        ("pipeline welder", "en"),
        ("soudeuse de pipeline", "fr"),
    }
    assert body["outlook"]["future_condition_key"] == "shortage"
    assert body["outlook"]["job_openings"] == 26800
    assert [(r["source"], r["code"], r["label"]) for r in body["related"]] == [
        ("noc", "72106", "Welders and related machine operators")
    ]


def test_an_esco_occupation_reaches_onet_noc_and_oasis_through_the_crosswalks_with_weights(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    body = client.get(
        "/api/v1/taxonomy/occupations/esco/occupation/bbbbbbbb-0000-4000-8000-000000000001", headers=reader
    ).json()
    groups = {g["source"]: g for g in body["requirements"]}
    assert [(r["competency"]["label"], r["relation"]) for r in groups["esco"]["requirements"]] == [
        ("use welding equipment", "essential"),
        ("follow health and safety procedures", "optional"),
    ]
    assert groups["onet"]["via_codes"] == ["51-4121.00"]
    assert groups["oasis"]["via_codes"] == ["72106.00"]
    related = {(r["source"], r["code"]): r for r in body["related"]}
    assert related[("noc", "72106")]["weight"] == 0.81
    assert len(related[("noc", "72106")]["provenance"]) == 2
    assert related[("onet", "51-4121.00")]["label"] == "Welders, Cutters, Solderers, and Brazers"
    assert body["outlook"]["noc_code"] == "72106"
    assert [t["title"] for t in body["titles"]] == ["welding technician"]


def test_releases_are_listed_with_their_counts(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    body = client.get("/api/v1/taxonomy/releases", params={"source": "esco"}, headers=reader).json()
    mine = next(r for r in body if r["version"] == "sample-esco")
    assert mine["headline"]["skills"] == 2
    assert mine["headline"]["occupations"] == 2


def test_the_sources_licences_and_attribution_are_public(client: TestClient, sample: Sample) -> None:
    response = client.get("/api/v1/taxonomy/meta")
    assert response.status_code == 200
    sources = {s["source"]: s for s in response.json()["sources"]}
    assert set(sources) >= {"esco", "noc", "oasis", "cops", "onet", "crosswalks"}
    assert "Open Government Licence – Canada" in sources["oasis"]["notice"]
    assert "CC BY 4.0" in sources["onet"]["notice"]
    assert (
        sources["esco"]["notice"] == "This service uses the ESCO classification of the European Commission."
    )
    assert sources["esco"]["imported_release"] == "sample-esco"


def test_the_api_documents_its_taxonomy_operations(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    search = paths["/api/v1/taxonomy/search"]["get"]
    assert "404" in search["responses"] or "401" in search["responses"]
    assert {"/api/v1/taxonomy/meta", "/api/v1/taxonomy/occupations/{source}/{ref}"} <= set(paths)


def test_a_noc_unit_group_lists_older_codes_without_looking_them_up_and_reaches_onet(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    response = client.get("/api/v1/taxonomy/occupations/noc/72106", headers=reader)
    assert response.status_code == 200, response.text
    body = response.json()
    related = {(r["source"], r["code"]): r for r in body["related"]}
    assert related[("noc2016", "7237")]["href"] is None
    assert related[("oasis", "72106.00")]["href"] == "/api/v1/taxonomy/occupations/oasis/72106.00"
    assert {g["source"] for g in body["requirements"]} == {"oasis", "onet", "esco"}
    assert body["outlook"]["noc_code"] == "72106"


def test_an_older_detailed_onet_code_is_answered_by_its_occupation_and_leads_on_to_noc_and_oasis(
    client: TestClient, sample: Sample, reader: dict[str, str]
) -> None:
    body = client.get(
        "/api/v1/taxonomy/occupations/esco/occupation/bbbbbbbb-0000-4000-8000-000000000002", headers=reader
    ).json()
    groups = {g["source"]: g["via_codes"] for g in body["requirements"]}
    assert groups == {"onet": ["51-4121.00"], "oasis": ["72106.00"]}  # ESCO → O*NET → NOC 72106 → OaSIS
    assert body["outlook"]["noc_code"] == "72106"
    onet = next(r for r in body["related"] if r["source"] == "onet")
    assert (onet["code"], onet["label"]) == ("51-4121.06", "Welders, Cutters, Solderers, and Brazers")
    assert onet["href"] == "/api/v1/taxonomy/occupations/onet/51-4121.00"


def test_the_search_index_can_be_built_in_the_background_before_the_first_search(
    session: Session, sample: Sample
) -> None:
    read.warm_search_index(lambda: nullcontext(session)).join(timeout=60)
    key = taxonomy_service.release_ids(session)
    built = read.search_index(session)
    assert read._INDEX.get(key, lambda: pytest.fail("the index was built a second time")) is built
    assert built.search("weldng", kinds=["competency"]).hits[0].document.code == WELD
