"""The store: the index's schema, where its files are, opening and locking it, its own metadata, and the
conversion between stored records and the typed model, both ways.

An index directory holds generations of one whoosh index, each complete in itself. The file CURRENT names the
generation that searches read; it is replaced (atomically) only when a generation is complete. A first build, a
rebuild for another analyzer or storage format, and `coi index --full` write a new generation, named in the file
NEXT while it is built: searches keep reading CURRENT meanwhile, a killed build is resumed by the next run, and
the old generation's files are removed after the switch. Ordinary runs update CURRENT in place, a commit per
batch of documents; each whoosh commit is atomic, so a killed run leaves the last commit readable.

The folder `ocr-cache` holds what OCR read on scanned pages, one file per page content hash (coi.formats.ocr): it
outlives generations, so that neither a re-index nor a rebuild OCRs an unchanged scan again.

The index is its own manifest: besides one record per passage it holds one record per document (its path,
content hash and parsed form) and one metadata record (how the documents were tagged).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from coi.analysis import ANALYZER_NAME, MIN_PART, DutchTokenizer, ReverseTokenizer, index_forms, index_terms
from coi.errors import CoiError, IndexBusyError, IndexMissingError, UsageError
from coi.model import Document, Footnote, Passage, document_from_dict, document_to_dict, passage_to_dict

FORMAT = "7"  # the storage format: schema and record layout. A generation of another format is rebuilt.
ANALYZER = ANALYZER_NAME  # the analysis the text fields were indexed with: name, algorithm, lexicon version
CURRENT, NEXT = "CURRENT", "NEXT"
LOCK_NAME = ".coi-index.lock"
OCR_CACHE = "ocr-cache"
SIDE = ".coi-side"  # while a large run writes: its workers' folders (coi.parallel); a killed run's are removed
META_ID = "meta:index"
WRITER_MB = 256  # memory for postings before a writer spills them to disk
SMALL_SEGMENT = 2000  # documents: a segment of fewer is small
MAX_SMALL = 5  # small segments: a commit that finds this many merges them
MAX_DELETED = 0.25  # a segment with more than this share of deleted documents is merged (its deletions dropped)


class IndexIncompleteError(IndexMissingError):
    """A first build of the index was interrupted: nothing complete to search yet."""


def _lazy_whoosh() -> Any:
    from whoosh import index as windex

    import coi.engine  # noqa: F401  (checks the whoosh version and installs coi's fixes)

    return windex


def schema() -> Any:
    """The index schema: full-text fields (Dutch), facet columns, and stored JSON for hits."""
    _lazy_whoosh()
    from whoosh.columns import NumericColumn, RefBytesColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

    from coi.analysis import dutch_analyzer, reverse_analyzer

    dutch = dutch_analyzer()
    # Facet and filter fields keep their values as a RefBytesColumn: the distinct values once and a byte (or two)
    # per document pointing to one. A searcher reads that array whole, with no Python work per document
    # (coi.engine.columns): filter bitmaps and facet counts at a million passages in milliseconds.
    facet = RefBytesColumn
    topic, country = (KEYWORD(commas=True, sortable=True) for _ in range(2))
    topic.column_type = facet()  # KEYWORD ignores a column given as `sortable` (whoosh 2.7.4)
    country.column_type = facet()
    return Schema(
        kind=ID(stored=True, sortable=facet()),  # "passage", "doc" or "meta"
        id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        path=ID(stored=True),
        content_hash=STORED(),
        passages=STORED(),  # on a document record: how many passages it has (for `coi check`)
        phash=STORED(),  # on a passage record: a digest of what it says (alerts report a passage once per text)
        data=STORED(),
        meta=STORED(),  # on a document record: the fields a hit shows (doc_meta)
        text=TEXT(analyzer=dutch, phrase=True),
        heading=TEXT(analyzer=dutch, phrase=True, field_boost=1.5),
        title=TEXT(analyzer=dutch, phrase=False),  # on document records
        notes=TEXT(analyzer=dutch, phrase=True, field_boost=0.5),
        rev=TEXT(analyzer=reverse_analyzer(), phrase=False),
        doc_type=ID(sortable=facet()),
        topic=topic,  # the column holds the comma-joined values
        country=country,
        source=ID(sortable=facet()),
        year=ID(sortable=facet()),  # "2022", or "" when unknown
        day=COLUMN(NumericColumn("i", default=0)),  # yyyymmdd, 0 when unknown: date filters and sorting read it
    )


# ---------------------------------------------------------------------------------------------- generations

@dataclass(frozen=True)
class Generation:
    """One complete or growing copy of the index, and how it was built."""

    name: str  # whoosh's index name: its files are _NAME_N.toc and NAME_*.seg
    format: str
    analyzer: str

    @property
    def compatible(self) -> bool:
        """Whether this version of coi reads and updates it as it is."""
        return self.format == FORMAT and self.analyzer == ANALYZER


def read_pointer(index_dir: Path, which: str) -> Generation | None:
    """The generation CURRENT or NEXT names, or None."""
    try:
        data = json.loads((index_dir / which).read_text(encoding="utf-8"))
        return Generation(str(data["name"]), str(data["format"]), str(data["analyzer"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexMissingError(f"{index_dir / which}: unreadable ({exc}); run `coi index --full`") from None


def write_pointer(index_dir: Path, which: str, gen: Generation) -> None:
    """Name `gen` in CURRENT or NEXT, atomically (a reader sees the old file or the new one, never half)."""
    tmp = index_dir / f".{which}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"name": gen.name, "format": gen.format, "analyzer": gen.analyzer}) + "\n",
                   encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / which)


def remove_pointer(index_dir: Path, which: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (index_dir / which).unlink()


def new_generation() -> Generation:
    return Generation("g" + uuid.uuid4().hex[:10], FORMAT, ANALYZER)


def generation_files(index_dir: Path, name: str) -> list[Path]:
    """The files of a generation (whoosh's TOCs, segments and its write lock)."""
    pattern = re.compile(rf"^(_{re.escape(name)}_\d+\.toc|{re.escape(name)}_[0-9a-zA-Z]+(\.[\w.]+)?)$")
    return [p for p in index_dir.iterdir() if pattern.match(p.name)] if index_dir.is_dir() else []


def remove_generations(index_dir: Path, keep: set[str]) -> None:
    """Remove the files of every generation but `keep` (older ones, abandoned builds, a pre-generation index).
    A search that still has a removed file open keeps reading it; one that opens anew reads CURRENT again."""
    names = {m.group(1) for p in index_dir.iterdir()
             if (m := re.match(r"^_(\w+?)_\d+\.toc$", p.name)) or (m := re.match(r"^(\w+?)_\w+\.seg$", p.name))}
    names |= {m.group(1) for p in index_dir.iterdir() if (m := re.match(r"^(\w+?)_WRITELOCK$", p.name))}
    for name in names - keep:
        for path in generation_files(index_dir, name):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def check_index_dir(index_dir: Path) -> None:
    """An index directory that exists and is a directory, or can be made: a one-line UsageError if not."""
    if index_dir.exists() and not index_dir.is_dir():
        raise UsageError(f"--index {index_dir}: not a directory")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--index {index_dir}: cannot create the index directory ({exc.strerror})") from None
    if not os.access(index_dir, os.W_OK | os.X_OK):
        raise UsageError(f"--index {index_dir}: the index directory is not writable")


def current(index_dir: Path) -> Generation:
    """The generation searches read; a one-line IndexMissingError when there is none to read."""
    gen = read_pointer(index_dir, CURRENT) if index_dir.is_dir() else None
    if gen is None:
        if index_dir.is_dir() and read_pointer(index_dir, NEXT) is not None:
            raise IndexIncompleteError(f"{index_dir}: the index is incomplete (its first build was interrupted); "
                                       f"run `coi index` to finish it")
        old = index_dir.is_dir() and any(index_dir.glob("_coi*_*.toc"))
        why = "was built by an older version of coi" if old else "does not exist"
        raise IndexMissingError(f"{index_dir}: the index {why}; run `coi index` first")
    if not gen.compatible:
        raise IndexMissingError(f"{index_dir}: the index was built with {gen.analyzer} (format {gen.format}); this "
                                f"coi reads {ANALYZER} (format {FORMAT}); run `coi index` to rebuild it")
    return gen


def stamp(index_dir: Path) -> str:
    """Names the committed state of the index (its generation and whoosh's commit number): equal stamps, equal
    contents. Cheap (a directory listing), so a run with nothing to do can tell that nothing changed."""
    gen = current(index_dir)
    numbers = [int(m.group(1)) for p in index_dir.iterdir()
               if (m := re.fullmatch(rf"_{re.escape(gen.name)}_(\d+)\.toc", p.name))]
    return f"{gen.name}:{max(numbers, default=0)}"


def exists(index_dir: Path) -> bool:
    """Whether there is a complete index this version of coi can search."""
    try:
        current(index_dir)
    except IndexMissingError:
        return False
    return True


def open_generation(index_dir: Path, gen: Generation) -> Any:
    """Open a generation; FileNotFoundError when its files are gone (a rebuild switched and removed them after
    the caller read CURRENT: read it again)."""
    windex = _lazy_whoosh()
    try:
        return windex.open_dir(str(index_dir), indexname=gen.name)
    except windex.EmptyIndexError as exc:
        raise FileNotFoundError(f"{index_dir}: generation {gen.name} is gone ({exc})") from None


def create_generation(index_dir: Path, gen: Generation) -> Any:
    return _lazy_whoosh().create_in(str(index_dir), schema(), indexname=gen.name)


def generation_exists(index_dir: Path, gen: Generation) -> bool:
    return bool(_lazy_whoosh().exists_in(str(index_dir), indexname=gen.name))


def create_index(index_dir: Path) -> Any:
    """A new, empty index that searches read at once (for tests and benchmarks that write records directly)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = new_generation()
    ix = create_generation(index_dir, gen)
    write_pointer(index_dir, CURRENT, gen)
    return ix


def open_index(index_dir: Path) -> Any:
    """Open the current generation for reading; a clear error when there is none."""
    return open_generation(index_dir, current(index_dir))


def open_searcher(ix: Any) -> Any:
    """A whoosh searcher of an opened generation; FileNotFoundError, as from `open_generation`, when a rebuild
    removed the generation's files since it was opened (whoosh reads the TOC again for the searcher)."""
    windex = _lazy_whoosh()
    try:
        return ix.searcher()
    except windex.EmptyIndexError as exc:
        raise FileNotFoundError(f"generation {ix.indexname} is gone ({exc})") from None


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """Hold the one-writer lock, waiting up to `wait` seconds for another run to finish."""
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


def merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Which segments a commit keeps as they are; the others are merged into the new segment (their deleted
    documents dropped). Merged: the small segments (fewer than SMALL_SEGMENT documents) once there are MAX_SMALL of
    them or together they make a large one, and every segment with more than MAX_DELETED of its documents deleted;
    wholly deleted ones simply disappear. So an index holds its large segments and at most MAX_SMALL small ones,
    deletions never pile up, and a commit of one changed document does not write again the small segment a build
    left behind (merging it at every commit cost each re-index half a second at 100k passages)."""
    from whoosh.reading import SegmentReader

    keep, merge, small = [], [], []
    for seg in segments:
        total, deleted = seg.doc_count_all(), seg.deleted_count()
        if deleted >= total:
            continue
        if deleted > MAX_DELETED * total:
            merge.append(seg)
        elif total < SMALL_SEGMENT:
            small.append(seg)
        else:
            keep.append(seg)
    if len(small) >= MAX_SMALL or sum(seg.doc_count() for seg in small) >= SMALL_SEGMENT:
        merge += small
    else:
        keep += small
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    kept = {id(seg) for seg in keep}
    return [seg for seg in segments if id(seg) in kept]  # in their order: it numbers the documents


def open_writer(ix: Any, **kwargs: Any) -> Any:
    """A writer with coi's memory for postings. Its segments are whoosh's compound files: a reader opens all of a
    segment's parts at once, so a re-index that deletes the segment later cannot pull a part from under it (with
    separate files, whoosh opens columns lazily and a search during a re-index failed)."""
    from coi.engine.pool import TermPool
    from coi.engine.segments import temp_storage

    limitmb = kwargs.pop("limitmb", WRITER_MB)
    writer = ix.writer(limitmb=limitmb, **kwargs)
    writer.pool = TermPool(temp_storage(writer), writer.newsegment, limitmb=limitmb)  # see coi.engine.pool
    return writer


def pool_share(writer: Any) -> float:
    """The share of its memory for postings that a writer has used."""
    pool = writer.pool
    return float(pool.currentsize / pool.limit) if pool.limit else 0.0


def commit(writer: Any, adopted: tuple[Any, ...] = ()) -> None:
    """Commit with coi's merge policy; `adopted`: segments worker processes wrote (`open_side_writer`), moved
    into the index folder (coi.engine.segments.move_segment), added to the index by this commit."""
    if not adopted:
        writer.commit(mergetype=merge_policy)
        return
    from coi.engine.segments import commit_adopting

    commit_adopting(writer, merge_policy, adopted)


def open_side_writer(folder: Path, name: str, limitmb: int = WRITER_MB) -> Any:
    """A writer, in a worker process, of segments for the generation `name`, written in `folder`
    (coi.engine.segments), with `limitmb` of memory for postings."""
    from coi.engine.pool import TermPool
    from coi.engine.segments import open_side_writer as open_writer_in
    from coi.engine.segments import temp_storage

    writer = open_writer_in(folder, name, schema(), limitmb)
    writer.pool = TermPool(temp_storage(writer), writer.newsegment, limitmb=limitmb)
    return writer


# ------------------------------------------------------------------------------------------ index metadata

@dataclass(frozen=True)
class IndexMeta:
    """What the index says about itself, kept in its metadata record (committed with the documents)."""

    tagging: str = ""  # digest of the vocabulary and tagger that tagged the documents
    updated: str = ""  # when a run last changed the index (ISO time, UTC)


def read_meta(searcher: Any) -> IndexMeta:
    fields = searcher.document(id=META_ID)
    if not fields:
        return IndexMeta()
    data = json.loads(fields["data"])
    return IndexMeta(tagging=data.get("tagging", ""), updated=data.get("updated", ""))


def write_meta(writer: Any, meta: IndexMeta, searcher: Any = None) -> None:
    """Replace the index's metadata record. `searcher`: one that reads the segments the writer was opened on, to
    find the old record with (else the writer opens a reader of every segment for it)."""
    meta = replace(meta, updated=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    writer.delete_by_term("id", META_ID, searcher=searcher)  # what whoosh's update_document does
    writer.add_document(kind="meta", id=META_ID, data=json.dumps({"tagging": meta.tagging, "updated": meta.updated}))


# ------------------------------------------------------------------------------------ records <-> the model

def _day(doc: Document) -> int:
    return doc.date.year * 10000 + doc.date.month * 100 + doc.date.day if doc.date else 0


def doc_meta(doc: Document, full: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document fields a hit carries (the rest stays in the document record); `full`: its dict, if made."""
    full = document_to_dict(doc) if full is None else full
    return {k: full[k] for k in ("doc_id", "doc_type", "title", "date", "dates", "identifiers", "people",
                                 "source", "countries", "source_path", "source_url")}


