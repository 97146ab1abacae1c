"""Evidence documents: sniff the content (never trust the name), store under the sha256, record the row.

Files are content-addressed and may be shared by several rows (two learners uploading the same file). A file is
removed only after the transaction that deleted its last row commits (`release`), and only when the committed
database still has no row naming it and nobody re-wrote it meanwhile.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable
from html import unescape
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Principal
from bridgeway.config import Settings, get_settings
from bridgeway.plar import errors, repository
from bridgeway.plar.models import EvidenceDocument

log = logging.getLogger("bridgeway.plar.evidence")
_RELEASED = "bridgeway.plar.evidence.released"

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


def sha256_of(content: bytes) -> str:
    """Return the hex SHA-256 of the bytes (the name they are stored under)."""
    return hashlib.sha256(content).hexdigest()


def evidence_dir_for(session: Session, settings: Settings | None = None) -> Path:
    """Return the evidence folder: from the settings given, those the session carries, else the environment's.

    Account export and deletion hooks receive only a session; the entry points build their settings from the
    same environment (`get_settings()`), so the folder is the same.
    """
    if settings is None:
        carried = session.info.get("bridgeway.settings")
        settings = carried if isinstance(carried, Settings) else get_settings()
    return settings.evidence_dir


def stored_path(settings: Settings, sha256: str) -> Path:
    """Return where the bytes of this digest live."""
    return settings.evidence_dir / sha256[:2] / sha256


def _write_once(path: Path, content: bytes) -> None:
    if path.exists():
        # content-addressed: the same bytes are already there; touching it tells a concurrent `release`
        # (which skips files written after its check) that a new row is about to reference it
        os.utime(path)
        return
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
    return store(
        session,
        settings=settings,
        actor=actor,
        filename=name,
        content=content,
        media_type=media,
        text=text,
        description=description,
    )


def store(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    filename: str,
    content: bytes,
    media_type: str,
    text: str | None,
    description: str = "",
) -> EvidenceDocument:
    """Record already-checked bytes as one of the actor's evidence documents and store them under their sha256."""
    digest = sha256_of(content)
    doc = EvidenceDocument(
        learner_user_id=actor.user_id,
        sha256=digest,
        media_type=media_type,
        filename=Path(filename).name[:255] or "upload",
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
        after={"sha256": digest, "media_type": media_type, "size": len(content)},
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


def release(session: Session, *, evidence_dir: Path, digests: Iterable[str]) -> None:
    """Remove these files once the transaction commits, if no committed row references them any more.

    Call it after deleting (and flushing) evidence rows. Nothing happens if the transaction rolls back, and a
    file written again after this call (an identical upload racing the deletion) is kept.
    """
    wanted = set(digests)
    if not wanted:
        return
    pending: list[tuple[Path, str, float]] | None = session.info.get(_RELEASED)
    if pending is None:
        pending = session.info[_RELEASED] = []
        event.listen(session, "after_commit", _unlink_released)
        event.listen(session, "after_rollback", _drop_released)
    checked_at = time.time()
    pending.extend((evidence_dir, d, checked_at) for d in sorted(wanted))


def _drop_released(session: Session) -> None:
    if session.info.get(_RELEASED):
        session.info[_RELEASED] = []


def _unlink_released(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released, not the transaction: wait for the real commit
    pending: list[tuple[Path, str, float]] = session.info.get(_RELEASED) or []
    session.info[_RELEASED] = []
    if not pending:
        return
    try:
        still_used = _committed_references(session, {d for _, d, _ in pending})
    except SQLAlchemyError:  # the deletion is committed; a leftover file is harmless and reported
        log.exception("could not check evidence references after commit; files left in place")
        return
    for folder, digest, checked_at in pending:
        if digest in still_used:
            continue
        path = folder / digest[:2] / digest
        try:
            if path.stat().st_mtime > checked_at:
                continue  # written again after the check: a new row is about to reference it
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            log.exception("could not remove the evidence file %s", path)


def _committed_references(session: Session, digests: set[str]) -> set[str]:
    bind: Any = session.get_bind()
    if isinstance(bind, Connection):  # a session joined to an outer connection (tests)
        return repository.referenced_digests(bind, digests)
    with bind.connect() as connection:
        return repository.referenced_digests(connection, digests)


_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def sweep_orphans(
    session: Session, *, settings: Settings, older_than_seconds: float = 24 * 3600
) -> list[str]:
    """Delete stored files no evidence row references and untouched for a while; return their digests.

    Such files come from uploads whose transaction rolled back after the bytes were written. The grace period
    keeps the file of an upload whose row is not committed yet. Unfinished temporary files are removed too.
    """
    root = settings.evidence_dir
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than_seconds
    candidates: dict[str, Path] = {}
    for path in root.glob("??/*"):
        try:
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        if path.name.startswith(".upload-"):
            path.unlink(missing_ok=True)
        elif _DIGEST.match(path.name) and path.parent.name == path.name[:2]:
            candidates[path.name] = path
    removed: list[str] = []
    names = sorted(candidates)
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        used = repository.referenced_digests(session, chunk)
        for digest in chunk:
            if digest not in used:
                candidates[digest].unlink(missing_ok=True)
                removed.append(digest)
    return removed
