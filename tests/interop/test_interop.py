"""Interoperability evidence against the Digital Bazaar reference implementation (Node.js, pinned versions).

Both directions: credentials issued by Bridgeway verify there (a revoked one is reported as revoked), and
credentials issued there verify in Bridgeway. Canonical N-Quads are compared byte for byte with rdf-canonize
and jsonld.js, including control characters. Skipped only when node or npm is not installed.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridgeway import vc
from bridgeway.vc._rdfc import literal, serialize_quad
from tests.vc.conftest import ISSUER_DID, NOW, STATUS_URL, welding_badge
from tests.vc.test_fast_path import credentials

HERE = Path(__file__).resolve().parent
pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(
        shutil.which("node") is None or shutil.which("npm") is None,
        reason="node and npm are needed for the interoperability suite (apt-get install nodejs npm)",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _node_modules() -> None:
    if not (HERE / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True, timeout=600
        )


def node(request: dict[str, Any]) -> Any:
    completed = subprocess.run(
        ["node", str(HERE / "vc.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


class Issuer:
    def __init__(self) -> None:
        self.keys = vc.generate_ed25519_keypair()
        self.did_document = vc.did_web_document(ISSUER_DID, [("key-1", self.keys.public_key)])
        self.status_list = vc.StatusList.new()
        self.status_list.set(7)
        self.status_credential = self.sign(
            vc.build_status_list_credential(
                url=STATUS_URL,
                issuer=ISSUER_DID,
                status_list=self.status_list,
                valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        self.fetcher = vc.InMemoryFetcher(
            {vc.did_web_url(ISSUER_DID): self.did_document, STATUS_URL: self.status_credential}
        )

    def sign(self, document: dict[str, Any], cryptosuite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
        return vc.sign_credential(
            document,
            private_key=self.keys.private_key,
            verification_method=f"{ISSUER_DID}#key-1",
            cryptosuite=cryptosuite,
        )

    def js_request(self, **extra: Any) -> dict[str, Any]:
        return {
            "didDocuments": {ISSUER_DID: self.did_document},
            "statusLists": {STATUS_URL: self.status_credential},
            **extra,
        }

    def js_issue(self, document: dict[str, Any], cryptosuite: str) -> dict[str, Any]:
        return node(
            self.js_request(
                command="issue",
                credential=document,
                cryptosuite=cryptosuite,
                controller=ISSUER_DID,
                keyId=f"{ISSUER_DID}#key-1",
                publicKeyMultibase=self.keys.public_key_multibase,
                secretKeyMultibase=vc.encode_secret_multikey(self.keys.private_key),
            )
        )

    def verify(self, document: dict[str, Any]) -> vc.VerificationResult:
        return vc.verify_credential(
            document, resolver=vc.DidResolver(self.fetcher), status_fetcher=self.fetcher, now=NOW
        )


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer()


def test_the_bundled_contexts_are_byte_identical_to_the_pinned_npm_packages() -> None:
    completed = subprocess.run(
        ["node", str(HERE / "export_contexts.mjs"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_bridgeway_credentials_verify_in_the_reference_implementation(
    issuer: Issuer, cryptosuite: str
) -> None:
    badge = welding_badge(index=3, description="Control characters: \x0b and \x0c survive.")
    answer = node(issuer.js_request(command="verify", credential=issuer.sign(badge, cryptosuite)))
    assert answer["verified"], answer["error"]
    assert answer["revoked"] is False


def test_a_bridgeway_revoked_credential_is_reported_revoked_by_the_reference_implementation(
    issuer: Issuer,
) -> None:
    signed = issuer.sign(welding_badge(index=7))
    answer = node(issuer.js_request(command="verify", credential=signed))
    assert answer["status"]["results"][0]["status"] is True
    assert answer["revoked"] is True
    assert issuer.verify(signed).status is vc.VerificationStatus.REVOKED


def test_a_tampered_bridgeway_credential_fails_in_the_reference_implementation(issuer: Issuer) -> None:
    signed = issuer.sign(welding_badge(index=3))
    signed["credentialSubject"]["result"][0]["value"] = "Expert"
    assert node(issuer.js_request(command="verify", credential=signed))["verified"] is False


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_reference_implementation_credentials_verify_in_bridgeway(issuer: Issuer, cryptosuite: str) -> None:
    badge = welding_badge(index=3, description="Issued by the reference implementation\x0b\x0c.")
    signed = issuer.js_issue(badge, cryptosuite)
    assert signed["proof"]["cryptosuite"] == cryptosuite
    result = issuer.verify(signed)
    assert result.valid, result.message
    revoked = issuer.js_issue(welding_badge(index=7), cryptosuite)
    assert issuer.verify(revoked).status is vc.VerificationStatus.REVOKED


def test_a_tampered_reference_credential_is_tampered_in_bridgeway(issuer: Issuer) -> None:
    signed = issuer.js_issue(welding_badge(index=3), "eddsa-rdfc-2022")
    signed["name"] = "Something else"
    assert issuer.verify(signed).status is vc.VerificationStatus.TAMPERED


def _random_dataset(rng: random.Random) -> list[tuple[str, str, str, str]]:
    blanks = [f"_:n{i}" for i in range(rng.randint(1, 6))]
    named = ["<http://example.org/a>", "<http://example.org/b>"]
    texts = [
        "plain",
        "tab\tx",
        "v\x0btab",
        "form\x0cfeed",
        'q"\\',
        "nul\x00",
        "del\x7f",
        "é😀",
        "\ufffd",
        "😀",
        "！",
    ]
    quads = []
    for _ in range(rng.randint(1, 10)):
        subject = rng.choice(blanks + named)
        obj = rng.choice([*blanks, *named, literal(rng.choice(texts))])
        graph = rng.choice(["", "", "_:g", named[0]])
        quads.append((subject, rng.choice(["<http://example.org/p>", "<http://example.org/q>"]), obj, graph))
    return quads


def test_rdfc_canonical_forms_equal_rdf_canonize_on_random_datasets() -> None:
    rng = random.Random(20260601)
    datasets = [_random_dataset(rng) for _ in range(400)]
    expected = node(
        {"command": "canonize", "nquads": ["".join(serialize_quad(q) for q in d) for d in datasets]}
    )
    compared = 0
    for quads, theirs in zip(datasets, expected, strict=True):
        if isinstance(theirs, dict):  # the reference refused it (work limit): so must we
            with pytest.raises(vc.MalformedDocument):
                vc.canonicalize(quads)
            continue
        # rdf-canonize sorts UTF-16 code units; RDFC-1.0 says code points: equal unless astral characters meet
        # characters in U+E000–U+FFFF, and then our utf16_order option reproduces it
        assert vc.canonicalize(quads, utf16_order=True) == theirs
        if not any(ord(c) > 0xFFFF for q in quads for c in q[2]):
            assert vc.canonicalize(quads) == theirs
        compared += 1
    assert compared > 300


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(credentials(), min_size=25, max_size=25))
def test_credential_canonical_forms_equal_jsonld_js(documents: list[dict[str, Any]]) -> None:
    expected = node({"command": "canonizeJsonLd", "documents": documents})
    for document, theirs in zip(documents, expected, strict=True):
        assert not isinstance(theirs, dict), theirs
        assert vc.canonical_document(document, "eddsa-rdfc-2022") == theirs


def test_a_credential_whose_order_differs_between_implementations_is_handled_both_ways(
    issuer: Issuer,
) -> None:
    badge = welding_badge(index=3)
    badge["credentialSubject"]["achievement"]["tag"] = ["😀", "！"]  # U+1F600 vs U+FF01
    with pytest.raises(vc.MalformedDocument, match="order differently"):
        issuer.sign(badge)
    signed = issuer.js_issue(badge, "eddsa-rdfc-2022")  # rdf-canonize signs its UTF-16 order
    assert issuer.verify(signed).valid
    signed["credentialSubject"]["achievement"]["tag"] = ["😀", "？"]
    assert issuer.verify(signed).status is vc.VerificationStatus.TAMPERED


def _clr(issuer: Issuer) -> dict[str, Any]:
    members = [issuer.sign(welding_badge(index=i)) for i in (3, 4)]
    child, parent = (m["credentialSubject"]["achievement"]["id"] for m in members)
    return vc.build_clr_credential(
        issuer=vc.Profile(id=ISSUER_DID, name="Northern Lights Polytechnic"),
        learner_id=None,
        learner_identifier=vc.IdentityObject.hashed_email("learner@example.org", salt="pepper"),
        credentials=members,
        associations=[vc.Association("isChildOf", child, parent)],
        valid_from=datetime(2026, 1, 2, tzinfo=UTC),
        name="Comprehensive Learner Record",
    )


def _clr_context() -> dict[str, Any]:
    url = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
    return {url: vc.document_loader(url)["document"]}


def test_a_bridgeway_clr_verifies_in_the_reference_implementation(issuer: Issuer) -> None:
    signed = issuer.sign(_clr(issuer))
    answer = node(issuer.js_request(command="verify", credential=signed, contexts=_clr_context()))
    assert answer["verified"], answer["error"]


def test_a_clr_signed_by_the_reference_implementation_verifies_in_bridgeway(issuer: Issuer) -> None:
    signed = node(
        issuer.js_request(
            command="issue",
            credential=_clr(issuer),
            cryptosuite="eddsa-rdfc-2022",
            controller=ISSUER_DID,
            keyId=f"{ISSUER_DID}#key-1",
            publicKeyMultibase=issuer.keys.public_key_multibase,
            secretKeyMultibase=vc.encode_secret_multikey(issuer.keys.private_key),
            contexts=_clr_context(),
        )
    )
    assert issuer.verify(signed).valid
    signed["credentialSubject"]["association"][0]["associationType"] = "isParentOf"
    assert issuer.verify(signed).status is vc.VerificationStatus.TAMPERED
