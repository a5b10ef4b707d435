"""A large run's documents parsed, tagged and written into segments by the worker processes themselves.

Before, workers parsed, tagged and analysed, and the run's own process took every document's postings from them
(pickled, sent, unpickled) and wrote them into its segment: three busy processes on the two cores of a laptop,
and the writing one busy most of the run. Here each worker keeps a writer of its own (`store.open_side_writer`,
in a folder of its own under the index folder) and writes a segment when its memory for postings fills, by the
run's commit rule (`update._Apply.written`) counted per worker. The run's process still decides, in the order
of the files, what each document is (its id, the document it replaces, the warnings it reports), and commits a
worker's segment, with the deletions of what its documents replace, once it has decided every document in it:
a killed run keeps what it committed, and the next run parses the rest.

A worker that dies (a crash in a PDF library) takes its open segment with it: the others finish theirs, and the
documents that were in it or not yet written are parsed as a smaller run is (`update.prepared`: the document
the worker died on fails alone, the others are written by the run's process).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coi import store
from coi.model import Document
from coi.update import POOL_FULL, Prepared, Tagger, _parse_one, _worker_started, ocr_pages, prepared

# Runs of this many documents to parse or more are written by the workers (fewer: by the run's process, in one
# segment; worker segments are one per worker at least)
FROM = 400
AHEAD = 16  # documents sent to a worker before it reports one done: it is never without work
FOLDER = store.SIDE  # under the index folder: the workers' folders, while a run writes
# The memory for postings the workers' writers share (each its part): two workers keep a writer's whole
# store.WRITER_MB; four on a larger machine do not double the run's memory
SHARED_MB = 2 * store.WRITER_MB


@dataclass(frozen=True)
class Written:
    """A document a worker wrote into its open segment: its records are that segment's documents start..end-1
    (the last one the document's own record)."""

    doc_id: str
    passages: int
    warnings: tuple[str, ...]
    ocr_pages: int
    start: int
    end: int


@dataclass(frozen=True)
class SegmentReady:
    """A worker's segment, in its folder, every document in it decided by the run: to commit."""

    segment: Any
    folder: Path
    seqs: tuple[int, ...]


Outcome = Written | Prepared | Document | str  # a Document: for the run's process to write


# ------------------------------------------------------------------------------------------ in the worker

class _Side:
    """A worker's writer: documents added to the open segment; a segment written when it is full."""

    def __init__(self, folder: Path, name: str, least: int, batch: int, limitmb: int = store.WRITER_MB) -> None:
        self.folder, self.name, self.least, self.batch, self.limitmb = folder, name, least, batch, limitmb
        self.writer: Any = None
        self.seqs: list[int] = []

    def add(self, seq: int, doc: Document, key: str, digest: str) -> Written | Document:
        try:
            records = store.index_records(doc, key, digest)
            analysed = store.analyse_texts(store.record_texts(doc))
        except Exception:  # not analysed: the run's process writes it, and reports what fails there
            return doc
        if self.writer is None:
            self.writer = store.open_side_writer(self.folder, self.name, self.limitmb)
        start = self.writer.docnum
        self.seqs.append(seq)
        # a failure here leaves the segment half written: it ends the worker, and its documents are written by
        # the run's process
        for record, postings in zip(records, analysed, strict=True):
            store.add_record(self.writer, record, postings)
        return Written(doc.doc_id, len(doc.passages), tuple(doc.warnings),
                       ocr_pages(doc), start, self.writer.docnum)

    def full(self) -> bool:
        n = len(self.seqs)
        return self.writer is not None and (
            n >= self.batch or (n >= self.least and store.pool_share(self.writer) >= POOL_FULL))

    def finish(self) -> tuple[str, Any, tuple[int, ...]]:
        from coi.engine.segments import finish_side_writer

        segment = finish_side_writer(self.writer)
        message = ("segment", segment, tuple(self.seqs))
        self.writer, self.seqs = None, []
        return message


def _work(conn: Any, folder: Path, name: str, tagger: Tagger | None, ocr_cache: Path | None, parent: int,
          least: int, batch: int, limitmb: int) -> None:
    """A worker: (seq, path, key, digest) in, ("done", seq, Outcome) and ("segment", segment, seqs) out; None in
    ends it, after its last segment, with ("end",)."""
    _worker_started(parent)
    side = _Side(folder, name, least, batch, limitmb)
    while (task := conn.recv()) is not None:
        seq, path, key, digest = task
        result = _parse_one(path, ocr_cache, tagger)
        conn.send(("done", seq, result if isinstance(result, str) else side.add(seq, result, key, digest)))
        if side.full():
            conn.send(side.finish())
    if side.writer is not None:
        conn.send(side.finish())
    conn.send(("end",))


# ---------------------------------------------------------------------------------------- in the run's process

class _Worker:
    def __init__(self, ctx: Any, number: int, folder: Path, name: str, tagger: Tagger | None,
                 ocr_cache: Path | None, least: int, batch: int, limitmb: int) -> None:
        self.folder = folder / f"w{number}"
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_work, name=f"coi-writer-{number}", daemon=True,
                                   args=(theirs, self.folder, name, tagger, ocr_cache, os.getpid(), least, batch,
                                         limitmb))
        self.process.start()
        theirs.close()
        self.sent: set[int] = set()  # seqs sent, not yet settled (in a segment it reported, or failed)
        self.waiting = 0  # seqs sent, not yet reported done
        self.told_end = False
        self.ended = False

    def send(self, task: Any) -> None:
        with contextlib.suppress(OSError):  # it died: its sentinel says so
            self.conn.send(task)


