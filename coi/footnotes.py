"""Footnotes: find the footnote zone in the text, rejoin their URLs, and find the markers in the body.

Markers in the body are replaced by sentinels (`MARK_OPEN n MARK_CLOSE`) so that the genre parsers can keep
them through line joining and hand each passage the numbers it cites; `strip_marks` removes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coi.clean import join_lines
from coi.lines import MARK_CLOSE, MARK_OPEN, MARK_RE, Line
from coi.model import Footnote

# A footnote starts at the beginning of a line with its number and a space: "3 Institute for Peace ...".
_FN_START = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_MONTH_START = re.compile(
    r"^(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b", re.I
)
# Lines that start body structure again and so end a footnote zone.
_STRUCTURE = re.compile(r"^(Vraag|Vragen|Antwoord|Antwoorden)\s+\d", re.I)


@dataclass
class RawFootnote:
    """A footnote as found: its number and its lines (blank lines kept, they matter for URLs)."""

    n: int
    lines: list[str]
    page: int


def split_footnotes(lines: list[Line]) -> tuple[list[Line], list[RawFootnote]]:
    """Separate footnote blocks from the body.

    A footnote block starts with the next expected footnote number at the start of a line, after a blank line or
    at a page start, once the body since the previous footnote has a marker that can stand for it. It runs until
    the next page starts or body structure ("Vraag 3") resumes; blank lines inside it are kept, because long
    footnotes and URLs go on after them.
    """
    body: list[Line] = []
    notes: list[RawFootnote] = []
    expected = 1
    in_zone = False
    body_since = ""  # body text since the last footnote block, to look for a marker
    for i, line in enumerate(lines):
        text = line.text
        if line.zone == "footnote":  # the layout put it in the footnote zone (small type at the page bottom)
            m = _FN_START.match(text)
            if m and expected <= int(m.group(1)) <= expected + 3:
                notes.append(RawFootnote(int(m.group(1)), [m.group(2)], line.page))
                expected = int(m.group(1)) + 1
                continue
            if notes and notes[-1].page == line.page:
                notes[-1].lines.append(text)
                continue
            # small type that starts no footnote on its page (an annex set small, a table) is body text
            line = Line(text, line.page, line.page_start, line.heading)
        if in_zone and (line.page_start or _STRUCTURE.match(text) or _body_resumes(lines, i, notes[-1], expected)):
            in_zone = False
            body_since = ""
        m = _FN_START.match(text)
        if m and not _not_a_note(m.group(2)):
            n = int(m.group(1))
            after_blank = i == 0 or not lines[i - 1].text or line.page_start
            if in_zone and expected <= n <= expected + 2:
                notes.append(RawFootnote(n, [m.group(2)], line.page))
                expected = n + 1
                continue
            # without a blank line before it (text extracted without layout), only a digit marker glued to a
            # word in the body just before ("gaan?1") makes the line a footnote
            start_ok = after_blank or _has_digit_marker(body_since, n)
            if (not in_zone and start_ok and expected <= n <= expected + 1
                    and not _MONTH_START.match(m.group(2)) and _has_marker_for(body_since, n)):
                in_zone = True
                notes.append(RawFootnote(n, [m.group(2)], line.page))
                expected = n + 1
                continue
        if in_zone:
            notes[-1].lines.append(text)
            continue
        body.append(line)
        body_since += " " + text
    return body, notes


def _not_a_note(rest: str) -> bool:
    """What follows the number reads as body text or a table row, not as a footnote: a footnote starts with a
    capital, a quote, a URL or a reference, never with a lower-case word ("3 personen werden …") or an id
    ("2 846489 klacht x x", a row of an inventory table)."""
    if re.match(r"^(https?://|www\.)", rest):
        return False
    return rest[:1].islower() or re.match(r"^\d{5,}\b", rest) is not None


def _body_resumes(lines: list[Line], i: int, note: RawFootnote, expected: int) -> bool:
    """In text without a page layout, a footnote block ends at a blank line after which the next footnote
    number does not follow and the footnote does not go on (a URL piece, a lower-case continuation, a
    sentence left open): body text resumes there."""
    if i == 0 or lines[i - 1].text.strip() or not lines[i].text.strip():
        return False
    text = lines[i].text.strip()
    m = _FN_START.match(text)
    if m and int(m.group(1)) == expected:
        return False
    last = next((t.strip() for t in reversed(note.lines) if t.strip()), "")
    first = text.split()[0]
    goes_on = text[:1].islower() or bool(_URL_PIECE.match(first)) and ("/" in first or "." in first[:-1])
    return bool(last) and last[-1] in ".?!»”)" and not goes_on


_SYMBOL_MARKS = "!#°®*†‡§"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _has_digit_marker(text: str, n: int) -> bool:
    """A marker for n that only a footnote can be: digits glued to a word ("gaan?1") or "[n]"."""
    return re.search(rf"(?<=[A-Za-zÀ-ÿ?!.,;:)»”’]){n}(?!\d)(?![.,]\d)", text) is not None or re.search(
        rf"\[{n}\s?\]", text) is not None


def _has_marker_for(text: str, n: int) -> bool:
    """Anything that may be a marker for n, OCR's symbols included."""
    return (_has_digit_marker(text, n) or re.search(rf"(?<=[^\s\d]){n}(?!\d)", text) is not None
            or str(n).translate(_TO_SUPERSCRIPT) in text or any(c in text for c in _SYMBOL_MARKS))


