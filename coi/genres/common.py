"""What the genre parsers share: drafts of passages, numbered sections, paragraphs and headings, signatures."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from coi.clean import FUNCTION_WORDS, TERMINAL, Block, blocks, continues, join_lines, visible
from coi.lines import Line
from coi.model import Person


@dataclass
class Draft:
    """A passage before it gets its document id: text still carries footnote sentinels."""

    anchor: str
    locator: str
    heading: str | None
    text: str
    pages: tuple[int, ...] = ()
    questions: tuple[str, ...] = ()


@dataclass
class GenreResult:
    """What a genre parser found: passages and the metadata the text holds."""

    drafts: list[Draft]
    title: str | None = None
    date_text: str | None = None
    dates: dict[str, str] = field(default_factory=dict)  # name -> date text, parsed by the caller
    identifiers: dict[str, str] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    source: str | None = None
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ sections

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.{0,150})$")
_LIST_ITEM = re.compile(r"^\s*(?:[-•–▪●◦\uf0b7\uf0a7]|\d{1,2}[.)]|[a-z][.)])\s+")
_BULLET = re.compile(r"^\s*[•▪●◦\uf0b7\uf0a7]\s*")  # bullet glyphs (some from Symbol fonts) become "- "


@dataclass
class Section:
    """A numbered (or known unnumbered) section: its number, title and body lines."""

    number: str | None
    title: str
    lines: list[Line]
    start: int  # index of the heading line


def _valid_next(current: tuple[int, ...] | None, candidate: tuple[int, ...]) -> bool:
    if current is None:
        return candidate in ((1,), (0,))
    # a first child, or the next sibling at this level or any level above
    siblings = {current[: depth - 1] + (current[depth - 1] + 1,) for depth in range(1, len(current) + 1)}
    return candidate == current + (1,) or candidate in siblings


def heading_title_ok(title: str, marked: bool = False) -> bool:
    """A section title is short and does not read as a sentence or a list item; a title the format marks as a
    heading (Markdown, a bold font) may be long."""
    t = visible(title).strip()
    if not t or t[-1] in TERMINAL + "," or (not marked and len(t.split()) > 25):
        return False
    return t[0].isupper() or t[0].isdigit()


def _in_list(lines: list[Line], i: int) -> bool:
    """A numbered line next to another numbered line (blank lines aside) is a list item, not a heading."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j].text:
            j += step
        if 0 <= j < len(lines) and re.match(r"^\d{1,2}[.)]\s", visible(lines[j].text).strip()):
            return True
    return False


def find_sections(lines: list[Line], known: Collection[str] = ()) -> list[Section]:
    """Numbered sections in sequence ("1.", "4.3.5"), and unnumbered headings from `known` (lower case).

    Where the format knows fonts (PDF, Markdown), a numbered section's title must be set as a heading; a title
    that runs on over more heading lines is joined.
    """
    sections: list[Section] = []
    current: tuple[int, ...] | None = None
    fonts = any(line.heading for line in lines)
    continued = False
    for i, line in enumerate(lines):
        text = visible(line.text).strip()
        if continued and line.heading and text and not _NUMBERED.match(text):
            sections[-1].title = join_lines([sections[-1].title, text])
            continue
        continued = False
        m = _NUMBERED.match(text)
        # set as a heading; or, where nothing is set by font, not one item of a numbered list
        plausible = line.heading or not fonts and not _in_list(lines, i)
        if m and plausible and heading_title_ok(m.group(2), bool(line.heading)):
            number = tuple(int(p) for p in m.group(1).split("."))
            if _valid_next(current, number):
                current = number
                sections.append(Section(".".join(map(str, number)), m.group(2).strip(), [], i))
                continued = bool(line.heading)
                continue
        if text.lower().rstrip(":") in known:
            sections.append(Section(None, text.rstrip(":"), [], i))
            continue
        if sections:
            sections[-1].lines.append(line)
    return sections


def section_text(lines: list[Line]) -> str:
    """A section's text: paragraphs split by a page or a side column joined again, list items on their lines."""
    parts: list[str] = []
    for block in merged_blocks(lines):
        parts.append(_block_text(block))
    return "\n\n".join(p for p in parts if p)


def _block_text(block: Block) -> str:
    items: list[list[str]] = []
    for line in block.lines:
        if _LIST_ITEM.match(line.text) or not items:
            items.append([line.text])
        else:
            items[-1].append(line.text)
    return "\n".join(_BULLET.sub("- ", join_lines(item)) for item in items)


def merged_blocks(lines: list[Line]) -> list[Block]:
    """Blocks, with a block that a page break or side column cut mid-sentence joined to its rest."""
    out: list[Block] = []
    for block in blocks(lines):
        if out and continues(out[-1].lines[-1].text, block.first) and not _LIST_ITEM.match(block.first):
            out[-1] = Block(out[-1].lines + block.lines)
        else:
            out.append(block)
    return out


