"""The index stage: one Whoosh document per passage, kept up to date with the corpus incrementally and safely.

The index records what it holds: besides passages it has one record per document (kind "doc") with the file's
path, its content hash and the parsed Document, so there is no second manifest that can disagree with it.
One writer at a time (a lock file, released by the OS if the process dies); each commit is atomic in Whoosh, so
a run killed at any point leaves the last committed index readable, and the next run completes the work.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from coi import PARSER_VERSION, whoosh_fixes
from coi.analysis import ANALYSIS_VERSION, dutch_analyzer, reverse_analyzer
from coi.errors import CoiError, IndexBusyError, IndexMissingError, UsageError
from coi.model import Document, document_to_dict, passage_to_dict

whoosh_fixes.apply()

INDEX_NAME = f"coi{ANALYSIS_VERSION}"
LOCK_NAME = ".coi-index.lock"
# Documents per commit: progress survives a kill, and a commit stays cheap. COI_BATCH_DOCUMENTS tunes it.
BATCH_DOCUMENTS = int(os.environ.get("COI_BATCH_DOCUMENTS", "200"))


def schema() -> Schema:
    """The index schema: full-text fields (Dutch), facet columns, and stored JSON for hits."""
    dutch = dutch_analyzer()
    return Schema(
        kind=ID(stored=True),  # "passage" or "doc"
        id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        path=ID(stored=True),
        content_hash=STORED(),
        data=STORED(),
        meta=STORED(),  # on a document record: the fields a hit shows (doc_meta)
        text=TEXT(analyzer=dutch, phrase=True),
        heading=TEXT(analyzer=dutch, phrase=True, field_boost=1.5),
        title=TEXT(analyzer=dutch, phrase=False),  # on document records
        notes=TEXT(analyzer=dutch, phrase=True, field_boost=0.5),
        rev=TEXT(analyzer=reverse_analyzer(), phrase=False),
        doc_type=ID(sortable=True),
        topic=KEYWORD(commas=True, sortable=True),
        country=KEYWORD(commas=True, sortable=True),
        source=ID(sortable=True),
        year=ID(sortable=True),  # "2022", or "" when unknown
        day=COLUMN(NumericColumn("i", default=0)),  # yyyymmdd, 0 when unknown: date filters and sorting read it
    )


@dataclass
class Failure:
    """A document that could not be indexed, and why (one line)."""

    path: str
    error: str


@dataclass
class IndexSummary:
    """What a run of `coi index` did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    retagged: int = 0
    failed: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # documents indexed with a remark ("not UTF-8")
    passages: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed,
                "unchanged": self.unchanged, "retagged": self.retagged, "failed": len(self.failed),
                "failures": [{"path": f.path, "error": f.error} for f in self.failed],
                "warnings": self.warnings,
                "passages": self.passages, "seconds": round(self.seconds, 3)}

    def line(self) -> str:
        retagged = f" (retagged {self.retagged})" if self.retagged else ""
        return (f"added {self.added}, updated {self.updated}, removed {self.removed}, "
                f"unchanged {self.unchanged}{retagged}, failed {len(self.failed)} in {self.seconds:.1f} s")


# -------------------------------------------------------------------------------------------- opening

def exists(index_dir: Path) -> bool:
    """Whether a committed index of this version of coi is in `index_dir`."""
    return index_dir.is_dir() and windex.exists_in(str(index_dir), indexname=INDEX_NAME)


def open_index(index_dir: Path) -> windex.Index:
    """Open the index for reading; a clear error when there is none."""
    if not exists(index_dir):
        other = index_dir.is_dir() and any(index_dir.glob("_coi*_*.toc"))
        why = "was built by another version of coi" if other else "does not exist"
        raise IndexMissingError(f"{index_dir}: the index {why}; run `coi index` first")
    return windex.open_dir(str(index_dir), indexname=INDEX_NAME)


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """Hold the one-writer lock, waiting up to `wait` seconds for another run to finish."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"{index_dir}: another `coi index` is running; try again later or pass --wait SECONDS"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# ------------------------------------------------------------------------------------------ documents

def content_hash(path: Path) -> str:
    """What decides whether a document must be parsed again: its bytes, its sidecar, the parser version."""
    from coi.formats.text import read_bytes
    from coi.sidecar import sidecar_path

    h = hashlib.sha256(read_bytes(path))
    side = sidecar_path(path)
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        h.update(b"\0sidecar\0" + side.read_bytes())
    h.update(f"\0parser {PARSER_VERSION}".encode())
    return h.hexdigest()


def _day(doc: Document) -> int:
    return doc.date.year * 10000 + doc.date.month * 100 + doc.date.day if doc.date else 0


def doc_meta(doc: Document, full: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document fields a hit carries (the rest stays in the document record); `full`: its dict, if made."""
    full = document_to_dict(doc) if full is None else full
    return {k: full[k] for k in ("doc_id", "doc_type", "title", "date", "dates", "identifiers", "people",
                                 "source", "countries", "source_path", "source_url")}


