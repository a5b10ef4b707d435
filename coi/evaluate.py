"""Query evaluation over posting blocks: the set of matching passages by set algebra, and BM25F scores for the
ones that pass the filters, with whoosh's formula and statistics.

Whoosh evaluates a query document by document through a tree of matcher objects in Python: a query that matches
a fifth of the corpus spends almost all its time there, once to count every match (for the total and the facets)
and once to rank them. Here each term's postings are read block by block (whoosh decodes a block into a tuple of
document numbers and an array of weights); AND, OR and NOT become set operations in C, and a score is the sum of
its terms' BM25F contributions, as whoosh's matchers add them (an AND or OR adds the parts that match, AND NOT
scores its first part, a NOT inside AND or OR scores 1, a boost multiplies). Queries with parts that need
positions or expansion (phrases, prefixes, ranges) are counted with whoosh's docs_for_query for those parts and
ranked by whoosh (`score` returns None).

whoosh is pinned (2.7.4): the block reader below uses its W3 codec's leaf matcher.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25FScorer

from coi.whoosh_fixes import LENGTHS, length_bytes

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


class Evaluation:
    """One query on one searcher: matches and scores, each term's postings read once."""

    def __init__(self, searcher: Any, everything: Docs) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.everything = everything  # the documents NOT and Every range over
        self._blocks: dict[tuple[str, bytes], list[Block]] = {}
        self._sets: dict[int, tuple[Q.Query, Docs]] = {}

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

    def doc_set(self, q: Q.Query) -> Docs:
        """The documents `q` matches (deleted ones may be included: intersect with the live passages)."""
        key = id(q)
        if key not in self._sets:
            self._sets[key] = (q, self._doc_set(q))
        return self._sets[key][1]

    def _doc_set(self, q: Q.Query) -> Docs:
        if isinstance(q, Q.Term):
            out: set[int] = set()
            for ids, _, offset, _ in self.blocks(q):
                out.update(ids if not offset else (d + offset for d in ids))
            return out
        if isinstance(q, Q.NullQuery.__class__):
            return set()
        if isinstance(q, Q.Every) and q.fieldname in (None, "", "*"):
            return self.everything
        if isinstance(q, Q.Or) and not q.minmatch:
            union: set[int] = set()
            for sub in q.subqueries:
                union |= self.doc_set(sub)
            return union
        if isinstance(q, Q.And):
            subs = sorted((self.doc_set(sub) for sub in q.subqueries), key=len)
            if not subs:
                return set()
            first = set(subs[0])
            for other in subs[1:]:
                first &= other
            return first
        if isinstance(q, Q.AndNot):
            return set(self.doc_set(q.a)) - self.doc_set(q.b)
        if isinstance(q, Q.Not):
            return set(self.everything) - self.doc_set(q.query)
        return set(self.searcher.docs_for_query(q))

    def score(self, q: Q.Query, docs: Docs) -> dict[int, float] | None:
        """BM25F scores of `docs` (documents `q` matches) as whoosh computes them; None if not `scorable`."""
        if not scorable(q):
            return None
        if isinstance(q, Q.Every):
            return dict.fromkeys(docs, 1.0)
        scores: dict[int, float] = {}
        self._add_scores(q, 1.0, docs, scores)
        return scores

    def _add_scores(self, q: Q.Query, factor: float, docs: Docs, scores: dict[int, float]) -> None:
        if isinstance(q, Q.Term):
            self._add_term_scores(q, factor * q.boost, docs, scores)
        elif isinstance(q, Q.Not):  # inside AND or OR: whoosh's inverse matcher scores 1 where the part does not match
            excluded = self.doc_set(q.query)
            for d in docs:
                if d not in excluded:
                    scores[d] = scores.get(d, 0.0) + factor
        elif isinstance(q, Q.AndNot):
            self._add_scores(q.a, factor, docs, scores)
        elif isinstance(q, (Q.And, Q.Or)):
            subs = q.subqueries
            if len(subs) > 1:
                factor *= q.boost  # as whoosh: a compound of one part does not apply its own boost
            for sub in subs:
                # a part of an OR adds to the documents it matches; terms and NOT select themselves
                if isinstance(q, Q.Or) and isinstance(sub, (Q.And, Q.AndNot)):
                    self._add_scores(sub, factor, docs & self.doc_set(sub), scores)
                else:
                    self._add_scores(sub, factor, docs, scores)

    def _add_term_scores(self, q: Q.Term, factor: float, docs: Docs, scores: dict[int, float]) -> None:
        term = self._term(q)
        if term is None:
            return
        scorer = self.searcher.weighting.scorer(self.searcher, *term)
        get = scores.get
        if not isinstance(scorer, BM25FScorer):  # a field without lengths (an ID field): the weight is the score
            for ids, weights, offset, _ in self.blocks(q):
                for d, w in zip(ids, weights, strict=True):
                    d += offset
                    if d in docs:
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
                if g in docs:
                    length = LENGTHS[lengths[d]] if d < n else None
                    scores[g] = get(g, 0.0) + c1 * w / (w + c2 + c3 * (length if length is not None else 1))


def live_docs(searcher: Any, fieldname: str, text: str) -> set[int]:
    """The documents holding a term, deleted ones left out: whoosh's docs_for_query of a Term, from blocks."""
    docs = set(Evaluation(searcher, frozenset()).doc_set(Q.Term(fieldname, text)))
    for segment, offset in searcher.reader().leaf_readers():
        if segment.has_deletions():
            docs.difference_update(d + offset for d in segment._perdoc.deleted_docs())
    return docs


def doc_set(searcher: Any, q: Q.Query, everything: Docs) -> Docs:
    """The documents `q` matches; `everything`: the documents NOT and Every range over."""
    return Evaluation(searcher, everything).doc_set(q)


def score(searcher: Any, q: Q.Query, docs: Docs) -> dict[int, float] | None:
    """BM25F scores of `docs` (documents `q` matches) as whoosh computes them; None if `q` is not `scorable`."""
    return Evaluation(searcher, docs).score(q, docs)


def scorable(q: Q.Query) -> bool:
    """Whether `score` can rank this query (terms joined by AND, OR, AND NOT, NOT; or everything)."""
    if isinstance(q, (Q.Term, Q.Not)):
        return True
    if isinstance(q, Q.AndNot):
        return scorable(q.a)  # the excluded part is only counted
    if isinstance(q, (Q.And, Q.Or)):
        return (not isinstance(q, Q.Or) or not q.minmatch) and all(scorable(s) for s in q.subqueries)
    return isinstance(q, Q.Every) and q.fieldname in (None, "", "*")
