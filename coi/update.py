"""The update stage: bring the index up to date with the corpus.

Scan the corpus and hash every file, make a plan (a plain list of adds, updates, moves, removals, duplicates and
unchanged documents, computed without touching the index), then apply it: parse what must be parsed (in worker
processes when there is much to parse; in a large run they write the segments too, coi.parallel), tag, and
write, committing as soon as the writer's memory for postings is
three quarters full (or after COI_BATCH_DOCUMENTS documents, 2,000 unless set), but not before a tenth of the
documents the run parses (unless COI_BATCH_DOCUMENTS is set). A run with nothing to do opens no writer and leaves
every file of the index as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from coi import PARSER_VERSION, store
from coi.errors import InputError, UsageError
from coi.hashcache import HashCache
from coi.model import DocType, Document
from coi.store import Held, IndexMeta

Progress = Callable[[int, int, Path], None]  # (done, total, path)
Tagger = Callable[[Document], Document]

# Parsing is most of the work of indexing new documents; with this many to parse, worker processes parse them
# while this process writes the index.
PARALLEL_FROM = 16
# A commit when the writer's postings take this share of its memory (store.WRITER_MB), before they spill to
# disk; or after BATCH documents (COI_BATCH_DOCUMENTS). Each commit writes a segment; a query looks every term up
# in every segment, and a new search process opens every one: commits of 200 documents left a 100k-passage index
# in 29 segments, and its queries took three times as long as on one segment. So a build commits about every
# 12,000 passages (ten seconds or so of work that a killed run loses at most). But not before a SEGMENTS-th of the
# documents a run parses: committing every 12,000 passages made a million into 80 segments (plain queries p95
# 262 ms, a new `coi search` 0.81 s). A larger run lets the postings spill to disk, where they are merged a term
# at a time at the commit (coi.engine.pool), and commits after that SEGMENTS-th (or BATCH if it is more).
POOL_FULL = 0.75
BATCH = 2000
SEGMENTS = 10
# Documents parsed ahead per worker: bounded, so memory does not grow with the corpus; and enough that the
# workers go on parsing while the writer commits a batch (a second or so): with 16 they still stood idle through
# part of each commit (a CPU timeline of a 10k build showed it), with 64 they do not (10k: 747 -> 843 passages/s)
WINDOW = 64
# ... and at most this much of their files (a parsed document is held until the writer takes it: 128 scanned
# Woo releases of a few hundred pages would be gigabytes), always at least one document
AHEAD_BYTES = 64 * 2**20


def env_int(name: str, default: int, minimum: int) -> int:
    """An integer setting from the environment; a one-line UsageError naming it when it is not one."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    if not re.fullmatch(r"\s*\d+\s*", value) or int(value) < minimum:
        raise UsageError(f"{name}={value!r}: give a whole number of at least {minimum}")
    return int(value)


@dataclass(frozen=True)
class Failure:
    """A document that could not be indexed, and why (one line)."""

    path: str
    error: str


@dataclass
class IndexSummary:
    """What a run of `coi index` did."""

    added: int = 0
    updated: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    retagged: int = 0
    failed: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # documents indexed with a remark ("not UTF-8", duplicates)
    warned: list[str] = field(default_factory=list)  # the documents parsed with warnings (coverage, numbering, …)
    ocr_pages: int = 0  # pages of the documents parsed in this run that were read by OCR
    passages: int = 0
    seconds: float = 0.0
    rebuilt: bool = False  # a new generation was built (first build, --full, another analyzer or format)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "moved": self.moved, "removed": self.removed,
                "unchanged": self.unchanged, "retagged": self.retagged, "failed": len(self.failed),
                "failures": [{"path": f.path, "error": f.error} for f in self.failed],
                "warnings": self.warnings, "warned": self.warned, "ocr_pages": self.ocr_pages,
                "rebuilt": self.rebuilt,
                "passages": self.passages, "seconds": round(self.seconds, 3)}

    def line(self) -> str:
        retagged = f" (retagged {self.retagged})" if self.retagged else ""
        moved = f", moved {self.moved}" if self.moved else ""
        warned = f", {len(self.warned)} with warnings" if self.warned else ""
        warned += f", {self.ocr_pages} page{'s' * (self.ocr_pages != 1)} read by OCR" if self.ocr_pages else ""
        return (f"added {self.added}, updated {self.updated}{moved}, removed {self.removed}, "
                f"unchanged {self.unchanged}{retagged}, failed {len(self.failed)}{warned} in {self.seconds:.1f} s")


# ------------------------------------------------------------------------------------------------ scanning