# The full-text fields: analysing them is most of the cost of writing a record, so the worker processes that
# parse documents analyse them too (`analyse_texts`) and the writing process adds their postings (`add_record`).
TEXT_FIELDS = ("heading", "notes", "rev", "text", "title")

# A record's full-text fields analysed: per field, whoosh's field.index() output (term bytes, frequency, weight,
# encoded positions) as four columns, (terms, frequencies, weights, values): a worker sends it to the writing
# process, and a tuple per posting took twice as long to unpickle.
Postings = dict[str, tuple[tuple[Any, ...], ...]]


def record_texts(doc: Document) -> list[dict[str, str]]:
    """The full-text field values of `index_records(doc, ...)`, record by record (they do not depend on the
    document's id or path)."""
    notes = {f.n: f for f in doc.footnotes}
    texts = [{"text": p.text, "heading": p.heading or "",
              "notes": "\n".join(notes[n].text for n in p.footnotes if n in notes), "rev": p.text}
             for p in doc.passages]
    return [*texts, {"title": doc.title or ""}]


@lru_cache(maxsize=1)
def _index_schema() -> Any:
    return schema()


def analyse_texts(texts: list[dict[str, str]]) -> list[Postings]:
    """The postings of full-text field values (`record_texts`), as the index's writer would make them."""
    fields = _index_schema()
    return [{name: field_columns(fields[name], value) for name, value in sorted(record.items()) if value}
            for record in texts]


