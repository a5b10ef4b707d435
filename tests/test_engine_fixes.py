"""coi's fixes to whoosh 2.7.4 change speed, not results: an index written with them holds exactly the postings,
lengths and stored fields of one written by stock whoosh."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import externalsort
from whoosh.codec import whoosh3

from coi import store
from coi.engine import fixes as whoosh_fixes
from coi.parse import parse_file
from coi.store import index_records
from tests.conftest import CORPUS, FIXTURES


def build(path: Path, limitmb: int) -> None:
    files = sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md")) + sorted((FIXTURES / "realdocs").glob("*"))
    path.mkdir()
    ix = store.create_index(path)
    w = ix.writer(limitmb=limitmb)
    for f in files:
        for record in index_records(parse_file(f), str(f), "x"):
            w.add_document(**record)
    w.commit()


def contents(path: Path) -> tuple:
    ix = store.open_index(path)
    with ix.reader() as r:
        postings = list(r.iter_postings())
        lengths = [(d, f, r.doc_field_length(d, f)) for d in range(r.doc_count_all())
                   for f in ("text", "heading", "notes", "rev", "kind")]
        stored = list(r.all_stored_fields())
    return postings, lengths, stored


@pytest.fixture
def stock(monkeypatch):
    """whoosh as released: the fixed methods put back for the duration of a test."""
    def undo() -> None:
        for cls, name in ((whoosh3.W3PerDocReader, "_cached_reader"), (whoosh3.W3PerDocReader, "doc_field_length"),
                          (externalsort.SortingPool, "_write_run"), (externalsort.SortingPool, "_read_run")):
            monkeypatch.setattr(cls, name, whoosh_fixes.ORIGINAL[(cls.__name__, name)])
    return undo


def test_fixed_whoosh_writes_the_index_stock_whoosh_writes(tmp_path, monkeypatch, stock) -> None:
    runs: list[int] = []
    write_run = externalsort.SortingPool._write_run

    def counting(self, f, items):
        runs.append(1)
        return write_run(self, f, items)

    monkeypatch.setattr(externalsort.SortingPool, "_write_run", counting)
    build(tmp_path / "fixed-spilled", limitmb=1)  # 1 MB: the postings go through runs on disk
    assert len(runs) >= 2  # spilled at least once, and merged
    build(tmp_path / "fixed", limitmb=256)
    fixed = contents(tmp_path / "fixed")
    assert contents(tmp_path / "fixed-spilled") == fixed
    stock()
    build(tmp_path / "stock-spilled", limitmb=1)
    assert contents(tmp_path / "stock-spilled") == fixed
