"""The taxonomy pages in English and French: browser with live search, competency, occupation, About the data."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.taxonomy import pages
from bridgeway.taxonomy.routes.read import META_NOTICE, NOTICES
from tests.factories.accounts import create_user
from tests.factories.web import sign_in
from tests.taxonomy.test_routes import Sample, add_sample_taxonomy

WELD_PAGE = "/taxonomy/competencies/esco/skill/aaaaaaaa-0000-4000-8000-000000000001"
WELDER_PAGE = "/taxonomy/occupations/esco/occupation/bbbbbbbb-0000-4000-8000-000000000001"
TAXONOMY = Path(str(resources.files("bridgeway.taxonomy")))


@pytest.fixture
def sample(session: Session) -> Sample:
    return add_sample_taxonomy(session)


@pytest.fixture
def browser(client: TestClient, session: Session) -> TestClient:
    sign_in(client, session, create_user(session, Role.LEARNER))
    return client


def test_the_taxonomy_pages_ask_visitors_to_sign_in(client: TestClient, sample: Sample) -> None:
    for path in ("/taxonomy?q=weld", WELD_PAGE):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def test_the_search_form_works_without_javascript(browser: TestClient, sample: Sample) -> None:
    page = browser.get("/taxonomy", params={"q": "weldng"})
    assert page.status_code == 200
    assert '<form method="get" action="/taxonomy" role="search"' in page.text
    assert '<label for="q">' in page.text
    assert 'id="q" name="q"' in page.text
    assert "<!doctype html>" in page.text
    assert page.text.count('data-testid="hit"') == 3
    assert f'href="{WELD_PAGE}"' in page.text
    assert "Matched: “welding”" in page.text


def test_htmx_gets_only_the_results_as_the_user_types(browser: TestClient, sample: Sample) -> None:
    partial = browser.get(
        "/taxonomy", params={"q": "soudeuse", "kind": "occupation"}, headers={"HX-Request": "true"}
    )
    assert "<!doctype html>" not in partial.text
    assert "<form" not in partial.text
    assert partial.text.count('data-testid="hit"') == 2
    assert 'href="/taxonomy/occupations/oasis/72106.00"' in partial.text
    assert 'href="/taxonomy/occupations/noc/72106"' in partial.text
    restored = browser.get(
        "/taxonomy",
        params={"q": "soudeuse"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<!doctype html>" in restored.text


def test_filters_narrow_the_results_and_an_unknown_filter_is_refused(
    browser: TestClient, sample: Sample
) -> None:
    page = browser.get("/taxonomy", params={"q": "welders", "source": "onet"})
    assert page.text.count('data-testid="hit"') == 1
    assert "51-4121.00" in page.text
    assert browser.get("/taxonomy", params={"source": "nowhere"}).status_code == 422
    everything = browser.get("/taxonomy", params={"q": "welders", "kind": "", "source": ""})  # "all" chosen
    assert everything.status_code == 200
    assert everything.text.count('data-testid="hit"') > 1


def test_the_browser_pages_through_everything_when_no_query_is_given(
    browser: TestClient, sample: Sample
) -> None:
    page = browser.get("/taxonomy")
    assert page.status_code == 200
    assert re.search(r"\d+ entries", page.text)


def test_a_competency_page_shows_its_names_hierarchy_and_occupations(
    browser: TestClient, sample: Sample
) -> None:
    page = browser.get(WELD_PAGE)
    assert page.status_code == 200
    text = page.text
    assert "use welding equipment" in text
    assert "operate welding equipment · welding" in text
    assert "welding and soldering metals" in text  # its skill group
    assert f'href="{WELDER_PAGE}"' in text  # the occupation requiring it
    assert NOTICES["esco"] in text


def test_an_unknown_competency_gives_a_not_found_page(browser: TestClient, sample: Sample) -> None:
    page = browser.get("/taxonomy/competencies/esco/skill/nothing-here")
    assert page.status_code == 404
    assert "nothing-here" in page.text


def test_an_occupation_page_groups_requirements_by_source_and_explains_the_outlook(
    browser: TestClient, sample: Sample
) -> None:
    text = browser.get(WELDER_PAGE).text
    for source in ("esco", "oasis", "onet"):
        assert f'data-testid="requirements-{source}"' in text
    assert re.search(r'<meter min="0" max="5.0" value="4.0"', text)  # the OaSIS rating as a bar
    assert "there is a risk of a labour shortage" in text
    assert "about 26,800 job openings are projected, for about 21,300 new job seekers" in text
    assert "nesta_esco_onet (0.93) → bcgov_onet_noc2021 (0.87)" in text  # the chain's provenance
    assert 'href="/taxonomy/occupations/onet/51-4121.00"' in text
    for source in ("esco", "onet", "cops", "crosswalks"):
        assert NOTICES[source] in text


def test_a_noc_unit_group_page_in_french_takes_its_name_from_cops(
    browser: TestClient, sample: Sample
) -> None:
    text = browser.get("/taxonomy/occupations/noc/72106", params={"lang": "fr"}).text
    assert '<h1 data-testid="occupation-label">Soudeurs/soudeuses et opérateurs/opératrices' in text
    assert 'Nom anglais : <span lang="en">Welders and related machine operators</span>' in text


def test_an_occupation_page_in_french_uses_the_french_names_and_outlook(
    browser: TestClient, sample: Sample
) -> None:
    text = browser.get("/taxonomy/occupations/oasis/72106.00", params={"lang": "fr"}).text
    assert '<html lang="fr"' in text
    assert '<h1 data-testid="occupation-label">Soudeurs/soudeuses et opérateurs/opératrices' in text
    assert "Perspectives au Canada" in text
    assert "il y a un risque de pénurie de main-d&#39;œuvre" in text
    assert "environ 26\u202f800 postes à pourvoir" in text
    assert "Évaluation publiée : Pénurie" in text
    assert "Opération et contrôle" in text
    assert (
        "Contient des informations autorisées en vertu de la Licence du gouvernement ouvert – Canada." in text
    )


def test_the_about_the_data_page_is_public_and_credits_every_source(
    client: TestClient, sample: Sample
) -> None:
    page = client.get("/about/data")
    assert page.status_code == 200
    for source, notice in NOTICES.items():
        assert f'data-testid="source-{source}"' in page.text
        assert notice in page.text
    assert "imported here as sample-esco" in page.text
    assert "https://open.canada.ca/en/open-government-licence-canada" in page.text


def test_the_about_the_data_page_in_french(client: TestClient, sample: Sample) -> None:
    text = client.get("/about/data", params={"lang": "fr"}).text
    assert "À propos des données" in text
    assert "Ce service utilise la classification ESCO de la Commission européenne." in text
    assert "Licence du gouvernement ouvert – Canada" in text


def test_the_dashboard_links_to_the_taxonomy_for_members_and_to_the_data_for_everyone(
    client: TestClient, session: Session
) -> None:
    assert 'href="/about/data"' in client.get("/").text
    assert 'href="/taxonomy"' not in client.get("/").text
    sign_in(client, session, create_user(session, Role.EMPLOYER))
    assert 'href="/taxonomy"' in client.get("/").text


def _interface_strings() -> set[str]:
    found: set[str] = set()
    for template in (TAXONOMY / "templates" / "taxonomy").glob("*.html"):
        found.update(re.findall(r'_\(\s*"([^"]+)"', template.read_text(encoding="utf-8")))
    for table in (pages.SOURCE_NAMES, pages.KIND_NAMES, pages.SCALE_NAMES):
        found.update(table.values())
    found.update(v for v in pages.MATCH_NAMES.values() if v)
    found.update(item[key] for item in pages.NAV_ITEMS for key in ("label", "description"))
    found.update(NOTICES.values())
    found.add(META_NOTICE)
    return found


def test_every_interface_string_of_the_taxonomy_pages_has_a_french_translation() -> None:
    french = json.loads((TAXONOMY / "i18n" / "fr.json").read_text(encoding="utf-8"))
    french.update(
        json.loads((TAXONOMY.parent / "web" / "i18n" / "fr" / "web.json").read_text(encoding="utf-8"))
    )
    missing = sorted(s for s in _interface_strings() if s not in french)
    assert not missing, missing
