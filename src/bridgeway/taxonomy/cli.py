"""Data commands: `bridgeway data import SOURCE PATH`, `data import-all [DATA_DIR]`, `data stats [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bridgeway.kit.cli import console, err_console, fail, handles_errors, session_scope, settings
from bridgeway.taxonomy import service as taxonomy_service

data_app = typer.Typer(
    help="Import and inspect the official competency and occupation data.", no_args_is_help=True
)


class _Bar:
    """A Rich progress bar on standard error, fed by the importer (units: characters of the files read)."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self.task: Any = None

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.__exit__(kind, exc, tb)

    def start(self, total: int, description: str) -> None:
        self.task = self.progress.add_task(description, total=total)

    def advance(self, description: str, done: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=done, description=description)


def import_with_progress(source: str, path: Path, version: str | None) -> None:
    """Import one release in one transaction and print its summary."""
    with session_scope() as session, _Bar() as bar:
        outcome = taxonomy_service.import_release(
            session, source=source, path=path, version=version, progress=bar
        )
        release = outcome.release
        label = f"{release.source} {release.version}"
    if outcome.already_imported:
        console.print(f"{label}: already imported from the same files; nothing changed", soft_wrap=True)
        return
    summary = outcome.summary
    counts = ", ".join(f"{name} {n:,}" for name, n in summary.get("counts", {}).items())
    console.print(
        f"imported {label} in {summary.get('seconds', 0)} s: {counts}", highlight=False, soft_wrap=True
    )
    for file_name, kinds in summary.get("dangling", {}).items():
        for kind, n in kinds.items():
            console.print(
                f"  dangling references: {n:,} row(s) of {file_name} name a missing {kind} "
                "(kept; see `bridgeway data stats`)",
                highlight=False,
                soft_wrap=True,
            )


@data_app.command("import")
@handles_errors
def import_release(
    source: str = typer.Argument(..., help=f"One of: {', '.join(taxonomy_service.SOURCES)}"),
    path: Path = typer.Argument(..., help="The release folder (e.g. ../shared/data/esco-1.1.1)"),
    version: str | None = typer.Option(
        None, "--version", help="Release version (default: from the folder name)"
    ),
) -> None:
    """Import one official release; the same files twice change nothing."""
    if source not in taxonomy_service.SOURCES:
        fail(f"unknown source '{source}'; expected one of {', '.join(taxonomy_service.SOURCES)}")
    if not path.exists():
        fail(f"{path} does not exist")
    import_with_progress(source, path, version)


@data_app.command("import-all")
@handles_errors
def import_all(
    data_dir: Path | None = typer.Argument(
        None, help="Folder holding the releases (default: BRIDGEWAY_DATA_DIR)"
    ),
) -> None:
    """Import every release found under DATA_DIR in dependency order, naming those that are missing."""
    folder = data_dir or settings().data_dir
    if not folder.is_dir():
        fail(f"{folder} is not a folder; set BRIDGEWAY_DATA_DIR or pass the data folder")
    missing = 0
    for data_source, path in taxonomy_service.locate_releases(folder):
        if path is None:
            missing += 1
            err_console.print(
                f"[yellow]missing:[/] {data_source.name} ({data_source.release}). Download it from "
                f"{taxonomy_service.download_hint(data_source.source)}, put it in {folder / data_source.folder}, "
                f"then run: bridgeway data import {data_source.source} {folder / data_source.folder}",
                highlight=False,
                soft_wrap=True,
            )
            continue
        import_with_progress(data_source.source, path, None)
    if missing == len(taxonomy_service.SOURCES):
        fail(f"no release found under {folder}")


@data_app.command("stats")
@handles_errors
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts")) -> None:
    """Show counts per source and release, with dangling references."""
    with session_scope() as session:
        result = taxonomy_service.data_stats(session)
    if as_json:
        typer.echo(json.dumps(result, indent=2, sort_keys=True))
        return
    table = Table("source", "release", "figures", "dangling")
    for source, releases in result.items():
        if not releases:
            table.add_row(source, "—", "not imported", "")
        for entry in releases:
            figures = ", ".join(
                f"{k} {v:,}" for k, v in entry["headline"].items() if k != "dangling_references"
            )
            table.add_row(source, entry["version"], figures, f"{entry['dangling_total']:,}")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Mount the data commands."""
    app.add_typer(data_app, name="data")
