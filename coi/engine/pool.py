"""A writer's postings kept by term, not as one list of tuples to sort.

whoosh's PostingPool collects a (field, term, document, weight, value) tuple per posting and sorts them all when
the segment is written; the field writer then walks the sorted list a posting at a time. At 10k passages that is
three quarters of a million tuples: making, sorting and regrouping them was a third of what the writing process
of a build does. `TermPool` keeps each term's document, weight and value in a flat list as they arrive (no tuple
per posting: a commit from memory 10% faster), a document's postings of a field added in C (no Python loop per
posting); documents come in ascending order (a writer
numbers them as it adds them); it sorts only the distinct terms, and hands the field writer a term at a time
(`Grouped`, read by `coi.engine.fixes._add_postings`).

When the memory is used up (whoosh's accounting: its estimate per posting) the postings spill to a run on disk,
a term at a time, and at the commit the runs are merged a term at a time (`Merged`): a term's postings are its
lists from each run in the order the runs were written, since documents come in ascending order. whoosh writes
a tuple per posting and merges the runs a posting at a time in a heap; at 10k passages with 16 MB (nine runs)
its commit took 3.3 s, this one 1.4-1.9 s, and a commit from memory 2.3 s. Either way the segment written is
byte for byte whoosh's (tests/test_engine_fixes.py).
"""

from __future__ import annotations

import heapq
import pickle
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from itertools import chain, groupby, repeat
from operator import lt
from typing import Any

from whoosh.writing import PostingPool

# whoosh's estimate of a posting's memory (PostingPool.add): a tuple, the field name, the term twice, the value
POSTING_BYTES = 150

Posting = tuple[int, float, bytes | None]  # document, weight, value (kept flat in a term's list)


def _doc(posting: Posting) -> int:
    return posting[0]


class Grouped:
    """The postings of a pool that never spilled to disk: iterated as whoosh's sorted tuples, or a term at a
    time (`terms`)."""

    def __init__(self, fields: dict[str, dict[bytes, list[Any]]]) -> None:
        self._fields = fields

    def terms(self) -> Iterator[tuple[str, bytes, tuple[int, ...], tuple[float, ...], tuple[bytes | None, ...]]]:
        """(field, term, documents, weights, values) in whoosh's order: by field, term, then document."""
        for name in sorted(self._fields):
            by_term = self._fields[name]
            for term in sorted(by_term):
                flat = by_term[term]  # document, weight, value, document, ...
                docs, weights, values = tuple(flat[0::3]), tuple(flat[1::3]), tuple(flat[2::3])
                if not all(map(lt, docs, docs[1:])):  # not in the order a writer adds them
                    docs, weights, values = zip(*sorted(zip(docs, weights, values, strict=True), key=_doc),
                                                strict=True)
                yield name, term, docs, weights, values

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        for name, term, docs, weights, values in self.terms():
            for doc, weight, value in zip(docs, weights, values, strict=True):
                yield name, term, doc, weight, value


class TermPool(PostingPool):
    """whoosh's PostingPool with the postings kept by field and term (see the module's docstring)."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.runs: list[str] = []  # paths of the sorted runs spilled to disk (whoosh's)
        self._fields: dict[str, dict[bytes, list[Any]]] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting (whoosh's add: its checks, its memory estimate, a spill to disk when memory is used up)."""
        name, term, doc, weight, value = item
        assert isinstance(term, bytes), f"tbytes={term!r}"
        assert value is None or isinstance(value, bytes), f"vbytes={value!r}"
        self.fieldnames.add(name)
        self.currentsize += POSTING_BYTES + len(name) + 2 * len(term) + len(value or b"")
        if self.currentsize > self.limit:
            self.save()
        self._by_term(name)[term].extend((doc, weight, value))

    def _by_term(self, name: str) -> dict[bytes, list[Any]]:
        by_term = self._fields.get(name)
        if by_term is None:
            by_term = self._fields[name] = defaultdict(list)
        return by_term

    def add_field(self, name: str, doc: int, terms: tuple[bytes, ...], weights: Iterable[float],
                  values: tuple[Any, ...]) -> bool:
        """All postings of one field of one document at once, if they fit in memory (else False, and nothing was
        added: the caller adds them one by one, and the pool spills as whoosh's would)."""
        size = (POSTING_BYTES + len(name)) * len(terms) + 2 * sum(map(len, terms)) + (
            sum(map(len, values)) if None not in values else sum(len(v) for v in values if v))
        if self.currentsize + size > self.limit:
            return False
        if terms:
            self.fieldnames.add(name)
        self.currentsize += size
        # each term's list gets doc, weight, value, without a Python loop over the postings (and without a tuple
        # per posting: zip reuses its tuple when extend lets go of it)
        lists = map(self._by_term(name).__getitem__, terms)
        deque(map(list.extend, lists, zip(repeat(doc), weights, values, strict=False)), maxlen=0)
        return True

    def save(self) -> None:
        """Write the postings held to a run on disk, a term at a time (field, term, documents, weights, values),
        in whoosh's order."""
        if self._fields:
            path, f = self._new_run()
            try:
                chunk: list[Any] = []
                size = 0
                for item in Grouped(self._fields).terms():
                    chunk.append(item)
                    size += len(item[2])
                    if size >= RUN_CHUNK:
                        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                        chunk, size = [], 0
                if chunk:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
            finally:
                f.close()
            self._add_run(path)
            self._fields = {}
        self.currentsize = 0

    def items(self, maxfiles: int = 128) -> Any:
        """The postings a term at a time: from memory, or merged from the runs on disk (and what is in memory)."""
        if not self.runs:
            return Grouped(self._fields)
        self.save()
        runs, self.runs = self.runs, []
        return Merged(self, runs)


RUN_CHUNK = 20_000  # postings per pickle in a run: a merge holds one chunk of each run in memory


def _key(item: tuple[Any, ...]) -> tuple[str, bytes]:
    return item[0], item[1]


class Merged(Grouped):
    """The postings of a pool that spilled to disk: its runs merged a term at a time. A run holds the postings
    of the documents added before it was written, and documents are added in ascending order, so a term's
    postings are its lists from each run, in the order the runs were written: the runs are merged by term, never
    by posting (whoosh compares every posting of every run in a heap)."""

    def __init__(self, pool: TermPool, runs: list[str]) -> None:
        super().__init__({})
        self._pool, self._runs = pool, runs

    def terms(self) -> Iterator[tuple[str, bytes, tuple[int, ...], tuple[float, ...], tuple[bytes | None, ...]]]:
        # a run read a chunk at a time, and removed once read (coi.engine.fixes, fix 3)
        streams = [self._pool._read_run(path) for path in self._runs]
        # heapq.merge keeps the order of the runs among equal keys
        for (name, term), group in groupby(heapq.merge(*streams, key=_key), _key):
            parts = list(group)
            if len(parts) == 1:
                _, _, docs, weights, values = parts[0]
            else:
                docs = tuple(chain.from_iterable(p[2] for p in parts))
                weights = tuple(chain.from_iterable(p[3] for p in parts))
                values = tuple(chain.from_iterable(p[4] for p in parts))
                if not all(map(lt, docs, docs[1:])):  # not in the order a writer adds them
                    docs, weights, values = zip(*sorted(zip(docs, weights, values, strict=True), key=_doc),
                                                strict=True)
            yield name, term, docs, weights, values
