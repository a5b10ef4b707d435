from __future__ import annotations

from coi.footnotes import find_urls, join_footnote_lines, mark_footnotes, strip_marks
from coi.lines import Line
from tests.conftest import CORPUS, parse_once


def test_url_broken_at_a_hyphen_that_belongs_to_it() -> None:
    text = join_footnote_lines(["OC Media, 20 april 2021, https://oc-", "media.org/talysh-blogger/"])
    assert find_urls(text) == ("https://oc-media.org/talysh-blogger/",)


def test_url_broken_over_a_blank_line() -> None:
    lines = ["Freedom House, https://freedomhouse.org/country/", "", "azerbaijan/freedom-world/2021"]
    text = join_footnote_lines(lines)
    assert find_urls(text) == ("https://freedomhouse.org/country/azerbaijan/freedom-world/2021",)


def test_url_not_joined_to_the_next_sentence() -> None:
    text = join_footnote_lines(["https://www.turan.az/ext/10529.htm/001,", "Jam-News, «Azerbaijani activist»"])
    assert find_urls(text) == ("https://www.turan.az/ext/10529.htm/001",)


def test_trailing_punctuation_and_brackets() -> None:
    assert find_urls("(www.ipd-az.org/police/).") == ("www.ipd-az.org/police/",)
    assert find_urls("zie https://en.wikipedia.org/wiki/A_(B).") == ("https://en.wikipedia.org/wiki/A_(B)",)


def test_word_hyphenated_in_a_footnote() -> None:
    assert join_footnote_lines(["Qurbanov kreeg onder meer tegenge-", "worpen dat"]) == (
        "Qurbanov kreeg onder meer tegengeworpen dat"
    )


def test_markers_follow_the_sequence_and_spare_numbers() -> None:
    lines = [Line("in Bakoe?1 en artikel 281.2 van het wetboek"), Line("sinds november 2020.2"),
             Line("motie Van der Graaf c.s.# zich")]
    marked = mark_footnotes(lines, {1, 2, 3})
    results = [strip_marks(line.text) for line in marked]
    assert results[0] == ("in Bakoe? en artikel 281.2 van het wetboek", (1,))
    assert results[1] == ("sinds november 2020.", (2,))
    assert results[2] == ("motie Van der Graaf c.s. zich", (3,))


def test_symbols_are_not_markers_when_the_sequence_does_not_need_them() -> None:
    marked = mark_footnotes([Line("Armenié&, en Rusland.1 Verder!")], {1})
    assert strip_marks(marked[0].text) == ("Armenié&, en Rusland. Verder!", (1,))


# ---------------------------------------------------------------- footnotes only where they are footnotes

def _seed_variant(tmp_path, old: str, new: str):
    from coi.parse import parse_file

    text = (CORPUS / "aanhangsel-2054-oppositie-azerbeidzjan-2022.txt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return parse_file(path)


def test_a_body_line_that_starts_with_a_number_is_no_footnote(tmp_path) -> None:
    # variant of seed 001: an answer paragraph that starts with "2 personen", where footnote 2 is expected
    doc = _seed_variant(tmp_path, "individuen in Azerbeidzjaanse detentie.",
                        "individuen in Azerbeidzjaanse detentie.\n\n2 personen zijn inmiddels vrijgelaten.\n")
    assert doc.footnote(2) is not None and doc.footnote(2).text.startswith("Ministerie van Buitenlandse Zaken")
    assert any("2 personen zijn inmiddels vrijgelaten." in p.text for p in doc.passages)
    assert not [w for w in doc.warnings if "coverage" in w]


def test_a_footnote_block_ends_where_body_text_resumes(tmp_path) -> None:
    # variant of seed 001 as pdftotext gives it without page breaks: body text follows the footnote directly
    doc = _seed_variant(tmp_path, "leader-beaten-custody).\n Vraag 3",
                        "leader-beaten-custody).\n\nHet kabinet volgt de zaak van de heer Yagublu.\n\nVraag 3")
    assert doc.footnote(1) is not None and doc.footnote(1).text.endswith("leader-beaten-custody).")
    assert any("Het kabinet volgt de zaak van de heer Yagublu." in p.text for p in doc.passages)


def test_rows_of_an_inventory_table_are_no_footnotes() -> None:

    doc = parse_once("tests/fixtures/pdf/wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf")
    assert not [f for f in doc.footnotes if "klacht x x" in f.text]
    assert any("846489 klacht x x" in p.text for p in doc.passages)


def test_urls_cut_inside_a_word_or_an_escape_rejoin_over_three_lines() -> None:
    # written variants (no document we hold cuts a URL this way; held-out answer documents do): a URL cut at
    # "%20" and inside a slug, over three lines
    note = join_footnote_lines([
        "Algemeen ambtsbericht, https://www.government.nl/binaries/government/documenten/reports/2023/06/30/",
        "general-country-of-origin-information-report-on-syria-june-2023/Algemeen%20ambtsbericht%20Syri",
        "%C3%AB%20juni%202023.pdf (geraadpleegd 3 juli 2023).",
    ])
    assert find_urls(note) == ("https://www.government.nl/binaries/government/documenten/reports/2023/06/30/"
                               "general-country-of-origin-information-report-on-syria-june-2023/Algemeen%20"
                               "ambtsbericht%20Syri%C3%AB%20juni%202023.pdf",)
    slug = join_footnote_lines(["Zie https://www.rijksoverheid.nl/documenten/kamerstukken/2023/05/12/kamer",
                                "brief-over-de-situatie", "-in-azerbeidzjan"])
    assert find_urls(slug) == ("https://www.rijksoverheid.nl/documenten/kamerstukken/2023/05/12/"
                               "kamerbrief-over-de-situatie-in-azerbeidzjan",)
    # a sentence after a URL stays a sentence
    assert join_footnote_lines(["Zie https://example.org/a/b", "en-route tekst."]) == (
        "Zie https://example.org/a/b en-route tekst.")


def test_the_digit_marker_pattern_finds_what_looking_behind_first_finds() -> None:
    # _DIGIT_MARK looks for a digit first and checks what stands before it behind it: the same markers as the
    # pattern that looks behind first, on the lines of real documents and at the edges
    import re

    from coi.footnotes import _DIGIT_MARK
    from tests.conftest import FIXTURES

    behind_first = re.compile(r"(?<=[A-Za-zÀ-ÿ?!.,;:)\]»”’'\"])(\d{1,3})(?=[\s,;:)?!]|\.(?!\d)|$|(?<=[.?!]\d)[A-Z]"
                              r"|(?<=[.?!]\d\d)[A-Z])")
    lines = [line for p in [*CORPUS.glob("*.txt"), *(FIXTURES / "realdocs").glob("*.txt")]
             for line in p.read_text(encoding="utf-8").splitlines()]
    lines += ["Gurbanov2 zei", "Bakoe?12 en", "gezondheid.4", "(CPT).8", "1234", "a1234 b", "x.1Y", "x.12Y", "7 mei",
              "art.3,", "»5 ", "2024", "zie noot 3"]
    found = [[m.span(1) for m in behind_first.finditer(line)] for line in lines]
    assert sum(map(len, found)) >= 20
    assert found == [[m.span(1) for m in _DIGIT_MARK.finditer(line)] for line in lines]
