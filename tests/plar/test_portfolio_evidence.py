"""The portfolio and its evidence documents: sniffed content, size limit, content-addressed storage."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Role
from bridgeway.config import Settings
from bridgeway.plar.errors import UnreadableEvidence
from bridgeway.plar.models import EvidenceDocument
from bridgeway.plar.service import evidence
from tests.factories.accounts import bearer, create_institution, create_user

P = "/api/v1/plar"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx(text: str = "Welded steel frames") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "word/document.xml",
            f'<w:document><w:body><w:p><w:r><w:t xml:space="preserve">{text}</w:t>'
            "</w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def _zip_without_document() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    return buf.getvalue()


def test_a_pdf_a_docx_and_plain_text_are_recognised_by_their_content() -> None:
    assert evidence.sniff(PDF, "cv.pdf") == (evidence.PDF, None)
    media, text = evidence.sniff(_docx("Read blueprints &amp; cut parts"), "cv.docx")
    assert media == evidence.DOCX
    assert text == "Read blueprints & cut parts"
    assert evidence.sniff("Soudé des cadres d'acier".encode(), "notes.txt") == (
        evidence.TEXT,
        "Soudé des cadres d'acier",
    )


@pytest.mark.parametrize(
    ("content", "name", "why"),
    [
        (b"", "cv.txt", "empty"),
        (b"   \n ", "cv.txt", "empty"),
        (PDF, "cv.docx", "named"),
        (_zip_without_document(), "cv.docx", "not a Word document"),
        (b"PK\x03\x04garbage-not-a-zip", "cv.docx", "cannot be read"),
        (b"%PDF-1.4 truncated", "cv.pdf", "truncated"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", "not a PDF"),
        ("café".encode("latin-1"), "notes.txt", "UTF-8"),
    ],
)
def test_unreadable_or_mislabelled_files_are_refused_with_a_reason(
    content: bytes, name: str, why: str
) -> None:
    with pytest.raises(UnreadableEvidence) as exc:
        evidence.sniff(content, name)
    assert why in exc.value.message
    assert exc.value.status_code == 422


def test_an_upload_is_stored_under_its_sha256_outside_the_database(
    client: TestClient, session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    docx = _docx()
    r = client.post(
        f"{P}/portfolio/evidence",
        headers=h,
        files={"file": ("cv.docx", docx, "application/pdf")},
        data={"description": "Résumé"},
    )
    assert r.status_code == 201, r.text
    digest = hashlib.sha256(docx).hexdigest()
    assert r.json()["sha256"] == digest
    assert r.json()["media_type"] == evidence.DOCX
    assert (settings.evidence_dir / digest[:2] / digest).read_bytes() == docx
    got = client.get(f"{P}/evidence/{r.json()['id']}", headers=h)
    assert got.status_code == 200
    assert got.content == docx


def test_an_oversized_upload_is_refused_and_nothing_is_saved(
    client: TestClient, session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    big = b"a" * (settings.max_upload_bytes + 1)
    r = client.post(f"{P}/portfolio/evidence", headers=h, files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 413
    assert (
        session.scalar(
            select(func.count())
            .select_from(EvidenceDocument)
            .where(EvidenceDocument.learner_user_id == learner.id)
        )
        == 0
    )
    assert not settings.evidence_dir.exists() or not any(settings.evidence_dir.rglob("*"))


def test_a_docx_that_is_really_something_else_is_refused_over_the_api(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    r = client.post(
        f"{P}/portfolio/evidence",
        headers=bearer(session, learner),
        files={"file": ("cv.docx", b"just some text pretending", "application/octet-stream")},
    )
    assert r.status_code == 422
    assert r.json()["error"] == "unreadable_evidence"


def test_a_learner_builds_a_portfolio_with_international_education_and_language_results(
    client: TestClient, session: Session
) -> None:
    learner = create_user(session, Role.LEARNER)
    h = bearer(session, learner)
    assert (
        client.post(
            f"{P}/portfolio/education",
            headers=h,
            json={
                "title": "Diploma in Mechanical Engineering",
                "institution_name": "Polytechnic of Manila",
                "country": "ph",
                "level": "diploma",
                "awarded_on": "2010-04-01",
                "evaluation_report_ref": "WES-1234567",
            },
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{P}/portfolio/languages",
            headers=h,
            json={
                "test_name": "CELPIP-G",
                "tested_on": "2024-01-10",
                "listening": 9,
                "speaking": 8,
                "reading": 9,
                "writing": 7,
            },
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{P}/portfolio/languages",
            headers=h,
            json={
                "test_name": "CELPIP-G",
                "tested_on": "2024-01-10",
                "listening": 13,
                "speaking": 8,
                "reading": 9,
                "writing": 7,
            },
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{P}/portfolio/work",
            headers=h,
            json={"employer": "X", "title": "Welder", "start_on": "2020-01-01", "end_on": "2019-01-01"},
        ).status_code
        == 422
    )
    got = client.get(f"{P}/portfolio", headers=h).json()
    assert got["education"][0]["country"] == "PH"
    assert got["education"][0]["evaluation_report_ref"] == "WES-1234567"
    assert got["languages"][0]["writing"] == 7
    entry = got["education"][0]["id"]
    assert client.delete(f"{P}/portfolio/education/{entry}", headers=h).status_code == 204
    assert client.get(f"{P}/portfolio", headers=h).json()["education"] == []


def test_another_learner_cannot_read_someone_elses_evidence(client: TestClient, session: Session) -> None:
    inst = create_institution(session)
    owner, other = (
        create_user(session, Role.LEARNER, institution=inst),
        create_user(session, Role.LEARNER, institution=inst),
    )
    r = client.post(
        f"{P}/portfolio/evidence",
        headers=bearer(session, owner),
        files={"file": ("a.txt", b"Supervised a crew of six.", "text/plain")},
    )
    assert client.get(f"{P}/evidence/{r.json()['id']}", headers=bearer(session, other)).status_code == 403


def _docx_with_huge_text_part() -> bytes:
    """A tiny zip whose word/document.xml inflates past the reading limit (a zip bomb)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:t>" + b"a" * (51 * 1024 * 1024) + b"</w:t>")
    return buf.getvalue()


