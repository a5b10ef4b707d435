"""What saved searches cost an unchanged `coi index` run: the same run without alerts and with 50 of them (the
target: at most 0.2 s more), and what a run that adds documents costs with 50 alerts.

    python benchmarks/alerts.py [--copies 500] [--alerts 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["Azerbeidzjan", "LHBTIQ bescherming", "terugkeer", "politieke gevangenen", "oppositie", "detentie",
           "Nagorno-Karabach", "marteling", "journalisten", "mensenrechten"]


def coi(index: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coi", "--index", str(index), *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    from coi.testing import generate_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--alerts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(ROOT / "corpus", corpus)
        generate_corpus(ROOT / "corpus", corpus / "gen", args.copies)
        coi(index, "index", str(corpus))
        without = statistics.median(coi(index, "index", str(corpus)) for _ in range(args.rounds))
        generate_corpus(ROOT / "corpus", corpus / "eerst", 20, seed=5, first=80000)
        changed_without = coi(index, "index", str(corpus))
        for i in range(args.alerts):
            coi(index, "alert", "add", f"alert-{i}", QUERIES[i % len(QUERIES)], *(["--type", "kamervragen"] * (i % 2)))
        coi(index, "index", str(corpus))
        with_alerts = statistics.median(coi(index, "index", str(corpus)) for _ in range(args.rounds))
        generate_corpus(ROOT / "corpus", corpus / "nieuw", 20, seed=3, first=90000)
        changed = coi(index, "index", str(corpus))
    print(f"unchanged `coi index` on {args.copies + 5} documents: {without:.3f} s without alerts, "
          f"{with_alerts:.3f} s with {args.alerts} (+{with_alerts - without:.3f} s; target +0.2 s)")
    print(f"`coi index` adding 20 documents: {changed_without:.3f} s without alerts, {changed:.3f} s with "
          f"{args.alerts}")


if __name__ == "__main__":
    main()
