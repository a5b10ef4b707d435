"""PDF reading fidelity on real documents: side column, columns, footnote zone, headings, unreadable pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coi.errors import InputError
from coi.formats.pdf import ranges, read
from coi.formats.pdf_layout import Word, join_letter_spacing
from coi.parse import parse_file
from tests.conftest import parse_once

PDF = Path(__file__).parent / "fixtures" / "pdf"


@pytest.fixture(autouse=True)
def _text_layers_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about text layers; what OCR makes of the image pages is tests/test_ocr.py."""
    from coi.formats import ocr

    monkeypatch.setattr(ocr, "available", lambda: "Tesseract is not installed")


def _body(name: str) -> list[str]:
    return [line.text for line in read(next(PDF.glob(f"{name}*.pdf"))).lines if line.zone == "body"]


def test_bullets_and_short_words_at_a_line_start_stay_in_the_body() -> None:
    # Most body lines of this memo start after a bullet, so the bullets and a line starting further left
    # ("de Directeur-generaal") were taken for the side column and lost.
    body = _body("beslisnota_EZK")
    assert "de Directeur-generaal Economie en Digitalisering" in body
    assert sum(line.startswith("• ") for line in body) >= 12
    doc = parse_file(next(PDF.glob("beslisnota_EZK*.pdf")))
    assert [p.anchor for p in doc.passages if p.anchor[0].isdigit()] == ["1", "2", "3", "4"]
    assert next(p for p in doc.passages if p.anchor == "2").heading == "Openstelling subsidieregeling per 1 april 2024"


def test_two_column_page_is_read_column_by_column() -> None:
    body = "\n".join(_body("h-tk-20232024-40-6"))
    assert ("Helemaal eens. De huurverhoging in de sociale sector kan\n5,8% zijn. Dat moeten we niet doen. "
            "Maar mijn vraag gaat\nhierover:") in body
    assert "constaterende dat beleggers jaarlijks duizenden potentieel\nbetaalbare huur- of koopwoningen" in body


def test_single_column_page_with_side_column_is_unchanged() -> None:
    lines = read(PDF / "kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf").lines
    body = [ln.text for ln in lines if ln.zone == "body"]
    assert "opgenomen dat Nederland het belang van meer kennis en inzicht over ultrafijn" in body
    assert any(ln.zone == "sidebar" and ln.text == "IENW/BSK-2022/268034" for ln in lines)


def test_inventory_table_rows_are_body_not_footnotes() -> None:
    # Rows "1 826329 klacht x x" in small type at a page bottom, and no footnote marker cites them.
    lines = read(next(PDF.glob("wob_NVWA*.pdf"))).lines
    assert not [ln for ln in lines if ln.zone == "footnote"]
    assert "1 826329 klacht x x x x" in [ln.text for ln in lines]


def test_footnote_zone_needs_a_cited_number() -> None:
    lines = read(PDF / "kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf").lines
    notes = [ln.text for ln in lines if ln.zone == "footnote"]
    assert notes[0].startswith("1 ") and any(n.startswith("16 ") for n in notes)


def test_image_only_pages_inside_a_text_pdf_are_reported() -> None:
    extracted = read(next(PDF.glob("wob_RVO*.pdf")))
    assert any("pages 3, 5-8, 10-13: no text layer (image only); OCR not done" in w for w in extracted.warnings)
    assert {ln.page for ln in extracted.lines if ln.text} == {1, 2, 4, 9, 14, 15}
    body = [ln.text for ln in extracted.lines]
    assert "Verzonden: donderdag 9 mei 2019 16:40" in body  # e-mail headers stay in the body
    assert "Prima, dat wachten we rustig af." in body
    assert any("OCR not done" in w for w in parse_file(next(PDF.glob("wob_RVO*.pdf"))).warnings)


def test_text_layer_of_cid_codes_is_refused_not_indexed() -> None:
    with pytest.raises(InputError, match=r"no readable text layer \(text layer without a character map"):
        read(next(PDF.glob("brief_Adviescommissie*.pdf")))


