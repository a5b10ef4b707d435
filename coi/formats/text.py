"""Plain text and Markdown: decode safely, mark page breaks, strip Markdown markup."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from coi.errors import InputError
from coi.lines import Extracted, Line

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_LINK = re.compile(r"\[([^\]\n]*)\]\((?:[^)\s]+)\)")
_SUPERSCRIPT_LETTERS = re.compile(r"\[([a-z]{1,2})\s?\]")  # "11[e ]" in Markdown conversions: an ordinal
_PAGE_RULE = re.compile(r"^\s*-{3,}\s*$")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))  # what text files do not hold
_PDFTOTEXT_PAGE = re.compile(r"^ \S")
MAX_BYTES = 50 * 2**20  # a text document this large is not one document
MAX_LINE = 200_000  # characters: a longer line is minified or machine data, not prose


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or an InputError that names it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found (removed while coi was reading?)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a document") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return data


def decode(data: bytes, path: Path) -> tuple[str, tuple[str, ...]]:
    """Text from bytes: UTF-8 (with or without BOM), else Windows-1252, else Latin-1, with a warning."""
    if not data.strip():
        raise InputError(f"{path}: empty file")
    head = data[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.1:
        raise InputError(f"{path}: binary data, not text (is it another format with a wrong name?)")
    warnings: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            encoding = "Windows-1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "Latin-1"
        warnings = (f"{path}: not UTF-8; read as {encoding}",)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text, warnings


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    # bytes.translate deletes them in C; counting them byte by byte in Python cost a quarter of reading a text
    control = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return control / len(data)


def to_lines(text: str, markdown: bool) -> tuple[list[Line], bool]:
    """Lines with page breaks marked. Returns the lines and whether the text had explicit page breaks.

    Text extracted from PDFs marks a new page by a form feed, by a Markdown rule, by a run of three or more
    blank lines, or (pdftotext-style) by a line that starts with a single space.
    """
    lines: list[Line] = []
    page = 1
    pending_break = False
    explicit = False
    blank_run = 0
    has_text = False  # whether a line with text came yet (a page break before the first one starts no page)
    for raw in text.replace("\f", "\n\f").split("\n"):  # a form feed starts a line (and a page)
        if "\f" in raw:
            explicit = True
            pending_break = True
            raw = raw.replace("\f", "")
        if markdown and _PAGE_RULE.match(raw):
            explicit = True
            pending_break = True
            continue
        if not raw.strip():
            blank_run += 1
            if blank_run >= 3:
                pending_break = True
            lines.append(Line("", page))
            continue
        heading = 0
        body = raw
        if markdown:
            body, heading = _strip_markdown(body)
            if not body.strip():
                lines.append(Line("", page))
                continue
        starts_new_page = pending_break or (lines != [] and _PDFTOTEXT_PAGE.match(raw) is not None)
        if starts_new_page and has_text:
            page += 1
        lines.append(Line(body.strip(), page, page_start=starts_new_page, heading=heading))
        has_text = True
        pending_break = False
        blank_run = 0
    return lines, explicit


def _strip_markdown(line: str) -> tuple[str, int]:
    heading = 0
    m = _HEADING.match(line.strip())
    if m:
        heading = len(m.group(1))
        line = m.group(2)
    line = _LINK.sub(r"\1", line)
    line = line.replace("**", "").replace("__", "")
    line = _SUPERSCRIPT_LETTERS.sub(r"\1", line)
    return line.rstrip(), heading


def looks_like_markdown(text: str, path: Path) -> bool:
    """Markdown by suffix, or by the markup a conversion leaves (headings, bold, rules)."""
    if path.suffix.lower() in (".md", ".markdown"):
        return True
    # each mark only where its characters are (one pattern of three alternatives, each anchored at a line start,
    # was tried at every position of the text: a tenth of reading a text file)
    return bool(("#" in text and _MD_HEADING.search(text)) or ("**" in text and _MD_BOLD.search(text))
                or ("-----" in text and _MD_RULE.search(text)))


_MD_HEADING = re.compile(r"^#{1,6} \S", re.MULTILINE)
_MD_BOLD = re.compile(r"\*\*\S")
_MD_RULE = re.compile(r"^-{5,}\s*$", re.MULTILINE)


def read(path: Path) -> Extracted:
    """Read a .txt or .md document."""
    data = read_bytes(path)
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: {len(data) // 2**20} MB of text is too large for one document; split it")
    text, warnings = decode(data, path)
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > MAX_LINE:
        raise InputError(f"{path}: a single line of {longest:,} characters; not a document (minified or data?)")
    lines, explicit = to_lines(text, looks_like_markdown(text, path))
    return Extracted(lines=lines, paged="\f" in text, warnings=warnings)