def field_postings(field: Any, value: str) -> list[tuple[bytes, int, float, bytes]]:
    """`list(field.index(value))` of a full-text field (see `field_columns`)."""
    return list(zip(*field_columns(field, value), strict=True))


def field_columns(field: Any, value: str) -> tuple[tuple[Any, ...], ...]:
    """`field.index(value)` of a full-text field as columns (terms, frequencies, weights, values): for coi's
    analyzers, the terms taken straight from the analysis (`index_forms`, `index_terms`) into whoosh's posting
    values, without a token object passed through whoosh's format per term (half of the cost of analysing a
    passage), and a column at a time, without a tuple per term. The same items in the same order
    (tests/test_engine_fixes.py compares them on real texts); another analyzer or format goes through whoosh."""
    from pickle import dumps

    from whoosh.formats import Frequency, Positions
    from whoosh.system import pack_uint

    global _last_columns
    analyzer, kind, boost = field.analyzer, type(field.format), field.format.field_boost
    last = _last_columns  # one read: another thread may replace it
    if last[0] == value and last[1] is type(analyzer) and last[2] is kind:
        # the value the field before had (an answer's heading is its question, the passage before it): the same
        # terms and values; the weights by this field's boost
        keys, counts, values = last[3]
        return keys, counts, _weights(counts, boost), values
    terms: dict[str, list[int]] = {}
    if type(analyzer) is DutchTokenizer and kind in (Positions, Frequency):
        forms, at = index_forms(value)
        for word_terms in forms:
            for term in word_terms:
                terms.setdefault(term, []).append(at)
            at += 1
    elif type(analyzer) is ReverseTokenizer and kind is Frequency:
        stems, first = index_terms(value)
        for i, stem in enumerate(stems):
            if len(stem) >= 2 * MIN_PART and stem.isalpha():
                terms.setdefault(stem[::-1], []).append(first + i)
    else:
        return _as_columns(field.index(value))
    if not terms:
        return ()
    keys = tuple([term.encode("utf-8") for term in terms])
    at_lists = terms.values()
    counts = tuple(map(len, at_lists))
    weights = _weights(counts, boost)
    if kind is Frequency:  # whoosh's Frequency.word_values: the count, and a weight of 1.0 per occurrence
        values = tuple(map(pack_uint, counts))
        _last_columns = (value, type(analyzer), kind, (keys, counts, values))
        return keys, counts, weights, values
    # whoosh's Positions.word_values and .encode. Most terms of a passage are there once: their value is the
    # count 1 and the pickle of the position, remembered, joined anew each time (pickle would write one object
    # met twice in a block as a reference to the first, and the block would differ from whoosh's)
    one, pickled = _ONE, _PICKLED or _pickled()
    values = tuple([one + pickled[positions[0]] if len(positions) == 1 and positions[0] < PICKLED else
                    pack_uint(len(positions)) + dumps(
                        [positions[0], *(b - a for a, b in zip(positions, positions[1:], strict=False))], 2)
                    for positions in at_lists])
    _last_columns = (value, type(analyzer), kind, (keys, counts, values))
    return keys, counts, weights, values