def _w(text: str, x0: float, size: float = 10.0) -> Word:
    return Word(text, x0, x0 + 5.0 * len(text), 100.0, 100.0 + size, size, "F")


def test_letter_spacing_is_joined_by_gaps_relative_to_the_font_size() -> None:
    # "T e n  a a n z i e n": letters 2 pt apart, the words 6 pt
    x, words = 0.0, []
    for word in ("Ten", "aanzien"):
        for c in word:
            words.append(_w(c, x))
            x += 7.0
        x += 4.0
    words.append(_w("van", x + 2.0))
    assert [w.text for w in join_letter_spacing(words)] == ["Ten", "aanzien", "van"]
    # single words of ordinary text are left alone
    plain = [_w("U", 0), _w("wordt", 8), _w("a", 38), _w("b", 46)]
    assert [w.text for w in join_letter_spacing(plain)] == ["U", "wordt", "a", "b"]


def test_ranges() -> None:
    assert ranges([3, 5, 6, 7, 8, 10, 11, 12, 13]) == "3, 5-8, 10-13"
    assert ranges([4]) == "4"


def test_headings_by_layout_not_font_name() -> None:
    lines = read(PDF / "kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf").lines
    headings = [ln.text for ln in lines if ln.heading]
    assert "Structureel meten en monitoren van ultrafijn stof in Nederland" in headings
    assert not any(re.search(r"[,;]$", h) for h in headings)


@pytest.mark.parametrize(("name", "word"), [
    ("wob_Amsterdam_2018", "Willem-III-sluis"),  # a compound with a hyphen inside broke as "Willem-III- sluis"
    ("beslisnota_IenW", "EU-basisverordening"),
    ("beslisnota_EZK", "ICT-technische"),
])
def test_hyphen_at_a_line_end_kept_when_it_belongs_to_the_word(name: str, word: str) -> None:
    text = "\n".join(p.text for p in parse_file(next(PDF.glob(f"{name}*.pdf"))).passages)
    assert word in text
    broken = [word[:i + 1] + " " + word[i + 1:] for i, c in enumerate(word) if c == "-"]
    assert not [b for b in broken if b in text]


def test_compound_with_inner_hyphen_keeps_its_line_end_hyphen() -> None:
    from coi.clean import join_lines

    assert join_lines(["binnen het ENTSO-E-", "verband en de", "Willem-III-", "sluis"]) == (
        "binnen het ENTSO-E-verband en de Willem-III-sluis")


def _cleaned_body(name: str) -> list:
    from coi.clean import remove_furniture
    from coi.footnotes import split_footnotes

    return split_footnotes(remove_furniture(read(next(PDF.glob(f"{name}*.pdf"))).lines).lines)[0]


def test_email_headers_repeated_in_a_thread_are_not_letterhead() -> None:
    # The subject and greeting recur in every message of a thread, twice on one page: text, not letterhead.
    texts = [line.text for line in _cleaned_body("wob_RVO")]
    assert texts.count("Onderwerp: RE: Renewal ICAR Certificate of Quality") == 2
    assert "Beste 10.2.e ," in texts and "Dear 10.2.e" in texts


def test_woo_emails_one_passage_group_per_message() -> None:
    from coi.genres import woo_emails

    body = _cleaned_body("wob_RVO")
    assert woo_emails.detect(body) > 0.9
    result = woo_emails.parse(body, {}, [])
    firsts = [d for d in result.drafts if re.fullmatch(r"bericht-\d+", d.anchor)]
    assert len(firsts) == 8
    assert firsts[0].heading == "RE: Jaarrapportage, van 10.2.e @crv4all.com>, donderdag 9 mei 2019 16:40"
    assert firsts[0].text == "Prima, dat wachten we rustig af."
    # a quoted reply starts a message of its own; a wrapped CC list stays in the header
    assert any(d.heading and d.heading.startswith("(geen onderwerp), van 10.2.e < 10.2.e @crv4all.com>, 7 mei 2019")
               for d in firsts)
    last = firsts[-1]
    assert last.heading.startswith("Renewal ICAR Certificate of Quality, van 10.2.e [mailto:")
    assert "Please find attached the auditors’ report" in last.text
    # the besluit before the first message of a Woo release stays in paragraphs
    nvwa = woo_emails.parse(_cleaned_body("wob_NVWA"), {}, [])
    assert nvwa.drafts[0].anchor == "alinea-1"
    assert any(d.anchor.startswith("bericht-") for d in nvwa.drafts)


