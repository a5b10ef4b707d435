"""Rendering in one place: documents, passages, hits and citations as terminal text, Markdown and HTML pieces.

The CLI (`coi show`) and the web page (`coi serve`, through the Jinja templates in coi/templates) both render from
here, so what a reader sees cannot drift between them. HTML is built only from escaped text: a document is data,
never markup, whatever it contains.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from markupsafe import Markup, escape

from coi.model import Document, Footnote, Passage

if TYPE_CHECKING:
    from coi.cite import Citation

READING_WIDTH = 100  # wider lines are hard to read, whatever the terminal
MARK_RE = re.compile(r"\*\*(.+?)\*\*")  # how search snippets mark a match (coi.search.MARK)
SAFE_SCHEMES = ("http://", "https://")


# ---------------------------------------------------------------------------------------------- the terminal

def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 passage", "2 passages" (`many` for a plural that is not word + "s")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def page_note(total: int, page: int, limit: int, shown: int) -> str | None:
    """What to say when a page past the end was asked for (the CLI and the page say the same)."""
    if shown or not total or page <= 1:
        return None
    pages = -(-total // limit)
    fill = "fills" if total == 1 else "fill"
    return f"Page {page} is past the end: {plural(total, 'passage')} {fill} {plural(pages, 'page')}."


def use_color(stream: TextIO) -> bool:
    """Colour and bold only for a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def terminal_width() -> int:
    """The width to wrap to: the terminal's (or $COLUMNS), at most READING_WIDTH, 80 when unknown."""
    columns = shutil.get_terminal_size(fallback=(80, 24)).columns
    return max(40, min(columns, READING_WIDTH))


@dataclass(frozen=True)
class Style:
    """How to emphasise in text output: ANSI bold and dim on a colour terminal, nothing otherwise."""

    color: bool = False

    def bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color and text else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.color and text else text


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """Text wrapped to `width`, paragraph by paragraph (a blank line separates paragraphs in passage text)."""
    out: list[str] = []
    first_indent = indent if first is None else first
    for i, para in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        if i:
            out.append(indent.rstrip())
        out += textwrap.wrap(" ".join(para.split()), width=width, initial_indent=first_indent if i == 0 else indent,
                             subsequent_indent=indent, break_long_words=False, break_on_hyphens=False) or [""]
    return out


def header_fields(doc: Document) -> list[tuple[str, str]]:
    """The metadata a reader checks before citing, as (label, value) pairs, in reading order."""
    fields: list[tuple[str, str]] = [("type", doc.doc_type.value), ("date", doc.date.isoformat() if doc.date
                                                                    else "z.d."), ("id", doc.doc_id)]
    fields += [(key, value) for key, value in doc.identifiers.items()]
    fields += [(key, value.isoformat()) for key, value in doc.dates.items() if value and value != doc.date]
    for person in doc.people:
        bits = [person.name, f"({person.party})" if person.party else "", f"[{person.office}]" if person.office else ""]
        fields.append((person.role, " ".join(b for b in bits if b)))
    if doc.source:
        fields.append(("source", doc.source))
    if doc.countries:
        fields.append(("countries", ", ".join(doc.countries)))
    if doc.source_path:
        fields.append(("file", doc.source_path))
    if doc.source_url:
        fields.append(("url", doc.source_url))
    return fields


def footnote_line(f: Footnote) -> str:
    """A footnote as one line of text, its URLs shown whole even where the text abbreviates them."""
    missing = [u for u in f.urls if u not in f.text]
    return " ".join([f.text, *(f"<{u}>" for u in missing)])


def _passage_text(p: Passage, width: int, style: Style, marked: bool = False) -> list[str]:
    gutter = "> " if marked else ""
    title = f"{p.locator}" + (f"  [{p.id}]" if marked else "")
    out = [gutter + style.bold(title)]
    if p.heading:
        out += [style.dim(line) for line in wrap(p.heading, width, gutter)]
    out += wrap(p.text, width, gutter)
    if p.footnotes:
        out.append(gutter + style.dim("notes: " + ", ".join(map(str, p.footnotes))))
    if p.ocr:
        out.append(gutter + style.dim(ocr_note(p)))
    return out


def ocr_note(p: Passage) -> str:
    """What a reader must know of a passage read from a scan: "read by OCR (confidence 91)"."""
    confidence = f" (confidence {p.ocr_confidence:.0f})" if p.ocr_confidence is not None else ""
    return f"read by OCR{confidence}: check the wording against the scan before quoting it"


def document_text(doc: Document, width: int, style: Style = Style(), anchor: str | None = None,
                  context: int = 1) -> str:
    """The reading view of a document: a header, every passage in full under its locator and heading, and the
    footnotes with their URLs. With `anchor`: only that passage (marked with "> ") and `context` passages before
    and after it, and only the footnotes those passages cite."""
    out: list[str] = []
    passages: Sequence[Passage] = doc.passages
    if anchor is not None:
        at = next((i for i, p in enumerate(doc.passages) if p.anchor == anchor), None)
        if at is None:
            raise ValueError(f"{doc.doc_id} has no passage {anchor!r}")
        passages = doc.passages[max(0, at - context): at + context + 1]
    out += wrap(doc.title or doc.doc_id, width) if anchor is None else []
    if anchor is None:
        out[:] = [style.bold(line) for line in out]
        label_width = max(len(label) for label, _ in header_fields(doc))
        for label, value in header_fields(doc):
            out += wrap(value, width, " " * (label_width + 4), f"  {label:<{label_width}}  ")
        out.append("  " + plural(len(doc.passages), "passage") + ", " + plural(len(doc.footnotes), "footnote"))
    for p in passages:
        if out:
            out.append("")
        out += _passage_text(p, width, style, marked=p.anchor == anchor)
    cited = {n for p in passages for n in p.footnotes}
    notes = [f for f in doc.footnotes if anchor is None or f.n in cited]
    if notes:
        out += ["", style.bold("Footnotes")]
        for f in notes:
            out += wrap(footnote_line(f), width, " " * (len(str(f.n)) + 4), f"  {f.n}. ")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------- Markdown

