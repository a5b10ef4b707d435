"""Targeted fixes to whoosh 2.7.4, which is pinned (the canonical release; the project is unmaintained).

1. While it writes postings, whoosh asks for each posting whether the field has a lengths column; for fields
   without one (every ID field) it checks the file system every time: 130k `stat` calls for 5k passages, ~7% of a
   build. A segment's columns do not change once written, so the answer "no column" can be cached like the
   readers are.
2. A field's length in a document (one byte per document, for scoring and for the block statistics written with
   each posting list) is read with a seek and a one-byte read each time: ~11% of a build and a tenth of a broad
   query. The column is read once per segment and field instead; a document's length is then an index into bytes.
4. A reader opens each part of a compound segment file as a BufferFile over the file's memory map, and
   BufferFile copies its part into a BytesIO at once: opening an index copied every segment whole into memory
   (at 1M passages, 2.4-3.3 GB and seconds for a new search process). Most reads take slices of the map by
   position (`get`); the few that seek and read (headers, pickled extras) read from the map through a small
   stream over it, so nothing is copied but what is read.
3. When a writer's postings outgrow its memory, whoosh spills them to sorted runs on disk with one pickle call per
   posting, and reads them back the same way: a fifth of a 100k-passage build. Runs are written and read in
   chunks of postings instead (same order, same items; the runs live only while the writer runs).
5. A new segment's posting lists are written one posting at a time (`FieldWriter.add_postings`: five method
   calls, four type assertions and a length look-up per posting): half of what the writing process of a build
   does. A term's postings are written a block at a time instead, and (`_write_term`) a term's whole list, its
   blocks and its term-table entry, in one call and one write: the files are byte for byte those whoosh writes
   (tests/test_engine_fixes.py).
6. A term is looked up in a segment's term table (an on-disk hash) through three generators, an MD5 digest
   printed in hex and parsed back, and a bytes copy of every slot it reads: a query's expanded terms (10-30, each
   in every segment, most of them missing from most segments) spent a third of a plain query at 10k passages
   there. The same probe is made on the table's bytes in place, returning the first match as whoosh does.
7. Posting blocks and stored fields are deflated with `zlib.compress`, which sets up its whole window for each
   call: a ninth of the writing process's time in a profile of a 10k-passage build. They are deflated by ISA-L
   (`isal`, a well-kept binding of Intel's compression library) instead: 20,000 pickled blocks of 1-128
   postings took zlib 1.93 s and ISA-L 0.17 s; coi's 10,731 stored records of 10k passages 0.47 and 0.15 s, the
   same size within 3%. Its output is a zlib stream, so whoosh (and any zlib) reads it unchanged; without
   `isal` installed whoosh's zlib is used.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache
from hashlib import md5
from itertools import groupby, islice
from operator import itemgetter, sub
from types import SimpleNamespace
from typing import Any

from whoosh import columns, externalsort
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import byte_to_length
from whoosh.filedb import filetables
from whoosh.filedb.structfile import BufferFile
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]  # a length byte of 0 means "no length"


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    readers = self._readers
    if fieldname in readers:
        return readers[fieldname]
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    readers[fieldname] = reader
    return reader


def length_bytes(self: Any, fieldname: str) -> bytes | None:
    """The lengths column of a field as bytes (one per document), or None when the field has none."""
    tables = self.__dict__.setdefault("_coi_lengths", {})
    if fieldname not in tables:
        reader = _cached_reader(self, whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        tables[fieldname] = None if reader is None else reader._dbfile.get(reader._basepos, reader._count)
    table: bytes | None = tables[fieldname]
    return table


def doc_field_length(self: Any, docnum: int, fieldname: str, default: int = 0) -> Any:
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    table = length_bytes(self, fieldname)
    if table is None:
        return default
    return LENGTHS[table[docnum]] if docnum < len(table) else None  # as whoosh: None when the byte is 0


def _by_term(items: Iterable[Any]) -> Iterator[tuple[str, bytes, Any, Any, Any]]:
    """Sorted postings a term at a time: (field, term, documents, weights, values)."""
    from coi.engine.pool import Grouped

    if isinstance(items, Grouped):  # coi's pool keeps them so
        yield from items.terms()
        return
    for (name, term), group in groupby(items, itemgetter(0, 1)):
        _, _, docs, weights, values = zip(*group, strict=True)
        yield name, term, docs, weights, values


def _add_postings(self: Any, schema: Any, lengths: Any, items: Iterable[Any]) -> None:
    """whoosh 2.7.4's FieldWriter.add_postings for its W3 codec, a term at a time: what `add_posting` does per
    posting (buffer the ids and weights, keep the block's largest weight and its shortest and longest field
    length, write a block each `blocklimit` postings) is done per block. Items come sorted by field and term, as
    whoosh's pool and its merges give them; out-of-order terms raise as whoosh raises."""
    from whoosh.codec.base import OutOfOrderError

    last: tuple[str, bytes] | None = None
    fieldname = ""
    table: bytes | None = None
    per_posting = None  # a length look-up for each posting, when the lengths are not one column of bytes
    for name, term, docs, weights, values in _by_term(items):
        key = (name, term)
        if last is not None and key < last:
            raise OutOfOrderError(f"Term {last!r} .. {key!r}")
        if key[0] != fieldname:
            if fieldname:
                self.finish_field()
            fieldname = key[0]
            self.start_field(fieldname, schema[fieldname])
            offset = self._postfile.tell()
            table, per_posting = None, None
            if lengths is not None:
                if type(lengths).doc_field_length is doc_field_length:
                    table = length_bytes(lengths, fieldname)
                else:
                    per_posting = lengths.doc_field_length
        last = key
        if -1 in docs:  # docnum -1: a word for the spelling graph, not a posting
            kept = [i for i, d in enumerate(docs) if d != -1]
            if not kept:
                continue
            docs, weights, values = (tuple(xs[i] for i in kept) for xs in (docs, weights, values))
        lens: Any = None  # no lengths: none counts for the block statistics
        if per_posting is not None:
            lens = [per_posting(d, fieldname) for d in docs]
        elif lengths is not None:
            top = max(docs)
            if top > lengths._doccount:  # as `doc_field_length` raises
                doc_field_length(lengths, top, fieldname)
            if table is not None:
                lens = [LENGTHS[table[d]] for d in docs] if top < len(table) else [
                    doc_field_length(lengths, d, fieldname) for d in docs]
        pw = self._postwriter
        if pw._inlinelimit == 1 and not pw._byteids:  # whoosh's W3 codec as coi (and whoosh) configure it
            offset = _write_term(self, pw, key[1], docs, weights, values, lens, offset)
            continue
        limit = pw._blocklimit
        self.start_term(key[1])
        for start in range(0, len(docs), limit):
            if start:
                pw._write_block()
            end = start + limit
            pw._ids = array("I", docs[start:end])
            block_weights = weights[start:end]
            pw._weights = array("f", block_weights)
            pw._maxweight = max(0, *block_weights)
            pw._values = [v for v in values[start:end] if v]
            known = [n for n in lens[start:end] if n] if lens is not None else []
            pw._minlength = min(known) if known else None
            pw._maxlength = max(known) if known else 0
        self.finish_term()
        offset = self._postfile.tell()
    if fieldname:
        self.finish_field()


