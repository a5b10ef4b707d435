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
from itertools import repeat
from operator import and_, or_
from typing import Any

from whoosh import query as Q
from whoosh.scoring import BM25F

from coi.engine.fixes import LENGTHS, length_bytes
from coi.engine.postings import Weights, term_blocks

Docs = set[int] | frozenset[int]  # document numbers
Leaf = tuple[Q.Query, float, int]  # a scoring part: a Term or Not, its boost factor, the bitmap it adds to

# a block's document numbers (the segment's), weights (see coi.engine.postings), segment offset, per-document reader
Block = tuple[tuple[int, ...], Weights, int, Any]


def _read_blocks(reader: Any, fieldname: str, btext: bytes) -> list[Block]:
    """The posting blocks of a term in every segment of the reader. Document numbers are the segment's; add the
    offset for the index's."""
    out: list[Block] = []
    for segment, offset in reader.leaf_readers():
        perdoc = segment._perdoc
        out += [(ids, weights, offset, perdoc) for ids, weights in term_blocks(segment, fieldname, btext)]
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
        self._flags: dict[int, tuple[int, bytes]] = {}
        self._term_masks: dict[tuple[str, bytes], int] = {}
        # a large index is evaluated with numpy (coi.engine.vector): its import pays for itself there
        self.vector = self.size >= VECTOR_DOCS
        self.arrays: dict[tuple[str, bytes], Any] = {}  # coi.engine.vector's postings per term, as arrays
        self.lengths: dict[tuple[int, str], Any] = {}  # coi.engine.vector's length bytes per segment and field

    def _term(self, q: Q.Term) -> tuple[str, bytes] | None:
        schema = self.reader.schema
        if q.fieldname not in schema:
            return None
        try:
            btext = schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return None
        return q.fieldname, btext  # a term no segment holds has no blocks

    def blocks(self, q: Q.Term) -> list[Block]:
        term = self._term(q)
        return [] if term is None else self.term_blocks(term)

    def term_blocks(self, term: tuple[str, bytes]) -> list[Block]:
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
            return self._terms_mask([q])
        if isinstance(q, Q.Or) and not q.minmatch:  # its terms' postings marked in one go
            terms = [sub for sub in q.subqueries if isinstance(sub, Q.Term)]
            rest = [sub for sub in q.subqueries if not isinstance(sub, Q.Term)]
            return reduce(or_, (self.mask(sub) for sub in rest), self._terms_mask(terms) if terms else 0)
        if isinstance(q, Q.NullQuery.__class__):
            return 0
        if isinstance(q, Q.Every) and q.fieldname in (None, "", "*"):
            return self.everything
        if isinstance(q, Q.And):
            subs = [self.mask(sub) for sub in q.subqueries]
            return reduce(and_, subs) if subs else 0
        if isinstance(q, Q.AndNot):
            return self.mask(q.a) & ~self.mask(q.b)
        if isinstance(q, Q.Not):
            return self.everything & ~self.mask(q.query)
        return to_mask(self.searcher.docs_for_query(q), self.size)

    def _terms_mask(self, terms: list[Q.Term]) -> int:
        """The documents holding any of `terms`."""
        found = [t for t in (self._term(q) for q in terms) if t is not None]
        if len(found) == 1 and found[0] in self._term_masks:
            return self._term_masks[found[0]]
        if self.vector:
            from coi.engine.vector import mark

            out = mark(self, found)
        else:
            flags = bytearray(self.size)
            for term in found:
                for ids, _, offset, _ in self.term_blocks(term):
                    deque(map(flags.__setitem__, map(offset.__add__, ids) if offset else ids, repeat(1)), maxlen=0)
            out = int.from_bytes(flags, "little")
        if len(found) == 1:
            self._term_masks[found[0]] = out
        return out

    def score(self, q: Q.Query, docs: int) -> dict[int, float] | None:
        """BM25F scores of the documents of bitmap `docs` (documents `q` matches) as whoosh computes them; None if
        `q` is not `scorable`."""
        if not scorable(q):
            return None
        if isinstance(q, Q.Every):
            return dict.fromkeys(members(docs), 1.0)
        scores: dict[int, float] = {}
        for leaf in self._leaves(q, docs):
            self._add_leaf(leaf, scores)
        return scores

    def top_scores(self, q: Q.Query, docs: int, n: int | None) -> dict[int, float] | None:
        """The scores of the documents of bitmap `docs` that can be among the `n` best: every document scoring at
        least the n-th best score (ties included; n None: every document), as `score` gives them. None if `q` is
        not `scorable`.

        A large index is scored with numpy, a part at a time over all its postings (the same operations in the
        same order as `score`, so the same numbers), and only the best are kept."""
        if not scorable(q) or isinstance(q, Q.Every):
            return self.score(q, docs)
        leaves = self._leaves(q, docs)
        if not self.vector:
            scores: dict[int, float] = {}
            for leaf in leaves:
                self._add_leaf(leaf, scores)
            return scores
        return vectorized_top(self, leaves, n)

    def _leaves(self, q: Q.Query, docs: int) -> list[Leaf]:
        """The scoring parts of `q` in the order whoosh's matchers add them: each a term or NOT with its boost
        factor and the bitmap of the documents it adds to."""
        out: list[Leaf] = []
        self._collect(q, 1.0, docs, out)
        return out

    def _collect(self, q: Q.Query, factor: float, docs: int, out: list[Leaf]) -> None:
        if isinstance(q, Q.Term):
            out.append((q, factor * q.boost, docs))
        elif isinstance(q, Q.Not):  # inside AND or OR: whoosh's inverse matcher scores 1 where the part does not match
            out.append((q, factor, docs & ~self.mask(q.query)))
        elif isinstance(q, Q.AndNot):
            self._collect(q.a, factor, docs, out)
        elif isinstance(q, (Q.And, Q.Or)):
            subs = q.subqueries
            if len(subs) > 1:
                factor *= q.boost  # as whoosh: a compound of one part does not apply its own boost
            for sub in subs:
                # a part of an OR adds to the documents it matches; terms and NOT select themselves
                if isinstance(q, Q.Or) and isinstance(sub, (Q.And, Q.AndNot)):
                    self._collect(sub, factor, docs & self.mask(sub), out)
                else:
                    self._collect(sub, factor, docs, out)

    def flags(self, docs: int) -> bytes:
        """A bitmap as bytes (see mask_bytes), converted once per evaluation: many parts share one."""
        found = self._flags.get(id(docs))
        if found is None or found[0] is not docs:
            found = self._flags[id(docs)] = (docs, mask_bytes(docs, self.size))
        return found[1]

    def bm25(self, term: tuple[str, bytes], factor: float) -> tuple[float, float, float] | None:
        """(c1, c2, c3) such that a posting of weight w in a field of length l scores c1 * w / (w + c2 + c3 * l):
        whoosh's bm25 = idf * tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * length / avgfl)) with the constants of its
        BM25F scorer (the searcher's idf, the field's B), times `factor`; None for a field without lengths (an ID
        field: the weight times `factor` is the score). Built here rather than through whoosh's scorer, which
        looks the term up in every segment again for statistics this does not use."""
        fieldname, btext = term
        if not self.reader.schema[fieldname].scorable:
            return None
        weighting = self.searcher.weighting
        if not isinstance(weighting, BM25F):
            raise TypeError(f"coi scores with BM25F, not {type(weighting).__name__}")
        k1, b = weighting.K1, weighting._field_B.get(fieldname, weighting.B)
        text = self.reader.schema[fieldname].from_bytes(btext)
        idf = self.searcher.idf(fieldname, text)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        return idf * (k1 + 1) * factor, k1 * (1 - b), k1 * b / avgfl

    def _add_leaf(self, leaf: Leaf, scores: dict[int, float]) -> None:
        """Add a part's contributions to `scores`, for every document it adds to."""
        q, factor, docs = leaf
        if isinstance(q, Q.Not):
            for d in members(docs):
                scores[d] = scores.get(d, 0.0) + factor
            return
        term = self._term(q)
        if term is None or not self.term_blocks(term):
            return
        flags = self.flags(docs)
        get = scores.get
        constants = self.bm25(term, factor)
        if constants:
            c1, c2, c3 = constants
        for ids, weights, offset, perdoc in self.blocks(q):
            pairs = zip(ids, expand(weights, len(ids)), strict=True)
            if not constants:  # a field without lengths (an ID field): the weight is the score
                for d, w in pairs:
                    d += offset
                    if flags[d]:
                        scores[d] = get(d, 0.0) + w * factor
                continue
            lengths = length_bytes(perdoc, q.fieldname) or b""
            n = len(lengths)
            for d, w in pairs:
                g = d + offset
                if flags[g]:
                    length = LENGTHS[lengths[d]] if d < n else None
                    scores[g] = get(g, 0.0) + c1 * w / (w + c2 + c3 * (length if length is not None else 1))


VECTOR_DOCS = 5_000  # an index of this many documents (or more) is evaluated with numpy


def vectorized_top(evaluation: Evaluation, leaves: list[Leaf], n: int | None) -> dict[int, float]:
    from coi.engine.vector import top_scores

    return top_scores(evaluation, leaves, n)


def expand(weights: Weights, n: int) -> Any:
    """A block's weights, one per posting (whoosh minifies a block whose weights are all equal)."""
    if weights is None:
        return repeat(1.0, n)
    if isinstance(weights, float):
        return repeat(weights, n)
    return weights


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
