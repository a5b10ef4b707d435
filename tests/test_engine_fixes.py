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


def build(path: Path, limitmb: int, coi_writer: bool = False) -> None:
    """An index of the corpus and the real documents: written by whoosh's writer, or (`coi_writer`) as `coi index`
    writes it (coi's writer and pool, postings analysed beforehand as the workers do)."""
    files = sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md")) + sorted((FIXTURES / "realdocs").glob("*"))
    path.mkdir()
    ix = store.create_index(path)
    w = store.open_writer(ix, limitmb=limitmb) if coi_writer else ix.writer(limitmb=limitmb)
    for f in files:
        doc = parse_file(f)
        postings = store.analyse_texts(store.record_texts(doc))
        for i, record in enumerate(index_records(doc, str(f), "x")):
            if coi_writer:
                store.add_record(w, record, postings[i])
            else:
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
                          (externalsort.SortingPool, "_write_run"), (externalsort.SortingPool, "_read_run"),
                          (whoosh3.W3FieldWriter, "add_postings")):
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


def segment_files(path: Path) -> list[bytes]:
    """The posting and term files of every segment, as bytes."""
    ix = store.open_index(path)
    files = []
    for seg in ix._segments():
        storage = seg.open_compound_file(ix.storage) if seg.is_compound() else ix.storage
        files += [bytes(seg.open_file(storage, ext).read()) for ext in (whoosh3.W3Codec.POSTS_EXT,
                                                                         whoosh3.W3Codec.TERMS_EXT)]
    return files


def test_postings_are_written_a_block_at_a_time_byte_for_byte_as_whoosh_writes_them(tmp_path, stock) -> None:
    # limitmb=1: the new segment's postings come back from runs on disk; a second writer merges two segments
    for name in ("fixed", "stock"):
        if name == "stock":
            stock()
        build(tmp_path / name, limitmb=1)
        ix = store.open_index(tmp_path / name)
        with ix.writer() as w:
            for record in index_records(parse_file(CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[0]),
                                        "again", "y"):
                w.add_document(**record)
        ix.writer().commit(optimize=True)
    fixed, stocked = segment_files(tmp_path / "fixed"), segment_files(tmp_path / "stock")
    assert len(fixed) == 2 and sum(map(len, fixed)) > 100_000
    assert fixed == stocked
    assert contents(tmp_path / "fixed") == contents(tmp_path / "stock")


@pytest.mark.parametrize("limitmb", [1, 256])
def test_coi_s_writer_and_pool_write_the_segment_stock_whoosh_writes(tmp_path, monkeypatch, stock, limitmb) -> None:
    """coi.engine.pool keeps postings by term; in memory (256 MB) the field writer takes them a term at a time,
    and spilled to disk (1 MB) too: the runs are written and merged a term at a time. Either way the bytes stock
    whoosh writes (it merges its runs a posting at a time)."""
    from coi.engine.pool import Grouped, Merged, TermPool

    given: list[type] = []  # what the field writer was given
    by_term = whoosh_fixes._by_term

    def watching(items):
        given.append(type(items))
        return by_term(items)

    runs: list[int] = []
    save = TermPool.save

    def counting(self):
        runs.append(bool(self._fields))
        return save(self)

    monkeypatch.setattr(whoosh_fixes, "_by_term", watching)
    monkeypatch.setattr(TermPool, "save", counting)
    build(tmp_path / "coi", limitmb=limitmb, coi_writer=True)
    if limitmb == 256:
        assert given == [Grouped] and not runs
    else:  # spilled many times, merged by term
        assert given == [Merged] and sum(runs) >= 2
    stock()
    build(tmp_path / "stock", limitmb=limitmb)
    assert segment_files(tmp_path / "coi") == segment_files(tmp_path / "stock")
    assert contents(tmp_path / "coi") == contents(tmp_path / "stock")


def test_long_posting_lists_are_written_byte_for_byte_as_whoosh_writes_them(tmp_path, stock) -> None:
    """A term's posting list in one write (`_write_term`): lists of many blocks, in every kind of field (positions,
    frequencies, identifiers), with their statistics, as whoosh writes them a posting at a time."""
    from coi.testing import generate_corpus

    corpus = generate_corpus(CORPUS, tmp_path / "corpus", 40)
    docs = [parse_file(f) for f in corpus]
    for name in ("fixed", "stock"):
        if name == "stock":
            stock()
        (tmp_path / name).mkdir()
        ix = store.create_index(tmp_path / name)
        with ix.writer(limitmb=256) as w:
            for f, doc in zip(corpus, docs, strict=True):
                for record in index_records(doc, str(f), "x"):
                    w.add_document(**record)
    ix = store.open_index(tmp_path / "fixed")
    with ix.reader() as r:
        longest = {f: max(r.doc_frequency(f, t) for t in r.lexicon(f)) for f in ("text", "rev", "kind")}
    assert min(longest.values()) > 128  # more than a block
    assert segment_files(tmp_path / "fixed") == segment_files(tmp_path / "stock")
    assert contents(tmp_path / "fixed") == contents(tmp_path / "stock")


