"""Format readers: one module per input format, each turning a file into lines (`Extracted`)."""

from __future__ import annotations

import importlib
from pathlib import Path

from coi.errors import InputError
from coi.lines import Extracted

# suffix -> module in this package with a `read(path) -> Extracted`; imported only when used, so that
# commands that read no PDF do not pay for pdfplumber.
READERS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xml": "xml",
}


def supported(path: Path) -> bool:
    """Whether coi has a reader for this file."""
    return path.suffix.lower() in READERS


def extract(path: Path, ocr_cache: Path | None = None) -> Extracted:
    """Read a document file into lines, by its suffix (`ocr_cache`: where a PDF's OCR'd pages are kept)."""
    name = READERS.get(path.suffix.lower())
    if name is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; coi reads {known}")
    module = importlib.import_module(f"coi.formats.{name}")
    result: Extracted = module.read(path, ocr_cache) if name == "pdf" else module.read(path)
    return result
