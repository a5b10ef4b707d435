"""BM25F scores with numpy: a query's parts a whole posting list at a time instead of a posting at a time.

A broad query holds hundreds of thousands of postings at a million passages; scoring them one by one in Python
(`Evaluation._add_leaf`) costs ~250 ns each. Here each part's postings become arrays (document numbers, weights,
field lengths), its contributions one array expression, added into one array of scores. The expression and the
order of the parts are those of `Evaluation._add_leaf`, in float64, so a document gets the very same score; only
the documents that can be on the page (score at least the n-th best) leave as Python numbers.

Matches are marked the same way: a term's document numbers set in one array of flags, which becomes the bitmap.
numpy is imported only here and in coi.engine.columns, for an index large enough to be worth it
(`evaluate.VECTOR_DOCS`): a search of a small index, and its `coi search` start, do without it.
"""

from __future__ import annotations

import pickle
import re
import struct
import zlib
from itertools import accumulate, chain
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as Q
from whoosh.reading import TermNotFound

from coi.engine.evaluate import Leaf, expand
from coi.engine.fixes import LENGTHS, length_bytes
from coi.engine.postings import _HEAD_BYTES, LayoutError, blocks_of, term_blocks

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
        arrays = term_arrays(evaluation, term)
        if not arrays:  # most of a query's expanded terms are in no segment, or not in this one
            continue
        constants = evaluation.bm25(term, factor)
        for offset, perdoc, ids, weights in arrays:
            docnums = ids + offset
            keep = allowed[docnums]
            docnums, weights = docnums[keep], weights[keep]
            if constants is None:  # a field without lengths: the weight is the score
                part = weights * factor
            else:
                c1, c2, c3 = constants
                table = _length_table(evaluation, perdoc, q.fieldname)
                local = ids[keep]
                if len(local) and local[-1] < len(table):  # ascending: every one has a length byte
                    length_byte = table[local]
                else:  # a document past the end of the lengths column has none (byte 0)
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


def _length_table(evaluation: Evaluation, perdoc: Any, fieldname: str) -> Any:
    """A segment's length bytes of a field as an array (over the bytes, not a copy), once per evaluation."""
    key = (id(perdoc), fieldname)
    found = evaluation.lengths.get(key)
    if found is None or found[0] is not perdoc:
        table = np.frombuffer(length_bytes(perdoc, fieldname) or b"", dtype=np.uint8)
        found = evaluation.lengths[key] = (perdoc, table)
    return found[1]


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
        found = []
        for segment, offset in evaluation.reader.leaf_readers():
            arrays = segment_arrays(segment, *term)
            if arrays is not None and len(arrays[0]):
                found.append((offset, segment._perdoc, *arrays))
        evaluation.arrays[term] = found
    out: list[tuple[int, Any, Any, Any]] = evaluation.arrays[term]
    return out


_POSTING_WEIGHT = np.dtype([("opcode", "u1"), ("weight", ">f8")])  # a pickled float: BINFLOAT, big-endian double


def segment_arrays(segment: Any, fieldname: str, btext: bytes) -> tuple[Any, Any] | None:
    """A term's postings in one segment as arrays (document numbers, weights), None if the segment lacks it.

    Blocks laid out as coi.engine.postings expects them are cut out of their pickles as bytes: the id deltas
    (one byte each where all are below 256, the usual case for a term with more than a few hundred postings;
    else unpickled) and the weights (pickled doubles); the bytes of all blocks become arrays at once at the end.
    So a block costs a few slices and its head's decompression, with no Python step per posting; a term in any
    other layout is read by coi.engine.postings."""
    terms = segment._terms
    try:
        info = terms.term_info(fieldname, btext)
    except TermNotFound:
        return None
    if info.is_inlined():
        return _joined(term_blocks(segment, fieldname, btext))
    offset, length = info.extent()
    if isinstance(length, tuple):  # whoosh's W3TermInfo.from_bytes unpacks the length as a 1-tuple
        length = length[0]
    data = terms._postfile.get(offset, length)
    counts: list[int] = []
    firsts: list[int] = []
    deltas: list[bytes] = []
    weights: list[bytes] = []
    explicit: list[tuple[int, tuple[int, ...]]] = []  # (block number, its document numbers)
    try:
        for start, at, stop in blocks_of(data):
            count = pickle.loads(data[start:at])[0]
            body = data[at:stop]
            head = zlib.decompressobj().decompress(body, _HEAD_BYTES) if body[:1] == b"x" else body
            block = _block(head, count)
            if block is None:
                raise LayoutError
            first, block_deltas, ids, block_weights = block
            if ids is not None:
                explicit.append((len(counts), ids))
            counts.append(count)
            firsts.append(first)
            deltas.append(block_deltas)
            weights.append(block_weights)
    except LayoutError:
        return _joined(term_blocks(segment, fieldname, btext))
    if not counts:
        return _joined(term_blocks(segment, fieldname, btext))
    return _assemble(counts, firsts, deltas, weights, explicit)


