"""Issue #16: coi's byte-per-document Python-int bitmaps against pyroaring.BitMap, for the operations a query does.

coi (coi/engine/evaluate.py, coi/search.py) keeps a set of document numbers as a Python int whose byte d is 1 when
document d is in the set. This measures, at 10k, 100k and 1M documents, with seeded random sorted postings of
realistic densities (a broad term 30%, a mid term 5%, a rare term 0.2%, a doc-type filter 33%, a year 8%):
building a set from posting blocks of 128, AND / OR of 5 / AND NOT, counting, AND + count (a facet), testing 10
documents, testing every posting of the mid term against the broad set (as scoring does), iterating a 5% set,
_closest's "in exactly 2 of 3 sets", and the memory of a 30% set. Each timing is the best of N runs (the machine is
shared); every operation asserts that both representations give the same documents.

    .venv/bin/python benchmarks/bitmaps.py [--repeat 7] [--sizes 10000,100000,1000000]

The ratio column is int time / roaring time: above 1, pyroaring is faster.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import deque
from collections.abc import Callable
from functools import reduce
from itertools import repeat
from operator import and_, or_
from pathlib import Path
from typing import Any

from pyroaring import BitMap

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coi.engine.evaluate import mask_bytes, members, to_mask  # noqa: E402

DENSITIES = {"broad": 0.30, "mid": 0.05, "rare": 0.002, "type": 0.33, "year": 0.08,
             "mid2": 0.05, "mid3": 0.05, "mid4": 0.05}
Blocks = list[tuple[int, ...]]


def postings(rng: random.Random, size: int, density: float) -> Blocks:
    """Sorted random document numbers, split into blocks of 128 as whoosh reads them."""
    ids = sorted(rng.sample(range(size), max(1, round(size * density))))
    return [tuple(ids[i:i + 128]) for i in range(0, len(ids), 128)]


def int_build(blocks: Blocks, size: int) -> int:
    """As Evaluation._mask builds a term's bitmap."""
    flags = bytearray(size)
    for ids in blocks:
        deque(map(flags.__setitem__, ids, repeat(1)), maxlen=0)
    return int.from_bytes(flags, "little")


def roaring_build(blocks: Blocks) -> BitMap:
    bm = BitMap()
    bm.update(*blocks)  # the fastest of BitMap(chain(...)), per-block update, union of per-block BitMaps
    return bm


def best(fn: Callable[[], Any], rounds: int) -> float:
    """Seconds per call: loops calibrated to >= 20 ms per round, best of `rounds` rounds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= 0.02 or number >= 1 << 16:
            break
        number *= 4
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def as_list(x: Any) -> list[int]:
    """The documents of an int bitmap (or a list of them), to check against a BitMap's."""
    return list(members(x)) if isinstance(x, int) else list(x)


