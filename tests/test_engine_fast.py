"""The fast paths of the engine give exactly what the plain ones give, on real documents in an index of several
segments with deleted passages: posting blocks read from the bytes (coi.engine.postings) against whoosh's
matcher, and a large index's evaluation (numpy scores, whole facet columns) against a small index's."""

from __future__ import annotations

import datetime as dt

import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher

from coi.engine import evaluate
from coi.engine.postings import _by_matcher, term_blocks
from coi.search import Filters, Searcher
from tests.test_evaluate import segmented  # noqa: F401  (the module fixture: three segments, deletions)

FIELDS = ("text", "heading", "notes", "rev", "title", "kind", "id", "doc_id", "doc_type", "topic", "country",
          "source", "year")


def _normal(blocks) -> list[tuple[int, float]]:
    out = []
    for ids, weights in blocks:
        if weights is None or isinstance(weights, float):
            weights = [1.0 if weights is None else weights] * len(ids)
        out += list(zip(ids, (float(w) for w in weights), strict=True))
    return out


def test_posting_blocks_read_from_bytes_are_whooshs(segmented) -> None:  # noqa: F811
    compared = fast = 0
    with Searcher(segmented) as s:
        for segment, _ in s.reader.leaf_readers():
            for field in FIELDS:
                if field not in segment.schema:
                    continue
                for btext in segment.lexicon(field):
                    matcher = segment._terms.matcher(field, btext, segment.schema[field].format)
                    fast += isinstance(matcher, W3LeafMatcher)
                    assert _normal(term_blocks(segment, field, btext)) == _normal(_by_matcher(matcher)), (field, btext)
                    compared += 1
    print(compared, fast)
    assert compared > 5000 and fast > 500  # every term of every field; those in more than one posting: blocks


def test_posting_arrays_are_whooshs_postings(segmented) -> None:  # noqa: F811
    """A large index reads postings as arrays, most blocks cut straight out of the pickle: the same numbers."""
    from coi.engine.vector import segment_arrays

    compared = 0
    with Searcher(segmented) as s:
        for segment, _ in s.reader.leaf_readers():
            for field in FIELDS:
                if field not in segment.schema:
                    continue
                for btext in segment.lexicon(field):
                    matcher = segment._terms.matcher(field, btext, segment.schema[field].format)
                    ids, weights = segment_arrays(segment, field, btext)
                    assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == _normal(_by_matcher(matcher))
                    compared += 1
        assert segment_arrays(segment, "text", b"zzzgeenwoord") is None
    assert compared > 5000


QUERIES = ["Azerbeidzjan", "oppositie", "politieke gevangenen", "mensenrechten", "Nagorno-Karabach humanitaire hulp",
           "terugkeer OR uitzetting", "Azerbeidzjan NOT Armenië", "Bakoe OR NOT oppositie", "*", "waar is de ambassade"]
FILTERS = [Filters(), Filters(types=("kamervragen",), date_from=dt.date(2020, 1, 1)),
           Filters(topics=("oppositie",)), Filters(not_countries=("armenie",), date_to=dt.date(2021, 6, 30)),
           Filters(date_from=dt.date(2019, 3, 15), date_to=dt.date(2023, 5, 2)),
           Filters(sources=("Minister van Buitenlandse Zaken",))]


@pytest.mark.parametrize("text", QUERIES)
def test_a_large_index_is_searched_as_a_small_one(segmented, monkeypatch, text) -> None:  # noqa: F811
    def run() -> list:
        with Searcher(segmented) as s:
            out = []
            for f in FILTERS:
                r = s.search(text, f, limit=15)
                out.append((r.total, r.facets, [(h.id, h.score, h.match) for h in r.hits]))
            out.append(s.search(text, sort="date", limit=15).hits)
            out.append(s.search(text, Filters(date_to=dt.date(2022, 8, 31)), sort="date", page=2).hits)
            return out

    small = run()
    monkeypatch.setattr(evaluate, "VECTOR_DOCS", 1)
    with Searcher(segmented) as s:
        assert s.vector
    assert run() == small
    assert any(total for total, _, _ in small[:-1])
