"""OCR of PDF pages without a usable text layer: scans, pages flattened to images, fonts without a character map.

The PDF reader hands over its pages; this module decides which have no usable text layer, renders those
(pdfplumber, which applies the page's /Rotate), reads them with Tesseract's Dutch model (pytesseract) and gives
back words with positions in PDF points, so the OCR'd page goes through the same layout, cleaning, hyphenation
and footnote handling as a page with a text layer. Results are cached by the page's content hash, so a re-index
of an unchanged scan does no OCR. Tesseract and pytesseract are optional (`pip install 'coi[ocr]'` plus the
Debian packages): without them `available()` says why, and the caller reports the pages it could not read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

LANG = "nld"
RESOLUTION = 300  # dpi: Tesseract reads body text best with capital letters some 30 px high
UPRIGHT_CONFIDENCE = 70.0  # mean word confidence under which a page may be sideways: orientation is checked
MIN_CONFIDENCE = 10.0  # Tesseract's word confidence (0-100) under which a "word" is noise (a stamp, a box, a line)
INSTALL = "pip install 'coi[ocr]' and apt-get install tesseract-ocr tesseract-ocr-nld"
CACHE_VERSION = 1  # part of the cache key: a change to how pages are read invalidates old entries

_CID = re.compile(r"\(cid:\d+\)")
_VOWEL = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]", re.I)
# Woo/Wob redaction codes as printed in the blacked-out boxes ("5.1.2e", "5.1.2.i", "10.2.e"), with the
# confusions OCR makes in them (S for 5, l or I for 1, a comma for a dot): they are put back in one form, so
# that they stay markers and are not read as words.
_REDACTION = re.compile(r"^\(?([5S])[.,:;]{1,2}([1lI])[.,:;]{0,2}([12lI])[.,:;]{0,2}([a-i])\)?[.,;:]?$")
_WOB = re.compile(r"^\(?([1lI][0Oo])[.,:;]{1,2}([12lI])[.,:;]{0,2}([a-g])\)?[.,;:]?$")


@dataclass(frozen=True)
class OcrWord:
    """A word read by OCR, placed in PDF points on the (rotated) page as pdfplumber sees it."""

    text: str
    x0: float
    x1: float
    top: float  # the top and bottom of the word's line, so that the words of a line stay one line
    bottom: float
    size: float  # an estimated font size in points, from the line's height
    confidence: float


@dataclass(frozen=True)
class OcrPage:
    """One page read by OCR: its words and their mean confidence (0-100)."""

    words: tuple[OcrWord, ...]
    confidence: float


def available() -> str | None:
    """None when OCR can run here; otherwise a short reason."""
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception:  # TesseractNotFoundError, or a broken install
        return "Tesseract is not installed"
    return None if LANG in langs else f"Tesseract has no {LANG!r} model"


def usable(texts: list[str], image_share: float) -> bool:
    """Whether a page's text layer is text: not absent or a few words on a page that is a picture (a scan),
    and not garbage."""
    if len(texts) < 10 and image_share >= 0.3:
        return False
    return not garbage(texts)


def garbage(texts: list[str]) -> bool:
    """A text layer that is clearly not text: "(cid:N)" from fonts without a character map, one letter per word,
    letters without vowels (a layer OCR'd from a page lying on its side, read backwards)."""
    if len(texts) < 10:
        return False  # too little to judge: a title, a page number
    chars = sum(len(t) for t in texts)
    if sum(len(m) for t in texts for m in _CID.findall(t)) > 0.3 * chars:
        return True
    words = [t for t in texts if any(c.isalpha() for c in t)]
    if len(words) < 0.3 * len(texts):
        return True
    if statistics.mean(len(w) for w in words) < 2.2:  # "o n e  l e t t e r  a t  a  t i m e"
        return True
    long = [w for w in words if len(w) >= 4]
    return bool(long) and sum(bool(_VOWEL.search(w)) for w in long) < 0.7 * len(long)


def reads_more(texts: list[str], read: OcrPage) -> bool:
    """Whether OCR read clearly more than a thin text layer that is not garbage (a cover with its title in the
    layer and a photo: the layer is kept)."""
    return garbage(texts) or len(read.words) > 2 * len(texts) + 5


def image_share(page: Any) -> float:
    """The share of the page's area covered by images (1.0 for a scan)."""
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, (im["x1"] - im["x0"]) * (im["bottom"] - im["top"])) for im in page.images)
    return min(1.0, covered / area)


def page_key(page: Any) -> str:
    """A hash of what the page shows: its content streams, its images, its rotation, and how it is read."""
    from pdfminer.pdftypes import resolve1

    h = hashlib.sha256(f"v{CACHE_VERSION} {LANG} {RESOLUTION} {page.rotation}".encode())
    for stream in page.page_obj.contents:
        stream = resolve1(stream)
        if hasattr(stream, "get_data"):
            h.update(stream.get_data())
    for im in page.images:
        stream = im.get("stream")
        if stream is not None and hasattr(stream, "get_rawdata"):
            h.update(stream.get_rawdata() or b"")
    return h.hexdigest()


