"""Two targeted fixes to whoosh 2.7.4, which is pinned (the canonical release; the project is unmaintained).

1. While it writes postings, whoosh asks for each posting whether the field has a lengths column; for fields
   without one (every ID field) it checks the file system every time: 130k `stat` calls for 5k passages, ~7% of a
   build. A segment's columns do not change once written, so the answer "no column" can be cached like the
   readers are.
2. A field's length in a document (one byte per document, for scoring and for the block statistics written with
   each posting list) is read with a seek and a one-byte read each time: ~11% of a build and a tenth of a broad
   query. The column is read once per segment and field instead; a document's length is then an index into bytes.
"""

from __future__ import annotations

from typing import Any

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


def apply() -> None:
    """Install the fixes (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.doc_field_length = doc_field_length