def _md_escape(text: str) -> str:
    """Text that Markdown shows as it is: its markup characters (and any HTML) escaped."""
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", text)


def document_markdown(doc: Document, anchor: str | None = None) -> str:
    """The document (or, with `anchor`, that passage and its footnotes) as Markdown, for a memo or a decision."""
    passages = [p for p in doc.passages if anchor is None or p.anchor == anchor]
    out = [f"# {_md_escape(doc.title or doc.doc_id)}", ""]
    out += [f"- **{label}**: {_md_escape(value)}" for label, value in header_fields(doc)]
    for p in passages:
        out += ["", f"## {_md_escape(p.locator)}"]
        if p.heading:
            out += ["", f"*{_md_escape(p.heading)}*"]
        out += ["", _md_escape(p.text)]
        if p.footnotes:
            out += ["", "Notes: " + ", ".join(f"[^{n}]" for n in p.footnotes)]
    cited = {n for p in passages for n in p.footnotes}
    notes = [f for f in doc.footnotes if f.n in cited]
    if notes:
        out.append("")
        out += [f"[^{f.n}]: {_md_escape(footnote_line(f))}" for f in notes]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------- HTML

def snippet_html(snippet: str) -> Markup:
    """A search snippet as HTML: the text escaped first, then its **match** marks turned into <mark>."""
    return Markup(MARK_RE.sub(r"<mark>\1</mark>", str(escape(snippet))))


def text_html(text: str) -> Markup:
    """Passage text as escaped HTML paragraphs."""
    paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return Markup("".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paras))


def safe_url(url: str) -> str | None:
    """The URL if a browser may follow it (http or https only: never javascript:, data: or file:), else None."""
    stripped = url.strip()
    return stripped if stripped.lower().startswith(SAFE_SCHEMES) else None


def link_html(url: str) -> Markup:
    """A URL as a link that leaves the page without telling the target where it came from; text if unsafe."""
    safe = safe_url(url)
    if safe is None:
        return Markup(escape(url))
    return Markup('<a href="{0}" rel="noopener noreferrer nofollow">{1}</a>').format(safe, url)


def footnote_html(f: Footnote) -> Markup:
    """A footnote's text, escaped, with each of its http(s) URLs a link where it stands (or after the text)."""
    text = f.text
    pieces: list[Markup] = []
    rest = text
    for url in sorted(set(f.urls), key=lambda u: text.find(u)):
        at = rest.find(url)
        if at < 0:
            continue
        pieces += [Markup(escape(rest[:at])), link_html(url)]
        rest = rest[at + len(url):]
    pieces.append(Markup(escape(rest)))
    pieces += [Markup(" ") + link_html(u) for u in f.urls if u not in text]
    return Markup("").join(pieces)


@dataclass(frozen=True)
class Bar:
    """One bar of the year chart."""

    label: str
    count: int
    x: int
    y: int
    height: int
    href: str


def year_chart(counts: dict[str, int], href: Iterable[tuple[str, str]], height: int = 80,
               width: int = 260) -> Markup:
    """Matches per year as a small SVG bar chart made on the server (no script, no chart library); each bar is a
    link (`href`: year -> address) and says its count in a tooltip. Years without matches between the first and
    the last are drawn empty, so that a gap in time reads as one."""
    years = sorted(int(y) for y in counts if y.isdigit())
    if not years:
        return Markup("")
    links = dict(href)
    top = max(counts.values())
    span = range(years[0], years[-1] + 1)
    step = max(3, min(30, width // len(span)))  # room per year: a 4-digit label needs about 26 pixels
    bar = step - max(1, step // 5)
    every = 1 if step >= 26 else 5  # fewer labels, as 'YY, when they would overlap
    label_h = 14
    bars: list[Bar] = []
    for i, year in enumerate(span):
        n = counts.get(str(year), 0)
        h = round(height * n / top) if n else 0
        bars.append(Bar(str(year), n, i * step, height - h, h, links.get(str(year), "")))
    total = len(bars) * step
    parts = [Markup('<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" '
                    'viewBox="0 0 {0} {1}"><title>{2}</title>').format(total, height + label_h,
                                                                      "matches per year")]
    for b in bars:
        rect = Markup('<rect x="{0}" y="{1}" width="{2}" height="{3}"><title>{4}: {5}</title></rect>').format(
            b.x, b.y, bar, max(b.height, 1), b.label, plural(b.count, "passage"))
        if b.count and b.href:
            rect = Markup('<a href="{0}">{1}</a>').format(b.href, rect)
        parts.append(rect)
        if int(b.label) % every == 0:
            parts.append(Markup('<text x="{0}" y="{1}" font-size="9" text-anchor="middle">{2}</text>').format(
                b.x + bar / 2, height + label_h - 2, b.label if every == 1 else "\u2019" + b.label[-2:]))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def citation_formats() -> dict[str, tuple[str, str]]:
    """The downloadable citation formats: name -> (file extension, media type)."""
    return {"csl-json": ("json", "application/vnd.citationstyles.csl+json"),
            "bibtex": ("bib", "application/x-bibtex"),
            "ris": ("ris", "application/x-research-info-systems")}


def citation_block(c: Citation) -> str:
    """The text a "copy citation" button copies: the full Dutch citation."""
    return c.full
