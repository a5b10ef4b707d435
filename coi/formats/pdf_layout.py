"""Page layout of a PDF: positioned words into lines in reading order, each in its zone.

Zones: the body; a side column (letterhead, "Datum", "Onze referentie") that becomes metadata; the footnote
zone (smaller type at the bottom of a page, starting with the number of a marker the body cited); running
headers and footers (repeated in the page margins), dropped. Two-column pages are read column by column, with
full-width lines (headings) kept in place. Headings are found by layout: a larger size, or a short line set
apart in a font other than the body's, not by a font's name.

Every measure is relative to the document's body font size, so that the same rules hold for a 9-point memo
and a 12-point report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from coi.clean import is_furniture
from coi.lines import Line

LINE_TOLERANCE = 3.0  # points: words whose tops differ less are on one line (superscripts sit ~1-3 higher)
MARGIN = 0.1  # the top and bottom share of a page where running headers and footers live
SEGMENT_GAP = 1.3  # em: a wider gap inside a line separates two blocks (side column, table cell), not words
# em: where the type changes as well, a narrower gap does (a 9 pt body line that runs close to a 6.8 pt side
# column, 8.7 pt apart: "luchthavens Schiphol, Infrastructuur en"); a word space is a third of an em
TYPE_GAP = 0.8
LETTER_GAP = 0.6  # em: single letters closer than this, in a run, are one letter-spaced word
_NUMBERED = re.compile(r"^\d{1,2}(\.\d{1,2})*\.?\s+\S")


@dataclass
class Word:
    """A word as pdfplumber found it, with the position and font of its first character."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str  # the font's name without the subset prefix ("ABCDEF+")


@dataclass
class _Line:
    words: list[Word]
    zone: str = "body"  # body | sidebar | footnote | margin
    column: int = 0  # 0 full width, 1 left, 2 right (two-column pages)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def size(self) -> float:
        """The line's font size: that of most of its characters."""
        return _dominant(self.words, lambda w: round(w.size, 1))

    @property
    def font(self) -> str:
        return _dominant(self.words, lambda w: w.font)

    def text(self) -> str:
        """The words, with a space only where there is a gap: "denial" and a "," in another font touch."""
        out = ""
        for prev, w in zip([None, *self.words], self.words, strict=False):
            touching = prev is not None and w.x0 - prev.x1 < 0.5 and (
                w.text[0] in ",.;:!?)»”’" or prev.text[-1] in "(«“")
            out += w.text if prev is None or touching else " " + w.text
        return out


def _dominant(words: list[Word], key: Any) -> Any:
    counts: Counter[Any] = Counter()
    for w in words:
        counts[key(w)] += len(w.text)
    return counts.most_common(1)[0][0]


def join_letter_spacing(words: list[Word]) -> list[Word]:
    """Letter-spaced text ("T e n  a a n z i e n") into words: a run of single letters whose gaps are small
    relative to the font size is one word, and a gap clearly wider than the run's letter gap divides words."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        j = i
        while (j + 1 < len(words) and len(words[j].text) == 1 and len(words[j + 1].text) == 1
               and abs(words[j + 1].top - words[j].top) < 1.0
               and 0 <= words[j + 1].x0 - words[j].x1 < LETTER_GAP * words[j].size * 2):
            j += 1
        if j - i + 1 < 3 or not all(w.text.isalnum() for w in words[i:j + 1]):
            out.append(words[i])
            i += 1
            continue
        run = words[i:j + 1]
        gaps = [b.x0 - a.x1 for a, b in zip(run, run[1:], strict=False)]
        letter = min(gaps)
        current = [run[0]]
        for w, gap in zip(run[1:], gaps, strict=True):
            if gap > max(letter * 1.8, letter + 0.15 * w.size) or gap > LETTER_GAP * w.size:
                out.append(_merge(current))
                current = [w]
            else:
                current.append(w)
        out.append(_merge(current))
        i = j + 1
    return out


def _merge(words: list[Word]) -> Word:
    first = words[0]
    return Word("".join(w.text for w in words), first.x0, words[-1].x1, first.top,
                max(w.bottom for w in words), first.size, first.font)


def cluster(words: list[Word]) -> list[_Line]:
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


def segments(line: _Line) -> list[_Line]:
    """A line cut where a gap is too wide for a word space: a side column beside the body, a table's cells."""
    parts = [_Line([line.words[0]], line.zone)]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        wide = SEGMENT_GAP if abs(prev.size - w.size) < 0.6 else TYPE_GAP
        if w.x0 - prev.x1 > wide * max(prev.size, w.size):
            parts.append(_Line([w], line.zone))
        else:
            parts[-1].words.append(w)
    return parts