def check_roots(roots: list[Path]) -> None:
    """Every corpus path given must exist: a one-line UsageError naming the first that does not."""
    for root in roots:
        if not os.path.lexists(root):
            raise UsageError(f"{root}: no such file or directory")


def scan(roots: list[Path]) -> tuple[list[Path], list[Failure]]:
    """Document files under the roots (a root may be a file), in a stable order; unreadable places reported."""
    from coi.formats import supported

    files: list[Path] = []
    problems: list[Failure] = []
    for root in roots:
        if root.is_file():
            files.append(root)
            continue
        if not root.is_dir():
            problems.append(Failure(str(root), "no such file or directory"))
            continue

        def onerror(err: OSError) -> None:
            problems.append(Failure(str(err.filename), f"cannot list ({err.strerror})"))  # noqa: B023

        for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):  # symlinked dirs are not followed
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            names = set(filenames)
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith(".") or not supported(path):
                    continue
                if path.suffix.lower() == ".pdf" and f"{path.stem}.txt" in names:
                    continue  # a text beside a PDF stands in for it (a scan's text, a better extraction)
                files.append(path)
    return files, problems


def path_key(path: Path) -> str:
    """How the index names a file: its absolute path (symlinks not resolved)."""
    return os.path.abspath(path)


def _under(key: str, roots: list[Path]) -> bool:
    for root in roots:
        r = path_key(root)
        if key == r or key.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


def content_hash(path: Path) -> str:
    """What decides whether a document must be parsed again: its bytes, its sidecar, the parser version."""
    from coi.formats.text import read_bytes
    from coi.sidecar import sidecar_path

    data = read_bytes(path)
    if not data:
        raise InputError(f"{path}: empty file")
    h = hashlib.sha256(data)
    side = sidecar_path(path)
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        h.update(b"\0sidecar\0" + side.read_bytes())
    h.update(f"\0parser {PARSER_VERSION}".encode())
    return h.hexdigest()


# ------------------------------------------------------------------------------------------------ planning

@dataclass(frozen=True)
class Source:
    """A document file found in the corpus, with its content hash."""

    path: Path
    key: str
    digest: str


@dataclass(frozen=True)
class Plan:
    """What a run will do, decided before the index is touched."""

    add: tuple[Source, ...] = ()
    update: tuple[tuple[Source, Held], ...] = ()
    move: tuple[tuple[Source, Held], ...] = ()  # the same content at a new path: same doc_id, no parsing
    remove: tuple[Held, ...] = ()
    unchanged: tuple[tuple[Source, Held], ...] = ()
    duplicates: tuple[tuple[Source, str], ...] = ()  # a file with the same content as the one (key) indexed
    failed: tuple[Failure, ...] = ()

    def parses(self) -> list[tuple[Source, Held | None]]:
        """The documents to parse, in scan order: new ones and changed ones."""
        return sorted([(s, None) for s in self.add] + list(self.update), key=lambda item: item[0].key)

    @property
    def changes(self) -> bool:
        return bool(self.add or self.update or self.move or self.remove)


def make_plan(held: dict[str, Held], sources: list[Source], roots: list[Path],
              failed: tuple[Failure, ...] | list[Failure] = ()) -> Plan:
    """Decide what to do with each file and each held document, without touching the index."""
    by_digest: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        by_digest[s.digest].append(s)
    held_by_digest: dict[str, list[Held]] = defaultdict(list)
    for h in held.values():
        held_by_digest[h.content_hash].append(h)
    seen = {s.key for s in sources}
    add: list[Source] = []
    update: list[tuple[Source, Held]] = []
    move: list[tuple[Source, Held]] = []
    unchanged: list[tuple[Source, Held]] = []
    duplicates: list[tuple[Source, str]] = []
    claimed: set[str] = set()  # held documents that stay (unchanged, updated) or move
    for digest, group in by_digest.items():
        # the copy that is indexed: one the index already holds with this content, else the first in scan order
        keeper = next((s for s in group if s.key in held and held[s.key].content_hash == digest), group[0])
        duplicates += [(s, keeper.key) for s in group if s is not keeper]
        old = held.get(keeper.key)
        if old is not None:
            (unchanged if old.content_hash == digest else update).append((keeper, old))
            claimed.add(old.key)
            continue
        gone = next((h for h in held_by_digest.get(digest, ()) if h.key not in seen and h.key not in claimed
                     and not os.path.lexists(h.key)), None)
        if gone is not None:
            move.append((keeper, gone))
            claimed.add(gone.key)
        else:
            add.append(keeper)
    duplicate_keys = {s.key for s, _ in duplicates}
    unlisted = [Path(f.path) for f in failed]  # a file that failed, or a folder that could not be listed
    remove = [h for h in held.values() if h.key not in claimed and not _under(h.key, unlisted)
              and (h.key in duplicate_keys or (_under(h.key, roots) and h.key not in seen))]
    return Plan(tuple(add), tuple(update), tuple(move), tuple(remove), tuple(unchanged), tuple(duplicates),
                tuple(failed))


