"""Targeted fixes to whoosh 2.7.4, which is pinned (the canonical release; the project is unmaintained).

1. While it writes postings, whoosh asks for each posting whether the field has a lengths column; for fields
   without one (every ID field) it checks the file system every time: 130k `stat` calls for 5k passages, ~7% of a
   build. A segment's columns do not change once written, so the answer "no column" can be cached like the
   readers are.
2. A field's length in a document (one byte per document, for scoring and for the block statistics written with
   each posting list) is read with a seek and a one-byte read each time: ~11% of a build and a tenth of a broad
   query. The column is read once per segment and field instead; a document's length is then an index into bytes.
3. When a writer's postings outgrow its memory, whoosh spills them to sorted runs on disk with one pickle call per
   posting, and reads them back the same way: a fifth of a 100k-passage build. Runs are written and read in
   chunks of postings instead (same order, same items; the runs live only while the writer runs).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from whoosh import externalsort
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import byte_to_length

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


# whoosh's own methods, before apply() (tests compare with them)
ORIGINAL = {(cls.__name__, name): getattr(cls, name) for cls, name in (
    (whoosh3.W3PerDocReader, "_cached_reader"), (whoosh3.W3PerDocReader, "doc_field_length"),
    (externalsort.SortingPool, "_write_run"), (externalsort.SortingPool, "_read_run"))}


def apply() -> None:
    """Install the fixes (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.doc_field_length = doc_field_length
    externalsort.SortingPool._write_run = _write_run
    externalsort.SortingPool._read_run = _read_run
