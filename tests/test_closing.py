"""Nothing after the signature is lost: post-scripts, the objection clause and annexes become passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from coi.model import Document
from coi.parse import parse_file
from tests.conftest import parse_once

PDF = Path("tests/fixtures/pdf")
WOO_BESLUIT = PDF / "woo_IenW_2025-12-09_besluit_landsadvocaat_stikstof.pdf"
WOB_INVENTARIS = PDF / "wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf"
P06 = Path("tests/fixtures/realdocs/p06_kst-19637-1431_brief_minister_immigratie_asiel_syrie_moratorium_2011.txt")


@pytest.fixture(scope="module")
def besluit() -> Document:
    return parse_once(str(WOO_BESLUIT))


def _passage(doc: Document, anchor: str):
    return next((p for p in doc.passages if p.anchor == anchor), None)


def test_objection_clause_after_the_signature_is_a_passage(besluit: Document) -> None:
    slot = _passage(besluit, "slot")
    assert slot is not None, [p.anchor for p in besluit.passages]
    assert slot.heading == "Bezwaarclausule"
    assert "kunt u terecht bij de hierboven genoemde contactpersoon" in slot.text
    rest = [p for p in besluit.passages if p.anchor.startswith("slot-")]
    assert "kunnen belanghebbenden een bezwaarschrift indienen" in rest[0].text
    assert rest[0].locator == "slot, alinea 2"
    assert "per gewone post en niet per e-mail" in " ".join(p.text for p in besluit.passages)


def test_annexes_become_bijlage_passages(besluit: Document) -> None:
    bijlage = _passage(besluit, "bijlage-1")
    assert bijlage is not None, [p.anchor for p in besluit.passages]
    assert bijlage.locator == "bijlage 1"
    assert bijlage.heading == "Bijlage 1 – Relevante artikelen uit de Woo"
    assert "Eenieder heeft recht op toegang tot publieke informatie" in bijlage.text


def test_signatory_with_a_title_in_lower_case(besluit: Document) -> None:
    names = [p.name for p in besluit.people if p.role == "ondertekenaar"]
    assert "drs. C. van der Burg" in names


def test_besluit_keeps_its_text(besluit: Document) -> None:
    assert besluit.coverage is not None
    assert besluit.coverage.ratio >= 0.99, besluit.warnings
    assert besluit.coverage.longest_lost_run < 40


def test_inventory_and_released_documents_after_the_signature_are_kept() -> None:
    doc = parse_once(str(WOB_INVENTARIS))
    assert doc.coverage is not None
    assert doc.coverage.longest_lost_run < 40, doc.warnings
    # a complaint in the released documents, after the signature
    kept = next(p for p in doc.passages if "was er dof en onverzorgd" in p.text)
    assert kept.anchor.startswith("slot")


def test_a_last_short_line_is_text_not_a_heading() -> None:
    # the page was cut off mid-sentence: its last line is one short line, and no passage follows it
    doc = parse_file(P06)
    assert "Uiterlijk na ommekomst van genoemde termijn" in doc.passages[-1].text


@pytest.mark.slow  # reading this 22-page PDF takes half a minute
def test_a_running_footer_is_furniture_wherever_the_layout_put_it() -> None:
    # the AP letter prints "Openbare versie" at the foot of its pages; it was glued to footnotes 3, 6 and 11
    doc = parse_file(PDF / "brief_AP_2020-08-06_z2020-11824_advies_notificatie-app.pdf")
    assert not [f.n for f in doc.footnotes if "Openbare versie" in f.text]
    assert doc.footnote(11) is not None and doc.footnote(11).text.endswith("geraadpleegd op 03-08-2020.")
    assert doc.coverage is not None and dict(doc.coverage.furniture)["running header or footer"] >= 18


def test_headings_in_a_row_all_head_the_text_below() -> None:
    # the motie's head is three headings in a row: each one replaced the one before, and their words were lost
    doc = parse_file(PDF / "kst-32545-143.pdf")
    assert doc.passages[0].heading is not None
    assert "Wet- en regelgeving financiële markten" in doc.passages[0].heading
    assert doc.coverage is not None and doc.coverage.ratio >= 0.99, doc.warnings


def test_each_released_e_mail_heads_its_paragraphs() -> None:
    # the NVWA decision releases complaints forwarded as e-mails: "Van: NVWA / Aan: … / Onderwerp: …"
    doc = parse_once(str(WOB_INVENTARIS))
    kept = next(p for p in doc.passages if "was er dof en onverzorgd" in p.text)
    assert kept.heading is not None and kept.heading.startswith("Van: Servicemodule; Aan: NVWA Klantcontactcentrum;")
    headers = {p.heading.split(" — ")[0] for p in doc.passages if p.heading and p.heading.startswith("Van: ")}
    assert len(headers) >= 3, headers  # the released complaints (one of the four has no e-mail header)


def test_a_salutation_with_the_name_redacted_is_no_heading(besluit: Document) -> None:
    assert besluit.passages[0].heading != "Geachte"
    assert besluit.passages[0].text.startswith("U heeft bij mijn ministerie een verzoek ingediend")