# ---------------------------------------------------------------------------------------------------- URLs

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.I)
_URL_TAIL = ".,;:!?'\"»”’"
_CONTINUES = re.compile(r"[/\-_=&?#.]$")
_URL_PIECE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-._~/%?=&#+:;,@!$'()*]*$")


def join_footnote_lines(lines: list[str]) -> str:
    """One footnote's text, with URLs rejoined where a line break (or a blank line) cut them."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        last = out.split()[-1] if out.split() else ""
        first = line.split()[0]
        scheme_only = re.search(r"(https?://|www\.)$", last) is not None
        if (scheme_only or _in_url(last) and (_CONTINUES.search(last) or _url_goes_on(last, first))) and (
                _URL_PIECE.match(first) or first.startswith(("%", "-"))) and not _looks_like_word(first):
            out += line
        else:
            out = join_lines([out, line])
    return re.sub(r"\s+", " ", out).strip()


def _url_goes_on(last: str, first: str) -> bool:
    """A URL cut inside a word or an escape ("…/kamer" + "brief-over-…", "…Syri" + "%C3%AB%20juni…"): the URL
    does not end a sentence, and the next line starts with what only a URL holds (%, /, -, _, =, a dot inside)."""
    if last[-1] in _URL_TAIL or last.endswith(")"):
        return False
    # one hyphen is a word of the text ("en-route"), two or more a URL's slug ("brief-over-de-situatie")
    return first.startswith(("%", "-")) or re.search(r"[/%_=&]|\.\w|-\w*-", first) is not None


def _in_url(token: str) -> bool:
    return bool(_URL_RE.search(token))


def _looks_like_word(token: str) -> bool:
    """A plain word (a new sentence), rather than the rest of a URL."""
    return re.fullmatch(r"[A-Za-zÀ-ÿ]+[,.;:]?", token) is not None and not token[:1].islower()


def find_urls(text: str) -> tuple[str, ...]:
    """Every URL in a text, whole, without trailing punctuation; the scheme kept when given."""
    urls: list[str] = []
    for m in _URL_RE.finditer(text):
        url = m.group(0)
        while url and (url[-1] in _URL_TAIL or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        if url and url not in urls:
            urls.append(url)
    return tuple(urls)


def build_footnotes(raw: list[RawFootnote]) -> tuple[Footnote, ...]:
    """Footnote records from the raw blocks."""
    notes: list[Footnote] = []
    for r in raw:
        text = join_footnote_lines(r.lines)
        notes.append(Footnote(r.n, text, find_urls(text)))
    return tuple(notes)


# ------------------------------------------------------------------------------------------------- markers

# A digit marker is glued to what it annotates: a letter or closing punctuation ("Gurbanov2", "Bakoe?1",
# "gezondheid.4", "(CPT).8"), and is followed by a space, punctuation or the line end.
# The first digit is looked for first, and what stands before it checked behind it: a pattern that begins by
# looking behind is tried at every position of a line.
_DIGIT_MARK = re.compile(r"(\d(?<=[A-Za-zÀ-ÿ?!.,;:)\]»”’'\"]\d)\d{0,2})(?=[\s,;:)?!]|\.(?!\d)|$|(?<=[.?!]\d)[A-Z]"
                         r"|(?<=[.?!]\d\d)[A-Z])")
# "juli 20235": a marker glued to a year, in text extracted without layout; taken only where the sequence
# expects exactly that number
_YEAR_MARK = re.compile(r"\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                        r"december)\s+((?:19[5-9]|20[0-4])\d)(\d{1,2})(?=[\s,;:)?!]|\.(?!\d)|$)", re.I)
_MORE_MARKS = re.compile(r",\s?(\d{1,3})(?=[\s,;:)?!.]|$)")  # "?1, 2": a second marker after the first
_BRACKET_MARK = re.compile(r"\[(\d{1,3})\s?\]")
_SYMBOL_MARK = re.compile(r"(?<=[A-Za-zÀ-ÿ.,;:)»”])([!#°®*†‡§])(?=[\s,;:)]|$)")
_SUPER_MARK = re.compile(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})(?=[\s,;:.)]|$)")
# a character every marker above holds: a digit, a superscript digit or a symbol (a new kind of marker adds the
# characters it needs here, or mark_footnotes passes over the lines that hold it)
_MARK_CHAR = re.compile(r"[\d⁰¹²³⁴⁵⁶⁷⁸⁹!#°®*†‡§]")


@dataclass(frozen=True)
class _Hit:
    line: int
    start: int
    end: int
    n: int | None  # None: a symbol that may stand for a footnote


def mark_footnotes(lines: list[Line], numbers: set[int]) -> list[Line]:
    """Replace footnote markers in body lines by sentinels, following the footnote sequence.

    Digit markers are taken in document order, each one a footnote number at or just after the last one taken.
    Markers that OCR turned into symbols ("Azerbeidzjan.!", "c.s.#") are taken for missing numbers only where the
    count of symbols between two known markers equals the count of numbers missing there.
    """
    if not numbers:
        return lines
    hits: list[_Hit] = []
    expected = min(numbers)
    for i, line in enumerate(lines):
        if not _MARK_CHAR.search(line.text):
            continue  # most lines hold no marker at all: one search instead of five
        found: list[_Hit] = []
        for m in _BRACKET_MARK.finditer(line.text):
            found.append(_Hit(i, m.start(), m.end(), int(m.group(1))))
        for m in _SUPER_MARK.finditer(line.text):
            found.append(_Hit(i, m.start(), m.end(), int(m.group(1).translate(_SUPERSCRIPTS))))
        for m in _DIGIT_MARK.finditer(line.text):
            if _is_number_in_text(line.text, m.start()):
                continue
            found.append(_Hit(i, m.start(), m.end(), int(m.group(1))))
            pos = m.end()
            while more := _MORE_MARKS.match(line.text, pos):
                found.append(_Hit(i, more.start(), more.end(), int(more.group(1))))
                pos = more.end()
        for m in _SYMBOL_MARK.finditer(line.text):
            found.append(_Hit(i, m.start(), m.end(), None))
        for m in _YEAR_MARK.finditer(line.text):
            if int(m.group(2)) == expected:
                found.append(_Hit(i, m.start(2), m.end(2), int(m.group(2))))
        for hit in sorted(found, key=lambda h: h.start):
            if hit.n is None:
                hits.append(hit)
            elif hit.n in numbers and expected <= hit.n <= expected + 2:
                hits.append(hit)
                expected = hit.n + 1
    taken = _resolve_symbols(hits, numbers)
    by_line: dict[int, list[tuple[_Hit, int]]] = {}
    for hit, n in taken:
        by_line.setdefault(hit.line, []).append((hit, n))
    out = list(lines)
    for i, marks in by_line.items():
        text = out[i].text
        for hit, n in sorted(marks, key=lambda x: x[0].start, reverse=True):
            # "gesproken.3Toekomstige": the marker stood between two sentences; they keep a space
            space = " " if text[hit.end: hit.end + 1].isalpha() else ""
            text = text[: hit.start] + f"{MARK_OPEN}{n}{MARK_CLOSE}{space}" + text[hit.end:]
        out[i] = Line(text, out[i].page, out[i].page_start, out[i].heading, out[i].zone)
    return out


def _is_number_in_text(text: str, start: int) -> bool:
    """Digits after "281." are part of a number ("artikel 281.2"); after a year ("2020.3") they are a marker."""
    if start >= 2 and text[start - 1] in ".," and text[start - 2].isdigit():
        number = re.search(r"(\d+)[.,]$", text[:start])
        return not (number and re.fullmatch(r"(19|20)\d\d", number.group(1)))
    return False


def _resolve_symbols(hits: list[_Hit], numbers: set[int]) -> list[tuple[_Hit, int]]:
    taken: list[tuple[_Hit, int]] = [(h, h.n) for h in hits if h.n is not None]
    missing = sorted(numbers - {n for _, n in taken})
    if not missing:
        return taken
    # Windows between consecutive known markers (and the document's start and end).
    order = sorted(hits, key=lambda h: (h.line, h.start))
    lower = 0
    window: list[_Hit] = []
    for hit in [*order, None]:
        if hit is None or hit.n is not None:
            upper = hit.n if hit is not None and hit.n is not None else max(numbers) + 1
            gap = [n for n in missing if lower < n < upper]
            if gap and len(gap) == len(window):
                taken.extend(zip(window, gap, strict=True))
            if hit is not None and hit.n is not None:
                lower = hit.n
            window = []
        else:
            window.append(hit)
    return taken


def strip_marks(text: str) -> tuple[str, tuple[int, ...]]:
    """Text without sentinels, and the footnote numbers they carried, in order of appearance."""
    numbers: list[int] = []
    for m in MARK_RE.finditer(text):
        n = int(m.group(1))
        if n not in numbers:
            numbers.append(n)
    return MARK_RE.sub("", text), tuple(numbers)
