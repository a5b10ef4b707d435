"""Search on the seed corpus: query language, filters, facet counts (hand-counted), Dutch matching, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from coi.errors import UsageError
from coi.index import update_index
from coi.search import Filters, search
from tests.conftest import CORPUS


@pytest.fixture(scope="session")
def index(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index")
    update_index(path, [CORPUS])
    return path


def ids(index: Path, query: str, **kw) -> list[str]:
    """The passages that hold every word of the query (partial hits, which follow them, left out)."""
    return [h.id for h in search(index, query, limit=100, **kw).hits if h.match == "all"]


def test_words_are_anded_and_footnotes_and_questions_count(index) -> None:
    # "Isayev" stands in four questions, and each answer sits under its question (hand-counted: 8)
    assert sorted(ids(index, "Isayev")) == sorted(
        f"ah-tk-20212022-2054#{k}-{n}" for n in (3, 4, 5, 12) for k in ("vraag", "antwoord"))
    # the word as written first; question 5 holds its parts ("de zaak", "cassatieklacht")
    assert ids(index, "Isayev cassatiezaak") == ["ah-tk-20212022-2054#antwoord-5", "ah-tk-20212022-2054#vraag-5"]
    assert ids(index, "Isayev cassatiezaak", exact=True) == ["ah-tk-20212022-2054#antwoord-5"]
    # a footnote's text is searchable and attributed to the passage that cites it
    assert "ah-tk-20212022-2054#vraag-3" in ids(index, "Qurbanov")


def test_or_not_phrase_proximity_prefix_fields(index) -> None:
    assert set(ids(index, "Isbatov OR UNESCO")) == {
        "ah-tk-20182019-3878#vraag-1-5", "ah-tk-20182019-3878#antwoord-1-5",
        "kst-21501-02-2375#alinea-6", "kst-21501-02-2737#alinea-11"}
    assert ids(index, "UNESCO NOT erfgoed") == []
    assert ids(index, '"geen cijfers beschikbaar"') == ["ah-tk-20182019-3878#antwoord-11"]
    assert ids(index, '"beschikbaar cijfers"') == []
    assert ids(index, '"Minsk verklaring"~3') != []
    assert "ah-tk-20212022-2054#antwoord-3" in ids(index, "hongerstak*")
    assert set(ids(index, "type:beslisnota LHBTIQ")) == {
        "beslisnota-5842148#3", "beslisnota-5842148#4.1", "beslisnota-5842148#4.3.5", "beslisnota-5842148#4.5"}


def test_dutch_stemming_accents_hyphens_compounds(index) -> None:
    # OCR's "Armenié" (seed 003) and "Armenië" meet, whichever is typed
    assert ids(index, "Armenie verklaring") == ids(index, "Armenië verklaring") == ids(index, "Armenié verklaring")
    assert "kst-21501-02-2375#alinea-3" in ids(index, "Armenië verklaring")
    assert set(ids(index, '"Nagorno Karabach"')) == set(ids(index, "Nagorno-Karabach"))
    assert "beslisnota-5842148#4.1" in ids(index, '"Nagorno Karabach"')  # written without the hyphen there
    assert set(ids(index, "leider oppositie")) >= {"ah-tk-20212022-2054#vraag-1", "ah-tk-20212022-2054#vraag-2"}
    assert "ah-tk-20212022-2054#vraag-2" in ids(index, "oppositieleider")
    assert "ah-tk-20182019-3878#antwoord-7-10" in ids(index, "gearresteerd arrestatie")


def test_facets_count_every_match_not_the_page(index) -> None:
    result = search(index, "*", limit=1)
    assert result.total == 83 and len(result.hits) == 1
    assert result.facets["doc_type"] == {"kamervragen": 40, "kamerbrief": 23, "beslisnota": 20}
    assert result.facets["year"] == {"2022": 28, "2024": 20, "2023": 13, "2019": 12, "2021": 10}
    assert result.facets["source"] == {"Minister van Buitenlandse Zaken": 51, "Directoraat-Generaal Migratie": 20,
                                       "Staatssecretaris van Justitie en Veiligheid": 12}
    isayev = search(index, "Isayev", limit=2)
    assert isayev.total == 8 and isayev.facets["doc_type"] == {"kamervragen": 8}


def test_filters_or_within_and_across_and_negation(index) -> None:
    both = search(index, "*", Filters(types=("kamerbrief", "beslisnota")), limit=1)
    assert both.total == 43
    assert search(index, "*", Filters(types=("kamerbrief",), date_from=dt.date(2023, 1, 1))).total == 13
    assert search(index, "*", Filters(not_types=("kamervragen",), date_to=dt.date(2023, 12, 31))).total == 23
    assert search(index, "*", Filters(sources=("minister van buitenlandse zaken",))).total == 51
    assert search(index, "*", Filters(not_sources=("Minister van Buitenlandse Zaken",))).total == 32
    assert search(index, "*", Filters(date_from=dt.date(2019, 9, 4), date_to=dt.date(2019, 9, 4))).total == 12


def test_sort_by_date_and_paging(index) -> None:
    hits = search(index, "Azerbeidzjan", sort="date", limit=100).hits
    dates = [h.date for h in hits]
    assert dates == sorted(dates, reverse=True)
    page1 = ids(index, "Azerbeidzjan")
    page2 = [h.id for h in search(index, "Azerbeidzjan", limit=5, page=2).hits]
    assert page2 == page1[5:10]


def test_snippet_marks_matches_in_plain_text(index) -> None:
    hit = search(index, "LHBTIQ bescherming", limit=1).hits[0]
    assert "**LHBTIQ**" in hit.snippet and "<" not in hit.snippet
    assert hit.citation.endswith(f", {hit.locator}")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ('"Nagorno Karabach', "unbalanced quote"),
        ("(LHBTIQ OR homo", "unbalanced parenthesis"),
        ("LHBTIQ OR", "'OR' at the end"),
        ("AND LHBTIQ", "'AND' at the start"),
        ("land:Armenie", "unknown field 'land'"),
        ("*positie", "a wildcard needs letters before it"),
    ],
)
def test_malformed_queries(index, query, message) -> None:
    with pytest.raises(UsageError, match=message):
        search(index, query)
    result = CliRunner().invoke(cli, ["--index", str(index), "search", query])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_search_json_contract(index) -> None:
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "Isayev", "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["query", "total", "facets", "hits"]
    assert out["total"] == 8 and len(out["hits"]) == 3
    assert list(out["facets"]) == ["doc_type", "topic", "country", "year", "source"]
    assert list(out["hits"][0]) == ["id", "doc_id", "doc_type", "title", "date", "locator", "heading", "text",
                                    "snippet", "score", "topics", "countries", "footnotes", "citation", "match",
                                    "missing"]
    assert out["hits"][0]["match"] == "all" and out["hits"][0]["missing"] == []
    assert all(set(f) == {"n", "text", "urls"} for h in out["hits"] for f in h["footnotes"])


def test_cli_search_terminal_output_plain_when_piped(index) -> None:
    # --exact: "cassatiezaak" as typed (its parts "cassatie" and "zaak" stand apart in question 5 too)
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "cassatiezaak", "--exact"])
    assert result.exit_code == 0
    assert "1-1 of 1 passage for" in result.output  # singular: issue 13
    assert "antwoord op vraag 5 — Vragen van het lid Sjoerdsma" in result.output
    assert "id: ah-tk-20212022-2054#antwoord-5" in result.output
    assert "**" not in result.output and "\x1b[" not in result.output


def test_cli_bad_filters_and_no_hits(index) -> None:
    run = CliRunner().invoke
    assert run(cli, ["--index", str(index), "search", "x", "--from", "gisteren"]).exit_code == 2
    assert run(cli, ["--index", str(index), "search", "x", "--sort", "random"]).exit_code == 2
    nothing = run(cli, ["--index", str(index), "search", "zebracijfers"])
    assert nothing.exit_code == 0 and "0 passages" in nothing.output


def test_show_and_stats(index) -> None:
    run = CliRunner().invoke
    shown = run(cli, ["--index", str(index), "show", "ah-tk-20212022-2054#antwoord-9"])
    assert shown.exit_code == 0
    assert shown.output.startswith("Aanhangsel Handelingen II 2021/22, nr. 2054, antwoord op vraag 9")
    assert "https://freedomhouse.org/country/azerbaijan/freedom-world/2021" in shown.output
    doc = run(cli, ["--index", str(index), "show", "kst-21501-02-2375", "--json"])
    assert json.loads(doc.output)["document"]["doc_id"] == "kst-21501-02-2375"
    unknown = run(cli, ["--index", str(index), "show", "kst-1-1#alinea-1"])
    assert unknown.exit_code == 1 and "no passage or document with id 'kst-1-1#alinea-1'" in unknown.output
    stats = json.loads(run(cli, ["--index", str(index), "stats", "--json"]).output)
    assert (stats["documents"], stats["passages"]) == (5, 83)
    assert stats["documents_per_type"] == {"kamervragen": 2, "kamerbrief": 2, "beslisnota": 1}


def test_missing_index_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "geen"), "search", "x"])
    assert result.exit_code == 1
    assert "the index does not exist; run `coi index` first" in result.output


def test_a_query_on_document_fields_alone_returns_passages_only(index) -> None:
    # the index also holds one record per document, with doc_type, source and year; they are never hits
    result = search(index, "type:beslisnota", limit=100)
    assert result.total == 20 and len(result.hits) == 20
    assert all("#" in h.id for h in result.hits)
    assert search(index, "year:2019 OR source:x", limit=100).total == 12


@pytest.mark.parametrize(("lo", "hi"), [("2019-01-01", "2022-12-31"), ("2021-06-16", "2023-10-11"),
                                       ("2021-06-17", "2021-06-17"), ("2024-02-01", None), (None, "2019-12-31")])
def test_date_range_filter_equals_a_passage_by_passage_check(index, lo, hi) -> None:
    from coi.search import Searcher

    f = Filters(date_from=dt.date.fromisoformat(lo) if lo else None,
                date_to=dt.date.fromisoformat(hi) if hi else None)
    with Searcher(index) as s:
        expected = set()
        for d in s.passages():
            day = s.doc_meta(s.searcher.stored_fields(d)["doc_id"]).date
            date = day.isoformat() if day else None
            if date and (lo is None or date >= lo) and (hi is None or date <= hi):
                expected.add(d)
        assert s.allowed(f) == expected
    assert expected or (lo, hi) == ("2021-06-17", "2021-06-17")


def test_facets_counted_by_bitmaps_equal_facets_counted_by_lookup(index) -> None:
    """Large match sets are counted with bitmaps, small ones document by document: the same counts."""
    from coi.search import Searcher, members, to_mask

    with Searcher(index) as s:
        every = s.passages()
        assert set(members(to_mask(every, s.size))) == every
        for query in ("Azerbeidzjan", "oppositie OR terugkeer", "*"):
            found = {h.id for h in s.search(query, limit=1000).hits}
            docs = {d for d in every if json.loads(s.searcher.stored_fields(d)["data"])["passage"]["id"] in found}
            assert docs and s.facets(docs) == s.facets(set(), to_mask(docs, s.size))
        f = Filters(types=("kamervragen",), not_countries=("armenie",), date_from=dt.date(2019, 6, 1))
        assert s.allowed(f) == set(members(s.allowed_mask(f)))
        assert s.search("*", f).total == len(s.allowed(f)) > 0


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "kamerbrieven"], "--type 'kamerbrieven' is not known; did you mean kamerbrief"),
    (["--country", "Armenien"], "did you mean armenie"),
    (["--topic", "lhbti-rechten"], "did you mean lhbtiq"),
    (["--source", "Minister van Buitenlandse Zaak"], "did you mean Minister van Buitenlandse Zaken"),
])
def test_unknown_filter_values_exit_2_naming_the_nearest(index, args, message) -> None:
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "Isayev", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_english_and_dutch_country_names_both_filter() -> None:
    from coi.query import check_values, vocabulary_aliases
    from coi.tag import corpus_vocabulary

    names = vocabulary_aliases(corpus_vocabulary([CORPUS]), ("countries", "regions"))
    assert check_values("--country", ("Armenië", "Armenia", "armenie", "ARMENIË"), names) == ("armenie",) * 4
    assert check_values("--country", ("Azerbaijan", "Georgia", "Russia"), names) == (
        "azerbeidzjan", "georgie", "rusland")


def test_cli_search_says_when_a_page_is_past_the_end(index) -> None:
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "cassatiezaak", "--exact", "--page", "3"])
    assert result.exit_code == 0
    assert "Page 3 is past the end: 1 passage fills 1 page." in result.output


def test_a_search_process_does_not_import_urllib_and_urllib_still_works(index) -> None:
    """whoosh.compat takes urlretrieve from urllib.request (with http.client and email: a tenth of a new `coi
    search` process) for a helper whoosh never calls: coi imports it with a stand-in, and after that the real
    urllib.request imports as ever."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys\n"
        "from coi.cli import cli\n"
        f"cli(['--index', {str(index)!r}, 'search', 'Azerbeidzjan', '--json'], standalone_mode=False)\n"
        "print('urllib.request' in sys.modules, 'whoosh.compat' in sys.modules)\n"
        "import urllib.request, whoosh.compat\n"
        "print(callable(urllib.request.urlopen), urllib.request is sys.modules['urllib.request'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = out.stdout.strip().splitlines()
    assert '"total"' in out.stdout and lines[-2:] == ["False True", "True True"], out.stdout[-300:]