def _weights(counts: tuple[int, ...], boost: float) -> tuple[float, ...]:
    """whoosh's weight of a term said `n` times in a field boosted by `boost`: float(n) * boost."""
    return tuple(map(float, counts)) if boost == 1.0 else tuple([float(n) * boost for n in counts])


def _as_columns(items: Iterable[tuple[Any, ...]]) -> tuple[tuple[Any, ...], ...]:
    """whoosh's (term, frequency, weight, value) items as columns, the weights as floats (as its pool keeps
    them): what `add_record` hands the pool."""
    columns = tuple(zip(*items, strict=True))
    return (columns[0], columns[1], tuple(map(float, columns[2])), columns[3]) if columns else ()


# the value analysed last, its analyzer and format, and its terms, counts and values (`field_columns`)
_last_columns: tuple[str, type, type, tuple[tuple[Any, ...], ...]] = ("", type(None), type(None), ())


_ONE = b"\x00\x00\x00\x01"  # whoosh.system.pack_uint(1)
PICKLED = 4096  # the first positions of a text, whose pickles are made once
_PICKLED: list[bytes] = []


def _pickled() -> list[bytes]:
    """`pickle.dumps([pos], 2)` for each of the first PICKLED positions (a Positions value of one position)."""
    from pickle import dumps

    _PICKLED[:] = [dumps([pos], 2) for pos in range(PICKLED)]
    return _PICKLED


