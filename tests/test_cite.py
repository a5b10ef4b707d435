"""Citations: golden text in both styles, machine formats read by real consumers, the CLI contract."""

from __future__ import annotations

import json
import shutil

import bibtexparser
import pytest
import rispy
from citeproc import Citation as CPCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from click.testing import CliRunner

from coi.cite import render, trim
from coi.cli import cli
from coi.index import update_index
from tests.conftest import CORPUS
from tests.regen_golden import CITATIONS, citation_inputs, render_citations


@pytest.fixture(scope="module")
def citations():
    return citation_inputs()


def test_text_citations_match_golden() -> None:
    assert render_citations() == CITATIONS.read_text(encoding="utf-8")


def test_the_forms_users_write(citations) -> None:
    by_id = {c.id: c for c in citations}
    answer = by_id["ah-tk-20212022-2054#antwoord-4"]
    assert answer.short == "Aanhangsel Handelingen II 2021/22, nr. 2054, antwoord op vraag 4"
    assert answer.full == ("Antwoord van de Minister van Buitenlandse Zaken (Hoekstra) op vragen van het lid "
                           "Sjoerdsma (D66), ontvangen 14 maart 2022, Aanhangsel Handelingen II 2021/22, nr. 2054, "
                           "antwoord op vraag 4.")
    assert by_id["ah-tk-20182019-3878#antwoord-1-5"].short.endswith("antwoorden op vragen 1 tot en met 5")
    assert by_id["ah-tk-20212022-2054#vraag-3"].short.endswith(", vraag 3")
    assert by_id["kst-21501-02-2375#alinea-9"].short == "Kamerstukken II 2020/21, 21501-02, nr. 2375, alinea 9"
    assert by_id["beslisnota-5842148#4.3.5"].short == (
        "Beslisnota bij Kamerbrief landenbeleid Azerbeidzjan, Directoraat-Generaal Migratie, 16 oktober 2024, "
        "kenmerk 5842148, paragraaf 4.3.5")


def test_quote_lists_the_cited_sources_with_urls(citations) -> None:
    c = next(c for c in citations if c.id == "ah-tk-20212022-2054#antwoord-9")
    quoted = render([c], "text", "short", quote=True)
    assert "met verwijzing naar: Freedom House, «Freedom in the world 2021, Azerbaijan», " \
           "<https://freedomhouse.org/country/azerbaijan/freedom-world/2021>" in quoted


def test_trim_never_cuts_a_word() -> None:
    text = "woord " * 200
    out = trim(text, 50)
    assert out.endswith(" […]") and out[:-4].split() == ["woord"] * 8


def test_unknown_date_is_zd_and_nothing_is_invented() -> None:
    from coi.cite import build
    from coi.model import DocType, Document, Passage

    doc = Document(doc_id="nota-x", doc_type=DocType.BESLISNOTA, title="Nota over iets", date=None)
    c = build(doc, Passage(id="nota-x#1", anchor="1", locator="paragraaf 1", heading=None, text="Tekst."))
    assert c.short == "Beslisnota Nota over iets, z.d., paragraaf 1"
    assert c.url is None and c.authors == () and c.issued is None


def test_csl_json_renders_with_citeproc(citations) -> None:
    items = json.loads(render(citations, "csl-json", "full"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(CPCitation([CitationItem(item["id"])]))
    rendered = {str(entry) for entry in bib.bibliography()}
    aanhangsel = next(e for e in rendered if "Sjoerdsma" in e and "2054" in e)
    assert "Minister van Buitenlandse Zaken" in aanhangsel and "2022" in aanhangsel
    assert any("Beslisnota bij Kamerbrief landenbeleid Azerbeidzjan" in e and "2024" in e for e in rendered)
    nr = next(i for i in items if i["id"] == "kst-21501-02-2375#alinea-9")
    assert nr["number"] == "21501-02, nr. 2375" and nr["issued"] == {"date-parts": [[2021, 6, 16]]}
    assert nr["collection-title"] == "Kamerstukken II 2020/21" and nr["language"] == "nl"


def test_bibtex_parses_with_bibtexparser(citations) -> None:
    library = bibtexparser.parse_string(render(citations, "bibtex"))
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert len(entries) == len(citations)
    e = entries["ah-tk-20212022-2054:antwoord-4"]
    assert e["year"] == "2022" and e["number"] == "2054"
    assert "Sjoerdsma" in e["title"]
    assert e["url"] == "https://zoek.officielebekendmakingen.nl/ah-tk-20212022-2054.html"


def test_ris_parses_with_rispy(citations) -> None:
    entries = rispy.loads(render(citations, "ris", "full"))
    assert len(entries) == len(citations)
    e = next(e for e in entries if e["id"] == "kst-21501-02-2737:alinea-6")
    assert e["type_of_reference"] == "GOVDOC" and e["year"] == "2023"
    assert e["secondary_title"] == "Kamerstukken II 2023/24" and e["number"] == "21501-02, nr. 2737"
    assert e["authors"] == ["Minister van Buitenlandse Zaken",
                            "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("index")
    update_index(path, [CORPUS])
    return path


def test_cli_cite_and_errors(index) -> None:
    run = CliRunner().invoke
    ok = run(cli, ["--index", str(index), "cite", "ah-tk-20212022-2054#antwoord-4", "kst-21501-02-2375#alinea-9"])
    assert ok.exit_code == 0
    assert ok.output.splitlines() == ["1. Aanhangsel Handelingen II 2021/22, nr. 2054, antwoord op vraag 4",
                                      "2. Kamerstukken II 2020/21, 21501-02, nr. 2375, alinea 9"]
    unknown = run(cli, ["--index", str(index), "cite", "kst-1-1#alinea-1"])
    assert unknown.exit_code == 1 and "no passage with id 'kst-1-1#alinea-1'" in unknown.output
    bad = run(cli, ["--index", str(index), "cite", "x#1", "--format", "word"])
    assert bad.exit_code == 2 and "'word' is not one of" in bad.output


def test_search_exports_all_hits_numbered_and_deduplicated(index, tmp_path) -> None:
    out = tmp_path / "bijlage.md"
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "Isayev", "--cite", "markdown",
                                      "--style", "short", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 8 and lines[0].startswith("1. Aanhangsel Handelingen II 2021/22, nr. 2054")
    page = CliRunner().invoke(cli, ["--index", str(index), "search", "Isayev", "--cite", "text", "--limit", "3",
                                    "--page", "2"])
    assert page.output.splitlines()[0].startswith("1. ") and len(page.output.splitlines()) == 3


def test_citations_are_stable_across_a_reindex(index, tmp_path) -> None:
    run = CliRunner().invoke
    args = ["cite", "ah-tk-20212022-2054#antwoord-9", "--format", "bibtex"]
    before = run(cli, ["--index", str(index), *args]).output
    other = tmp_path / "again"
    shutil.copytree(index, other)
    update_index(other, [CORPUS], full=True)
    assert run(cli, ["--index", str(other), *args]).output == before
