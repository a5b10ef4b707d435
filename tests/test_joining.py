"""Words joined over line breaks: a hyphen at the line end is kept where it belongs to the word."""

from __future__ import annotations

from coi.clean import join_lines
from tests.conftest import parse_once


def test_hyphen_kept_after_capitals_on_a_real_letter() -> None:
    # "ReFuelEU-" / "verordening" at a line end of the IenW letter came out "ReFuelEUverordening"
    doc = parse_once("tests/fixtures/pdf/kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf")
    text = " ".join(p.text for p in doc.passages)
    assert "ReFuelEUverordening" not in text and "ReFuelEU-verordening" in text


def test_a_word_with_a_hyphen_keeps_the_one_at_the_line_end() -> None:
    # seed 003's footnote 3 read "people-to- people"; the issue's "ENTSO-E- verband"; Amsterdam's "Willem-III-"
    assert join_lines(["people-to-", "people contacten"]) == "people-to-people contacten"
    assert join_lines(["het ENTSO-E-", "verband"]) == "het ENTSO-E-verband"
    assert join_lines(["Willem-III-", "sluis"]) == "Willem-III-sluis"
    assert join_lines(["een fase-2-", "besluit"]) == "een fase-2-besluit"
    assert join_lines(["artikel 5-", "bis"]) == "artikel 5-bis"
    assert join_lines(["toe te voegen in het e-", "mailbericht."]) == "toe te voegen in het e-mailbericht."
    # and what was right stays right
    assert join_lines(["mishande-", "ling"]) == "mishandeling"
    assert join_lines(["vlucht-", "en vestigingsalternatief"]) == "vlucht- en vestigingsalternatief"
    assert join_lines(["EU-", "lidstaten"]) == "EU-lidstaten"


def test_e_mail_keeps_its_hyphen_on_a_real_decision() -> None:
    doc = parse_once("tests/fixtures/pdf/wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf")
    text = " ".join(p.text for p in doc.passages)
    assert "e-mailbericht" in text and "emailbericht" not in text.replace("e-mailbericht", "")
