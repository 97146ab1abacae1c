"""Credentials issued by the product (database keys, did:web, status lists) verify in the reference implementation.

Uses the pinned Digital Bazaar harness of tests/interop (vc.mjs); skipped when node or its modules are absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.vc._contexts import CLR_V2, bundled_context_bytes
from tests.factories.credentials import institution_and_learner, issue_credential

HARNESS = Path(__file__).resolve().parent.parent / "interop"
pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(
        shutil.which("node") is None or not (HARNESS / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
        reason="node and the pinned npm modules of tests/interop are needed (make system-deps)",
    ),
]


def _reference_verify(
    document: dict[str, Any],
    did_document: dict[str, Any],
    status_lists: dict[str, dict[str, Any]],
    contexts: dict[str, Any] | None = None,
) -> Any:
    request = {
        "command": "verify",
        "credential": document,
        "didDocuments": {did_document["id"]: did_document},
        "statusLists": status_lists,
        "contexts": contexts or {},
    }
    completed = subprocess.run(
        ["node", str(HARNESS / "vc.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


def test_issued_and_revoked_credentials_verify_as_such_in_the_reference_implementation(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    kept = issue_credential(session, settings, institution=institution, learner=learner)
    gone = issue_credential(session, settings, institution=institution, learner=learner)
    credentials_service.revoke(session, settings=settings, credential_id=gone.id, reason="Fraud", actor=None)
    did_document = credentials_service.did_document(
        session, institution=institution, base_url=settings.base_url
    )

    def status_lists(credential: Any) -> dict[str, dict[str, Any]]:
        lists = {}
        for entry in credential.document["credentialStatus"]:
            slug, sequence, purpose = entry["statusListCredential"].rsplit("/", 3)[1:]
            lists[entry["statusListCredential"]] = credentials_service.status_list_credential(
                session, slug=slug, sequence=int(sequence), purpose=purpose
            )[0]
        return lists

    answer = _reference_verify(kept.document, did_document, status_lists(kept))
    assert answer["verified"], answer.get("error")
    assert answer["revoked"] is False
    answer = _reference_verify(gone.document, did_document, status_lists(gone))
    assert answer["revoked"] is True


def test_a_clr_export_verifies_in_the_reference_implementation_and_a_changed_one_does_not(
    session: Session, settings: Settings
) -> None:
    institution, learner = institution_and_learner(session)
    for _ in range(2):
        issue_credential(session, settings, institution=institution, learner=learner)
    clr = credentials_service.export_clr(session, settings=settings, user_id=learner.id)
    did_document = credentials_service.did_document(
        session, institution=institution, base_url=settings.base_url
    )
    clr_context = {CLR_V2: json.loads(bundled_context_bytes(CLR_V2))}
    answer = _reference_verify(clr, did_document, {}, clr_context)
    assert answer["verified"], answer.get("error")
    changed = {**clr, "name": "Comprehensive Learner Record of someone else"}
    assert _reference_verify(changed, did_document, {}, clr_context)["verified"] is False
