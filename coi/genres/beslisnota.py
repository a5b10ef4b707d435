"""Beslisnota: a ministry's decision memo, in numbered (or standard unnumbered) sections."""

from __future__ import annotations

import re

from coi.clean import blocks, join_lines, visible
from coi.genres.common import Draft, GenreResult, find_sections, issuing_body, section_text
from coi.lines import Line
from coi.model import Person

# The standard headings of a nota, for memos that do not number them.
KNOWN_HEADINGS = {
    "aanleiding", "geadviseerd besluit", "kernpunten", "kern", "toelichting", "achtergrond", "advies",
    "financiële overwegingen", "financiele overwegingen", "juridische overwegingen", "communicatie",
    "informatie die niet openbaar wordt gemaakt", "informatie die niet openbaar gemaakt kan worden",
    "motivering", "bijlagen", "afstemming", "politieke context", "uitvoering", "krachtenveld", "beslispunten",
    "samenvatting", "context", "risico's", "risico’s", "vervolg", "planning", "overwegingen", "proces",
}
_TITLE_MARK = re.compile(r"^(beslisnota|nota|oplegnota|notitie)\b[:\s]*(.*)$", re.I)
_NOT_TITLE = re.compile(r"^(aan|van|datum|ter |nota actief|ja$|nee$|minister persoonlijk|t\.a\.v\.)", re.I)


def slug(text: str) -> str:
    """A stable anchor from a heading: "Geadviseerd besluit" -> "geadviseerd-besluit"."""
    s = re.sub(r"[^\w]+", "-", visible(text).lower()).strip("-")
    return s[:60] or "onderdeel"


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """One passage per section with text; title, date, reference, addressee and directorate as metadata."""
    sections = find_sections(lines, KNOWN_HEADINGS)
    header = lines[: sections[0].start] if sections else lines
    result = GenreResult(drafts=[])
    for section in sections:
        stray = [_is_stray(line.text) for line in section.lines]
        body = [line for line, s in zip(section.lines, stray, strict=True) if not s]
        for line, s in zip(section.lines, stray, strict=True):
            if s:
                result.dropped.append(("stray list number or signature in capitals", line.text))
        text = section_text(body)
        if not visible(text).strip():
            result.dropped.append(("heading of a section without text", section.title))
            continue
        pages = tuple(sorted({line.page for line in body if line.text}))
        if section.number:
            anchor, loc = section.number, f"paragraaf {section.number}"
        else:
            anchor, loc = slug(section.title), f"onderdeel {section.title}"
        result.drafts.append(Draft(anchor, loc, section.title, text, pages))
    _header(header, fields, letterhead, result)
    # the memo's head is a form of short fields (Aan, Van, Ter beslissing, the paraphs); a longer line there is
    # text and must reach a passage or the title to count
    result.metadata_lines.extend(t for line in header if len((t := visible(line.text).strip()).split()) <= 8)
    if not sections:
        result.warnings.append("no sections found")
    return result


def _is_stray(text: str) -> bool:
    """List numbers that lost their item ("1.") and signature lines in capitals ("DE DIRECTEUR-GENERAAL")."""
    t = visible(text).strip()
    if _LIST_NUMBER.fullmatch(t):
        return True
    if _SMALL_LETTER.search(t):
        return False  # a lower-case letter among the letters counted below: not in capitals (most lines)
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", t)
    return len(t.split()) >= 2 and len(letters) >= 10 and letters.isupper()


_LIST_NUMBER = re.compile(r"\d{1,2}\.")
_SMALL_LETTER = re.compile(r"[a-zß-öø-ÿ]")  # the lower-case letters of A-Za-zÀ-ÿ