def _write_term(self: Any, pw: Any, term: bytes, docs: Any, weights: Any, values: Any, lens: Any,
                offset: int) -> int:
    """One term's posting list, written at `offset` of the postings file, and its entry in the term table: the
    bytes whoosh's W3 field writer writes through start_term, a `_write_block` per block of `blocklimit`
    postings and finish_term (with its W3TermInfo's statistics), in one call and one write instead of some
    twenty method calls. Returns the offset after it."""
    limit, comp, fixed = pw._blocklimit, pw._compression, self._format.fixed_value_size()
    compress = whoosh3.zlib.compress
    chunks = [whoosh3.WHOOSH3_HEADER_MAGIC]
    size = len(whoosh3.WHOOSH3_HEADER_MAGIC)
    total: float = 0  # the term's statistics, as W3TermInfo.add_block keeps them
    top_weight: float = 0
    min_length: int | None = None
    max_length = 0
    count = len(docs)
    for start in range(0, count, limit):
        end = start + limit
        ids = docs[start:end]
        block_weights = weights[start:end]
        stored = array("f", block_weights)  # the weights as the block keeps them (32 bits)
        total += sum(stored)
        block_top = max(0, *block_weights)
        top_weight = max(top_weight, block_top)
        if lens is not None and (known := [n for n in lens[start:end] if n]):
            low, high = min(known), max(known)
        else:
            low, high = None, 0
        min_length = low if min_length is None else min(min_length, low)
        max_length = max(max_length, high)
        # the block's ids as deltas, its weights (None when all are 1.0, one when all are the same) and values
        deltas = tuple(ids) if len(ids) == 1 else (ids[0], *map(sub, ids[1:], ids[:-1]))
        n = len(stored)
        mini_weights = None if stored.count(1.0) == n else stored[0] if stored.count(stored[0]) == n else tuple(stored)
        kept = [v for v in values[start:end] if v]
        mini_values = tuple(kept) if fixed is None or fixed < 0 else None if fixed == 0 else b"".join(kept)
        data = pickle.dumps((deltas, mini_weights, mini_values), 2)
        if comp:
            data = compress(data, comp)
        info = pickle.dumps((len(ids), ids[-1], block_top, comp, length_to_byte(low), length_to_byte(high)), 2)
        length = len(info) + len(data)
        chunks += (pack_int(-length if end >= count else length), info, data)
        size += 4 + length
    self._postfile.write(b"".join(chunks))
    head = whoosh3.W3TermInfo._struct.pack(False, total, count, 0 if min_length is None else length_to_byte(
        min_length), length_to_byte(max_length), top_weight, docs[0], docs[-1])
    self._tindex.add(pack_ushort(self._fieldid) + term, head + pack_long(offset) + pack_int(size))
    return offset + size


