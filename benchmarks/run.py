"""Index and search benchmarks: coi against a naive Whoosh baseline on the same passages, in one run.

    python benchmarks/run.py                     # 10k and 100k passages
    python benchmarks/run.py --sizes 10000,100000,1000000

Passages come from the seeds and the real texts in tests/fixtures, varied deterministically (numbers, countries,
dates) until each size is reached. Each build runs in a child process so its peak RSS is its own.
The naive baseline is what a first Whoosh program does: one writer, LanguageAnalyzer("nl"), a DateRange filter
and groupedby facets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["Azerbeidzjan", "oppositie", "terugkeer", "LHBTIQ bescherming", "politieke gevangenen", "Armenië",
           "vluchtelingen opvang", "mensenrechten", "detentie", "sancties", "Nagorno Karabach", "humanitaire hulp",
           "journalisten", "asielaanvragen", "vrijlating", "verkiezingen", "marteling", "ambassade", "Minsk",
           "staakt-het-vuren"]
COUNTRIES = ["Azerbeidzjan", "Armenië", "Georgië", "Iran", "Turkije", "Rusland", "Syrië", "Irak"]


# ------------------------------------------------------------------------------------------- the passages

def source_documents():
    from coi.parse import parse_file

    files = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.md"))
    files += sorted((ROOT / "tests" / "fixtures" / "realdocs").glob("*.txt"))
    return [parse_file(f) for f in files]


def scaled_documents(n_passages: int, seed: int = 11):
    """Documents whose passages add up to n_passages: copies of the real ones with their words and dates varied.
    A generator: a million passages are never all in memory."""
    from dataclasses import replace

    rng = random.Random(seed)
    base = source_documents()
    total, i = 0, 0
    while total < n_passages:
        doc = base[i % len(base)]
        country = COUNTRIES[i % len(COUNTRIES)]
        shift = dt.timedelta(days=rng.randint(0, 3650))
        date = (doc.date or dt.date(2020, 1, 1)) - shift
        doc_id = f"{doc.doc_id}-v{i}"
        passages = []
        for p in doc.passages:
            text = p.text.replace("Azerbeidzjan", country)
            if rng.random() < 0.3:
                text = re.sub(r"\b(\d{4})\b", lambda m: str(int(m.group(1)) - rng.randint(0, 9)), text)
            topics = tuple(rng.sample(["lhbtiq", "oppositie", "terugkeer", "detentie", "conflict", "asielbeleid"],
                                      k=rng.randint(0, 2)))
            passages.append(replace(p, id=f"{doc_id}#{p.anchor}", text=text, topics=topics, countries=(country,)))
        yield replace(doc, doc_id=doc_id, date=date, passages=tuple(passages), countries=(country,))
        total += len(passages)
        i += 1


def write_documents(docs, path: Path) -> int:
    """The documents as a stream of pickles (read back one by one by the builders); returns the passage count."""
    passages = 0
    with open(path, "wb") as f:
        for d in docs:
            pickle.dump(d, f, protocol=pickle.HIGHEST_PROTOCOL)
            passages += len(d.passages)
    return passages


def read_documents(path: Path):
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


# ---------------------------------------------------------------------------------------------- builders

def build_coi(docs, index_dir: Path, procs: int) -> None:
    from coi.store import WRITER_MB, create_index, index_records, open_writer

    ix = create_index(index_dir)
    kwargs = {"procs": procs, "multisegment": True} if procs > 1 else {}
    writer = open_writer(ix, limitmb=WRITER_MB // procs, **kwargs)  # the memory of `coi index`'s writer, shared
    for d in docs:
        for record in index_records(d, f"/bench/{d.doc_id}", "x"):
            writer.add_document(**record)
    writer.commit()


def naive_schema():
    from whoosh.analysis import LanguageAnalyzer
    from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

    return Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=LanguageAnalyzer("nl"), stored=True),
                  heading=TEXT(analyzer=LanguageAnalyzer("nl")), doc_type=ID(sortable=True),
                  topic=KEYWORD(commas=True, sortable=True), country=KEYWORD(commas=True, sortable=True),
                  source=ID(sortable=True), date=DATETIME(sortable=True), data=STORED())


def build_naive(docs, index_dir: Path) -> None:
    from whoosh import index as windex

    ix = windex.create_in(str(index_dir), naive_schema())
    writer = ix.writer()
    for d in docs:
        when = dt.datetime.combine(d.date, dt.time()) if d.date else None
        for p in d.passages:
            writer.add_document(id=p.id, text=p.text, heading=p.heading or "", doc_type=d.doc_type.value,
                                topic=",".join(p.topics), country=",".join(p.countries), source=d.source or "",
                                date=when, data=p.locator)
    writer.commit()


def child_build(kind: str, docs_file: str, index_dir: str, procs: int) -> None:
    docs = read_documents(Path(docs_file))  # reading the input is part of the build, for both engines
    start = time.perf_counter()
    if kind == "coi":
        build_coi(docs, Path(index_dir), procs)
    else:
        build_naive(docs, Path(index_dir))
    print(json.dumps({"seconds": time.perf_counter() - start}))


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (a build may run writer processes), in KB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def timed_child(args: list[str]) -> tuple[dict, int]:
    """Run a child; its JSON output and the peak of its process tree's summed RSS in KB."""
    out, _, peak = run_sampled([sys.executable, __file__, *args])
    return json.loads(out.strip().splitlines()[-1]), peak


