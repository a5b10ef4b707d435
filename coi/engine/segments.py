"""Segments written by worker processes and committed by the run's process (coi.parallel): whoosh's MpWriter
with multisegment=True does the same, but takes documents, not segments, from its caller.

A side writer writes in a folder of its own, not in the index folder: whoosh names a writer's spill folder after
the index (two writers there would destroy each other's), and a commit deletes the files of every segment its
index does not list (a worker's segment being written would go). A segment is moved into the index folder by the
run's process just before the commit that lists it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter


def open_side_writer(folder: Path, name: str, schema: Any, limitmb: int) -> Any:
    """A writer of a segment for the index `name`, in `folder` (made here): it takes no lock and commits
    nothing (`finish_side_writer`)."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = (windex.open_dir(str(folder), indexname=name) if windex.exists_in(str(folder), indexname=name)
          else windex.create_in(str(folder), schema, indexname=name))
    return SegmentWriter(ix, _lk=False, limitmb=limitmb)


def temp_storage(writer: Any) -> Any:
    """Where a writer's postings spill to disk."""
    return writer._tempstorage


def finish_side_writer(writer: Any) -> Any:
    """Write out a side writer's segment and end the writer: whoosh's Segment object, to send to the run."""
    segment = writer._finalize_segment()
    writer._tempstorage.destroy()
    writer.is_closed = True
    return segment


def move_segment(segment: Any, folder: Path, index_dir: Path) -> None:
    """Move a side writer's segment files from its folder into the index folder."""
    prefix = f"{segment.segment_id()}."
    for path in folder.iterdir():
        if path.name.startswith(prefix):
            os.replace(path, index_dir / path.name)


def commit_adopting(writer: Any, mergetype: Any, adopted: tuple[Any, ...]) -> None:
    """whoosh's SegmentWriter.commit(mergetype=...), with the segments `adopted` (in the index folder already)
    added to the index."""
    writer._check_state()
    segments = writer._merge_segments(mergetype, False, True)
    if writer._added:
        segments.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc([*segments, *adopted])
    writer._finish()


def stored_fields(ix: Any, segment: Any, docnum: int) -> dict[str, Any]:
    """A document's stored fields in a segment not yet committed (moved into the index's folder)."""
    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        return dict(reader.stored_fields(docnum))
    finally:
        reader.close()
