"""HTML documents: the document's own text and structure, without the site around it.

Pages from zoek.officielebekendmakingen.nl keep the document in `div.stuk` (questions in `div.vraag`, answers in
`div.antwoord`, footnotes as `noot` with `nootnum` links); an ordinary saved page is taken from its main content
after navigation, menus, forms, scripts, styles and hidden elements are removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from coi.errors import InputError
from coi.formats.meta import official_fields
from coi.formats.text import decode, read_bytes
from coi.lines import Extracted, Line

_DROP_TAGS = ["script", "style", "noscript", "template", "nav", "aside", "form", "button", "iframe", "svg",
              "select", "input", "textarea", "footer", "object", "embed", "canvas", "img"]
# a class or id that begins with one of these names site furniture ("social-media-links", "navigation");
# not "header": sites put the document itself in div#header
_FURNITURE = re.compile(r"^(nav|menu|breadcrumb|footer|social|share|sharing|tools|cookie|search|skip|popup|"
                        r"overlay|colorbox|cbox|banner|sidebar|related|readspeaker|rs_|logo|top$|push$)", re.I)
_CONTENT = ["div.stuk", "main", "article", "[role=main]", "#main-content"]  # else the page body, cleaned
_BLOCKS = {"p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "dt", "dd", "dl", "section", "article",
           "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "header", "main", "body", "caption",
           "figcaption"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _hidden(el: Any) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (el.has_attr("hidden") or el.get("aria-hidden") == "true" or "display:none" in style
            or "visibility:hidden" in style)


def _furniture(el: Any) -> bool:
    if el.name in ("html", "body", "main", "article"):
        return False
    tokens = [*(el.get("class") or []), el.get("id") or ""]
    return any(_FURNITURE.match(t) for t in tokens if t) and not el.select_one("div.stuk")


def read(path: Path) -> Extracted:
    """Read an HTML page into lines; footnotes in their own zone, footnote references as explicit markers."""
    from bs4 import BeautifulSoup  # imported here: only HTML input needs it

    text, warnings = decode(read_bytes(path), path)
    try:
        soup = BeautifulSoup(text, "html.parser")
    except Exception as exc:  # html.parser gives up on very broken input
        raise InputError(f"{path}: unreadable HTML ({type(exc).__name__}: {exc})") from None
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    # officielebekendmakingen pages say what they are in DC/OVERHEIDop meta tags: type, numbers, dates
    official = official_fields((str(m.get("name") or m.get("property") or ""), str(m.get("scheme") or ""),
                                str(m.get("content") or "")) for m in soup.find_all("meta"))
    for el in soup.find_all(_DROP_TAGS):
        el.decompose()
    for el in soup.find_all(True):
        # read the flag directly: `el.decomposed` on a Tag falls through to a search for a child tag of that name
        if el.__dict__.get("_decomposed") or el.attrs is None:
            continue
        if _hidden(el) or _furniture(el):
            el.decompose()
    root = next((el for sel in _CONTENT for el in soup.select(sel) if len(el.get_text(strip=True)) >= 100), None)
    root = root or soup.body or soup
    lines: list[Line] = []
    _walk(root, lines, [], depth=0)
    if not any(line.text for line in lines):
        raise InputError(f"{path}: no document text found in the HTML")
    metadata = {"title": re.split(r"\s+[|–-]\s+", re.sub(r"\s+", " ", title))[0]} if title else {}
    return Extracted(lines=lines, metadata=metadata | official, warnings=warnings)


def _flush(buffer: list[str], lines: list[Line], zone: str, heading: int = 0) -> None:
    text = re.sub(r"\s+", " ", "".join(buffer)).strip()
    buffer.clear()
    if text:
        lines.append(Line(text, heading=heading, zone=zone))


def _walk(node: Any, lines: list[Line], buffer: list[str], depth: int, zone: str = "body") -> None:
    from bs4 import NavigableString, Tag

    if depth > 200:  # a pathologically deep page: keep its text flat rather than recurse further
        buffer.append(node.get_text(" "))
        return
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "ProcessingInstruction", "Declaration"):
                continue
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        classes = " ".join(child.get("class") or [])
        if child.name == "br":
            _flush(buffer, lines, zone)
        elif "nootnum" in classes and zone == "body":
            buffer.append(f"[{child.get_text(strip=True)}]")  # a footnote reference in the text
        elif re.search(r"(^|\s)(noot|voetnoot|footnote)(\s|$)", classes) and zone == "body":
            _flush(buffer, lines, zone)
            _walk(child, lines, buffer, depth + 1, zone="footnote")
            _flush(buffer, lines, "footnote")
        elif child.name == "a" and str(child.get("href") or "").startswith(("http", "www")) and zone == "footnote":
            label = child.get_text(" ", strip=True)
            href = str(child.get("href"))
            # the whole address from href: "www.x.nl/a" shown, "https://www.x.nl/a" linked
            buffer.append(href if label and label in href else f"{label} ({href})")
        elif child.name in _HEADINGS:
            _flush(buffer, lines, zone)
            _flush([child.get_text(" ")], lines, zone, heading=_HEADINGS[child.name])
            lines.append(Line("", zone=zone))
        elif child.name in _BLOCKS and zone == "footnote":  # one footnote is one line: number and text
            buffer.append(" ")
            _walk(child, lines, buffer, depth + 1, zone)
            buffer.append(" ")
        elif child.name in _BLOCKS:
            _flush(buffer, lines, zone)
            _walk(child, lines, buffer, depth + 1, zone)
            _flush(buffer, lines, zone)
            if child.name in ("p", "li", "tr", "dd", "blockquote", "pre", "table", "ul", "ol") and zone == "body":
                lines.append(Line("", zone=zone))
        else:
            _walk(child, lines, buffer, depth + 1, zone)