# ---------------------------------------------------------------------------------------------- paragraphs

_DATE_LINE = re.compile(r"^(Den Haag|’s-Gravenhage|'s-Gravenhage|Rijswijk|Utrecht),?\s+\d{1,2}\s+\w+\s+\d{4}$")
_SIGNATURE = re.compile(
    r"^(De|Het)\s+(Minister|Staatssecretaris|Minister-President|Directeur|Secretaris-Generaal|Plaatsvervangend)"
    r"\b.*,$|^(Hoogachtend|Met vriendelijke groet)\b.*,?$",
    re.I,
)


def is_heading_block(block: Block) -> bool:
    """An unnumbered heading: one short line, capitalised, no closing punctuation, not cut off mid-phrase."""
    if len(block.lines) != 1:
        return False
    if block.lines[0].heading:
        return True
    text = visible(block.first).strip()
    words = re.findall(r"[\wÀ-ÿ'’-]+", text)
    if not words or len(words) > 10 or len(text) > 80:
        return False
    if text[-1] in TERMINAL + ",)" or not text[0].isupper() or _DATE_LINE.match(text):
        return False
    return words[-1].lower() not in FUNCTION_WORDS


def is_list_item(text: str) -> bool:
    """A bullet or enumerated item."""
    return _LIST_ITEM.match(text) is not None


def paragraph_drafts(lines: list[Line], start_heading: str | None = None) -> list[Draft]:
    """Passages per paragraph under its heading: anchors alinea-N; headings are not passages; list items stay
    with the paragraph that introduces them."""
    drafts: list[Draft] = []
    heading = start_heading
    for block in merged_blocks(lines):
        if is_heading_block(block):
            heading = visible(block.text)
            continue
        text = _block_text(block)
        if drafts and is_list_item(block.first) and visible(drafts[-1].text).rstrip().endswith((":", ";")):
            last = drafts[-1]
            last.text += "\n" + text
            last.pages = tuple(sorted(set(last.pages) | set(block.pages)))
            continue
        n = len(drafts) + 1
        drafts.append(Draft(f"alinea-{n}", f"alinea {n}", heading, text, block.pages))
    return drafts


def split_signatures(lines: list[Line]) -> tuple[list[Line], list[Person]]:
    """Cut the closing signatures ("De Minister van Buitenlandse Zaken," and a name) off the body."""
    people: list[Person] = []
    cut = len(lines)
    said = False  # a signature closes text: before any sentence, "de minister van ...," is an addressee
    for i, line in enumerate(lines):
        text = visible(line.text).strip()
        if said and _SIGNATURE.match(text):
            cut = i
            break
        said = said or len(text.split()) >= 8
    tail = lines[cut:]
    office: str | None = None
    for line in tail:
        text = visible(line.text).strip()
        if not text:
            continue
        if re.match(r"^(Hoogachtend|Met vriendelijke groet)", text, re.I):
            continue
        if _SIGNATURE.match(text):
            if office:
                people.append(Person(name="", role="ondertekenaar", office=office))
            office = _office_case(re.sub(r"^(De|Het)\s+", "", text.rstrip(","), flags=re.I).strip())
        elif office and re.match(r"^[A-Z][\w.\-’' ]+$", text) and len(text) < 60:
            people.append(Person(name=text, role="ondertekenaar", office=office))
            office = None
    if office:
        people.append(Person(name="", role="ondertekenaar", office=office))
    return lines[:cut], people


_BODY_START = re.compile(r"^(Directoraat-Generaal|Ministerie van|Kabinet|Directie)\b", re.I)
_BODY_STOP = re.compile(r"^(Directie|Afdeling|Portefeuille|Postbus|\d)")


def _office_case(office: str) -> str:
    """ "MINISTER VAN INFRASTRUCTUUR EN WATERSTAAT" -> "Minister van Infrastructuur en Waterstaat"."""
    if not office.isupper():
        return office
    small = {"van", "en", "voor", "der", "de", "het"}
    return " ".join(w.lower() if w.lower() in small and i else w.capitalize() for i, w in enumerate(office.split()))


def issuing_body(texts: list[str]) -> str | None:
    """The directorate or office in a letterhead ("Directoraat-Generaal" "Migratie" -> one name)."""
    for i, text in enumerate(texts):
        if not _BODY_START.match(text):
            continue
        name = [text]
        for nxt in texts[i + 1: i + 4]:
            unfinished = name[-1].lower() in ("directoraat-generaal", "ministerie van") or re.search(
                r"\b(en|van|voor|der)$", name[-1])
            if not unfinished or _BODY_STOP.match(nxt):
                break
            name.append(nxt)
        return join_lines(name)
    return None
