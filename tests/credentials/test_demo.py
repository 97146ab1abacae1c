"""The demo seed issues real credentials for the demo learner, one revoked, and changes nothing when re-run."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bridgeway.config import Settings
from bridgeway.credentials import demo
from bridgeway.credentials import service as credentials_service
from tests.factories.credentials import institution_and_learner


def test_the_demo_seed_issues_verifiable_credentials_once_with_one_revoked(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bridgeway.credentials.demo.cli_settings", lambda: settings)
    institution, learner = institution_and_learner(session)
    first = demo.seed(session, institution=institution, users={"learner": learner})
    again = demo.seed(session, institution=institution, users={"learner": learner})
    assert again["credentials"] == first["credentials"]
    held = credentials_service.list_for_learner(session, user_id=learner.id)
    assert len(held) == len(first["credentials"]) >= 2
    assert [c.status for c in held].count("revoked") == 1
    outcomes = {
        credentials_service.verify_credential(session, settings=settings, document=c.document).outcome
        for c in held
    }
    assert outcomes == {"valid", "revoked"}