def cases(sets: dict[str, Blocks], size: int) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """(operation, int version, roaring version) for one index size."""
    m = {k: int_build(b, size) for k, b in sets.items()}
    r = {k: roaring_build(b) for k, b in sets.items()}
    five = ["mid", "mid2", "mid3", "mid4", "rare"]
    three = ["broad", "mid", "type"]
    probe = random.Random(size).sample(range(size), 10)
    mid_blocks = sets["mid"]

    def int_probe() -> list[bool]:
        flags = mask_bytes(m["broad"], size)  # as scoring does: one to_bytes, then byte tests
        return [bool(flags[d]) for d in probe]

    def int_scoring() -> int:
        flags = mask_bytes(m["broad"], size)
        n = 0
        for ids in mid_blocks:
            for d in ids:
                if flags[d]:
                    n += 1
        return n

    def roaring_scoring() -> int:
        bm = r["broad"]
        n = 0
        for ids in mid_blocks:
            for d in ids:
                if d in bm:
                    n += 1
        return n

    def int_closest() -> int:  # Search._closest for level 2: the byte sum, a regex scan, to_mask
        counts = mask_bytes(sum(m[k] for k in three), size)
        return to_mask([x.start() for x in re.finditer(b"\x02", counts)], size)

    def roaring_closest() -> BitMap:  # in exactly 2 of 3: pairwise intersections minus the triple one
        a, b, c = (r[k] for k in three)
        ab, ac, bc = a & b, a & c, b & c
        return BitMap.union(ab, ac, bc) - (ab & c)

    return [
        ("build 30% from blocks", lambda: int_build(sets["broad"], size), lambda: roaring_build(sets["broad"])),
        ("build 5% from blocks", lambda: int_build(sets["mid"], size), lambda: roaring_build(sets["mid"])),
        ("AND 30% & 33%", lambda: m["broad"] & m["type"], lambda: r["broad"] & r["type"]),
        ("AND 5% & 8%", lambda: m["mid"] & m["year"], lambda: r["mid"] & r["year"]),
        ("OR of 5 (4×5%, 0.2%)", lambda: reduce(or_, (m[k] for k in five)),
         lambda: BitMap.union(*(r[k] for k in five))),
        ("AND NOT 30% − 5%", lambda: m["broad"] & ~m["mid"], lambda: r["broad"] - r["mid"]),
        ("count 30%", lambda: m["broad"].bit_count(), lambda: len(r["broad"])),
        ("AND+count 33% & 30% (facet)", lambda: (m["type"] & m["broad"]).bit_count(),
         lambda: r["type"].intersection_cardinality(r["broad"])),
        ("test 10 docs in 30% (int: to_bytes first)", int_probe, lambda: [d in r["broad"] for d in probe]),
        ("test 5% postings in 30% (scoring)", int_scoring, roaring_scoring),
        ("iterate 5%", lambda: list(members(m["mid"])), lambda: list(r["mid"])),
        ("in exactly 2 of 3 (_closest)", int_closest, roaring_closest),
        ("AND of 3 (30%,5%,33%)", lambda: reduce(and_, (m[k] for k in three)),
         lambda: BitMap.intersection(*(r[k] for k in three))),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds per timing; the best is kept")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[tuple[str, int, float, float]] = []
    memory: list[tuple[int, int, int, int]] = []
    for size in sizes:
        rng = random.Random(16)
        sets = {k: postings(rng, size, d) for k, d in DENSITIES.items()}
        for name, int_fn, roaring_fn in cases(sets, size):
            a, b = int_fn(), roaring_fn()
            assert (as_list(a) == list(b)) if isinstance(b, BitMap) else a == b, (name, size)
            rows.append((name, size, best(int_fn, args.repeat), best(roaring_fn, args.repeat)))
        broad_int, broad_bm = int_build(sets["broad"], size), roaring_build(sets["broad"])
        stats = broad_bm.get_statistics()
        in_memory = (stats["n_bytes_array_containers"] + stats["n_bytes_run_containers"]
                     + stats["n_bytes_bitset_containers"])
        memory.append((size, sys.getsizeof(broad_int), in_memory, len(broad_bm.serialize())))
    print(f"Python {sys.version.split()[0]}, pyroaring BitMap; best of {args.repeat}; ratio = int / roaring "
          "(above 1: roaring faster)\n")
    print("| operation | docs | int µs | roaring µs | ratio |")
    print("|---|---:|---:|---:|---:|")
    order = {name: i for i, name in enumerate(dict.fromkeys(row[0] for row in rows))}
    for name, size, t_int, t_bm in sorted(rows, key=lambda row: (order[row[0]], row[1])):
        print(f"| {name} | {size:,} | {t_int * 1e6:,.1f} | {t_bm * 1e6:,.1f} | {t_int / t_bm:.2f} |")
    print("\n| memory of a 30% set | docs | int bytes | roaring container bytes | roaring serialized bytes |")
    print("|---|---:|---:|---:|---:|")
    for size, n_int, n_bm, n_ser in memory:
        print(f"| getsizeof / get_statistics / serialize | {size:,} | {n_int:,} | {n_bm:,} | {n_ser:,} |")


if __name__ == "__main__":
    main()
