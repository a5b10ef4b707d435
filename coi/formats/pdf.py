"""PDF documents, read from characters with their positions and fonts (pdfplumber), not from extract_text().

This module opens the file, takes each page's words and judges whether a page's text layer can be read: a page
with no text (an image only), a layer of glyph codes without a character map ("(cid:3)(cid:4)"), or a layer that
an OCR run on a rotated page left letter by letter is reported by page number and not indexed. The layout of
what remains (columns, side column, footnote zone, headings) is `coi.formats.pdf_layout`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from coi.errors import InputError
from coi.formats.pdf_layout import Word, join_letter_spacing, layout
from coi.lines import Extracted

WORD_GAP = 1.5  # points: characters further apart are two words (letter-spaced runs are joined afterwards)
_CID = re.compile(r"\(cid:\d+\)")


def read(path: Path, ocr_cache: Path | None = None) -> Extracted:
    """Read a PDF into lines with page numbers, zones and heading flags; pages without a usable text layer are
    read by OCR where it is installed (`ocr_cache`: where OCR results are kept by page content), and become
    warnings where it is not."""
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
            verdicts = [page_problem(words) for words in pages]
            confidence, install = _read_by_ocr(pdf.pages, pages, verdicts, ocr_cache)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(f"{path}: encrypted PDF; save an unencrypted copy") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's exceptions
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError(f"{path}: encrypted PDF; save an unencrypted copy") from None
        if isinstance(inner, (PDFSyntaxError, PSException)) or isinstance(exc, (PDFSyntaxError, PSException)):
            raise InputError(f"{path}: unreadable PDF ({type(inner or exc).__name__}); is it truncated?") from None
        raise InputError(f"{path}: unreadable PDF ({type(inner or exc).__name__}: {inner or exc})") from None
    problems = "; ".join(f"pages {ranges(numbers)}: {problem}" for problem, numbers in _grouped(verdicts).items())
    if sum(len(words) for words in pages) < 20:
        raise InputError(f"{path}: no text layer (scanned?); " + (f"{problems}; " if problems else "")
                         + (install or "OCR it or put a .txt with its text beside it"))
    if all(verdicts):
        raise InputError(f"{path}: no readable text layer ({'; '.join(sorted(set(filter(None, verdicts))))}); "
                         f"{install or 'OCR it or put a .txt with its text beside it'}")
    # one line for the document: the pages, what is wrong with them, and how to have them read
    warnings = [f"{path}: {problems}; OCR not done" + (f" ({install})" if install else "")] if problems else []
    kept = [[] if problem else words for words, problem in zip(pages, verdicts, strict=True)]
    lines = layout(kept, sizes)
    metadata = {}
    for key in ("Title", "Subject"):
        value = meta.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "ignore")
        if isinstance(value, str) and value.strip() and "title" not in metadata:
            metadata["title"] = value.strip()
    return Extracted(lines=lines, paged=True, metadata=metadata, warnings=tuple(warnings), ocr=confidence)


# ------------------------------------------------------------------------- the hook for OCR (coi.formats.ocr)

def _read_by_ocr(plumbed: list[Any], pages: list[list[Word]], verdicts: list[str | None],
                 cache: Path | None) -> tuple[dict[int, float], str]:
    """Pages whose text layer cannot be indexed (a verdict), or that are a picture with a few words, get the words
    OCR reads on them, in place in `pages`, and lose their verdict. Returns each OCR'd page's mean word
    confidence; where OCR is needed but not installed, why and how to install it instead."""
    from coi.formats import ocr

    need = [i for i, (page, words) in enumerate(zip(plumbed, pages, strict=True))
            if verdicts[i] or not ocr.usable([w.text for w in words], ocr.image_share(page))]
    if not need:
        return {}, ""
    why = ocr.available()
    if why:
        return {}, f"{why}; to read them: {ocr.INSTALL}" if any(verdicts[i] for i in need) else ""
    kept = Counter(round(w.size, 1) for i, words in enumerate(pages) if i not in need for w in words for _ in w.text)
    body = kept.most_common(1)[0][0] if kept else None
    confidence: dict[int, float] = {}
    for i in need:
        read = ocr.read_page(plumbed[i], cache)
        if verdicts[i] or ocr.reads_more([w.text for w in pages[i]], read):
            pages[i] = [Word(w.text, w.x0, w.x1, w.top, w.bottom, w.size, "OCR")
                        for w in ocr.fit_sizes(list(read.words), body)]
            verdicts[i] = None
            confidence[i + 1] = read.confidence
    return confidence, ""


def _page_words(page: Any) -> list[Word]:
    # Size and font are not passed as extra_attrs: pdfplumber would split a word wherever the size changes at
    # all, and an OCR layer gives every letter its own size ("M" "i" "n" ...). A word is cut here only where the
    # font changes or the size changes clearly (a footnote marker after "2022").
    words = page.extract_words(keep_blank_chars=False, x_tolerance=WORD_GAP, y_tolerance=2, return_chars=True)
    found: list[Word] = []
    for w in words:
        piece: list[dict[str, Any]] = []
        for c in w["chars"]:
            if piece and (c["fontname"] != piece[-1]["fontname"]
                          or abs(c["size"] - piece[-1]["size"]) > 0.15 * piece[-1]["size"]):
                found.append(_word(piece))
                piece = []
            piece.append(c)
        if piece:
            found.append(_word(piece))
    return join_letter_spacing([w for w in found if w.text.strip()])


def _word(chars: list[dict[str, Any]]) -> Word:
    size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
    return Word("".join(c["text"] for c in chars), min(c["x0"] for c in chars), max(c["x1"] for c in chars),
                min(c["top"] for c in chars), max(c["bottom"] for c in chars), size,
                chars[0]["fontname"].split("+")[-1])


def page_problem(words: list[Word]) -> str | None:
    """Why a page's text layer cannot be indexed, or None when it can."""
    if not words:
        return "no text layer (image only)"
    text = " ".join(w.text for w in words)
    if len("".join(_CID.findall(text))) > 0.3 * len(text):
        return "text layer without a character map (cid codes)"
    letters = [w for w in words if any(c.isalpha() for c in w.text)]
    if len(letters) >= 20 and _scattered_letters(words) > 0.3 * len(letters):
        return "text layer of single letters (OCR of a rotated page?)"
    return None


def _scattered_letters(words: list[Word]) -> int:
    """Letters in runs of single-letter words that spell nothing: at least three in a row, at least three
    different ones. A letter-spaced word was joined before this; a column of "x" marks in a table is no run."""
    count = 0
    run: list[str] = []
    for w in [*words, None]:
        if w is not None and len(w.text) == 1 and w.text.isalpha():
            run.append(w.text.lower())
            continue
        if len(run) >= 3 and len(set(run)) >= 3:
            count += len(run)
        run = []
    return count


def _grouped(verdicts: list[str | None]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for number, problem in enumerate(verdicts, 1):
        if problem:
            out.setdefault(problem, []).append(number)
    return out


def ranges(numbers: list[int]) -> str:
    """Page numbers as ranges: [3, 5, 6, 7, 8, 10] -> "3, 5-8, 10"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
