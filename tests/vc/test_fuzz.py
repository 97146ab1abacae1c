"""Whatever is done to a signed credential, verification answers with a status and never raises."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridgeway import vc
from tests.vc.conftest import NOW, World, welding_badge
from tests.vc.test_fast_path import credentials

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_mutated_credential_never_raises_and_is_never_valid_unless_unchanged(
    world: World, data: st.DataObject
) -> None:
    signed = world.sign(welding_badge())
    mutated = copy.deepcopy(signed)
    path = data.draw(st.sampled_from(_paths(mutated)[1:]))
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    replacement = data.draw(JSON)
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    result = world.verify(mutated)
    assert isinstance(result.status, vc.VerificationStatus)
    if result.valid:
        # only a change that leaves the signed RDF dataset identical may still verify (e.g. ["x"] for "x")
        assert vc.canonical_document(
            {k: v for k, v in mutated.items() if k != "proof"}, "eddsa-rdfc-2022"
        ) == (vc.canonical_document({k: v for k, v in signed.items() if k != "proof"}, "eddsa-rdfc-2022"))
        assert mutated["proof"] == signed["proof"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_every_generated_credential_signs_and_verifies(document: dict[str, Any]) -> None:
    document.pop("proof", None)
    keys = vc.generate_ed25519_keypair()
    document["issuer"]["id"] = keys.did_key
    document.pop("credentialStatus")
    try:
        signed = vc.sign_credential(
            document, private_key=keys.private_key, verification_method=keys.did_key_verification_method
        )
    except vc.MalformedDocument:  # beyond the RDFC work limit (identical blank nodes), as in rdf-canonize
        return
    result = vc.verify_credential(signed, now=NOW)
    assert result.valid, result.message
