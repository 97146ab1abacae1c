"""An HTTP fetcher for other issuers' did:web documents and status lists, safe to point at the internet.

Rules: only hosts on the allow-list (settings.http_fetch_allow) are fetched; an entry is a host name, a
`host:port`, a `*.domain` suffix or `*` for any public host. HTTPS only, except for hosts listed exactly.
Addresses that are private, loopback, link-local, multicast or reserved are refused unless the host is
listed exactly (tests do this for 127.0.0.1). No redirects are followed; bodies are limited in size
and time. DNS is checked before connecting; a host that re-resolves between the check and the connection
(DNS rebinding) is the residual risk, which the allow-list keeps to hosts the operator trusts.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from bridgeway.credentials.errors import FetchRefused

Resolver = Callable[[str, int], list[str]]


def _system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"the host '{host}' cannot be resolved: {exc.strerror}") from None
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """Return True when the IP address is globally routable (not private, loopback, link-local, ...)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class HttpFetcher:
    """Fetch small JSON documents from allow-listed hosts, refusing private addresses."""

    def __init__(
        self,
        allow: list[str],
        *,
        timeout_seconds: float = 5.0,
        max_bytes: int = 512 * 1024,
        transport: httpx.BaseTransport | None = None,
        resolve: Resolver = _system_resolve,
    ) -> None:
        self.allow = [a.strip().lower() for a in allow if a.strip()]
        self.timeout = httpx.Timeout(timeout_seconds)
        self.max_bytes = max_bytes
        self.transport = transport
        self.resolve = resolve

    def _listing(self, host: str, port: int | None) -> str | None:
        """Return 'exact' when the host is listed by name, 'pattern' when a wildcard admits it, else None."""
        names = {host, f"{host}:{port}"} if port else {host}
        if names & set(self.allow):
            return "exact"
        for entry in self.allow:
            if entry == "*" or (entry.startswith("*.") and host.endswith(entry[1:])):
                return "pattern"
        return None

    def check_url(self, url: str) -> None:
        """Raise FetchRefused unless the fetcher would fetch this URL."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("https", "http") or not host:
            raise FetchRefused(f"only http(s) URLs with a host can be fetched, not '{url[:200]}'")
        try:
            port = parts.port
        except ValueError:
            raise FetchRefused(f"the URL '{url[:200]}' has an invalid port") from None
        listing = self._listing(host, port)
        if listing is None:
            raise FetchRefused(f"the host '{host}' is not on the fetch allow-list")
        if parts.scheme == "http" and listing != "exact":
            raise FetchRefused(f"plain http is refused for '{host}'; use https")
        if listing == "exact":
            return
        addresses = self.resolve(host, port or (443 if parts.scheme == "https" else 80))
        if not addresses:
            raise FetchRefused(f"the host '{host}' has no address")
        private = [a for a in addresses if not is_public_address(a)]
        if private:
            raise FetchRefused(f"the host '{host}' resolves to a private or loopback address ({private[0]})")

    def fetch_bytes(self, url: str) -> bytes:
        """Fetch a URL's body within the size and time limits, or raise FetchRefused."""
        self.check_url(url)
        headers = {"Accept": "application/did+json, application/vc+ld+json, application/json"}
        try:
            with httpx.Client(
                timeout=self.timeout, follow_redirects=False, transport=self.transport
            ) as client:
                with client.stream("GET", url, headers=headers) as response:
                    if response.status_code != 200:
                        raise FetchRefused(f"{url[:200]} answered HTTP {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                        raise FetchRefused(f"{url[:200]} is larger than {self.max_bytes} bytes")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > self.max_bytes:
                            raise FetchRefused(f"{url[:200]} is larger than {self.max_bytes} bytes")
        except httpx.TimeoutException:
            raise FetchRefused(f"{url[:200]} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise FetchRefused(f"{url[:200]} could not be fetched: {type(exc).__name__}") from None
        return bytes(body)

    def fetch_json(self, url: str) -> Any:
        """Fetch a URL and parse its JSON body."""
        body = self.fetch_bytes(url)
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise FetchRefused(f"{url[:200]} did not return JSON") from None
