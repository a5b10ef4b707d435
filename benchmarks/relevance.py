"""Relevance on the development query set: coi against a plain BM25 "any word" baseline, in one run.

    python benchmarks/relevance.py                # the table (overall and per kind)
    python benchmarks/relevance.py --failures     # also the queries coi misses at 5, with its top hit
    python benchmarks/relevance.py --json         # machine output, per query

The queries (benchmarks/data/queries.toml) were written the way officers type them, before looking at how coi
searches. A fresh index is built in a temporary directory from corpus/ and the fixture documents the queries use;
the baseline ranks the very passages of those documents (as `coi.parse.parse_file` reads them) with BM25
(k1=1.2, b=0.75) over lowercased runs of letters, any query word, no stemming. A hit counts when it comes from
the expected document and its passage text contains the expected quote (whitespace-normalised).
This set is for direction only: coi is judged on queries and documents it has never seen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ROOT / "benchmarks" / "data" / "queries.toml"
KINDS = ("plain", "question", "inflection", "compound", "synonym", "name", "number", "english", "mixed")
DEPTH = 10  # hits looked at per query: MRR@10


# ------------------------------------------------------------------------------------------- the query set

@dataclass(frozen=True)
class Expected:
    """One acceptable answer: a passage of `file` whose text contains `quote`."""

    file: str
    quote: str


@dataclass(frozen=True)
class Query:
    """A query as typed, its kind and the answers that count."""

    q: str
    kind: str
    expect: tuple[Expected, ...]


def load_queries(path: Path = QUERIES) -> list[Query]:
    """The development set; a malformed entry is an error that names the query."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    out: list[Query] = []
    for i, entry in enumerate(data.get("query", []), start=1):
        try:
            expect = tuple(Expected(e["file"], e["quote"]) for e in entry["expect"])
            query = Query(entry["q"], entry["kind"], expect)
        except (KeyError, TypeError) as e:
            raise ValueError(f"{path}: query {i}: missing field {e}") from None
        if query.kind not in KINDS:
            raise ValueError(f"{path}: query {i} ({query.q!r}): unknown kind {query.kind!r}; one of {KINDS}")
        if not expect:
            raise ValueError(f"{path}: query {i} ({query.q!r}): no expected answer")
        out.append(query)
    return out


def normalise(text: str) -> str:
    """Whitespace collapsed, so a quote matches across the line breaks a passage keeps."""
    return " ".join(text.split())


def matches(doc_id: str, text: str, query: Query, doc_ids: dict[str, str]) -> bool:
    """Whether a passage of `doc_id` with `text` is one of the answers the query accepts."""
    body = normalise(text)
    return any(doc_ids[e.file] == doc_id and normalise(e.quote) in body for e in query.expect)


# ------------------------------------------------------------------------------------------- the baseline

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters: everything else (digits included) separates words


def words(text: str) -> list[str]:
    """Lowercased runs of letters: the baseline's whole analysis (no stemming, no folding)."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Passage:
    """What the baseline ranks: one passage of a parsed document."""

    doc_id: str
    id: str
    text: str


class BM25:
    """Okapi BM25 over passages, OR of all query words (Lucene's idf, which is never negative)."""

    def __init__(self, passages: list[Passage], k1: float = 1.2, b: float = 0.75) -> None:
        self.passages = passages
        self.k1, self.b = k1, b
        self.tfs = [Counter(words(p.text)) for p in passages]
        self.lengths = [sum(tf.values()) for tf in self.tfs]
        self.avgdl = sum(self.lengths) / max(len(passages), 1)
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(passages)
        self.idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}

    def search(self, text: str, limit: int = DEPTH) -> list[Passage]:
        """The best `limit` passages holding any query word, best first (ties in document order)."""
        terms = [w for w in dict.fromkeys(words(text)) if w in self.idf]
        scored: list[tuple[float, int]] = []
        for i, tf in enumerate(self.tfs):
            score = 0.0
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avgdl)
            for w in terms:
                f = tf.get(w, 0)
                if f:
                    score += self.idf[w] * f * (self.k1 + 1) / (f + norm)
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [self.passages[i] for _, i in scored[:limit]]


# ------------------------------------------------------------------------------------------- coi

