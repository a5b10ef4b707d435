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
    return out | {k: v for k, v in identifier_fields(out.get("doc_identifier", "")).items() if k not in out}


_KST_ID = re.compile(r"^kst-(?P<dossier>\d+(?:-[0-9A-Za-z]+)?)-(?P<nr>\d+)$")
_AH_ID = re.compile(r"^ah-tk-(?P<jaar>\d{8})-(?P<nr>\d+)$")
_H_ID = re.compile(r"^h-tk-(?P<jaar>\d{8})-(?P<vergadering>\d+)(?:-(?P<item>\d+))?$")


def identifier_fields(identifier: str) -> dict[str, str]:
    """What an official identifier says: kst-36410-XVI-96 is dossier 36410-XVI, nr. 96; ah-tk-20202021-3235 is
    Aanhangsel 3235 of 2020-2021; h-tk-20232024-40-6 is Handelingen of 2023-2024, vergadering 40, item 6."""
    if m := _KST_ID.match(identifier):
        return {"dossiernummer": m.group("dossier"), "ondernummer": m.group("nr")}
    if m := _AH_ID.match(identifier):
        jaar = m.group("jaar")
        return {"vergaderjaar": f"{jaar[:4]}-{jaar[4:]}", "aanhangselnummer": m.group("nr"),
                "publicatie": "Aanhangsel Handelingen"}
    if m := _H_ID.match(identifier):
        jaar = m.group("jaar")
        out = {"vergaderjaar": f"{jaar[:4]}-{jaar[4:]}", "vergadernummer": m.group("vergadering"),
               "publicatie": "Handelingen"}
        return out | ({"itemnummer": m.group("item")} if m.group("item") else {})
    return {}