def index_records(doc: Document, key: str, digest: str) -> list[dict[str, Any]]:
    """The Whoosh documents for one parsed Document: its passages and its own record."""
    dicts = [passage_to_dict(p) for p in doc.passages]
    full = document_to_dict(doc, dicts)
    notes = {f.n: f for f in doc.footnotes}
    records: list[dict[str, Any]] = []
    for p, pd in zip(doc.passages, dicts, strict=True):
        cited = [notes[n] for n in p.footnotes if n in notes]
        # the document's metadata is stored once, in its own record; a hit looks it up by doc_id
        data = {"passage": pd | {"order": p.order},
                "footnotes": [{"n": f.n, "text": f.text, "urls": list(f.urls)} for f in cited]}
        countries = p.countries or doc.countries
        records.append({
            "kind": "passage", "id": p.id, "doc_id": doc.doc_id, "path": key,
            "data": json.dumps(data, ensure_ascii=False),
            "text": p.text, "heading": p.heading or "",
            "notes": "\n".join(f.text for f in cited), "rev": p.text,
            "doc_type": doc.doc_type.value, "topic": ",".join(p.topics), "country": ",".join(countries),
            "source": doc.source or "", "year": str(doc.date.year) if doc.date else "", "day": _day(doc),
        })
    records.append({
        "kind": "doc", "id": f"doc:{key}", "doc_id": doc.doc_id, "path": key, "content_hash": digest,
        "data": json.dumps(full, ensure_ascii=False), "meta": json.dumps(doc_meta(doc, full), ensure_ascii=False),
        "title": doc.title or "",
        "doc_type": doc.doc_type.value, "source": doc.source or "",
        "year": str(doc.date.year) if doc.date else "", "day": _day(doc),
    })
    return records


WRITER_MB = 256  # memory for postings before a writer spills them to disk


def open_writer(ix: windex.Index, **kwargs: Any) -> Any:
    """A writer with coi's memory for postings. Its segments are whoosh's compound files: a reader opens all of a
    segment's parts at once, so a re-index that deletes the segment later cannot pull a part from under it (with
    separate files, whoosh opens columns lazily and a search during a re-index failed)."""
    return ix.writer(limitmb=kwargs.pop("limitmb", WRITER_MB), **kwargs)


@dataclass(frozen=True)
class Held:
    """What the index holds for one file."""

    key: str
    doc_id: str
    content_hash: str


def held_documents(ix: windex.Index) -> dict[str, Held]:
    """The documents in the index, by path key."""
    out: dict[str, Held] = {}
    with ix.searcher() as s:
        for fields in s.documents(kind="doc"):
            out[fields["path"]] = Held(fields["path"], fields["doc_id"], fields.get("content_hash", ""))
    return out


# ------------------------------------------------------------------------------------------- scanning

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


# ------------------------------------------------------------------------------------------- updating

def _retag(ix: windex.Index, writer: Any, held: Held, tagger: Callable[[Document], Document]) -> bool:
    """Tag a stored document again; rewrite it only if its tags changed. Returns whether it did."""
    from coi.model import document_from_dict

    with ix.searcher() as s:
        fields = s.document(id=f"doc:{held.key}")
    if not fields:
        return False
    stored = document_from_dict(json.loads(fields["data"]))
    tagged = tagger(stored)
    if _tags(tagged) == _tags(stored):
        return False
    writer.delete_by_term("path", held.key)
    for record in index_records(tagged, held.key, held.content_hash):
        writer.add_document(**record)
    return True


Progress = Callable[[int, int, Path], None]  # (done, total, path)


META_VOCABULARY = "meta:vocabulary"


def _stored_tagging(ix: windex.Index) -> str:
    with ix.searcher() as s:
        fields = s.document(id=META_VOCABULARY)
        return str(fields["data"]) if fields else ""


def _tags(doc: Document) -> Any:
    return doc.countries, [(p.topics, p.countries, p.triggers) for p in doc.passages]


# Parsing is most of the work of indexing new documents; with this many to parse, worker processes parse them
# while this process writes the index. COI_WORKERS sets how many (0: parse here).
PARALLEL_FROM = 16
WINDOW = 4  # documents parsed ahead per worker: bounded, so memory does not grow with the corpus


def _workers(pending: int) -> int:
    configured = os.environ.get("COI_WORKERS")
    if configured is not None:
        if not configured.strip().isdigit():
            raise UsageError(f"COI_WORKERS={configured!r}: give a number of worker processes (0: parse here)")
        return int(configured)
    return min(os.cpu_count() or 1, 4) if pending >= PARALLEL_FROM else 0


def _parse_one(path: Path) -> Document | str:
    """Parse a file; a one-line reason instead when it cannot be (in a worker, exceptions are not sent back)."""
    from coi.parse import parse_file

    try:
        return parse_file(path)
    except CoiError as exc:
        return str(exc).removeprefix(f"{path}: ")
    except Exception as exc:  # a parser bug must not stop the run or cost data
        return f"internal error ({type(exc).__name__}: {exc})"


