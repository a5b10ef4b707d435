"""Kamerstukken other than letters: memorie van toelichting, nota naar aanleiding van het verslag, verslag,
Koninklijke boodschap, amendement, and Kamerstukken of any other kind (advies Raad van State en nader rapport,
nota van wijziging, …). Moties and voorstellen van wet have their own modules; what they share is here: the head
("32 545 … Nr. 143 MOTIE VAN …", "Voorgesteld 6 juli 2021") and detection by the kind the head names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coi.clean import join_lines, visible
from coi.genres import kamerbrief
from coi.genres.common import GenreResult
from coi.genres.identity import HEAD_LINES, KINDS, kind
from coi.lines import Line
from coi.model import DocType

Detector = Callable[[list[Line], dict[str, str]], float]

_NR_LINE = re.compile(r"^Nr\.\s*\d{1,4}\b")
# the date under the title: "Voorgesteld 6 juli 2021", "Voorgesteld tijdens het Wetgevingsoverleg van 29 januari
# 2024", "Ontvangen 15 september 2026", "Vastgesteld 3 maart 2023"
_DATE_HEAD = re.compile(r"^(?P<word>Voorgesteld|Ontvangen|Vastgesteld|Ingezonden)\b.{0,80}?"
                        r"(?P<date>\d{1,2}\s+[a-z]+\s+\d{4})\.?$", re.I)
_HOUSE = re.compile(r"^(der Staten-Generaal|Tweede Kamer( der Staten-Generaal)?|Eerste Kamer.*)$", re.I)


def detector(doc_type: DocType) -> Detector:
    """A detect function for one kind of Kamerstuk: sure when official metadata names the kind, nearly sure
    when the printed head does; a Kamerstuk of no known kind is KAMERSTUK, below any genre with a clearer shape."""

    def detect(lines: list[Line], fields: dict[str, str]) -> float:
        found = kind(fields)
        if found != doc_type:
            return 0.0
        if doc_type == DocType.KAMERSTUK:  # a printed Kamerstuk head outranks the shape of a memo or a letter
            return 0.9
        return 1.0 if fields.get("kamerstuktype") else 0.95

    return detect


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9à-ÿ]+", " ", visible(text).lower()).strip()


def head_end(lines: list[Line], fields: dict[str, str]) -> int:
    """Where the body starts: after the "Nr. N" line or the stuk's printed title, and the date line under it."""
    title = _norm(fields.get("stuktitel", ""))
    end = 0
    for i, line in enumerate(lines[:HEAD_LINES]):
        text = visible(line.text).strip()
        shaped = bool(line.heading) or (text.upper() == text and any(c.isalpha() for c in text))
        if _NR_LINE.match(text) or (title and shaped and len(text) >= 6 and _norm(text) in title):
            end = i + 1
        elif not end and line.heading and any(rx.match(text) for rx, _ in KINDS):
            end = i + 1  # a page that sets the stuk's title as its heading ("Gewijzigde motie van …")
    j = end
    while j < len(lines) and not lines[j].text.strip():
        j += 1
    if j < len(lines) and _DATE_HEAD.match(visible(lines[j].text).strip()):
        end = j + 1
    return end


def head_metadata(head: list[Line], fields: dict[str, str], result: GenreResult) -> None:
    """Date, title and dossier title from the head lines and the fields."""
    texts = [visible(line.text).strip() for line in head if line.text.strip()]
    for text in texts:
        if m := _DATE_HEAD.match(text):
            result.dates[m.group("word").lower()] = m.group("date")
            result.date_text = result.date_text or m.group("date")
    for name in ("voorgesteld", "ontvangen", "vastgesteld"):
        if fields.get(name) and name not in result.dates:
            result.dates[name] = fields[name]
            result.date_text = result.date_text or fields[name]
    result.date_text = result.date_text or fields.get("issued")
    result.title = stuk_title(head, fields)


def sentence_case(text: str) -> str:
    """ "MEMORIE VAN TOELICHTING" -> "Memorie van toelichting"; a title already in mixed case stays."""
    text = re.sub(r"\s+", " ", text).strip()
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", text)
    if not letters or not letters.isupper():
        return text
    return text[0] + text[1:].lower()


def stuk_title(head: list[Line], fields: dict[str, str]) -> str | None:
    """ "Wet- en regelgeving financiële markten; Motie van de leden …": dossier title and stuk title, as the
    official DC.title puts them."""
    stuk = fields.get("title") or sentence_case(re.sub(r"\[\d+\]$", "", fields.get("stuktitel", "")))
    dossier_title = fields.get("dossiertitel") or _dossier_title(head, fields)
    parts = [p for p in (dossier_title, stuk) if p]
    return "; ".join(parts) or None


def _dossier_title(head: list[Line], fields: dict[str, str]) -> str | None:
    # in a printed head the dossier's title is set as a heading between the house and the stuk's title
    title = _norm(fields.get("stuktitel", ""))
    parts: list[str] = []
    for line in head:
        text = visible(line.text).strip()
        if not text or not line.heading or _HOUSE.match(text):
            continue
        if title and _norm(text) in title:
            break
        parts.append(text)
    return join_lines(parts) or None


def restore_case(title: str, phrases: list[str]) -> str:
    """A title set in capitals and lowered again gets names and offices back in their own case ("Brief van de
    minister van binnenlandse zaken" -> "… Minister van Binnenlandse Zaken", from the signature)."""
    for phrase in sorted(phrases, key=len, reverse=True):
        if len(phrase) >= 3:
            title = re.sub(re.escape(phrase), phrase.replace("\\", "\\\\"), title, flags=re.I)
    return title


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """A Kamerstuk's body as a letter's: numbered sections or paragraphs under headings, signatories."""
    start = head_end(lines, fields)
    result = kamerbrief.parse(lines[start:], fields, letterhead)
    head = GenreResult(drafts=[])
    head_metadata(lines[:start], fields, head)
    result.title = restore_case(head.title, [t for p in result.people for t in (p.office, p.name) if t]) \
        if head.title else result.title
    result.dates |= head.dates
    result.date_text = result.date_text or head.date_text
    return result
