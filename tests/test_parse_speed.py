"""Parsing made cheaper gives what it gave before: each rewritten function against a copy of the old one, on the
lines of real documents (issue #16: parsing CPU per passage)."""

from __future__ import annotations

import functools
import re
import sys

from coi.clean import _norm, visible
from coi.formats import extract
from coi.lines import MARK_RE
from tests.conftest import CORPUS, FIXTURES

_FAST = {".txt", ".md", ".xml", ".html"}  # the formats read in milliseconds (no PDF, no OCR)


@functools.cache
def real_lines() -> tuple[str, ...]:
    """The line texts of every real document in the corpus and the fixtures that reads without a PDF."""
    paths = sorted(p for root in (CORPUS, FIXTURES) for p in root.rglob("*") if p.suffix in _FAST)
    return tuple(line.text for p in paths for line in extract(p).lines)


def test_the_real_lines_are_many() -> None:
    assert len(real_lines()) > 2000


def test_norm_is_the_regex_it_replaced() -> None:
    def old(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().lower()

    # every character regex \s matches, and every one it does not, in the middle and at the ends of a line
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for k in range(0, len(every), 4096):
        chunk = every[k: k + 4096]
        assert _norm(chunk) == old(chunk)
        assert _norm(f" a{chunk}b ") == old(f" a{chunk}b ")
    for text in real_lines():
        assert _norm(text) == old(text)


def test_visible_is_the_regex_it_replaced() -> None:
    # footnote marks where mark_footnotes puts them (after a word), and sentinels that are no mark
    marked = [re.sub(r"(\w)([ .,])", "\\1\ue0007\ue001\\2", t, count=2) for t in real_lines()]
    texts = [*real_lines(), *marked, "\ue000x\ue001", "\ue000\ue00012\ue001\ue001"]
    for text in texts:
        assert visible(text) == MARK_RE.sub("", text)


def test_one_match_of_all_furniture_rules_finds_the_lines_some_rule_finds() -> None:
    from coi.clean import _ANY_RULE, _FURNITURE, _RULES

    lines = real_lines()
    # running footers, page numbers, identifiers, addresses: the check sees furniture of every kind
    assert {rule for text in lines for rule, rx in _RULES if rx.match(text)} >= {
        "running footer", "identifier line", "page number", "letterhead address"}
    for text in lines:
        assert bool(_ANY_RULE.match(text)) == any(rx.match(text) for rx in _FURNITURE), text
