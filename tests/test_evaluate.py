"""coi's query evaluation (coi.evaluate) against whoosh's own, on real documents in an index of several segments
with deleted passages: the same matches, the same BM25F scores, the same order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coi import store
from coi.engine import evaluate
from coi.parse import parse_file
from coi.search import Filters, Searcher, parse_query
from coi.store import index_records
from coi.tag import load_vocabulary, tag_document
from tests.conftest import CORPUS, FIXTURES

QUERIES = [
    "Azerbeidzjan", "oppositie", "politieke gevangenen", "Armenie", "leider oppositie", "mensenrechten",
    "terugkeer OR uitzetting", "Azerbeidzjan NOT Armenië", "(journalisten OR mensenrechtenverdedigers) AND Bakoe",
    "detentie NOT Bakoe", "type:kamervragen vrijlating", "country:azerbeidzjan sancties", "topic:lhbtiq",
    "Nagorno-Karabach humanitaire hulp", "*", "vrijlating OR (corruptie AND NOT Armenie)", "ambassade^2 Bakoe",
    "(vrijlating AND Bakoe) OR (oppositie AND NOT Armenie)", "Bakoe OR NOT oppositie",
    "(oppositie OR vrijlating)^3 Bakoe",
    "detentie OR ((marteling OR mishandeling) AND NOT (Armenie OR Bakoe))",
]
# parts that need positions or expansion: counted by whoosh, ranked by whoosh
WHOOSH_RANKED = ['"politieke gevangenen"', '"Nagorno Karabach"~3 staakt', "oppos*", "year:[2020 TO 2022]"]


@pytest.fixture(autouse=True, params=["python", "numpy"])
def engine(request, monkeypatch) -> str:
    """Every test twice: posting by posting in Python (a small index) and with numpy (a large one: filters and
    facets from whole columns, scores as arrays)."""
    if request.param == "numpy":
        monkeypatch.setattr(evaluate, "VECTOR_DOCS", 1)
    return str(request.param)


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """The seeds and the real texts in three segments, one document deleted and one replaced."""
    path = tmp_path_factory.mktemp("segmented")
    files = sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md")) + sorted((FIXTURES / "realdocs").glob("*"))
    vocab = load_vocabulary()
    docs = [(str(f), tag_document(parse_file(f), vocab)) for f in files]
    ix = store.create_index(path)
    for part in (docs[:4], docs[4:8], docs[8:]):
        w = ix.writer()
        for key, doc in part:
            for record in index_records(doc, key, "x"):
                w.add_document(**record)
        w.commit(merge=False)
    w = ix.writer()
    w.delete_by_term("path", docs[1][0])
    key, doc = docs[5]
    w.delete_by_term("path", key)
    for record in index_records(doc, key, "y"):
        w.add_document(**record)
    w.commit(merge=False)
    return path


def test_the_index_has_segments_and_deletions(segmented) -> None:
    with Searcher(segmented) as s:
        assert len(s.reader.leaf_readers()) >= 3
        assert s.reader.has_deletions()


def test_live_documents_of_a_term_leave_deleted_ones_out(segmented) -> None:
    from whoosh import query as Q

    with Searcher(segmented) as s:
        for field, value in [("kind", "passage"), ("kind", "doc"), ("doc_type", "beslisnota"), ("text", "bakoe")]:
            expected = set(s.searcher.docs_for_query(Q.Term(field, value)))
            assert evaluate.live_docs(s.searcher, field, value) == expected
            if field == "kind":  # the deleted passages and documents are still in the postings
                assert len(evaluate.doc_set(s.searcher, Q.Term(field, value), frozenset())) > len(expected)


@pytest.mark.parametrize("text", QUERIES + WHOOSH_RANKED)
def test_same_matches_as_whoosh(segmented, text) -> None:
    with Searcher(segmented) as s:
        q = parse_query(text, s.ix.schema, s.reader)
        live = s.passages()
        mine = evaluate.doc_set(s.searcher, q, live) & live
        assert mine == set(s.searcher.docs_for_query(q)) & live
        if text not in ("*", "topic:lhbtiq"):
            assert mine, text  # the queries are chosen to find something


@pytest.mark.parametrize("text", QUERIES)
def test_same_scores_and_order_as_whoosh(segmented, text) -> None:
    with Searcher(segmented) as s:
        q = parse_query(text, s.ix.schema, s.reader)
        matched = s.passages() & evaluate.doc_set(s.searcher, q, s.passages())
        mine = evaluate.score(s.searcher, q, matched)
        assert mine is not None
        theirs = {h.docnum: h.score for h in s.searcher.search(q, filter=set(matched), limit=None, terms=False)}
        assert mine.keys() == theirs.keys()
        for d, value in theirs.items():
            assert mine[d] == pytest.approx(value, rel=1e-9), d
        whoosh_top = [h.docnum for h in s.searcher.search(q, filter=set(matched), limit=10, terms=False)]
        assert [d for d, _ in s._rank(q, evaluate.to_mask(matched, s.size), "relevance", 10)] == whoosh_top


@pytest.mark.parametrize("text", WHOOSH_RANKED)
def test_phrases_prefixes_and_ranges_are_left_to_whoosh(segmented, text) -> None:
    with Searcher(segmented) as s:
        q = parse_query(text, s.ix.schema, s.reader)
        assert evaluate.score(s.searcher, q, s.passages()) is None
        assert s.search(text).total > 0


def test_sort_by_date_newest_first_then_relevance(segmented) -> None:
    with Searcher(segmented) as s:
        hits = s.search("oppositie", sort="date", limit=50).hits
        dates = [h.date for h in hits]
        assert dates == sorted(dates, reverse=True)
        for a, b in zip(hits, hits[1:], strict=False):
            if a.date == b.date:
                assert a.score >= b.score
        filtered = s.search("oppositie", Filters(date_from=dt.date(2022, 1, 1)), sort="date", limit=50)
        assert filtered.hits and all(h.date >= "2022-01-01" for h in filtered.hits)
