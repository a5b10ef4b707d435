"""What the genre parsers share: drafts of passages, numbered sections, paragraphs and headings, signatures."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from coi.clean import FUNCTION_WORDS, TERMINAL, Block, blocks, continues, join_lines, visible
from coi.lines import Line
from coi.model import Person


class LineStart:
    """A pattern that matches at the start of a line of a text (as `^…` in MULTILINE mode), and a search for it
    that is fast: at the start of the text, then after each newline. A search for `^…` tries every position of
    the text (a whole document, in genre detection); one for a newline first skips to the next line in C."""

    def __init__(self, body: str, flags: int = 0) -> None:
        self.pattern = re.compile(f"^(?:{body})", flags | re.M)
        self._after_newline = re.compile(f"\n(?:{body})", flags | re.M)

    def search(self, text: str) -> bool:
        """Whether some line of `text` starts with the pattern (what `self.pattern.search(text)` says)."""
        return self.pattern.match(text) is not None or self._after_newline.search(text) is not None


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
    # for the coverage check: header lines read as metadata, and lines dropped on purpose (rule, text)
    metadata_lines: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)


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


def _in_list(lines: list[Line], i: int, toc: Collection[int] = ()) -> bool:
    """A numbered line next to another numbered line (blank lines aside; a table of contents aside) is a list
    item, not a heading."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j].text:
            j += step
        if 0 <= j < len(lines) and j not in toc and re.match(r"^\d{1,2}[.)]\s", visible(lines[j].text).strip()):
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
    skip = -1
    toc = _table_of_contents(lines)
    for i, line in enumerate(lines):
        if i == skip:
            continue
        if i in toc:  # a contents entry ("4. Beoordeling 12") is text of the section it stands in
            if sections:
                sections[-1].lines.append(line)
            continue
        text = visible(line.text).strip()
        if continued and line.heading and text and not _NUMBERED.match(text):
            sections[-1].title = join_lines([sections[-1].title, text])
            continue
        continued = False
        nxt = _title_after_number(lines, i)
        if nxt is not None:  # "4.2.1" on a line of its own, its title on the next
            text, line, skip = f"{text} {visible(lines[nxt].text).strip()}", lines[nxt], nxt
        m = _NUMBERED.match(text)
        # set as a heading; or, where nothing is set by font, not one item of a numbered list (asked only of a
        # numbered line: looking at the neighbours of every line cost more than the rest of this loop)
        if m and (line.heading or not fonts and not _in_list(lines, i, toc)) and heading_title_ok(
                m.group(2), bool(line.heading)):
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


def _table_of_contents(lines: list[Line]) -> set[int]:
    """Lines of a table of contents: three or more numbered titles in a row that end in page numbers that do not
    go down ("1. Inleiding 3", "2. Feiten 5", …, dot leaders or not)."""
    entries: list[tuple[int, int]] = []  # (line index, page number) of the current run
    found: set[int] = set()
    for i, line in enumerate(lines):
        text = visible(line.text).strip()
        if not text:
            continue
        m = re.match(r"^\d{1,2}(?:\.\d{1,2}){0,4}\.?\s+\S.*?[\s.…]+(\d{1,3})$", text)
        if m and (not entries or int(m.group(1)) >= entries[-1][1]):
            entries.append((i, int(m.group(1))))
            continue
        if len(entries) >= 3:
            found.update(i for i, _ in entries)
        entries = [(i, int(m.group(1)))] if m else []
    if len(entries) >= 3:
        found.update(i for i, _ in entries)
    return found


_BARE_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,4}\.?|\d{1,2}\.")


def _title_after_number(lines: list[Line], i: int) -> int | None:
    """The index of the title line after a bare section number ("4.2.1" alone, the title on the next line)."""
    if not _BARE_NUMBER.fullmatch(visible(lines[i].text).strip()):
        return None
    j = i + 1
    if j < len(lines) and lines[j].text.strip() and heading_title_ok(visible(lines[j].text).strip()):
        return j
    return None


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
        if out and not _LIST_ITEM.match(block.first) and (
                continues(out[-1].lines[-1].text, block.first) or _cut_by_page(out[-1], block)):
            out[-1] = Block(out[-1].lines + block.lines)
        else:
            out.append(block)
    return out


