"""The engine's speed levers keep its answers (dense budget, query cache, counting matcher); the OaSIS evaluation set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bridgeway.plar.inference import CompetencyRecord, HashingBackend, SkillInferenceEngine, build_index
from bridgeway.plar.inference.engine import InferenceConfig, choose_dense_units
from bridgeway.plar.inference.evaluation import EvalQuery, build_oasis_descriptor_set, prior_baseline
from bridgeway.plar.inference.lexical import LexicalMatcher
from bridgeway.plar.inference.sources import oasis_top_rated
from bridgeway.plar.inference.text import Unit, split_units

RECORDS = (
    CompetencyRecord("urn:t:weld", "operate welding equipment", ("weld metal parts",)),
    CompetencyRecord("urn:t:forklift", "operate forklift", ("drive forklift",)),
    CompetencyRecord("urn:t:payroll", "process payroll", ("prepare payroll records",)),
    CompetencyRecord("urn:t:invoice", "issue sales invoices", ("prepare customer invoices",)),
    CompetencyRecord("urn:t:safety", "apply health and safety standards", ("follow safety procedures",)),
    CompetencyRecord("urn:t:hydro", "maintain hydraulic systems", ("repair hydraulic pumps and valves",)),
)

RESUME = (
    "Maintenance technician, 2016 to 2024.\n"
    "- Welded metal parts for the packaging line every week.\n"
    "- Repaired hydraulic pumps and valves on the presses.\n"
    "Skills:\n"
    "- Drove a forklift in the shipping yard during the night shift.\n"
    "- Prepared payroll records for the crew of twelve technicians.\n"
    "- Followed safety procedures during monthly inspections of the plant.\n"
)


class CountingBackend(HashingBackend):
    """The hashing backend, remembering every batch of queries it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed, and record the batch."""
        self.batches.append(list(texts))
        return super().embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed competency passages without recording them."""
        return super().embed_queries(texts)


def _engine(budget: int | None, backend: HashingBackend | None = None) -> SkillInferenceEngine:
    backend = backend or HashingBackend()
    config = InferenceConfig(dense_token_budget=budget)
    return SkillInferenceEngine(build_index(RECORDS, backend, release="t"), backend, config=config)


def _tokens(text: str) -> int:
    return HashingBackend().count_tokens(text)


def test_a_text_within_the_budget_is_read_whole_by_the_model() -> None:
    units = split_units(RESUME)
    assert choose_dense_units(units, _tokens, budget=10_000, max_units=120) == list(range(len(units)))
    assert choose_dense_units(units, _tokens, budget=None, max_units=120) == list(range(len(units)))


def test_a_long_text_is_read_by_the_model_up_to_its_budget_duty_lines_first() -> None:
    units = split_units(RESUME)
    budget = sum(_tokens(units[i].text) for i in (1, 2, 4))
    chosen = choose_dense_units(units, _tokens, budget=budget, max_units=120)
    assert chosen == [1, 2, 4]  # the job title and "Skills:" wait for spare budget
    assert sum(_tokens(units[i].text) for i in chosen) <= budget


def test_one_unit_is_read_even_when_it_alone_exceeds_the_budget() -> None:
    units = [Unit("Repaired hydraulic pumps and valves on the presses", 0, 51)]
    assert choose_dense_units(units, _tokens, budget=2, max_units=120) == [0]


def test_sentences_beyond_the_budget_are_still_matched_by_their_labels() -> None:
    engine = _engine(budget=30)
    result = engine.infer(RESUME, top_k=10)
    uris = {p.uri for p in result.proposals}
    assert "urn:t:safety" in uris  # its sentence is the last one, beyond the budget
    safety = next(p for p in result.proposals if p.uri == "urn:t:safety")
    assert safety.evidence[0].sentence.startswith("Followed safety procedures")
    assert safety.evidence[0].matched_words == ("Followed", "safety", "procedures")
    assert result.notes
    assert "of 7 sentences were read by the language model" in result.notes[0]


def test_a_budget_that_covers_the_text_changes_nothing() -> None:
    whole = _engine(budget=None).infer(RESUME, top_k=6)
    budgeted = _engine(budget=10_000).infer(RESUME, top_k=6)
    assert budgeted == whole
    assert not budgeted.notes


def test_a_repeated_line_is_embedded_once_and_the_cache_can_be_cleared() -> None:
    backend = CountingBackend()
    engine = _engine(budget=None, backend=backend)
    first = engine.infer_many(["Drove a forklift.", "Drove a forklift.\nWelded metal parts."], top_k=3)
    assert backend.batches == [["Drove a forklift.", "Welded metal parts."]]
    again = engine.infer("Welded metal parts.", top_k=3)
    assert len(backend.batches) == 1
    assert again == _engine(budget=None).infer("Welded metal parts.", top_k=3)
    assert first[0] == _engine(budget=None).infer("Drove a forklift.", top_k=3)
    engine.clear_caches()
    engine.infer("Welded metal parts.", top_k=3)
    assert backend.batches[-1] == ["Welded metal parts."]


