"""The HTTP fetcher only reaches allow-listed public hosts, within size and time limits."""

from __future__ import annotations

import httpx
import pytest

from bridgeway.credentials.errors import FetchRefused
from bridgeway.credentials.fetcher import HttpFetcher, is_public_address


def _public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "224.0.0.1",
    ],
)
def test_private_loopback_link_local_and_multicast_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


def test_a_host_resolving_to_a_private_address_is_refused_even_when_a_wildcard_allows_it() -> None:
    fetcher = HttpFetcher(["*"], resolve=lambda h, p: ["10.0.0.5"])
    with pytest.raises(FetchRefused, match="private or loopback"):
        fetcher.fetch_bytes("https://intranet.example.org/did.json")


def test_a_metadata_address_is_refused() -> None:
    fetcher = HttpFetcher(["*.example.org"], resolve=lambda h, p: ["169.254.169.254"])
    with pytest.raises(FetchRefused, match="private"):
        fetcher.fetch_bytes("https://meta.example.org/latest")


def test_a_host_off_the_allow_list_is_refused() -> None:
    with pytest.raises(FetchRefused, match="allow-list"):
        HttpFetcher(["issuer.example.org"], resolve=_public).fetch_bytes("https://evil.example.net/did.json")


def test_an_empty_allow_list_fetches_nothing() -> None:
    with pytest.raises(FetchRefused, match="allow-list"):
        HttpFetcher([], resolve=_public).fetch_bytes("https://issuer.example.org/did.json")


def test_plain_http_is_refused_unless_the_host_is_listed_exactly() -> None:
    with pytest.raises(FetchRefused, match="plain http"):
        HttpFetcher(["*.example.org"], resolve=_public).fetch_bytes("http://issuer.example.org/did.json")


def test_a_loopback_host_listed_exactly_is_allowed_for_tests() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    fetcher = HttpFetcher(["127.0.0.1:8123"], transport=transport)
    assert fetcher.fetch_json("http://127.0.0.1:8123/x.json") == {"ok": True}


def test_a_body_over_the_size_limit_is_refused() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"x" * 2000))
    fetcher = HttpFetcher(["issuer.example.org"], transport=transport, resolve=_public, max_bytes=1000)
    with pytest.raises(FetchRefused, match="larger than 1000"):
        fetcher.fetch_bytes("https://issuer.example.org/big.json")


def test_a_timeout_is_refused_with_its_reason() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    fetcher = HttpFetcher(["issuer.example.org"], transport=httpx.MockTransport(slow), resolve=_public)
    with pytest.raises(FetchRefused, match="in time"):
        fetcher.fetch_bytes("https://issuer.example.org/slow.json")


def test_redirects_are_not_followed() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(302, headers={"Location": "http://127.0.0.1/"})
    )
    fetcher = HttpFetcher(["issuer.example.org"], transport=transport, resolve=_public)
    with pytest.raises(FetchRefused, match="HTTP 302"):
        fetcher.fetch_bytes("https://issuer.example.org/moved")


def test_non_json_is_refused() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"<html>"))
    fetcher = HttpFetcher(["issuer.example.org"], transport=transport, resolve=_public)
    with pytest.raises(FetchRefused, match="JSON"):
        fetcher.fetch_json("https://issuer.example.org/page")
