"""The genre family: detection from content, and one parser module per genre."""

from __future__ import annotations

import re
from collections.abc import Callable

from coi.genres import beslisnota, document, kamerbrief, kamervragen, woo_emails
from coi.genres.common import GenreResult
from coi.lines import Line
from coi.model import DocType

Parser = Callable[[list[Line], dict[str, str], list[str]], GenreResult]

PARSERS: dict[DocType, Parser] = {
    DocType.KAMERVRAGEN: lambda lines, fields, letterhead: kamervragen.parse(lines, fields),
    DocType.BESLISNOTA: beslisnota.parse,
    DocType.KAMERBRIEF: kamerbrief.parse,
    DocType.DOCUMENT: document.parse,
}

_AANHANGSEL = re.compile(
    r"Vragen gesteld door de leden der Kamer|Vragen van (?:het lid|de leden)\b.{0,600}?\(ingezonden", re.S
)
_NOTA = re.compile(r"^(#\s*)?(beslisnota|nota|oplegnota)\b", re.I | re.M)
_NOTA_SECTION = re.compile(r"^(\d\.?\s+)?(Aanleiding|Geadviseerd besluit)\s*$", re.I | re.M)
_LETTER = re.compile(
    r"^(Geachte\s+(voorzitter|heer|mevrouw)|Betreft\b|(Den Haag|’s-Gravenhage),?\s+\d{1,2}\s+\w+\s+\d{4}"
    r"|Aan de Voorzitter van de Tweede Kamer|De (Minister|Staatssecretaris)\b.*,\s*$|Nr\.\s*\d+\s+BRIEF\b)",
    re.I | re.M,
)


def detect(lines: list[Line]) -> DocType:
    """The genre from what the text says, never from the file name."""
    text = "\n".join(line.text for line in lines)
    if _AANHANGSEL.search(text) or len(kamervragen.find_labels(lines)) >= 2 and re.search(
        r"^Antwoord\s+\d", text, re.M
    ):
        return DocType.KAMERVRAGEN
    if _NOTA.search(text) and _NOTA_SECTION.search(text):
        return DocType.BESLISNOTA
    if _NOTA_SECTION.search(text) and re.search(r"Geadviseerd besluit", text, re.I):
        return DocType.BESLISNOTA
    if woo_emails.detect(lines) >= woo_emails.MOSTLY:  # a release of e-mails, whatever letter comes first
        return DocType.DOCUMENT
    if _LETTER.search(text):
        return DocType.KAMERBRIEF
    return DocType.DOCUMENT
