"""Question and answer labels as people type them, on real Aanhangsels and small variants of them.

The variants change only the labels of the real Aanhangsel 387 text (every other line is real): no real document
we hold shows "Antwoord op vraag N", "Antwoord vraag N", "Vragen N en M", an unnumbered "Antwoord", a grouped
label with a comma missing, a ministry's answer document, or a document with only questions. Those are written
here as small realistic variants, and said to be.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coi.coverage import numbering_warnings
from coi.model import DocType, Document
from coi.parse import parse_file

REAL = Path("tests/fixtures/realdocs")
AH_387 = REAL / "ah-tk-20232024-387_zuidelijke-kaukasus.md.txt"
P02 = REAL / "p02_ah-tk-20222023-189_azerbeidzjan_armenie.txt"


def _variant(tmp_path: Path, replacements: dict[str, str]) -> Document:
    text = AH_387.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "variant.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def _anchors(doc: Document) -> list[str]:
    return [p.anchor for p in doc.passages]


def _text(doc: Document, anchor: str) -> str:
    return next(p.text for p in doc.passages if p.anchor == anchor)


def test_real_labels_as_they_stand() -> None:
    doc = parse_file(AH_387)
    assert _anchors(doc)[:8] == ["vraag-1", "antwoord-1", "vraag-2", "antwoord-2", "vraag-3", "antwoord-3",
                                 "vraag-4-5", "antwoord-4-5"]
    assert not numbering_warnings(doc.passages)


def test_antwoord_op_vraag_antwoord_vraag_vragen_and_unnumbered(tmp_path: Path) -> None:
    doc = _variant(tmp_path, {"\nAntwoord 1\n": "\nAntwoord op vraag 1\n", "\nAntwoord 2\n": "\nAntwoord vraag 2\n",
                              "\nVraag 4 en 5\n": "\nVragen 4 en 5\n", "\nAntwoord 6\n": "\nAntwoord\n"})
    assert _anchors(doc) == _anchors(parse_file(AH_387))
    assert _text(doc, "antwoord-6").startswith("In juli 2022 heeft de voorzitter")
    assert not numbering_warnings(doc.passages)


def test_a_line_that_starts_with_vraag_inside_an_answer_is_no_label(tmp_path: Path) -> None:
    old = "tijdens de RBZ van 23 oktober jl., zie ook het antwoord op vraag 3."
    doc = _variant(tmp_path, {old: old.replace("op vraag 3.", "op\nVraag 3. Zie verder hieronder.")})
    assert "antwoord op Vraag 3. Zie verder hieronder." in _text(doc, "antwoord-4-5")
    assert _anchors(doc) == _anchors(parse_file(AH_387))


def test_grouped_label_with_a_comma_missing(tmp_path: Path) -> None:
    # written variant: "Antwoord 4 en 5" typed "Antwoord 4 5 en 6" (a comma missing); answer 6 keeps its label
    doc = _variant(tmp_path, {"\nAntwoord 4 en 5\n": "\nAntwoord 4 5 en 6\n"})
    assert "antwoord-4-5-6" in _anchors(doc), _anchors(doc)
    assert _text(doc, "antwoord-6").startswith("In juli 2022 heeft de voorzitter")
    doc = _variant(tmp_path, {"\nAntwoord 4 en 5\n": "\nAntwoorden 4, 5 en 6\n"})
    assert "antwoord-4-5-6" in _anchors(doc), _anchors(doc)


def test_web_page_with_its_labels_lost() -> None:
    # p02: the labels fell out when the page was rendered; questions end in "?", the answer follows
    doc = parse_file(P02)
    assert doc.doc_type == DocType.KAMERVRAGEN
    assert _anchors(doc) == ["vraag-1", "antwoord-1", "vraag-2", "antwoord-2", "vraag-3", "antwoord-3"]
    assert _text(doc, "antwoord-1").startswith("De geweldsuitbarstingen tussen beide landen")
    assert _text(doc, "vraag-3").startswith("Deelt u de zorg dat Azerbeidzjan")
    assert "Volgens het energieministerie van Azerbeidzjan" in _text(doc, "antwoord-3")


MINISTRY_ANSWERS = """\
2024Z18294

Antwoord van minister Van Weel (Justitie en Veiligheid) (ontvangen 3 december 2024)

Vraag 1
Bent u bekend met het bericht dat de situatie voor terugkeerders naar Irak verslechtert?

Antwoord op vraag 1
Ja.

Vraag 2 en 3
Hoeveel personen zijn in 2024 teruggekeerd? Hoeveel van hen zijn gedetineerd?

Antwoord op vragen 2 en 3
Het precieze aantal is niet bekend. De Dienst Terugkeer en Vertrek registreert
niet wat er na aankomst met een terugkeerder gebeurt.
"""

QUESTIONS_ONLY = """\
Vragen van het lid Piri (GroenLinks-PvdA) aan de minister van Buitenlandse Zaken over de
arrestatie van journalisten in Azerbeidzjan (ingezonden 4 december 2024).

1
Bent u bekend met het bericht dat opnieuw journalisten van Abzas Media zijn gearresteerd?

2
Deelt u de zorg dat de persvrijheid in Azerbeidzjan verder onder druk staat?

3
Bent u bereid dit bij uw Azerbeidzjaanse ambtgenoot aan te kaarten?
"""


@pytest.mark.parametrize("name,text", [("ministry", MINISTRY_ANSWERS), ("questions", QUESTIONS_ONLY)])
def test_written_variants(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    assert doc.doc_type == DocType.KAMERVRAGEN
    if name == "ministry":
        assert _anchors(doc) == ["vraag-1", "antwoord-1", "vraag-2-3", "antwoord-2-3"]
        assert doc.identifiers["zaaknummer"] == "2024Z18294"
        assert doc.date is not None and doc.date.isoformat() == "2024-12-03"
        assert _text(doc, "antwoord-2-3").startswith("Het precieze aantal is niet bekend.")
    else:
        assert _anchors(doc) == ["vraag-1", "vraag-2", "vraag-3"]
        assert _text(doc, "vraag-2") == "Deelt u de zorg dat de persvrijheid in Azerbeidzjan verder onder druk staat?"
    assert doc.coverage is not None and doc.coverage.ratio >= 0.99, doc.warnings
