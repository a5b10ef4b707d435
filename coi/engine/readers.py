"""Reading per-document values from an index of several segments: columns, deletions, stored-field lookups, and
the highlighter's matched tokens.

whoosh's MultiReader.column_reader leaves out the segments that have no file for a column (a segment whose
documents never gave the field a value, such as one holding only a metadata record) and shifts every later
document onto the wrong value: after a few incremental runs, facets showed blank values and `coi stats` failed with
an IndexError. Here each segment contributes exactly its own number of documents, with the column's default where
it has no file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import highlight

from coi.engine.evaluate import to_mask


def column_values(reader: Any, fieldname: str) -> list[Any]:
    """The column of a field as a list indexed by document number, over every segment of `reader`."""
    out: list[Any] = []
    for segment, offset in leaves(reader):
        assert len(out) == offset, f"segment at {offset} follows {len(out)} documents"
        out.extend(_segment_column(segment, fieldname))
    return out


class ColumnLookup:
    """A column read lazily by document number (for looking up a few documents without reading the whole
    column), per segment, with the column's default where a segment has no file for it."""

    def __init__(self, reader: Any, fieldname: str) -> None:
        self._fieldname = fieldname
        self._segments = [(offset, segment) for segment, offset in leaves(reader)]
        self._offsets = [offset for offset, _ in self._segments]
        self._readers: dict[int, Any] = {}

    def __getitem__(self, docnum: int) -> Any:
        from bisect import bisect_right

        i = bisect_right(self._offsets, docnum) - 1
        if i not in self._readers:
            self._readers[i] = _segment_column(self._segments[i][1], self._fieldname)
        return self._readers[i][docnum - self._offsets[i]]


def _segment_column(segment: Any, fieldname: str) -> Any:
    field = segment.schema[fieldname]
    if segment.has_column(fieldname):
        return segment.column_reader(fieldname)  # translated to the field's values, one per document
    default = field.from_column_value(field.column_type.default_value()) if field.column_type else None
    return [default] * segment.doc_count_all()


def leaves(reader: Any) -> list[tuple[Any, int]]:
    """The segment readers of a reader with the document number of their first document."""
    return list(reader.leaf_readers())


def deleted_mask(reader: Any) -> int:
    """The deleted documents of every segment as a bitmap (see coi.engine.evaluate)."""
    size = reader.doc_count_all()
    return to_mask((d + offset for segment, offset in leaves(reader) if segment.has_deletions()
                    for d in segment._perdoc.deleted_docs()), size)


def segment_sizes(reader: Any) -> list[tuple[int, int]]:
    """(documents, live documents) of each segment, for the merge policy's tests and `coi check`."""
    return [(segment.doc_count_all(), segment.doc_count()) for segment, _ in leaves(reader)]


def merge_matched(tokens: Iterator[Any]) -> Iterator[Any]:
    """Tokens with `matched` set, adjacent matches merged into one: what whoosh's Highlighter feeds its
    fragmenter (its private `_merge_matched_tokens`)."""
    merged: Iterator[Any] = highlight.Highlighter()._merge_matched_tokens(tokens)
    return merged
