"""What a document says about its own identity in its text: the head of a Kamerstuk ("32 545 … Nr. 143 MOTIE
VAN …"), its running footer ("Tweede Kamer, vergaderjaar 2020–2021, 32 545, nr. 143"), and the label table of a
page of zoek.officielebekendmakingen.nl ("Vergaderjaar | Nummer" over "2022-2023 | 189").

The result has the keys that official metadata uses (see coi.formats.meta), so that a genre reads a Kamerstuk's
number the same way whether it came from XML, HTML meta tags or the printed text.
"""

from __future__ import annotations

import re

from coi.clean import visible
from coi.dates import normalise_vergaderjaar
from coi.lines import Line
from coi.model import DocType

# "32 545", "21 501-02", "36 410 XVI", "19637": the dossier at the start of a head line, maybe with its title
_DOSSIER_LINE = re.compile(
    r"^(?P<dossier>\d{2}\s\d{3}|\d{5})(?P<sub>-[0-9A-Z]{1,3}|\s(?:[IVXLC]{1,6}|[A-Z])\b)?(?:\s+(?P<title>\S.*))?$"
)
_NR_LINE = re.compile(r"^Nr\.\s*(?P<nr>\d{1,4})(?:\s+(?P<title>\S.*))?$")
_VERGADERJAAR = re.compile(r"^Vergaderjaar\s+(?P<vj>\d{4}\s*[–‒-]\s*\d{4})$", re.I)
# the running footer of a Kamerstuk: "Tweede Kamer, vergaderjaar 2020–2021, 32 545, nr. 143"
FOOTER = re.compile(
    r"^(?:Tweede|Eerste) Kamer,\s+vergaderjaar\s+(?P<vj>\d{4}\s*[–‒-]\s*\d{4}),\s+(?P<dossier>\d{2}\s?\d{3})"
    r"(?P<sub>[\s-]?(?:[IVXLC]{1,6}|[0-9A-Z]{1,3}))?,\s+nr\.\s*(?P<nr>\d{1,4})\s*\d*$",
    re.I,
)
# a web page's label row, then its value row: "… Vergaderjaar | Nummer …" / "… 2022-2023 | 189 |"
_LABEL_ROW = re.compile(r"Vergaderjaar.{0,5}(Nummer|Dossier- en ondernummer)", re.I)
_VALUE_ROW = re.compile(
    r"(?P<vj>(?:19|20)\d\d-(?:19|20)\d\d)\s*\|?\s*(?:(?P<dossier>\d{5})(?P<sub>-[0-9A-Z]{1,3})?\s+nr\.\s*"
    r"(?P<nr>\d{1,4})|(?P<number>\d{1,5})\s*\|)"
)
# a web page's label list: "Nummer" over "33308-13"
_NUMBER_LABEL = re.compile(r"^(Nummer|Kamerstuknummer|Dossier- en ondernummer):?$", re.I)
_PAGE_LABELS = {"publicatiedatum": "issued", "datum publicatie": "issued", "indiener": "indieners",
                "indieners": "indieners", "eerste indiener": "indieners"}
_KST_NUMBER = re.compile(r"^(?P<dossier>\d{5}(?:-[0-9A-Z]{1,3})?)-(?P<nr>\d{1,4})$")
# the kind of a Kamerstuk from its printed title or DC.type, most specific first
KINDS: list[tuple[re.Pattern[str], DocType]] = [
    (re.compile(r"^((nader\s+)?gewijzigde?\s+)?motie\b", re.I), DocType.MOTIE),
    (re.compile(r"^((nader\s+)?gewijzigde?\s+)?amendement\b", re.I), DocType.AMENDEMENT),
    (re.compile(r"^nota naar aanleiding van (het|verslag)", re.I), DocType.NOTA_NAAR_AANLEIDING_VAN_HET_VERSLAG),
    (re.compile(r"^((gewijzigd|nader gewijzigd)\s+)?voorstel van (rijks)?wet\b", re.I), DocType.VOORSTEL_VAN_WET),
    (re.compile(r"^(memorie van toelichting|toelichting)\b", re.I), DocType.MEMORIE_VAN_TOELICHTING),
    (re.compile(r"^(voorlopig |nader |eind)?verslag\b", re.I), DocType.VERSLAG),
    (re.compile(r"^koninklijke boodschap\b", re.I), DocType.KONINKLIJKE_BOODSCHAP),
    (re.compile(r"^brief\b", re.I), DocType.KAMERBRIEF),
]
HEAD_LINES = 40  # a head is at the top; the footer is looked for everywhere


def dossier(number: str, sub: str | None = None) -> str:
    """ "32 545" -> "32545"; with "-02" -> "32545-02"; with " XVI" -> "36410-XVI"."""
    base = re.sub(r"\s", "", number)
    return f"{base}-{sub.strip(' -')}" if sub and sub.strip(" -") else base


