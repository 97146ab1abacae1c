"""English and French interface strings.

English strings are the message ids. French translations live in one JSON file per domain
(`bridgeway/<domain>/i18n/fr.json` and `bridgeway/web/i18n/fr/*.json`) so domains never edit a shared file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from bridgeway.kit.db import DOMAINS

LOCALES = ("en", "fr")


@lru_cache(maxsize=1)
def catalogue_fr() -> dict[str, str]:
    """Return every French translation merged from the domains' JSON files."""
    merged: dict[str, str] = {}
    root = Path(str(resources.files("bridgeway")))
    paths = sorted((root / "web" / "i18n" / "fr").glob("*.json"))
    paths += [root / d / "i18n" / "fr.json" for d in (*DOMAINS, "vc", "cli")]
    for path in paths:
        if path.is_file():
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def translate(message: str, locale: str, **values: object) -> str:
    """Translate an English interface string into the locale and fill its {placeholders}."""
    text = catalogue_fr().get(message, message) if locale == "fr" else message
    return text.format(**values) if values else text


def pick_locale(query: str | None, cookie: str | None, accept_language: str | None, default: str = "en") -> str:
    """Choose the interface language: explicit choice, then cookie, then the browser's preference."""
    for candidate in (query, cookie):
        if candidate in LOCALES:
            return candidate
    if accept_language:
        for part in accept_language.split(","):
            tag = part.split(";")[0].strip().lower()[:2]
            if tag in LOCALES:
                return tag
    return default
