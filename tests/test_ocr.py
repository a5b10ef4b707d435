"""OCR of scanned pages (issue 15), on real scans: which pages need it, what it reads, the cache, and what
happens without Tesseract. The tests that run Tesseract skip, with one line, where it is not installed."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from coi.errors import InputError
from coi.formats import ocr
from coi.parse import parse_file

PDF = Path(__file__).parent / "fixtures" / "pdf"
SCANS = PDF / "scans"
BESLISNOTA = SCANS / "blg-1007826.pdf"  # 2 pages, no text layer at all
EMAILS = PDF / "wob_RVO_2020_fokkerij_emails_doc1-15.pdf"  # e-mails flattened to images between text pages
ROTATED = SCANS / "wob_Amsterdam_2017-11-18_mail_wethouder_woningdelen_scan.pdf"  # /Rotate 270, no text layer
CID = PDF / "brief_Adviescommissie-maatwerk_2023-06-16_Nobian_cid-tekst.pdf"  # Type 3 fonts without a map
EMAIL_SCANNED_PAGES = [3, 5, 6, 7, 8, 10, 11, 12, 13]

_MISSING = ocr.available()
needs_tesseract = pytest.mark.skipif(_MISSING is not None, reason=f"OCR not installed ({_MISSING}): {ocr.INSTALL}")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the module: each page is read by Tesseract once, however many tests parse it."""
    return tmp_path_factory.mktemp("ocr-cache")


def _needs_ocr(path: Path) -> list[int]:
    with pdfplumber.open(path) as pdf:
        return [n for n, page in enumerate(pdf.pages, 1)
                if not ocr.usable([w["text"] for w in page.extract_words()], ocr.image_share(page))]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _accuracy(original: list[str], read: list[str]) -> float:
    """The share of the original's words that OCR read, in order (a word OCR got wrong or missed is lost, and
    so is one read in another order, as a vertical line in the margin may be)."""
    matcher = difflib.SequenceMatcher(None, original, read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(original)


# ------------------------------------------------------------------- which pages need OCR (no Tesseract needed)

def test_pages_without_a_usable_text_layer_are_found() -> None:
    assert _needs_ocr(BESLISNOTA) == [1, 2]
    assert _needs_ocr(ROTATED) == [1]
    assert _needs_ocr(EMAILS) == EMAIL_SCANNED_PAGES
    assert _needs_ocr(CID) == list(range(1, 12))  # "(cid:3)(cid:4)…" is not text
    for text_pdf in sorted(PDF.glob("*1999.pdf")) + sorted(PDF.glob("testdossiers*.pdf")):
        # a real text PDF, and the Woo scans with an OCR layer
        assert _needs_ocr(text_pdf) == [], text_pdf.name


def test_without_tesseract_a_scan_is_indexed_with_what_it_has_and_reported_in_one_line(monkeypatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: "Tesseract is not installed")
    doc = parse_file(EMAILS)
    assert doc.passages and not any(p.ocr for p in doc.passages)
    [line] = [w for w in doc.warnings if "OCR" in w]
    assert line == (f"{EMAILS}: pages 3, 5-8, 10-13: no text layer (image only); OCR not done "
                    f"(Tesseract is not installed; to read them: {ocr.INSTALL})")
    # a PDF with nothing but unusable pages fails with the reason and the install command; "(cid:N)" is never
    # indexed, and a scan without any text names its pages
    with pytest.raises(InputError, match=re.escape(f"{CID}: no readable text layer (text layer without")) as err:
        parse_file(CID)
    assert ocr.INSTALL in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError, match=re.escape(f"{BESLISNOTA}: no text layer (scanned?); pages 1-2: ")) as err:
        parse_file(BESLISNOTA)
    assert ocr.INSTALL in str(err.value)


