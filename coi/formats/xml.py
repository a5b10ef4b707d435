"""Official-publication XML (zoek.officielebekendmakingen.nl): Kamerstukken, Aanhangsels, Staatsblad and
Staatscourant as published, and the legacy `<kamerwrk>` format of the 1990s.

Structure comes from the markup, not from the look of the text: `<vraag>`/`<antwoord>` with their `<nr>` labels,
`<tussenkop>` and `<divisie>`/`<kop>` headings, `<artikel>` with its label, `<noot>` footnotes (a marker in the
body, the note in the footnote zone), `<extref>` links, `<lijst>` items, CALS tables one row a line. Identifiers
and dates come from `<metadata>` (DC/OVERHEIDop) and from the head elements (`<dossiernr>`, `<ondernummer>`,
`<kamervraagnummer>`, `<datum isodatum>`). `<?xpp …?>` typesetting instructions inside words are dropped without
breaking the word.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from coi.errors import InputError
from coi.formats.meta import official_fields
from coi.formats.text import read_bytes
from coi.genres.identity import dossier
from coi.lines import Extracted, Line

MAX_BYTES = 50 * 2**20
# elements that hold no document text: metadata, images, typesetting versions, column specifications
_SKIP = {"metadata", "plaatje", "illustratie", "versie", "colspec", "ltrlabel", "noot.nr"}
_HEADINGS = {"tussenkop": 2, "tuskop": 2, "intitule": 1, "subtitel": 3}
_PARAGRAPHS = {"al", "considerans.al", "wie", "wij", "slotformulering", "kamervraagomschrijving", "datumtekst",
               "dagtekening", "functie", "naam", "label", "plaats", "vraag-nr"}
_LIST_MARK = re.compile(r"^[–•-]$")


@dataclass
class _State:
    lines: list[Line] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (number, text)
    fields: dict[str, str] = field(default_factory=dict)
    dossiers: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # <vraag>, <antwoord> seen so far

    def add(self, text: str, heading: int = 0) -> None:
        # inline names and links leave a space before punctuation: "Van Weyenberg , Romke de Jong"
        text = re.sub(r"\s+([,.;:)])", r"\1", re.sub(r"\s+", " ", text)).strip()
        if text:
            self.lines.append(Line(text, heading=heading))

    def blank(self) -> None:
        if self.lines and self.lines[-1].text:
            self.lines.append(Line(""))


def read(path: Path) -> Extracted:
    """Read an official-publication XML file into lines, with its identifiers and dates as metadata."""
    data = read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: {len(data) // 2**20} MB of XML is too large for one document")
    try:
        # the default tree builder drops processing instructions and joins the text around them, so
        # "methaan<?xpp afbm?>doel" reads "methaandoel"
        root = ET.fromstring(data.lstrip(b"\xef\xbb\xbf").lstrip())
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc}); is it a complete download?") from None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:  # the publication schemas use no namespace; others might
            el.tag = el.tag.split("}", 1)[1]
    state = _State()
    state.fields.update(_metadata(root))
    try:
        _walk(root, state, top=True)
    except RecursionError:
        raise InputError(f"{path}: XML nested too deeply to be a document") from None
    if state.dossiers:
        state.fields.setdefault("dossiernummer", state.dossiers[0])
        if len(state.dossiers) > 1:
            state.fields.setdefault("dossiernummer_2", state.dossiers[1])
    if not any(line.text for line in state.lines):
        raise InputError(f"{path}: no document text in the XML (root element <{root.tag}>)")
    lines = state.lines + [Line("", zone="footnote")]
    lines += [Line(f"{n} {text}", zone="footnote") for n, text in state.notes]
    return Extracted(lines=lines, metadata={k: v for k, v in state.fields.items() if v})


def _metadata(root: ET.Element) -> dict[str, str]:
    metas = [(m.get("name", ""), m.get("scheme", ""), m.get("content", "")) for m in root.iter("meta")]
    out = official_fields(metas)
    for _, _, content in metas:
        # "https://zoek.officielebekendmakingen.nl/kst-32545-143/metadata.xml" names the publication
        m = re.search(r"officielebekendmakingen\.nl/([a-z-]+-[0-9A-Za-z-]+)/metadata\.xml", content)
        if m:
            out.setdefault("doc_identifier", m.group(1))
    return out


def _inline(el: ET.Element, state: _State) -> str:
    """The text of an element as one string: footnotes become markers, links keep their address."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "noot":
            n = (child.findtext("noot.nr") or "").strip()
            body = " ".join(_inline(al, state) for al in child if al.tag != "noot.nr")
            if n:
                state.notes.append((n, re.sub(r"\s+", " ", body).strip()))
                parts.append(f"[{n}]")
        elif child.tag == "extref" and (child.get("soort") or "").upper() == "URL":
            label, url = _inline(child, state).strip(), (child.get("doc") or "").strip()
            parts.append(label if not url or url in label else f"{label} ({url})")
        elif child.tag in ("al", "li", "lijst", "naam"):
            parts.append(" " + _inline(child, state) + " ")
        elif child.tag in ("voornaam", "achternaam"):
            parts.append(_inline(child, state) + " ")
        elif child.tag not in _SKIP:
            parts.append(_inline(child, state))
        parts.append(child.tail or "")
    return "".join(parts)


