"""PDF documents, read from characters with their positions and fonts (pdfplumber), not from extract_text().

Layout decides what a line is: the body column; a side column (letterhead, "Datum", "Onze referentie") that
becomes metadata; the footnote zone (a smaller font below the body) handed to the footnote parser; running
headers and footers (repeated in the page margins) dropped; footnote markers set in a small raised font turned
into explicit markers; bold or larger lines flagged as headings. Pages are joined into one stream of lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coi.clean import is_furniture
from coi.errors import InputError
from coi.lines import Extracted, Line

LINE_TOLERANCE = 3.0  # points: words whose tops differ less are on one line (superscripts sit ~1-3 higher)
MARGIN = 0.1  # the top and bottom share of a page where running headers and footers live
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class _Line:
    words: list[_Word]
    zone: str = "body"  # body | sidebar | footnote | margin

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def size(self) -> float:
        """The line's font size: that of most of its characters."""
        sizes: Counter[float] = Counter()
        for w in self.words:
            sizes[round(w.size, 1)] += len(w.text)
        return sizes.most_common(1)[0][0]

    def text(self) -> str:
        """The words, with a space only where there is a gap: "denial" and a "," in another font touch."""
        out = ""
        for prev, w in zip([None, *self.words], self.words, strict=False):
            touching = prev is not None and w.x0 - prev.x1 < 0.5 and (
                w.text[0] in ",.;:!?)»”’" or prev.text[-1] in "(«“")
            out += w.text if prev is None or touching else " " + w.text
        return out


def read(path: Path, ocr_cache: Path | None = None) -> Extracted:
    """Read a PDF into lines with page numbers, zones and heading flags; pages without a usable text layer are
    read by OCR where it is installed (`ocr_cache`: where OCR results are kept by page content)."""
    import pdfplumber  # imported here: commands that read no PDF do not load it
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file")
    try:
        with pdfplumber.open(path) as pdf:
            meta = pdf.metadata or {}
            pages = [_page_words(page) for page in pdf.pages]
            sizes = [(page.width, page.height) for page in pdf.pages]
            confidence, warnings = _read_by_ocr(path, pdf.pages, pages, ocr_cache)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(f"{path}: encrypted PDF; save an unencrypted copy") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's exceptions
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError(f"{path}: encrypted PDF; save an unencrypted copy") from None
        if isinstance(inner, (PDFSyntaxError, PSException)) or isinstance(exc, (PDFSyntaxError, PSException)):
            raise InputError(f"{path}: unreadable PDF ({type(inner or exc).__name__}); is it truncated?") from None
        raise InputError(f"{path}: unreadable PDF ({type(inner or exc).__name__}: {inner or exc})") from None
    if sum(len(words) for words in pages) < 20:
        # a scan without OCR installed: the one line that says so is the reason
        why = warnings[0].removeprefix(f"{path}: ") if warnings else "OCR read no text" if confidence else ""
        raise InputError(f"{path}: no text layer (scanned?)" + (f"; {why}" if why else ""))
    lines = _layout(pages, sizes)
    metadata = {}
    for key in ("Title", "Subject"):
        value = meta.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "ignore")
        if isinstance(value, str) and value.strip() and "title" not in metadata:
            metadata["title"] = value.strip()
    return Extracted(lines=lines, paged=True, metadata=metadata, warnings=tuple(warnings), ocr=confidence)


# ------------------------------------------------------------------------- the hook for OCR (coi.formats.ocr)

def _read_by_ocr(path: Path, plumbed: list[Any], pages: list[list[_Word]],
                 cache: Path | None) -> tuple[dict[int, float], list[str]]:
    """Pages without a usable text layer get the words OCR reads on them, in place in `pages`; returns each
    OCR'd page's mean word confidence, and a one-line warning when OCR was needed but is not installed."""
    from coi.formats import ocr

    need = [i for i, (page, words) in enumerate(zip(plumbed, pages, strict=True))
            if not ocr.usable([w.text for w in words], ocr.image_share(page))]
    if not need:
        return {}, []
    layers = {i: [w.text for w in pages[i]] for i in need}
    for i in need:
        if ocr.garbage(layers[i]):
            pages[i] = []  # "(cid:3)(cid:4)", reversed garbage: never indexed
    why = ocr.available()
    if why:
        numbers = ", ".join(str(i + 1) for i in need)
        return {}, [f"{path}: page(s) {numbers} need OCR ({why}); install it: {ocr.INSTALL}"]
    kept = Counter(round(w.size, 1) for i, words in enumerate(pages) if i not in need for w in words for _ in w.text)
    body = kept.most_common(1)[0][0] if kept else None
    confidence: dict[int, float] = {}
    for i in need:
        read = ocr.read_page(plumbed[i], cache)
        if ocr.reads_more(layers[i], read):
            pages[i] = [_Word(w.text, w.x0, w.x1, w.top, w.bottom, w.size, False)
                        for w in ocr.fit_sizes(list(read.words), body)]
            confidence[i + 1] = read.confidence
    return confidence, []


def _page_words(page: Any) -> list[_Word]:
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False, x_tolerance=1.5,
                               y_tolerance=2)
    return [_Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"], bool(_BOLD.search(w["fontname"])))
            for w in words if w["text"].strip()]


