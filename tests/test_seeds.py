"""What the seeds must come out as: structure, no furniture, rejoined words and sentences, footnote markers."""

from __future__ import annotations

import re

import pytest

from coi.model import DocType


def texts(doc) -> str:
    return "\n".join(p.text for p in doc.passages)


def test_genres_detected_from_content(seed_docs) -> None:
    assert seed_docs["000"].doc_type == DocType.BESLISNOTA
    assert seed_docs["001"].doc_type == DocType.KAMERVRAGEN
    assert seed_docs["002"].doc_type == DocType.KAMERVRAGEN
    assert seed_docs["003"].doc_type == DocType.KAMERBRIEF  # also forced by its sidecar
    assert seed_docs["004"].doc_type == DocType.KAMERBRIEF


def test_seed_001_questions_answers_footnotes(seed_docs) -> None:
    doc = seed_docs["001"]
    anchors = [p.anchor for p in doc.passages]
    assert anchors == [f"{kind}-{n}" for n in range(1, 15) for kind in ("vraag", "antwoord")]
    assert [f.n for f in doc.footnotes] == list(range(1, 11))
    assert doc.doc_id == "ah-tk-20212022-2054"
    assert doc.identifiers == {"aanhangselnummer": "2054", "vergaderjaar": "2021-2022"}
    assert doc.dates["ingezonden"].isoformat() == "2022-01-28"
    assert doc.date.isoformat() == "2022-03-14"
    people = {(p.role, p.name, p.party, p.office) for p in doc.people}
    assert ("vragensteller", "Sjoerdsma", "D66", None) in people
    assert ("beantwoorder", "Hoekstra", None, "Minister van Buitenlandse Zaken") in people
    answer4 = doc.passages[anchors.index("antwoord-4")]
    assert answer4.questions == ("vraag-4",)
    assert answer4.locator == "antwoord op vraag 4"


def test_seed_001_urls_whole(seed_docs) -> None:
    urls = {u for f in seed_docs["001"].footnotes for u in f.urls}
    assert "https://oc-media.org/talysh-blogger-sentenced-to-7-years-in-azerbaijan/" in urls
    assert "https://freedomhouse.org/country/azerbaijan/freedom-world/2021" in urls
    assert "https://www.hrw.org/news/2021/12/03/azerbaijan-opposition-leader-beaten-custody" in urls
    assert ("www.telegraaf.nl/nieuws/921404755/westerse-sancties-voor-russische-kopstukken-om-lot-navalny"
            in urls)
    assert all(not re.search(r"\s", u) and not u.endswith((".", ",", ")")) for u in urls)


def test_seed_001_markers(seed_docs) -> None:
    doc = seed_docs["001"]
    by_anchor = {p.anchor: p for p in doc.passages}
    assert by_anchor["vraag-1"].footnotes == (1,)
    assert by_anchor["vraag-1"].text.endswith("in Bakoe?")
    assert by_anchor["vraag-3"].footnotes == (2, 3)
    assert "Aslan Gurbanov, Zamin Salayev en" in by_anchor["vraag-3"].text
    assert by_anchor["antwoord-3"].footnotes == (4, 5, 6, 7)
    assert "voor zijn gezondheid. Dhr. Gurbanov" in by_anchor["antwoord-3"].text
    assert by_anchor["antwoord-4"].footnotes == (8,)
    assert by_anchor["vraag-12"].footnotes == (10,)
    assert "Aleksej Navalny in Europees" in by_anchor["vraag-12"].text
    # numbers that belong to the text stay
    assert "artikel 281.2 (opruiing" in doc.footnote(2).text
    assert "eind 2020, is nog niet" in by_anchor["antwoord-4"].text


def test_seed_002_groups(seed_docs) -> None:
    doc = seed_docs["002"]
    questions = [p for p in doc.passages if p.anchor.startswith("vraag")]
    assert [q.anchor for q in questions] == ["vraag-1-5", "vraag-6", "vraag-7-10", "vraag-11", "vraag-12-13",
                                             "vraag-14"]
    by_anchor = {p.anchor: p for p in doc.passages}
    assert by_anchor["antwoord-1-5"].locator == "antwoorden op vragen 1 tot en met 5"
    assert by_anchor["antwoord-12-13"].locator == "antwoorden op vragen 12 en 13"
    assert by_anchor["antwoord-12-13"].questions == ("vraag-12-13",)
    assert doc.identifiers["vergaderjaar"] == "2018-2019"
    assert {r.doc_id for r in doc.references} == {"ah-tk-20182019-3626", "ah-tk-20182019-1268",
                                                  "ah-tk-20182019-1974"}


def test_seed_000_sections(seed_docs) -> None:
    doc = seed_docs["000"]
    assert [p.anchor for p in doc.passages] == [
        "1", "2", "3", "4.1", "4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5",
        "4.3.6", "4.4.1", "4.4.2", "4.5", "4.6", "4.7", "5",
    ]
    assert doc.title == "Beslisnota bij Kamerbrief landenbeleid Azerbeidzjan"
    assert doc.date.isoformat() == "2024-10-16"
    assert doc.identifiers["referentie"] == "5842148"
    assert doc.source == "Directoraat-Generaal Migratie"
    s435 = next(p for p in doc.passages if p.anchor == "4.3.5")
    assert s435.heading == "LHBTIQ+" and s435.locator == "paragraaf 4.3.5"
    s41 = next(p for p in doc.passages if p.anchor == "4.1")
    assert "- LHBTIQ+;" in s41.text  # the list stays with the paragraph that introduces it


