"""The evaluation set and its metrics (R-Precision@5, MRR), built from the official data files.

Four query sets, each split into a development half (used to fit the calibration) and a test half (reported),
by a stable hash of the occupation group or skill so that nothing tuned on is scored:

- `esco-altlabels` (skill level, paraphrase): an ESCO alternative label that the dense passage does not contain
  (positions 3+), against its own skill. The lexical matcher used for this set has those labels removed.
- `oasis-duties` (document level, résumé-like): all main duties of an OaSIS profile as one multi-line text,
  against the essential ESCO skills of the ESCO occupations linked to the profile's NOC unit group through
  NOC 2021 → O*NET (Brookfield) → ESCO (Nesta).
- `oasis-titles` (short input): one OaSIS example title per profile, against the same skills.
- `noc-titles-en` / `noc-titles-fr`: the COPS English and French unit-group names, against the same skills;
  the pair shows what French input costs.

With `--source oasis`, one more set scores the OaSIS descriptors (skills, abilities, knowledge):

- `oasis-descriptors`: all main duties of an OaSIS profile, against the descriptors that profile rates at the
  top of their scale (skills and abilities 4–5 of 5, knowledge 3 of 3; about 14 of 126 per profile). A
  constant ranking by how often each descriptor is top-rated in the development half (`prior`) is the
  baseline to beat: some descriptors (Oral Comprehension, Critical Thinking) are top-rated almost everywhere.

Occupation-level gold sets are generous (every essential skill of every linked ESCO occupation) and noisy (a
crosswalk chain), so absolute figures are low; they are for comparing methods, not for a promise.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bridgeway.plar.inference.embedding import EmbeddingBackend
from bridgeway.plar.inference.engine import Calibration, Mode, SkillInferenceEngine
from bridgeway.plar.inference.index import PASSAGE_ALT_LABELS
from bridgeway.plar.inference.lexical import LexicalMatcher
from bridgeway.plar.inference.records import CompetencyRecord, InferenceResult
from bridgeway.plar.inference.sources import oasis_top_rated

__all__ = [
    "EvalQuery",
    "Metrics",
    "build_evaluation_set",
    "build_oasis_descriptor_set",
    "evaluate",
    "fit_calibration",
    "holdout_records",
    "mrr",
    "r_precision_at",
    "run_comparison",
]


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """One input text and the competency URIs that count as correct."""

    set_name: str
    split: str  # "dev" or "test"
    text: str
    gold: frozenset[str]
    key: str


@dataclass(slots=True)
class Metrics:
    """Mean R-Precision@5 and MRR over a set of queries."""

    queries: int = 0
    r_precision_5: float = 0.0
    mrr: float = 0.0
    errors: int = 0
    extra: dict[str, float] = field(default_factory=dict)


def r_precision_at(ranked: Sequence[str], gold: frozenset[str], k: int = 5) -> float:
    """Precision over the first min(k, |gold|) proposals (R-Precision capped at k)."""
    cut = min(k, len(gold))
    if cut == 0:
        return 0.0
    return sum(1 for uri in ranked[:cut] if uri in gold) / cut


def mrr(ranked: Sequence[str], gold: frozenset[str]) -> float:
    """Reciprocal rank of the first correct proposal (0 when none is ranked)."""
    for i, uri in enumerate(ranked, 1):
        if uri in gold:
            return 1.0 / i
    return 0.0


def _split(key: str) -> str:
    return "dev" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "test"


def build_evaluation_set(
    data_dir: Path, records: Sequence[CompetencyRecord], *, per_set: int = 200, seed: int = 7
) -> list[EvalQuery]:
    """Build every query set from the official files (at most `per_set` queries per set and split)."""
    known = {r.uri for r in records}
    rng = random.Random(seed)
    queries: list[EvalQuery] = []
    queries += _altlabel_queries(records, rng)
    gold_by_noc = _gold_by_noc(data_dir, known)
    oasis = data_dir / "canada" / "oasis-2023-v1.0"
    for code, lines in sorted(_oasis_duties(oasis).items()):
        gold = gold_by_noc.get(code[:5])
        if gold:
            queries.append(EvalQuery("oasis-duties", _split(code[:5]), "\n".join(lines), gold, code))
    titles: dict[str, list[str]] = defaultdict(list)
    for row in _rows(oasis / "example-titles_oasis_2023_v1.0.csv"):
        if row["Job title type"].strip() == "Example":
            titles[row["OaSIS profile code"].strip()].append(row["Job title text"].strip())
    for code, names in sorted(titles.items()):
        gold = gold_by_noc.get(code[:5])
        if gold and names:
            queries.append(EvalQuery("oasis-titles", _split(code[:5]), rng.choice(names), gold, code))
    cops = data_dir / "canada" / "cops-2024-2033" / "summary_sommaire_2024_2033_noc2021.csv"
    for row in _rows(cops):
        code = row["Code"].strip()
        gold = gold_by_noc.get(code)
        if gold and len(code) == 5:
            queries.append(
                EvalQuery("noc-titles-en", _split(code), row["Occupation_Name"].strip(), gold, code)
            )
            queries.append(
                EvalQuery("noc-titles-fr", _split(code), row["Nom_de_la_profession"].strip(), gold, code)
            )
    return _cap(queries, per_set, rng)


def _oasis_duties(oasis: Path) -> dict[str, list[str]]:
    duties: dict[str, list[str]] = defaultdict(list)
    for row in _rows(oasis / "main-duties_oasis-2023_v1.0.csv"):
        duties[row["OaSIS profile code"].strip()].append(row["Main duties"].strip())
    return duties


def build_oasis_descriptor_set(data_dir: Path, *, per_set: int = 200, seed: int = 7) -> list[EvalQuery]:
    """Main duties of each OaSIS profile against the descriptors it rates at the top of their scale."""
    oasis = data_dir / "canada" / "oasis-2023-v1.0"
    top = oasis_top_rated(oasis)
    queries = [
        EvalQuery("oasis-descriptors", _split(code[:5]), "\n".join(lines), top[code], code)
        for code, lines in sorted(_oasis_duties(oasis).items())
        if top.get(code)
    ]
    return _cap(queries, per_set, random.Random(seed))


def prior_baseline(queries: Sequence[EvalQuery], split: str) -> dict[str, Metrics]:
    """Score one constant ranking (how often each URI is gold in the dev half) on the chosen split."""
    counts: dict[str, int] = defaultdict(int)
    for q in queries:
        if q.split == "dev":
            for uri in q.gold:
                counts[uri] += 1
    ranked = sorted(counts, key=lambda u: (-counts[u], u))[:50]
    sums: dict[str, Metrics] = defaultdict(Metrics)
    for q in queries:
        if split in ("both", q.split):
            m = sums[f"{q.set_name}/{q.split}"]
            m.queries += 1
            m.r_precision_5 += r_precision_at(ranked, q.gold)
            m.mrr += mrr(ranked, q.gold)
    for m in sums.values():
        m.r_precision_5 /= m.queries
        m.mrr /= m.queries
    return dict(sorted(sums.items()))


def holdout_records(
    records: Sequence[CompetencyRecord], queries: Iterable[EvalQuery]
) -> list[CompetencyRecord]:
    """The records without the alternative labels used as `esco-altlabels` queries (for the lexical matcher)."""
    held: dict[str, set[str]] = defaultdict(set)
    for q in queries:
        if q.set_name == "esco-altlabels":
            held[q.key].add(q.text)
    return [
        replace(r, alt_labels=tuple(a for a in r.alt_labels if a not in held[r.uri])) if r.uri in held else r
        for r in records
    ]


def _altlabel_queries(records: Sequence[CompetencyRecord], rng: random.Random) -> list[EvalQuery]:
    out = []
    for r in records:
        # only labels the dense passage does not hold (it holds the first two alternative labels)
        pool = [a for a in r.alt_labels[PASSAGE_ALT_LABELS:] if a.casefold() != r.label.casefold()]
        if pool:
            out.append(
                EvalQuery("esco-altlabels", _split(r.uri), rng.choice(pool), frozenset({r.uri}), r.uri)
            )
    return out


def _gold_by_noc(data_dir: Path, known: set[str]) -> dict[str, frozenset[str]]:
    """NOC 2021 unit group → essential ESCO skills of its ESCO occupations (via O*NET)."""
    cross = data_dir / "crosswalks"
    onet_by_noc: dict[str, set[str]] = defaultdict(set)
    for row in _rows(cross / "brookfield_noc2021_onet26.csv"):
        onet_by_noc[row["noc"].strip().zfill(5)].add(row["onet"].strip())
    esco_by_onet: dict[str, set[str]] = defaultdict(set)
    for row in _rows(cross / "nesta_esco_onet_crosswalk_Nov2020.csv"):
        esco_by_onet[row["onet_code"].strip()].add(row["concept_uri"].strip())
    skills_by_occ: dict[str, set[str]] = defaultdict(set)
    for row in _rows(data_dir / "esco-1.1.1" / "occupationSkillRelations.csv"):
        if row["relationType"] == "essential" and row["skillUri"] in known:
            skills_by_occ[row["occupationUri"]].add(row["skillUri"])
    out = {}
    for noc, onets in onet_by_noc.items():
        gold = {s for o in onets for occ in esco_by_onet.get(o, ()) for s in skills_by_occ.get(occ, ())}
        if gold:
            out[noc] = frozenset(gold)
    return out


def _cap(queries: list[EvalQuery], per_set: int, rng: random.Random) -> list[EvalQuery]:
    groups: dict[tuple[str, str], list[EvalQuery]] = defaultdict(list)
    for q in queries:
        groups[(q.set_name, q.split)].append(q)
    out = []
    for key in sorted(groups):
        group = groups[key]
        if key[0] == "noc-titles-fr":
            continue  # sampled with its English twin below
        chosen = group if len(group) <= per_set else rng.sample(group, per_set)
        out.extend(chosen)
        if key[0] == "noc-titles-en":
            keys = {q.key for q in chosen}
            out.extend(q for q in groups[("noc-titles-fr", key[1])] if q.key in keys)
    return out


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


# -- running --------------------------------------------------------------------------------------------


def evaluate(
    engine: SkillInferenceEngine,
    queries: Sequence[EvalQuery],
    *,
    mode: Mode = "combined",
    top_k: int = 50,
    engine_for: Callable[[EvalQuery], SkillInferenceEngine] | None = None,
) -> dict[str, Metrics]:
    """Score the engine on each (set, split); `engine_for` may pick another engine per query."""
    sums: dict[str, Metrics] = defaultdict(Metrics)
    for q in queries:
        eng = engine_for(q) if engine_for else engine
        outcome = eng.infer_many([q.text], top_k=top_k, mode=mode)[0]
        m = sums[f"{q.set_name}/{q.split}"]
        m.queries += 1
        if not isinstance(outcome, InferenceResult):
            m.errors += 1
            continue
        ranked = [p.uri for p in outcome.proposals]
        m.r_precision_5 += r_precision_at(ranked, q.gold)
        m.mrr += mrr(ranked, q.gold)
    for m in sums.values():
        if m.queries:
            m.r_precision_5 /= m.queries
            m.mrr /= m.queries
    return dict(sorted(sums.items()))


def fit_calibration(
    engine: SkillInferenceEngine,
    queries: Sequence[EvalQuery],
    *,
    engine_for: Callable[[EvalQuery], SkillInferenceEngine] | None = None,
    iterations: int = 400,
) -> Calibration:
    """Fit the logistic weights on candidate features of the given (development) queries."""
    xs: list[list[float]] = []
    ys: list[float] = []
    for q in queries:
        eng = engine_for(q) if engine_for else engine
        for f, uri in eng.candidate_features(q.text):
            xs.append(
                [1.0, f.dense_z if math.isfinite(f.dense_z) else 0.0, f.lexical, float(min(f.support, 4))]
            )
            ys.append(1.0 if uri in q.gold else 0.0)
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    w = np.array([-6.0, 0.9, 3.0, 0.25])
    sample_w = np.ones_like(y)  # unweighted: the confidence should read as a probability of being right
    for _ in range(iterations):  # Newton steps on the weighted log-loss, lightly regularised
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (sample_w * (p - y)) / len(y) + 1e-3 * w
        hess = (x * (sample_w * p * (1 - p))[:, None]).T @ x / len(y) + 1e-3 * np.eye(4)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return Calibration(bias=float(w[0]), dense=float(w[1]), lexical=float(w[2]), support=float(w[3]))


class CachingBackend:
    """Wraps a backend and remembers query embeddings, so several modes and the fit embed each text once."""

    def __init__(self, inner: EmbeddingBackend, path: Path | None = None) -> None:
        self.inner = inner
        self.path = path
        self._cache: dict[str, np.ndarray] = {}
        if path is not None and path.is_file():
            with np.load(path, allow_pickle=False) as saved:
                for text, vector in zip(saved["texts"].tolist(), saved["vectors"], strict=True):
                    self._cache[text] = vector

    def save(self) -> None:
        """Keep the query embeddings on disk (re-running the evaluation then embeds only new texts)."""
        if self.path is None or not self._cache:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self._cache)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, texts=np.array(texts), vectors=np.stack([self._cache[t] for t in texts]))
        os.replace(tmp, self.path)

    @property
    def model_id(self) -> str:
        """The wrapped backend's model id."""
        return self.inner.model_id

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed the texts not seen before, in one batch."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for t, v in zip(todo, self.inner.embed_queries(todo), strict=True):
                self._cache[t] = v
        return np.stack([self._cache[t] for t in texts]) if texts else self.inner.embed_queries([])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Delegate."""
        return self.inner.embed_passages(texts)


def run_comparison(
    engine: SkillInferenceEngine,
    data_dir: Path,
    *,
    per_set: int = 200,
    split: str = "test",
    fit: bool = False,
    log: Callable[[str], None] = lambda _msg: None,
    query_cache: Path | None = None,
    source: str = "esco",
) -> dict[str, Any]:
    """Lexical-only, dense-only and combined figures per query set; optionally fit the calibration on dev."""
    if engine.backend is None:
        raise ValueError("evaluation needs an embedding backend")
    backend = CachingBackend(engine.backend, query_cache)
    if source == "oasis":
        queries = build_oasis_descriptor_set(data_dir, per_set=per_set)
    else:
        queries = build_evaluation_set(data_dir, engine.index.records, per_set=per_set)
    base = SkillInferenceEngine(engine.index, backend, matcher=engine.matcher, config=engine.config)
    held = LexicalMatcher(holdout_records(engine.index.records, queries))
    alt = SkillInferenceEngine(engine.index, backend, matcher=held, config=engine.config)

    def pick(
        e_base: SkillInferenceEngine, e_alt: SkillInferenceEngine
    ) -> Callable[[EvalQuery], SkillInferenceEngine]:
        return lambda q: e_alt if q.set_name == "esco-altlabels" else e_base

    report: dict[str, Any] = {"model": engine.index.model_id, "release": engine.index.release, "results": {}}
    if fit:
        dev = [q for q in queries if q.split == "dev"]
        log(f"fitting the calibration on {len(dev)} development queries")
        cal = fit_calibration(base, dev, engine_for=pick(base, alt))
        backend.save()
        report["calibration"] = asdict(cal)
        config = replace(engine.config, calibration=cal)
        base = SkillInferenceEngine(engine.index, backend, matcher=engine.matcher, config=config)
        alt = SkillInferenceEngine(engine.index, backend, matcher=held, config=config)
    chosen = [q for q in queries if split == "both" or q.split == split]
    modes: tuple[Mode, ...] = ("lexical", "dense", "combined")
    for mode in modes:
        started = time.perf_counter()
        scores = evaluate(base, chosen, mode=mode, engine_for=pick(base, alt))
        log(f"{mode}: {time.perf_counter() - started:.0f} s")
        report["results"][mode] = {k: asdict(v) for k, v in scores.items()}
        backend.save()
    # a constant ranking (the URIs most often correct in the dev half): what knowing no text would score
    report["results"]["prior"] = {k: asdict(v) for k, v in prior_baseline(queries, split).items()}
    report["table"] = _table(report["results"])
    return report


def _table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    keys = sorted({k for by_set in results.values() for k in by_set})
    lines = [
        "| query set | n | " + " | ".join(f"{m} R-P@5 | {m} MRR" for m in results) + " |",
        "|---|---|" + "---|---|" * len(results),
    ]
    for key in keys:
        n = results["combined"][key]["queries"]
        cells = [
            f"{results[m][key]['r_precision_5']:.3f} | {results[m][key]['mrr']:.3f}"
            if key in results[m]
            else "– | –"
            for m in results
        ]
        lines.append(f"| {key} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
