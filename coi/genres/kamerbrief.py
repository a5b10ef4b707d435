"""Kamerbrief: a letter to parliament, in paragraphs under (mostly unnumbered) headings."""

from __future__ import annotations

import re

from coi.clean import blocks, join_lines, visible
from coi.genres.common import (
    Draft,
    GenreResult,
    LineStart,
    closing_drafts,
    find_sections,
    issuing_body,
    paragraph_drafts,
    section_text,
    split_signatures,
)
from coi.lines import Line
from coi.model import Person

_SALUTATION = re.compile(r"^(Geachte\s+(voorzitter|Voorzitter|heer|mevrouw)\b.*|Hierbij\b)", re.I)
_DATE_LINE = re.compile(r"^(?:Den Haag|’s-Gravenhage|'s-Gravenhage),?\s+(\d{1,2}\s+\w+\s+\d{4})\s*$")
_BETREFT = re.compile(r"^Betreft:?\s+(.*)$")
_KST_HEAD = re.compile(r"^(\d{2}\s?\d{3}(?:[- ][\dA-Z]+)?)\s+\S")
_NR_HEAD = re.compile(r"^Nr\.\s*(\d+)\s+(.+)$")


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """Paragraph passages (or numbered sections); date, subject, signatories and references as metadata."""
    result = GenreResult(drafts=[])
    start = _header(lines, result)
    head, prose = _head_and_prose(lines[:start])
    result.dropped.extend(("letter head", text) for text in head)
    closing = split_signatures(prose + lines[start:])
    body, signatories = closing.body, closing.people
    result.metadata_lines.extend(closing.signature)
    result.people.extend(signatories)
    if signatories and not result.source:
        result.source = signatories[0].office
    result.source = result.source or issuing_body(letterhead)
    ref = fields.get("kenmerk") or fields.get("referentie")
    if ref:
        result.identifiers["kenmerk"] = ref
    result.date_text = result.date_text or fields.get("datum")
    sections = [s for s in find_sections(body) if s.number]
    if len(sections) >= 2:
        intro = body[: sections[0].start]
        result.drafts.extend(paragraph_drafts(intro))
        for s in sections:
            text = section_text(s.lines)
            if visible(text).strip():
                pages = tuple(sorted({line.page for line in s.lines if line.text}))
                result.drafts.append(Draft(s.number or "", f"paragraaf {s.number}", s.title, text, pages))
    else:
        result.drafts.extend(paragraph_drafts(body))
    result.drafts.extend(closing_drafts(closing.after))
    return result


def _head_and_prose(lines: list[Line]) -> tuple[list[str], list[Line]]:
    """Split what stands before the salutation into the letter's head (addresses, contact lines, the fields
    read as metadata) and prose that belongs to the text (a note or cover text before the letter proper)."""
    head: list[str] = []
    prose: list[Line] = []
    for block in blocks(lines):
        text = visible(block.text).strip()
        n = len(text.split())
        if n >= 20 or n >= 8 and text[-1:] in ".?!:":
            if prose:
                prose.append(Line("", block.lines[0].page))
            prose.extend(block.lines)
        else:
            head.extend(line.text for line in block.lines)
    return head, prose


def _header(lines: list[Line], result: GenreResult) -> int:
    """Read date, subject and Kamerstuk number from the letter's head; return where the body starts."""
    start = 0
    limit = min(len(lines), 60)
    for i in range(limit):
        text = visible(lines[i].text).strip()
        if not text:
            continue
        if (m := _DATE_LINE.match(text)):
            result.date_text = m.group(1)
            result.metadata_lines.append(text)
            start = i + 1
        elif (m := _BETREFT.match(text)):
            subject = [m.group(1)]
            for j in range(i + 1, limit):
                nxt = lines[j].text.strip()
                if not nxt or _SALUTATION.match(nxt):
                    break
                subject.append(nxt)
            result.title = join_lines(subject)
            result.metadata_lines.append("Betreft")
            start = max(start, i + len(subject))
        elif _SALUTATION.match(text) and text.endswith(",") or re.fullmatch(r"Geachte(\s+[^.:;]{1,60})?,?", text):
            # "Geachte" alone: the addressee's name redacted in a Woo release
            result.metadata_lines.append(text)
            start = i + 1
            break
        elif i < 8 and (m := _NR_HEAD.match(text)):
            result.identifiers["ondernummer"] = m.group(1)
            result.title = result.title or m.group(2).capitalize()
            result.metadata_lines.append(text)
            start = i + 1
        elif i < 4 and (m := _KST_HEAD.match(text)) and not _DATE_LINE.match(text):
            result.identifiers["dossiernummer"] = re.sub(r"\s", "", m.group(1)).replace("--", "-")
            result.metadata_lines.append(text)
            start = i + 1
        elif text.startswith("Aan de Voorzitter"):
            result.people.append(Person(name="", role="geadresseerde", office=re.sub(r"^Aan de\s+", "", text)))
            result.metadata_lines.append(text)
            start = i + 1
    return start



# The signs of a letter; one alone (a signature under a decree) does not make one. A letter to parliament is
# addressed to its Voorzitter; one that greets "Geachte heer/mevrouw" (a Woo decision to a requester, an advice
# to a minister) is a letter but no Kamerbrief.
_LETTER_SIGNS = [LineStart(p, re.I) for p in (
    r"Geachte\s+\S", r"(Betreft|Onderwerp):?\s", r"(Den Haag|’s-Gravenhage|'s-Gravenhage),?\s+\d{1,2}\s+\w+\s+\d{4}",
    r"De (Minister|Staatssecretaris)\b.*,\s*$", r"(Hoogachtend|Met vriendelijke groet)")]
_TO_PARLIAMENT = LineStart(r"Aan de Voorzitter van de (Tweede|Eerste) Kamer|Geachte (voorzitter|Voorzitter)\b"
                           r"|Nr\.\s*\d+\s+BRIEF\b")
_TO_OTHERS = LineStart(r"Geachte\s+(?!voorzitter\b)", re.I)
_TO_A_MINISTER = re.compile(r"^(Aan )?(de|De) (Minister|Staatssecretaris) (van|voor) .*[^,]$")
_THE_HOUSE = re.compile(r"\b(uw|de) Kamer\b", re.I)


def is_letter(lines: list[Line]) -> bool:
    """A letter's shape, whoever it is addressed to: two of salutation, subject line, place and date, office
    and closing."""
    text = "\n".join(visible(line.text).strip() for line in lines)
    return sum(1 for rx in _LETTER_SIGNS if rx.search(text)) >= 2


def detect(lines: list[Line], fields: dict[str, str]) -> float:
    """Nearly sure when a Kamerstuk's head names a letter ("Nr. 2375 BRIEF VAN …"); else a letter's shape
    (salutation, "Betreft", place and date, signature) addressed to parliament, which more specific genres
    outrank."""
    from coi.genres.identity import kind
    from coi.model import DocType

    if kind(fields) == DocType.KAMERBRIEF:
        return 1.0 if fields.get("kamerstuktype") else 0.95
    text = "\n".join(visible(line.text).strip() for line in lines)
    if _TO_PARLIAMENT.search(text):
        return 0.5
    if sum(1 for rx in _LETTER_SIGNS if rx.search(text)) < 2:
        return 0.0
    if _THE_HOUSE.search(text):
        return 0.5
    addressed = [visible(line.text).strip() for line in lines[:15]]
    to_others = _TO_OTHERS.search(text) or any(_TO_A_MINISTER.match(t) for t in addressed)
    return 0.0 if to_others else 0.5