def add_record(writer: Any, record: dict[str, Any], postings: Postings | None = None) -> None:
    """`writer.add_document(**record)`, with the full-text fields' postings analysed already (`analyse_texts`)
    when `postings` is given: whoosh 2.7.4's SegmentWriter.add_document, less the analysis of those fields and
    the options coi does not use (boosts, custom stored values, spelling, vectors)."""
    if postings is None:
        writer.add_document(**record)
        return
    writer._check_state()
    per_doc, schema, docnum, add_post = writer.perdocwriter, writer.schema, writer.docnum, writer.pool.add
    names = sorted(record)
    writer._check_fields(schema, names)
    per_doc.start_doc(docnum)
    for name in names:
        value = record[name]
        if value is None:
            continue
        field = schema[name]
        length = 0
        if field.indexed:
            columns = postings.get(name, ()) if name in TEXT_FIELDS else _keyword_postings(field, name, value)
            # whoosh's pool.add, for all of a field's postings at once
            if not columns or _add_field(writer.pool, name, docnum, columns):
                length = sum(columns[1]) if columns and field.scorable else 0
            else:
                items = zip(*columns, strict=True)
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in items:
                    if scorable:
                        length += freq
                    add_post((name, tbytes, docnum, weight * 1.0, vbytes))
        per_doc.add_field(name, field, value if field.stored else None, length)
        column = field.column_type
        if column:
            per_doc.add_column_value(name, column, field.to_column_value(value))
    per_doc.finish_doc()
    writer._added = True
    writer.docnum += 1