def _assemble(counts: list[int], firsts: list[int], deltas: list[bytes], weights: list[bytes],
              explicit: list[tuple[int, tuple[int, ...]]]) -> tuple[Any, Any]:
    """The arrays of a term's blocks: each block's first document number and one-byte deltas summed within the
    block (a running sum over all, less the sum before the block), blocks given whole put in their place."""
    values = np.frombuffer(b"".join(weights), dtype=_POSTING_WEIGHT)["weight"].astype(np.float64)
    if len(counts) == 1:  # most terms: fewer numpy calls
        if explicit:
            return np.array(explicit[0][1], dtype=np.int64), values
        ids = np.empty(counts[0], dtype=np.int64)
        ids[0] = firsts[0]
        ids[1:] = np.frombuffer(deltas[0], dtype=np.uint8)
        return np.cumsum(ids, out=ids), values
    sizes = np.array(counts, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    total = int(sizes.sum())
    steps = np.empty(total, dtype=np.int64)
    is_first = np.zeros(total, dtype=bool)
    is_first[starts] = True
    steps[starts] = firsts
    steps[~is_first] = np.frombuffer(b"".join(deltas), dtype=np.uint8)
    running = np.cumsum(steps)
    before = np.where(starts > 0, running[starts - 1], 0)
    ids = running - np.repeat(before, sizes)
    for block, given in explicit:
        ids[starts[block]:starts[block] + len(given)] = given
    return ids, values


_FIRST = {ord("K"): (2, struct.Struct("<B")), ord("M"): (3, struct.Struct("<H")), ord("J"): (5, struct.Struct("<i"))}
_IDS = re.compile(rb"\x80\x02\((?P<ids>(?:K.|M..|J....)*)t", re.S)
_ONE_WEIGHT = b"G" + struct.pack(">d", 1.0)


def _block(head: bytes, n: int) -> tuple[int, bytes, tuple[int, ...] | None, bytes] | None:
    """A block's data pickle cut up: (first document number, the n - 1 one-byte id deltas after it, or None and
    the document numbers where a delta is wider, the n weights as pickled doubles); None if it is laid out
    otherwise."""
    first = _FIRST.get(head[3]) if len(head) > 3 and head[:3] == b"\x80\x02(" else None
    if first is None:
        return None
    width, unpack = first
    start = 3 + width
    ends = start + 2 * (n - 1)
    ids: tuple[int, ...] | None = None
    if head[start:ends:2] == b"K" * (n - 1) and head[ends:ends + 1] == b"t":
        first_id = unpack.unpack_from(head, 4)[0]
        block_deltas = head[start + 1:ends:2]
    else:  # some delta needs two or four bytes: unpickle the ids alone
        m = _IDS.match(head)
        if m is None:
            return None
        ids = tuple(accumulate(pickle.loads(b"\x80\x02(" + m["ids"] + b"t.")))
        if len(ids) != n:
            return None
        first_id, block_deltas, ends = 0, bytes(n - 1), m.end() - 1
    at = ends + 1
    memo = head[at:at + 1]
    at += 2 if memo == b"q" else 5 if memo == b"r" else 0
    kind = head[at:at + 1]
    if kind == b"N":
        return first_id, block_deltas, ids, _ONE_WEIGHT * n
    if kind == b"G":
        return first_id, block_deltas, ids, head[at:at + 9] * n
    stop = at + 1 + 9 * n
    if kind != b"(" or head[stop:stop + 1] != b"t":
        return None
    return first_id, block_deltas, ids, head[at + 1:stop]


def _joined(blocks: list[Any]) -> tuple[Any, Any]:
    """Blocks of coi.engine.postings as two arrays."""
    count = sum(len(b[0]) for b in blocks)
    ids = np.fromiter(chain.from_iterable(b[0] for b in blocks), dtype=np.int64, count=count)
    weights = np.fromiter(chain.from_iterable(expand(b[1], len(b[0])) for b in blocks), dtype=np.float64,
                          count=count)
    return ids, weights