def kind(fields: dict[str, str]) -> DocType | None:
    """The kind of Kamerstuk: official DC.type first, then the printed title; None when it is no Kamerstuk."""
    if not (fields.get("dossiernummer") and fields.get("ondernummer")) and not fields.get("kamerstuktype"):
        return None
    for text in (fields.get("kamerstuktype", ""), fields.get("stuktitel", "")):
        for rx, doc_type in KINDS:
            if rx.match(text.strip()):
                return doc_type
    return DocType.KAMERSTUK


def _vj(text: str) -> str | None:
    return normalise_vergaderjaar(text.replace("‒", "-"))


def text_fields(lines: list[Line], letterhead: list[str]) -> dict[str, str]:
    """Identifiers a document prints about itself: Kamerstuk head and footer, web-page label table."""
    out: dict[str, str] = {}
    head = [*letterhead, *(visible(line.text).strip() for line in lines[:HEAD_LINES * 3])]
    head = [t for t in head if t][: HEAD_LINES + len(letterhead)]
    for i, text in enumerate(head):
        if (m := _VERGADERJAAR.match(text)) and (vj := _vj(m.group("vj"))):
            out.setdefault("vergaderjaar", vj)
        if (m := _DOSSIER_LINE.match(text)) and "stuktitel" not in out:
            # a dossier number is a head only with the stuk's "Nr. N" after the dossier's title (which may wrap
            # over several lines)
            for j in range(i + 1, min(i + 10, len(head))):
                if n := _NR_LINE.match(head[j]):
                    out.setdefault("dossiernummer", dossier(m.group("dossier"), m.group("sub")))
                    out.setdefault("ondernummer", n.group("nr"))
                    title = n.group("title") or _caps_title(head[j + 1:])
                    if title:
                        out["stuktitel"] = title
                    break
        if _LABEL_ROW.search(text):
            # the value row follows; repeated on the page, the cleaner may have set it aside with the letterhead
            _label_table(head[i + 1: i + 4] + letterhead, out)
            if "aanhangselnummer" in out and any(re.match(r"^Aanhangsel\b", t, re.I) for t in head[:i]):
                out["publicatie"] = "Aanhangsel Handelingen"
        if _NUMBER_LABEL.match(text) and i + 1 < len(head) and (m := _KST_NUMBER.match(head[i + 1])):
            out.setdefault("dossiernummer", m.group("dossier"))
            out.setdefault("ondernummer", m.group("nr"))
        if (label := _PAGE_LABELS.get(text.lower().rstrip(":"))) and i + 1 < len(head) and "dossiernummer" in out:
            # "Publicatiedatum" over "10 februari 2015", "Indiener" over "Lilian Helder, Kamerlid PVV"
            value = re.sub(r",\s*(Kamerlid|lid)\b.*$", "", head[i + 1]).strip()
            out.setdefault(label, value)
    if "dossiernummer" in out and "stuktitel" not in out:
        # a page that names the kind as a heading of its own ("Motie") before its label list
        out["stuktitel"] = next((t for t in head if len(t.split()) <= 12 and any(
            rx.match(t) for rx, _ in KINDS)), "")
    for line in lines:
        m = FOOTER.match(visible(line.text).strip())
        if m:
            out.setdefault("vergaderjaar", _vj(m.group("vj")) or "")
            out.setdefault("dossiernummer", dossier(m.group("dossier"), m.group("sub")))
            out.setdefault("ondernummer", m.group("nr"))
            break
    return {k: v for k, v in out.items() if v}


def _caps_title(texts: list[str]) -> str | None:
    """The stuk's title after "Nr. N": the first line in capitals ("MOTIE VAN HET LID …") and those that go on
    in capitals; a place and year ("’s-Gravenhage 2021") or the dossier title in between are passed over."""
    parts: list[str] = []
    for text in texts:
        letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", text)
        caps = len(letters) >= 4 and letters.isupper()
        if caps and (parts or len(text.split()) >= 2):
            parts.append(text)
        elif parts:
            break
    return " ".join(parts) or None


def identity_lines(lines: list[Line]) -> list[str]:
    """The lines of a web page's identity table (its label row and the value row under it) that `text_fields`
    reads: metadata, for the coverage check, not body text."""
    texts = [visible(line.text).strip() for line in lines[:HEAD_LINES * 3]]
    out: list[str] = []
    for i, text in enumerate(texts):
        if _LABEL_ROW.search(text):
            out.append(text)
            out += [value for value in texts[i + 1: i + 4] if _VALUE_ROW.search(value)]
    return out


def _label_table(rows: list[str], out: dict[str, str]) -> None:
    for row in rows:
        m = _VALUE_ROW.search(row)
        if not m:
            continue
        out.setdefault("vergaderjaar", _vj(m.group("vj")) or "")
        if m.group("dossier"):
            out.setdefault("dossiernummer", dossier(m.group("dossier"), m.group("sub")))
            out.setdefault("ondernummer", m.group("nr"))
        elif m.group("number"):
            out.setdefault("aanhangselnummer", m.group("number"))
        return