# ------------------------------------------------------------------------------------------------- parsing

def _workers(pending: int) -> int:
    configured = os.environ.get("COI_WORKERS")
    if configured is not None and configured.strip():
        return env_int("COI_WORKERS", 0, 0)
    return min(os.cpu_count() or 1, 4) if pending >= PARALLEL_FROM else 0


CRASH_HOOK = "COI_TEST_KILL_WORKER_ON"  # fault injection for the tests: a worker parsing this file name dies


def _parse_one(path: Path, ocr_cache: Path | None = None, tagger: Tagger | None = None) -> Document | str:
    """Parse a file, and tag it when there is a `tagger`; a one-line reason instead when it cannot be (in a
    worker, exceptions are not sent back). `ocr_cache`: the index folder's cache of OCR'd pages."""
    from coi.parse import parse_file

    if os.environ.get(CRASH_HOOK) == path.name and os.getpid() != int(os.environ.get("COI_MAIN_PID", "0")):
        os.abort()  # as a crash inside a PDF library would
    try:
        doc = parse_file(path, ocr_cache)
    except Exception as exc:  # a parser bug must not stop the run or cost data
        return store.describe(exc, path)
    if tagger is None:
        return doc
    try:
        return tagger(doc)
    except Exception as exc:  # a tagger bug must not stop the run or cost data
        return store.describe(exc, path)


_worker_tagger: Tagger | None = None  # in a worker process: the run's tagger, sent once when the worker starts


def _start_worker(parent: int, tagger: Tagger | None) -> None:
    global _worker_tagger
    _worker_tagger = tagger
    _worker_started(parent)


@dataclass(frozen=True)
class Prepared:
    """A document a worker parsed and tagged, with the full-text fields of its records analysed (the records of
    `store.index_records`, in order): the writing process only adds their postings."""

    doc: Document
    postings: tuple[store.Postings, ...]


def _prepare_in_worker(path: Path, ocr_cache: Path | None) -> Prepared | Document | str:
    result = _parse_one(path, ocr_cache, _worker_tagger)
    if isinstance(result, str):
        return result
    try:
        return Prepared(result, tuple(store.analyse_texts(store.record_texts(result))))
    except Exception:  # the writing process analyses it, and reports what fails there
        return result


# A worker makes millions of short-lived objects and keeps a few hundred thousand (its caches of words, the
# vocabulary). With Python's default thresholds its collector scanned those in a full collection every hundred
# documents or so, 4% of its time at 100k passages, and found next to nothing to collect (cycles are rare here:
# a few thousand objects in such a run). Young collections every GC_YOUNG net allocations, not 700, and what the
# worker loaded before its first document frozen out of the scans, cut that to under 1% (benchmarks/README.md,
# "Seventh round"). Memory is still freed as it was: by reference counting, and cycles by the collector.
GC_YOUNG = 20_000


def _worker_started(parent: int) -> None:
    """In a worker, first: it ends with its parent (`_watch_parent`), and its collector runs less often."""
    import gc

    _watch_parent(parent)
    gc.freeze()  # modules, the vocabulary: loaded once and kept for the worker's life
    gc.set_threshold(GC_YOUNG, 10, 10)


def _watch_parent(parent: int) -> None:
    """In a worker: end this process as soon as the process that started it is gone (killed, even with SIGKILL),
    so that no worker outlives its run blocked on a pipe."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="coi-watch-parent").start()


WORKER_DIED = "the parser's worker process died on it (a crash in a PDF library, or out of memory)"


def _pool(workers: int, tagger: Tagger | None) -> Any:
    """Worker processes started afresh ("spawn"), not forked: they hold none of this process's files, so the
    writer lock is released the moment this process ends, and each watches that it still has a parent. The
    tagger is sent to each worker once, not with every document."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(), tagger))


def _portable(tagger: Tagger | None) -> bool:
    """Whether a tagger can be sent to worker processes (a lambda or a local function cannot)."""
    import pickle

    try:
        pickle.dumps(tagger)
    except Exception:
        return False
    return True


