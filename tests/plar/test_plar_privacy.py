"""The learner's PLAR records in their data export and account deletion; evidence files removed only when unused."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.accounts.models import AuditEvent, User
from bridgeway.config import Settings
from bridgeway.credentials import service as credentials_service
from bridgeway.kit import hooks
from bridgeway.plar.domain import CaseState
from bridgeway.plar.models import (
    CaseCompetency,
    EvidenceDocument,
    PortfolioCredential,
    RecognitionCase,
    SelfAssessment,
    WorkExperience,
)
from bridgeway.plar.service import evidence, portfolio, privacy
from tests.factories.accounts import PASSWORD, bearer, create_institution, create_user, principal_of
from tests.factories.credentials import issue_credential
from tests.plar.test_portfolio_credentials import foreign_credential

P = "/api/v1/plar"
URI = "http://data.europa.eu/esco/skill/test-weld"


@pytest.fixture(autouse=True)
def _environment_points_at_the_test_storage(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Account hooks get only a session: they find evidence where the environment's settings say (as in production)."""
    monkeypatch.setenv("BRIDGEWAY_VAR_DIR", str(settings.var_dir))


def _path(settings: Settings, doc: EvidenceDocument) -> Path:
    return settings.evidence_dir / doc.sha256[:2] / doc.sha256


def _upload(client: TestClient, headers: dict[str, str], name: str, content: bytes) -> str:
    r = client.post(f"{P}/portfolio/evidence", headers=headers, files={"file": (name, content, "text/plain")})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _case(
    session: Session,
    learner: User,
    institution_id: str,
    state: CaseState,
    *,
    evidence_id: str | None = None,
    result: str | None = None,
    fee: int | None = None,
) -> RecognitionCase:
    case = RecognitionCase(
        institution_id=institution_id,
        learner_user_id=learner.id,
        target_kind="program",
        target_ref="WLD-DIP",
        target_label="Welding diploma",
        courses=[],
        state=state.value,
        fee_cents=fee,
        pre_assessment=[{"competency_uri": URI, "sentence": "I welded frames at Acier Nord."}],
        competencies=[
            CaseCompetency(
                position=0,
                competency_uri=URI,
                label="weld metal pieces",
                evidence_ids=[evidence_id] if evidence_id else [],
                rules={},
                result=result,
                reasons="Strong portfolio of structural welds." if result else "",
            )
        ],
    )
    session.add(case)
    session.flush()
    return case


def _count(session: Session, model: Any, learner: User) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.learner_user_id == learner.id))
        or 0
    )


def test_plar_registers_its_exporter_and_eraser() -> None:
    assert hooks.exporters()["plar"] is privacy.export_learner
    assert hooks.erasers()["plar"] is privacy.erase_learner


