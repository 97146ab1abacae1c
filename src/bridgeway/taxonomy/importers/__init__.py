"""One importer module per official source, and the order in which `import-all` runs them.

Each module has SOURCE, TITLE, DOWNLOAD (where to get the release), `release_files(path)` (the files it reads;
raises ReleaseFilesMissing), `default_version(path)` and `run(ctx, path)`.
"""

from __future__ import annotations

from types import ModuleType

from bridgeway.taxonomy.importers import cops, crosswalks, esco, noc, oasis, onet

# Dependency order: crosswalks last, so that stats and reads can relate codes of sources already present.
IMPORTERS: dict[str, ModuleType] = {
    module.SOURCE: module for module in (esco, noc, oasis, cops, onet, crosswalks)
}
SOURCES: tuple[str, ...] = tuple(IMPORTERS)

__all__ = ["IMPORTERS", "SOURCES"]