def _index_corpus() -> Callable[[Path, list[Path]], Any]:
    # The lead is moving indexing from coi.index to coi.update; take whichever this checkout has.
    import importlib

    for name in ("coi.update", "coi.index"):
        try:
            return importlib.import_module(name).index_corpus
        except (ImportError, AttributeError):
            continue
    raise ImportError("neither coi.update nor coi.index has index_corpus")


def documents(queries: list[Query]) -> list[Path]:
    """corpus/ (first, so its vocabulary.toml applies) and every other file a query expects an answer in."""
    files = sorted({e.file for q in queries for e in q.expect if not e.file.startswith("corpus/")})
    return [ROOT / "corpus", *(ROOT / f for f in files)]


def document_files(roots: list[Path]) -> list[Path]:
    """The document files under the roots, as `coi index` takes them (a text beside a PDF stands in for it)."""
    from coi.formats import supported

    out: list[Path] = []
    for root in roots:
        if root.is_file():
            out.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith(".") or not supported(path):
                    continue
                if path.suffix.lower() == ".pdf" and f"{path.stem}.txt" in filenames:
                    continue
                out.append(path)
    return out


def parse_passages(files: list[Path]) -> tuple[list[Passage], dict[str, str]]:
    """The passages of every document, and the doc_id of each file (by its path relative to the project)."""
    from coi.parse import parse_file

    passages: list[Passage] = []
    doc_ids: dict[str, str] = {}
    for path in files:
        doc = parse_file(path)
        doc_ids[path.relative_to(ROOT).as_posix()] = doc.doc_id
        passages.extend(Passage(doc.doc_id, p.id, p.text) for p in doc.passages)
    return passages, doc_ids


# ------------------------------------------------------------------------------------------- measuring

@dataclass(frozen=True)
class Outcome:
    """One engine on one query: the rank of the first acceptable hit (None: not in the top 10) and the top hit."""

    rank: int | None
    hits: int
    top: str
    error: str = ""


def outcome(hits: list[tuple[str, str, str]], query: Query, doc_ids: dict[str, str]) -> Outcome:
    """`hits` as (doc_id, passage id, text), best first."""
    rank = next((i for i, (doc, _, text) in enumerate(hits[:DEPTH], start=1)
                 if matches(doc, text, query, doc_ids)), None)
    top = f"{hits[0][1]}: {normalise(hits[0][2])[:100]}" if hits else ""
    return Outcome(rank, len(hits), top)


def run_coi(index_dir: Path, queries: list[Query], doc_ids: dict[str, str]) -> list[Outcome]:
    """Every query through `coi.search.search`, as the CLI runs it (a bad query counts as no hits)."""
    from coi.search import search

    out: list[Outcome] = []
    for query in queries:
        try:
            result = search(index_dir, query.q, limit=DEPTH)
        except Exception as e:  # a query coi refuses is a miss with zero hits, reported, not a crash
            out.append(Outcome(None, 0, "", f"{type(e).__name__}: {e}"))
            continue
        out.append(outcome([(h.doc_id, h.id, h.text) for h in result.hits], query, doc_ids))
    return out


def run_baseline(passages: list[Passage], queries: list[Query], doc_ids: dict[str, str]) -> list[Outcome]:
    """Every query through the BM25 baseline over the same passages."""
    engine = BM25(passages)
    return [outcome([(p.doc_id, p.id, p.text) for p in engine.search(q.q)], q, doc_ids) for q in queries]


@dataclass(frozen=True)
class Scores:
    """The four measures over a group of queries."""

    n: int
    success1: float
    success5: float
    mrr10: float
    zero: float


def scores(outcomes: list[Outcome]) -> Scores:
    n = len(outcomes)
    if not n:
        return Scores(0, 0.0, 0.0, 0.0, 0.0)
    return Scores(
        n,
        sum(o.rank == 1 for o in outcomes) / n,
        sum(o.rank is not None and o.rank <= 5 for o in outcomes) / n,
        sum(1 / o.rank for o in outcomes if o.rank is not None) / n,
        sum(o.hits == 0 for o in outcomes) / n,
    )


def groups(queries: list[Query]) -> list[tuple[str, list[int]]]:
    """("all", every index) and one group per kind present, in the order of KINDS."""
    out = [("all", list(range(len(queries))))]
    for kind in KINDS:
        idx = [i for i, q in enumerate(queries) if q.kind == kind]
        if idx:
            out.append((kind, idx))
    return out


