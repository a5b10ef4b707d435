"""The coverage self-check on real documents: every word accounted for, and lost text never silent."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from coi.coverage import MIN_COVERAGE, coverage_warnings, numbering_warnings
from coi.model import Passage
from coi.parse import parse_file
from tests.conftest import SEEDS, parse_once

REALDOCS = sorted(Path("tests/fixtures/realdocs").glob("*.txt"))


@pytest.mark.parametrize("name", sorted(SEEDS.values()))
def test_seeds_account_for_their_words(name: str) -> None:
    doc = parse_file(Path("corpus") / name)
    assert doc.coverage is not None
    assert doc.coverage.ratio >= MIN_COVERAGE, doc.warnings
    assert not [w for w in doc.warnings if "coverage" in w]


def test_text_file_accounts_every_word_somewhere() -> None:
    cov = parse_file(Path("corpus") / SEEDS["001"]).coverage
    assert cov is not None
    assert abs(cov.passages + cov.footnotes + cov.metadata + cov.lost - cov.body_words) <= 3
    assert cov.footnotes > 200  # the ten footnotes of seed 001, found in footnotes and not in passages
    assert dict(cov.furniture)["question/answer label"] >= 25  # "Vraag 1" … "Antwoord 13"


def test_a_dropped_passage_is_reported_as_lost(seed_docs) -> None:
    from coi.coverage import Accounting, measure

    doc = seed_docs["004"]
    # measure the parse again with one answer gone: the words are counted as lost, in one run
    lines = Path("corpus", SEEDS["004"]).read_text(encoding="utf-8").splitlines()
    gone = doc.passages[3]
    shorter = replace(doc, passages=doc.passages[:3] + doc.passages[4:])
    acc = Accounting(body=lines, removed=[], dropped=[], metadata=[])
    before, after = measure(doc, acc), measure(shorter, acc)
    assert after.lost - before.lost >= len(gone.text.split()) * 0.8
    assert after.longest_lost_run >= 40
    assert coverage_warnings(after) and "coverage" in coverage_warnings(after)[0]


def test_furniture_is_counted_by_rule() -> None:
    cov = parse_file(Path("corpus") / SEEDS["000"]).coverage
    assert cov is not None
    rules = dict(cov.furniture)
    assert rules["repeated letterhead"] > 0 and rules["labelled field"] > 0


def _p(anchor: str, locator: str) -> Passage:
    return Passage(id=f"d#{anchor}", anchor=anchor, locator=locator, heading=None, text="x")


def test_numbering_gaps_and_answers_never_asked() -> None:
    passages = [_p("vraag-1", "vraag 1"), _p("vraag-3", "vraag 3"), _p("antwoord-1", "antwoord op vraag 1"),
                _p("antwoord-2-4", "antwoorden op vragen 2 tot en met 4")]
    found = numbering_warnings(passages)
    assert "question numbering has a gap: no question 2" in found
    assert "answer to question 2, 4 that was never asked" in found
    assert numbering_warnings([_p("1", "paragraaf 1"), _p("2", "paragraaf 2"), _p("2.1", "paragraaf 2.1"),
                               _p("3.1", "paragraaf 3.1")]) == []
    assert numbering_warnings([_p("1", "paragraaf 1"), _p("3", "paragraaf 3")]) == [
        "section numbering jumps from 1 to 3"]


def test_check_command_prints_coverage_and_furniture() -> None:
    result = CliRunner().invoke(cli, ["parse", "--check", f"corpus/{SEEDS['000']}", str(REALDOCS[0])])
    assert result.exit_code == 0, result.output
    assert "coverage 100.0% of 2333 body words" in result.output
    assert ("furniture removed: 96 words (heading of a section without text 4, labelled field 26, letterhead "
            "address 12, repeated letterhead 54)") in result.output
    assert "largest passage" in result.output


def test_check_command_json_and_exit_code_for_a_failed_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", "--check", "--json", f"corpus/{SEEDS['001']}", str(empty)])
    assert result.exit_code == 1
    records = json.loads(result.output)
    assert records[0]["doc_id"] == "ah-tk-20212022-2054" and records[0]["coverage"] >= 0.99
    assert set(records[0]) >= {"body_words", "lost", "furniture", "passages", "footnotes", "largest_passage",
                               "warnings"}
    assert "empty file" in records[1]["error"]


def test_letter_spaced_text_is_reported(tmp_path: Path) -> None:
    # the first lines of the VWS Wob decision's OCR layer (woo-pdf/wob_VWS_2019-04-19_ggz_deelbesluit3_scan_ocr)
    path = tmp_path / "ocr.txt"
    path.write_text("M i n i s t e r i e v a n V o l k s g ez ondh W e l z ij n e n S po r t\n\n"
                    "B e s l u it op u w W ob- v e r z o e k (d ee l b e s l u it III)\n\n"
                    "— r i e f, doo r m ij on t v a ng e n op 1 m aa r t 2018, h ee f t u n b e r o e p op d e W e t\n",
                    encoding="utf-8")
    doc = parse_file(path)
    assert any("single letters" in w for w in doc.warnings), doc.warnings
    assert not any("single letters" in w for w in parse_file(Path("corpus") / SEEDS["001"]).warnings)


def test_a_heading_made_of_several_counts_by_its_parts() -> None:
    # the NVWA decision: a web form's bold label under an e-mail's header ("Van: …; Datum: — Adresgegevens
    # eigenaar"); its two words stand in the text between other words, not next to the header
    doc = parse_once("tests/fixtures/pdf/wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf")
    assert any("Adresgegevens eigenaar" in f"{p.heading} {p.text}" for p in doc.passages)
    assert doc.coverage is not None and doc.coverage.ratio >= 0.98, doc.coverage


def _walk_reference(doc, acc):
    """coverage._walk as it was before it looked again only at the words not found yet: every run of the body,
    for every source and run length."""
    from coi.clean import join_lines
    from coi.coverage import _metadata_texts, _passage_texts, words

    body = words(join_lines(list(acc.body)))
    sources = [("passages", _passage_texts(doc.passages)), ("footnotes", [f.text for f in doc.footnotes]),
               ("metadata", [*acc.metadata, *_metadata_texts(doc)]), ("dropped", [t for _, t in acc.dropped])]
    counts = {"passages": 0, "footnotes": 0, "metadata": 0, "dropped": 0}
    found: list[str | None] = [None] * len(body)
    for name, texts in sources:
        grams: set[tuple[str, ...]] = set()
        for text in texts:
            ws = words(text)
            grams.update(tuple(ws[i: i + 3]) for i in range(max(len(ws) - 2, 0)))
            if 0 < len(ws) < 3:
                grams.add(tuple(ws))
        for size in (3, 2, 1):
            for j in range(len(body) - size + 1):
                if tuple(body[j: j + size]) in grams:
                    for k in range(j, j + size):
                        found[k] = found[k] or name
    lost = [i for i, source in enumerate(found) if source is None]
    for source in found:
        if source is not None:
            counts[source] += 1
    return body, counts, lost


@pytest.mark.parametrize("key", ["001", "004"])
def test_words_are_accounted_for_as_before_when_only_the_missing_ones_are_looked_for_again(key, seed_docs) -> None:
    # looking at every run of the body again for every source and run length was a fifth of parsing; the walk
    # now looks again only where a word is still missing, and accounts every word as it did, lost ones too
    from coi.coverage import Accounting, _walk

    doc = seed_docs[key]
    lines = Path("corpus", SEEDS[key]).read_text(encoding="utf-8").splitlines()
    acc = Accounting(body=lines, removed=[], dropped=[("label", "Vraag 1")], metadata=[doc.title or ""])
    for passages in (doc.passages, doc.passages[:3] + doc.passages[4:], doc.passages[::2]):
        shorter = replace(doc, passages=passages)
        assert _walk(shorter, acc) == _walk_reference(shorter, acc)
    assert _walk_reference(replace(doc, passages=doc.passages[::2]), acc)[2]  # words were lost
