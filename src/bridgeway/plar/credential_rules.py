"""Pure rules for verifiable credentials in a portfolio: which outcomes are accepted, what counts, what they align to.

No database, no web framework: the service (plar/service/credentials.py) verifies through the credentials domain
and applies these rules.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from typing import Any

# vc VerificationStatus values
REFUSED_ON_UPLOAD: frozenset[str] = frozenset(
    {"malformed", "tampered", "unknown_issuer", "expired", "not_yet_valid"}
)
# accepted but recorded as they are: a status can change later (suspension lifted, list reachable again)
RECORDED_ON_UPLOAD: frozenset[str] = frozenset({"valid", "revoked", "suspended", "status_unavailable"})
# the only outcome that counts as a verified credential for planning and assessors
COUNTS: frozenset[str] = frozenset({"valid"})

ESCO_PREFIX = "http://data.europa.eu/esco/"
_NAMESPACED = re.compile(r"^(oasis|onet|noc|esco):", re.I)
_WORD = {name: re.compile(rf"(^|[^a-z*]){name}") for name in ("oasis", "noc", "esco")}
_ONET = re.compile(r"o\*?net", re.I)


def _text(value: Any, limit: int = 500) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def subjects(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the credential's subjects that are objects."""
    return [s for s in _as_list(document.get("credentialSubject")) if isinstance(s, dict)]


def competency_id(
    *, url: str | None, code: str | None, type_: str | None, framework: str | None
) -> tuple[str | None, str]:
    """Return (the competency id planning and cases use, its taxonomy) for one alignment.

    ESCO: the concept URI (http, as ESCO publishes it). OaSIS / O*NET / NOC: `oasis:<code>`, `onet:<code>`,
    `noc:<code>` (a code already in that form is kept). Anything else (an institution's own competency,
    an `ext:` type): the alignment's URL, taxonomy "other".
    """
    if url and url.lower().startswith(("http://data.europa.eu/esco/", "https://data.europa.eu/esco/")):
        return ESCO_PREFIX + url.split("/esco/", 1)[1], "esco"
    if code and _NAMESPACED.match(code):
        prefix, rest = code.split(":", 1)
        return f"{prefix.lower()}:{rest}", prefix.lower()
    hint = f"{type_ or ''} {framework or ''}".lower()
    for taxonomy in ("oasis", "noc"):
        if _WORD[taxonomy].search(hint):
            return (f"{taxonomy}:{code}" if code else url), taxonomy
    if _ONET.search(hint):
        return (f"onet:{code}" if code else url), "onet"
    if _WORD["esco"].search(hint) and code and not url:
        return code, "esco"
    return url or code, "other"


def alignments(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every alignment of the credential's achievements, each with its competency id and taxonomy."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str | None, str]] = set()
    for subject in subjects(document):
        for achievement in _as_list(subject.get("achievement")):
            if not isinstance(achievement, dict):
                continue
            for item in _as_list(achievement.get("alignment")):
                if not isinstance(item, dict):
                    continue
                url, code = _text(item.get("targetUrl"), 1000), _text(item.get("targetCode"), 200)
                type_, framework = _text(item.get("targetType"), 100), _text(item.get("targetFramework"), 200)
                cid, taxonomy = competency_id(url=url, code=code, type_=type_, framework=framework)
                name = _text(item.get("targetName")) or code or url or "?"
                if (cid, name) in seen:
                    continue
                seen.add((cid, name))
                out.append(
                    {
                        "name": name,
                        "url": url,
                        "code": code,
                        "framework": framework,
                        "type": type_,
                        "competency_id": cid,
                        "taxonomy": taxonomy,
                    }
                )
    return out[:200]


def achievement(document: dict[str, Any]) -> tuple[str, str]:
    """Return (name, description) of what the credential attests: its achievement, else its own name."""
    for subject in subjects(document):
        for item in _as_list(subject.get("achievement")):
            if isinstance(item, dict) and _text(item.get("name")):
                return str(_text(item.get("name"))), _text(item.get("description"), 4000) or ""
    name = _text(document.get("name")) or _text(document.get("description")) or "Verifiable credential"
    return name, _text(document.get("description"), 4000) or ""


def issuer(document: dict[str, Any]) -> tuple[str, str | None]:
    """Return (issuer id, issuer name) of a credential."""
    value = document.get("issuer")
    if isinstance(value, dict):
        return _text(value.get("id")) or "?", _text(value.get("name"))
    return _text(value) or "?", None


def parse_time(value: Any) -> datetime | None:
    """Parse an XML Schema dateTime (as VC 2.0 uses) into an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def recipient_matches(document: dict[str, Any], *, email: str | None, did: str | None) -> bool | None:
    """Whether the credential names this person: True (their DID or e-mail), False (someone else), None (nobody).

    OB 3.0 identifiers are matched as the spec hashes them: `sha256$` + hex(sha256(e-mail + salt)).
    """
    named = False
    for subject in subjects(document):
        sid = subject.get("id")
        if isinstance(sid, str):
            named = True
            if did and sid == did:
                return True
        for ident in _as_list(subject.get("identifier")):
            if not isinstance(ident, dict) or not isinstance(ident.get("identityHash"), str):
                continue
            if ident.get("identityType", "emailAddress") != "emailAddress":
                named = True
                continue
            named = True
            if email and _identity_matches(ident, email):
                return True
    return False if named else None


def _identity_matches(ident: dict[str, Any], email: str) -> bool:
    value = str(ident["identityHash"])
    normal = email.strip().lower()
    if not ident.get("hashed"):
        return value.strip().lower() == normal
    algorithm, _, digest = value.partition("$")
    if algorithm.lower() not in ("sha256", "md5"):
        return False
    salt = ident.get("salt") if isinstance(ident.get("salt"), str) else ""
    hashed = hashlib.new(algorithm.lower(), (normal + str(salt)).encode("utf-8")).hexdigest()
    return hashed == digest.lower()


def counts(outcome: str, recipient: bool | None) -> bool:
    """Whether a checked credential counts as verified evidence: valid now and naming this learner."""
    return outcome in COUNTS and recipient is True


def awarded_on(valid_from: datetime | None, fallback: datetime | None) -> date | None:
    """The date a credential was awarded: its validFrom, else when it entered the portfolio."""
    moment = valid_from or fallback
    return moment.date() if moment else None