def _cut_by_page(before: Block, block: Block) -> bool:
    """Whether a page break cut a paragraph: the page before ended in a full line of prose with no sentence end
    ("... werk ik aan een Nationale" | "Technologiestrategie, die ..."), and this page goes on with no heading."""
    first, last = block.lines[0], before.lines[-1]
    if not first.page_start or first.heading or last.heading or len(before.lines) < 2:
        return False
    # a list's last item without a full stop; a heading where no font marks one (a text file's "Conclusie")
    if any(_LIST_ITEM.match(line.text) for line in before.lines) or (
            len(block.lines) == 1 and is_heading_block(block)):
        return False
    text = visible(last.text).rstrip()
    return bool(text) and text[-1].isalpha() and len(text.split()) >= 6


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
    if text[-1] in TERMINAL + ",)" or not text[0].isupper() or _DATE_LINE.match(text) or _GREETING.match(text):
        return False
    return words[-1].lower() not in FUNCTION_WORDS


# the opening of a letter or an e-mail is text, never a heading ("Beste 10.2.e", "Geachte heer Jansen")
_GREETING = re.compile(r"^(Beste|Geachte|Goedemorgen|Goedemiddag|Goedenavond|Hallo|Hoi|Dag|Lieve)\b", re.I)
# the header fields of an e-mail as printed in Woo releases (Outlook in Dutch or English)
_MAIL_FIELD = re.compile(r"^(Van|Aan|CC|BCC|Onderwerp|Verzonden|Datum|Bijlagen|From|To|Subject|Sent|Date)\s*:",
                         re.I)


_MAIL_START = re.compile(r"^(Van|From)\s*:", re.I)


def _mail_header(block: Block) -> str | None:
    """The header of an e-mail ("Van: …", "Verzonden: …", "Aan: …", "Onderwerp: …") as one line, if the block is
    one: it starts with the sender and holds at least one more field; a long field may wrap."""
    fields = [line for line in block.lines if _MAIL_FIELD.match(visible(line.text).strip())]
    first = visible(block.first).strip()
    if not _MAIL_START.match(first) or len(fields) < 2:
        return None
    parts: list[list[str]] = []
    for line in block.lines:
        text = visible(line.text).strip()
        if _MAIL_FIELD.match(text) or not parts:
            parts.append([text])
        else:
            parts[-1].append(text)
    return "; ".join(join_lines(p) for p in parts)


def _merge_mail_headers(blocks_: list[Block]) -> list[Block]:
    # "Van: …" on a line of its own and the other fields after a blank line are one header
    split: list[Block] = []
    for block in blocks_:  # a header starts a block, even where no blank line came before it
        cuts = [0] + [i for i, line in enumerate(block.lines) if i and _MAIL_START.match(visible(line.text).strip())]
        split += [Block(block.lines[a:b]) for a, b in zip(cuts, cuts[1:] + [len(block.lines)], strict=True)]
    out: list[Block] = []
    for block in split:
        if out and all(_MAIL_FIELD.match(visible(line.text).strip()) for line in out[-1].lines) and all(
                _MAIL_FIELD.match(visible(line.text).strip()) for line in block.lines[:1]):
            out[-1] = Block(out[-1].lines + block.lines)
        else:
            out.append(block)
    return out


def is_list_item(text: str) -> bool:
    """A bullet or enumerated item."""
    return _LIST_ITEM.match(text) is not None


def _leading_title(block: Block) -> tuple[Block, Block] | None:
    """A title on the first line of a block, run straight into its text ("Bezwaarclausule" / "Voor nadere
    informatie …"): short, capitalised, unpunctuated, and much shorter than the line after it."""
    if len(block.lines) < 2:
        return None
    first, second = visible(block.lines[0].text).strip(), visible(block.lines[1].text).strip()
    if not is_heading_block(Block(block.lines[:1])) or is_list_item(first) or len(first.split()) > 5:
        return None
    if not second[:1].isupper() or len(first) > 0.6 * len(second):
        return None
    return Block(block.lines[:1]), Block(block.lines[1:])