def test_email_release_parses_per_message_and_keeps_text_after_a_greeting() -> None:
    # "Met vriendelijke groet," closes each message; read as a letter, everything after the first was cut.
    doc = parse_file(next(PDF.glob("wob_RVO*.pdf")))
    assert doc.doc_type.value == "document"
    anchors = [p.anchor for p in doc.passages]
    assert anchors[0] == "bericht-1" and "bericht-8" in anchors
    assert any("Please be advised that also the ICAR page" in p.text for p in doc.passages)


def test_ocr_layer_memo_keeps_its_sections() -> None:
    # An OCR layer sizes some lines larger: inside a paragraph they are no headings. With "de" at the line start
    # kept, the addressee "de minister van Volksgezondheid," is no signature that ends the text.
    name = "testdossiers__bes4"
    headings = [ln.text for ln in read(next(PDF.glob(f"{name}*.pdf"))).lines if ln.heading]
    assert "coronatijd niet door de beugel”." not in headings
    doc = parse_file(next(PDF.glob(f"{name}*.pdf")))
    assert len(doc.passages) >= 5
    assert any(p.text.startswith("Bijgaand treft u aan de antwoorden op de Kamervragen") for p in doc.passages)


def test_numbers_in_a_smaller_font_are_words_unless_raised_as_a_superscript() -> None:
    # A Woo memo set in a monospace font whose digits are a size smaller and barely raised: "Op 26 juni" is a date,
    # not "Op" with footnote marker 26; real markers stand 0.4-0.5 of the body size higher (every fixture PDF).
    body = " ".join(_body("testdossiers__woo1__171059"))
    for date in ("Op 26 juni", "26 juni, 10 juli, 7 augustus", "t/m 17 jaar"):
        assert date in body
    assert not re.search(r"\[(26|10|7|17)\]", body)
    # markers in the usual superscript stay markers, glued to their word
    marks = [m for t in _body("kamerbrief_IenW_2022-12-22") for m in re.findall(r"\S\[(\d+)\]", t)]
    assert marks == [str(n) for n in range(1, 17)]


def test_a_body_line_that_runs_close_to_the_side_column_does_not_take_its_words() -> None:
    # 9 pt lines that end 8.7 pt before the 6.8 pt side column ("Infrastructuur en", "IENW/BSK-2022/268034")
    lines = read(next(PDF.glob("kamerbrief_IenW_2022-12-22*.pdf"))).lines
    body = " ".join(ln.text for ln in lines if ln.zone == "body")
    assert "West-Europese markt ligt" in body and "vliegverkeer van de luchthavens Schiphol," in body
    assert "IENW/BSK" not in body and "Schiphol, Infrastructuur" not in body
    side = [ln.text for ln in lines if ln.zone == "sidebar"]
    assert side.count("Infrastructuur en") == side.count("Ministerie van") >= 8


def test_a_heading_in_large_type_is_set_apart_by_the_leading_of_the_text_above_it() -> None:
    # the AP's advice sets "6. Maatregelen" in 23 pt 31 pt below an 11 pt line: measured in its own size that
    # was no gap, the heading was missed, and every section from 2 to 8 was filed under "1.2 Achtergrond"
    doc = parse_once(str(next(PDF.glob("brief_AP_2020-08-06*.pdf")).relative_to(PDF.parent.parent.parent)))
    anchors = {p.anchor for p in doc.passages}
    assert {"2", "3", "4", "5", "6", "7", "8", "6.3", "7.3"} <= anchors
    backend = next(p for p in doc.passages if "Vanwege het ontbreken van een organisatie die de backend" in p.text)
    assert (backend.anchor, backend.heading) == ("6.3", "Backend server")