def _docx_with_a_corrupt_member() -> bytes:
    """A DOCX whose text part was damaged after zipping (its checksum no longer matches)."""
    raw = bytearray(_docx("Welded steel frames for ten years"))
    at = raw.index(b"Welded")
    raw[at : at + 6] = b"XXXXXX"
    return bytes(raw)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (_docx_with_huge_text_part(), "too large to read"),
        (_docx_with_a_corrupt_member(), "cannot be read"),
    ],
)
def test_a_zip_bomb_or_a_damaged_docx_is_refused_with_a_reason(content: bytes, why: str) -> None:
    assert len(content) < 1024 * 1024
    with pytest.raises(UnreadableEvidence) as exc:
        evidence.sniff(content, "cv.docx")
    assert why in exc.value.message


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t \n", "empty"),
        ("bom-only.txt", b"\xef\xbb\xbf", "no text"),
        ("cv.pdf", _docx(), "not application/pdf"),
        ("cv.docx", b"\xff\xfe" + "résumé".encode("utf-16-le"), "not a PDF"),
    ],
)
def test_empty_unreadable_or_mislabelled_uploads_get_422_and_leave_nothing_behind(
    client: TestClient, session: Session, settings: Settings, name: str, content: bytes, why: str
) -> None:
    learner = create_user(session, Role.LEARNER)
    r = client.post(
        f"{P}/portfolio/evidence",
        headers=bearer(session, learner),
        files={"file": (name, content, "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "unreadable_evidence"
    assert why in r.json()["message"]
    count = (
        select(func.count())
        .select_from(EvidenceDocument)
        .where(EvidenceDocument.learner_user_id == learner.id)
    )
    assert session.scalar(count) == 0
    assert not settings.evidence_dir.exists() or not any(settings.evidence_dir.rglob("*"))


def test_a_file_name_with_folders_is_reduced_to_its_base_name_and_stored_by_digest(
    client: TestClient, session: Session, settings: Settings
) -> None:
    learner = create_user(session, Role.LEARNER)
    content = b"Supervised a crew of six welders."
    r = client.post(
        f"{P}/portfolio/evidence",
        headers=bearer(session, learner),
        files={"file": ("../../etc/cv.txt", content, "text/plain")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "cv.txt"
    digest = hashlib.sha256(content).hexdigest()
    assert [p.name for p in settings.evidence_dir.rglob("*") if p.is_file()] == [digest]