def prepared(paths: list[Path], workers: int, ocr_cache: Path | None = None,
             tagger: Tagger | None = None) -> Iterator[Prepared | Document | str]:
    """`_parse_one` of each path (parsed, then tagged by `tagger`), in order; in `workers` processes when there
    are any. Tagging and analysing the text cost as much as parsing, so the workers do those too (`Prepared`):
    the process that writes the index is the bottleneck of a build. A tagger that cannot be sent to them tags
    here (and the text is analysed here: it may change it). A worker that dies fails only the
    document it was parsing: the documents in flight are parsed again one by one."""
    if workers <= 0:
        yield from (_parse_one(p, ocr_cache, tagger) for p in paths)
        return
    if not _portable(tagger):
        for result, path in zip(prepared(paths, workers, ocr_cache), paths, strict=True):
            doc = result.doc if isinstance(result, Prepared) else result
            yield doc if isinstance(doc, str) or tagger is None else _tag_here(doc, path, tagger)
        return
    from concurrent.futures.process import BrokenProcessPool

    os.environ["COI_MAIN_PID"] = str(os.getpid())
    i = 0
    while i < len(paths):
        ahead: deque[tuple[Path, Any, int]] = deque()  # path, its future, its file's size
        pool = _pool(workers, tagger)
        size = 0  # of the files in flight
        try:
            while i < len(paths) or ahead:
                while i < len(paths) and len(ahead) < workers * WINDOW and (not ahead or size < AHEAD_BYTES):
                    nbytes = _file_size(paths[i])
                    ahead.append((paths[i], pool.submit(_prepare_in_worker, paths[i], ocr_cache), nbytes))
                    size += nbytes
                    i += 1
                result = ahead[0][1].result()
                size -= ahead.popleft()[2]
                yield result
        except BrokenProcessPool:
            pass
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        # the pool broke: which of the documents in flight killed it? Those done before it broke are kept
        yield from _parse_alone([(path, future.result() if _finished(future) else None)
                                 for path, future, _ in ahead], ocr_cache, tagger)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since the scan: its parse says so
        return 0


def _finished(future: Any) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _tag_here(doc: Document, path: Path, tagger: Tagger) -> Document | str:
    try:
        return tagger(doc)
    except Exception as exc:  # a tagger bug must not stop the run or cost data
        return store.describe(exc, path)


def _parse_alone(todo: list[tuple[Path, Prepared | Document | str | None]], ocr_cache: Path | None,
                 tagger: Tagger | None) -> Iterator[Prepared | Document | str]:
    """The results of documents in flight when a worker died: those without one (None) parsed one at a time in a
    worker of their own, so that the document a worker dies on is the one it was parsing; the worker is started
    again only after a death (one per document was seconds per death with many documents in flight)."""
    from concurrent.futures.process import BrokenProcessPool

    pool = None
    try:
        for path, result in todo:
            if result is not None:
                yield result
                continue
            pool = pool or _pool(1, tagger)
            try:
                result = pool.submit(_prepare_in_worker, path, ocr_cache).result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                pool, result = None, WORKER_DIED
            yield result
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------------------------------------ applying

def _tags(doc: Document) -> Any:
    return doc.countries, [(p.topics, p.countries, p.triggers) for p in doc.passages]


def with_doc_id(doc: Document, doc_id: str) -> Document:
    """The document under another id (its passages' ids follow)."""
    return replace(doc, doc_id=doc_id, passages=tuple(replace(p, id=f"{doc_id}#{p.anchor}") for p in doc.passages))


class _Taken(NamedTuple):
    """A document in a worker's segment, decided (`_Apply.take`)."""

    source: Source
    previous: Held | None  # the document it replaces
    renamed: str | None  # the id of its own it is indexed under (another file has its id)
    start: int  # its records in the segment: start..end-1
    end: int