def _cluster(words: list[_Word]) -> list[_Line]:
    """Words into lines by their vertical position, each line read left to right."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for line in reversed(lines[-3:]):
            if abs(line.words[0].top - w.top) <= LINE_TOLERANCE or abs(line.words[-1].bottom - w.bottom) <= 1.0:
                line.words.append(w)
                break
        else:
            lines.append(_Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _layout(pages: list[list[_Word]], sizes: list[tuple[float, float]]) -> list[Line]:
    chars: Counter[float] = Counter()
    for words in pages:
        for w in words:
            chars[round(w.size, 1)] += len(w.text)
    body = chars.most_common(1)[0][0]
    body_words = [w for words in pages for w in words if abs(w.size - body) < 0.6]
    left = Counter(round(w.x0) for w in body_words).most_common(1)[0][0]
    right = _percentile([w.x1 for w in body_words], 0.98)

    per_page: list[list[_Line]] = []
    for words in pages:
        main: list[_Word] = []
        side: list[_Word] = []
        for w in words:
            (side if w.x0 > right + 2 or w.x1 < left - 3 else main).append(w)
        lines = [*_cluster(main), *(_Line(ln.words, "sidebar") for ln in _cluster(side))]
        per_page.append(lines)
    _mark_margins(per_page, sizes)
    out: list[Line] = []
    for number, lines in enumerate(per_page, 1):
        body_lines = [ln for ln in lines if ln.zone == "body"]
        _superscripts(body_lines, body)
        last_body = max((ln.top for ln in body_lines if abs(ln.size - body) < 0.6 and not is_furniture(ln.text())),
                        default=0.0)
        for ln in body_lines:
            if ln.size < body * 0.95 and ln.top > last_body:
                ln.zone = "footnote"
        ordered = sorted((ln for ln in lines if ln.zone == "sidebar"), key=lambda ln: ln.top)
        ordered += sorted((ln for ln in lines if ln.zone == "body"), key=lambda ln: ln.top)
        ordered += sorted((ln for ln in lines if ln.zone == "footnote"), key=lambda ln: ln.top)
        first = True
        previous: _Line | None = None
        for ln in ordered:
            if previous is not None and previous.zone == ln.zone and ln.top - previous.top > 1.9 * max(ln.size, 6):
                out.append(Line("", number))  # a vertical gap is a paragraph break
            heading = int(ln.zone == "body" and (all(w.bold for w in ln.words) or ln.size > body * 1.15))
            out.append(Line(ln.text(), number, page_start=first and number > 1, heading=heading, zone=ln.zone))
            first = False
            previous = ln
        out.append(Line("", number))
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _mark_margins(per_page: list[list[_Line]], sizes: list[tuple[float, float]]) -> None:
    """Running headers and footers: lines in the page margins that recur on other pages, or page numbers."""
    def key(ln: _Line) -> str:
        # page numbers vary ("Pagina 2 van 9"); references in footnotes do not, so only short numbers go
        return re.sub(r"\b\d{1,3}\b", "#", ln.text().lower())

    def footnote_start(ln: _Line) -> bool:
        first = ln.words[0]
        return len(ln.words) > 1 and first.text.isdigit() and first.size < ln.words[1].size * 0.9

    seen: Counter[str] = Counter()
    for lines, (_, height) in zip(per_page, sizes, strict=True):
        for k in {key(ln) for ln in lines if ln.top < height * MARGIN or ln.top > height * (1 - MARGIN)}:
            seen[k] += 1
    running = max(2, (len(per_page) + 1) // 2)  # on half the pages at least: not a footnote that recurs once
    for lines, (_, height) in zip(per_page, sizes, strict=True):
        for ln in lines:
            in_margin = ln.top < height * MARGIN or ln.top > height * (1 - MARGIN)
            recurs = seen[key(ln)] >= running and not footnote_start(ln)
            if in_margin and (recurs or re.fullmatch(r"[-–\s]*\d{1,3}[-–\s]*", ln.text())):
                ln.zone = "margin"
        lines[:] = [ln for ln in lines if ln.zone != "margin"]


def _superscripts(lines: list[_Line], body: float) -> None:
    """Footnote markers in a small raised font become "[n]" glued to the word before them."""
    for ln in lines:
        words: list[_Word] = []
        for w in ln.words:
            marks = re.findall(r"\d{1,3}", w.text)
            small = w.size < body * 0.8 and re.fullmatch(r"(\d{1,3},?)+", w.text)  # "1," "2" or "1,2"
            if small and words and abs(words[-1].size - body) < 0.6:
                prev = words[-1]
                raised = w.bottom < prev.bottom - 1.0  # a footnote marker; a subscript sits low ("CO2")
                added = "".join(f"[{m}]" for m in marks) if raised else "".join(marks)
                words[-1] = _Word(prev.text + added, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.bold)
            elif words and w.text.startswith("-") and w.x0 - words[-1].x1 < 1.0:  # "CO2" + "-uitstoot"
                prev = words[-1]
                words[-1] = _Word(prev.text + w.text, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.bold)
            else:
                words.append(w)
        ln.words = words