def test_the_export_holds_the_portfolio_evidence_bytes_credentials_self_assessment_and_cases(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    h = bearer(session, learner)
    client.post(
        f"{P}/portfolio/work",
        headers=h,
        json={
            "employer": "Acier Nord",
            "title": "Welder",
            "start_on": "2015-01-01",
            "duties": "Welded frames",
        },
    )
    client.put(
        f"{P}/portfolio/self-assessment",
        headers=h,
        json={"competency_uri": URI, "label": "weld metal pieces", "rating": 3},
    )
    doc_id = _upload(client, h, "cv.txt", "Soudé des cadres d'acier".encode())
    badge = foreign_credential(learner)
    assert client.post(f"{P}/portfolio/credentials", headers=h, json=badge).status_code == 201
    _case(session, learner, institution.id, CaseState.OUTCOME, evidence_id=doc_id, result="recognised")
    session.commit()

    r = client.get("/api/v1/me/export", headers=h)
    assert r.status_code == 200, r.text
    plar = r.json()["plar"]
    assert plar["work"][0]["employer"] == "Acier Nord"
    assert plar["self_assessment"][0]["rating"] == 3
    documents = {d["id"]: d for d in plar["evidence"]}
    assert base64.b64decode(documents[doc_id]["content_base64"]).decode() == "Soudé des cadres d'acier"
    assert len(documents) == 2  # the document and the credential's own file
    assert plar["credentials"][0]["document"] == badge
    assert plar["credentials"][0]["outcome"] == "valid"
    assert plar["cases"][0]["target_label"] == "Welding diploma"
    assert plar["cases"][0]["competencies"][0]["result"] == "recognised"


def test_a_file_missing_from_storage_is_said_so_in_the_export(
    client: TestClient, session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    doc_id = _upload(client, h, "notes.txt", b"Read blueprints daily.")
    doc = session.get(EvidenceDocument, doc_id)
    assert doc is not None
    _path(settings, doc).unlink()
    exported = privacy.export_learner(session, learner.id)
    assert exported["evidence"][0]["content"].startswith("missing")
    assert "content_base64" not in exported["evidence"][0]


def test_deleting_the_account_removes_the_portfolio_and_its_unshared_files_and_keeps_the_institutions_records(
    client: TestClient, session: Session, settings: Settings
) -> None:
    institution = create_institution(session)
    learner = create_user(session, Role.LEARNER, institution=institution)
    neighbour = create_user(session, Role.LEARNER, institution=institution)
    h = bearer(session, learner)
    client.post(
        f"{P}/portfolio/work",
        headers=h,
        json={"employer": "Acier Nord", "title": "Welder", "start_on": "2015-01-01"},
    )
    own_id = _upload(client, h, "cv.txt", b"My own CV: welded frames for ten years.")
    shared_id = _upload(client, h, "code.txt", b"CSA W47.1 summary everyone downloads.")
    _upload(client, bearer(session, neighbour), "same.txt", b"CSA W47.1 summary everyone downloads.")
    assert (
        client.post(f"{P}/portfolio/credentials", headers=h, json=foreign_credential(learner)).status_code
        == 201
    )
    issued = issue_credential(session, settings, institution=institution, learner=learner)
    request_only = _case(session, learner, institution.id, CaseState.SELF_ASSESSMENT)
    decided = _case(
        session, learner, institution.id, CaseState.OUTCOME, evidence_id=own_id, result="recognised"
    )
    paid = _case(session, learner, institution.id, CaseState.ASSESSMENT, evidence_id=own_id, fee=25000)
    request_only_id, decided_id, paid_id = request_only.id, decided.id, paid.id
    own_doc, shared_doc = session.get(EvidenceDocument, own_id), session.get(EvidenceDocument, shared_id)
    assert own_doc is not None
    assert shared_doc is not None
    own_path, shared_path = _path(settings, own_doc), _path(settings, shared_doc)
    credential_files = [
        _path(settings, d)
        for d in session.scalars(
            select(EvidenceDocument).where(EvidenceDocument.media_type == "application/vc")
        )
    ]
    session.commit()

    r = client.post("/api/v1/me/delete", headers=h, json={"password": PASSWORD})
    assert r.status_code == 200, r.text
    session.commit()  # the files go once the deletion is committed

    for model in (WorkExperience, EvidenceDocument, PortfolioCredential, SelfAssessment):
        assert _count(session, model, learner) == 0
    assert not own_path.exists()
    assert all(not p.exists() for p in credential_files)
    assert shared_path.exists()  # the neighbour's identical file stays
    session.expire_all()
    assert session.get(RecognitionCase, request_only_id) is None
    for case_id in (decided_id, paid_id):
        kept = session.get(RecognitionCase, case_id)
        assert kept is not None
        assert kept.pre_assessment == []
        assert all(c.evidence_ids == [] for c in kept.competencies)
        assert "deleted their account" in kept.last_note
    assert session.get(RecognitionCase, decided_id).competencies[0].result == "recognised"  # type: ignore[union-attr]
    report = credentials_service.verify_credential(session, settings=settings, document=issued.document)
    assert report.outcome == "valid"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "plar.learner.erased")).one()
    assert event.after is not None
    assert event.after["cases_deleted"] == [request_only_id]