class _Apply:
    """Applies a plan to one generation with one writer, committing every `batch` documents."""

    def __init__(self, ix: Any, searcher: Any, held: dict[str, Held], batch: int, summary: IndexSummary) -> None:
        self.ix, self.searcher, self.batch, self.summary = ix, searcher, batch, summary
        self.owners = {h.doc_id: h.key for h in held.values()}  # doc_id -> the file that has it
        self.now = dict(held)  # what the index holds as the run goes
        self.writer: Any = None
        self.pending = 0
        self.commits = 0
        self.least = 0  # documents a commit holds at least (a large run's segments are a share of it)
        self.side: dict[int, _Taken] = {}  # documents in workers' segments not yet committed, by position

    def _writer(self) -> Any:
        if self.writer is None:
            self.writer = store.open_writer(self.ix)
        return self.writer

    def written(self) -> None:
        """One more document in the writer: a commit every `batch`, or when its postings fill POOL_FULL of its
        memory and it holds `least` documents at least, so a killed run keeps its work."""
        self.pending += 1
        if self.pending >= self.batch or (self.pending >= self.least and store.pool_share(self.writer) >= POOL_FULL):
            store.commit(self.writer)
            self.writer, self.pending = None, 0
            self.commits += 1

    def _lookup(self) -> Any:
        """The run's searcher while it reads what the writer was opened on (until the run's first commit), to
        find documents to delete with: a writer opens a reader of every segment for each look-up otherwise (four
        times the segment count's worth of term tables for a one-document re-index)."""
        return self.searcher if self.commits == 0 else None

    def delete(self, held: Held) -> None:
        self._writer().delete_by_term("path", held.key, searcher=self._lookup())
        self._forget(held)

    def _forget(self, held: Held) -> None:
        self.now.pop(held.key, None)
        if self.owners.get(held.doc_id) == held.key:
            del self.owners[held.doc_id]

    def _own_id(self, doc_id: str, source: Source) -> str:
        """The id a document is indexed under: its own, or one of its own if another file already has it."""
        owner = self.owners.get(doc_id)
        if owner is None or owner == source.key:
            return doc_id
        from coi.parse import slug

        distinct = f"{doc_id}-{slug(source.path.stem)}"
        if distinct in self.owners:
            distinct = f"{distinct}-{source.digest[:8]}"
        self.summary.warnings.append(
            f"{source.path}: document id {doc_id} is also claimed by {owner}; indexed as {distinct}")
        return distinct

    def put(self, doc: Document, source: Source, postings: tuple[store.Postings, ...] | None = None) -> Document:
        """Write a document's records, under an id of its own if another file already has its id. `postings`:
        the records' full-text fields, analysed in a worker (another id changes none of them); analysed here
        when there are none."""
        doc_id = self._own_id(doc.doc_id, source)
        return self._write(doc if doc_id == doc.doc_id else with_doc_id(doc, doc_id), source, postings)

    def _write(self, doc: Document, source: Source, postings: tuple[store.Postings, ...] | None) -> Document:
        writer = self._writer()
        records = store.index_records(doc, source.key, source.digest)
        if postings is None:  # parsed or moved here: analysed here, the same way
            postings = tuple(store.analyse_texts(store.record_texts(doc)))
        for record, analysed in zip(records, postings, strict=True):
            store.add_record(writer, record, analysed)
        self.owners[doc.doc_id] = source.key
        self.now[source.key] = Held(source.key, doc.doc_id, source.digest, len(doc.passages))
        return doc

    def take(self, seq: int, written: Any, source: Source, previous: Held | None) -> None:
        """A document a worker wrote into its segment (coi.parallel.Written), decided in the order of the files:
        the id it has in the index, what it replaces; its segment's commit (`adopt`) deletes what it replaces,
        and gives it an id of its own there if another file has its id."""
        if previous is not None:
            self._forget(previous)
        doc_id = self._own_id(written.doc_id, source)
        self.side[seq] = _Taken(source, previous, doc_id if doc_id != written.doc_id else None,
                                written.start, written.end)
        self.owners[doc_id] = source.key
        self.now[source.key] = Held(source.key, doc_id, source.digest, written.passages)

    def adopt(self, ready: Any) -> None:
        """Commit a worker's segment (coi.parallel.SegmentReady) with what its documents replace deleted."""
        from coi.engine.segments import move_segment, stored_fields

        segment = ready.segment
        move_segment(segment, ready.folder, Path(self.ix.storage.folder))
        writer = self._writer()
        for seq in ready.seqs:
            taken = self.side.pop(seq)
            if taken.previous is not None:
                writer.delete_by_term("path", taken.previous.key, searcher=self._lookup())
            if taken.renamed is not None:
                for docnum in range(taken.start, taken.end):
                    segment.delete_document(docnum)
                # its document record is the last of its records
                doc = store.document_from_record(stored_fields(self.ix, segment, taken.end - 1))
                self._write(with_doc_id(doc, taken.renamed), taken.source, None)
        store.commit(writer, (segment,))
        self.writer, self.pending = None, 0
        self.commits += 1

    def stored(self, held: Held) -> Document | None:
        fields = self.searcher.document(id=f"doc:{held.key}")
        return store.document_from_record(fields) if fields else None

    def finish(self, meta: IndexMeta | None) -> None:
        if meta is not None:
            store.write_meta(self._writer(), meta, self._lookup())
        if self.writer is not None:
            store.commit(self.writer)
            self.writer = None

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