def _parsed(paths: list[Path], workers: int) -> Iterator[Document | str]:
    """`_parse_one` of each path, in order; in `workers` processes when there are any.

    The workers are started afresh ("spawn"), not forked: they hold none of this process's files, so the writer
    lock is released the moment this process ends, even if it is killed while they work.
    """
    if workers <= 0:
        yield from (_parse_one(p) for p in paths)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        ahead: deque[Any] = deque()
        try:
            for path in paths:
                ahead.append(pool.submit(_parse_one, path))
                if len(ahead) >= workers * WINDOW:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        finally:
            for future in ahead:
                future.cancel()


def update_index(index_dir: Path, roots: list[Path], full: bool = False, wait: float = 0.0,
                 progress: Progress | None = None, tagger: Callable[[Document], Document] | None = None,
                 tagging: str = "") -> IndexSummary:
    """Bring the index in `index_dir` up to date with the documents under `roots`.

    Unchanged documents (same content hash) are skipped without parsing; changed ones replace their passages;
    files gone from under the roots drop theirs. A document that fails keeps its earlier passages.
    `tagger` tags every parsed document; when `tagging` (the vocabulary's digest) differs from the one the index
    was tagged with, unchanged documents are tagged again from their stored form, without parsing, and only
    those whose tags change are rewritten.
    """
    start = time.monotonic()
    summary = IndexSummary()
    with writer_lock(index_dir, wait):
        ix = windex.open_dir(str(index_dir), indexname=INDEX_NAME) if exists(index_dir) else \
            windex.create_in(str(index_dir), schema(), indexname=INDEX_NAME)
        held = held_documents(ix)
        retag = tagger is not None and _stored_tagging(ix) != tagging
        by_doc_id = {h.doc_id: h.key for h in held.values()}
        files, problems = scan(roots)
        summary.failed.extend(problems)
        seen: set[str] = set()
        writer = open_writer(ix)
        pending = 0

        def written() -> None:
            """One more document in the writer: a commit every BATCH_DOCUMENTS, so a killed run keeps its work."""
            nonlocal writer, pending
            pending += 1
            if pending >= BATCH_DOCUMENTS:
                writer.commit()
                writer = open_writer(ix)
                pending = 0

        try:
            todo: list[tuple[Path, str, str, Held | None]] = []  # files to parse: path, key, digest, what was held
            done = 0
            for path in files:
                key = path_key(path)
                seen.add(key)
                try:
                    digest = content_hash(path)
                except Exception as exc:  # unreadable: reported, like a document that does not parse
                    done += 1
                    if progress:
                        progress(done, len(files), path)
                    why = str(exc).removeprefix(f"{path}: ") if isinstance(exc, CoiError) else \
                        f"internal error ({type(exc).__name__}: {exc})"
                    summary.failed.append(Failure(str(path), why))
                    continue
                old = held.get(key)
                if old and old.content_hash == digest and not full:
                    done += 1
                    if progress:
                        progress(done, len(files), path)
                    summary.unchanged += 1
                    if retag and tagger and _retag(ix, writer, old, tagger):
                        summary.retagged += 1
                        written()
                    continue
                todo.append((path, key, digest, old))
            results = _parsed([t[0] for t in todo], _workers(len(todo)))
            for (path, key, digest, old), result in zip(todo, results, strict=True):
                done += 1
                if progress:
                    progress(done, len(files), path)
                try:
                    if isinstance(result, str):
                        raise CoiError(f"{path}: {result}")
                    doc = result
                    summary.warnings.extend(doc.warnings)
                    if tagger:
                        doc = tagger(doc)
                    owner = by_doc_id.get(doc.doc_id)
                    if owner is not None and owner != key:
                        raise CoiError(f"{path}: document id {doc.doc_id} is already used by {owner}; "
                                       f"give one of them a doc_id in its sidecar")
                except CoiError as exc:
                    summary.failed.append(Failure(str(path), str(exc).removeprefix(f"{path}: ")))
                    continue
                except Exception as exc:  # a tagger bug must not stop the run or cost data
                    summary.failed.append(Failure(str(path), f"internal error ({type(exc).__name__}: {exc})"))
                    continue
                if old:
                    writer.delete_by_term("path", key)
                    by_doc_id.pop(old.doc_id, None)
                for record in index_records(doc, key, digest):
                    writer.add_document(**record)
                by_doc_id[doc.doc_id] = key
                summary.passages += len(doc.passages)
                if old:
                    summary.updated += 1
                else:
                    summary.added += 1
                written()
            for key in held:
                gone = _under(key, roots) and not os.path.lexists(key)
                if key not in seen and (full or gone):
                    writer.delete_by_term("path", key)
                    summary.removed += 1
            if tagger is not None:
                writer.update_document(kind="meta", id=META_VOCABULARY, data=tagging)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    summary.seconds = time.monotonic() - start
    return summary


def index_corpus(index_dir: Path, roots: list[Path], full: bool = False, wait: float = 0.0,
                 progress: Progress | None = None) -> IndexSummary:
    """`coi index`: update the index with the corpus under `roots`, tagging with the corpus vocabulary."""
    from coi.tag import corpus_vocabulary, tag_document

    vocab = corpus_vocabulary(roots)
    return update_index(index_dir, roots, full=full, wait=wait, progress=progress,
                        tagger=lambda doc: tag_document(doc, vocab), tagging=vocab.digest)