def table(queries: list[Query], coi: list[Outcome], base: list[Outcome]) -> str:
    """One Markdown table: each measure for coi and the baseline side by side, overall and per kind."""
    head = ("| queries | n | success@1 coi / BM25 | success@5 coi / BM25 | MRR@10 coi / BM25 | zero hits coi / BM25 |\n"
            "|---|---|---|---|---|---|")
    rows = [head]
    for name, idx in groups(queries):
        c = scores([coi[i] for i in idx])
        b = scores([base[i] for i in idx])
        label = f"**{name}**" if name == "all" else name
        rows.append(f"| {label} | {c.n} | {c.success1:.2f} / {b.success1:.2f} | {c.success5:.2f} / {b.success5:.2f} "
                    f"| {c.mrr10:.2f} / {b.mrr10:.2f} | {c.zero:.2f} / {b.zero:.2f} |")
    return "\n".join(rows)


def failures(queries: list[Query], coi: list[Outcome]) -> str:
    """The queries coi misses at 5: the query, its kind, where the answer was (if in the top 10) and coi's top hit."""
    lines = []
    for q, o in zip(queries, coi, strict=True):
        if o.rank is not None and o.rank <= 5:
            continue
        where = f"rank {o.rank}" if o.rank else ("no hits" if not o.hits else "not in top 10")
        lines.append(f"- [{q.kind}] {q.q!r}: {where}" + (f" ({o.error})" if o.error else ""))
        if o.top:
            lines.append(f"    top: {o.top}")
    return "\n".join(lines) if lines else "(none)"


def as_json(queries: list[Query], coi: list[Outcome], base: list[Outcome], meta: dict[str, Any]) -> dict[str, Any]:
    def measures(s: Scores) -> dict[str, Any]:
        return {"n": s.n, "success@1": round(s.success1, 4), "success@5": round(s.success5, 4),
                "mrr@10": round(s.mrr10, 4), "zero_hit_rate": round(s.zero, 4)}

    return {
        **meta,
        "summary": {name: {"coi": measures(scores([coi[i] for i in idx])),
                           "bm25": measures(scores([base[i] for i in idx]))} for name, idx in groups(queries)},
        "queries": [{"q": q.q, "kind": q.kind,
                     "coi": {"rank": c.rank, "hits": c.hits, "top": c.top, "error": c.error or None},
                     "bm25": {"rank": b.rank, "hits": b.hits, "top": b.top}}
                    for q, c, b in zip(queries, coi, base, strict=True)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the measures and every query as JSON")
    parser.add_argument("--failures", action="store_true", help="list the queries coi misses at 5, with its top hit")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the query file (default: %(default)s)")
    args = parser.parse_args(argv)

    queries = load_queries(args.queries)
    roots = documents(queries)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="coi-relevance-") as tmp:
        index_dir = Path(tmp) / "index"
        _index_corpus()(index_dir, roots)
        built = time.perf_counter()
        passages, doc_ids = parse_passages(document_files(roots))
        unknown = sorted({e.file for q in queries for e in q.expect} - doc_ids.keys())
        if unknown:
            parser.error(f"queries name files that are not indexed: {', '.join(unknown)}")
        coi = run_coi(index_dir, queries, doc_ids)
        searched = time.perf_counter()
    base = run_baseline(passages, queries, doc_ids)
    meta: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "query_count": len(queries),
        "documents": len(doc_ids),
        "passages": len(passages),
        "seconds": {"index": round(built - started, 1), "coi_search": round(searched - built, 1),
                    "total": round(time.perf_counter() - started, 1)},
    }
    if args.json:
        print(json.dumps(as_json(queries, coi, base, meta), ensure_ascii=False, indent=2))
        return 0
    print(f"{meta['query_count']} queries over {meta['documents']} documents ({meta['passages']} passages); "
          f"{meta['date']}, {meta['machine']}; {meta['seconds']['total']} s")
    print()
    print(table(queries, coi, base))
    if args.failures:
        print()
        print("coi misses at 5:")
        print(failures(queries, coi))
    return 0


if __name__ == "__main__":
    sys.exit(main())
