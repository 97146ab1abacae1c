"""Cohort batches: CSV parsing, idempotency, resuming after a crash without duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bridgeway.config import Settings
from bridgeway.credentials import errors
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import BatchJob, IssuedCredential
from bridgeway.credentials.schemas import BatchRequest, BatchRowInput
from tests.factories.accounts import create_institution
from tests.factories.credentials import achievement


class Crash(Exception):
    """Stands for the process dying between two chunks."""


def test_a_batch_interrupted_after_a_chunk_resumes_and_never_duplicates(
    session: Session, settings: Settings
) -> None:
    institution = create_institution(session)
    rows = [BatchRowInput(email=f"learner{n}@example.org") for n in range(5)]
    job = credentials_service.create_batch(
        session,
        institution_id=institution.id,
        source="api",
        actor=None,
        request=BatchRequest(idempotency_key="fall", achievement=achievement(ref="mc-batch"), rows=rows),
    )

    def crash(current: BatchJob) -> None:
        raise Crash

    with pytest.raises(Crash):
        credentials_service.run_batch(session, settings=settings, job_id=job.id, chunk_size=2, on_chunk=crash)
    assert session.query(IssuedCredential).filter_by(institution_id=institution.id).count() == 2
    done = credentials_service.run_batch(session, settings=settings, job_id=job.id, chunk_size=2)
    assert (done.state, done.issued_count, done.failed_count) == ("done", 5, 0)
    assert session.query(IssuedCredential).filter_by(institution_id=institution.id).count() == 5
    credentials_service.run_batch(session, settings=settings, job_id=job.id)
    assert session.query(IssuedCredential).filter_by(institution_id=institution.id).count() == 5


def test_an_unknown_user_id_fails_its_row_only(session: Session, settings: Settings) -> None:
    institution = create_institution(session)
    rows = [BatchRowInput(user_id="nobody"), BatchRowInput(email="ok@example.org")]
    job = credentials_service.create_batch(
        session,
        institution_id=institution.id,
        source="api",
        actor=None,
        request=BatchRequest(idempotency_key="mixed", achievement=achievement(), rows=rows),
    )
    done = credentials_service.run_batch(session, settings=settings, job_id=job.id)
    assert (done.issued_count, done.failed_count) == (1, 1)
    assert credentials_service.failed_rows(session, job_id=job.id)[0][0] == 1


def test_duplicate_row_keys_are_refused_before_anything_is_written(session: Session) -> None:
    institution = create_institution(session)
    rows = [BatchRowInput(email="a@example.org", key="x"), BatchRowInput(email="b@example.org", key="x")]
    with pytest.raises(errors.InvalidBatch, match="appears twice"):
        credentials_service.create_batch(
            session,
            institution_id=institution.id,
            source="api",
            actor=None,
            request=BatchRequest(idempotency_key="dup", achievement=achievement(), rows=rows),
        )
    assert session.query(BatchJob).filter_by(institution_id=institution.id).count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "header"),
        ("name,colour\nAda,blue\n", "unknown: colour"),
        ("email,name\nnot-an-email,Ada\n", "bad row"),
        ("email,name\n,Ada\n", "needs an email"),
        ("email\n", "no rows"),
    ],
)
def test_a_bad_csv_is_refused_with_its_reason(text: str, message: str) -> None:
    with pytest.raises(errors.InvalidBatch) as caught:
        credentials_service.parse_csv(text)
    assert message in caught.value.message + str(caught.value.detail)


def test_a_csv_with_a_byte_order_mark_and_blank_lines_is_read() -> None:
    rows = credentials_service.parse_csv("\ufeffemail,name,result\nada@example.org,Ada,Proficient\n\n,,\n")
    assert [(r.email, r.result) for r in rows] == [("ada@example.org", "Proficient")]
