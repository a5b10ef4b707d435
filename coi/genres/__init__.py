"""The genre family: an open registry. Each genre is a module with `detect(lines, fields) -> float` (how sure
it is that the document is of its genre, 0 to 1) and `parse(lines, fields, letterhead) -> GenreResult`; the most
specific genre (the highest score) wins. A new genre is one module and one entry in GENRES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coi.genres import (
    beslisnota,
    document,
    handelingen,
    kamerbrief,
    kamerstuk,
    kamervragen,
    motie,
    wetsvoorstel,
    woo_emails,
)
from coi.genres.common import GenreResult
from coi.lines import Line
from coi.model import DocType

Parser = Callable[[list[Line], dict[str, str], list[str]], GenreResult]
Detector = Callable[[list[Line], dict[str, str]], float]


@dataclass(frozen=True)
class Genre:
    """A genre: its document type, how to recognise it and how to parse it."""

    doc_type: DocType
    detect: Detector
    parse: Parser


def _kamervragen(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    return kamervragen.parse(lines, fields)


def _kamerbrief(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    # a letter printed as a Kamerstuk has a Kamerstuk's head before its body
    if fields.get("ondernummer") and fields.get("dossiernummer"):
        return kamerstuk.parse(lines, fields, letterhead)
    return kamerbrief.parse(lines, fields, letterhead)


def _unless_emails(lines: list[Line], score: float) -> float:
    # a release of e-mails is a document (parsed a message at a time), whatever letter comes first in it
    return 0.0 if score and woo_emails.detect(lines) >= woo_emails.MOSTLY else score


# In order of precedence where two genres are equally sure.
GENRES: tuple[Genre, ...] = (
    Genre(DocType.KAMERVRAGEN, kamervragen.detect, _kamervragen),
    Genre(DocType.MOTIE, kamerstuk.detector(DocType.MOTIE), motie.parse),
    Genre(DocType.VOORSTEL_VAN_WET, kamerstuk.detector(DocType.VOORSTEL_VAN_WET), wetsvoorstel.parse),
    Genre(DocType.AMENDEMENT, kamerstuk.detector(DocType.AMENDEMENT), kamerstuk.parse),
    Genre(DocType.MEMORIE_VAN_TOELICHTING, kamerstuk.detector(DocType.MEMORIE_VAN_TOELICHTING), kamerstuk.parse),
    Genre(DocType.NOTA_NAAR_AANLEIDING_VAN_HET_VERSLAG,
          kamerstuk.detector(DocType.NOTA_NAAR_AANLEIDING_VAN_HET_VERSLAG), kamerstuk.parse),
    Genre(DocType.VERSLAG, kamerstuk.detector(DocType.VERSLAG), kamerstuk.parse),
    Genre(DocType.KONINKLIJKE_BOODSCHAP, kamerstuk.detector(DocType.KONINKLIJKE_BOODSCHAP), kamerstuk.parse),
    Genre(DocType.KAMERSTUK, kamerstuk.detector(DocType.KAMERSTUK), kamerstuk.parse),
    Genre(DocType.HANDELINGEN, handelingen.detect, handelingen.parse),
    Genre(DocType.BESLISNOTA, beslisnota.detect, beslisnota.parse),
    Genre(DocType.KAMERBRIEF, lambda lines, fields: _unless_emails(lines, kamerbrief.detect(lines, fields)),
          _kamerbrief),
    Genre(DocType.DOCUMENT, document.detect, document.parse),
)
PARSERS: dict[DocType, Parser] = {g.doc_type: g.parse for g in GENRES}


def scores(lines: list[Line], fields: dict[str, str] | None = None) -> dict[DocType, float]:
    """Every genre's score for a document, for `detect` and for explaining a choice."""
    return {g.doc_type: g.detect(lines, fields or {}) for g in GENRES}


def detect(lines: list[Line], fields: dict[str, str] | None = None) -> DocType:
    """The genre from what the document says (its text and its own metadata), never from the file name."""
    found = scores(lines, fields)
    best = max(found.values())
    return next(t for t, s in found.items() if s == best)
