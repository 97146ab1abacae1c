"""Resolving DIDs and status lists for verification: our own from the database, others over HTTP.

`LocalFirstFetcher` implements bridgeway.vc's Fetcher port: a URL naming one of our institutions' DID
documents or status lists is answered from the database without any HTTP request (whatever scheme the
did:web resolution produced); any other URL goes through the allow-listed HTTP fetcher.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from bridgeway.accounts import errors as accounts_errors
from bridgeway.config import Settings
from bridgeway.credentials import errors
from bridgeway.credentials.fetcher import HttpFetcher
from bridgeway.credentials.service import keys, status
from bridgeway.vc import FetchError

_DID_PATH = re.compile(r"^(?P<prefix>.*)/institutions/(?P<slug>[A-Za-z0-9-]+)/did\.json$")
_STATUS_PATH = re.compile(
    r"^(?P<prefix>.*)/credentials/status/(?P<slug>[A-Za-z0-9-]+)/(?P<seq>\d{1,9})/(?P<purpose>[a-z]+)$"
)


class LocalFirstFetcher:
    """Answer our own DID documents and status lists from the database; fetch the rest over HTTP."""

    def __init__(self, session: Session, settings: Settings, http: HttpFetcher | None = None) -> None:
        self.session = session
        self.settings = settings
        self.http = http or HttpFetcher(settings.http_fetch_allow)
        base = urlsplit(settings.base_url)
        self._netloc = base.netloc.lower()
        self._prefix = base.path.rstrip("/")
        self.local_hits = 0

    def _local(self, url: str) -> bytes | None:
        parts = urlsplit(url)
        if parts.netloc.lower() != self._netloc or parts.query or parts.scheme not in ("http", "https"):
            return None
        if (match := _DID_PATH.match(parts.path)) and match["prefix"] == self._prefix:
            try:
                document = keys.did_document_by_slug(
                    self.session, slug=match["slug"], base_url=self.settings.base_url
                )
            except accounts_errors.UnknownInstitution:
                raise FetchError(f"no institution '{match['slug']}' here") from None
            return json.dumps(document).encode()
        if (match := _STATUS_PATH.match(parts.path)) and match["prefix"] == self._prefix:
            try:
                document, _etag = status.status_list_credential(
                    self.session, slug=match["slug"], sequence=int(match["seq"]), purpose=match["purpose"]
                )
            except errors.UnknownStatusList as exc:
                raise FetchError(exc.message) from None
            return json.dumps(document).encode()
        return None

    def fetch(self, url: str) -> bytes:
        """Return the body at url (vc Fetcher port), or raise vc's FetchError."""
        local = self._local(url)
        if local is not None:
            self.local_hits += 1
            return local
        try:
            return self.http.fetch_bytes(url)
        except errors.FetchRefused as exc:
            raise FetchError(exc.message) from None
