"""Voorstel van wet: the aanhef ("Wij Willem-Alexander … Alzo Wij in overweging genomen hebben …"), the articles,
the closing formula and signatures, and whatever follows (the begrotingsstaten of a budget bill).

Each article is a passage anchored `artikel-1`, `artikel-2a`, `artikel-i` (Roman numerals of an amending law).
"""

from __future__ import annotations

import re

from coi.clean import visible
from coi.genres.common import Draft, GenreResult, paragraph_drafts, section_text, split_signatures
from coi.genres.kamerstuk import head_end, head_metadata
from coi.lines import Line

_ARTIKEL = re.compile(r"^Artikel\s+(?P<nr>\d{1,3}[a-z]{0,2}|[IVXLC]{1,6}[A-Z]?)\.?$")
_SLOT = re.compile(r"^(Lasten en bevelen|Gegeven\b)", re.I)


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """Aanhef, one passage per article, the closing formula, and the rest in paragraphs."""
    start = head_end(lines, fields)
    result = GenreResult(drafts=[])
    head_metadata(lines[:start], fields, result)
    body = lines[start:]
    marks = [(i, m.group("nr")) for i, line in enumerate(body)
             if (m := _ARTIKEL.match(visible(line.text).strip()))]
    if not marks:
        result.drafts.extend(paragraph_drafts(body))
        result.warnings.append("no articles found in the voorstel van wet")
        return result
    _add(result, "aanhef", "aanhef", None, body[: marks[0][0]])
    rest_at = len(body)
    for k, (i, nr) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(body)
        if k + 1 == len(marks):  # the last article ends at the closing formula or at the next heading
            end = next((j for j in range(i + 1, len(body)) if _SLOT.match(visible(body[j].text).strip())
                        or body[j].heading and not _ARTIKEL.match(visible(body[j].text).strip())), len(body))
            rest_at = end
        _add(result, f"artikel-{nr.lower()}", f"artikel {nr}", f"Artikel {nr}", body[i + 1: end])
    closing = split_signatures(body[rest_at:])
    result.people.extend(closing.people)
    rest = closing.body
    slot_end = next((j for j, line in enumerate(rest) if line.heading), len(rest))
    _add(result, "slotformulering", "slotformulering", None, rest[:slot_end])
    # what follows the signature block (a budget table under its own heading) is text too
    result.drafts.extend(paragraph_drafts(rest[slot_end:] + closing.after))
    return result


def _add(result: GenreResult, anchor: str, locator: str, heading: str | None, lines: list[Line]) -> None:
    text = section_text(lines)
    if visible(text).strip():
        pages = tuple(sorted({line.page for line in lines if line.text}))
        result.drafts.append(Draft(anchor, locator, heading, text, pages))