def written_by_workers(items: list[tuple[Path, str, str]], workers: int, index_dir: Path, name: str,
                       ocr_cache: Path | None, tagger: Tagger | None, least: int,
                       batch: int) -> Iterator[Parsed | tuple[int, Outcome] | SegmentReady]:
    """What becomes of each (path, key, digest): Parsed(its position) as soon as a worker has it; then, in order,
    (its position, Outcome) once it is settled (its segment reported, or it failed); after the last document of
    a worker's segment, that segment (SegmentReady)."""
    import multiprocessing
    from multiprocessing.connection import wait

    folder = index_dir / FOLDER
    ctx = multiprocessing.get_context("spawn")
    os.environ["COI_MAIN_PID"] = str(os.getpid())  # see update.CRASH_HOOK
    limitmb = max(16, SHARED_MB // workers)
    pool = [_Worker(ctx, i, folder, name, tagger, ocr_cache, least, batch, limitmb) for i in range(workers)]
    got = _Received()
    n, sent, out = len(items), 0, 0
    died = False
    try:
        while True:
            live = [w for w in pool if not w.ended]
            for w in live:
                while not died and w.waiting < AHEAD and sent < n:
                    w.send((sent, *items[sent]))
                    w.sent.add(sent)
                    w.waiting += 1
                    sent += 1
                if (died or sent == n) and not w.told_end:
                    w.send(None)
                    w.told_end = True
            yield from (Parsed(s) for s in got.parsed)
            got.parsed.clear()
            while out < n and out in got.results and not any(out in w.sent for w in pool):
                yield out, got.results.pop(out)
                out += 1
                yield from got.segments_before(out)
            if not live:
                break
            for ready in wait([x for w in live for x in (w.conn, w.process.sentinel)]):
                w = next(w for w in live if ready in (w.conn, w.process.sentinel))
                if not w.ended and not got.take(w):
                    died = True
        # after a worker died: what it had not written into a segment it reported, and what was not sent
        lost = sorted({s for w in pool for s in w.sent} | set(range(sent, n)))
        for s in lost:
            got.results.pop(s, None)
        again = zip(lost, prepared([items[s][0] for s in lost], workers, ocr_cache, tagger) if lost else (),
                    strict=True)
        while out < n:
            if out not in got.results:
                s, result = next(again)
                got.results[s] = result
            yield out, got.results.pop(out)
            out += 1
            yield from got.segments_before(out)
        yield from got.segments_before(n)
    finally:
        for w in pool:
            if w.process.is_alive():
                w.process.kill()
            w.process.join()
            w.conn.close()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Parsed:
    """A document a worker has parsed (and written, or failed on): for the progress of the run."""

    seq: int


class _Received:
    """What the workers sent: outcomes by position, documents newly parsed, reported segments."""

    def __init__(self) -> None:
        self.results: dict[int, Outcome] = {}
        self.parsed: list[int] = []
        self.segments: list[SegmentReady] = []

    def take(self, w: _Worker) -> bool:
        """Take what a worker sent; False if it died (its documents not in a segment it reported are lost)."""
        try:
            while w.conn.poll():
                message = w.conn.recv()
                if message[0] == "done":
                    seq, result = message[1], message[2]
                    self.results[seq] = result
                    self.parsed.append(seq)
                    w.waiting -= 1
                    if not isinstance(result, Written):  # failed, or left to the run: in no segment
                        w.sent.discard(seq)
                elif message[0] == "segment":
                    self.segments.append(SegmentReady(message[1], w.folder, message[2]))
                    self.segments.sort(key=lambda ready: ready.seqs[-1])
                    w.sent.difference_update(message[2])
                else:
                    w.ended = True
                    return True
        except (EOFError, OSError):
            pass
        if w.process.is_alive():
            return True
        w.ended = True
        with contextlib.suppress(OSError):
            w.conn.close()
        return False

    def segments_before(self, out: int) -> Iterator[SegmentReady]:
        """The segments all of whose documents are before position `out`."""
        while self.segments and self.segments[0].seqs[-1] < out:
            yield self.segments.pop(0)
