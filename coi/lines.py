"""Lines of text with what the format knows about them: the common currency of extract, clean and parse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Footnote markers in body text become sentinels that survive line joining; see coi.footnotes.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARK_RE = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")


@dataclass(frozen=True)
class Line:
    """One line of a document as extracted."""

    text: str
    page: int = 1
    page_start: bool = False  # the first line of a new page
    heading: int = 0  # a heading level the format knows (Markdown '#', a bold or large font); 0 when not known
    zone: str = "body"  # "body", or "footnote" when the layout already put the line in the footnote zone


@dataclass(frozen=True)
class Extracted:
    """What a format reader hands to the cleaner."""

    lines: list[Line]
    paged: bool = False  # page numbers are real (PDF, form feeds) and go into passages
    metadata: dict[str, str] = field(default_factory=dict)  # what the format itself says (PDF Title, sidebar)
    warnings: tuple[str, ...] = ()
    ocr: dict[int, float] = field(default_factory=dict)  # page -> mean word confidence (0-100), pages read by OCR