@dataclass(frozen=True)
class _Frame:
    """What holds for the whole document: the body font and the body column's edges."""

    size: float
    font: str
    left: float
    right: float


def _frame(pages: list[list[Word]]) -> _Frame:
    words = [w for page in pages for w in page]
    size = _dominant(words, lambda w: round(w.size, 1))
    body = [w for w in words if abs(w.size - size) < 0.6]
    font = _dominant(body, lambda w: w.font)
    right = _percentile([w.x1 for w in body], 0.98)
    # The body's left edge: the leftmost place where a good share of body-size lines start. Not the most
    # common start, which in a memo of bullet points is the indented text, leaving bullets and short words
    # at a line start ("U", "Het") to the left of it and so in the side column.
    starts: Counter[int] = Counter()
    for page in pages:
        for line in cluster([w for w in page if abs(w.size - size) < 0.6]):
            for seg in segments(line):
                starts[round(seg.x0)] += 1
    total = sum(starts.values())
    frequent = [x for x, n in starts.items() if n >= max(3, 0.04 * total) and x < right]
    left = float(min(frequent)) if frequent else float(starts.most_common(1)[0][0])
    return _Frame(size, font, left, right)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def layout(pages: list[list[Word]], sizes: list[tuple[float, float]]) -> list[Line]:
    """Pages of words into one stream of lines: per page the side column, the body in reading order, then the
    footnote zone; a blank line where a vertical gap ends a paragraph."""
    frame = _frame(pages)
    per_page: list[list[_Line]] = []
    for words in pages:
        lines: list[_Line] = []
        for line in cluster(words):
            main: list[Word] = []
            parts = segments(line)
            inside = [seg for seg in parts if not _outside(seg, frame)]
            for seg in parts:
                # a block beyond the body's edges is the side column, unless it continues a row of the body in
                # the same type (a table wider than the text)
                same_row = inside and any(abs(seg.size - other.size) < 0.6 for other in inside)
                if _outside(seg, frame) and not same_row:
                    lines.append(_Line(seg.words, "sidebar"))
                else:
                    main.extend(seg.words)
            if main:
                lines.append(_Line(main))
        per_page.append(lines)
    _mark_margins(per_page, sizes)
    out: list[Line] = []
    cited: set[int] = set()
    for number, lines in enumerate(per_page, 1):
        body_lines = [ln for ln in lines if ln.zone == "body"]
        _superscripts(body_lines, frame.size)
        for ln in body_lines:
            cited.update(int(m) for m in re.findall(r"\[(\d{1,3})\]", ln.text()))
        _footnote_zone(body_lines, frame, cited)
        body_lines = _columns([ln for ln in body_lines if ln.zone == "body"], frame)
        ordered = sorted((ln for ln in lines if ln.zone == "sidebar"), key=lambda ln: ln.top)
        ordered += body_lines
        ordered += sorted((ln for ln in lines if ln.zone == "footnote"), key=lambda ln: ln.top)
        headings = _headings(body_lines, frame)
        first = True
        previous: _Line | None = None
        for ln in ordered:
            if previous is not None and _paragraph_break(previous, ln):
                out.append(Line("", number))
            heading = int(id(ln) in headings)
            out.append(Line(ln.text(), number, page_start=first and number > 1, heading=heading, zone=ln.zone))
            first = False
            previous = ln
        out.append(Line("", number))
    return out


def _outside(seg: _Line, frame: _Frame) -> bool:
    return seg.x0 > frame.right + 2 or seg.x1 < frame.left - 3


def _paragraph_break(previous: _Line, ln: _Line) -> bool:
    if previous.zone != ln.zone or previous.column != ln.column:
        return previous.zone == ln.zone  # a new column starts a new paragraph only where the text says so
    return ln.top - previous.top > 1.9 * max(ln.size, 6)