RUN_CHUNK = 2000  # postings per pickle in a run; a merge holds one chunk per run in memory


def _write_run(self: Any, f: Any, items: Iterable[Any]) -> None:
    it = iter(items)
    while chunk := list(islice(it, RUN_CHUNK)):
        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
    f.close()


def _read_run(self: Any, path: str) -> Iterator[Any]:
    f = self._open_run(path)
    try:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk
    finally:
        f.close()
        self._remove_run(path)


def _buffer_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


class ViewStream:
    """A read-only file over a memoryview, without copying it (BytesIO would copy): what whoosh's readers use
    to seek and read the headers of posting lists and tables, and to unpickle their extras."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        end = len(self._view) if n is None or n < 0 else min(self._pos + n, len(self._view))
        data = bytes(self._view[self._pos:end])
        self._pos = max(self._pos, end)
        return data

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        newline = bytes(self._view[self._pos:end]).find(b"\n")
        return self.read(newline + 1 if newline >= 0 else end - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")


def _buffer_stream(self: Any) -> Any:
    stream = self.__dict__.get("_stream")
    if stream is None:
        stream = self.__dict__["_stream"] = ViewStream(memoryview(self._buf))
    return stream


def _buffer_set_stream(self: Any, value: Any) -> None:
    self.__dict__["_stream"] = value


def _buffer_close(self: Any) -> None:
    if self.is_closed:
        raise Exception("This file is already closed")
    if self.onclose:
        self.onclose(self)
    stream = self.__dict__.get("_stream")
    if stream is not None:
        stream.close()
    self.is_closed = True


_POINTER, _ITEM = filetables._pointer, filetables._lengths  # a slot: (hash, position); an item: (key, data) sizes
_SLOT = _POINTER.size


def _hash(self: Any, key: bytes) -> int:
    """The table's hash of `key`: whoosh's md5_hash (the last four bytes of the digest) without the hex round trip."""
    if self.hashfn is filetables.md5_hash:
        return int.from_bytes(md5(key).digest()[12:], "big")
    value: int = self.hashfn(key)
    return value


def _find(self: Any, key: bytes) -> tuple[int, int] | None:
    """(data position, data length) of the first item under `key`, or None: HashReader.ranges_for_key's probe, on
    the table's bytes in place (a file read through a buffer, as every segment part is) or else through it."""
    if not isinstance(key, bytes):
        raise TypeError(f"Key {key!r} should be bytes")
    buf = getattr(self.dbfile, "_buf", None)
    if buf is None:  # a file on disk: whoosh's way
        return next(iter(self.ranges_for_key(key)), None)
    keyhash = _hash(self, key)
    tablestart, numslots = self.tables[keyhash & 255]
    if not numslots:
        return None
    end = tablestart + numslots * _SLOT
    slotpos = tablestart + (keyhash >> 8) % numslots * _SLOT
    n = len(key)
    for _ in range(numslots):
        slothash, itempos = _POINTER.unpack_from(buf, slotpos)
        if not itempos:  # an empty slot: the key is not there
            return None
        if slothash == keyhash:
            keylen, datalen = _ITEM.unpack_from(buf, itempos)
            keystart = itempos + _ITEM.size
            if keylen == n and buf[keystart:keystart + n] == key:
                return keystart + n, datalen
        slotpos += _SLOT
        if slotpos == end:  # wrap around
            slotpos = tablestart
    return None


