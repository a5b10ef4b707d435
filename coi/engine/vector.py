"""BM25F scores with numpy: a query's parts a whole posting list at a time instead of a posting at a time.

A broad query holds hundreds of thousands of postings at a million passages; scoring them one by one in Python
(`Evaluation._add_leaf`) costs ~250 ns each. Here each part's postings become arrays (document numbers, weights,
field lengths), its contributions one array expression, added into one array of scores. The expression and the
order of the parts are those of `Evaluation._add_leaf`, in float64, so a document gets the very same score; only
the documents that can be on the page (score at least the n-th best) leave as Python numbers.

Matches are marked the same way: a term's document numbers set in one array of flags, which becomes the bitmap.
numpy is imported only here, for an index large enough to be worth it (`evaluate.VECTOR_DOCS`): a search of a
small index, and `coi search`'s start, do without it.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as Q

from coi.engine.evaluate import Leaf, expand
from coi.engine.fixes import LENGTHS, length_bytes

if TYPE_CHECKING:
    from coi.engine.evaluate import Evaluation

# a field length by its length byte; byte 0 ("no length") scores as length 1, as Evaluation._add_leaf does
_LENGTHS = np.array([1.0] + [float(x) for x in LENGTHS[1:]], dtype=np.float64)


def top_scores(evaluation: Evaluation, leaves: list[Leaf], n: int | None) -> dict[int, float]:
    """The scores of every document that scores at least the n-th best score (n None: of every document), as
    Evaluation.score gives them."""
    size = evaluation.size
    scores = np.zeros(size, dtype=np.float64)
    touched = np.zeros(size, dtype=bool)
    flags: dict[int, Any] = {}
    for q, factor, docs in leaves:
        if id(docs) not in flags:
            flags[id(docs)] = np.frombuffer(evaluation.flags(docs), dtype=np.uint8).astype(bool)
        allowed = flags[id(docs)]
        if isinstance(q, Q.Not):
            where = np.flatnonzero(allowed)
            scores[where] += factor
            touched[where] = True
            continue
        term = evaluation._term(q)
        if term is None:
            continue
        constants = evaluation.bm25(term, factor)
        for offset, perdoc, ids, weights in term_arrays(evaluation, term):
            docnums = ids + offset
            keep = allowed[docnums]
            docnums, weights = docnums[keep], weights[keep]
            if constants is None:  # a field without lengths: the weight is the score
                part = weights * factor
            else:
                c1, c2, c3 = constants
                table = np.frombuffer(length_bytes(perdoc, q.fieldname) or b"", dtype=np.uint8)
                local = ids[keep]
                inside = local < len(table)
                length_byte = np.zeros(len(local), dtype=np.uint8)
                length_byte[inside] = table[local[inside]]
                part = c1 * weights / (weights + c2 + c3 * _LENGTHS[length_byte])
            scores[docnums] += part  # a term holds a document once: no repeated index
            touched[docnums] = True
    found = np.flatnonzero(touched)
    values = scores[found]
    if n is not None and len(found) > n:
        nth = np.partition(values, len(values) - n)[len(values) - n]
        best = values >= nth
        found, values = found[best], values[best]
    return dict(zip(found.tolist(), values.tolist(), strict=True))


def mark(evaluation: Evaluation, terms: list[tuple[str, bytes]]) -> int:
    """The bitmap of the documents holding any of `terms` (see coi.engine.evaluate)."""
    flags = np.zeros(evaluation.size, dtype=np.uint8)
    for term in terms:
        for offset, _, ids, _ in term_arrays(evaluation, term):
            flags[ids + offset if offset else ids] = 1
    return int.from_bytes(flags.tobytes(), "little")


def term_arrays(evaluation: Evaluation, term: tuple[str, bytes]) -> list[tuple[int, Any, Any, Any]]:
    """A term's postings per segment: (offset, per-document reader, document numbers, weights), as arrays
    (cached on the evaluation)."""
    if term not in evaluation.arrays:
        evaluation.arrays[term] = _segments(evaluation.term_blocks(term))
    found: list[tuple[int, Any, Any, Any]] = evaluation.arrays[term]
    return found


def _segments(blocks: list[Any]) -> list[tuple[int, Any, Any, Any]]:
    groups: dict[int, list[Any]] = {}
    for block in blocks:
        groups.setdefault(block[2], []).append(block)
    out = []
    for offset, group in groups.items():
        count = sum(len(b[0]) for b in group)
        ids = np.fromiter(chain.from_iterable(b[0] for b in group), dtype=np.int64, count=count)
        weights = np.fromiter(chain.from_iterable(expand(b[1], len(b[0])) for b in group), dtype=np.float64,
                              count=count)
        out.append((offset, group[0][3], ids, weights))
    return out
