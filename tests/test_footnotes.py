from __future__ import annotations

from coi.footnotes import find_urls, join_footnote_lines, mark_footnotes, strip_marks
from coi.lines import Line


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
