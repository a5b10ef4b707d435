"""Query evaluation over posting blocks: the set of matching passages by set algebra, and BM25F scores for the
ones that pass the filters, with whoosh's formula and statistics.

Whoosh evaluates a query document by document through a tree of matcher objects in Python: a query that matches
a fifth of the corpus spends almost all its time there, once to count every match (for the total and the facets)
and once to rank them. Here each term's postings are read block by block (whoosh decodes a block into a tuple of
document numbers and an array of weights); AND, OR and NOT become bitwise operations in C, and a score is the sum of
its terms' BM25F contributions, as whoosh's matchers add them (an AND or OR adds the parts that match, AND NOT
scores its first part, a NOT inside AND or OR scores 1, a boost multiplies). Queries with parts that need
positions or expansion (phrases, prefixes, ranges) are counted with whoosh's docs_for_query for those parts and
ranked by whoosh (`score` returns None).

whoosh is pinned (2.7.4): the block reader below uses its W3 codec's leaf matcher.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from functools import reduce
from itertools import accumulate, repeat
from operator import and_, or_
from typing import Any

from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25FScorer

from coi.engine.fixes import LENGTHS, length_bytes

Docs = set[int] | frozenset[int]  # document numbers

Block = tuple[tuple[int, ...], Any, int, Any]  # document numbers, weights, segment offset, segment lengths reader


def _read_blocks(reader: Any, fieldname: str, btext: bytes) -> list[Block]:
    """The posting blocks of a term in every segment of the reader. Document numbers are the segment's; add the
    offset for the index's."""
    out: list[Block] = []
    for segment, offset in reader.leaf_readers():
        if (fieldname, btext) not in segment:
            continue
        m = segment._terms.matcher(fieldname, btext, segment.schema[fieldname].format)
        perdoc = segment._perdoc
        if not isinstance(m, W3LeafMatcher):  # not the codec this was written for: go posting by posting
            ids, weights = [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
            out.append((tuple(ids), weights, offset, perdoc))
            continue
        while m.is_active():
            m._read_data()  # the block's (id deltas, weights, values), unpickled
            m._read_weights()
            out.append((tuple(accumulate(m._data[0])), m._weights, offset, perdoc))  # whoosh's delta_decode, in C
            m._next_block()
    return out


# Sets of documents as bitmaps: a Python int whose byte d is 1 when document d is in the set. AND, OR, NOT and
# counting (int.bit_count) then run in C over the whole corpus at once, whatever the sizes; a byte per document
# (not a bit) keeps building a bitmap and testing a document (`mask_bytes(m)[d]`) to plain byte operations.

def to_mask(docs: Iterable[int], size: int) -> int:
    """The bitmap of a set of document numbers below `size`."""
    flags = bytearray(size)
    deque(map(flags.__setitem__, docs, repeat(1)), maxlen=0)  # flags[d] = 1 for each, in C
    return int.from_bytes(flags, "little")


def mask_bytes(mask: int, size: int) -> bytes:
    """A bitmap as bytes: byte d is 1 when document d is in it."""
    return mask.to_bytes(size, "little")


def members(mask: int) -> Iterator[int]:
    """The document numbers in a bitmap, in order."""
    flags = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    return (m.start() for m in re.finditer(b"\x01", flags))


class Evaluation:
    """One query on one searcher: matches (as bitmaps) and scores, each term's postings read once."""

    def __init__(self, searcher: Any, everything: int) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()  # document numbers are below this
        self.everything = everything  # the documents NOT and Every range over
        self._blocks: dict[tuple[str, bytes], list[Block]] = {}
        self._masks: dict[int, tuple[Q.Query, int]] = {}

    def _term(self, q: Q.Term) -> tuple[str, bytes] | None:
        schema = self.reader.schema
        if q.fieldname not in schema:
            return None
        try:
            btext = schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return None
        return (q.fieldname, btext) if (q.fieldname, btext) in self.reader else None

    def blocks(self, q: Q.Term) -> list[Block]:
        term = self._term(q)
        if term is None:
            return []
        if term not in self._blocks:
            self._blocks[term] = _read_blocks(self.reader, *term)
        return self._blocks[term]

    def mask(self, q: Q.Query) -> int:
        """The documents `q` matches, as a bitmap (deleted ones may be included: AND with the live passages)."""
        key = id(q)
        if key not in self._masks:
            self._masks[key] = (q, self._mask(q))
        return self._masks[key][1]

    def _mask(self, q: Q.Query) -> int:
        if isinstance(q, Q.Term):
            flags = bytearray(self.size)
            for ids, _, offset, _ in self.blocks(q):
                deque(map(flags.__setitem__, map(offset.__add__, ids) if offset else ids, repeat(1)), maxlen=0)
            return int.from_bytes(flags, "little")
        if isinstance(q, Q.NullQuery.__class__):
            return 0
        if isinstance(q, Q.Every) and q.fieldname in (None, "", "*"):
            return self.everything
        if isinstance(q, Q.Or) and not q.minmatch:
            return reduce(or_, (self.mask(sub) for sub in q.subqueries), 0)
        if isinstance(q, Q.And):
            subs = [self.mask(sub) for sub in q.subqueries]
            return reduce(and_, subs) if subs else 0
        if isinstance(q, Q.AndNot):
            return self.mask(q.a) & ~self.mask(q.b)
        if isinstance(q, Q.Not):
            return self.everything & ~self.mask(q.query)
        return to_mask(self.searcher.docs_for_query(q), self.size)

    def score(self, q: Q.Query, docs: int) -> dict[int, float] | None:
        """BM25F scores of the documents of bitmap `docs` (documents `q` matches) as whoosh computes them; None if
        `q` is not `scorable`."""
        if not scorable(q):
            return None
        if isinstance(q, Q.Every):
            return dict.fromkeys(members(docs), 1.0)
        scores: dict[int, float] = {}
        self._add_scores(q, 1.0, docs, mask_bytes(docs, self.size), scores)
        return scores

    def _add_scores(self, q: Q.Query, factor: float, docs: int, flags: bytes, scores: dict[int, float]) -> None:
        if isinstance(q, Q.Term):
            self._add_term_scores(q, factor * q.boost, flags, scores)
        elif isinstance(q, Q.Not):  # inside AND or OR: whoosh's inverse matcher scores 1 where the part does not match
            for d in members(docs & ~self.mask(q.query)):
                scores[d] = scores.get(d, 0.0) + factor
        elif isinstance(q, Q.AndNot):
            self._add_scores(q.a, factor, docs, flags, scores)
        elif isinstance(q, (Q.And, Q.Or)):
            subs = q.subqueries
            if len(subs) > 1:
                factor *= q.boost  # as whoosh: a compound of one part does not apply its own boost
            for sub in subs:
                # a part of an OR adds to the documents it matches; terms and NOT select themselves
                if isinstance(q, Q.Or) and isinstance(sub, (Q.And, Q.AndNot)):
                    part = docs & self.mask(sub)
                    self._add_scores(sub, factor, part, mask_bytes(part, self.size), scores)
                else:
                    self._add_scores(sub, factor, docs, flags, scores)

    def _add_term_scores(self, q: Q.Term, factor: float, flags: bytes, scores: dict[int, float]) -> None:
        term = self._term(q)
        if term is None:
            return
        scorer = self.searcher.weighting.scorer(self.searcher, *term)
        get = scores.get
        if not isinstance(scorer, BM25FScorer):  # a field without lengths (an ID field): the weight is the score
            for ids, weights, offset, _ in self.blocks(q):
                for d, w in zip(ids, weights, strict=True):
                    d += offset
                    if flags[d]:
                        scores[d] = get(d, 0.0) + w * factor
            return
        # bm25 = idf * tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * length / avgfl)), as whoosh.scoring.bm25
        k1, b = scorer.K1, scorer.B
        c1 = scorer.idf * (k1 + 1) * factor
        c2 = k1 * (1 - b)
        c3 = k1 * b / scorer.avgfl
        for ids, weights, offset, perdoc in self.blocks(q):
            lengths = length_bytes(perdoc, q.fieldname) or b""
            n = len(lengths)
            for d, w in zip(ids, weights, strict=True):
                g = d + offset
                if flags[g]:
                    length = LENGTHS[lengths[d]] if d < n else None
                    scores[g] = get(g, 0.0) + c1 * w / (w + c2 + c3 * (length if length is not None else 1))


def live_mask(searcher: Any, fieldname: str, text: str) -> int:
    """The documents holding a term, deleted ones left out (whoosh's docs_for_query of a Term), as a bitmap."""
    evaluation = Evaluation(searcher, 0)
    mask = evaluation.mask(Q.Term(fieldname, text))
    for segment, offset in searcher.reader().leaf_readers():
        if segment.has_deletions():
            mask &= ~to_mask((d + offset for d in segment._perdoc.deleted_docs()), evaluation.size)
    return mask


def live_docs(searcher: Any, fieldname: str, text: str) -> set[int]:
    """The documents holding a term, deleted ones left out: whoosh's docs_for_query of a Term, from blocks."""
    return set(members(live_mask(searcher, fieldname, text)))


def doc_set(searcher: Any, q: Q.Query, everything: Docs) -> set[int]:
    """The documents `q` matches; `everything`: the documents NOT and Every range over."""
    size = searcher.reader().doc_count_all()
    return set(members(Evaluation(searcher, to_mask(everything, size)).mask(q)))


def score(searcher: Any, q: Q.Query, docs: Docs) -> dict[int, float] | None:
    """BM25F scores of `docs` (documents `q` matches) as whoosh computes them; None if `q` is not `scorable`."""
    size = searcher.reader().doc_count_all()
    docs_mask = to_mask(docs, size)
    return Evaluation(searcher, docs_mask).score(q, docs_mask)


def scorable(q: Q.Query) -> bool:
    """Whether `score` can rank this query (terms joined by AND, OR, AND NOT, NOT; or everything)."""
    if isinstance(q, (Q.Term, Q.Not)):
        return True
    if isinstance(q, Q.AndNot):
        return scorable(q.a)  # the excluded part is only counted
    if isinstance(q, (Q.And, Q.Or)):
        return (not isinstance(q, Q.Or) or not q.minmatch) and all(scorable(s) for s in q.subqueries)
    return isinstance(q, Q.Every) and q.fieldname in (None, "", "*")