def _hash_get(self: Any, key: bytes, default: Any = None) -> Any:
    found = _find(self, key)
    return default if found is None else self.dbfile.get(*found)


def _hash_getitem(self: Any, key: bytes) -> bytes:
    found = _find(self, key)
    if found is None:
        raise KeyError(key)
    value: bytes = self.dbfile.get(*found)
    return value


def _hash_contains(self: Any, key: bytes) -> bool:
    return _find(self, key) is not None


# ----------------------------------------------------------------------------------------- 7. deflate by ISA-L

ISAL_LEVEL = 2  # of ISA-L's 0-3: at 2 it was fastest on coi's stored records, and they were the smallest


@lru_cache(maxsize=1)
def _isal() -> Any:
    """ISA-L's compress, imported when a writer first deflates (a search never does); None without `isal`."""
    try:
        from isal.isal_zlib import compress
    except ImportError:  # a platform without its wheel: whoosh's zlib, slower
        return None
    return compress


def _deflate(data: Any, level: int = -1) -> bytes:
    """zlib.compress(data, level), as a zlib stream from ISA-L when it is installed."""
    compress = _isal()
    if compress is None:
        return zlib.compress(data, level)
    result: bytes = compress(data, ISAL_LEVEL if level else 0)
    return result


_ZLIB = SimpleNamespace(compress=_deflate, decompress=zlib.decompress)


def _compressed_writer_init(self: Any, dbfile: Any, level: int, module: str) -> None:
    ORIGINAL[("Writer", "__init__")](self, dbfile, level, module)
    if module == "zlib":
        self._compress = _ZLIB.compress


# whoosh's own methods, before apply() (tests compare with them)
ORIGINAL = {(cls.__name__, name): getattr(cls, name) for cls, name in (
    (whoosh3.W3PerDocReader, "_cached_reader"), (whoosh3.W3PerDocReader, "doc_field_length"),
    (externalsort.SortingPool, "_write_run"), (externalsort.SortingPool, "_read_run"),
    (BufferFile, "__init__"), (BufferFile, "close"), (whoosh3.W3FieldWriter, "add_postings"),
    (filetables.HashReader, "__getitem__"), (filetables.HashReader, "get"), (filetables.HashReader, "__contains__"),
    (columns.CompressedBytesColumn.Writer, "__init__"))}


def apply() -> None:
    """Install the fixes (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.doc_field_length = doc_field_length
    whoosh3.W3FieldWriter.add_postings = _add_postings
    filetables.HashReader.__getitem__ = _hash_getitem
    filetables.HashReader.get = _hash_get
    filetables.HashReader.__contains__ = _hash_contains
    externalsort.SortingPool._write_run = _write_run
    externalsort.SortingPool._read_run = _read_run
    BufferFile.__init__ = _buffer_init
    BufferFile.close = _buffer_close
    BufferFile.file = property(_buffer_stream, _buffer_set_stream)
    whoosh3.zlib = columns.zlib = _ZLIB
    columns.CompressedBytesColumn.Writer.__init__ = _compressed_writer_init