def test_a_thin_layer_on_a_picture_page_is_kept_unless_ocr_reads_clearly_more() -> None:
    # the cover of the Belastingdienst's Jaarplan 2024: a photo with the title in the text layer
    cover = ["Jaarplan", "2024", "Belastingdienst"]
    assert not ocr.usable(cover, 1.0) and ocr.usable(cover, 0.0) and not ocr.garbage(cover)
    title = ocr.OcrPage(tuple(ocr.OcrWord(t, 0, 1, 0, 1, 10, 90) for t in [*cover, "2023", "-"]), 90.0)
    page = ocr.OcrPage(tuple(ocr.OcrWord("woord", 0, 1, 0, 1, 10, 90) for _ in range(40)), 90.0)
    assert not ocr.reads_more(cover, title) and ocr.reads_more(cover, page)
    cid = ["(cid:3)(cid:4)(cid:5)"] * 12
    assert ocr.garbage(cid) and ocr.reads_more(cid, title)


def test_redaction_codes_stay_markers() -> None:
    # what Tesseract makes of the codes printed in redaction boxes, put back in their one form
    for read, code in [("5.1.2e", "5.1.2e"), ("S.1.2e", "5.1.2e"), ("5.l.2i", "5.1.2i"), ("5,1.2.e", "5.1.2e"),
                       ("5.12e", "5.1.2e"), ("10.2.e", "10.2.e"), ("10.2e", "10.2.e"), ("1O.2.e", "10.2.e"),
                       ("10:2:e", "10.2.e"), ("10.2,.e", "10.2.e")]:  # as read in the RVO e-mails
        assert ocr._marker(read) == code, read
    assert ocr._marker("5.1") == "5.1" and ocr._marker("Sla") == "Sla"


# ------------------------------------------------------------------------------------ OCR with Tesseract

@needs_tesseract
def test_an_image_only_copy_of_a_text_pdf_reads_back_at_95_percent(tmp_path, cache) -> None:
    """The honest fixture: pages of a real text PDF rendered to an image-only PDF, OCR'd, and compared with
    the original's text layer."""
    original = PDF / "ah-tk-20232024-1076.pdf"
    scan = tmp_path / "ah-tk-20232024-1076-scan.pdf"
    with pdfplumber.open(original) as pdf:  # grey, at 300 dpi: as an office scanner makes them
        images = [page.to_image(resolution=300).original.convert("L") for page in pdf.pages]
    images[0].save(scan, "PDF", resolution=300.0, save_all=True, append_images=images[1:])
    assert _needs_ocr(scan) == [1, 2]

    text_doc, scan_doc = parse_file(original), parse_file(scan, cache)
    assert not any(p.ocr for p in text_doc.passages)
    assert scan_doc.passages and all(p.ocr and (p.ocr_confidence or 0) > 80 for p in scan_doc.passages)
    with pdfplumber.open(original) as pdf:
        layer = _words(" ".join(w["text"] for page in pdf.pages for w in page.extract_words()))
    with pdfplumber.open(scan) as pdf:
        read = _words(" ".join(w.text for page in pdf.pages for w in ocr.read_page(page, cache).words))
    assert _accuracy(layer, read) >= 0.95
    # and after layout, cleaning and parsing, the passages say what the original's say
    passages = _words(" ".join(p.text for p in text_doc.passages))
    assert _accuracy(passages, _words(" ".join(p.text for p in scan_doc.passages))) >= 0.95
    assert scan_doc.doc_type == text_doc.doc_type and scan_doc.doc_id == text_doc.doc_id
    assert [p.anchor for p in scan_doc.passages] == [p.anchor for p in text_doc.passages]


@needs_tesseract
def test_a_beslisnota_without_text_layer_becomes_passages(cache) -> None:
    doc = parse_file(BESLISNOTA, cache)
    assert doc.doc_type.value == "beslisnota"
    text = " ".join(p.text for p in doc.passages)
    assert "Nitraatrichtlijn" in text and "Tweeminutendebat mestbeleid" in text
    assert all(p.ocr and p.ocr_confidence and p.ocr_confidence > 80 for p in doc.passages)
    assert {"Aanleiding", "Geadviseerd besluit"} <= {p.heading for p in doc.passages}