def test_the_query_cache_keeps_only_its_most_recent_texts() -> None:
    backend = CountingBackend()
    config = InferenceConfig(dense_token_budget=None, query_cache_size=2)
    engine = SkillInferenceEngine(build_index(RECORDS, backend, release="t"), backend, config=config)
    for text in ("Welded metal parts.", "Drove a forklift.", "Prepared payroll records."):
        engine.infer(text, top_k=2)
    engine.infer("Welded metal parts.", top_k=2)  # evicted: embedded again
    assert backend.batches[-1] == ["Welded metal parts."]
    engine.infer("Prepared payroll records.", top_k=2)  # still cached
    assert len(backend.batches) == 4


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Repaired the hydraulic pumps and valves.", {"urn:t:hydro"}),  # stop words between stems
        ("We prepare records of the payroll.", {"urn:t:payroll"}),  # every stem, out of order
        ("Kept payroll up to date.", set()),  # one stem of two-stem labels is not enough
    ],
)
def test_a_label_matches_when_its_stems_are_present(sentence: str, expected: set[str]) -> None:
    matcher = LexicalMatcher(RECORDS)
    hits = matcher.match(split_units(sentence)[0])
    assert {RECORDS[h.record].uri for h in hits} == expected


def test_a_label_of_three_stems_matches_partly_only_with_its_rarest_stem() -> None:
    records = (
        *RECORDS,
        CompetencyRecord("urn:t:pumps", "install pumps", ()),
        CompetencyRecord("urn:t:valves", "inspect valves", ()),
        CompetencyRecord("urn:t:machines", "repair machinery", ()),
    )
    matcher = LexicalMatcher(records)
    rarest = {p.text: p.rarest for p in matcher.phrases}["repair hydraulic pumps and valves"]
    assert rarest == "hydraulic"
    with_rarest = matcher.match(split_units("Fixed hydraulic pumps and valves.")[0])
    without = matcher.match(split_units("Repaired pumps and valves.")[0])
    partial = [h for h in with_rarest if records[h.record].uri == "urn:t:hydro"]
    assert partial
    assert 0 < partial[0].score < 1
    assert "urn:t:hydro" not in {records[h.record].uri for h in without}


def _write_oasis(folder: Path) -> None:
    folder.mkdir(parents=True)
    files = {
        "skills_oasis_2023_v1.0.csv": "OaSIS Code - Final,OaSIS Label - Final,Critical Thinking,Repairing \n"
        "72400.01,Millwrights,3,5\n72400.02,Mechanics,4,4\n11100.00,Accountants,5,0\n",
        "abilities_oasis_2023_v1.0.csv": "OaSIS Code - Final,OaSIS Label - Final,Manual Dexterity\n"
        "72400.01,Millwrights,4\n72400.02,Mechanics,x\n11100.00,Accountants,1\n",
        "knowledges_oasis_2023_v1.0.csv": "OaSIS Code - Final,OaSIS Label - Final,Mechanical\n"
        "72400.01,Millwrights,3\n72400.02,Mechanics,2\n11100.00,Accountants,0\n",
        "main-duties_oasis-2023_v1.0.csv": "OaSIS profile code,OaSIS Label - Final,Main duties\n"
        "72400.01,Millwrights,Install machinery\n72400.01,Millwrights,Repair pumps\n"
        "11100.00,Accountants,Prepare financial statements\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_oasis_descriptors_rated_at_the_top_of_their_scale_are_the_gold_of_a_profile(tmp_path: Path) -> None:
    oasis = tmp_path / "canada" / "oasis-2023-v1.0"
    _write_oasis(oasis)
    top = oasis_top_rated(oasis)
    assert top["72400.01"] == {
        "oasis:skills:repairing",
        "oasis:abilities:manual-dexterity",
        "oasis:knowledges:mechanical",
    }
    assert top["72400.02"] == {"oasis:skills:critical-thinking", "oasis:skills:repairing"}  # 'x' is no rating
    queries = build_oasis_descriptor_set(tmp_path)
    by_code = {q.key: q for q in queries}
    assert set(by_code) == {"72400.01", "11100.00"}  # profiles without main duties are left out
    assert by_code["72400.01"].text == "Install machinery\nRepair pumps"
    assert by_code["11100.00"].gold == {"oasis:skills:critical-thinking"}


def test_the_prior_baseline_ranks_what_the_dev_half_most_often_calls_correct() -> None:
    def q(split: str, gold: set[str]) -> EvalQuery:
        return EvalQuery("s", split, "text", frozenset(gold), split)

    queries = [q("dev", {"a", "b"}), q("dev", {"a"}), q("test", {"a"}), q("test", {"c"})]
    scores = prior_baseline(queries, "test")["s/test"]
    assert scores.queries == 2
    assert scores.mrr == pytest.approx((1.0 + 0.0) / 2)  # 'c' is never in the dev half's gold
    assert scores.r_precision_5 == pytest.approx(0.5)
