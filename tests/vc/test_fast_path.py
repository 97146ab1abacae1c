"""The fast JSON-LD→RDF path gives byte-identical canonical N-Quads to pyld (with N-Quads escaping fixed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridgeway import vc

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
CONTROL_TEXT = st.one_of(
    TEXT, st.sampled_from(["tab\x0bvertical", "form\x0cfeed", "nul\x00", 'quote"\\', "é😀\x7f"])
)
URL = st.sampled_from(
    [
        "https://college.example/a",
        "http://data.europa.eu/esco/skill/x",
        "urn:uuid:1234",
        "did:web:college.example",
        "https://example.org/path?q=1#frag",
    ]
)


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    alignments = draw(
        st.lists(
            st.builds(
                vc.Alignment,
                target_name=CONTROL_TEXT,
                target_url=URL,
                target_type=st.one_of(st.none(), st.just("ext:ESCOSkill"), st.just("CFItem")),
                target_code=st.one_of(st.none(), TEXT),
                target_framework=st.one_of(st.none(), TEXT),
            ),
            max_size=3,
        )
    )
    levels = draw(st.lists(TEXT, max_size=4, unique=True))
    description = vc.ResultDescription(
        id="urn:uuid:rd", name=draw(TEXT), result_type="RubricCriterionLevel", allowed_value=levels
    )
    achievement = vc.Achievement(
        id=draw(URL),
        name=draw(CONTROL_TEXT),
        description=draw(CONTROL_TEXT),
        criteria_narrative=draw(CONTROL_TEXT),
        alignment=alignments,
        result_description=[description],
        related=[vc.Related(id=u) for u in draw(st.lists(URL, max_size=2, unique=True))],
        tag=draw(st.lists(TEXT, max_size=2)),
    )
    if draw(st.booleans()):
        subject = vc.AchievementSubject(
            achievement=achievement, id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        )
    else:
        subject = vc.AchievementSubject(
            achievement=achievement,
            identifier=vc.IdentityObject.hashed_email("a@example.ca", salt=draw(TEXT)),
            result=[vc.Result(result_description="urn:uuid:rd", value=draw(TEXT))],
        )
    document = vc.build_open_badge_credential(
        issuer=vc.Profile(id="did:web:college.example", name=draw(CONTROL_TEXT)),
        subject=subject,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=draw(st.one_of(st.none(), st.just(datetime(2030, 1, 1, tzinfo=UTC)))),
        evidence=[vc.Evidence(narrative=n) for n in draw(st.lists(CONTROL_TEXT, max_size=2))],
        credential_status=vc.status_entry(
            list_credential_url="https://college.example/s/1", index=draw(st.integers(0, 131071))
        ),
        id=draw(st.one_of(st.none(), URL)),
    )
    if draw(st.booleans()):
        document["proof"] = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "proofPurpose": "assertionMethod",
            "verificationMethod": "did:web:college.example#key-1",
            "proofValue": "z5x",
        }
    return document


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_fast_and_reference_paths_give_identical_canonical_nquads(document: dict[str, Any]) -> None:
    fast = vc.to_quads(document)
    reference = vc.reference_quads(document)
    try:
        expected = vc.canonicalize(reference)
    except (
        vc.MalformedDocument
    ):  # beyond the work limit (rdf-canonize refuses these too): so must the fast path
        with pytest.raises(vc.MalformedDocument):
            vc.canonicalize(fast)
        return
    assert vc.canonicalize(fast) == expected


def test_a_vertical_tab_and_a_form_feed_are_escaped_in_the_canonical_form() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "name": "a\x0bb\x0cc",
        "issuer": "did:web:college.example",
        "credentialSubject": {"id": "did:web:learner.example"},
    }
    canonical = vc.canonical_document(document, "eddsa-rdfc-2022")
    assert '"a\\u000Bb\\fc"' in canonical
    assert "\x0b" not in canonical
    assert "\x0c" not in canonical


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(nickname="Ace"), "nickname"),
        (lambda d: d["credentialSubject"].update(favouriteColour="blue"), "favouriteColour"),
        (lambda d: d["type"].append("SuperCredential"), "SuperCredential"),
        (lambda d: d["credentialSubject"]["achievement"]["criteria"].update(score=3), "score"),
    ],
)
def test_issuance_refuses_a_term_that_a_json_ld_processor_would_drop(change: Any, reason: str) -> None:
    from tests.vc.conftest import welding_badge

    document = welding_badge()
    change(document)
    keys = vc.generate_ed25519_keypair()
    with pytest.raises(vc.UndefinedTerm, match=reason):
        vc.sign_credential(
            document, private_key=keys.private_key, verification_method=keys.did_key_verification_method
        )
    with pytest.raises(vc.UndefinedTerm):
        vc.reference_quads(document)


def test_a_presentation_with_embedded_credentials_takes_the_fast_path_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bridgeway.vc import _jsonld
    from tests.vc.conftest import welding_badge

    keys = vc.generate_ed25519_keypair()
    signed = []
    for index in (1, 2):
        badge = welding_badge(index=index)
        badge["issuer"]["id"] = keys.did_key
        signed.append(
            vc.sign_credential(
                badge, private_key=keys.private_key, verification_method=keys.did_key_verification_method
            )
        )
    presentation = vc.build_presentation(signed, holder=keys.did_key)
    expected = vc.canonicalize(vc.reference_quads(presentation))

    def no_fallback(document: Any) -> Any:
        raise AssertionError("the fast path fell back to pyld")

    monkeypatch.setattr(_jsonld, "reference_quads", no_fallback)
    assert vc.canonicalize(vc.to_quads(presentation)) == expected
