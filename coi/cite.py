"""The cite stage: a passage -> a reference to its source paragraph, in Dutch legal style (Leidraad voor
juridische auteurs; Aanwijzingen voor de regelgeving 3.43) and in machine formats (CSL-JSON, BibTeX, RIS).

Nothing is invented: a field that is not known is left out; an unknown date is "z.d.".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coi.dates import format_date, vergaderjaar_for
from coi.errors import UsageError

FORMATS = ("text", "markdown", "csl-json", "bibtex", "ris")
STYLES = ("full", "short")
QUOTE_LIMIT = 700  # characters of passage text in a quote before it is trimmed with "[…]"
KIND_WORDS = {"beslisnota": "Beslisnota", "kamerbrief": "Kamerbrief", "kamervragen": "Kamervragen",
              "motie": "Motie", "amendement": "Amendement", "voorstel-van-wet": "Voorstel van wet",
              "memorie-van-toelichting": "Memorie van toelichting",
              "nota-naar-aanleiding-van-het-verslag": "Nota naar aanleiding van het verslag", "verslag": "Verslag",
              "koninklijke-boodschap": "Koninklijke boodschap", "kamerstuk": "Kamerstuk",
              "handelingen": "Handelingen", "document": "Document"}
PARLIAMENT = "Tweede Kamer der Staten-Generaal"


@dataclass(frozen=True)
class Source:
    """A source a passage's footnote cites."""

    text: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """Everything a reference to one passage says, whatever the format."""

    id: str
    kind: str  # "aanhangsel" | "kamerstuk" | "document"
    short: str
    full: str
    title: str | None
    authors: tuple[str, ...]
    issued: dt.date | None
    number: str | None
    collection: str | None  # "Aanhangsel Handelingen II 2021/22", "Kamerstukken II 2020/21"
    locator: str  # "antwoord op vraag 4", with ", p. 3" where the page is known
    url: str | None
    text: str
    sources: tuple[Source, ...]

    @property
    def key(self) -> str:
        """A stable citation key (BibTeX, RIS): the passage id with ':' for '#'."""
        return re.sub(r"[^A-Za-z0-9:._-]", "-", self.id.replace("#", ":"))


# ---------------------------------------------------------------------------------------------- building