def read_page(page: Any, cache: Path | None = None) -> OcrPage:
    """OCR one pdfplumber page (from the cache when this content was read before), redaction codes in their
    one form (done after the cache, which keeps what Tesseract read, so a better rule needs no new OCR)."""
    read = _read_cached(page, cache)
    return OcrPage(tuple(replace(w, text=_marker(w.text)) for w in read.words), read.confidence)


def _read_cached(page: Any, cache: Path | None) -> OcrPage:
    key = page_key(page)
    cached = cache / f"{key}.json" if cache else None
    if cached is not None and cached.is_file():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            return OcrPage(tuple(OcrWord(**w) for w in data["words"]), data["confidence"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged entry is read again
    result = _ocr(page)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")  # workers may OCR the same page: write atomically
            tmp.write_text(json.dumps({"words": [asdict(w) for w in result.words],
                                       "confidence": result.confidence}), encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass  # no cache is slower, not wrong
    return result


def _ocr(page: Any) -> OcrPage:
    # Tesseract's own threads fight the worker processes for the cores; one thread each is faster overall.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    image = page.to_image(resolution=RESOLUTION).original.convert("L")  # rendered with the page's /Rotate
    result = _read_image(image)
    if result.confidence < UPRIGHT_CONFIDENCE or len(result.words) < 10:
        # A page scanned sideways or upside down reads as noise. Orientation detection is a second run of
        # Tesseract, so it is asked only then, not on every page.
        turn = _orientation(image)
        if turn:
            turned = _read_image(image.rotate(-turn, expand=True))  # PIL turns counter-clockwise
            if turned.confidence > result.confidence:
                result = turned
    return result


def _read_image(image: Any) -> OcrPage:
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANG, config="--psm 3", output_type=pytesseract.Output.DICT)
    scale = 72.0 / RESOLUTION
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= MIN_CONFIDENCE:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    words: list[OcrWord] = []
    for indices in lines.values():
        top = min(data["top"][i] for i in indices)
        bottom = max(data["top"][i] + data["height"][i] for i in indices)
        size = (bottom - top) * scale / 1.2  # a line box spans ascenders to descenders, some 1.2 font sizes
        for i in indices:
            x0, x1 = data["left"][i], data["left"][i] + data["width"][i]
            words.append(OcrWord(data["text"][i].strip(), x0 * scale, x1 * scale, top * scale,
                                 bottom * scale, round(size, 1), float(data["conf"][i])))
    confidence = round(statistics.mean(w.confidence for w in words), 1) if words else 0.0
    return OcrPage(tuple(words), confidence)


def _orientation(image: Any) -> int:
    """Degrees to turn the image clockwise (0, 90, 180, 270), by Tesseract's orientation detection; 0 when
    it is unsure or cannot tell (too little text)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", output_type=pytesseract.Output.DICT)
    except Exception:  # "Too few characters": a near-empty page is read as it is
        return 0
    rotate = int(osd.get("rotate", 0))
    return rotate if float(osd.get("orientation_conf", 0)) >= 2.0 else 0


def _marker(text: str) -> str:
    m = _REDACTION.match(text)
    if m:
        return f"5.1.{'1' if m.group(3) in '1lI' else '2'}{m.group(4)}"
    m = _WOB.match(text)
    if m:
        return f"10.{'1' if m.group(2) in '1lI' else '2'}.{m.group(3)}"
    return text


def fit_sizes(words: list[OcrWord], body: float | None) -> list[OcrWord]:
    """Sizes estimated from line heights vary by a point or so; the layout tells body text, footnotes and
    headings apart by size. Lines within 20% of the page's common size become body size (the document's, when
    other pages have a text layer); the others keep their proportion to it, unless OCR is unsure of them
    (a stamp, handwriting, a logo read as letters), which must not become headings."""
    if not words:
        return words
    common = statistics.median(w.size for w in words)
    target = body or common
    lines: dict[tuple[float, float], list[OcrWord]] = {}
    for w in words:
        lines.setdefault((w.top, w.bottom), []).append(w)
    sure = {key: statistics.mean(w.confidence for w in line) >= UPRIGHT_CONFIDENCE for key, line in lines.items()}
    out = []
    for w in words:
        ratio = w.size / common if common else 1.0
        plain = 0.8 <= ratio <= 1.2 or (ratio > 1.2 and not sure[(w.top, w.bottom)])
        size = target if plain else round(target * ratio, 1)
        out.append(OcrWord(w.text, w.x0, w.x1, w.top, w.bottom, size, w.confidence))
    return out
