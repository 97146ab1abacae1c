"""The skill-inference engine with the deterministic hashing backend (no model, no database)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bridgeway.plar.inference import (
    CompetencyRecord,
    EmptyText,
    HashingBackend,
    SkillInferenceEngine,
    TextTooLong,
    UnexpectedLanguage,
    build_index,
    load_or_build_index,
)
from bridgeway.plar.inference.engine import InferenceConfig
from bridgeway.plar.inference.evaluation import EvalQuery, fit_calibration, mrr, r_precision_at
from bridgeway.plar.inference.index import cache_dir_for

RECORDS = (
    CompetencyRecord(
        "urn:test:weld",
        "operate welding equipment",
        ("weld", "use welding equipment"),
        "Use equipment to melt and join pieces of metal or steel.",
    ),
    CompetencyRecord(
        "urn:test:forklift",
        "operate forklift",
        ("drive forklift",),
        "Operate a forklift, a vehicle to lift and carry heavy loads.",
    ),
    CompetencyRecord(
        "urn:test:blueprint",
        "read standard blueprints",
        ("interpret blueprints",),
        "Read and comprehend standard blueprints, machine and process drawings.",
    ),
    CompetencyRecord(
        "urn:test:budget",
        "manage budgets",
        ("control budget", "budget management"),
        "Plan, monitor and report on the budget.",
    ),
    CompetencyRecord(
        "urn:test:train",
        "train employees",
        ("coach staff", "instruct employees"),
        "Lead and guide employees through a process in which they are taught the skills needed.",
    ),
    CompetencyRecord(
        "urn:test:cook", "cook meals", ("prepare food",), "Prepare and cook dishes in a kitchen."
    ),
    CompetencyRecord(
        "urn:test:accounting",
        "accounting",
        (),
        "Recording and summarising financial transactions.",
        kind="knowledge",
    ),
)


@pytest.fixture
def engine() -> SkillInferenceEngine:
    backend = HashingBackend()
    return SkillInferenceEngine(build_index(RECORDS, backend, release="test"), backend)


def test_a_label_written_in_the_text_ranks_its_competency_first(engine: SkillInferenceEngine) -> None:
    result = engine.infer("Operated a forklift in a busy warehouse.", top_k=3)
    assert result.proposals[0].uri == "urn:test:forklift"
    assert result.language == "en"


def test_evidence_points_at_the_sentence_and_the_words_that_matched(engine: SkillInferenceEngine) -> None:
    text = "Kept the shop tidy. Welded steel frames for trailers."
    proposal = next(p for p in engine.infer(text, top_k=5).proposals if p.uri == "urn:test:weld")
    evidence = proposal.evidence[0]
    assert evidence.sentence == "Welded steel frames for trailers."
    assert text[evidence.start : evidence.end] == evidence.sentence
    assert evidence.matched_words == ("Welded",)
    assert evidence.matched_label == "weld"


def test_each_sentence_of_a_long_text_contributes_its_own_competencies(engine: SkillInferenceEngine) -> None:
    text = (
        "Operated forklifts.\nRead blueprints for every job.\nPrepared the annual budget and controlled it."
    )
    uris = [p.uri for p in engine.infer(text, top_k=3).proposals]
    assert set(uris) == {"urn:test:forklift", "urn:test:blueprint", "urn:test:budget"}


def test_a_misspelt_word_still_matches_a_label(engine: SkillInferenceEngine) -> None:
    proposals = engine.infer("Interpretted bluepirnts daily", top_k=1, mode="lexical").proposals
    assert proposals[0].uri == "urn:test:blueprint"


def test_confidences_are_probabilities_in_descending_order(engine: SkillInferenceEngine) -> None:
    proposals = engine.infer("Trained new employees and cooked meals for the crew.", top_k=7).proposals
    confidences = [p.confidence for p in proposals]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)


def test_an_empty_text_is_refused(engine: SkillInferenceEngine) -> None:
    with pytest.raises(EmptyText):
        engine.infer("   \n  ")


def test_a_text_longer_than_the_limit_is_refused() -> None:
    backend = HashingBackend()
    small = SkillInferenceEngine(
        build_index(RECORDS, backend, release="t"), backend, config=InferenceConfig(max_chars=50)
    )
    with pytest.raises(TextTooLong) as caught:
        small.infer("welding " * 20)
    assert caught.value.detail == {"length": 160, "max_chars": 50}


def test_a_text_in_an_unsupported_language_is_refused(engine: SkillInferenceEngine) -> None:
    with pytest.raises(UnexpectedLanguage):
        engine.infer("Ich habe die Maschinen mit dem Team gewartet und die Mitarbeiter geschult")


def test_many_texts_are_answered_in_order_with_errors_in_place(engine: SkillInferenceEngine) -> None:
    outcomes = engine.infer_many(["Cooked meals", "", "Drove a forklift"], top_k=1)
    assert outcomes[0].proposals[0].uri == "urn:test:cook"  # type: ignore[union-attr]
    assert isinstance(outcomes[1], EmptyText)
    assert outcomes[2].proposals[0].uri == "urn:test:forklift"  # type: ignore[union-attr]


def test_lexical_mode_runs_without_an_embedding_backend() -> None:
    index = build_index(RECORDS, HashingBackend(), release="t")
    lexical_only = SkillInferenceEngine(index, None)
    result = lexical_only.infer("Managed budgets", mode="lexical", top_k=1)
    assert result.proposals[0].uri == "urn:test:budget"
    assert result.proposals[0].dense == 0.0


def test_dense_mode_ignores_labels_that_only_match_lexically(engine: SkillInferenceEngine) -> None:
    result = engine.infer("Operated a forklift", mode="dense", top_k=7)
    assert all(p.lexical == 0.0 for p in result.proposals)


def test_the_result_serialises_to_json(engine: SkillInferenceEngine) -> None:
    wire = json.loads(json.dumps(engine.infer("Welded pipes", top_k=2).to_dict()))
    assert wire["competencies"][0]["uri"] == "urn:test:weld"
    assert set(wire["competencies"][0]) == {
        "uri",
        "label",
        "source",
        "kind",
        "confidence",
        "scores",
        "evidence",
    }


def test_an_engine_refuses_an_index_built_with_another_model() -> None:
    index = build_index(RECORDS, HashingBackend(dim=64), release="t")
    with pytest.raises(ValueError, match="index built with hashing-64"):
        SkillInferenceEngine(index, HashingBackend(dim=128))


class CountingBackend(HashingBackend):
    """Counts passage embeddings, to see when the cache is used."""

    def __init__(self) -> None:
        super().__init__()
        self.passages = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return super().embed_passages(texts)


def test_the_index_is_cached_per_release_and_model_and_reused(tmp_path: Path) -> None:
    backend = CountingBackend()
    first = load_or_build_index(RECORDS, backend, release="esco-test", var_dir=tmp_path)
    second = load_or_build_index(RECORDS, backend, release="esco-test", var_dir=tmp_path)
    assert backend.passages == len(RECORDS)
    assert np.array_equal(first.vectors, second.vectors)
    manifest = json.loads(
        (cache_dir_for(tmp_path, release="esco-test", model_id="hashing-256") / "manifest.json").read_text()
    )
    assert manifest["count"] == len(RECORDS)
    assert manifest["model_id"] == "hashing-256"


def test_the_cache_is_rebuilt_when_the_competencies_change(tmp_path: Path) -> None:
    backend = CountingBackend()
    load_or_build_index(RECORDS, backend, release="esco-test", var_dir=tmp_path)
    load_or_build_index(RECORDS[:-1], backend, release="esco-test", var_dir=tmp_path)
    assert backend.passages == 2 * len(RECORDS) - 1


def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    backend = CountingBackend()
    load_or_build_index(RECORDS, backend, release="r", var_dir=tmp_path)
    (cache_dir_for(tmp_path, release="r", model_id=backend.model_id) / "vectors.npy").write_bytes(b"garbage")
    index = load_or_build_index(RECORDS, backend, release="r", var_dir=tmp_path)
    assert backend.passages == 2 * len(RECORDS)
    assert index.vectors.shape == (len(RECORDS), 256)


def test_r_precision_at_5_is_capped_by_the_number_of_correct_answers() -> None:
    assert r_precision_at(["a", "x", "y"], frozenset({"a"})) == 1.0
    assert r_precision_at(["x", "a", "b", "y", "z", "c"], frozenset({"a", "b", "c", "d", "e", "f"})) == 0.4


def test_mrr_is_the_reciprocal_rank_of_the_first_correct_answer() -> None:
    assert mrr(["x", "y", "a"], frozenset({"a"})) == pytest.approx(1 / 3)
    assert mrr(["x"], frozenset({"a"})) == 0.0


def test_calibration_learns_to_trust_lexical_matches_when_they_are_right(
    engine: SkillInferenceEngine,
) -> None:
    queries = [
        EvalQuery("t", "dev", text, frozenset({uri}), uri)
        for text, uri in [
            ("Operated forklifts", "urn:test:forklift"),
            ("Welded frames", "urn:test:weld"),
            ("Cooked meals", "urn:test:cook"),
            ("Trained employees", "urn:test:train"),
            ("Managed the budget", "urn:test:budget"),
            ("Read blueprints", "urn:test:blueprint"),
        ]
    ]
    calibration = fit_calibration(engine, queries)
    assert calibration.lexical > 0


def test_an_interrupted_index_build_resumes_from_its_finished_chunks(tmp_path: Path) -> None:
    class FailingBackend(CountingBackend):
        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            if self.passages >= 4:
                raise KeyboardInterrupt
            return super().embed_passages(texts)

    failing = FailingBackend()
    with pytest.raises(KeyboardInterrupt):
        build_index(RECORDS, failing, release="r", chunk=2, checkpoint_dir=tmp_path / "partial")
    resumed = CountingBackend()
    index = build_index(RECORDS, resumed, release="r", chunk=2, checkpoint_dir=tmp_path / "partial")
    assert resumed.passages == len(RECORDS) - 4
    assert np.allclose(index.vectors, build_index(RECORDS, HashingBackend(), release="r").vectors)


def test_the_evaluation_halves_share_no_occupation_group_or_skill(shared_data_dir: Path) -> None:
    from bridgeway.plar.inference.evaluation import build_evaluation_set
    from bridgeway.plar.inference.sources import read_esco_skills

    records = read_esco_skills(shared_data_dir / "esco-1.1.1")
    queries = build_evaluation_set(shared_data_dir, records, per_set=50)
    by_split: dict[str, set[str]] = {"dev": set(), "test": set()}
    for q in queries:
        by_split[q.split].add(q.key[:5] if q.set_name != "esco-altlabels" else q.key)
        assert q.gold
    assert by_split["dev"]
    assert by_split["test"]
    assert not by_split["dev"] & by_split["test"]
    assert {q.set_name for q in queries} == {
        "esco-altlabels",
        "oasis-duties",
        "oasis-titles",
        "noc-titles-en",
        "noc-titles-fr",
    }