def test_removing_an_evidence_document_removes_its_file_after_commit_unless_someone_else_uses_it(
    client: TestClient, session: Session, settings: Settings
) -> None:
    a, b = create_user(session, Role.LEARNER), create_user(session, Role.LEARNER)
    ha, hb = bearer(session, a), bearer(session, b)
    mine = _upload(client, ha, "mine.txt", b"Only mine.")
    shared_a = _upload(client, ha, "shared.txt", b"Both of us uploaded this.")
    _upload(client, hb, "shared.txt", b"Both of us uploaded this.")
    paths = {i: _path(settings, session.get(EvidenceDocument, i)) for i in (mine, shared_a)}  # type: ignore[arg-type]
    assert client.delete(f"{P}/portfolio/evidence/{mine}", headers=ha).status_code == 204
    assert client.delete(f"{P}/portfolio/evidence/{shared_a}", headers=ha).status_code == 204
    assert paths[mine].exists()  # not before the commit
    session.commit()
    assert not paths[mine].exists()
    assert paths[shared_a].exists()


def test_a_rolled_back_removal_keeps_the_file(session: Session, settings: Settings) -> None:
    learner = create_user(session, Role.LEARNER)
    session.commit()
    actor = principal_of(learner)
    doc = evidence.upload(
        session, settings=settings, actor=actor, filename="a.txt", content=b"Kept on rollback."
    )
    session.commit()
    path, doc_id = _path(settings, doc), doc.id
    portfolio.remove(session, actor=actor, kind="evidence", entry_id=doc_id, settings=settings)
    session.rollback()
    assert path.exists()
    assert session.get(EvidenceDocument, doc_id) is not None


def test_a_file_written_again_after_the_removal_check_is_kept(session: Session, settings: Settings) -> None:
    learner = create_user(session, Role.LEARNER)
    actor = principal_of(learner)
    doc = evidence.upload(session, settings=settings, actor=actor, filename="a.txt", content=b"Raced.")
    path = _path(settings, doc)
    portfolio.remove(session, actor=actor, kind="evidence", entry_id=doc.id, settings=settings)
    later = datetime.now(UTC).timestamp() + 5
    os.utime(path, (later, later))  # an identical upload in another transaction touched it meanwhile
    session.commit()
    assert path.exists()


def test_another_learners_entry_cannot_be_removed_and_an_unknown_kind_is_a_404(
    client: TestClient, session: Session
) -> None:
    a, b = create_user(session, Role.LEARNER), create_user(session, Role.LEARNER)
    r = client.post(f"{P}/portfolio/credentials", headers=bearer(session, a), json=foreign_credential(a))
    entry = r.json()["id"]
    assert client.delete(f"{P}/portfolio/credentials/{entry}", headers=bearer(session, b)).status_code == 404
    assert client.delete(f"{P}/portfolio/nonsense/{entry}", headers=bearer(session, a)).status_code == 404
    assert _count(session, PortfolioCredential, a) == 1
    assert json.loads(json.dumps(r.json()))["outcome"] == "valid"


def test_the_sweep_removes_old_unreferenced_files_and_keeps_used_or_recent_ones(
    session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    used = evidence.upload(
        session, settings=settings, actor=principal_of(learner), filename="a.txt", content=b"Still used."
    )
    old = datetime.now(UTC).timestamp() - 3 * 24 * 3600

    def orphan(content: bytes, *, age: float | None = old) -> Path:
        digest = evidence.sha256_of(content)
        path = settings.evidence_dir / digest[:2] / digest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        if age is not None:
            os.utime(path, (age, age))
        return path

    stale, fresh = orphan(b"Left by a rolled-back upload."), orphan(b"Upload still in flight.", age=None)
    temp = settings.evidence_dir / "ab" / ".upload-x1"
    temp.parent.mkdir(parents=True, exist_ok=True)
    temp.write_bytes(b"half written")
    os.utime(temp, (old, old))
    used_path = _path(settings, used)
    os.utime(used_path, (old, old))
    stranger = settings.evidence_dir / "zz" / "not-a-digest"
    stranger.parent.mkdir(parents=True, exist_ok=True)
    stranger.write_bytes(b"someone else's file")
    os.utime(stranger, (old, old))

    removed = evidence.sweep_orphans(session, settings=settings)

    assert removed == [stale.name]
    assert not stale.exists()
    assert not temp.exists()
    assert fresh.exists()
    assert used_path.exists()
    assert stranger.exists()
