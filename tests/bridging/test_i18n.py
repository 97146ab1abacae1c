"""Every interface string of the bridging pages, labels and notifications has its French."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bridgeway.bridging import domain, pages
from bridgeway.bridging.service.reads import ADVISOR_NEED

SRC = Path(__file__).resolve().parents[2] / "src" / "bridgeway" / "bridging"
FR = json.loads((SRC / "i18n" / "fr.json").read_text(encoding="utf-8"))
TEMPLATES = sorted((SRC / "templates").rglob("*.html"))
LITERAL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_string_of_the_template_has_a_french_translation(template: Path) -> None:
    strings = {a or b for a, b in LITERAL.findall(template.read_text(encoding="utf-8"))}
    assert not sorted(s for s in strings if s not in FR)


def test_every_label_proposal_title_and_dashboard_entry_has_a_french_translation() -> None:
    texts = {t for table in pages.LABELS.values() for t in table.values()}
    texts |= {item[k] for item in pages.NAV_ITEMS for k in ("label", "description")}
    need = dict.fromkeys(domain.SKILLS, 7)
    for has_result in (True, False):
        proposals = domain.propose(
            regulated=True,
            licence_note=None,
            gaps=domain.language_gaps(dict.fromkeys(domain.SKILLS, 5), need),
            has_language_result=has_result,
        )
        texts |= {p.title for p in proposals}
    texts |= {domain.CLB_ASSUMPTION, ADVISOR_NEED}
    assert not sorted(t for t in texts if t not in FR)


def test_the_french_keeps_every_placeholder() -> None:
    for english, french in FR.items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", french)), english
