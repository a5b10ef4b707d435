"""Words joined over line breaks: a hyphen at the line end is kept where it belongs to the word."""

from __future__ import annotations

from pathlib import Path

from coi.clean import join_lines
from tests.conftest import parse_once


def test_hyphen_kept_after_capitals_on_a_real_letter() -> None:
    # "ReFuelEU-" / "verordening" at a line end of the IenW letter came out "ReFuelEUverordening"
    doc = parse_once("tests/fixtures/pdf/kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf")
    text = " ".join(p.text for p in doc.passages)
    assert "ReFuelEUverordening" not in text and "ReFuelEU-verordening" in text


def test_a_word_with_a_hyphen_keeps_the_one_at_the_line_end() -> None:
    # seed 003's footnote 3 read "people-to- people"; the issue's "ENTSO-E- verband"; Amsterdam's "Willem-III-"
    assert join_lines(["people-to-", "people contacten"]) == "people-to-people contacten"
    assert join_lines(["het ENTSO-E-", "verband"]) == "het ENTSO-E-verband"
    assert join_lines(["Willem-III-", "sluis"]) == "Willem-III-sluis"
    assert join_lines(["een fase-2-", "besluit"]) == "een fase-2-besluit"
    assert join_lines(["artikel 5-", "bis"]) == "artikel 5-bis"
    assert join_lines(["toe te voegen in het e-", "mailbericht."]) == "toe te voegen in het e-mailbericht."
    # and what was right stays right
    assert join_lines(["mishande-", "ling"]) == "mishandeling"
    assert join_lines(["vlucht-", "en vestigingsalternatief"]) == "vlucht- en vestigingsalternatief"
    assert join_lines(["EU-", "lidstaten"]) == "EU-lidstaten"


def test_e_mail_keeps_its_hyphen_on_a_real_decision() -> None:
    doc = parse_once("tests/fixtures/pdf/wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf")
    text = " ".join(p.text for p in doc.passages)
    assert "e-mailbericht" in text and "emailbericht" not in text.replace("e-mailbericht", "")


def _join_lines_reference(texts: list[str]) -> str:
    """join_lines as it was before it looked only at the end of the text so far: visible() of all of it at every
    line (quadratic in a document's length)."""
    import re

    from coi.clean import _ELLIPSIS_WORDS, _KEEP_HYPHEN, visible

    out = ""
    for raw in texts:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        tail = visible(out)
        if tail.endswith("-") and len(tail) > 1 and tail[-2].isalnum():
            first = line.split()[0]
            left = re.search(r"([\wÀ-ÿ]+)-$", tail)
            left_word = left.group(1) if left else ""
            compound = (re.search(r"[\wÀ-ÿ]-[\wÀ-ÿ]+-$", tail) or re.search(r"[A-Z]{2}$", left_word)
                        or not re.search(r"[^\W\d_]", left_word) or len(left_word) == 1)
            if first.lower() in _ELLIPSIS_WORDS:
                out += " " + line
            elif line[:1].islower() and not compound and left_word.lower() not in _KEEP_HYPHEN:
                out = out[:-1] + line
            else:
                out += line
        else:
            out += " " + line
    return re.sub(r"[ \t]+", " ", out).strip()