def _footnote_zone(lines: list[_Line], frame: _Frame, cited: set[int]) -> None:
    """Smaller type below the last body-size line is the footnote zone when a line of it starts with the number
    of a marker the body cited (a note may run on from the page before); otherwise it is body text in a smaller
    type (a table, a caption, an inventory)."""
    last_body = max((ln.top for ln in lines if abs(ln.size - frame.size) < 0.6 and not is_furniture(ln.text())),
                    default=0.0)
    zone = sorted((ln for ln in lines if ln.size < frame.size * 0.95 and ln.top > last_body), key=lambda ln: ln.top)
    if not zone:
        return
    starts = [re.match(r"\d{1,3}", ln.words[0].text) for ln in zone]
    if any(m and int(m.group()) in cited for m in starts):
        for ln in zone:
            ln.zone = "footnote"


def _columns(lines: list[_Line], frame: _Frame) -> list[_Line]:
    """Body lines in reading order. On a page set in two columns (a gutter that most lines leave free, with
    justified text ending at it) each band between full-width lines is read left column, then right."""
    ordered = sorted(lines, key=lambda ln: ln.top)
    gutter = _gutter(ordered, frame)
    if gutter is None:
        return ordered
    out: list[_Line] = []
    band: list[_Line] = []

    def flush() -> None:
        out.extend(sorted((ln for ln in band if ln.column == 1), key=lambda ln: ln.top))
        out.extend(sorted((ln for ln in band if ln.column == 2), key=lambda ln: ln.top))
        band.clear()

    for ln in ordered:
        if any(w.x0 < gutter < w.x1 for w in ln.words):  # a full-width line (a heading, a wide table)
            flush()
            out.append(ln)
            continue
        left = [w for w in ln.words if w.x1 <= gutter]
        right = [w for w in ln.words if w.x0 >= gutter]
        if left:
            band.append(_Line(left, ln.zone, 1))
        if right:
            band.append(_Line(right, ln.zone, 2))
    flush()
    return out


def _gutter(lines: list[_Line], frame: _Frame) -> float | None:
    width = frame.right - frame.left
    if width < 50 or len(lines) < 10:
        return None
    lo, hi = int(frame.left + 0.3 * width), int(frame.left + 0.7 * width)
    crossing_at = [0] * (hi - lo)  # per point of the middle band: how many lines have a word over it
    for ln in lines:
        covered: set[int] = set()
        for w in ln.words:
            covered.update(range(max(lo, int(w.x0) + 1), min(hi, int(w.x1) + 1)))
        for at in covered:
            crossing_at[at - lo] += 1
    crossing = min(crossing_at)
    x = float(lo + crossing_at.index(crossing))
    lefts = [[w for w in ln.words if w.x1 <= x] for ln in lines]
    rights = [[w for w in ln.words if w.x0 >= x] for ln in lines]
    left_ends = [max(w.x1 for w in ws) for ws in lefts if ws]
    right_starts = [min(w.x0 for w in ws) for ws in rights if ws]
    if crossing > 0.1 * len(lines) or len(left_ends) < 8 or len(right_starts) < 8:
        return None
    edge, start = _percentile(left_ends, 0.9), _percentile(right_starts, 0.1)
    # Running text fills its column: many lines of the left column end near the gutter. The cells of a table
    # end anywhere, and a table is read row by row.
    if sum(edge - end < 0.1 * width for end in left_ends) < 0.3 * len(left_ends):
        return None
    # Nor is a table whose rows start together on both sides: the columns of running text break into
    # paragraphs each at its own height.
    left_starts = _block_starts([ln.top for ln, ws in zip(lines, lefts, strict=True) if ws], frame)
    right_tops = _block_starts([ln.top for ln, ws in zip(lines, rights, strict=True) if ws], frame)
    later = left_starts[1:]  # both columns start at the top of the page: that says nothing
    shared = sum(any(abs(a - b) < 2 for b in right_tops) for a in later)
    if len(later) >= 3 and shared >= 0.75 * len(later):
        return None
    return (edge + start) / 2 if start > edge else x


def _block_starts(tops: list[float], frame: _Frame) -> list[float]:
    """The tops of lines that follow a vertical gap (a paragraph's or a cell's first line), the first included."""
    tops = sorted(tops)
    return [t for prev, t in zip([None, *tops], tops, strict=False) if prev is None or t - prev > 1.9 * frame.size]


