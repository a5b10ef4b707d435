"""One targeted fix to whoosh 2.7.4, which is pinned (the canonical release; the project is unmaintained).

While it writes postings, whoosh asks for each posting whether the field has a lengths column; for fields without
one (every ID field) it checks the file system every time: 130k `stat` calls for 5k passages, ~7% of a build.
A segment's columns do not change once written, so the answer "no column" can be cached like the readers are.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3

_original = whoosh3.W3PerDocReader._cached_reader


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    readers = self._readers
    if fieldname in readers:
        return readers[fieldname]
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    readers[fieldname] = reader
    return reader


def apply() -> None:
    """Install the fix (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