_KEYWORDS: dict[tuple[str, str], tuple[tuple[Any, ...], ...]] = {}


def _keyword_postings(field: Any, name: str, value: str) -> tuple[tuple[Any, ...], ...]:
    """`field.index(value)` of an identifier or keyword field as columns (as `analyse_texts` gives a full-text
    field's), remembered: the values of most of them (kind, type, topics, countries, source, year, and a
    document's id and path on each of its passages) repeat from record to record, and analysing them again was a
    tenth of what the writing process does."""
    key = (name, value)
    found = _KEYWORDS.get(key)
    if found is None:
        if len(_KEYWORDS) >= 50_000:
            _KEYWORDS.clear()
        found = _KEYWORDS[key] = _as_columns(field.index(value))
    return found


def _add_field(pool: Any, name: str, docnum: int, columns: tuple[tuple[Any, ...], ...]) -> bool:
    """Add a document's postings of field `name` (terms, frequencies, weights, values) to coi's pool at once, if
    they fit in its memory; False (and nothing added) when they do not, or the writer has whoosh's own pool: then
    they go one by one, as whoosh adds them, and the pool spills to disk on the way."""
    from coi.engine.pool import TermPool

    terms, _, weights, values = columns  # the weights are floats (`field_columns`, `_as_columns`)
    return isinstance(pool, TermPool) and pool.add_field(name, docnum, terms, weights, values)