def ocr_pages(doc: Document) -> int:
    """The pages of a document that were read by OCR."""
    return len({pg for p in doc.passages if p.ocr for pg in p.pages})


def _count(summary: IndexSummary, source: Source, previous: Held | None, warnings: tuple[str, ...],
           ocr_pages: int, passages: int) -> None:
    """A parsed document in the run's summary."""
    summary.warnings.extend(warnings)
    if warnings:
        summary.warned.append(str(source.path))
    summary.ocr_pages += ocr_pages
    summary.passages += passages
    if previous is not None:
        summary.updated += 1
    else:
        summary.added += 1


def _outcomes(todo: list[tuple[Source, Held | None]], run: _Apply, ocr_cache: Path | None,
              tagger: Tagger | None) -> Iterator[Any]:
    """What becomes of each document to parse, in order, as (its position, the outcome): parsed and written by
    the workers (coi.parallel) in a large run, else parsed by them and written here; with coi.parallel's events
    (Parsed, SegmentReady) in between."""
    from coi import parallel

    workers = _workers(len(todo))
    if workers and len(todo) >= parallel.FROM and _portable(tagger):
        items = [(s.path, s.key, s.digest) for s, _ in todo]
        yield from parallel.written_by_workers(items, workers, Path(run.ix.storage.folder), run.ix.indexname,
                                               ocr_cache, tagger, run.least, run.batch)
        return
    yield from enumerate(prepared([s.path for s, _ in todo], workers, ocr_cache, tagger))


