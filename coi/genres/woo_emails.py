"""Woo releases of e-mails: each message a group of passages, its header (Van, Verzonden, Aan, CC, Onderwerp)
in the heading of those passages.

A message starts at a header block: "Van:" or "From:" followed within a few lines by at least two more header
fields ("Verzonden:"/"Sent:"/"Datum:", "Aan:"/"To:", "Onderwerp:"/"Subject:"), or at a quoted reply ("Op 7 mei
2019 om 15:50 heeft X het volgende geschreven:"). Text before the first message (the besluit that releases
them, a note) stays in paragraph passages. Redaction codes ("10.2.e", "5.1.2e") are text like any other and so
stay where the sender's name or address was.

Until the genre registry decides between genres by `detect()` scores, `coi.genres.detect` sends a document
that is mostly e-mail to the generic document parser, which hands it to this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coi.clean import visible
from coi.genres.common import Draft, GenreResult, paragraph_drafts
from coi.lines import Line

# header label (Dutch and English, as Outlook prints them) -> field name
FIELDS = {
    "van": "van", "from": "van",
    "verzonden": "verzonden", "sent": "verzonden", "datum": "verzonden", "date": "verzonden",
    "aan": "aan", "to": "aan",
    "cc": "cc", "bcc": "cc",
    "onderwerp": "onderwerp", "subject": "onderwerp",
    "bijlagen": "bijlagen", "attachments": "bijlagen",
}
_FIELD = re.compile(r"^(?P<label>[A-Za-z]{2,12})\s*:\s*(?P<value>.*)$")
_QUOTED = re.compile(r"^Op (?P<date>.{6,40}?) (?:om \d{1,2}[:.]\d{2} )?heeft (?P<who>.+?) het volgende geschreven:?$")
MOSTLY = 0.5  # detect() score from which a document is read as a release of e-mails
HEADER_SPAN = 20  # lines: the fields of one header block, a long wrapped "Aan:" or "CC:" list included


@dataclass
class Message:
    """One e-mail: its header fields and the lines of its body."""

    fields: dict[str, str] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    def heading(self) -> str:
        """What a reader needs to place a passage: subject, sender and date."""
        parts = [self.fields.get("onderwerp", "").strip() or "(geen onderwerp)"]
        if self.fields.get("van"):
            parts.append(f"van {self.fields['van'].strip()}")
        if self.fields.get("verzonden"):
            parts.append(self.fields["verzonden"].strip())
        return ", ".join(parts)


def _field(line: Line) -> tuple[str, str] | None:
    m = _FIELD.match(visible(line.text).strip())
    if m and m.group("label").lower() in FIELDS:
        return FIELDS[m.group("label").lower()], m.group("value")
    return None


def _header_end(lines: list[Line], i: int) -> int | None:
    """Where the header block starting at line i ends (exclusive), or None when no header starts there. A line
    that is no field between two fields continues the one before (a long "Aan:" list wraps)."""
    first = _field(lines[i])
    if first is None or first[0] != "van":
        return None
    names = {"van"}
    end = i + 1
    for j in range(i + 1, min(len(lines), i + HEADER_SPAN)):
        if not lines[j].text.strip():
            continue
        found = _field(lines[j])
        if found is None:
            if "onderwerp" in names:  # the subject comes last (attachments aside): the body begins
                break
            continue
        if found[0] in names and found[0] != "cc":
            break
        names.add(found[0])
        end = j + 1
    return end if len(names & {"verzonden", "aan", "onderwerp"}) >= 2 else None


def _read_header(lines: list[Line]) -> dict[str, str]:
    fields: dict[str, str] = {}
    name = ""
    for line in lines:
        found = _field(line)
        if found:
            name, value = found
            fields[name] = f"{fields[name]}; {value}" if name in fields else value
        elif name and line.text.strip():
            fields[name] += " " + visible(line.text).strip()
    return fields


def split_messages(lines: list[Line]) -> tuple[list[Line], list[Message]]:
    """The lines before the first message, and the messages in their order."""
    before: list[Line] = []
    messages: list[Message] = []
    i = 0
    while i < len(lines):
        end = _header_end(lines, i)
        quoted = _QUOTED.match(visible(lines[i].text).strip())
        if end is not None:
            messages.append(Message(_read_header(lines[i:end])))
            i = end
            continue
        if quoted:
            messages.append(Message({"van": quoted.group("who"), "verzonden": quoted.group("date")}))
            i += 1
            continue
        (messages[-1].lines if messages else before).append(lines[i])
        i += 1
    return before, messages


def detect(lines: list[Line]) -> float:
    """How much of the text is e-mail: the share of non-blank lines inside messages (0 when there are none)."""
    before, messages = split_messages(lines)
    inside = sum(1 for m in messages for line in m.lines if line.text.strip())
    total = inside + sum(1 for line in before if line.text.strip())
    return inside / total if messages and total else 0.0


def parse(lines: list[Line], fields: dict[str, str], letterhead: list[str]) -> GenreResult:
    """Paragraph passages before the first message (alinea-N), then per message bericht-N (its first paragraph)
    and bericht-N-M (the paragraphs after it), each headed by the message's subject, sender and date."""
    before, messages = split_messages(lines)
    drafts = paragraph_drafts(before)
    for n, message in enumerate(messages, 1):
        heading = message.heading()
        body = paragraph_drafts(message.lines, start_heading=heading)
        if not body:  # a header with an empty body still shows that the message was sent
            body = [Draft("", "", heading, "", ())]
        for k, draft in enumerate(body, 1):
            anchor, locator = (f"bericht-{n}", f"bericht {n}") if k == 1 else (
                f"bericht-{n}-{k}", f"bericht {n}, alinea {k}")
            drafts.append(Draft(anchor, locator, heading, draft.text, draft.pages))
    result = GenreResult(drafts=[d for d in drafts if d.text.strip()], date_text=fields.get("datum"))
    if messages and not result.date_text:
        result.date_text = messages[0].fields.get("verzonden")
    if messages and not any(line.text.strip() for line in before):  # a besluit before them has its own title
        result.title = messages[0].fields.get("onderwerp", "").strip() or None
    ref = fields.get("kenmerk") or fields.get("referentie")
    if ref:
        result.identifiers["kenmerk"] = ref
    return result