def _header(header: list[Line], fields: dict[str, str], letterhead: list[str], result: GenreResult) -> None:
    texts = [visible(line.text).strip() for line in header]
    result.title = _title(header)
    result.date_text = fields.get("datum")
    ref = fields.get("referentie") or fields.get("kenmerk")
    if ref:
        result.identifiers["referentie" if "referentie" in fields else "kenmerk"] = ref
    nonblank = [t for t in texts if t]
    result.source = issuing_body(letterhead) or issuing_body(nonblank)
    addressee = next((re.sub(r"^(t\.a\.v\.|Aan)\s+(de\s+|het\s+)?", "", t) for t in nonblank
                      if re.match(r"^(t\.a\.v\.|Aan)\s+\S", t)), None)
    if addressee is None:
        # A table "Aan / Van" whose values follow in the same order.
        for i, t in enumerate(nonblank[:-3]):
            if t == "Aan" and nonblank[i + 1] == "Van":
                values = [v for v in nonblank[i + 2:] if not _NOT_TITLE.match(v) and len(v) < 40]
                values = [v for v in values if not re.search(r"\d{4}", v)]
                if len(values) >= 2:
                    addressee = values[0]
                    result.source = result.source or values[1]
                break
    if addressee:
        result.people.append(Person(name="", role="geadresseerde", office=addressee))


def _title(header: list[Line]) -> str | None:
    """The memo's subject: the block after the word "nota", a block that starts with it, or the longest block."""
    hb = blocks(header)
    for k, block in enumerate(hb):
        m = _TITLE_MARK.match(visible(block.first).strip())
        if not m or re.match(r"^nota actief", block.first, re.I):
            continue
        # "Beslisnota bij Kamerbrief ..." is a title as it stands; a bare "Nota" announces the next lines.
        rest = [visible(block.first).strip()] if m.group(2) else []
        rest += [line.text for line in block.lines[1:]]
        rest = _until_label(rest)
        if rest:
            return join_lines(rest)
        if k + 1 < len(hb):
            return join_lines(_until_label([line.text for line in hb[k + 1].lines])) or None
    # a line inside the head that names the document's kind: "Kamerbrief vierde ronde Nationaal Groeifonds"
    for line in header:
        text = visible(line.text).strip()
        if re.match(r"^(Kamerbrief|Brief|Nota|Notitie|Oplegnota|Beslisnota)\b\s*\S", text) and len(text.split()) >= 3:
            return text
    candidates = [b for b in hb if not _NOT_TITLE.match(b.first) and len(b.text.split()) >= 4]
    if candidates:
        return max(candidates, key=lambda b: len(b.text)).text
    return None


def _until_label(texts: list[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        if re.match(r"^(Lijnparaaf|Medeparaaf|Samengewerkt|Bijlage|Datum|Onze)", t):
            break
        out.append(t)
    return out


# What makes a memo a memo, in its structure rather than in any one word: a kind named at the top ("Nota",
# "Beslisnota", "Voordracht voor het College"), the line that says what the reader must do ("(ter beslissing)",
# "TER ONDERTEKENING"), and the standard headings of a decision memo.
_KIND_LINE = re.compile(r"^(#\s*)?((beslis(nota|notitie|memo)|oplegnota|notitie|memo|n\s?ota|adviesnota"
                        r"|(concept-?)?voordracht)\b|advies:?$)", re.I)
_TER_LINE = re.compile(r"^\(?\s*ter\s+(beslissing|ondertekening|informatie|advisering|kennisname|besluitvorming|"
                       r"akkoord|paraaf|bespreking|goedkeuring)\b", re.I)
_MEMO_HEADINGS = ("aanleiding", "geadviseerd besluit", "kernpunten", "kernboodschap", "beslispunt", "advies",
                  "samenvatting", "toelichting", "politieke context", "krachtenveld", "draagvlak",
                  "financiële overwegingen", "juridische overwegingen", "informatie die niet openbaar")
_HEADING_SHAPE = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?\s+)?(?P<title>[A-Z][^.;]{0,80})$")


def detect(lines: list[Line], fields: dict[str, str]) -> float:
    """A score from the memo's structure: kind line at the top, a TER-line, the standard headings."""
    texts = [visible(line.text).strip() for line in lines[:250]]
    top = [t for t in texts if t][:40]
    score = 0.0
    if any(_KIND_LINE.match(t) for t in top):
        score += 0.35
    if any(_TER_LINE.match(t) for t in texts):
        score += 0.3
    found: set[str] = set()
    for text in texts:
        m = _HEADING_SHAPE.match(text)
        if m and len(text.split()) <= 6:
            title = m.group("title").lower()
            found.update(h for h in _MEMO_HEADINGS if title.startswith(h))
    if found:
        score += 0.35 if len(found) == 1 else 0.45
    if "geadviseerd besluit" in found:  # the one heading no other genre has
        score += 0.25
    return min(score, 0.85) if score >= 0.6 else 0.0
