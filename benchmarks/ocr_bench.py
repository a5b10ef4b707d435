"""OCR (issue 15): time per OCR'd page, the effect of the page cache on a re-index, and word accuracy on
image-only copies of real text PDFs (rendered at 300 dpi, grey, as an office scanner makes them).

    python benchmarks/ocr_bench.py

Needs Tesseract with its Dutch model (apt-get install tesseract-ocr tesseract-ocr-nld) and pytesseract.
"""

from __future__ import annotations

import difflib
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PDF = ROOT / "tests" / "fixtures" / "pdf"


def image_only(original: Path, out: Path, dpi: int = 300) -> int:
    import pdfplumber

    with pdfplumber.open(original) as pdf:
        images = [page.to_image(resolution=dpi).original.convert("L") for page in pdf.pages]
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return len(images)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def main() -> None:
    import pdfplumber

    from coi.formats import ocr
    from coi.store import OCR_CACHE
    from coi.update import index_corpus

    why = ocr.available()
    if why:
        sys.exit(f"OCR not available ({why}): {ocr.INSTALL}")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        scans = [*sorted((PDF / "scans").glob("*.pdf")), *PDF.glob("wob_RVO_2020_fokkerij*.pdf"),
                 *PDF.glob("brief_Adviescommissie*cid-tekst.pdf")]
        for scan in scans:
            shutil.copy(scan, corpus)
        image_only(PDF / "ah-tk-20232024-1076.pdf", corpus / "ah-tk-20232024-1076-scan.pdf")
        runs = []
        for label, full in (("first index (no cache: every scanned page OCR'd)", False),
                            ("`--full` rebuild (every file parsed again; pages from the cache)", True),
                            ("re-index, nothing changed (no file parsed)", False)):
            start = time.perf_counter()
            summary = index_corpus(index, [corpus], full=full)
            runs.append((label, time.perf_counter() - start, summary.passages))
        pages = len(list((index / OCR_CACHE).glob("*.json")))
        print(f"{len(list(corpus.iterdir()))} PDFs, {pages} pages OCR'd (in one process: under 16 files to parse)\n")
        print("| run | seconds | per OCR'd page |\n|---|---|---|")
        for label, seconds, _ in runs:
            print(f"| {label} | {seconds:.2f} | {seconds / pages:.2f} s |")

        print("\nOne process, page by page (render 300 dpi + Tesseract nld), no cache:\n")
        print("| document | pages | s/page | mean word confidence |\n|---|---|---|---|")
        for path in sorted(corpus.glob("*.pdf")):
            with pdfplumber.open(path) as pdf:
                scanned = [p for p in pdf.pages
                           if not ocr.usable([w["text"] for w in p.extract_words()], ocr.image_share(p))]
                start = time.perf_counter()
                read = [ocr.read_page(p) for p in scanned]
                seconds = (time.perf_counter() - start) / max(1, len(scanned))
            conf = sum(r.confidence for r in read) / max(1, len(read))
            print(f"| {path.name[:60]} | {len(scanned)} | {seconds:.1f} | {conf:.1f} |")

        print("\nWord accuracy of image-only copies against the original's text layer:\n")
        print("| original | words | in order | as a bag |\n|---|---|---|---|")
        for name in ("ah-tk-20232024-1076", "ah-tk-20232024-1999", "ah-tk-20232024-1481"):
            original, scan = PDF / f"{name}.pdf", Path(tmp) / f"{name}-scan.pdf"
            image_only(original, scan)
            with pdfplumber.open(original) as pdf:
                layer = words(" ".join(w["text"] for p in pdf.pages for w in p.extract_words()))
            with pdfplumber.open(scan) as pdf:
                got = words(" ".join(w.text for p in pdf.pages for w in ocr.read_page(p).words))
            matcher = difflib.SequenceMatcher(None, layer, got, autojunk=False)
            ordered = sum(b.size for b in matcher.get_matching_blocks()) / len(layer)
            bag = sum((Counter(layer) & Counter(got)).values()) / len(layer)
            print(f"| {name} | {len(layer)} | {ordered:.1%} | {bag:.1%} |")


if __name__ == "__main__":
    main()
