"""The search engine on a small in-memory index: typos, accents, alternative labels, ranking and filters."""

from __future__ import annotations

import pytest

from bridgeway.taxonomy.search import Document, IndexCache, Label, MatchKind, SearchIndex, normalise


def skill(code: str, label: str, *alts: str, source: str = "esco") -> Document:
    return Document(
        id=f"id-{code}",
        kind="competency",
        source=source,
        code=code,
        label=label,
        labels=tuple(Label(a, "alternative") for a in alts),
    )


def occupation(code: str, label: str, *titles: str, source: str = "oasis", lang: str = "en") -> Document:
    return Document(
        id=f"id-{code}",
        kind="occupation",
        source=source,
        code=code,
        label=label,
        labels=tuple(Label(t, "example_title", lang) for t in titles),
    )


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(
        [
            skill("s1", "join metals", "welding", "weld metal parts"),
            skill("s2", "operate welding equipment", "use welding equipment", "weld"),
            skill("s3", "welding techniques", "welding skills"),
            skill("s4", "wedding planning"),
            skill("s5", "operate lathe", "machine turning"),
            skill("s6", "install electrical wiring", "electrical installation"),
            skill("s7", "first aid", "first aid at work"),
            skill("s8", "provide first aid training"),
            skill("s9", "reading comprehension", source="oasis"),
            occupation("72106.00", "Welders and related machine operators", "welder", "soudeur", "soudeuse"),
            occupation(
                "72100.00", "Machinists and machining and tooling inspectors", "machinist", "machiniste"
            ),
            occupation("72200.00", "Electricians (except industrial and power system)", "electrician"),
            occupation("72201.00", "Électriciens industriels", "électricienne industrielle", lang="fr"),
            occupation("51-4121.00", "Welders, Cutters, Solderers, and Brazers", "Welder", source="onet"),
        ]
    )


def codes(index: SearchIndex, query: str, **filters: object) -> list[str]:
    return [h.document.code for h in index.search(query, **filters).hits]  # type: ignore[arg-type]


def test_normalising_removes_case_accents_ligatures_and_punctuation() -> None:
    assert normalise("  Électricien·ne d'ŒUVRE — Sécurité ") == "electricien ne d oeuvre securite"


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("weldng", "s1"), ("machinst", "72100.00"), ("electricain", "72200.00"), ("wleding", "s1")],
)
def test_a_word_with_a_typo_still_finds_what_was_meant(index: SearchIndex, typo: str, expected: str) -> None:
    hits = index.search(typo).hits
    assert expected in [h.document.code for h in hits[:3]]
    assert all(h.match is MatchKind.FUZZY for h in hits)


def test_a_typo_ranks_the_nearer_spelling_first(index: SearchIndex) -> None:
    found = codes(index, "electricain")
    assert found.index("72200.00") < found.index("s6")  # "electrician" is one edit away, "electrical" two


def test_short_words_tolerate_one_typo_only(index: SearchIndex) -> None:
    assert codes(index, "reading") == ["s9"]  # "welding" is two edits away


def test_french_queries_match_without_their_accents_and_the_other_way_round(index: SearchIndex) -> None:
    assert codes(index, "electricienne industrielle")[0] == "72201.00"
    assert codes(index, "Électriciens")[0] == "72201.00"
    hit = index.search("electriciens industriels").hits[0]
    assert hit.matched_label == "Électriciens industriels"


def test_an_alternative_label_or_example_title_finds_its_entry_and_says_which_label_matched(
    index: SearchIndex,
) -> None:
    hit = index.search("soudeuse").hits[0]
    assert hit.document.code == "72106.00"
    assert (hit.matched_label, hit.matched_label_kind, hit.match) == (
        "soudeuse",
        "example_title",
        MatchKind.EXACT,
    )


def test_exact_then_prefix_then_all_words_matches_rank_in_that_order(index: SearchIndex) -> None:
    hits = index.search("welding").hits
    assert [(h.document.code, h.match) for h in hits] == [
        ("s1", MatchKind.EXACT),  # its alternative label "welding"
        ("s3", MatchKind.PREFIX),  # "welding techniques"
        ("s2", MatchKind.WORDS),  # "operate welding equipment"
    ]


def test_a_correctly_spelt_word_is_not_also_matched_as_a_typo_of_another(index: SearchIndex) -> None:
    assert "s4" not in codes(index, "welding")  # "wedding" is one edit from "welding"
    assert codes(index, "wedding") == ["s4"]


def test_a_word_missing_from_every_label_still_lets_the_others_match_below_full_matches(
    index: SearchIndex,
) -> None:
    hits = index.search("first aid qzxv").hits
    assert [h.document.code for h in hits] == ["s7", "s8"]
    assert all(h.match is MatchKind.FUZZY for h in hits)


def test_the_start_of_a_word_finds_labels_as_the_user_types(index: SearchIndex) -> None:
    hits = index.search("first ai").hits
    assert [h.document.code for h in hits[:2]] == ["s7", "s8"]
    assert hits[0].match is MatchKind.PREFIX
    assert hits[1].match is MatchKind.WORDS


def test_every_word_of_the_query_must_appear_in_some_form(index: SearchIndex) -> None:
    assert codes(index, "welding equipment") == ["s2"]
    assert codes(index, "operate equipmnt") == ["s2"]


def test_an_entry_appears_once_with_its_best_label(index: SearchIndex) -> None:
    found = codes(index, "weld")
    assert len(found) == len(set(found))
    assert index.search("weld").hits[0].document.code == "s2"  # its alternative label "weld" is exact


def test_filters_keep_only_the_kind_and_source_asked_for(index: SearchIndex) -> None:
    assert set(codes(index, "welder", kinds=["occupation"], sources=["onet"])) == {"51-4121.00"}
    assert "72106.00" not in codes(index, "weld", kinds=["competency"])
    assert codes(index, "reading", sources=["esco"]) == []


def test_results_page_through_with_a_total(index: SearchIndex) -> None:
    everything = index.search("weld", limit=100)
    first = index.search("weld", limit=2)
    second = index.search("weld", limit=2, offset=2)
    assert first.total == second.total == everything.total == len(everything.hits)
    assert [h.document.code for h in first.hits + second.hits] == [
        h.document.code for h in everything.hits[:4]
    ]


def test_an_empty_query_lists_entries_alphabetically(index: SearchIndex) -> None:
    result = index.search("  ", kinds=["competency"], limit=3)
    assert result.total == 9
    assert [h.document.label for h in result.hits] == [
        "first aid",
        "install electrical wiring",
        "join metals",
    ]


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    assert index.search("qzxv jjkw").total == 0


def test_the_cache_rebuilds_only_when_its_key_changes() -> None:
    cache = IndexCache()
    built: list[str] = []

    def build(label: str) -> SearchIndex:
        built.append(label)
        return SearchIndex([skill("x", label)])

    first = cache.get(("esco:1",), lambda: build("one"))
    assert cache.get(("esco:1",), lambda: build("again")) is first
    assert cache.get(("esco:1", "esco:2"), lambda: build("two")).search("two").total == 1
    assert built == ["one", "two"]
