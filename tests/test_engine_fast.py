"""The fast paths of the engine give exactly what the plain ones give, on real documents in an index of several
segments with deleted passages: posting blocks read from the bytes (coi.engine.postings) against whoosh's
matcher, and a large index's evaluation (numpy scores, whole facet columns) against a small index's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

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


def _every_term(s: Searcher) -> Iterator[tuple[Any, str, bytes, Any]]:
    """(segment, field, term, whoosh's matcher of it) for every term of every field in every segment."""
    for segment, _ in s.reader.leaf_readers():
        for field in FIELDS:
            if field in segment.schema:
                for btext in segment.lexicon(field):
                    yield segment, field, btext, segment._terms.matcher(field, btext, segment.schema[field].format)


def test_posting_blocks_read_from_bytes_are_whooshs(segmented) -> None:  # noqa: F811
    compared = fast = 0
    with Searcher(segmented) as s:
        for segment, field, btext, matcher in _every_term(s):
            fast += isinstance(matcher, W3LeafMatcher)
            assert _normal(term_blocks(segment, field, btext)) == _normal(_by_matcher(matcher)), (field, btext)
            compared += 1
    assert compared > 5000 and fast > 500  # every term of every field; those in more than one posting: blocks


def test_posting_arrays_are_whooshs_postings(segmented) -> None:  # noqa: F811
    """A large index reads postings as arrays, most blocks cut straight out of the pickle: the same numbers."""
    from coi.engine.vector import segment_arrays

    compared = 0
    with Searcher(segmented) as s:
        for segment, field, btext, matcher in _every_term(s):
            ids, weights = segment_arrays(segment, field, btext)
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == _normal(_by_matcher(matcher))
            compared += 1
        assert segment_arrays(s.reader.leaf_readers()[0][0], "text", b"zzzgeenwoord") is None
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


def test_rank_reads_no_passage_and_hits_complete_it(segmented) -> None:  # noqa: F811
    with Searcher(segmented) as s:
        full = s.search("politieke gevangenen", limit=5)
        ranking = s.rank("politieke gevangenen", limit=5, facets=False)
        assert ranking.facets == {} and full.facets["doc_type"]
        assert ranking.total == full.total
        assert s.hits(ranking) == full.hits
        assert s.search("politieke gevangenen", limit=5, facets=False).hits == full.hits


def test_facet_columns_with_many_values_and_documents_without_them(tmp_path, monkeypatch) -> None:
    """A segment with more than 255 distinct values keeps two bytes per document (whoosh switches the column's
    refs); a segment whose documents never gave a field a value has no column at all. Counts and filters from
    the columns equal those from the postings."""
    from coi import store

    ix = store.create_index(tmp_path)
    w = ix.writer()
    for i in range(600):
        w.add_document(kind="passage", id=f"p{i}", doc_id=f"d{i % 7}", text=f"woord{i % 3} asiel",
                       source=f"bron {i % 300}",
                       topic="lhbtiq,terugkeer" if i % 4 == 0 else ("detentie" if i % 5 == 0 else ""),
                       doc_type="kamervragen" if i % 2 else "beslisnota", year=str(2000 + i % 20),
                       day=(2000 + i % 20) * 10000 + 101)
    w.commit()
    w = ix.writer()
    for i in range(30):  # no facet values at all: no column files in this segment
        w.add_document(kind="passage", id=f"q{i}", doc_id="bare", text="asiel zonder facetten")
    w.commit(merge=False)
    w = ix.writer()
    w.delete_by_term("id", "p10")
    w.commit(merge=False)

    def run() -> list:
        with Searcher(tmp_path) as s:
            return [(r.total, r.facets, r.shown) for r in (  # ranked only: these records have no documents
                s.rank("asiel", limit=3), s.rank("asiel", Filters(sources=("bron 299",)), limit=3),
                s.rank("asiel", Filters(topics=("terugkeer",), not_types=("beslisnota",)), limit=3),
                s.rank("asiel", Filters(date_from=dt.date(2005, 1, 1), date_to=dt.date(2007, 12, 31)), limit=3),
                s.rank("asiel", sort="date", limit=4))]

    small = run()
    monkeypatch.setattr(evaluate, "VECTOR_DOCS", 1)
    with Searcher(tmp_path) as s:
        column = s._facet_column("source")
        assert s.vector and len(column.values) > 256
        segment = s.reader.leaf_readers()[0][0]
        assert segment.column_reader("source", translate=False)._typecode == "H"
    assert run() == small
    assert small[0][0] == 629 and small[1][0] == 2 and small[0][1]["source"]["bron 0"] == 2