def _apply(ix: Any, searcher: Any, plan: Plan, held: dict[str, Held], retag: bool, tagger: Tagger | None,
           tagging: str, progress: Progress | None, total: int, summary: IndexSummary,
           ocr_cache: Path | None = None) -> dict[str, Held]:
    """Apply the plan with a searcher of the index as it is (before the run writes); what it holds after it."""
    from coi import parallel

    batch = env_int("COI_BATCH_DOCUMENTS", BATCH, 1)
    run = _Apply(ix, searcher, held, batch, summary)
    done = len(plan.failed) + len(plan.duplicates)  # the progress bar counts every file
    try:
        for h in plan.remove:
            run.delete(h)
            summary.removed += 1
            run.written()
        reparse: list[tuple[Source, Held | None]] = []  # moves without a stored form to move
        for source, old in plan.move:
            doc = run.stored(old)
            run.delete(old)
            if doc is None:  # no stored form to move: parse it as a new document
                reparse.append((source, None))
                continue
            doc = replace(doc, source_path=str(source.path))
            run.put(tagger(doc) if tagger and retag else doc, source)
            summary.moved += 1
            done += 1
            if progress:
                progress(done, total, source.path)
            run.written()
        for source, old in plan.unchanged:
            summary.unchanged += 1
            done += 1
            if progress:
                progress(done, total, source.path)
            if retag and tagger:
                stored = run.stored(old)
                if stored is not None and _tags(tagged := tagger(stored)) != _tags(stored):
                    run.delete(old)
                    run.put(tagged, source)
                    summary.retagged += 1
                    run.written()
        todo = plan.parses() + reparse
        if not os.environ.get("COI_BATCH_DOCUMENTS", "").strip():  # about SEGMENTS segments at most
            run.least = -(-len(todo) // SEGMENTS)
            run.batch = max(run.batch, run.least)
        counted: set[int] = set()  # documents the progress has counted
        for item in _outcomes(todo, run, ocr_cache, tagger):
            if isinstance(item, parallel.SegmentReady):
                run.adopt(item)
                continue
            seq = item.seq if isinstance(item, parallel.Parsed) else item[0]
            if seq not in counted:
                counted.add(seq)
                done += 1
                if progress:
                    progress(done, total, todo[seq][0].path)
            if isinstance(item, parallel.Parsed):
                continue
            seq, result = item
            source, previous = todo[seq]
            if isinstance(result, str):
                summary.failed.append(Failure(str(source.path), result))
                continue
            if isinstance(result, parallel.Written):
                _count(summary, source, previous, result.warnings, result.ocr_pages, result.passages)
                run.take(seq, result, source, previous)
                continue
            parsed = result.doc if isinstance(result, Prepared) else result
            _count(summary, source, previous, tuple(parsed.warnings),
                   ocr_pages(parsed), len(parsed.passages))
            if previous is not None:
                run.delete(previous)
            run.put(parsed, source, result.postings if isinstance(result, Prepared) else None)
            run.written()
        changed = plan.changes or summary.retagged or run.writer is not None
        run.finish(IndexMeta(tagging=tagging) if (retag or changed) and tagger is not None else None)
    except BaseException:
        run.cancel()
        raise
    return run.now


def update_index(index_dir: Path, roots: list[Path], full: bool = False, wait: float = 0.0,
                 progress: Progress | None = None, tagger: Tagger | None = None,
                 tagging: str = "") -> IndexSummary:
    """Bring the index in `index_dir` up to date with the documents under `roots`.

    Unchanged documents (same content hash) are skipped without parsing; changed ones replace their passages;
    moved ones keep their doc_id; files gone from under the roots drop theirs. A document that fails keeps its
    earlier passages. `tagger` tags every parsed document; when `tagging` (the vocabulary's digest) differs from
    the one the index was tagged with, unchanged documents are tagged again from their stored form, without
    parsing, and only those whose tags change are rewritten. A first build, `full`, and an index of another
    analyzer or format build a new generation, which searches see only once it is complete.
    """
    start = time.monotonic()
    check_roots(roots)
    env_int("COI_BATCH_DOCUMENTS", BATCH, 1)  # a bad setting is reported before anything is touched
    _workers(0)
    store.check_index_dir(index_dir)
    summary = IndexSummary()
    with store.writer_lock(index_dir, wait):
        shutil.rmtree(index_dir / store.SIDE, ignore_errors=True)  # a killed run's workers' folders
        target, building = _target(index_dir, full)
        summary.rebuilt = building
        ix = store.open_generation(index_dir, target)
        with ix.searcher() as s:
            held, from_file = store.read_held(index_dir, target, s)
            commit = s.reader().generation()
            retag = tagger is not None and store.read_meta(s).tagging != tagging
            files, problems = scan(roots)
            sources: list[Source] = []
            failed = list(problems)
            hashes = HashCache(index_dir, PARSER_VERSION, trust=not full)  # `--full` reads every file
            for path in files:
                key = path_key(path)
                try:
                    sources.append(Source(path, key, hashes.digest(path, key, content_hash)))
                except Exception as exc:  # unreadable: reported, like a document that does not parse
                    failed.append(Failure(str(path), store.describe(exc, path)))
            hashes.save()
            plan = make_plan(held, sources, roots, failed)
            summary.failed.extend(plan.failed)
            for source, kept in plan.duplicates:
                summary.warnings.append(f"{source.path}: same content as {kept}; indexed once")
            if plan.changes or retag or building:
                # the searcher that read what the index holds: the run reads stored documents and finds the
                # records to replace with it
                now = _apply(ix, s, plan, held, retag, tagger, tagging, progress, len(files), summary,
                             index_dir / store.OCR_CACHE)
                store.write_held(index_dir, target, ix.latest_generation(), now)
            else:
                summary.unchanged = len(plan.unchanged)
                if not from_file:
                    store.write_held(index_dir, target, commit, held)
        if building:
            _count_against_previous(index_dir, ix, summary)
            store.write_pointer(index_dir, store.CURRENT, target)
            store.remove_pointer(index_dir, store.NEXT)
        if building or full:
            store.remove_generations(index_dir, keep={target.name})
    summary.seconds = time.monotonic() - start
    return summary


def _count_against_previous(index_dir: Path, ix: Any, summary: IndexSummary) -> None:
    """A rebuilt generation's summary says what changed for searches: documents new to the index, documents
    parsed again, documents the index no longer has."""
    previous = store.read_pointer(index_dir, store.CURRENT)
    if previous is None or not store.generation_exists(index_dir, previous):
        return
    try:
        with store.open_generation(index_dir, previous).searcher() as s:
            before = set(store.held_documents(s))
    except Exception:  # a generation of another format: count everything as new
        return
    with ix.searcher() as s:
        after = set(store.held_documents(s))
    summary.added, summary.removed = len(after - before), len(before - after)
    summary.updated = max(0, len(after & before) - summary.unchanged - summary.moved)


def _target(index_dir: Path, full: bool) -> tuple[store.Generation, bool]:
    """The generation this run writes, and whether it is being built (not yet what searches read): a build
    interrupted earlier is resumed; a first build, `full`, and an index of another format or analyzer start one."""
    current = store.read_pointer(index_dir, store.CURRENT)
    nxt = store.read_pointer(index_dir, store.NEXT)
    if nxt is not None and nxt.compatible and store.generation_exists(index_dir, nxt):
        return nxt, True
    if nxt is not None:
        store.remove_pointer(index_dir, store.NEXT)
    if current is not None and current.compatible and not full and store.generation_exists(index_dir, current):
        return current, False
    gen = store.new_generation()
    store.remove_generations(index_dir, keep={current.name} if current else set())  # abandoned builds
    store.create_generation(index_dir, gen)
    store.write_pointer(index_dir, store.NEXT, gen)
    return gen, True


def index_corpus(index_dir: Path, roots: list[Path], full: bool = False, wait: float = 0.0,
                 progress: Progress | None = None) -> IndexSummary:
    """`coi index`: update the index with the corpus under `roots`, tagging with the corpus vocabulary."""
    from functools import partial

    from coi.tag import corpus_vocabulary, tag_document

    vocab = corpus_vocabulary(roots)
    # a partial, not a lambda: it can be sent to the worker processes, which tag what they parse
    return update_index(index_dir, roots, full=full, wait=wait, progress=progress,
                        tagger=partial(tag_document, vocab=vocab), tagging=vocab.digest)


# -------------------------------------------------------------------------------------------------- checking

@dataclass(frozen=True)
class CheckReport:
    """What `coi check` found: the index against the corpus, and every stored record read back."""

    documents: int
    passages: int
    segments: int
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "passages": self.passages, "segments": self.segments,
                "problems": list(self.problems), "sound": not self.problems}