def run_sampled(cmd: list[str], env: dict[str, str] | None = None) -> tuple[str, float, int]:
    """Run a command; its output, wall seconds and the peak of its process tree's summed RSS in KB, sampled every
    0.1 s (not ru_maxrss: a child forked from this process would count this process's memory, see _LAUNCH)."""
    import threading

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read() if proc.stdout else ""
    _, status, _ = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"{cmd} failed")
    return out, seconds, peak[0]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ---------------------------------------------------------------------------------------------- queries

def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000


def query_coi(index_dir: Path, rounds: int) -> dict[str, float]:
    """coi's side of the query rows. "plain" and "faceted" are `Searcher.rank`: the page's passages by document
    number with scores and the exact total, and for faceted the five facets over every match; no stored field is
    read, as the naive engine's `search` reads none. "page" is what showing a plain result adds: the 10 hits'
    stored records, snippets and citations (`Searcher.hits`)."""
    from coi.search import Filters, Searcher

    plain, faceted, page = [], [], []
    with Searcher(index_dir) as s:
        s.search("warm up", Filters(types=("kamervragen",), date_from=dt.date(2015, 1, 1)))
        for r in range(rounds):
            for i, q in enumerate(QUERIES):
                t = time.perf_counter()
                ranking = s.rank(q, limit=10, facets=False)
                plain.append(time.perf_counter() - t)
                t = time.perf_counter()
                s.hits(ranking)
                page.append(time.perf_counter() - t)
                f = Filters(types=(("kamervragen", "kamerbrief", "beslisnota")[i % 3],),
                            date_from=dt.date(2012 + r % 5, 1, 1), date_to=dt.date(2024, 12, 31))
                t = time.perf_counter()
                s.rank(q, f, limit=10)
                faceted.append(time.perf_counter() - t)
    return {"plain_p50": pct(plain, .5), "plain_p95": pct(plain, .95), "faceted_p50": pct(faceted, .5),
            "faceted_p95": pct(faceted, .95), "page_p50": pct(page, .5), "page_p95": pct(page, .95)}


def query_naive(index_dir: Path, rounds: int) -> dict[str, float]:
    from whoosh import index as windex
    from whoosh import query as Q
    from whoosh.qparser import MultifieldParser
    from whoosh.sorting import FieldFacet

    ix = windex.open_dir(str(index_dir))
    plain, faceted = [], []
    facets = {name: FieldFacet(name, allow_overlap=name in ("topic", "country"))
              for name in ("doc_type", "topic", "country", "source")}
    with ix.searcher() as s:
        parser = MultifieldParser(["text", "heading"], ix.schema)
        for r in range(rounds):
            for i, q in enumerate(QUERIES):
                parsed = parser.parse(q)
                t = time.perf_counter()
                s.search(parsed, limit=10)
                plain.append(time.perf_counter() - t)
                flt = Q.And([Q.Term("doc_type", ("kamervragen", "kamerbrief", "beslisnota")[i % 3]),
                             Q.DateRange("date", dt.datetime(2012 + r % 5, 1, 1), dt.datetime(2024, 12, 31))])
                t = time.perf_counter()
                res = s.search(parsed, filter=flt, limit=10, groupedby=facets)
                for name in facets:
                    res.groups(name)
                faceted.append(time.perf_counter() - t)
    return {"plain_p50": pct(plain, .5), "plain_p95": pct(plain, .95), "faceted_p50": pct(faceted, .5),
            "faceted_p95": pct(faceted, .95)}


