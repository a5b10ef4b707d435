"""Genres and identity: which genre each real document is, its official identifiers, and the structure each
genre gives (moties by consideration and dictum, bills by article), from PDF, text, HTML and official XML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coi.cite import build, render
from coi.formats.meta import identifier_fields, official_fields
from coi.genres import detect
from coi.index import doc_meta
from coi.lines import Line
from coi.model import DocType, passage_to_dict
from coi.parse import parse_file

FIXTURES = Path(__file__).parent / "fixtures"
XML = FIXTURES / "xml"
PDF = FIXTURES / "pdf"

# file -> (genre, doc_id): read off each document by hand
EXPECTED = {
    "xml/ah-tk-20202021-3235.xml": ("kamervragen", "ah-tk-20202021-3235"),
    "xml/kst-24447-6.xml": ("memorie-van-toelichting", "kst-24447-6"),
    "xml/kst-28844-269.xml": ("kamerbrief", "kst-28844-269"),
    "xml/kst-32545-143.xml": ("motie", "kst-32545-143"),
    "xml/kst-32847-1136.xml": ("motie", "kst-32847-1136"),
    "xml/kst-36410-XVI-96.xml": ("motie", "kst-36410-XVI-96"),
    "xml/kst-36750-3.xml": ("memorie-van-toelichting", "kst-36750-3"),
    "xml/kst-36755-45.xml": ("motie", "kst-36755-45"),
    "xml/kst-37020-X-1.xml": ("voorstel-van-wet", "kst-37020-X-1"),
    "xml/stb-2018-84.xml": ("document", "stb-2018-84"),
    "xml/stcrt-2015-47076.xml": ("document", "stcrt-2015-47076"),
    "pdf/kst-32545-143.pdf": ("motie", "kst-32545-143"),
    "pdf/kst-35538-4.pdf": ("kamerstuk", "kst-35538-4"),
    "pdf/ah-tk-20202021-3235.pdf": ("kamervragen", "ah-tk-20202021-3235"),
    "pdf/h-tk-20232024-40-6.pdf": ("handelingen", None),
    "pdf/testdossiers__bes4__VWS-WOO-171436-Oplegnota_2020-09-29_13_49_19.docx.pdf": ("beslisnota", None),
    "pdf/testdossiers__woo1__171059.pdf": ("beslisnota", None),
    "pdf/wob_Amsterdam_2018_collegevoordracht_principenota_sixhaven.pdf": ("beslisnota", None),
    "pdf/woo_IenW_2025-12-09_besluit_landsadvocaat_stikstof.pdf": ("document", None),
    "realdocs/p02_ah-tk-20222023-189_azerbeidzjan_armenie.txt": ("kamervragen", "ah-tk-20222023-189"),
    "realdocs/p06_kst-19637-1431_brief_minister_immigratie_asiel_syrie_moratorium_2011.txt":
        ("kamerbrief", "kst-19637-1431"),
    "realdocs/p07_kst-19637-2532_brief_stas_jenv_ambtsbericht_syrie_2019.txt": ("kamerbrief", "kst-19637-2532"),
    "realdocs/p12_kst-21501-02-2375_brief_minbuza_azerbeidzjan_armenie_2021.txt":
        ("kamerbrief", "kst-21501-02-2375"),
    "html/kst-36755-45-op.html": ("motie", "kst-36755-45"),
    "html/tweedekamer_nl_page_2015D04817_wet_auteurscontractenrecht.html": ("motie", "kst-33308-13"),
}


@pytest.fixture(scope="module")
def parsed():
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = parse_file(FIXTURES / name)
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_genre_and_identity(parsed, name) -> None:
    doc = parsed(name)
    genre, doc_id = EXPECTED[name]
    assert doc.doc_type.value == genre
    if doc_id:
        assert doc.doc_id == doc_id


def test_the_most_specific_genre_wins() -> None:
    # a motie's head also looks like a letter's ("De Minister …,"), but its Kamerstuk head says what it is
    lines = [Line("De Kamer,"), Line(""), Line("verzoekt de regering iets te doen,"), Line(""),
             Line("De Minister van Financiën,")]
    assert detect(lines, {"dossiernummer": "32545", "ondernummer": "143", "stuktitel": "MOTIE VAN HET LID X"}) \
        == DocType.MOTIE
    assert detect(lines, {}) != DocType.MOTIE


def test_motie_considerations_and_dictum_are_passages(parsed) -> None:
    doc = parsed("pdf/kst-32545-143.pdf")
    assert [p.anchor for p in doc.passages] == ["constaterende-1", "constaterende-2", "overwegende-1",
                                                "verzoekt-1", "verzoekt-2"]
    assert doc.passages[-1].text.endswith("en gaat over tot de orde van de dag.")
    assert doc.passages[0].heading == "De Kamer, gehoord de beraadslaging,"
    assert [(p.name, p.role) for p in doc.people] == [("Inge van Dijk", "indiener"), ("Grinwis", "indiener")]
    assert doc.dates["voorgesteld"].isoformat() == "2021-07-06" == doc.date.isoformat()
    assert doc.title == "Wet- en regelgeving financiële markten; Motie van de leden Inge van Dijk en Grinwis"
    assert doc.identifiers == {"dossiernummer": "32545", "ondernummer": "143", "vergaderjaar": "2020-2021"}


@pytest.mark.parametrize("stem", ["kst-32545-143", "ah-tk-20202021-3235"])
def test_pdf_and_xml_of_one_publication_agree(parsed, stem) -> None:
    pdf, xml = parsed(f"pdf/{stem}.pdf"), parsed(f"xml/{stem}.xml")

    def fold(doc):
        return [(p.anchor, re.sub(r"\s+", " ", p.text).strip()) for p in doc.passages]

    assert (pdf.doc_id, pdf.doc_type, pdf.date) == (xml.doc_id, xml.doc_type, xml.date)
    assert fold(pdf) == fold(xml)
    assert [p.name for p in pdf.people] == [p.name for p in xml.people]


def test_xml_footnotes_links_and_hyphenation_points(parsed) -> None:
    doc = parsed("xml/kst-36750-3.xml")
    assert len(doc.footnotes) == 19
    assert doc.footnote(1).urls == ("https://www.globalmethanepledge.org/",)
    body = " ".join(p.text for p in doc.passages)
    # "methaan<?xpp afbm?>doel": the typesetting instruction inside the word leaves it whole
    assert "methaandoel" in body and "aanmerking komen" in body
    assert doc.passages[0].footnotes[:3] == (1, 2, 3)
    assert doc.title.endswith("; Memorie van toelichting")
    assert doc.dates == {} and doc.date and doc.date.isoformat() == "2025-05-21"  # DCTERMS.issued


def test_xml_bill_articles_and_budget_table(parsed) -> None:
    doc = parsed("xml/kst-37020-X-1.xml")
    anchors = [p.anchor for p in doc.passages]
    assert anchors[:6] == ["aanhef", "artikel-1", "artikel-2", "artikel-3", "artikel-4", "slotformulering"]
    assert doc.passages[1].locator == "artikel 1"
    table = "\n".join(p.text for p in doc.passages[6:])
    assert "| 2 | Koninklijke Marine | 1.231.909 | 1.306.560 | 12.324 |" in table
    assert doc.footnotes == ()  # table rows that start with a number are no footnotes
    assert doc.identifiers["dossiernummer"] == "37020-X" and doc.dates["ontvangen"].isoformat() == "2026-09-15"
    assert ("D. Yeşilgöz-Zegerius", "Minister van Defensie") in [(p.name, p.office) for p in doc.people]


def test_xml_second_dossier_and_legacy_format(parsed) -> None:
    motie = parsed("xml/kst-36410-XVI-96.xml")
    assert (motie.identifiers["dossiernummer"], motie.identifiers["dossiernummer_2"]) == ("36410-XVI", "36410-VI")
    legacy = parsed("xml/kst-24447-6.xml")  # <kamerwrk>, 1995-1996
    assert legacy.identifiers == {"dossiernummer": "24447", "ondernummer": "6", "vergaderjaar": "1995-1996"}
    assert legacy.passages[0].heading == "Inleiding" and legacy.passages[0].anchor == "1"
    # hard line breaks inside <al> are not paragraph breaks
    assert "Ziektewet, Wet op de arbeidsongeschiktheidsverzekering, Werkloosheidswet" in legacy.passages[0].text


def test_xml_with_byte_order_mark_and_older_schema(parsed) -> None:
    doc = parsed("xml/stb-2018-84.xml")
    text = " ".join(p.text for p in doc.passages)
    assert doc.title and doc.title.startswith("Besluit van 9 maart 2018, houdende vaststelling")
    assert "GOD * ZIJ * MET * ONS" in text and "Staatsblad van het Koninkrijk" not in text
    assert parsed("xml/stcrt-2015-47076.xml").title == "Ter inzage: omgevingsvergunning"


def test_official_meta_tags_give_identity() -> None:
    fields = official_fields([
        ("DC.identifier", "OVERHEIDop.ParlID", "kst-36755-45"), ("DC.type", "OVERHEIDop.KamerstukTypen", "Motie"),
        ("DC.type", "OVERHEIDop.Parlementair", "Kamerstuk"), ("OVERHEIDop.dossiernummer", "", "36755"),
        ("OVERHEIDop.ondernummer", "", "45"), ("OVERHEIDop.vergaderjaar", "", "2025-2026"),
        ("OVERHEIDop.indiener", "", "E.C. Vedder"), ("OVERHEIDop.indiener", "", "H. Holman"),
        ("OVERHEIDop.aanhangselNummer", "", "189"), ("DC.identifier", "", "http://www.tweedekamer.nl/x")])
    assert fields == {"doc_identifier": "kst-36755-45", "kamerstuktype": "Motie", "publicatie": "Kamerstuk",
                      "dossiernummer": "36755", "ondernummer": "45", "vergaderjaar": "2025-2026",
                      "indieners": "E.C. Vedder; H. Holman", "aanhangselnummer": "189"}


def test_html_meta_tags_and_xml_agree(parsed) -> None:
    html, xml = parsed("html/kst-36755-45-op.html"), parsed("xml/kst-36755-45.xml")
    assert (html.doc_id, html.doc_type, html.title, html.identifiers) == (xml.doc_id, xml.doc_type, xml.title,
                                                                          xml.identifiers)
    assert [p.anchor for p in html.passages] == [p.anchor for p in xml.passages]
    assert [p.name for p in html.people] == ["E.C. Vedder", "H. Holman"]


def test_web_page_text_identifiers(parsed) -> None:
    aanhangsel = parsed("realdocs/p02_ah-tk-20222023-189_azerbeidzjan_armenie.txt")
    assert aanhangsel.identifiers == {"vergaderjaar": "2022-2023", "aanhangselnummer": "189"}
    assert aanhangsel.passages  # its question and answer labels were lost: the text is kept as paragraphs
    brief = parsed("realdocs/p06_kst-19637-1431_brief_minister_immigratie_asiel_syrie_moratorium_2011.txt")
    assert brief.identifiers == {"dossiernummer": "19637", "ondernummer": "1431", "vergaderjaar": "2010-2011"}
    assert brief.date and brief.date.isoformat() == "2011-06-15"


def test_a_page_about_a_motie_keeps_its_text_as_paragraphs(parsed) -> None:
    doc = parsed("html/tweedekamer_nl_page_2015D04817_wet_auteurscontractenrecht.html")
    assert all(p.anchor.startswith("alinea-") for p in doc.passages)
    assert any("no motie structure found" in w for w in doc.warnings)
    # the page's labels: "Publicatiedatum" and "Indiener" over their values
    assert doc.date and doc.date.isoformat() == "2015-02-10"
    assert [(p.name, p.role) for p in doc.people] == [("Lilian Helder", "indiener")]


def test_memo_variants_recognised_by_structure(parsed) -> None:
    # "(ter beslissing)" and the standard headings of a VWS nota; the municipal "Voordracht voor het College"
    for name in ("pdf/testdossiers__bes4__VWS-WOO-171436-Oplegnota_2020-09-29_13_49_19.docx.pdf",
                 "pdf/testdossiers__woo1__171059.pdf",
                 "pdf/wob_Amsterdam_2018_collegevoordracht_principenota_sixhaven.pdf"):
        doc = parsed(name)
        assert doc.doc_type == DocType.BESLISNOTA and doc.passages, name
    # a Woo decision is a letter, but not one to parliament
    assert parsed("pdf/woo_IenW_2025-12-09_besluit_landsadvocaat_stikstof.pdf").doc_type == DocType.DOCUMENT


def _cite(doc, anchor: str, fmt: str = "text", style: str = "short") -> str:
    passage = next(p for p in doc.passages if p.anchor == anchor)
    return render([build(doc_meta(doc), passage_to_dict(passage), [])], fmt, style)


def test_kamerstuk_citations_by_kind(parsed) -> None:
    motie = parsed("xml/kst-32545-143.xml")
    assert _cite(motie, "verzoekt-2") == "Kamerstukken II 2020/21, 32545, nr. 143, verzoekt 2"
    assert _cite(motie, "verzoekt-2", style="full") == (
        "Motie van de leden Inge van Dijk en Grinwis, voorgesteld 6 juli 2021, Kamerstukken II 2020/21, 32545, "
        "nr. 143, verzoekt 2.")
    assert _cite(parsed("xml/kst-36410-XVI-96.xml"), "verzoekt-1") == \
        "Kamerstukken II 2023/24, 36410-XVI, nr. 96, verzoekt 1"
    assert _cite(parsed("xml/kst-36750-3.xml"), "1", style="full") == (
        "Memorie van toelichting, 21 mei 2025, Kamerstukken II 2024/25, 36750, nr. 3, paragraaf 1.")
    assert _cite(parsed("xml/kst-37020-X-1.xml"), "artikel-2") == \
        "Kamerstukken II 2026/27, 37020-X, nr. 1, artikel 2"
    bib = _cite(motie, "verzoekt-1", fmt="bibtex")
    assert "author = {{Inge van Dijk} and {Grinwis}}" in bib and "number = {32545, nr. 143}" in bib
    ris = _cite(motie, "verzoekt-1", fmt="ris")
    assert "AU  - Inge van Dijk" in ris and "T2  - Kamerstukken II 2020/21" in ris
    assert '"collection-title": "Kamerstukken II 2020/21"' in _cite(motie, "verzoekt-1", fmt="csl-json")


def test_handelingen_turn_by_turn(parsed) -> None:
    doc = parsed("pdf/h-tk-20232024-40-6.pdf")
    turns = [p for p in doc.passages if p.anchor.startswith("bijdrage-")]
    assert len(turns) >= 30 and turns[0].heading == "De voorzitter"
    assert any(p.heading == "De heer De Hoop (GroenLinks-PvdA)" for p in turns)
    assert ("De Hoop", "GroenLinks-PvdA") in [(p.name, p.party) for p in doc.people if p.role == "spreker"]


def test_xml_questions_without_labels_are_counted(tmp_path) -> None:
    # the same Aanhangsel with its <nr> labels taken out: the markup still says which is a question
    xml = (XML / "ah-tk-20202021-3235.xml").read_text(encoding="utf-8")
    bare = tmp_path / "ah-tk-20202021-3235.xml"
    bare.write_text(re.sub(r"<nr status=\"officieel\">[^<]*</nr>", "", xml), encoding="utf-8")
    labelled, unlabelled = parse_file(XML / "ah-tk-20202021-3235.xml"), parse_file(bare)
    assert [p.anchor for p in unlabelled.passages] == [p.anchor for p in labelled.passages]
    assert unlabelled.passages[1].anchor == "antwoord-1"


def _seed_001_as(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ministry_answer_document_and_questions_alone_are_kamervragen(tmp_path) -> None:
    # seed 001 laid out as a ministry's own answer document: zaaknummer, "Antwoord van … op vragen van …",
    # "Vraag 1 … Antwoord op vraag 1", no "(ingezonden …)"
    seed = (Path(__file__).parent.parent / "corpus" / "aanhangsel-2054-oppositie-azerbeidzjan-2022.txt").read_text(
        encoding="utf-8")
    body = seed[seed.index("Vraag 1"):]
    answers = re.sub(r"^Antwoord\s+(\d+)", r"Antwoord op vraag \1", body, flags=re.M)
    head = ("2022Z01534\n\nAntwoord van minister Hoekstra (Buitenlandse Zaken) op vragen van het lid Sjoerdsma "
            "(D66) over het bericht dat politieke oppositie in Azerbeidzjan wordt mishandeld of vastgezet\n\n")
    assert parse_file(_seed_001_as(tmp_path, "antwoord.txt", head + answers)).doc_type == DocType.KAMERVRAGEN
    questions = re.sub(r"\n\s*Antwoord\s+\d+\s*\n.*?(?=\n\s*Vraag|\Z)", "", body, flags=re.S)
    head = ("2022Z01534\n\nVragen van het lid Sjoerdsma (D66) aan de Minister van Buitenlandse Zaken over het "
            "bericht dat politieke oppositie in Azerbeidzjan wordt mishandeld of vastgezet\n\n")
    doc = parse_file(_seed_001_as(tmp_path, "vragen.txt", head + questions))
    assert doc.doc_type == DocType.KAMERVRAGEN and "Antwoord" not in " ".join(p.text for p in doc.passages)


def test_official_identifiers_say_what_they_name() -> None:
    assert identifier_fields("kst-36410-XVI-96") == {"dossiernummer": "36410-XVI", "ondernummer": "96"}
    assert identifier_fields("ah-tk-20202021-3235") == {
        "vergaderjaar": "2020-2021", "aanhangselnummer": "3235", "publicatie": "Aanhangsel Handelingen"}
    assert identifier_fields("h-tk-20232024-40-6") == {
        "vergaderjaar": "2023-2024", "vergadernummer": "40", "itemnummer": "6", "publicatie": "Handelingen"}
    assert identifier_fields("beslisnota-5842148") == {}


def test_handelingen_citation(tmp_path) -> None:
    # the debate's numbers kept beside the PDF (its own pages do not print them)
    pdf = tmp_path / "h-tk-20232024-40-6.pdf"
    pdf.write_bytes((PDF / "h-tk-20232024-40-6.pdf").read_bytes())
    pdf.with_suffix(".toml").write_text('date = 2024-02-08\ntitle = "Staat van de Volkshuisvesting"\n'
                                        '[identifiers]\nvergaderjaar = "2023-2024"\nvergadernummer = "40"\n'
                                        'itemnummer = "6"\n', encoding="utf-8")
    doc = parse_file(pdf)
    short = _cite(doc, "bijdrage-2")
    assert re.fullmatch(r"Handelingen II 2023/24, nr\. 40, item 6, bijdrage 2 \(De heer De Hoop \(GroenLinks-PvdA\)\)"
                        r", pp?\. [\d-]+", short), short
    assert _cite(doc, "bijdrage-2", style="full").startswith("Staat van de Volkshuisvesting, 8 februari 2024, ")


def test_xml_in_a_namespace_or_with_unknown_elements_loses_no_text(tmp_path) -> None:
    xml = (XML / "kst-32847-1136.xml").read_text(encoding="utf-8")
    words = set(re.findall(r"\w+", " ".join(p.text for p in parse_file(XML / "kst-32847-1136.xml").passages)))
    spaced = tmp_path / "spaced.xml"
    spaced.write_text(xml.replace("<officiele-publicatie ", '<officiele-publicatie xmlns="urn:example" ', 1),
                      encoding="utf-8")
    assert [p.anchor for p in parse_file(spaced).passages] == ["constaterende-1", "overwegende-1", "verzoekt-1"]
    unknown = tmp_path / "unknown.xml"
    unknown.write_text(xml.replace("<al>", "<alinea-nieuw>").replace("</al>", "</alinea-nieuw>"), encoding="utf-8")
    kept = " ".join(p.text + " " + (p.heading or "") for p in parse_file(unknown).passages)
    assert words <= set(re.findall(r"\w+", kept))


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"<officiele-publicatie><kamerstuk><al>afgebroken", "not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
     b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
     b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
     b"<x><al>&h;</al></x>", "not well-formed XML"),
    (b"<a>" * 5000 + b"x" + b"</a>" * 5000, "nested too deeply"),
])
def test_hostile_xml_is_one_message_by_name(tmp_path, content, message) -> None:
    from coi.errors import InputError

    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        parse_file(bad)
    assert str(bad) in str(err.value)