_NO_DOC = Document(doc_id="", doc_type=DocType.DOCUMENT, title=None, date=None)


def check_index(index_dir: Path, roots: list[Path]) -> CheckReport:
    """Verify the index against the corpus under `roots`: every document present with its content hash and
    passage count, nothing stale, every stored record and column readable. Reads only; `coi index --full`
    repairs whatever this finds."""
    from coi.engine.readers import column_values, segment_sizes
    from coi.tag import corpus_vocabulary

    check_roots(roots)
    problems: list[str] = []
    gen = store.current(index_dir)
    if store.read_pointer(index_dir, store.NEXT) is not None:
        problems.append("a rebuild of the index is unfinished; run `coi index`")
    ix = store.open_generation(index_dir, gen)
    with ix.searcher() as s:
        held = store.held_documents(s)
        files, unreadable = scan(roots)
        sources = []
        for path in files:
            try:
                sources.append(Source(path, path_key(path), content_hash(path)))
            except Exception as exc:
                unreadable.append(Failure(str(path), store.describe(exc, path)))
        plan = make_plan(held, sources, roots, unreadable)
        problems += [f"not indexed: {s.path}" for s in plan.add]
        problems += [f"changed since it was indexed: {s.path}" for s, _ in plan.update]
        problems += [f"moved since it was indexed: {h.key} -> {s.path}" for s, h in plan.move]
        problems += [f"indexed but gone from the corpus: {h.key}" for h in plan.remove]
        problems += [f"unreadable, not checked: {f.path}: {f.error}" for f in plan.failed]
        passages_by_path: dict[str, int] = defaultdict(int)
        passages = 0
        for _, fields in s.reader().iter_docs():
            kind = fields.get("kind")
            try:
                if kind == "passage":
                    store.passage_from_record(fields, _NO_DOC)  # its document is read with the doc record
                    passages_by_path[fields["path"]] += 1
                    passages += 1
                elif kind == "doc":
                    doc = store.document_from_record(fields)
                    store.meta_document(json.loads(fields["meta"]))
                    if len(doc.passages) != fields.get("passages", len(doc.passages)):
                        problems.append(f"{fields['path']}: its record counts {fields.get('passages')} passages, "
                                        f"its parsed form {len(doc.passages)}")
            except Exception as exc:
                problems.append(f"unreadable {kind} record {fields.get('id')!r}: {type(exc).__name__}: {exc}")
        for h in held.values():
            if passages_by_path.get(h.key, 0) != h.passages:
                problems.append(f"{h.key}: {passages_by_path.get(h.key, 0)} passages in the index, "
                                f"{h.passages} when it was parsed")
        size = s.reader().doc_count_all()
        for name in ("doc_type", "topic", "country", "source", "year", "day"):
            try:
                if len(column_values(s.reader(), name)) != size:
                    problems.append(f"column {name}: not one value per document")
            except Exception as exc:
                problems.append(f"column {name}: unreadable ({type(exc).__name__}: {exc})")
        if store.read_meta(s).tagging != corpus_vocabulary(roots).digest:
            problems.append("tagged with another vocabulary than the corpus has now; run `coi index`")
        segments = len(segment_sizes(s.reader()))
    return CheckReport(len(held), passages, segments, tuple(problems))
