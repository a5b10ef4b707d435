"""Saved searches on real documents: each new or changed passage reported once, whatever the index does in
between (re-runs, --full, moves); valid Atom feeds; names and queries checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from coi.alerts import load_alerts, run_alerts
from coi.cli import cli
from coi.search import Filters, search
from tests.conftest import CORPUS, SEEDS

QUERY = "Yagublu"  # the opposition leader of Aanhangsel 2054 (seed 001), named in no other seed


def coi(index: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--index", str(index), *args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def setup(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for key in ("000", "002", "003", "004"):
        shutil.copy(CORPUS / SEEDS[key], corpus)
    for side in CORPUS.glob("*.toml"):
        shutil.copy(side, corpus)
    index = tmp_path / "index"
    coi(index, "index", str(corpus))
    return corpus, index


def reported(index: Path, corpus: Path, *extra: str) -> list[tuple[str, str]]:
    runs = json.loads(coi(index, "index", str(corpus), "--json", *extra).splitlines()[-1])["alerts"]
    return [(r["id"], r["change"]) for run in runs for r in run["new"]]


def test_each_new_or_changed_passage_is_reported_once(setup) -> None:
    corpus, index = setup
    assert "saved alert yagublu: 'Yagublu'" in coi(index, "alert", "add", "yagublu", QUERY, "--type", "kamervragen")
    assert reported(index, corpus) == []  # nothing changed, nothing new
    shutil.copy(CORPUS / SEEDS["001"], corpus)
    new = reported(index, corpus)
    expected = [h.id for h in search(index, QUERY, Filters(types=("kamervragen",)), limit=100).hits]
    assert sorted(new) == sorted((i, "new") for i in expected) and len(expected) >= 3
    assert reported(index, corpus) == []  # reported once
    seed = corpus / SEEDS["001"]
    text = seed.read_text(encoding="utf-8")
    assert text.count("Tofig Yagublu") >= 1
    seed.write_text(text.replace("Tofig Yagublu", "Tofiq Yagublu", 1), encoding="utf-8")
    changed = reported(index, corpus)
    assert len(changed) == 1 and changed[0][1] == "changed"
    assert reported(index, corpus, "--full") == []  # a rebuild changes document numbers, not passages
    seed.rename(corpus / "hernoemd.txt")
    assert reported(index, corpus) == []  # nor does a move


def test_the_feed_is_valid_atom_with_an_entry_per_reported_passage(setup) -> None:
    corpus, index = setup
    coi(index, "alert", "add", "yagublu", QUERY)
    shutil.copy(CORPUS / SEEDS["001"], corpus)
    new = reported(index, corpus)
    feed = feedparser.parse(str(index / "feeds" / "yagublu.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "coi alert yagublu: Yagublu"
    assert len(feed.entries) == len(new)
    entry = feed.entries[0]
    assert entry.title.startswith("Nieuw: ") and entry.link.startswith("https://zoek.officielebekendmakingen.nl/")
    assert "Aanhangsel Handelingen II 2021/22, nr. 2054" in entry.content[0].value
    runs = run_alerts(index, ["yagublu"], base_url="http://127.0.0.1:8765")  # nothing new: the feed keeps entries
    assert runs[0].reported == ()
    assert len(feedparser.parse(str(index / "feeds" / "yagublu.xml")).entries) == len(new)


def test_a_first_run_reports_nothing_new_unless_backfilled(setup) -> None:
    corpus, index = setup
    out = coi(index, "alert", "add", "isbatov", "Isbatov")
    assert "isbatov: first run, " in out and " matching passages noted" in out
    assert run_alerts(index, ["isbatov"])[0].reported == ()
    coi(index, "alert", "remove", "isbatov")
    out = coi(index, "alert", "add", "isbatov", "Isbatov", "--backfill")
    total = search(index, "Isbatov").total
    assert f"isbatov: {total} new or changed passages" in out and total >= 2
    assert len(run_alerts(index, ["isbatov"])[0].reported) == 0
    assert len(feedparser.parse(str(index / "feeds" / "isbatov.xml")).entries) == total


def test_alerts_are_checked_and_kept_in_a_readable_file(setup) -> None:
    _, index = setup
    assert "unbalanced quote" in coi(index, "alert", "add", "x", '"open', code=2)
    assert "alert name 'Hoofdletters!'" in coi(index, "alert", "add", "Hoofdletters!", "x", code=2)
    assert "date '2024-13' is not a date" in coi(index, "alert", "add", "x", "y", "--from", "2024-13", code=2)
    coi(index, "alert", "add", "lhbtiq-az", "LHBTIQ bescherming", "--country", "azerbeidzjan", "--from", "2021")
    assert "exists already" in coi(index, "alert", "add", "lhbtiq-az", "x", code=2)
    text = (index / "alerts.toml").read_text(encoding="utf-8")
    assert '[alert.lhbtiq-az]\nquery = "LHBTIQ bescherming"\ncountries = ["azerbeidzjan"]\nfrom = "2021"' in text
    assert load_alerts(index)["lhbtiq-az"].date_from == "2021"
    assert "lhbtiq-az: 'LHBTIQ bescherming' (countries=azerbeidzjan; from=2021)" in coi(index, "alert", "list")
    assert "no alert named 'weg'" in coi(index, "alert", "remove", "weg", code=1)
    coi(index, "alert", "remove", "lhbtiq-az")
    assert load_alerts(index) == {}


def test_the_page_lists_alerts_and_serves_feeds_linked_to_its_passage_pages(setup) -> None:
    from coi.web import create_app

    corpus, index = setup
    coi(index, "alert", "add", "yagublu", QUERY)
    shutil.copy(CORPUS / SEEDS["001"], corpus)
    new = reported(index, corpus)
    client = create_app(index).test_client()
    page = client.get("/alerts")
    assert page.status_code == 200 and b"yagublu" in page.data and b'href="/feeds/yagublu.xml"' in page.data
    served = client.get("/feeds/yagublu.xml")
    assert served.status_code == 200 and served.mimetype == "application/atom+xml"
    feed = feedparser.parse(served.data)
    assert not feed.bozo and len(feed.entries) == len(new)
    for entry in feed.entries:
        assert entry.link.startswith("http://localhost/p/")
        assert client.get(entry.link.removeprefix("http://localhost")).status_code == 200
    assert client.get("/feeds/weg.xml").status_code == 404