@needs_tesseract
def test_a_rotated_scan_is_read_upright(cache) -> None:
    doc = parse_file(ROTATED, cache)
    text = " ".join(p.text for p in doc.passages)
    assert "ThePostOnline" in text and all(p.ocr for p in doc.passages)
    # read well enough for the e-mail's own headers to be understood: subject and date
    assert any((p.heading or "").startswith("SP wil uitleg van Mark Rutte over sleutelgeld") for p in doc.passages)
    assert str(doc.date) == "2017-11-18"


@needs_tesseract
def test_a_page_scanned_sideways_is_turned_upright(cache) -> None:
    with pdfplumber.open(BESLISNOTA) as pdf:
        image = pdf.pages[0].to_image(resolution=ocr.RESOLUTION).original.convert("L")
    assert ocr._orientation(image.rotate(90, expand=True)) == 90  # to turn clockwise
    assert ocr._orientation(image) == 0


@pytest.mark.slow
@needs_tesseract
def test_scanned_pages_between_text_pages(cache) -> None:
    doc = parse_file(EMAILS, cache)
    scanned = [p for p in doc.passages if p.ocr]
    assert scanned and any(not p.ocr for p in doc.passages)
    assert {n for p in scanned for n in p.pages} >= set(EMAIL_SCANNED_PAGES) - {8}
    assert not any("OCR not done" in w for w in doc.warnings)
    # the e-mails on the image pages become messages of their own (8 from the text pages alone)
    assert len({p.anchor.split("-")[1] for p in doc.passages if p.anchor.startswith("bericht-")}) > 8


@pytest.mark.slow
@needs_tesseract
def test_fonts_without_a_character_map_are_read_by_ocr(cache) -> None:
    doc = parse_file(CID, cache)
    text = " ".join(p.text for p in doc.passages)
    assert "(cid:" not in text
    assert "Nobian" in text and "maatwerk" in text.lower()


@needs_tesseract
def test_a_reindex_of_an_unchanged_scan_does_no_ocr(tmp_path, monkeypatch) -> None:
    from coi.store import OCR_CACHE
    from coi.update import index_corpus

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(ROTATED, corpus)
    calls: list[object] = []
    read = ocr._read_image
    monkeypatch.setattr(ocr, "_read_image", lambda image: calls.append(image) or read(image))
    first = index_corpus(index, [corpus])
    assert first.added == 1 and calls and list((index / OCR_CACHE).glob("*.json"))
    assert first.ocr_pages == 1 and "1 page read by OCR" in first.line()  # the one-page scanned e-mail
    calls.clear()
    again = index_corpus(index, [corpus], full=True)  # a rebuild parses every file again
    assert again.added + again.updated + again.unchanged == 1 and again.passages == first.passages
    assert calls == []
    # the scan is found by what it says, and its passages say they were read by OCR
    from coi.model import Document
    from coi.search import lookup, search

    hits = search(index, "sleutelgeld Rutte").hits
    assert hits and hits[0].doc_id == "wob-amsterdam-2017-11-18-mail-wethouder-woningdelen-scan"
    stored = lookup(index, hits[0].id)
    assert not isinstance(stored, Document)
    assert stored.passage.ocr is True and stored.passage.ocr_confidence is not None
    assert stored.passage.ocr_confidence > 80


def test_the_reading_view_and_the_page_say_a_passage_was_read_by_ocr() -> None:
    from coi.model import DocType, Document, Passage
    from coi.render import Style, document_text

    doc = Document(doc_id="scan", doc_type=DocType.DOCUMENT, title="Scan", date=None, passages=(
        Passage(id="scan#alinea-1", anchor="alinea-1", locator="alinea 1", heading=None, text="Gescande tekst.",
                ocr=True, ocr_confidence=91.4),
        Passage(id="scan#alinea-2", anchor="alinea-2", locator="alinea 2", heading=None, text="Tekstlaag.")))
    text = document_text(doc, 100, Style())
    assert text.count("read by OCR (confidence 91)") == 1
    assert text.index("read by OCR") > text.index("Gescande tekst.")