def short_vergaderjaar(vj: str) -> str:
    """ "2021-2022" -> "2021/22"."""
    start, end = vj.split("-")
    return f"{start}/{end[-2:]}"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _people(doc: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [p for p in doc.get("people") or [] if p.get("role") == role]


def _questioners(doc: dict[str, Any]) -> str | None:
    people = _people(doc, "vragensteller")
    if not people:
        return None
    names = [f"{p['name']} ({p['party']})" if p.get("party") else p["name"] for p in people]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    return f"het lid {listed}" if len(names) == 1 else f"de leden {listed}"


def _office(p: dict[str, Any]) -> str:
    office = p.get("office") or ""
    return f"de {office} ({p['name']})" if p.get("name") else f"de {office}"


def official_url(doc_id: str) -> str | None:
    """The stable address of an official publication on officielebekendmakingen.nl, where the id is official."""
    if re.fullmatch(r"(ah-tk-\d{8}-\d+|kst-[0-9a-z-]+-\d+)", doc_id, re.I):
        return f"https://zoek.officielebekendmakingen.nl/{doc_id}.html"
    return None


def _pinpoint(passage: dict[str, Any]) -> str:
    pages = sorted(set(passage.get("pages") or []))
    if not pages:
        return passage["locator"]
    where = f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"
    return f"{passage['locator']}, {where}"


def build(doc: dict[str, Any], passage: dict[str, Any], footnotes: Iterable[dict[str, Any]] = ()) -> Citation:
    """The citation of a passage from the document's metadata, the passage and the footnotes it cites."""
    ids = doc.get("identifiers") or {}
    date = _date(doc.get("date"))
    locator = _pinpoint(passage)
    vj = ids.get("vergaderjaar") or (vergaderjaar_for(date) if date else None)
    sources = tuple(Source(f["text"], tuple(f.get("urls") or ())) for f in footnotes)
    url = doc.get("source_url") or official_url(doc["doc_id"])
    common = {"id": passage["id"], "title": doc.get("title"), "issued": date, "locator": locator, "url": url,
              "text": passage["text"], "sources": sources}

    if doc["doc_type"] == "kamervragen" and ids.get("aanhangselnummer") and vj:
        collection = f"Aanhangsel Handelingen II {short_vergaderjaar(vj)}"
        short = f"{collection}, nr. {ids['aanhangselnummer']}, {locator}"
        asked = _questioners(doc)
        answerers = _people(doc, "beantwoorder")
        if passage["anchor"].startswith("vraag"):
            to = next((p.get("office") for p in _people(doc, "geadresseerde")), None)
            head = f"Vragen van {asked}" if asked else "Vragen"
            head += f" aan de {to}" if to else ""
            when = (doc.get("dates") or {}).get("ingezonden")
            head += f", ingezonden {format_date(_date(when))}" if when else ""
        else:
            head = "Antwoord"
            if answerers:
                head += " van " + " en ".join(_office(p) for p in answerers)
            head += f" op vragen van {asked}" if asked else ""
            when = (doc.get("dates") or {}).get("ontvangen")
            head += f", ontvangen {format_date(_date(when))}" if when else ""
        authors = tuple(p.get("office") or p["name"] for p in answerers) or tuple(
            p["name"] for p in _people(doc, "vragensteller"))
        return Citation(kind="aanhangsel", short=short, full=f"{head}, {short}.", authors=authors,
                        number=ids["aanhangselnummer"], collection=collection, **common)

    if doc["doc_type"] == "handelingen" and ids.get("vergadernummer") and vj:
        # Handelingen II 2023/24, nr. 40, item 6, bijdrage 3
        collection = f"Handelingen II {short_vergaderjaar(vj)}"
        number = f"nr. {ids['vergadernummer']}" + (f", item {ids['itemnummer']}" if ids.get("itemnummer") else "")
        short = f"{collection}, {number}, {locator}"
        title = doc.get("title")
        full = (f"{title}, " if title else "") + f"{format_date(date)}, {short}."
        return Citation(kind="handelingen", short=short, full=full, authors=(PARLIAMENT,), number=number,
                        collection=collection, **common)

    if ids.get("dossiernummer") and ids.get("ondernummer"):
        collection = f"Kamerstukken II {short_vergaderjaar(vj)}" if vj else "Kamerstukken II"
        number = f"{ids['dossiernummer']}, nr. {ids['ondernummer']}"
        short = f"{collection}, {number}, {locator}"
        offices = [p["office"] for p in _people(doc, "ondertekenaar") if p.get("office")] or (
            [doc["source"]] if doc.get("source") else [])
        indieners = [p["name"] for p in _people(doc, "indiener") if p.get("name")]
        head, authors = _kamerstuk_head(doc["doc_type"], offices, indieners)
        when = (doc.get("dates") or {}).get("voorgesteld")
        dated = f"voorgesteld {format_date(_date(when))}" if when else format_date(date)
        full = f"{head}, {dated}, {short}."
        return Citation(kind="kamerstuk", short=short, full=full, authors=authors, number=number,
                        collection=collection, **common)

    kind = KIND_WORDS.get(doc["doc_type"], "Document")
    title = doc.get("title") or ""
    named = title if title.lower().startswith(kind.lower()) else f"{kind} {title}".strip()
    ref = ids.get("kenmerk") or ids.get("referentie")
    tail = [format_date(date)] + ([f"kenmerk {ref}"] if ref else []) + [locator]
    short = ", ".join([named] + ([doc["source"]] if doc.get("source") else []) + tail)
    addressee = next((p.get("office") for p in _people(doc, "geadresseerde")), None)
    by = (doc.get("source") or "") + (f" aan de {addressee}" if addressee else "")
    full = ", ".join([named] + ([by.strip()] if by.strip() else []) + tail) + "."
    return Citation(kind="document", short=short, full=full,
                    authors=(doc["source"],) if doc.get("source") else (), number=ref, collection=None, **common)


def _kamerstuk_head(doc_type: str, offices: list[str], indieners: list[str]) -> tuple[str, tuple[str, ...]]:
    """ "Brief van de Minister van …", "Motie van de leden Inge van Dijk en Grinwis", "Memorie van toelichting",
    and the authors a citation manager should list."""
    if doc_type in ("motie", "amendement") and indieners:
        listed = indieners[0] if len(indieners) == 1 else ", ".join(indieners[:-1]) + " en " + indieners[-1]
        who = f"het lid {listed}" if len(indieners) == 1 else f"de leden {listed}"
        return f"{KIND_WORDS[doc_type]} van {who}", tuple(indieners)
    if doc_type in ("kamerbrief", "kamervragen", "document", "beslisnota") or doc_type not in KIND_WORDS:
        return "Brief" + (" van de " + " en de ".join(offices) if offices else ""), tuple(offices)
    return KIND_WORDS[doc_type], tuple(offices or indieners)


def citation_text(doc: dict[str, Any], passage: dict[str, Any]) -> str:
    """The short citation of a passage (as `coi search` shows it)."""
    return build(doc, passage).short


# --------------------------------------------------------------------------------------------- rendering

def trim(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The text, or its beginning up to a word boundary followed by "[…]"."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:") + " […]"


def source_line(source: Source) -> str:
    """A cited source with its URLs: "Human Rights Watch, 3 december 2021, «…» <https://…>"."""
    text = source.text.rstrip(".")
    for url in source.urls:  # each URL stays where it stands, after the source it belongs to
        wrapped = f"<{url}>"
        text = text.replace(f"({url})", wrapped)
        if wrapped not in text:
            text = text.replace(url, wrapped, 1)
    return re.sub(r"\s+", " ", text).strip(" ,;")


def _text(c: Citation, style: str, quote: bool, markdown: bool) -> str:
    line = c.full if style == "full" else c.short
    if not quote:
        return line
    out = [line.rstrip(".") + ":", f"> {trim(c.text)}" if markdown else f"\"{trim(c.text)}\""]
    if c.sources:
        cited = [source_line(s) for s in c.sources]
        if markdown:
            out += ["", "Met verwijzing naar:"] + [f"- {s}" for s in cited]
        else:
            out.append("(met verwijzing naar: " + "; ".join(cited) + ")")
    return "\n".join(out)


def csl_item(c: Citation, style: str = "full") -> dict[str, Any]:
    """A CSL-JSON item, as a citation processor reads it."""
    item: dict[str, Any] = {"id": c.id, "type": "report" if c.kind != "document" else "document",
                            "title": c.title or c.short, "language": "nl", "section": c.locator,
                            "note": c.full if style == "full" else c.short}
    if c.authors:
        item["author"] = [{"literal": a} for a in c.authors]
    if c.kind != "document":
        item["authority"] = PARLIAMENT
        item["publisher"] = PARLIAMENT
    if c.issued:
        item["issued"] = {"date-parts": [[c.issued.year, c.issued.month, c.issued.day]]}
    if c.number:
        item["number"] = c.number
    if c.collection:
        item["collection-title"] = c.collection
    if c.url:
        item["URL"] = c.url
    return item


def _bib_escape(value: str) -> str:
    return re.sub(r"([{}%&#_$\\])", r"\\\1", value)


def bibtex_entry(c: Citation, style: str = "full") -> str:
    fields: list[tuple[str, str]] = [("title", "{" + _bib_escape(c.title or c.short) + "}")]
    if c.authors:
        fields.append(("author", " and ".join("{" + _bib_escape(a) + "}" for a in c.authors)))
    if c.issued:
        fields += [("year", str(c.issued.year)), ("month", str(c.issued.month)), ("date", c.issued.isoformat())]
    if c.collection:
        fields.append(("series", _bib_escape(c.collection)))
    if c.number:
        fields.append(("number", _bib_escape(c.number)))
    if c.kind != "document":
        fields.append(("institution", PARLIAMENT))
    fields.append(("note", _bib_escape(c.full if style == "full" else c.short)))
    if c.url:
        fields.append(("url", c.url))
    fields.append(("language", "dutch"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}"


def ris_entry(c: Citation, style: str = "full") -> str:
    tags: list[tuple[str, str]] = [("TY", "GOVDOC"), ("ID", c.key), ("TI", c.title or c.short)]
    tags += [("AU", a) for a in c.authors]
    if c.issued:
        tags += [("PY", str(c.issued.year)), ("DA", c.issued.strftime("%Y/%m/%d"))]
    if c.collection:
        tags.append(("T2", c.collection))
    if c.number:
        tags.append(("IS", c.number))
    if c.kind != "document":
        tags.append(("PB", PARLIAMENT))
    tags += [("SE", c.locator), ("N1", c.full if style == "full" else c.short), ("LA", "nl")]
    if c.url:
        tags.append(("UR", c.url))
    return "\n".join(f"{tag}  - {value}" for tag, value in tags) + "\nER  - "


def render(citations: list[Citation], fmt: str = "text", style: str = "short", quote: bool = False) -> str:
    """Citations in one format; more than one are numbered (text, markdown) and de-duplicated by passage."""
    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r} is not known; use one of {', '.join(FORMATS)}")
    if style not in STYLES:
        raise UsageError(f"style {style!r} is not known; use full or short")
    unique = list({c.id: c for c in citations}.values())
    if fmt == "csl-json":
        return json.dumps([csl_item(c, style) for c in unique], ensure_ascii=False, indent=2)
    if fmt == "bibtex":
        return "\n\n".join(bibtex_entry(c, style) for c in unique)
    if fmt == "ris":
        return "\n".join(ris_entry(c, style) for c in unique)
    markdown = fmt == "markdown"
    if len(unique) == 1:
        return _text(unique[0], style, quote, markdown)
    blocks = []
    for n, c in enumerate(unique, 1):
        body = _text(c, style, quote, markdown)
        blocks.append(f"{n}. {body}" if not markdown else f"{n}. " + body.replace("\n", "\n   "))
    return ("\n\n" if quote else "\n").join(blocks)
