"""`coi index` end to end on generated files (issue 16, item 3): passages/s, peak RSS of the process tree, the
CPU seconds of the writing process and of its parse workers, the segments of the index built, the benchmark
queries and a new `coi search` process on it, and the re-index of one changed document.

    python benchmarks/index_e2e.py 10000 [--code DIR]

`--code DIR` runs the `coi` of another checkout (an older commit, say) with this Python, on the same files, for a
before/after comparison. The corpus is generated once per size under the work folder and reused. On a shared
machine wall times vary with the other jobs; the CPU seconds (and their split between the writer and the
workers) are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[tuple[int, int]]]:
    """Per parent pid: its children's (pid, CPU ticks so far)."""
    kids: dict[int, list[tuple[int, int]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            kids.setdefault(int(fields[1]), []).append((int(entry), int(fields[11]) + int(fields[12])))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def run_coi(code: Path, index_dir: Path, corpus: Path) -> dict[str, float]:
    """`coi index` as a new process: wall time, peak RSS of its process tree (sampled every 0.1 s), the CPU
    seconds of the process itself and of its descendants (last seen)."""
    env = dict(os.environ, PYTHONPATH=str(code))
    start = time.perf_counter()
    # run in `code`: `python -m` puts the working folder first on the path, before PYTHONPATH
    proc = subprocess.Popen([sys.executable, "-m", "coi", "--index", str(index_dir), "index", str(corpus)], env=env,
                            cwd=code, stdout=subprocess.DEVNULL)
    peak, ticks = 0, {}
    while proc.poll() is None:
        kids = _children()
        tree = [(proc.pid, next((t for p, t in kids.get(os.getpid(), []) if p == proc.pid), 0))]
        todo = [proc.pid]
        while todo:
            for pid, t in kids.get(todo.pop(), []):
                tree.append((pid, t))
                todo.append(pid)
        peak = max(peak, sum(_rss_kb(pid) for pid, _ in tree))
        ticks.update(tree)
        time.sleep(0.1)
    if proc.returncode != 0:
        raise SystemExit("coi index failed")
    wall = time.perf_counter() - start
    parent = ticks.pop(proc.pid, 0) / TICK
    return {"s": wall, "rss_mb": peak / 1024, "cpu_writer_s": parent, "cpu_workers_s": sum(ticks.values()) / TICK}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("passages", type=int)
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose coi runs (default: this one)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/coi-index-e2e"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from coi.testing import generate_corpus

    corpus = args.work / f"corpus-{args.passages}"
    if not corpus.exists():  # as benchmarks/run.py end_to_end() makes it
        generate_corpus(ROOT / "corpus", corpus, max(1, args.passages // 18))
    index_dir = args.work / f"index-{os.getpid()}"
    shutil.rmtree(index_dir, ignore_errors=True)
    try:
        build = run_coi(args.code, index_dir, corpus)
        queries = _queries(args.code, index_dir)
        files = sorted(corpus.iterdir())
        one = files[len(files) // 2]
        original = one.read_text(encoding="utf-8")
        try:
            one.write_text(original + "\n\nEen nieuwe alinea over terugkeer.\n", encoding="utf-8")
            again = run_coi(args.code, index_dir, corpus)
        finally:
            one.write_text(original, encoding="utf-8")
        from coi.search import Searcher

        with Searcher(index_dir) as s:
            passages = len(s.passages())
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)
    print(json.dumps({"files": len(files), "passages": passages, "build_s": round(build["s"], 1),
                      "passages_per_s": round(passages / build["s"]), "peak_rss_mb": round(build["rss_mb"]),
                      "cpu_writer_s": round(build["cpu_writer_s"], 1),
                      "cpu_workers_s": round(build["cpu_workers_s"], 1),
                      "reindex_one_s": round(again["s"], 2), "reindex_rss_mb": round(again["rss_mb"]), **queries}))


def _queries(code: Path, index_dir: Path) -> dict[str, float]:
    """The segments of the index built, the benchmark's plain and faceted queries on it (`run.query_coi`, 5
    rounds) and a new `coi search` process on it (`run.cold_search`: median of 5, peak RSS), searched by this
    checkout's coi (the code compared built the index only)."""
    # its modules from bytecode, as run.py does (under PYTHONDONTWRITEBYTECODE each new process would compile them)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "coi")], check=True)
    out = subprocess.run([sys.executable, "-c", f"""
import json, sys
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "benchmarks")!r}]
from pathlib import Path
import run
from coi.engine.readers import segment_sizes
from coi.search import Searcher
with Searcher(Path({str(index_dir)!r})) as s:
    segments = len(segment_sizes(s.reader))
q = run.query_coi(Path({str(index_dir)!r}), 5)
cold = run.cold_search(Path({str(index_dir)!r}))
print(json.dumps({{"segments": segments, **{{k: round(v, 1) for k, v in q.items() if not k.startswith("page")}},
                  "cold_search_s": round(cold["cold_search_s"], 2), "search_rss_mb": round(cold["search_rss_mb"])}}))
"""], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


if __name__ == "__main__":
    main()
