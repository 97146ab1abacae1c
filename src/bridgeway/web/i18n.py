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
def domain_catalogues_fr() -> dict[str, dict[str, str]]:
    """Return each domain's French translations ("web" holds the shared interface strings)."""
    root = Path(str(resources.files("bridgeway")))
    catalogues: dict[str, dict[str, str]] = {"web": {}}
    for path in sorted((root / "web" / "i18n" / "fr").glob("*.json")):
        catalogues["web"].update(json.loads(path.read_text(encoding="utf-8")))
    for domain in (*DOMAINS, "vc", "cli"):
        path = root / domain / "i18n" / "fr.json"
        if path.is_file():
            catalogues[domain] = json.loads(path.read_text(encoding="utf-8"))
    return catalogues


@lru_cache(maxsize=1)
def catalogue_fr() -> dict[str, str]:
    """Return every French translation merged, the shared web strings taking precedence."""
    merged: dict[str, str] = {}
    catalogues = domain_catalogues_fr()
    for domain, catalogue in catalogues.items():
        if domain != "web":
            merged.update(catalogue)
    merged.update(catalogues["web"])
    return merged


def translate(message: str, locale: str, domain: str | None = None, **values: object) -> str:
    """Translate an English interface string, preferring the domain's own wording (same words can differ
    by context, e.g. "Next" page vs "Next" step), and fill its {placeholders}."""
    if locale != "fr":
        text = message
    else:
        own = domain_catalogues_fr().get(domain or "web", {})
        text = own.get(message) or catalogue_fr().get(message, message)
    return text.format(**values) if values else text


def pick_locale(
    query: str | None, cookie: str | None, accept_language: str | None, default: str = "en"
) -> str:
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
