"""A writer's postings kept by term, not as one list of tuples to sort.

whoosh's PostingPool collects a (field, term, document, weight, value) tuple per posting and sorts them all when
the segment is written; the field writer then walks the sorted list a posting at a time. At 10k passages that is
three quarters of a million tuples: making, sorting and regrouping them was a third of what the writing process
of a build does. `TermPool` keeps each term's documents, weights and values in lists as they arrive (documents
come in ascending order: a writer numbers them as it adds them), sorts only the distinct terms, and hands the
field writer a term at a time (`Grouped`, read by `coi.engine.fixes._add_postings`).

Everything else is whoosh's: the same accounting of memory (its estimate per posting), the same spill to sorted
runs on disk when the memory is used up (then the postings go the old way, merged from the runs), so the segment
written is byte for byte whoosh's (tests/test_engine_fixes.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.writing import PostingPool

# whoosh's estimate of a posting's memory (PostingPool.add): a tuple, the field name, the term twice, the value
POSTING_BYTES = 150

Term = tuple[list[int], list[float], list[bytes | None]]  # documents, weights, values of one term


class Grouped:
    """The postings of a pool that never spilled to disk: iterated as whoosh's sorted tuples, or a term at a
    time (`terms`)."""

    def __init__(self, fields: dict[str, dict[bytes, Term]]) -> None:
        self._fields = fields

    def terms(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes | None]]]:
        """(field, term, documents, weights, values) in whoosh's order: by field, term, then document."""
        for name in sorted(self._fields):
            by_term = self._fields[name]
            for term in sorted(by_term):
                docs, weights, values = by_term[term]
                if any(a >= b for a, b in zip(docs, docs[1:], strict=False)):  # not as a writer adds them
                    order = sorted(range(len(docs)), key=docs.__getitem__)
                    docs, weights, values = [docs[i] for i in order], [weights[i] for i in order], [
                        values[i] for i in order]
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
        self._fields: dict[str, dict[bytes, Term]] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting (whoosh's add: its checks, its memory estimate, a spill to disk when memory is used up)."""
        name, term, doc, weight, value = item
        assert isinstance(term, bytes), f"tbytes={term!r}"
        assert value is None or isinstance(value, bytes), f"vbytes={value!r}"
        self.fieldnames.add(name)
        self.currentsize += POSTING_BYTES + len(name) + 2 * len(term) + len(value or b"")
        if self.currentsize > self.limit:
            self.save()
        self._put(name, term, doc, weight, value)

    def _put(self, name: str, term: bytes, doc: int, weight: float, value: bytes | None) -> None:
        by_term = self._fields.get(name)
        if by_term is None:
            by_term = self._fields[name] = {}
        entry = by_term.get(term)
        if entry is None:
            by_term[term] = ([doc], [weight], [value])
        else:
            entry[0].append(doc)
            entry[1].append(weight)
            entry[2].append(value)

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
        by_term = self._fields.get(name)
        if by_term is None:
            by_term = self._fields[name] = {}
        for term, weight, value in zip(terms, weights, values, strict=True):
            entry = by_term.get(term)
            if entry is None:
                by_term[term] = ([doc], [weight], [value])
            else:
                entry[0].append(doc)
                entry[1].append(weight)
                entry[2].append(value)
        return True

    def save(self) -> None:
        """Write the postings held to a sorted run on disk (whoosh's save, from the terms)."""
        if self._fields:
            path, f = self._new_run()
            self._write_run(f, Grouped(self._fields))
            self._add_run(path)
            self._fields = {}
        self.currentsize = 0

    def items(self, maxfiles: int = 128) -> Any:
        if not self.runs:
            return Grouped(self._fields)
        self.save()
        if maxfiles < len(self.runs):
            self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return self._merge_runs(runs)
