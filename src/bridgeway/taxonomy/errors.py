"""Taxonomy errors, each naming its condition."""

from __future__ import annotations

from pathlib import Path

from bridgeway.kit.errors import Conflict, InvalidInput, NotFound


class UnknownSource(InvalidInput):
    """The source name is not one Bridgeway imports."""

    code = "unknown_source"


class ReleaseFilesMissing(InvalidInput):
    """The path does not exist or lacks files the source's importer needs."""

    code = "release_files_missing"


class MalformedFile(InvalidInput):
    """A file of a release cannot be read: wrong header, wrong column count, bad value or truncated."""

    code = "malformed_file"

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        name = Path(path).name
        super().__init__(
            f"{name}, line {line}: {problem}", detail={"file": name, "line": line, "problem": problem}
        )
        self.file = name
        self.line = line


class InvalidVersion(InvalidInput):
    """A release version given on the command line is empty or too long."""

    code = "invalid_version"


class ReleaseConflict(Conflict):
    """A release with this source and version exists but was imported from different files."""

    code = "release_conflict"


class UnknownRelease(NotFound):
    """No release of that source (and version) has been imported."""

    code = "unknown_release"


class UnknownCompetency(NotFound):
    """No competency with that code (in the release read)."""

    code = "unknown_competency"


class UnknownOccupation(NotFound):
    """No occupation with that code (in the release read)."""

    code = "unknown_occupation"
