"""Handelingen: the record of a plenary debate, turn by turn. Each turn ("De heer De Hoop (GroenLinks-PvdA):",
"De voorzitter:", "Minister De Jonge:") is a passage anchored `bijdrage-N`, with the speaker as its heading;
moties read out during the debate stay inside the turn that submits them.
"""

from __future__ import annotations

import re

from coi.clean import visible
from coi.genres.common import Draft, GenreResult, LineStart, paragraph_drafts, section_text
from coi.lines import Line
from coi.model import Person

# a speaker's line: who, maybe the party or office in brackets, and a colon; nothing after it on the line
_SPEAKER = re.compile(
    r"^(?P<who>De voorzitter|(?:De heer|Mevrouw|Minister|Staatssecretaris|Minister-President)\s+[^:()]{1,60}?)"
    r"(?:\s+\((?P<party>[^()]{1,60})\))?:$"
)
# the formulas of a chaired debate
_FORMULA = LineStart(r"Aan de orde is\b|De beraadslaging wordt (geopend|gesloten)|De vergadering wordt\b")


def detect(lines: list[Line], fields: dict[str, str]) -> float:
    """Sure from metadata; else by the shape of a debate: several speakers' turns and the chair's formulas."""
    if fields.get("publicatie", "").lower() == "handelingen" or fields.get("doc_identifier", "").startswith("h-"):
        return 1.0
    texts = [visible(line.text).strip() for line in lines]
    speakers = sum(1 for t in texts if _SPEAKER.match(t))
    if speakers >= 4 and _FORMULA.search("\n".join(texts)):
        return 0.8
    return 0.0


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """One passage per turn; the speakers (with party) as people; what precedes the first turn in paragraphs."""
    result = GenreResult(drafts=[])
    turns = [(i, m) for i, line in enumerate(lines) if (m := _SPEAKER.match(visible(line.text).strip()))]
    start = turns[0][0] if turns else len(lines)
    result.drafts.extend(paragraph_drafts(lines[:start]))
    seen: set[str] = set()
    for k, (i, m) in enumerate(turns):
        end = turns[k + 1][0] if k + 1 < len(turns) else len(lines)
        body = lines[i + 1: end]
        text = section_text(body)
        who = m.group("who")
        if not visible(text).strip():
            continue
        n = sum(1 for d in result.drafts if d.anchor.startswith("bijdrage-")) + 1
        pages = tuple(sorted({line.page for line in body if line.text}))
        heading = who + (f" ({m.group('party')})" if m.group("party") else "")
        result.drafts.append(Draft(f"bijdrage-{n}", f"bijdrage {n} ({heading})", heading, text, pages))
        if who not in seen and who != "De voorzitter":
            seen.add(who)
            name = re.sub(r"^(De heer|Mevrouw)\s+", "", who)
            office = who.split()[0] if who.startswith(("Minister", "Staatssecretaris")) else None
            result.people.append(Person(name=name, role="spreker", party=m.group("party"), office=office))
    if not turns:
        result.warnings.append("no speakers' turns found")
    return result
