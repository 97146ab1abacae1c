"""Evidence documents: sniff the content (never trust the name), store under the sha256, record the row."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from html import unescape
from pathlib import Path

from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings
from bridgeway.plar import errors
from bridgeway.plar.models import EvidenceDocument

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
_EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".txt": TEXT, ".text": TEXT, ".md": TEXT}
_MAX_DOCX_XML = 50 * 1024 * 1024  # uncompressed word/document.xml; refuses zip bombs
_W_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|</w:p>")


def _docx_text(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            try:
                info = zf.getinfo("word/document.xml")
            except KeyError:
                raise errors.UnreadableEvidence(
                    "the file is a zip archive but not a Word document (no word/document.xml)"
                ) from None
            if info.file_size > _MAX_DOCX_XML:
                raise errors.UnreadableEvidence("the Word document's text part is too large to read")
            xml = zf.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise errors.UnreadableEvidence(f"the Word document cannot be read: {exc}") from None
    parts = [
        unescape(m.group(1).decode("utf-8", "replace")) if m.group(1) is not None else "\n"
        for m in _W_TEXT.finditer(xml)
    ]
    return "".join(parts).strip()


def sniff(content: bytes, filename: str) -> tuple[str, str | None]:
    """Return (media type, extracted text) from the bytes; refuse empty, unknown or mislabelled files."""
    if not content.strip():
        raise errors.UnreadableEvidence("the file is empty")
    declared = _EXTENSIONS.get(Path(filename).suffix.lower())
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-2048:]:
            raise errors.UnreadableEvidence("the PDF is truncated or damaged (no end-of-file marker)")
        media, text = PDF, None
    elif content.startswith(b"PK\x03\x04"):
        media, text = DOCX, _docx_text(content)
    elif b"\x00" in content:
        raise errors.UnreadableEvidence("the file is not a PDF, a Word document (DOCX) or plain text")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise errors.UnreadableEvidence("the text file is not UTF-8") from None
        if not text.strip():
            raise errors.UnreadableEvidence("the text file holds no text")
        media = TEXT
    if declared is not None and declared != media:
        raise errors.UnreadableEvidence(
            f"the file is named '{filename}' but its content is {media}, not {declared}",
            detail={"declared": declared, "sniffed": media},
        )
    return media, text


def stored_path(settings: Settings, sha256: str) -> Path:
    """Return where the bytes of this digest live."""
    return settings.evidence_dir / sha256[:2] / sha256


def _write_once(path: Path, content: bytes) -> None:
    if path.exists():
        return  # content-addressed: the same bytes are already there
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def upload(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    filename: str,
    content: bytes,
    description: str = "",
) -> EvidenceDocument:
    """Check and store one evidence document of the actor (a learner's own portfolio)."""
    if len(content) > settings.max_upload_bytes:
        raise errors.EvidenceTooLarge(
            f"the file is larger than {settings.max_upload_bytes} bytes",
            detail={"limit": settings.max_upload_bytes, "size": len(content)},
        )
    name = Path(filename or "upload").name[:255] or "upload"
    media, text = sniff(content, name)
    digest = hashlib.sha256(content).hexdigest()
    doc = EvidenceDocument(
        learner_user_id=actor.user_id,
        sha256=digest,
        media_type=media,
        filename=name,
        size_bytes=len(content),
        description=description[:4000],
        text=text,
    )
    session.add(doc)
    session.flush()
    # the file is written after the row is flushed; a rolled-back request leaves at most an unreferenced,
    # content-addressed file (harmless, reused by the next identical upload)
    _write_once(stored_path(settings, digest), content)
    accounts_service.record_audit(
        session,
        actor=actor,
        action="plar.evidence.uploaded",
        entity_type="plar_evidence",
        entity_id=doc.id,
        after={"sha256": digest, "media_type": media, "size": len(content)},
    )
    return doc


def read_bytes(settings: Settings, doc: EvidenceDocument) -> bytes:
    """Return the stored bytes of a document."""
    try:
        return stored_path(settings, doc.sha256).read_bytes()
    except FileNotFoundError:
        raise errors.EvidenceFileMissing(
            "the evidence file is no longer in storage (deleted, or not restored from a backup)"
        ) from None