def test_seed_003_ocr_markers_and_sidecar(seed_docs) -> None:
    doc = seed_docs["003"]
    assert doc.doc_id == "kst-21501-02-2375"
    assert doc.date.isoformat() == "2021-06-16"
    assert doc.identifiers["kenmerk"] == "STPS5HHCFWEY-7-88383"
    cited = [n for p in doc.passages for n in p.footnotes]
    assert cited == [1, 2, 3, 4, 5, 6]
    body = texts(doc)
    assert "vestigden in Azerbeidzjan. Door de decennia" in body
    assert "motie Van der Graaf c.s. zich uitgesproken" in body
    assert "conform motie Ploumen. Als Nederland" in body
    assert ("https://www.unhcr.org/publications/refugeemag/3b5583fd4/unhcr-publication-cis-conference-"
            "displacement-cis-conflicts-caucasus.htm") in doc.footnote(1).urls


def test_seed_004_letter(seed_docs) -> None:
    doc = seed_docs["004"]
    assert doc.date.isoformat() == "2023-10-11"
    signatories = [(p.name, p.office) for p in doc.people if p.role == "ondertekenaar"]
    assert signatories == [
        ("H.G.J. Bruins Slot", "Minister van Buitenlandse Zaken"),
        ("E.N.A.J. Schreinemacher", "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking"),
    ]
    headings = [p.heading for p in doc.passages]
    assert "Steun aan Armenië" in headings
    assert not any(p.text.strip() == "Steun aan Armenië" for p in doc.passages)
    assert [r.doc_id for r in doc.references] == ["kst-36410-74"]
    assert doc.passages[0].anchor == "alinea-1" and doc.passages[0].heading is None


FURNITURE = {
    "000": ["Directoraat-Generaal", "Onze referentie", "Directie Migratiebeleid", "Asiel, Opvang en Terugkeer",
            "Turfmarkt", "5842148", "MINISTER PERSOONLIJK"],
    "001": ["regering gegeven antwoorden", "Human Rights Watch, 3 december", "https://", "www.", "pagina 35"],
    "002": ["Tweede Kamer, vergaderjaar 2018–2019, Aanhangsel 3", "nrs. 1268 en 1974"],
    "003": ["Onze Referentie", "STPS5HHCFWEY", "Publicatie UNHCR", "https://", "Resoluties 882",
            "Motie 33570", "Geachte voorzitter", "De Minister van Buitenlandse Zaken,"],
    "004": ["Den Haag, 11 oktober 2023", "H.G.J. Bruins Slot", "Schreinemacher"],
}


@pytest.mark.parametrize("seed", sorted(FURNITURE))
def test_no_furniture_or_footnote_text_in_passages(seed_docs, seed) -> None:
    body = texts(seed_docs[seed])
    for bad in FURNITURE[seed]:
        assert bad not in body, bad
    for footnote in seed_docs[seed].footnotes:
        assert footnote.text[:40] not in body


REJOINED = {
    "000": ["deel C7/5 van de Vreemdelingencirculaire. Alle zaken", "Hoewel de internationale gemeenschap",
            "geen sprake van een internationaal of binnenlands", "ongewijzigd te laten wordt u",
            "Nagorno-Karabach", "vlucht- en vestigingsalternatief"],
    "001": ["over de mishandeling van oppositieleider", "foltering en onmenselijke of vernederende",
            "Dhr. Salayav zou", "de bezoekrapporten van", "het Azerbeidzjaanse Supreme Court",
            "EU-vertegenwoordigers", "minderheden?"],
    "002": ["een uitgeprocedeerde asielzoeker", "wordt gearresteerd", "internationale verdragen",
            "het Ministerie van Buitenlandse zaken"],
    "003": ["In 1993 nam de VN Veiligheidsraad", "is o.a. uiteengezet in de verklaring",
            "Armenié beschuldigd van mogelijke oorlogsmisdaden", "Nagorno-Karabach", "non-gouvernementele"],
    "004": ["levensreddende diensten", "Nagorno-Karabach ingezet", "wapenstilstand", "hygiëne-kits",
            "heeft ook de Minister van Buitenlandse Zaken"],
}


@pytest.mark.parametrize("seed", sorted(REJOINED))
def test_rejoined_words_and_sentences(seed_docs, seed) -> None:
    body = texts(seed_docs[seed])
    for good in REJOINED[seed]:
        assert good in body, good


@pytest.mark.parametrize("seed", sorted(REJOINED))
def test_passages_have_no_sentinels_or_line_break_hyphens(seed_docs, seed) -> None:
    for p in seed_docs[seed].passages:
        assert "\ue000" not in p.text and "\ue001" not in p.text
        assert not re.search(r"[a-zë]- [a-z]{3,}", p.text.replace("- en ", "").replace("- of ", "")), p.text