def test_joining_a_long_text_looks_at_its_end_only_and_joins_as_before(monkeypatch) -> None:
    # the coverage check joins a whole document's lines; visible() of all the text so far at every line made
    # that quadratic. The lines of a real document with footnote marks and hyphens, joined from every start
    # (so that the window's edge falls in a mark, a word, a hyphen), join as they did.
    import coi.parse
    from coi.lines import MARK_OPEN

    seen: list[list[str]] = []

    def recording(texts: list[str]) -> str:
        seen.append(list(texts))
        return join_lines(texts)

    monkeypatch.setattr(coi.parse, "join_lines", recording)
    coi.parse.parse_file(Path("tests/fixtures/pdf/kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf"))
    lines = max(seen, key=len)
    assert sum(len(t) for t in lines) > 5000 and any(MARK_OPEN in t for t in lines)
    hyphenated = [t[:-1] + "-" for t in lines]  # every line ends in a hyphen: every join looks at the window
    # runs of spaces and tabs inside lines, which joining collapses line by line
    spaced = [t.replace(" ", "  ", 1).replace(" ", "\t ", 1) + (" \t-" if k % 3 else "-") for k, t in enumerate(lines)]
    for texts in (lines, hyphenated, [t.replace(" ", "") + "-" for t in lines[:200]], spaced):
        for start in range(0, 30, 3):
            assert join_lines(texts[start:]) == _join_lines_reference(texts[start:])
    # a last word longer than the window: "ab-xxx…-" keeps its hyphen as a word that has one already
    texts = [*lines[:20], "ab-" + "x" * 300 + "-", "ling"]
    assert join_lines(texts).endswith("-" + "x" * 300 + "-ling") and join_lines(texts) == _join_lines_reference(texts)


def test_a_paragraph_a_page_break_cut_mid_sentence_is_one_passage() -> None:
    # the EZK letter's page ended "... werk ik aan een Nationale" and the next began "Technologiestrategie, die"
    # (a capital after no function word: not taken for a continuation); the Raad van State's advice ran on
    # after "Algemene Verordening Gegevensbescherming" with "(AVG) voor de verwerking"
    for name, whole in (("kamerbrief_EZK_2023-05-30_herijkte_missies_innovatiebeleid.pdf",
                         "werk ik aan een Nationale Technologiestrategie, die meer richting"),
                        ("kst-35538-4.pdf", "Algemene Verordening Gegevensbescherming (AVG) voor de verwerking")):
        doc = parse_once(f"tests/fixtures/pdf/{name}")
        assert any(whole in p.text for p in doc.passages), name
    # a page that begins with a heading, or a page before it that ends a sentence, still starts anew
    doc = parse_once("tests/fixtures/pdf/kamerbrief_EZK_2023-05-30_herijkte_missies_innovatiebeleid.pdf")
    assert all(p.text.rstrip()[-1:] in ".:;?!)”’\"" for p in doc.passages if len(p.text.split()) > 12)


def test_a_page_break_after_a_list_or_before_a_heading_still_starts_anew(tmp_path) -> None:
    from coi.parse import parse_file

    intro = ("Het kabinet heeft de volgende maatregelen genomen om de opvang van asielzoekers te verbeteren "
             "en de doorstroom naar woningen te bevorderen:")
    page_two = ("Deze maatregelen worden in het voorjaar geevalueerd en de Kamer wordt over de uitkomsten "
                "daarvan per brief geinformeerd.\nDe evaluatie gebeurt samen met de gemeenten.")
    listed = tmp_path / "lijst.txt"
    listed.write_text(f"Inleiding\n\n{intro}\n- meer plaatsen bij gemeenten en provincies in het hele land\n"
                      f"- snellere procedures bij de IND voor kansrijke aanvragen van asielzoekers\f{page_two}\n",
                      encoding="utf-8")
    texts = [p.text for p in parse_file(listed).passages]
    assert any(t.startswith("Deze maatregelen") for t in texts), texts
    heading = tmp_path / "kop.txt"
    heading.write_text("Inleiding\n\nDe middelen voor de opvang worden in de komende jaren eerlijk verdeeld over "
                       "gemeenten en\nprovincies volgens de verdeelsleutel van de Spreidingswet voor alle gemeenten"
                       f"\fConclusie\n\n{page_two}\n", encoding="utf-8")
    doc = parse_file(heading)
    assert not any("gemeenten Conclusie" in p.text for p in doc.passages)
    assert next(p for p in doc.passages if p.text.startswith("Deze maatregelen")).heading == "Conclusie"