# ------------------------------------------------------------------------------------ end-to-end, CLI

def coi_cli(index_dir: Path, *args: str) -> float:
    """Wall time of one `coi` command, as a user (or cron) runs it: a new process each time."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coi", "--index", str(index_dir), *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def end_to_end(n_passages: int, work: Path, rounds: int = 5) -> dict[str, float]:
    """`coi index` on generated files (parsing included), then the time to re-index one changed document, and
    the benchmark queries on the index `coi index` made (its segments are the writer's batches, where the
    query rows' index has two)."""
    from coi.testing import generate_corpus

    corpus = work / "files"
    copies = max(1, n_passages // 18)
    generate_corpus(ROOT / "corpus", corpus, copies)
    index_dir = work / "e2e-index"
    _, build, peak = run_sampled([sys.executable, "-m", "coi", "--index", str(index_dir), "index", str(corpus)],
                                 env=dict(os.environ, PYTHONPATH=str(ROOT)))
    files = sorted(corpus.iterdir())
    one = files[len(files) // 2]
    one.write_text(one.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over terugkeer.\n", encoding="utf-8")
    reindex = coi_cli(index_dir, "index", str(corpus))
    cold = statistics.median(coi_cli(index_dir, "search", "terugkeer oppositie", "--limit", "5") for _ in range(5))
    from coi.engine.readers import segment_sizes
    from coi.search import Searcher

    with Searcher(index_dir) as s:
        passages = len(s.passages())
        segments = len(segment_sizes(s.reader))
    queries = query_coi(index_dir, rounds)
    return {"files": len(files), "passages": passages, "build_s": build, "passages_per_s": passages / build,
            "reindex_one_s": reindex, "cold_search_s": cold, "peak_rss_mb": peak / 1024, "segments": segments,
            **{f"query_{k}": v for k, v in queries.items() if k.startswith(("plain", "faceted"))}}


def serve_latency(index_dir: Path, rounds: int = 3) -> dict[str, float]:
    """`coi serve` on the index as a user starts it, then the search page and /api/search for each benchmark
    query as a browser asks for them (a new connection each): wall time per request, p50 and p95 in ms."""
    import socket
    import urllib.parse
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "coi", "--index", str(index_dir), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to 30 s to start
            try:
                urllib.request.urlopen(base + "/api/search?q=warm", timeout=30).read()
                break
            except OSError:
                time.sleep(0.1)
        times = []
        for _ in range(rounds):
            for q in QUERIES:
                for path in ("/?q=", "/api/search?q="):
                    t = time.perf_counter()
                    urllib.request.urlopen(base + path + urllib.parse.quote(q), timeout=60).read()
                    times.append(time.perf_counter() - t)
        return {"serve_p50": pct(times, .5), "serve_p95": pct(times, .95)}
    finally:
        server.terminate()
        server.wait()


# ------------------------------------------------------------------------------------------------- main

# Started by a small process of its own: a child forked from this (large) benchmark process would report this
# process's memory as its peak (Linux keeps the larger of the resident set before and after exec in ru_maxrss).
_LAUNCH = """import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, status)"""


def cold_search(index_dir: Path) -> dict[str, float]:
    """A faceted `coi search` as a new process on the built index, as a user runs it: median wall time of 5 and
    the largest peak RSS (of that process alone: started by a small launcher, timed from its start to its exit)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    times, rss = [], 0
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", _LAUNCH, sys.executable, "-m", "coi", "--index", str(index_dir),
                              "search", "Azerbeidzjan", "--type", "kamervragen", "--from", "2014", "--limit", "10"],
                             env=env, capture_output=True, text=True, check=True).stdout.split()
        if out[2] != "0":
            raise SystemExit("coi search failed")
        times.append(float(out[0]))
        rss = max(rss, int(out[1]))
    return {"cold_search_s": statistics.median(times), "search_rss_mb": rss / 1024}


def run_size(n: int, rounds: int, procs: int, engines: tuple[str, ...] = ("naive", "coi")) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"coi-bench-{n}-"))
    try:
        docs_file = work / "docs.pickle"
        passages = write_documents(scaled_documents(n), docs_file)
        row: dict = {"passages": passages}
        for kind in engines:
            target = work / kind
            target.mkdir()
            out, rss = timed_child(["child", kind, str(docs_file), str(target), str(procs)])
            row[kind] = {"build_s": out["seconds"], "passages_per_s": passages / out["seconds"],
                         "size_mb": du(target) / 2**20, "peak_rss_mb": rss / 1024}
        if "naive" in engines:  # its faceted query takes seconds at 1M: one round of the 20 queries there
            row["naive"].update(query_naive(work / "naive", rounds if n < 1_000_000 else 1))
        if "coi" in engines:
            row["coi"].update(query_coi(work / "coi", rounds))
            row["coi"].update(cold_search(work / "coi"))
            row["coi"].update(serve_latency(work / "coi"))
        if n <= 100_000 and "coi" in engines:
            row["end_to_end"] = end_to_end(n, work, rounds)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(results: dict) -> str:
    lines = ["| passages | engine | build passages/s | index MB | peak RSS MB | plain p50/p95 ms | "
             "faceted p50/p95 ms | a page of 10 hits p50/p95 ms |", "|---|---|---|---|---|---|---|---|"]
    for row in results.values():
        for kind in ("naive", "coi"):
            if kind not in row:
                continue
            r = row[kind]
            hits = f"{r['page_p50']:.0f} / {r['page_p95']:.0f}" if "page_p50" in r else "–"
            lines.append(f"| {row['passages']:,} | {kind} | {r['passages_per_s']:.0f} | {r['size_mb']:.0f} | "
                         f"{r['peak_rss_mb']:.0f} | {r['plain_p50']:.1f} / {r['plain_p95']:.1f} | "
                         f"{r['faceted_p50']:.1f} / {r['faceted_p95']:.1f} | {hits} |")
    lines += ["", "| passages | `coi index` files → passages/s (parsing included) | its peak RSS MB | "
              "re-index one changed document s | segments | plain p50/p95 ms on it | faceted p50/p95 ms on it |",
              "|---|---|---|---|---|---|---|"]
    for row in results.values():
        e = row.get("end_to_end")
        if e:
            queries = (f"{e['query_plain_p50']:.1f} / {e['query_plain_p95']:.1f} | "
                       f"{e['query_faceted_p50']:.1f} / {e['query_faceted_p95']:.1f}") if "query_plain_p50" in e \
                else "– | –"
            lines.append(f"| {e['passages']:,} | {e['files']} files, {e['passages_per_s']:.0f}/s | "
                         f"{e.get('peak_rss_mb', 0):.0f} | {e['reindex_one_s']:.2f} | {e.get('segments', '–')} | "
                         f"{queries} |")
    lines += ["", "| passages | faceted `coi search` as a new process: wall s (median of 5) | its peak RSS MB | "
              "`coi serve` request p50/p95 ms |", "|---|---|---|---|"]
    for row in results.values():
        c = row.get("coi", {})
        if "cold_search_s" in c:
            serve = f"{c['serve_p50']:.0f} / {c['serve_p95']:.0f}" if "serve_p50" in c else "–"
            lines.append(f"| {row['passages']:,} | {c['cold_search_s']:.2f} | {c['search_rss_mb']:.0f} | {serve} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child_build(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the 20 queries")
    ap.add_argument("--procs", type=int, default=2, help="writer processes for coi's build")
    ap.add_argument("--engines", default="naive,coi", help="which engines to build and query")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = ap.parse_args()
    # A new `coi` process loads coi's modules from bytecode, as from an installed package (pip compiles what it
    # installs); an editable install under PYTHONDONTWRITEBYTECODE would compile every module from source at
    # every start (0.2 s here). Compiled once, explicitly:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "coi")], check=True)
    results = {}
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"size {n:,} …", file=sys.stderr, flush=True)
        results[str(n)] = run_size(n, args.rounds, args.procs, tuple(args.engines.split(",")))
        print(json.dumps(results[str(n)], indent=1), file=sys.stderr, flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


if __name__ == "__main__":
    main()
