"""Motie: "De Kamer, gehoord de beraadslaging," then its considerations (constaterende …, overwegende …) and its
dictum (verzoekt de regering …), "en gaat over tot de orde van de dag.", and the names of its indieners.

Each consideration and each dictum is a passage, anchored by the word that opens it: `constaterende-1`,
`overwegende-1`, `verzoekt-1`, `verzoekt-2`.
"""

from __future__ import annotations

import re

from coi.clean import blocks, visible
from coi.genres.common import Draft, GenreResult, section_text
from coi.genres.identity import FOOTER
from coi.genres.kamerstuk import head_end, head_metadata, restore_case
from coi.lines import Line
from coi.model import Person

_PREAMBLE = re.compile(r"^(De Kamer|De Eerste Kamer|gehoord de beraadslaging)\b", re.I)
_CLOSING = re.compile(r"\s*en gaat over tot de orde van de dag\.?\s*$", re.I)
# the verbs a dictum opens with; a consideration opens with a participle ("constaterende", "overwegende")
_DICTUM = {"verzoekt", "roept", "spreekt", "draagt", "vraagt", "besluit", "dringt", "wijst", "betreurt",
           "steunt", "veroordeelt", "doet", "zegt", "stelt", "nodigt", "acht", "erkent", "constateert"}
_FIRST_WORD = re.compile(r"^([a-zà-ÿ]+)\b")


def _clause_kind(text: str) -> str | None:
    m = _FIRST_WORD.match(text)
    if not m:
        return None
    word = m.group(1)
    if word.endswith(("ende", "end")) or word in _DICTUM:
        return word
    return None


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """Considerations and dictum as passages; indieners, the "Voorgesteld" date and the title as metadata."""
    start = head_end(lines, fields)
    result = GenreResult(drafts=[])
    head_metadata(lines[:start], fields, result)
    preamble: list[str] = []
    clauses: list[tuple[str, list[str], set[int]]] = []  # kind, texts, pages
    names: list[str] = []
    closed = False
    for block in blocks(lines[start:]):
        text = section_text(block.lines)
        flat = visible(text).strip()
        if closed:
            names.extend(t for line in block.lines if (t := visible(line.text).strip()) and not FOOTER.match(t))
            continue
        if not clauses and _PREAMBLE.match(flat):
            preamble.append(flat)
            continue
        kind = _clause_kind(flat)
        if kind or not clauses:
            clauses.append((kind or "overweging", [text], set(block.pages)))
        else:
            clauses[-1][1].append(text)
            clauses[-1][2].update(block.pages)
        if _CLOSING.search(flat):
            closed = True
    heading = " ".join(preamble) or None
    counts: dict[str, int] = {}
    for kind, texts, pages in clauses:
        counts[kind] = counts.get(kind, 0) + 1
        n = counts[kind]
        result.drafts.append(Draft(f"{kind}-{n}", f"{kind} {n}", heading, "\n\n".join(texts), tuple(sorted(pages))))
    indieners = [n.strip() for n in fields.get("indieners", "").split(";") if n.strip()] or names
    result.people.extend(Person(name=name, role="indiener") for name in indieners)
    if result.title:
        result.title = restore_case(result.title, names)
    if not any(kind != "overweging" for kind, _, _ in clauses):
        # no "constaterende", no "verzoekt": a page about a motie rather than its text; the caller keeps the
        # text as paragraphs
        result.drafts = []
    return result
