"""A document of none of the genres: paragraphs under their headings, nothing more is assumed."""

from __future__ import annotations

from coi.genres import woo_emails
from coi.genres.common import GenreResult, paragraph_drafts
from coi.lines import Line


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """Paragraph passages; the date and reference only where the side column gave them. A release of e-mails
    gets a passage group per message (until the genre registry gives it a type of its own)."""
    if woo_emails.detect(lines) >= woo_emails.MOSTLY:
        return woo_emails.parse(lines, fields, letterhead)
    result = GenreResult(drafts=paragraph_drafts(lines), date_text=fields.get("datum"))
    ref = fields.get("kenmerk") or fields.get("referentie")
    if ref:
        result.identifiers["kenmerk"] = ref
    return result


def detect(lines: list[Line], fields: dict[str, str]) -> float:
    """Any document can be read as paragraphs: the genre of last resort."""
    return 0.1