def test_term_tables_are_probed_in_place_with_whoosh_s_answers(tmp_path) -> None:
    """Fix 6: a look-up in a segment's term table (and in any of whoosh's on-disk hashes read through a buffer)
    gives what whoosh's own look-up gives, for every key the table holds and for keys it does not."""
    from whoosh.filedb import filetables

    build(tmp_path / "index", limitmb=256)
    original = {name: whoosh_fixes.ORIGINAL[("HashReader", name)] for name in ("__getitem__", "get", "__contains__")}
    ix = store.open_index(tmp_path / "index")
    probed = 0
    with ix.reader() as r:
        readers = [r] if r.is_atomic() else [leaf for leaf, _ in r.leaf_readers()]
        for reader in readers:
            table = reader._terms._tindex
            assert isinstance(table, filetables.HashReader) and hasattr(table.dbfile, "_buf")  # read in place
            for key, _ in table:  # (key, value) pairs
                for probe in (key, key + b"\x00", key[:-1], b"x" + key):
                    assert table.get(probe) == original["get"](table, probe, None)
                    assert (probe in table) == original["__contains__"](table, probe)
                    probed += 1
                assert table[key] == original["__getitem__"](table, key)
            with pytest.raises(KeyError):
                table[b"\xff" * 9]
            with pytest.raises(TypeError):
                table.get("text")
    assert probed > 10_000


def test_segments_are_read_in_place_with_the_results_stock_whoosh_reads(tmp_path, monkeypatch) -> None:
    """Opening a segment copies none of it (the parts a reader streams are read through the memory map), and
    every posting, length, stored field and column reads as stock whoosh reads it."""
    from whoosh.filedb.structfile import BufferFile

    from coi.engine.readers import column_values

    build(tmp_path / "index", limitmb=256)
    streamed: list[type] = []
    stream = whoosh_fixes._buffer_stream

    def counting(self):
        made = stream(self)
        streamed.append(type(made))
        return made

    monkeypatch.setattr(BufferFile, "file", property(counting, whoosh_fixes._buffer_set_stream))
    fixed = contents(tmp_path / "index")
    ix = store.open_index(tmp_path / "index")
    with ix.reader() as r:
        fixed_columns = [column_values(r, f) for f in ("doc_type", "topic", "day")]
    assert streamed and set(streamed) == {whoosh_fixes.ViewStream}  # headers were read from the map, not a copy
    monkeypatch.setattr(BufferFile, "__init__", whoosh_fixes.ORIGINAL[("BufferFile", "__init__")])
    monkeypatch.setattr(BufferFile, "close", whoosh_fixes.ORIGINAL[("BufferFile", "close")])
    monkeypatch.delattr(BufferFile, "file")
    assert contents(tmp_path / "index") == fixed
    ix = store.open_index(tmp_path / "index")
    with ix.reader() as r:
        assert [column_values(r, f) for f in ("doc_type", "topic", "day")] == fixed_columns


def test_full_text_postings_are_what_whoosh_makes_of_the_text(tmp_path) -> None:
    """store.field_postings (coi's analyzers straight into posting values) gives whoosh's field.index items, in
    whoosh's order, for every full-text field of real documents' records, and for odd values."""
    fields = store.schema()
    files = sorted(CORPUS.glob("*.txt")) + sorted((FIXTURES / "realdocs").glob("*"))
    texts = [t for f in files for t in store.record_texts(parse_file(f))]
    texts.append({name: value for name, value in zip(store.TEXT_FIELDS, (
        "", "de de de", "Één één EEN een-twee 1.2.3 x", "asielzoekers asielzoeker asielzoekers\\nAzerbeidzjan",
        "ministerie-breed\u00a0beleid (vervolgd) vervolgd vervolgen"), strict=True)})
    compared = 0
    for record in texts:
        for name, value in record.items():
            if value:
                assert store.field_postings(fields[name], value) == list(fields[name].index(value)), (name, value)
                compared += 1
    assert compared > 300


@pytest.mark.parametrize("limit", [10**9, 4000])
def test_the_term_pool_gives_whoosh_s_sorted_postings_whatever_order_they_come_in(tmp_path, limit) -> None:
    """Postings added out of order (as no writer adds them, but whoosh's pool allows), in memory or spilled to
    runs on disk, come out as whoosh's pool gives them: sorted tuples."""
    import random

    from whoosh.filedb.filestore import FileStorage

    from coi.engine.pool import TermPool

    rng = random.Random(7)
    items = list({(rng.choice(["heading", "text"]), rng.choice([b"asiel", b"azerbeidzjan", b"vlucht", b"x"]),
                   rng.randrange(500)): None for _ in range(3000)})
    postings = [(name, term, doc, rng.choice([1.0, 2.0, 0.5]), rng.choice([b"", b"\x00\x01", None]))
                for name, term, doc in items]
    pool = TermPool(FileStorage(str(tmp_path)), None)
    pool.limit = limit
    for posting in postings:
        pool.add(posting)
    assert bool(pool.runs) == (limit < 10**9)
    assert list(pool.items()) == sorted(postings, key=lambda p: p[:3])


def test_blocks_and_stored_fields_are_deflated_by_isa_l_and_stock_whoosh_reads_them(tmp_path, monkeypatch) -> None:
    import zlib

    from whoosh import columns

    build(tmp_path / "isal", limitmb=256)
    monkeypatch.setattr(whoosh3, "zlib", zlib)
    monkeypatch.setattr(columns, "zlib", zlib)
    monkeypatch.setattr(columns.CompressedBytesColumn.Writer, "__init__", whoosh_fixes.ORIGINAL[("Writer", "__init__")])
    build(tmp_path / "zlib", limitmb=256)
    assert segment_files(tmp_path / "isal") != segment_files(tmp_path / "zlib")  # deflated by another library
    # read by whoosh with zlib alone: the same postings, field lengths and stored fields
    assert contents(tmp_path / "isal") == contents(tmp_path / "zlib")
    with store.open_index(tmp_path / "isal").searcher() as s:
        assert s.document(kind="doc")["data"]
