"""The cite stage: a passage -> a reference to its source paragraph, in Dutch legal style."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coi.dates import format_date, vergaderjaar_for

KIND_WORDS = {"beslisnota": "Beslisnota", "kamerbrief": "Kamerbrief", "kamervragen": "Kamervragen",
              "document": "Document"}


def short_vergaderjaar(vj: str) -> str:
    """ "2021-2022" -> "2021/22"."""
    start, end = vj.split("-")
    return f"{start}/{end[-2:]}"


def _date(doc: dict[str, Any]) -> dt.date | None:
    return dt.date.fromisoformat(doc["date"]) if doc.get("date") else None


def citation_text(doc: dict[str, Any], passage: dict[str, Any]) -> str:
    """The short citation of a passage: "Aanhangsel Handelingen II 2021/22, nr. 2054, antwoord op vraag 4"."""
    ids = doc.get("identifiers") or {}
    date = _date(doc)
    locator = passage["locator"]
    vj = ids.get("vergaderjaar") or (vergaderjaar_for(date) if date else None)
    if doc["doc_type"] == "kamervragen" and ids.get("aanhangselnummer") and vj:
        return f"Aanhangsel Handelingen II {short_vergaderjaar(vj)}, nr. {ids['aanhangselnummer']}, {locator}"
    if ids.get("dossiernummer") and ids.get("ondernummer"):
        year = f" {short_vergaderjaar(vj)}" if vj else ""
        return f"Kamerstukken II{year}, {ids['dossiernummer']}, nr. {ids['ondernummer']}, {locator}"
    kind = KIND_WORDS.get(doc["doc_type"], "Document")
    title = doc.get("title") or ""
    parts = [title if title.lower().startswith(kind.lower()) else f"{kind} {title}".strip()]
    if doc.get("source"):
        parts.append(doc["source"])
    parts.append(format_date(date))
    ref = ids.get("kenmerk") or ids.get("referentie")
    if ref:
        parts.append(f"kenmerk {ref}")
    parts.append(locator)
    return ", ".join(parts)
