"""Cohort issuance end to end on SQLite: 10,000 credentials signed, stored, with status-list entries.

Run: `.venv/bin/python -m bench issuance` (BENCH_COHORT=N to change the cohort size).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bridgeway.accounts import service as accounts_service
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.credentials.models import IssuedCredential, StatusList
from bridgeway.credentials.schemas import (
    AchievementDefinition,
    Alignment,
    Assessment,
    BatchRequest,
    BatchRowInput,
    IssueRequest,
    Recipient,
)
from bridgeway.kit.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work

ACHIEVEMENT = AchievementDefinition(
    ref="bench-weld",
    name="Weld a single-V butt joint",
    description="Prepares, tacks and welds a single-V butt joint in carbon steel to CSA W47.1.",
    criteria="Produces a sound weld that passes a visual inspection and a bend test.",
    alignment=Alignment(
        target_name="weld metal pieces",
        target_url="http://data.europa.eu/esco/skill/bench",
        target_type="ext:ESCOSkill",
        target_framework="ESCO 1.1.1",
    ),
    assessment=Assessment(method="practical_demonstration", assessor_role="Red Seal welder"),
)


def main() -> None:
    """Issue a cohort through run_batch (committing per chunk, as the CLI does) and print the figures."""
    size = int(os.environ.get("BENCH_COHORT", "10000"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(
            environment="test",
            database_url=url,
            base_url="https://bridgeway.example.ca",
            key_encryption_key="bench-kek-that-is-long-enough-0123456789abcdef",
        )
        import_all_models()
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            institution = accounts_service.create_institution(session, slug="bench", name="Bench Polytechnic")
            institution_id = institution.id
            credentials_service.ensure_issuer_key(
                session, institution_id=institution_id, kek=settings.key_encryption_key
            )
        singles = []
        with unit_of_work(factory) as session:
            for n in range(50):
                started = time.perf_counter()
                credentials_service.issue(
                    session,
                    settings=settings,
                    institution_id=institution_id,
                    actor=None,
                    request=IssueRequest(
                        achievement=ACHIEVEMENT,
                        recipient=Recipient(email=f"single{n}@example.org"),
                        idempotency_key=f"single-{n}",
                    ),
                )
                singles.append(time.perf_counter() - started)
        rows = [BatchRowInput(email=f"learner{n}@example.org", key=str(n)) for n in range(size)]
        started, cpu_started = time.perf_counter(), time.process_time()
        with unit_of_work(factory) as session:
            job = credentials_service.create_batch(
                session,
                institution_id=institution_id,
                source="api",
                actor=None,
                request=BatchRequest(idempotency_key="bench-cohort", achievement=ACHIEVEMENT, rows=rows),
            )
            job_id = job.id
        with unit_of_work(factory) as session:
            credentials_service.run_batch(
                session,
                settings=settings,
                job_id=job_id,
                chunk_size=500,
                on_chunk=lambda _job: session.commit(),
            )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        with unit_of_work(factory) as session:
            issued = session.query(IssuedCredential).count() - len(singles)
            lists = session.query(StatusList).count()
        rerun_started = time.perf_counter()
        with unit_of_work(factory) as session:
            credentials_service.run_batch(session, settings=settings, job_id=job_id)
        rerun = time.perf_counter() - rerun_started
        engine.dispose()
    singles.sort()
    print(
        f"single issue (50 runs): median {statistics.median(singles) * 1000:.1f} ms, "
        f"p95 {singles[int(len(singles) * 0.95) - 1] * 1000:.1f} ms"
    )
    print(
        f"cohort of {size}: {issued} issued in {elapsed:.1f} s wall, {cpu:.1f} s CPU "
        f"({issued / elapsed:.0f} credentials/s wall), {lists} status list(s) of 131,072 entries"
    )
    projected = elapsed * 10000 / size
    print(
        f"projected for 10,000: {projected:.1f} s wall against the 30 s target (ratio {projected / 30:.2f}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s)"
    )
    print(f"re-running the finished batch: {rerun * 1000:.0f} ms, nothing issued twice")
