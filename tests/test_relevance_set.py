"""The development query set of benchmarks/relevance.py stays valid: every expected quote is still in a passage
of its document as coi parses it today, so a parser change cannot silently turn a query into one that no
engine can answer."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from coi.model import Document
from coi.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "benchmarks" / "relevance.py"


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relevance", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("relevance", module)  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


relevance = _harness()
QUERIES = relevance.load_queries()
# written blind by a reviewer who saw neither the search code nor the first set (quotes of up to 15 words)
BLIND = relevance.load_queries(ROOT / "benchmarks" / "data" / "queries-blind.toml")


@cache
def _parsed(file: str) -> Document:
    return parse_file(Path(file))


def test_enough_queries_of_every_kind() -> None:
    assert len(QUERIES) >= 120
    assert {q.kind for q in QUERIES} == set(relevance.KINDS)
    assert len({q.q for q in QUERIES}) == len(QUERIES), "a query is listed twice"


def test_documents_are_the_projects_own() -> None:
    # The project never reads /work/shared: every document is in corpus/ or tests/fixtures/.
    files = {e.file for q in QUERIES + BLIND for e in q.expect}
    assert all(f.startswith(("corpus/", "tests/fixtures/")) and (ROOT / f).is_file() for f in files), files


@pytest.mark.parametrize("query", QUERIES + BLIND, ids=[q.q for q in QUERIES + BLIND])
def test_every_expected_quote_is_in_a_passage_of_its_document(query) -> None:  # type: ignore[no-untyped-def]
    for e in query.expect:
        most = 12 if query in QUERIES else 15
        assert 6 <= len(e.quote.split()) <= most, f"quote of {len(e.quote.split())} words: {e.quote!r}"
        doc = _parsed(e.file)
        hits = [p.id for p in doc.passages if relevance.normalise(e.quote) in relevance.normalise(p.text)]
        assert hits, f"{e.file}: no passage contains {e.quote!r}"


def test_a_hit_counts_only_from_the_expected_document_and_across_line_breaks() -> None:
    query = relevance.Query("q", "plain", (relevance.Expected("corpus/a.txt", "vrijheid van  meningsuiting"),))
    doc_ids = {"corpus/a.txt": "doc-a"}
    assert relevance.matches("doc-a", "de vrijheid van\nmeningsuiting en", query, doc_ids)
    assert not relevance.matches("doc-b", "de vrijheid van meningsuiting", query, doc_ids)
    assert not relevance.matches("doc-a", "de vrijheid van vergadering", query, doc_ids)


def test_baseline_ranks_any_word_with_bm25() -> None:
    passages = [relevance.Passage("d", "d#1", "politieke gevangenen in Azerbeidzjan"),
                relevance.Passage("d", "d#2", "terugkeer naar Armenië en Azerbeidzjan"),
                relevance.Passage("d", "d#3", "het weer in Bakoe")]
    engine = relevance.BM25(passages)
    # Any word: one shared word is enough; the passage with the rarer words ranks first; no stemming.
    assert [p.id for p in engine.search("gevangenen Azerbeidzjan")] == ["d#1", "d#2"]
    assert engine.search("gevangene") == []
    assert relevance.words("Nagorno-Karabach 2023, LHBTIQ+") == ["nagorno", "karabach", "lhbtiq"]