def _walk(el: ET.Element, state: _State, top: bool = False) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or tag in _SKIP:
            continue
        if tag == "kop" and top:  # the masthead of a Staatsblad or Staatscourant
            continue
        _element(child, tag, state)


def _element(el: ET.Element, tag: str, state: _State) -> None:
    f = state.fields
    if tag in ("kamerstukkop", "kamervraagkop"):
        for regel in el.iter("tekstregel"):
            if regel.get("inhoud") == "vergaderjaar":
                m = re.search(r"\d{4}\s*[-–‒]\s*\d{4}", regel.text or "")
                if m:
                    f.setdefault("vergaderjaar", re.sub(r"\s*[-–‒]\s*", "-", m.group(0)))
            elif regel.get("inhoud") == "documenttype" and "Aanhangsel" in (regel.text or ""):
                f.setdefault("publicatie", "Aanhangsel Handelingen")
    elif tag == "dossier":
        number = el.find("dossiernummer")
        if number is not None:
            state.dossiers.append(dossier(number.findtext("dossiernr") or "",
                                          number.findtext("begrotingshoofdstuk")))
        f.setdefault("dossiertitel", re.sub(r"\s+", " ", el.findtext("titel") or "").strip())
    elif tag == "frontm":  # legacy <kamerwrk>
        if (vj := el.findtext("vergjaar")) and (m := re.search(r"\d{4}-\d{4}", vj)):
            f.setdefault("vergaderjaar", m.group(0))
        onderw = el.find("onderw")
        if onderw is not None:
            if onderw.findtext("nummer"):
                state.dossiers.append(dossier(onderw.findtext("nummer") or ""))
            f.setdefault("dossiertitel", re.sub(r"\s+", " ", onderw.findtext("naam") or "").strip())
    elif tag == "stuknr":
        f.setdefault("ondernummer", (el.findtext("ondernummer") or "").strip())
    elif tag == "nummer" and "ondernummer" not in f:  # legacy: the stuk's number
        f["ondernummer"] = (el.text or "").strip()
    elif tag == "kamervraagnummer":
        f.setdefault("aanhangselnummer", (el.text or "").strip())
    elif tag == "titel":
        text = _inline(el, state)
        f.setdefault("stuktitel", re.sub(r"\s+", " ", text).strip())
        state.blank()
        state.add(text, heading=1)
        state.blank()
    elif tag == "datumtekst":
        text = _inline(el, state)
        when = el.find("datum")
        word = text.strip().split(" ", 1)[0].lower()
        if when is not None and when.get("isodatum") and word.isalpha():
            f.setdefault(word, when.get("isodatum") or "")
        state.add(text)
        state.blank()
    elif tag in ("vraag", "antwoord"):
        # the markup says which is which even where the label is missing: count them
        state.counts[tag] = state.counts.get(tag, 0) + 1
        state.blank()
        if el.find("nr") is None:
            state.add(f"{tag.capitalize()} {state.counts[tag]}")
        for child in el:
            if child.tag == "nr":
                state.add(_inline(child, state))
            else:
                _element(child, child.tag, state)
        state.blank()
    elif tag in _HEADINGS:
        state.blank()
        text = _inline(el, state)
        if tag == "intitule":  # a decree's title: "Besluit van 9 maart 2018, houdende …"
            f.setdefault("title", re.sub(r"\s+", " ", text).strip())
        state.add(text, heading=_HEADINGS[tag])
        state.blank()
    elif tag == "kop":  # of a divisie or an artikel: number and title on one heading line
        state.blank()
        text = " ".join(_inline(c, state).strip() for c in el if c.tag in ("label", "nr", "titel"))
        if "stuktitel" not in f and el.find("label") is None:  # a notice's own title, before any article
            f.setdefault("title", re.sub(r"\s+", " ", text).strip())
        state.add(text or _inline(el, state), heading=2)
        state.blank()
    elif tag in ("li",):
        nr = (el.findtext("li.nr") or "").strip()
        body = " ".join(_inline(c, state) for c in el if c.tag != "li.nr")
        state.add(f"{'–' if _LIST_MARK.match(nr) else nr} {body}" if nr else f"– {body}")
    elif tag == "lid":
        nr = (el.findtext("lidnr") or "").strip()
        first = True
        for child in el:
            if child.tag == "lidnr":
                continue
            if child.tag == "al" and first:
                state.add(f"{nr} {_inline(child, state)}")
                first = False
            else:
                _element(child, child.tag, state)
        state.blank()
    elif tag == "row":
        cells = [re.sub(r"\s+", " ", _inline(e, state)).strip() for e in el if e.tag == "entry"]
        # a row on a line, its cells between bars; a row that starts with a number is no footnote
        state.add("| " + " | ".join(cells) + " |" if any(cells) else "")
    elif tag == "title":  # a table's caption
        state.blank()
        state.add(_inline(el, state))
    elif tag == "witreg":
        state.blank()
    elif tag in _PARAGRAPHS:
        state.add(_inline(el, state))
        if tag not in ("functie", "naam"):
            state.blank()
    elif tag in ("ondertekening", "table", "lijst"):
        state.blank()
        _walk(el, state)
        state.blank()
    elif (el.text or "").strip() or any((c.tail or "").strip() for c in el):
        # an element coi does not know that holds text of its own: a paragraph, so that no word is lost
        state.add(_inline(el, state))
        state.blank()
    else:
        _walk(el, state)