def index_records(doc: Document, key: str, digest: str) -> list[dict[str, Any]]:
    """The whoosh documents for one parsed Document: its passages and its own record."""
    dicts = [passage_to_dict(p) for p in doc.passages]
    full = document_to_dict(doc, dicts)
    notes = {f.n: f for f in doc.footnotes}
    records: list[dict[str, Any]] = []
    year = str(doc.date.year) if doc.date else ""
    texts = record_texts(doc)
    for p, pd, text in zip(doc.passages, dicts, texts, strict=False):
        cited = [notes[n] for n in p.footnotes if n in notes]
        # the document's metadata is stored once, in its own record; a hit looks it up by doc_id
        data = {"passage": pd | {"order": p.order},
                "footnotes": [{"n": f.n, "text": f.text, "urls": list(f.urls)} for f in cited]}
        countries = p.countries or doc.countries
        records.append({
            "kind": "passage", "id": p.id, "doc_id": doc.doc_id, "path": key, "phash": passage_digest(p, cited),
            "data": _json(data), **text,
            "doc_type": doc.doc_type.value, "topic": ",".join(p.topics), "country": ",".join(countries),
            "source": doc.source or "", "year": year, "day": _day(doc),
        })
    records.append({
        "kind": "doc", "id": f"doc:{key}", "doc_id": doc.doc_id, "path": key, "content_hash": digest,
        "passages": len(doc.passages),
        "data": _json(full), "meta": _json(doc_meta(doc, full)),
        **texts[-1], "doc_type": doc.doc_type.value, "source": doc.source or "", "year": year,
        "day": _day(doc),
    })
    return records


def _json(value: Any) -> str:
    """A record's JSON (what json.dumps gives, without the spaces after separators): by orjson, in Rust, seven
    times json's speed on a document's record, which repeats every passage; json.loads reads it back."""
    import orjson

    text: str = orjson.dumps(value).decode("utf-8")
    return text


def passage_digest(p: Passage, cited: list[Footnote] | tuple[Footnote, ...]) -> str:
    """What a passage says, as a short digest: its text and the footnotes it cites (not its heading, which for an
    answer is its question, nor its tags, pages or position: they change without the passage saying anything
    new)."""
    import hashlib

    h = hashlib.sha256("\0".join([p.text] + [f"{f.n} {f.text}" for f in cited]).encode())
    return h.hexdigest()[:20]


def document_from_record(fields: dict[str, Any]) -> Document:
    """The parsed Document kept in a document record."""
    return document_from_dict(json.loads(fields["data"]))


def meta_document(meta: dict[str, Any]) -> Document:
    """A document's metadata (from its record's `meta`, as a hit carries it) as a Document without passages."""
    return document_from_dict(meta | {"sha256": None, "passages": [], "footnotes": [], "references": []})


@dataclass(frozen=True)
class StoredPassage:
    """A passage as the index keeps it: with the footnotes it cites and its document's metadata."""

    passage: Passage
    footnotes: tuple[Footnote, ...]
    doc: Document  # metadata only: no passages, footnotes or references


