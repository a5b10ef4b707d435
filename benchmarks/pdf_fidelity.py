"""PDF reading fidelity: words coi's layout reader extracts against pdfplumber's extract_text(), per PDF.

    python benchmarks/pdf_fidelity.py DIR_OR_PDF... [--parse]

For each PDF: pages, words of extract_text(), words of coi's lines (all zones), their ratio, the words
extract_text() has that coi lacks (a multiset difference, so a word lost at a line start counts), and the
reader's warnings. With --parse, also passages and footnotes of the full parse. A development instrument: it
reads whatever paths it is given and is never run by the tests.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORD = re.compile(r"[\wÀ-ÿ]+")


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text) if not w.startswith("cid"))


def main() -> None:
    import pdfplumber

    from coi.errors import CoiError
    from coi.formats.pdf import read

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--parse", action="store_true")
    args = ap.parse_args()
    pdfs = sorted(q for p in args.paths for q in ([p] if p.is_file() else p.rglob("*.pdf")))
    print("| pdf | pages | extract_text words | coi words | coi/plain | missing | warnings |")
    print("|---|---|---|---|---|---|---|")
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            plain = words("\n".join(page.extract_text() or "" for page in pdf.pages))
            pages = len(pdf.pages)
        try:
            ex = read(path)
        except CoiError as exc:
            print(f"| {path.name[:50]} | {pages} | {sum(plain.values())} | error | | | {str(exc)[-70:]} |")
            continue
        ours = words("\n".join(line.text for line in ex.lines))
        missing = plain - ours
        extra = ""
        if args.parse:
            from coi.parse import parse_file

            doc = parse_file(path)
            extra = f" {len(doc.passages)} passages, {len(doc.footnotes)} footnotes;"
        total = sum(plain.values())
        ratio = sum(ours.values()) / total if total else 0.0
        top = ",".join(w for w, _ in missing.most_common(5))
        warn = "; ".join(ex.warnings)[:90]
        print(f"| {path.name[:50]} | {pages} | {total} | {sum(ours.values())} | {ratio:.3f} | "
              f"{sum(missing.values())} ({top}) |{extra} {warn} |")


if __name__ == "__main__":
    main()