def _headings(lines: list[_Line], frame: _Frame) -> set[int]:
    """Lines set as headings, by layout, not by a font's name: a run of at most three lines larger than the
    body or in a font of their own (bold, as a rule) that reads as a title, not a sentence; or a short line set
    apart from the text above and followed at once by longer body text."""
    out: set[int] = set()
    width = frame.right - frame.left
    i = 0
    while i < len(lines):
        style = _style(lines[i], frame)
        if style:
            j = i + 1
            while j < len(lines) and _style(lines[j], frame) == style and not _gap(lines[j - 1], lines[j]):
                j += 1
            run = lines[i:j]
            # set apart from the text above: a line inside a paragraph that an OCR layer sized larger is none
            apart = i == 0 or _set_apart(lines[i - 1], lines[i])
            if apart and len(run) <= 3 and _title(" ".join(r.text() for r in run)):
                out.update(id(r) for r in run)
            i = j
            continue
        ln = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if ((i == 0 or _gap(lines[i - 1], ln)) and nxt is not None and not _gap(ln, nxt)
                and ln.x1 - ln.x0 < 0.85 * width and nxt.x1 - nxt.x0 > 1.1 * (ln.x1 - ln.x0)
                and not re.search(r"[.,;:?!]$", ln.text()) and re.match(r"[A-Z0-9]", ln.text())
                # the text below starts a sentence of its own: a paragraph's first line runs on in lower case
                and re.match(r"[A-Z0-9“‘\"(]", nxt.text()) and not _NUMBERED.match(nxt.text())):
            out.add(id(ln))
        i += 1
    return out


def _style(ln: _Line, frame: _Frame) -> str:
    if ln.size > frame.size * 1.15:
        return "large"
    fonts = {w.font for w in ln.words}
    # one font throughout, not the body's, at body size at least (not the smaller type of notes)
    if len(fonts) == 1 and ln.size >= frame.size * 0.95 and fonts != {frame.font}:
        return "font:" + next(iter(fonts))
    return ""


def _set_apart(above: _Line, below: _Line) -> bool:
    """A vertical gap (`_gap`); or, above a line in a type over 1.15 of the line above it, a space wider than
    that line's leading. A heading in a larger type is set apart by less than `_gap` asks (1.9 of its own size,
    from top to top): "6. Maatregelen" in 23 pt stood 31 pt below an 11 pt line."""
    return _gap(above, below) or (below.size > above.size * 1.15
                                  and below.top - above.top > above.size + 0.9 * max(above.size, 6))


def _gap(above: _Line, below: _Line) -> bool:
    """A vertical space between two lines wider than the leading, or a new column."""
    return above.column != below.column or below.top - above.top > 1.9 * max(below.size, 6)


def _title(text: str) -> bool:
    """Reads as a heading: has letters, does not end mid-sentence or as a long sentence."""
    text = text.strip()
    return (any(c.isalpha() for c in text) and len(text) <= 200 and not text.endswith((",", ";"))
            and not (text.endswith(".") and len(text.split()) > 8))


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


# A superscript's box ends this share of the body size or more above the bottom of the word before it: set at
# about two thirds of the size and raised a third, markers stand 0.40-0.52 higher in every fixture PDF. Digits
# merely a size smaller and a little higher, a space before them (0.23-0.30: a Woo memo's "Op 26 juni"), are
# words of the sentence; glued to a word, digits raised at all are a marker, as before.
RAISED = 0.35
GLUED = 0.2  # of the body size: a gap below this is no space ("CO" + subscript "2")


def _superscripts(lines: list[_Line], body: float) -> None:
    """Footnote markers in a small raised font become "[n]" glued to the word before them; subscript digits
    ("CO2") are glued to it too; other digits in a small font stay words."""
    for ln in lines:
        words: list[Word] = []
        for w in ln.words:
            marks = re.findall(r"\d{1,3}", w.text)
            small = w.size < body * 0.8 and re.fullmatch(r"(\d{1,3},?)+", w.text)  # "1," "2" or "1,2"
            prev = words[-1] if words else None
            rise = prev.bottom - w.bottom if prev is not None else 0.0
            glued = prev is not None and w.x0 - prev.x1 < body * GLUED
            if small and prev and abs(prev.size - body) < 0.6 and (glued or rise >= body * RAISED):
                # glued to its word, any rise makes a marker ("beleid1" of a font with little descent);
                # with a space before it, only a superscript's
                raised = rise >= body * RAISED or rise > 1.0
                added = "".join(f"[{m}]" for m in marks) if raised else "".join(marks)
                words[-1] = Word(prev.text + added, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.font)
            elif words and w.text.startswith("-") and w.x0 - words[-1].x1 < 1.0:  # "CO2" + "-uitstoot"
                prev = words[-1]
                words[-1] = Word(prev.text + w.text, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.font)
            else:
                words.append(w)
        ln.words = words
