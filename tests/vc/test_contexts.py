from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest
from pyld import jsonld

from bridgeway import vc
from bridgeway.vc import _contexts

EXPECTED = {
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/credentials/status/v1",
}


def test_every_bundled_context_matches_its_pinned_sha256() -> None:
    folder = resources.files("bridgeway.vc._bundled")
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert set(manifest) == EXPECTED
    for entry in manifest.values():
        assert hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        assert "@" in entry["package"]


def test_the_loader_serves_bundled_contexts_and_refuses_any_other_url() -> None:
    assert vc.document_loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]["@protected"]
    with pytest.raises(vc.UnknownContext):
        vc.document_loader("https://www.w3.org/2018/credentials/v1")
    with pytest.raises(vc.UnknownContext):
        vc.document_loader("https://evil.example/context.json")


def test_pyld_through_the_loader_never_reaches_the_network() -> None:
    document = {"@context": ["https://evil.example/context.json"], "name": "x"}
    with pytest.raises(vc.UnknownContext):
        vc.reference_quads(document)


def test_a_registered_context_must_match_its_pinned_hash() -> None:
    data = b'{"@context": {"x": "https://example.org/x"}}'
    with pytest.raises(vc.UnknownContext):
        vc.register_context("https://example.org/ctx.json", data, "0" * 64)
    vc.register_context("https://example.org/ctx.json", data, hashlib.sha256(data).hexdigest())
    assert "https://example.org/ctx.json" in vc.bundled_context_urls()
    assert _contexts.bundled_context_bytes("https://example.org/ctx.json") == data
    assert jsonld  # pyld is the reference processor used alongside the fast path


def test_the_clr_context_is_read_from_the_installed_distribution_with_its_pinned_hash() -> None:
    (clr,) = _contexts.PACKAGED_CONTEXTS
    data = _contexts.bundled_context_bytes(clr.url)
    assert hashlib.sha256(data).hexdigest() == clr.sha256
    assert "ClrSubject" in vc.document_loader(clr.url)["document"]["@context"]
    assert _contexts.unavailable_contexts() == {}


def test_a_packaged_context_whose_bytes_differ_is_refused_with_the_reason() -> None:
    (clr,) = _contexts.PACKAGED_CONTEXTS
    altered = _contexts.PackagedContext(clr.url, clr.distribution, clr.path, "0" * 64)
    with pytest.raises(vc.UnknownContext, match="differ from the pinned SHA-256"):
        _contexts._read_packaged(altered)


def test_a_packaged_context_from_a_missing_distribution_is_refused_with_the_reason() -> None:
    (clr,) = _contexts.PACKAGED_CONTEXTS
    missing = _contexts.PackagedContext(clr.url, "no-such-distribution-bw", clr.path, clr.sha256)
    with pytest.raises(vc.UnknownContext, match="which is not installed"):
        _contexts._read_packaged(missing)
