"""Passages of a citable size: long sections split at paragraph boundaries, anchors stable and readable."""

from __future__ import annotations

from pathlib import Path

from coi.genres.common import MAX_PASSAGE_CHARS, Draft, split_long
from tests.conftest import parse_once

EMISSIES = Path("tests/fixtures/pdf/kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf")


def test_long_numbered_sections_of_a_letter_are_split_at_paragraphs() -> None:
    doc = parse_once(str(EMISSIES))
    by_anchor = {p.anchor: p for p in doc.passages}
    # section 1.2 held 6,339 characters in one passage
    assert {"1.2", "1.2-2"} <= set(by_anchor)
    assert by_anchor["1.2-2"].locator == "paragraaf 1.2, deel 2"
    assert by_anchor["1.2-2"].heading == by_anchor["1.2"].heading
    for p in doc.passages:
        assert len(p.text) <= MAX_PASSAGE_CHARS or "\n\n" not in p.text, p.anchor
    assert not [w for w in doc.warnings if "characters" in w]


def test_an_answer_is_split_into_parts_not_into_grouped_answers() -> None:
    paragraphs = [("Zin een. " * 250).strip(), ("Zin twee. " * 250).strip(), ("Zin drie. " * 10).strip()]
    drafts = split_long([Draft("antwoord-4", "antwoord op vraag 4", "Vraag?", "\n\n".join(paragraphs))])
    assert [d.anchor for d in drafts] == ["antwoord-4", "antwoord-4-deel-2"]
    assert drafts[1].locator == "antwoord op vraag 4, deel 2"
    assert drafts[1].text.startswith("Zin twee.") and drafts[1].text.endswith("Zin drie.")


def test_one_long_paragraph_stays_whole() -> None:
    text = "Een zin zonder einde " * 300
    assert [d.text for d in split_long([Draft("3", "paragraaf 3", None, text)])] == [text]


def test_a_table_of_contents_is_not_the_sections() -> None:
    # the AP letter's contents as its text layer gives them; sections then follow with numbers on their own line
    from coi.genres.common import find_sections
    from coi.lines import Line

    toc = ["1. Inleiding 3", "2. Wettelijk kader 4", "3. Feitelijke weergave voorgenomen verwerking 5",
           "4. Beoordeling voorgenomen verwerking 7", ""]
    body = ["1.", "Inleiding", "Op 30 juli heeft de minister de AP om advies gevraagd.", "", "2.", "Wettelijk kader",
            "De AVG is van toepassing.", "", "2.1", "Voorafgaande raadpleging", "Artikel 36 AVG bepaalt dit."]
    sections = find_sections([Line(t) for t in toc + body])
    assert [(s.number, s.title) for s in sections] == [("1", "Inleiding"), ("2", "Wettelijk kader"),
                                                       ("2.1", "Voorafgaande raadpleging")]


def test_a_section_number_is_no_redaction_code() -> None:
    from coi.clean import remove_furniture
    from coi.lines import Line

    cleaned = remove_furniture([Line(t) for t in ["Tekst.", "4.2.1", "5.1.2e", "10.2.e, 10.2.g"]])
    assert [line.text for line in cleaned.lines] == ["Tekst.", "4.2.1"]
    assert [rule for rule, _ in cleaned.removed] == ["redaction code", "redaction code"]