def paragraph_drafts(lines: list[Line], start_heading: str | None = None) -> list[Draft]:
    """Passages per paragraph under its heading: anchors alinea-N; headings are not passages; list items stay
    with the paragraph that introduces them. A heading that no text follows (the document ends, or was cut
    off) is text, not a heading. The paragraphs of an e-mail (Woo releases) have its header ("Van: …;
    Verzonden: …; Aan: …; Onderwerp: …") as their heading: one group of passages per message."""
    drafts: list[Draft] = []
    heading = start_heading
    merged: list[Block] = []
    for block in _merge_mail_headers(merged_blocks(lines)):
        merged.extend((block,) if _mail_header(block) else _leading_title(block) or (block,))
    fresh = False  # the heading has no passage under it yet
    mail_header: str | None = None  # inside an e-mail, short lines are text; its header heads every paragraph
    for k, block in enumerate(merged):
        mail = _mail_header(block)
        if mail:
            heading = mail_header = mail
            fresh = True
            continue
        followed = any(not is_heading_block(b) for b in merged[k + 1:])
        if is_heading_block(block) and followed and not (mail_header and not block.lines[0].heading):
            # headings in a row ("Tweede Kamer der Staten-Generaal", "Wet en regelgeving …") all head what follows,
            # and a heading inside an e-mail (a web form's bold field) stays under the e-mail's header
            base = heading if fresh else mail_header
            heading = f"{base} — {visible(block.text)}" if base else visible(block.text)
            fresh = True
            continue
        fresh = False
        text = _block_text(block)
        if drafts and is_list_item(block.first) and visible(drafts[-1].text).rstrip().endswith((":", ";")):
            last = drafts[-1]
            last.text += "\n" + text
            last.pages = tuple(sorted(set(last.pages) | set(block.pages)))
            continue
        n = len(drafts) + 1
        drafts.append(Draft(f"alinea-{n}", f"alinea {n}", heading, text, block.pages))
    return drafts


@dataclass
class Closing:
    """The end of a letter or memo: the body before the signature, the signatories, the signature's own lines,
    and whatever follows it (annexes, a post-script, the objection clause)."""

    body: list[Line]
    people: list[Person]
    signature: list[str]  # the lines of the signature block ("Hoogachtend,", the office, the name)
    after: list[Line]  # every other line after the signature starts


_ON_BEHALF = re.compile(r"^(namens|voor)\s+(deze|de\s+\w+)\s*,?$|^(i\.o\.|p\.o\.)$", re.I)
# a signatory's name, academic titles in lower case allowed ("drs. C. van der Burg")
_NAME = re.compile(r"^(?:(?:drs|dr|mr|ir|ing|prof|ds|mw|dhr)\.?\s+)*[A-Z][\w.\-’' ]+$")


def split_signatures(lines: list[Line]) -> Closing:
    """Cut the closing signatures ("De Minister van Buitenlandse Zaken," and a name) off the body.

    The signature block is the greeting, the offices (with "namens deze,") and the names; whatever else follows
    it is returned in `after`, for passages of its own.
    """
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
    signature: list[str] = []
    after: list[Line] = []
    in_block = True  # the block ends at the first line that is not part of a signature
    for line in tail:
        text = visible(line.text).strip()
        if not text:
            if not in_block:
                after.append(line)
            continue
        if in_block and re.match(r"^(Hoogachtend|Met vriendelijke groet)", text, re.I):
            signature.append(text)
            continue
        if in_block and _SIGNATURE.match(text):
            if office:
                people.append(Person(name="", role="ondertekenaar", office=office))
            office = _office_case(re.sub(r"^(De|Het)\s+", "", text.rstrip(","), flags=re.I).strip())
            signature.append(text)
        elif in_block and office and _ON_BEHALF.match(text):
            signature.append(text)
        elif in_block and office and _NAME.match(text) and len(text) < 60 and len(text.split()) <= 7:
            people.append(Person(name=text, role="ondertekenaar", office=office))
            signature.append(text)
            office = None
        else:
            in_block = False
            after.append(line)
    if office:
        people.append(Person(name="", role="ondertekenaar", office=office))
    return Closing(lines[:cut], people, signature, after)


