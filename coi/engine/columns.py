"""Facet columns read whole, with numpy: filter bitmaps and facet counts without a Python step per document.

The facet and filter fields (kind, doc_type, topic, country, source, year) are stored as whoosh RefBytesColumns
(see coi.store.schema): per segment, the distinct values once and an array of one or two bytes per document
pointing to its value. Here those arrays become one array of value numbers over the whole index, so

- the documents with a value (a filter, a facet's bitmap) are one comparison over the array, and
- the count of each value over the matches is one `bincount` of the matches' value numbers,

each a few milliseconds at a million passages, where reading the field's postings took hundreds. A multi-valued
field (topic, country) holds the comma-joined values: a value matches every combination that contains it.

Used for a large index only (coi.engine.evaluate.VECTOR_DOCS); a small one reads postings and looks documents up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.fields import KEYWORD

from coi.engine.readers import deleted_mask, leaves


class FacetColumn:
    """A RefBytes column over every segment of a reader: `refs[d]` numbers document d's value in `values`."""

    def __init__(self, reader: Any, fieldname: str) -> None:
        self.fieldname = fieldname
        self.size = reader.doc_count_all()
        self.values: list[str] = []
        numbers: dict[str, int] = {}

        def number(value: str) -> int:
            if value not in numbers:
                numbers[value] = len(self.values)
                self.values.append(value)
            return numbers[value]

        refs = np.zeros(self.size, dtype=np.int32)
        field = reader.schema[fieldname]
        default = field.column_type.default_value()
        for segment, offset in leaves(reader):
            count = segment.doc_count_all()
            if not segment.has_column(fieldname):  # no document of the segment gave the field a value
                refs[offset:offset + count] = number(_text(default))
                continue
            column = segment.column_reader(fieldname, translate=False)
            local = _refs(column, count)
            table = np.array([number(_text(v)) for v in column._uniques], dtype=np.int32)
            refs[offset:offset + count] = table[local]
        self.refs = refs
        self.multi = isinstance(field, KEYWORD)  # comma-separated values: the column holds them joined

    def holds(self, value: str) -> Any:
        """Per value number: whether it is, or (a multi-valued field) contains, `value`."""
        if self.multi:
            return np.array([value in v.split(",") for v in self.values], dtype=bool)
        return np.array([v == value for v in self.values], dtype=bool)

    def mask(self, value: str) -> int:
        """The documents with `value`, as a bitmap (see coi.engine.evaluate); deleted ones included."""
        return flags_mask(self.holds(value)[self.refs])

    def counts(self, docnums: Any) -> dict[str, int]:
        """How many of the documents `docnums` (an array) hold each value; empty values left out."""
        per_value = np.bincount(self.refs[docnums], minlength=len(self.values))
        out: dict[str, int] = {}
        for value, n in zip(self.values, per_value.tolist(), strict=True):
            if not n:
                continue
            for part in (value.split(",") if self.multi else (value,)):
                if part:
                    out[part] = out.get(part, 0) + n
        return out


def _refs(column: Any, count: int) -> Any:
    """The per-document value numbers of one segment's RefBytes column reader, as an array over its bytes."""
    typecode = column._typecode
    if typecode not in ("B", "H"):
        raise ValueError(f"unexpected RefBytes typecode {typecode!r}")
    dtype = np.dtype(np.uint8) if typecode == "B" else np.dtype(">u2")
    raw = column._dbfile.get(column._basepos, count * dtype.itemsize)
    return np.frombuffer(raw, dtype=dtype)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def live(mask: int, reader: Any) -> int:
    """A bitmap without the deleted documents."""
    deleted = deleted_mask(reader)
    return mask & ~deleted if deleted else mask


def matches(mask: int, size: int) -> Any:
    """The document numbers of a bitmap as an array."""
    return np.flatnonzero(np.frombuffer(mask.to_bytes(size, "little"), dtype=np.uint8))


def flags_mask(flags: Any) -> int:
    """A bitmap (see coi.engine.evaluate) from an array of booleans, one per document."""
    return int.from_bytes(np.asarray(flags, dtype=bool).view(np.uint8).tobytes(), "little")


def day_array(reader: Any) -> Any:
    """The `day` column (a NumericColumn of big-endian int32, 0 by default) over every segment, as an array."""
    out = np.zeros(reader.doc_count_all(), dtype=np.int32)
    for segment, offset in leaves(reader):
        if segment.has_column("day"):
            column = segment.column_reader("day", translate=False)
            count = min(column._count, segment.doc_count_all())
            raw = column._dbfile.get(column._basepos, count * 4)
            out[offset:offset + count] = np.frombuffer(raw, dtype=">i4")
    return out


def by_date(docnums: Any, scores: Any, day: Any, n: int) -> list[tuple[int, float]]:
    """The first n documents newest first, then by score (highest first; None: every score 1.0), then by
    document number."""
    docs = np.asarray(docnums, dtype=np.int64)
    values = np.ones(len(docs)) if scores is None else np.asarray(scores, dtype=np.float64)
    order = np.lexsort((docs, -values, -day[docs].astype(np.int64)))[:n]
    return list(zip(docs[order].tolist(), values[order].tolist(), strict=True))
