"""Every interface string of the accounts pages and the dashboard has its French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridgeway.accounts.pages import NAV_ITEMS
from bridgeway.web.i18n import catalogue_fr

SRC = Path(__file__).resolve().parents[2] / "src" / "bridgeway"
TEMPLATES = [
    *sorted((SRC / "accounts" / "templates").rglob("*.html")),
    SRC / "web" / "templates" / "home.html",
]
LITERAL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_string_of_the_template_has_a_french_translation(template: Path) -> None:
    strings = {a or b for a, b in LITERAL.findall(template.read_text(encoding="utf-8"))}
    missing = sorted(s for s in strings if s not in catalogue_fr())
    assert not missing, f"{template.name} lacks French for: {missing}"


def test_every_dashboard_label_and_description_has_a_french_translation() -> None:
    texts = {item[k] for item in NAV_ITEMS for k in ("label", "description", "count_label") if item.get(k)}
    assert not sorted(t for t in texts if t not in catalogue_fr())


def test_every_role_has_an_english_label_and_its_french() -> None:
    from bridgeway.accounts.domain import Role

    assert all(role.label and role.label in catalogue_fr() for role in Role)
    assert Role.INSTITUTION_ADMIN.label == "institution admin"
