"""Official publication metadata (Dublin Core and OVERHEIDop, as in the meta tags of zoek.officielebekendmakingen.nl
pages and the `<metadata>` block of their XML) -> the fields the genres read."""

from __future__ import annotations

import re
from collections.abc import Iterable

from coi.dates import normalise_vergaderjaar

# meta name (lower case) -> field; DC.type is told apart by its scheme below
_NAMES = {
    "dc.identifier": "doc_identifier",
    "overheidop.dossiernummer": "dossiernummer",
    "overheidop.ondernummer": "ondernummer",
    "overheidop.aanhangselnummer": "aanhangselnummer",
    "overheidop.vergaderjaar": "vergaderjaar",
    "overheidop.documenttitel": "title",
    "overheidop.dossiertitel": "dossiertitel",
    "dcterms.issued": "issued",
    "dc.date": "issued",
    "overheidop.datumontvangst": "ontvangen",
    "overheidop.datumindiening": "ingezonden",
    "overheidop.indiener": "indieners",
    "dc.creator": "creator",
}
_TYPE_SCHEMES = {"overheidop.kamerstuktypen": "kamerstuktype", "overheidop.parlementair": "publicatie",
                 "overheidop.publicationname": "publicatie"}
_IDENTIFIER = re.compile(r"^(kst|ah-tk|ah-ek|h-tk|h-ek|stb|stcrt|trb|blg|gmb|prb|wsb)-[0-9A-Za-z-]+$")


def official_fields(metas: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Fields from (name, scheme, content) triples; a repeated name (indiener) is kept as "a; b"."""
    out: dict[str, str] = {}
    for name, scheme, content in metas:
        content = re.sub(r"\s+", " ", content or "").strip()
        key = name.lower()
        if not content:
            continue
        if key == "dc.type":
            field = _TYPE_SCHEMES.get((scheme or "").lower())
            if field and field not in out:
                out[field] = content
            continue
        if key == "overheidop.publicationname":
            out.setdefault("publicatie", content)
            continue
        field = _NAMES.get(key)
        if field is None:
            continue
        if field == "indieners" and field in out:
            out[field] += f"; {content}"
        elif field == "vergaderjaar":
            out.setdefault(field, normalise_vergaderjaar(content) or content)
        elif field == "doc_identifier":
            if _IDENTIFIER.match(content):
                out.setdefault(field, content)
        elif field in ("dossiernummer", "ondernummer", "aanhangselnummer"):
            out.setdefault(field, re.sub(r"\s+", "", content).replace(";", "-"))
        else:
            out.setdefault(field, content)
    return out