def passage_from_record(fields: dict[str, Any], doc: Document) -> StoredPassage:
    """A passage record back as typed objects (`doc`: its document's metadata)."""
    data = json.loads(fields["data"])
    p = data["passage"]
    passage = Passage(
        id=p["id"], anchor=p["anchor"], locator=p["locator"], heading=p["heading"], text=p["text"],
        footnotes=tuple(p["footnotes"]), topics=tuple(p["topics"]), countries=tuple(p["countries"]),
        pages=tuple(p["pages"]), order=p.get("order", 0), questions=tuple(p.get("questions", ())),
        triggers={k: tuple(v) for k, v in p.get("triggers", {}).items()},
        ocr=bool(p.get("ocr", False)), ocr_confidence=p.get("ocr_confidence"))
    notes = tuple(Footnote(f["n"], f["text"], tuple(f["urls"])) for f in data["footnotes"])
    return StoredPassage(passage, notes, doc)


def lookup_json(found: StoredPassage | Document) -> dict[str, Any]:
    """What `coi show --json` prints: {"passage", "footnotes", "doc"} for a passage, {"document"} for a document."""
    if isinstance(found, Document):
        return {"document": document_to_dict(found)}
    return {"passage": passage_to_dict(found.passage) | {"order": found.passage.order},
            "footnotes": [{"n": f.n, "text": f.text, "urls": list(f.urls)} for f in found.footnotes],
            "doc": doc_meta(found.doc)}


@dataclass(frozen=True)
class Held:
    """What the index holds for one file."""

    key: str
    doc_id: str
    content_hash: str
    passages: int = 0


def held_documents(searcher: Any) -> dict[str, Held]:
    """The documents in the index, by path key."""
    out: dict[str, Held] = {}
    for fields in searcher.documents(kind="doc"):
        out[fields["path"]] = Held(fields["path"], fields["doc_id"], fields.get("content_hash", ""),
                                   fields.get("passages", 0))
    return out


def held_path(index_dir: Path, gen: Generation) -> Path:
    """The file that keeps `held_documents` of a generation's last commit. Whoosh deletes it at every commit (its
    name is one of the generation's segment files' names to whoosh), and `remove_generations` with the rest."""
    return index_dir / f"{gen.name}_held.json"


def read_held(index_dir: Path, gen: Generation, searcher: Any) -> tuple[dict[str, Held], bool]:
    """`held_documents(searcher)`, read from `held_path` when it was written for the commit the searcher reads
    (reading every document record, each with its parsed form, was most of a one-document re-index at 100k
    passages); and whether it was."""
    commit = searcher.reader().generation()
    try:
        data = json.loads(held_path(index_dir, gen).read_text(encoding="utf-8"))
        if data["commit"] == commit and commit is not None:
            return {k: Held(k, d, h, n) for k, d, h, n in data["held"]}, True
    except (OSError, ValueError, KeyError, TypeError):  # none, or torn by a crash: read the records
        pass
    return held_documents(searcher), False


def write_held(index_dir: Path, gen: Generation, commit: int, held: dict[str, Held]) -> None:
    """Keep `held` as what the generation's commit number `commit` holds (atomically: a reader sees all of it
    or the file before; a file torn by a crash is not JSON, and the records are read instead)."""
    tmp = index_dir / f".{gen.name}_held.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"commit": commit, "held": [[h.key, h.doc_id, h.content_hash, h.passages]
                                                          for h in held.values()]}), encoding="utf-8")
    os.replace(tmp, held_path(index_dir, gen))


def describe(error: BaseException, path: Path | str) -> str:
    """A failure as one line without the path it is about (it is printed beside it)."""
    if isinstance(error, CoiError):
        return str(error).removeprefix(f"{path}: ")
    return f"internal error ({type(error).__name__}: {error})"
