from __future__ import annotations

from pathlib import Path

import pytest

from coi.analysis import (
    DutchTokenizer,
    ReverseFilter,
    reference_analyzer,
    reference_index_analyzer,
    reverse_analyzer,
    stem_word,
    word_forms,
)
from tests.conftest import CORPUS, SEEDS


def tokens(analyzer, text: str, **kw) -> list[tuple]:
    return [(t.text, t.pos, t.startchar, t.endchar, t.stopped)
            for t in analyzer(text, positions=True, chars=True, **kw)]


@pytest.mark.parametrize("name", sorted(SEEDS.values()))
@pytest.mark.parametrize("removestops", [True, False])
def test_fused_tokenizer_equals_the_filter_chain(name, removestops) -> None:
    text = (Path("corpus") / name).read_text(encoding="utf-8")
    assert tokens(DutchTokenizer(), text, removestops=removestops) == tokens(
        reference_analyzer(), text, removestops=removestops)


@pytest.mark.parametrize("name", sorted(SEEDS.values()))
def test_indexing_path_equals_the_filter_chain(name) -> None:
    """Indexing asks for positions without offsets: the stems come from a cache shared with the word-endings
    field; tokens and positions must be the chain's, for the text and for its reversed long words."""
    text = (Path("corpus") / name).read_text(encoding="utf-8")

    def plain(analyzer, value):
        return [(t.text, t.pos, t.stopped) for t in analyzer(value, positions=True)]

    def indexed(analyzer, value):
        return [(t.text, t.pos, t.stopped) for t in analyzer(value, positions=True, mode="index")]

    for value in (text, text[: len(text) // 2], "de " + text, text):  # a new value, the same value twice
        assert plain(DutchTokenizer(), value) == plain(reference_analyzer(), value)
        assert indexed(DutchTokenizer(), value) == indexed(reference_index_analyzer(), value)
        assert plain(reverse_analyzer(), value) == plain(reference_analyzer() | ReverseFilter(), value)
    assert plain(DutchTokenizer(), "") == []


def test_dutch_analysis() -> None:
    words = [t.text for t in DutchTokenizer()("Armenië Armenié Armenie de hongerstakingen LHBTIQ+ 15c")]
    assert words == ["armenie", "armenie", "armenie", "hongerstak", "lhbtiq", "15c"]
    assert [t.text for t in reverse_analyzer()("de oppositieleider sprak")] == ["redieleitisoppo"]


def index_tokens(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in DutchTokenizer()(text, positions=True, mode="index")]


def test_the_index_holds_the_lemma_stem_beside_the_own_stem() -> None:
    # "gevangenen": the lemmatizer says "vangen"; the word's own stem stays, at the same position
    assert index_tokens("politieke gevangenen vrijgelaten")[1:3] == [("gevangen", 1), ("vang", 1)]
    assert word_forms("oppositieleider")[0] == "oppositieleider"
    assert {"situatie"} <= set(word_forms("situaties"))


def test_the_index_holds_compound_parts_at_the_compounds_position() -> None:
    tokens = index_tokens("de persvrijheid in Azerbeidzjan")
    assert (stem_word("pers"), 1) in tokens and (stem_word("vrijheid"), 1) in tokens
    assert ("azerbeidzjan", 2) in tokens


def test_the_analyzer_is_named_with_its_algorithm_and_lexicon_version() -> None:
    from importlib.metadata import version

    from coi import store

    assert store.ANALYZER.startswith("coi-dutch-")
    assert "snowball-dutch_porter" in store.ANALYZER and f"simplemma-{version('simplemma')}" in store.ANALYZER


def test_fold_is_lower_case_through_the_accent_map_for_every_character() -> None:
    """fold() maps only non-ASCII runs: the same text as translating every character (every character whoosh's
    accent map knows, mixed with ASCII in every case, and the seeds)."""
    from coi.analysis import fold
    from coi.lexicon import FOLD_MAP as accent_map

    mapped = "".join(chr(c) for c in accent_map)
    texts = [mapped, "ASCII only, UPPER and lower", "Armenië — ’s-Gravenhage: ÉÉN één", "ß İ Ǆ ﬁ ĳ Ĳ"]
    texts += [f"a{ch}B{ch}{ch}c" for ch in mapped]
    texts += [(CORPUS / name).read_text(encoding="utf-8") for name in sorted(SEEDS.values())]
    assert len(texts) > len(mapped)
    for text in texts:
        assert fold(text) == text.lower().translate(accent_map)


def test_the_dutch_ij_as_one_character_and_ligatures_are_the_letters_typed(tmp_path) -> None:
    # official XML and typeset PDFs write "ĳ" as one character ("zĳ" in kst-37020-X-1) and PDFs "ﬁ": an officer
    # types "vrijheid", "officieel"
    from coi.index import update_index
    from coi.parse import parse_file
    from coi.search import search

    def plain(text: str) -> list[tuple]:
        return [(t.text, t.pos) for t in DutchTokenizer()(text, positions=True, mode="index")]

    assert plain("De vrĳheid bĳ ĲSSEL, ofﬁcieel") == plain("De vrijheid bij IJSSEL, officieel")
    doc = parse_file(Path("tests/fixtures/xml/kst-37020-X-1.xml"))
    typeset = next(p.text for p in doc.passages if "zĳ in werking" in p.text)
    assert plain(typeset) == plain(typeset.replace("ĳ", "ij"))
    # a whole Aanhangsel set with "ĳ" is found by what an officer types
    text = (CORPUS / SEEDS["001"]).read_text(encoding="utf-8")
    assert "vrijheid" in text
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "typeset.txt").write_text(text.replace("ij", "ĳ"), encoding="utf-8")
    update_index(tmp_path / "index", [tmp_path / "corpus"])
    hits = search(tmp_path / "index", "vrijheid van meningsuiting bij de oppositie").hits
    assert hits and hits[0].match == "all"
