"""The parse stage: a file (or extracted lines) -> a Document with passages, footnotes and references."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from coi.clean import join_lines, remove_furniture
from coi.coverage import Accounting, coverage_warnings, measure, numbering_warnings, page_warnings
from coi.dates import parse_date, vergaderjaar_for
from coi.errors import InputError
from coi.footnotes import build_footnotes, mark_footnotes, split_footnotes, strip_marks
from coi.formats import extract
from coi.formats.text import read_bytes
from coi.genres import PARSERS, detect, document
from coi.genres.common import GenreResult, split_long
from coi.genres.identity import identity_lines, text_fields
from coi.lines import Extracted
from coi.model import DocType, Document, Passage
from coi.references import find_references
from coi.sidecar import Sidecar, read_sidecar


def parse_file(path: Path, ocr_cache: Path | None = None) -> Document:
    """Parse one document file, with the metadata kept beside it. Raises CoiError subclasses on bad input.
    `ocr_cache`: where OCR results of scanned pages are kept (the index folder's cache), if anywhere."""
    sidecar = read_sidecar(path)
    extracted = extract(path, ocr_cache)
    sha = hashlib.sha256(read_bytes(path)).hexdigest()
    return parse_extracted(extracted, path, sidecar, sha)


def parse_extracted(extracted: Extracted, path: Path, sidecar: Sidecar | None = None,
                    sha256: str | None = None) -> Document:
    """Clean, split footnotes, detect the genre, parse, and apply the sidecar."""
    sidecar = sidecar or Sidecar()
    cleaned = remove_furniture(extracted.lines)
    body, raw_notes = split_footnotes(cleaned.lines)
    footnotes = build_footnotes(raw_notes)
    body = mark_footnotes(body, {f.n for f in footnotes})
    if not any(line.text for line in body):
        raise InputError(f"{path}: no text found")
    fields = dict(extracted.metadata) | cleaned.fields
    # what the document prints about itself (a Kamerstuk's head, a web page's label table) where the format's
    # own metadata did not say it
    fields = text_fields(body, cleaned.letterhead) | fields
    doc_type = sidecar.doc_type or detect(body, fields)
    result = PARSERS[doc_type](body, fields, cleaned.letterhead)
    if not result.drafts and doc_type != DocType.DOCUMENT:
        # the genre's structure was not found: its text is still kept, in paragraphs
        fallback = document.parse(body, fields, cleaned.letterhead)
        result.drafts = fallback.drafts
        result.warnings.append(f"no {doc_type.value} structure found; text kept as paragraphs")
    result.drafts = split_long(result.drafts)

    date = parse_date(result.date_text or fields.get("issued") or "")
    dates = _dates(result, date)
    identifiers = _identifiers(doc_type, result, fields, date)
    warnings = list(extracted.warnings) + [f"{path}: {w}" for w in result.warnings]

    title = result.title or fields.get("title")
    date = sidecar.date or date
    dates |= sidecar.dates
    identifiers |= sidecar.identifiers
    if date and doc_type != DocType.KAMERVRAGEN and identifiers.get("dossiernummer"):
        identifiers.setdefault("vergaderjaar", vergaderjaar_for(date))
    doc_id = sidecar.doc_id or fields.get("doc_identifier") or make_doc_id(doc_type, identifiers, path)

    passages = []
    cited: set[int] = set()
    for order, draft in enumerate(result.drafts):
        text, numbers = strip_marks(draft.text)
        heading = strip_marks(draft.heading)[0] if draft.heading else None
        cited.update(numbers)
        scanned = [extracted.ocr[n] for n in draft.pages if n in extracted.ocr] if extracted.paged else []
        passages.append(Passage(
            id=f"{doc_id}#{draft.anchor}", anchor=draft.anchor, locator=draft.locator, heading=heading,
            text=text, footnotes=numbers, pages=draft.pages if extracted.paged else (), order=order,
            questions=draft.questions, ocr=bool(scanned),
            ocr_confidence=round(sum(scanned) / len(scanned), 1) if scanned else None,
        ))
    uncited = sorted({f.n for f in footnotes} - cited)
    if uncited:
        warnings.append(f"{path}: footnote(s) {', '.join(map(str, uncited))} not cited in any passage")
    body_text = strip_marks(join_lines([line.text for line in body]))[0]
    full_text = "\n".join([body_text] + [f.text for f in footnotes])
    people = tuple(sidecar.people) or tuple(result.people)
    doc = Document(
        doc_id=doc_id, doc_type=doc_type, title=sidecar.title or title, date=date, dates=dates,
        identifiers=identifiers, people=people, source=sidecar.source or result.source,
        countries=sidecar.countries, source_path=str(path), source_url=sidecar.source_url, sha256=sha256,
        passages=tuple(passages), footnotes=footnotes, references=tuple(find_references(full_text)),
        warnings=tuple(warnings),
    )
    return _checked(doc, extracted, Accounting(
        body=[line.text for line in cleaned.lines],
        removed=cleaned.removed, dropped=result.dropped,
        metadata=[*result.metadata_lines, *identity_lines(body), *result.dates.values(), result.date_text or ""],
    ))


def _checked(doc: Document, extracted: Extracted, accounting: Accounting) -> Document:
    """The document with its coverage and what the self-check found added to its warnings."""
    coverage = measure(doc, accounting)
    found = coverage_warnings(coverage) + numbering_warnings(doc.passages)
    if extracted.paged and extracted.lines:
        found += page_warnings({line.page for line in extracted.lines if line.text},
                               max(line.page for line in extracted.lines))
    where = doc.source_path or doc.doc_id
    return replace(doc, coverage=coverage, warnings=doc.warnings + tuple(f"{where}: {w}" for w in found))


def _dates(result: GenreResult, date: dt.date | None) -> dict[str, dt.date | None]:
    # "4 oktober jl." takes its year from the document's own date
    out: dict[str, dt.date | None] = {}
    for name, text in result.dates.items():
        out[name] = parse_date(text, reference=date)
    return out


def _identifiers(doc_type: DocType, result: GenreResult, fields: dict[str, str],
                 date: dt.date | None) -> dict[str, str]:
    ids = dict(result.identifiers)
    if doc_type not in (DocType.KAMERVRAGEN, DocType.BESLISNOTA, DocType.DOCUMENT):
        # a Kamerstuk: its number from metadata or its printed head, before what the genre parser guessed
        for key in ("dossiernummer", "dossiernummer_2", "ondernummer", "vergaderjaar", "vergadernummer",
                    "itemnummer"):
            if fields.get(key):
                ids[key] = fields[key]
    if doc_type == DocType.KAMERVRAGEN:
        if "vergaderjaar" not in ids and fields.get("vergaderjaar"):
            ids["vergaderjaar"] = fields["vergaderjaar"]
        if "vergaderjaar" not in ids and fields.get("ah_jaar"):
            ids["vergaderjaar"] = f"{fields['ah_jaar'][:4]}-{fields['ah_jaar'][4:]}"
        if "aanhangselnummer" not in ids and fields.get("aanhangselnummer"):
            ids["aanhangselnummer"] = fields["aanhangselnummer"]
        if "aanhangselnummer" not in ids and fields.get("ah_nr"):
            ids["aanhangselnummer"] = fields["ah_nr"]
        if "vergaderjaar" not in ids and date:
            ids["vergaderjaar"] = vergaderjaar_for(date)
    return ids


def slug(text: str) -> str:
    """Lowercase letters and digits joined by hyphens: how a name becomes part of an id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def _dossier_slug(dossier: str) -> str:
    # official ids keep a budget chapter's capitals: kst-36410-XVI-96
    return re.sub(r"[^0-9A-Za-z]+", "-", dossier).strip("-")


def make_doc_id(doc_type: DocType, identifiers: dict[str, str], path: Path) -> str:
    """The stable id: official identifier where known, else the kenmerk, else the file name."""
    jaar, nr = identifiers.get("vergaderjaar"), identifiers.get("aanhangselnummer")
    if doc_type == DocType.KAMERVRAGEN and jaar and nr:
        return f"ah-tk-{jaar.replace('-', '')}-{nr}"
    dossier, onder = identifiers.get("dossiernummer"), identifiers.get("ondernummer")
    if dossier and onder:
        return f"kst-{_dossier_slug(dossier)}-{onder}"
    ref = identifiers.get("kenmerk") or identifiers.get("referentie")
    if ref:
        return f"{doc_type.value}-{slug(ref)}"
    return slug(path.stem)
