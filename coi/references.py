"""Mentions of other parliamentary documents: Kamerstukken, moties, Aanhangsels."""

from __future__ import annotations

import re

from coi.dates import normalise_vergaderjaar
from coi.model import Reference

_DOSSIER = r"(?P<dossier>\d{2}\s?\d{3}(?:\s?-\s?[\dA-Z]{1,3}|\s+[IVXLC]{1,5}\b)?)"
# "Kamerstuk(ken)" or "motie" as a word: its first letter is looked for first, and the word boundary before it is
# checked behind that letter ("\b(Kamerstuk|motie)" is tried at every position of a text: four times slower)
_KAMERSTUK = re.compile(
    rf"(?P<kind>[KMm](?<!\w.)(?:(?<=K)amerstuk(?:ken)?|(?<=[Mm])otie))\b[^()\n]{{0,60}}?\(?{_DOSSIER},?\s+(?:[Nn]r|[Nn]o)s?\.?\s*"
    r"(?P<nr>\d+)"
    r"(?P<more>(?:\s*(?:,|en)\s*\d+)*)"
)
_BARE = re.compile(rf"\(\s*{_DOSSIER},\s*nr\.\s*(?P<nr>\d+)\)")  # "(21501-02, nr. 2228)" after a motie's name
_AANHANGSEL = re.compile(
    r"Aanhangsel(?: van de)? Handelingen(?:\s+II)?,?\s+(?:vergaderjaar\s+)?(?P<jaar>\d{4}\s*[–\-/]\s*\d{2,4}),?"
    r"\s+nrs?\.\s*(?P<nr>\d+)(?P<more>(?:\s*(?:,|en)\s*\d+)*)",
    re.I,
)


def _dossier(text: str) -> str:
    d = re.sub(r"\s*-\s*", "-", text.strip())
    d = re.sub(r"^(\d{2})\s(\d{3})", r"\1\2", d)
    return re.sub(r"\s+", "-", d)


def _balanced(text: str) -> str:
    text = text.strip()
    return text + ")" if text.count("(") > text.count(")") else text


def find_references(text: str) -> list[Reference]:
    """Every parliamentary document a text cites, in order, without duplicates."""
    found: list[tuple[int, Reference]] = []
    for m in _KAMERSTUK.finditer(text):
        before = text[max(0, m.start() - 80): m.start()].lower()
        kind = "motie" if m.group("kind").lower() == "motie" or "motie" in before else "kamerstuk"
        for nr in [m.group("nr"), *re.findall(r"\d+", m.group("more") or "")]:
            found.append((m.start(), Reference(kind, _balanced(m.group(0)), _dossier(m.group("dossier")), nr)))
    for m in _BARE.finditer(text):
        before = text[max(0, m.start() - 80): m.start()].lower()
        kind = "motie" if "motie" in before else "kamerstuk"
        found.append((m.start(), Reference(kind, m.group(0).strip("() "), _dossier(m.group("dossier")),
                                           m.group("nr"))))
    for m in _AANHANGSEL.finditer(text):
        jaar = normalise_vergaderjaar(m.group("jaar"))
        for nr in [m.group("nr"), *re.findall(r"\d+", m.group("more") or "")]:
            found.append((m.start(), Reference("aanhangsel", m.group(0).strip(), vergaderjaar=jaar,
                                               aanhangselnummer=nr)))
    out: list[Reference] = []
    keys: set[tuple[str | None, ...]] = set()
    for _, ref in sorted(found, key=lambda x: x[0]):
        key = (ref.kind, ref.dossiernummer, ref.ondernummer, ref.vergaderjaar, ref.aanhangselnummer)
        dup = (ref.dossiernummer, ref.ondernummer)
        if key in keys or (ref.dossiernummer and any((k[1], k[2]) == dup for k in keys)):
            continue
        keys.add(key)
        out.append(ref)
    return out
