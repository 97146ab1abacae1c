"""Two requests racing with the same idempotency key: the second waits and returns the first's credential."""

from __future__ import annotations

import threading

import pytest

from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import IssuedCredential
from bridgeway.credentials.schemas import IssueRequest, Recipient
from bridgeway.kit.db import make_engine, make_session_factory, unit_of_work
from tests.conftest import PG_URL
from tests.factories.accounts import create_institution
from tests.factories.credentials import achievement

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="row locks are a PostgreSQL matter (SQLite serialises writers)"
)


def test_a_concurrent_retry_with_the_same_key_returns_the_first_credential(
    fresh_database_url: str, settings: Settings
) -> None:
    factory = make_session_factory(make_engine(fresh_database_url))
    with unit_of_work(factory) as session:
        institution_id = create_institution(session).id
    request = IssueRequest(
        achievement=achievement(ref="race"),
        recipient=Recipient(email="racer@example.org"),
        idempotency_key="retry-1",
    )
    first = factory()
    credential = credentials_service.issue(
        first, settings=settings, institution_id=institution_id, request=request, actor=None
    )
    results: list[str] = []

    def retry() -> None:
        with unit_of_work(factory) as session:
            results.append(
                credentials_service.issue(
                    session, settings=settings, institution_id=institution_id, request=request, actor=None
                ).id
            )

    thread = threading.Thread(target=retry)
    thread.start()
    thread.join(timeout=2)
    assert thread.is_alive()  # waiting on the first request's lock
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert results == [credential.id]
    with unit_of_work(factory) as session:
        assert session.query(IssuedCredential).count() == 1
