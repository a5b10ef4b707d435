"""Properties that hold for any input: only coi's own errors, idempotent cleaning, URLs without whitespace."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coi.clean import join_lines, remove_furniture
from coi.dates import normalise_vergaderjaar, parse_date, vergaderjaar_for
from coi.errors import CoiError
from coi.footnotes import find_urls, join_footnote_lines, mark_footnotes, split_footnotes, strip_marks
from coi.lines import Line
from coi.search import parse_query
from coi.store import schema

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text that looks like documents: Dutch words, numbers, URLs, markers, hyphens, punctuation, line breaks
pieces = st.sampled_from([
    "Vraag 1", "Antwoord 2", "de", "Azerbeidzjan", "mishande-", "ling", "https://", "www.", "oc-", "media.org/",
    "a-b/", "1", "12", "2020.3", "«", "»", "(", ")", ".", ",", "?", "!", "#", "°", "Datum", "16 oktober 2024",
    "Onze referentie", "5842148", "Tweede Kamer, vergaderjaar 2018–2019, Aanhangsel 3", "5.1.2e", "-", "–",
    "\n", "\n\n", " ", "\f", "é", "ë", "\ue000", "[1 ]", "x" * 30,
])
documents = st.lists(st.one_of(pieces, st.text(max_size=12)), max_size=60).map("".join)


def lines_of(text: str) -> list[Line]:
    return [Line(t) for t in text.split("\n")]


@SETTINGS
@given(documents)
def test_cleaning_never_fails_and_is_idempotent(text) -> None:
    once = remove_furniture(lines_of(text)).lines
    twice = remove_furniture(once).lines
    assert [ln.text for ln in twice] == [ln.text for ln in once]
    joined = join_lines([ln.text for ln in once])
    assert join_lines([joined]) == joined


@SETTINGS
@given(st.lists(documents, max_size=8))
def test_footnote_urls_never_contain_whitespace(lines) -> None:
    text = join_footnote_lines(lines)
    for url in find_urls(text):
        assert url and not any(c.isspace() for c in url)
        assert not url.endswith((".", ",", ";", ":", "»"))


@SETTINGS
@given(documents)
def test_footnote_split_and_markers_never_fail(text) -> None:
    body, notes = split_footnotes(lines_of(text))
    marked = mark_footnotes(body, {n.n for n in notes})
    for line in marked:
        clean, numbers = strip_marks(line.text)
        assert "\ue000" not in clean or "\ue000" in text
        assert all(isinstance(n, int) for n in numbers)


@SETTINGS
@given(st.text(max_size=80), st.one_of(st.none(), st.dates()))
def test_dates_parse_to_a_date_or_none(text, reference) -> None:
    result = parse_date(text, reference)
    assert result is None or isinstance(result, dt.date)
    assert normalise_vergaderjaar(text) is None or len(normalise_vergaderjaar(text) or "") == 9


@SETTINGS
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_has_one_vergaderjaar(day) -> None:
    start, end = map(int, vergaderjaar_for(day).split("-"))
    assert end == start + 1 and start in (day.year - 1, day.year)


QUERY_SCHEMA = schema()
query_pieces = st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", "*", "?", "~2", "type:", "land:", ":", "^",
                                "Azerbeidzjan", "lhbtiq", "oppos*", "[", "]", "{", "}", "-", "+", " ", "\\", "/"])
queries = st.lists(st.one_of(query_pieces, st.text(max_size=6)), max_size=12).map(" ".join)


@SETTINGS
@given(queries)
def test_queries_parse_or_raise_our_own_error(text) -> None:
    with contextlib.suppress(CoiError):  # anything else fails the test
        parse_query(text, QUERY_SCHEMA)
