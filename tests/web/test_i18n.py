"""French interface strings: each domain keeps its own wording where the same English words differ."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from bridgeway.web.i18n import domain_catalogues_fr, pick_locale, translate


def test_a_domain_template_gets_its_own_wording_of_a_shared_english_string() -> None:
    catalogues = domain_catalogues_fr()
    assert catalogues["web"]["What you can do"] == "Ce que vous pouvez faire"
    assert translate("What you can do", "fr") == "Ce que vous pouvez faire"
    assert translate("What you can do", "fr", "planning") == catalogues["planning"]["What you can do"]


def test_a_string_missing_from_the_domain_falls_back_to_any_translation() -> None:
    assert translate("Sign in", "fr", "planning") == "Se connecter"


def test_english_is_returned_unchanged_with_its_placeholders_filled() -> None:
    assert translate("{n} results", "en", n=3) == "3 results"


def test_the_explicit_choice_beats_the_cookie_and_the_browser() -> None:
    assert pick_locale("fr", "en", "en-CA,en;q=0.9") == "fr"
    assert pick_locale(None, None, "fr-CA,fr;q=0.9,en;q=0.5") == "fr"
    assert pick_locale("de", None, None) == "en"


def test_the_language_switch_keeps_the_page_and_its_query(client: TestClient) -> None:
    page = client.get("/search?q=welder&kind=skill")
    link = re.search(r'<a href="([^"]+)"[^>]*data-testid="lang-switch"', page.text)
    assert link is not None
    target = html.unescape(link.group(1))
    assert target.startswith("/search?")
    assert parse_qs(urlsplit(target).query) == {"q": ["welder"], "kind": ["skill"], "lang": ["fr"]}
    assert client.get(target).text.count('lang="fr"') >= 1