_ANNEX = re.compile(r"^(?P<word>Bijlagen?)\b\s*(?P<n>\d{1,2}|[IVX]{1,4}\b|[A-Z]\b)?", re.I)


def closing_drafts(after: list[Line]) -> list[Draft]:
    """Passages for what follows a signature: a post-script or the objection clause (`slot`, `slot-2`, …) and
    annexes, one passage each (`bijlage-1`; a list of annexes is `bijlagen`)."""
    segments: list[tuple[str | None, list[Line]]] = [(None, [])]
    for i, line in enumerate(after):
        text = visible(line.text).strip()
        starts_block = i == 0 or not after[i - 1].text.strip() or line.page_start or bool(line.heading)
        m = _ANNEX.match(text)
        if m and starts_block and len(text.split()) <= 12 and not text.endswith((".", ",", ";")):
            segments.append((text, []))
        else:
            segments[-1][1].append(line)
    drafts: list[Draft] = []
    for k, draft in enumerate(paragraph_drafts(segments[0][1])):
        draft.anchor = "slot" if k == 0 else f"slot-{k + 1}"
        draft.locator = "slot" if k == 0 else f"slot, alinea {k + 1}"
        drafts.append(draft)
    annexes = 0
    for heading, lines in segments[1:]:
        assert heading is not None
        m = _ANNEX.match(heading)
        assert m is not None
        text = section_text(lines)
        pages = tuple(sorted({line.page for line in lines if line.text}))
        if m.group("word").lower() == "bijlagen" and not m.group("n"):
            anchor, loc = "bijlagen", "bijlagen"
        else:
            annexes += 1
            n = (m.group("n") or str(annexes)).lower()
            anchor, loc = f"bijlage-{n}", f"bijlage {n.upper() if n.isalpha() else n}"
        if not visible(text).strip():  # "Bijlage: 1" as a line of its own: the heading is the text
            text, heading = heading, None
        drafts.append(Draft(anchor, loc, heading, text, pages))
    dedupe_anchors(drafts)
    return drafts


MAX_PASSAGE_CHARS = 3000  # a passage to cite: longer sections are split at paragraph boundaries


def split_long(drafts: list[Draft], limit: int = MAX_PASSAGE_CHARS) -> list[Draft]:
    """Split passages longer than `limit` at paragraph boundaries into parts of at most `limit` characters (a
    single longer paragraph stays whole). The first part keeps the anchor and locator, so a citation of the
    section still finds its start; later parts are `2.1-2` / `alinea-7-2` (`antwoord-4-deel-2`, because
    `antwoord-4-5` answers questions 4 and 5) and "paragraaf 2.1, deel 2"."""
    out: list[Draft] = []
    for d in drafts:
        if len(visible(d.text)) <= limit:
            out.append(d)
            continue
        parts: list[str] = []
        for para in d.text.split("\n\n"):
            if parts and len(visible(parts[-1])) + len(visible(para)) + 2 <= limit:
                parts[-1] += "\n\n" + para
            else:
                parts.append(para)
        sep = "-deel-" if re.match(r"^(vraag|vragen|antwoord|mededeling)", d.anchor) else "-"
        for k, part in enumerate(parts):
            if k == 0:
                out.append(Draft(d.anchor, d.locator, d.heading, part, d.pages, d.questions))
            else:
                out.append(Draft(f"{d.anchor}{sep}{k + 1}", f"{d.locator}, deel {k + 1}", d.heading, part, d.pages,
                                 d.questions))
    return out


def dedupe_anchors(drafts: list[Draft]) -> None:
    """Make anchors unique in order: a second `bijlage-1` becomes `bijlage-1-2`."""
    seen: dict[str, int] = {}
    for d in drafts:
        if d.anchor in seen:
            seen[d.anchor] += 1
            d.anchor = f"{d.anchor}-{seen[d.anchor]}"
        else:
            seen[d.anchor] = 1


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
