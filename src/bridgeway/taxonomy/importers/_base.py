"""What every importer shares: streaming readers that name file and line, value parsers, batched inserts."""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

from bridgeway.taxonomy import repository
from bridgeway.taxonomy.errors import MalformedFile, ReleaseFilesMissing
from bridgeway.taxonomy.models import DanglingReference

# progress(description, units_done): units are characters read (close to bytes for these files).
Progress = Callable[[str, int], None]
BATCH = 5000
MISSING_MARKERS = frozenset({"", "N/A", "N/D", "n/a"})
# Statistics Canada also marks suppressed or unreliable figures with "x", "F" and "..".
NUMBER_MISSING = MISSING_MARKERS | {"x", "X", "F", "..", "-"}
_SPACES = re.compile(r"\s+")


def _no_progress(_description: str, _done: int) -> None:
    return None


@dataclass
class ImportContext:
    """One import in progress: the connection of the caller's transaction, the release, counters."""

    conn: Connection
    release_id: str
    progress: Progress = _no_progress
    counts: dict[str, int] = field(default_factory=dict)
    dangling: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _dangling_rows: list[dict[str, Any]] = field(default_factory=list)

    def insert(
        self, table: Table | Any, rows: Iterable[dict[str, Any]], *, count_as: str | None = None
    ) -> int:
        """Insert rows in batches (Core executemany), stamping the release id; return how many."""
        target: Table = getattr(table, "__table__", table)
        total = 0
        source = iter(rows)
        release_id = self.release_id
        while batch := list(islice(source, BATCH)):
            for row in batch:
                row["release_id"] = release_id
            repository.bulk_insert(self.conn, target, batch)
            total += len(batch)
        if count_as:
            self.counts[count_as] = self.counts.get(count_as, 0) + total
        return total

    def record_dangling(self, path: Path, line: int, kind: str, code: str, row: dict[str, Any]) -> None:
        """Keep a row that names something the release lacks, and count it for the summary."""
        per_file = self.dangling.setdefault(path.name, {})
        per_file[kind] = per_file.get(kind, 0) + 1
        self._dangling_rows.append(
            {"file": path.name, "line": line, "missing_kind": kind, "missing_code": code, "row": row}
        )

    def flush_dangling(self) -> None:
        """Write the dangling references collected so far."""
        rows, self._dangling_rows = self._dangling_rows, []
        self.insert(DanglingReference, rows)


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def require_files(folder: Path, names: Sequence[str]) -> list[Path]:
    """Return the named files of a release folder, or raise naming every one that is missing."""
    if not folder.is_dir():
        raise ReleaseFilesMissing(f"{folder} is not a folder")
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise ReleaseFilesMissing(f"{folder} lacks {', '.join(missing)}", detail={"missing": missing})
    return [folder / name for name in names]


def version_from_folder(folder: Path, fallback: str) -> str:
    """Take the version from a folder name such as 'esco-1.1.1' or 'oasis-2023-v1.0'."""
    match = re.search(r"-(\d[\w.\-]*)$", folder.name)
    return match.group(1) if match else fallback


def clean_header(name: str) -> str:
    """Strip stray spaces (and a stray byte-order mark) from a header name."""
    return _SPACES.sub(" ", name.replace("\ufeff", "")).strip()


def fast_id() -> str:
    """A random UUID4 in canonical text form, like kit.ids.new_id, at a fraction of uuid.UUID's cost."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def read_csv(
    path: Path,
    required: Sequence[str],
    progress: Progress = _no_progress,
    *,
    ragged: bool = False,
    encoding: str = "utf-8-sig",
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each record of a CSV file, with cleaned header names.

    `encoding` is UTF-8 (with or without a byte-order mark) unless a publisher used Windows-1252.
    `ragged` accepts records that omit trailing empty fields (as `skillsHierarchy_en.csv` does).

    Raises MalformedFile naming the file and line for a missing column, a record with the wrong number of
    fields, an unterminated quoted field (a truncated file) or bytes that are not UTF-8.
    """
    line = 1
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, strict=True)
            # Progress from the byte position of the buffer underneath (text tell() is off while iterating).
            buffer: Any = handle.buffer
            reported, label = 0, path.name
            try:
                header = [clean_header(h) for h in next(reader)]
            except StopIteration:
                raise MalformedFile(path, 1, "the file is empty") from None
            absent = [name for name in required if name not in header]
            if absent:
                raise MalformedFile(path, 1, f"missing column(s): {', '.join(absent)}")
            width = len(header)
            line = reader.line_num + 1
            for record in reader:
                if len(record) != width:
                    if not any(record):
                        line = reader.line_num + 1
                        continue
                    if ragged and len(record) < width:
                        record = record + [""] * (width - len(record))
                    else:
                        raise MalformedFile(path, line, f"expected {width} fields, found {len(record)}")
                yield line, dict(zip(header, record, strict=True))
                line = reader.line_num + 1
                if line & 0x3FF == 0:
                    position = buffer.tell()
                    progress(label, position - reported)
                    reported = position
            progress(label, buffer.tell() - reported)
    except csv.Error as exc:
        raise MalformedFile(path, line, f"unreadable CSV ({exc}); is the file truncated?") from exc
    except UnicodeDecodeError as exc:
        raise MalformedFile(path, line, f"not UTF-8 text ({exc.reason})") from exc


def read_xlsx(
    path: Path, required: Sequence[str], progress: Progress = _no_progress
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, row) for each data row of the first sheet of an Excel workbook."""
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise MalformedFile(path, 1, f"not a readable Excel workbook ({exc})") from exc
    if not rows:
        raise MalformedFile(path, 1, "the workbook is empty")
    header = [clean_header(str(h)) for h in rows[0]]
    absent = [name for name in required if name not in header]
    if absent:
        raise MalformedFile(path, 1, f"missing column(s): {', '.join(absent)}")
    size = path.stat().st_size
    step = max(1, len(rows) // 20)
    for index, record in enumerate(rows[1:], start=2):
        if index % step == 0:
            progress(path.name, size * step // len(rows))
        yield index, dict(zip(header, record, strict=False))
    progress(path.name, size % max(1, step))


def refuse_duplicate(seen: Container[str], code: str, path: Path, line: int) -> None:
    """Raise MalformedFile when a file defines the same code twice (the release would be ambiguous)."""
    if code in seen:
        raise MalformedFile(path, line, f"duplicate code '{code}'")


def text(value: Any) -> str | None:
    """Return a stripped string, or None for empty and missing markers."""
    if value is None:
        return None
    result = str(value).strip()
    return None if result in MISSING_MARKERS else result


def to_float(value: Any, path: Path, line: int, column: str) -> float | None:
    """Parse a number such as '8,238,800' or '1.9'; None for N/A, N/D and blanks."""
    if isinstance(value, int | float):
        return float(value)
    raw = text(value)
    if raw is None or raw in NUMBER_MISSING:
        return None
    try:
        return float(raw.replace(",", "").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise MalformedFile(path, line, f"column '{column}': '{raw}' is not a number") from None


def to_int(value: Any, path: Path, line: int, column: str) -> int | None:
    """Parse a whole number (thousands separators allowed); None for N/A, N/D and blanks."""
    number = to_float(value, path, line, column)
    return None if number is None else round(number)


def split_lines(value: str | None) -> list[str]:
    """Split an ESCO multi-line label cell into its labels."""
    if not value:
        return []
    return [part.strip() for part in value.split("\n") if part.strip()]
