"""PDF extraction speed: coi's layout reader against plain pdfplumber extract_text(), on the same PDFs.

    python benchmarks/pdf_bench.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import pdfplumber

    from coi.formats.pdf import read

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from coi.errors import CoiError

    pdfs = []
    for p in sorted((ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf")):
        try:  # a PDF coi refuses (no readable text layer) is no measure of reading speed
            read(p)
            pdfs.append(p)
        except CoiError:
            pass
    pages = 0
    for p in pdfs:
        with pdfplumber.open(p) as pdf:
            pages += len(pdf.pages)

    def plain(path: Path) -> None:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()

    results = {}
    for name, fn in (("pdfplumber extract_text()", plain), ("coi layout reader", read)):
        best = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            for p in pdfs:
                fn(p)
            best = min(best, time.perf_counter() - start)
        results[name] = pages / best
    print(f"{len(pdfs)} PDFs, {pages} pages, best of {args.rounds} rounds")
    print("| extractor | pages/s |\n|---|---|")
    for name, rate in results.items():
        print(f"| {name} | {rate:.1f} |")
    ratio = results["coi layout reader"] / results["pdfplumber extract_text()"]
    print(f"\ncoi / extract_text(): {ratio:.2f}")


if __name__ == "__main__":
    main()
