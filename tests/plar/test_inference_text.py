"""Text units, stems and language detection for skill inference (pure, no model)."""

from __future__ import annotations

from bridgeway.plar.inference.language import detect_language
from bridgeway.plar.inference.text import split_units, stem, words


def test_duty_lines_and_sentences_become_units_with_exact_offsets() -> None:
    text = "Welded steel pipes. Read blueprints.\n\nTrained apprentices\r\nGérer l'entretien des équipements."
    units = split_units(text)
    assert [u.text for u in units] == [
        "Welded steel pipes.",
        "Read blueprints.",
        "Trained apprentices",
        "Gérer l'entretien des équipements.",
    ]
    assert all(text[u.start : u.end] == u.text for u in units)


def test_bullets_and_numbering_are_not_part_of_a_unit() -> None:
    units = split_units("- operated forklifts\n• kept records\n2) trained staff")
    assert [u.text for u in units] == ["operated forklifts", "kept records", "trained staff"]


def test_a_very_long_sentence_is_cut_into_several_units() -> None:
    text = ", ".join(["inspected welds on pressure vessels"] * 40)
    units = split_units(text)
    assert len(units) > 1
    assert all(len(u.text) <= 400 for u in units)
    assert all(text[u.start : u.end] == u.text for u in units)


def test_a_line_of_punctuation_only_gives_no_unit() -> None:
    assert split_units(" -- \n ... \n") == []


def test_inflected_forms_share_a_stem() -> None:
    assert stem("welded") == stem("welding") == stem("weld")
    assert stem("supplies") == stem("supply")
    assert stem("managing") == stem("manage") == stem("management")


def test_words_are_folded_and_keep_their_offsets() -> None:
    found = words("Gérer l'Équipe", offset=10)
    assert [w.folded for w in found] == ["gerer", "l'equipe"]
    assert (found[0].start, found[0].end) == (10, 15)


def test_english_and_french_prose_are_told_apart() -> None:
    assert (
        detect_language(
            "I was responsible for the maintenance of the fleet and the training of staff"
        ).language
        == "en"
    )
    assert (
        detect_language(
            "J'ai assuré l'entretien des véhicules et la formation du personnel de l'atelier"
        ).language
        == "fr"
    )


def test_german_prose_is_recognised_as_another_language() -> None:
    assert (
        detect_language("Ich habe die Maschinen mit dem Team gewartet und die Mitarbeiter geschult").language
        == "de"
    )


def test_a_bare_job_title_is_undetermined_or_accepted() -> None:
    assert detect_language("welder").language == "und"
