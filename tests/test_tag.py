"""Tagging: quality against hand labels, the rules, the user vocabulary, and its errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from coi.index import update_index
from coi.search import Filters, search
from coi.tag import VocabularyError, corpus_vocabulary, load_vocabulary, resolve, tag_document, tag_text
from tests.conftest import CORPUS
from tests.tag_eval import evaluate, micro


def test_precision_and_recall_on_the_hand_labelled_seeds() -> None:
    topics, countries, _ = evaluate()
    overall = micro(topics | {f"country:{k}": v for k, v in countries.items()})
    assert overall.precision >= 0.85, overall
    assert overall.recall >= 0.80, overall
    assert micro(topics).precision >= 0.85 and micro(topics).recall >= 0.80


def test_tags_record_the_words_that_set_them() -> None:
    tags = tag_text("LHBTIQ+ personen en homoseksuelen in Azerbeidzjan worden niet beschermd.", load_vocabulary())
    assert tags.topics == ("lhbtiq",)
    assert tags.triggers["lhbtiq"] == ("LHBTIQ", "homoseksuelen")
    assert tags.countries == ("azerbeidzjan",)


def test_countries_tolerate_accents_ocr_and_inflections() -> None:
    vocab = load_vocabulary()
    for text in ("het conflict met Armenié", "in Armenië", "Armeense vluchtelingen", "Armenia"):
        assert tag_text(text, vocab).countries == ("armenie",), text
    assert tag_text("de Azerbeidzjaanse autoriteiten", vocab).countries == ("azerbeidzjan",)


def test_a_region_makes_the_passage_about_its_country() -> None:
    tags = tag_text("De crisis rondom Nagorno-Karabach is voorbij.", load_vocabulary())
    assert set(tags.countries) == {"nagorno-karabach", "azerbeidzjan"}


def test_a_passing_list_of_countries_does_not_count() -> None:
    tags = tag_text("Azerbeidzjan staat op de zesde plaats, na Rusland, Oekraïne, Turkije, Roemenië en Italië.",
                    load_vocabulary())
    assert tags.countries == ("azerbeidzjan",)


def test_weak_words_need_company() -> None:
    vocab = load_vocabulary()
    assert "gewapend-conflict" not in tag_text("Het conflict duurt voort.", vocab).topics
    assert "gewapend-conflict" in tag_text("Het conflict leidde tot een escalatie van geweld.", vocab).topics


def test_document_main_country(seed_docs) -> None:
    vocab = load_vocabulary()
    assert tag_document(seed_docs["000"], vocab).countries == ("azerbeidzjan",)
    assert set(tag_document(seed_docs["003"], vocab).countries) == {"azerbeidzjan", "armenie"}


def test_search_filters_take_keys_or_labels(tmp_path) -> None:
    vocab = load_vocabulary()
    assert resolve("LHBTIQ+", vocab, ("topics",)) == "lhbtiq"
    assert resolve("Armenië", vocab, ("countries", "regions")) == "armenie"
    index = tmp_path / "index"
    update_index(index, [CORPUS], tagger=lambda d: tag_document(d, vocab), tagging=vocab.digest)
    hits = search(index, "bescherming autoriteiten", Filters(topics=("lhbtiq",), countries=("azerbeidzjan",)))
    assert hits.hits[0].id == "beslisnota-5842148#4.3.5"
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "bescherming", "--topic", "LHBTIQ+",
                                      "--not-country", "Armenië", "--json"])
    assert result.exit_code == 0, result.output
    assert '"beslisnota-5842148#4.3.5"' in result.output and '"beslisnota-5842148#4.1"' not in result.output


USER_VOCABULARY = """
[topics.mediavrijheid]
label = "Mediavrijheid"
terms = ["Freedom House", "CEPEJ"]

[topics.lhbtiq]
terms = ["regenboog*"]
"""


def test_user_vocabulary_retags_on_next_index_without_parsing(tmp_path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(cli, ["--index", str(index), "index", str(corpus)]).exit_code == 0
    (corpus / "vocabulary.toml").write_text(USER_VOCABULARY, encoding="utf-8")
    f = corpus / "kamerbrief-nagorno-karabach-2023.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("UNESCO-missie", "UNESCO-missie en regenboogparade"),
                 encoding="utf-8")

    import coi.parse

    parsed: list[str] = []
    real = coi.parse.parse_file
    monkeypatch.setattr(coi.parse, "parse_file",
                        lambda p, *cache: parsed.append(Path(p).name) or real(p, *cache))
    result = runner.invoke(cli, ["--index", str(index), "index", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    assert parsed == ["kamerbrief-nagorno-karabach-2023.txt"]  # only the changed file was parsed
    assert '"retagged": 1' in result.output  # 2054 answer 9 cites Freedom House and CEPEJ; nothing else changed
    assert [h.id for h in search(index, "*", Filters(topics=("mediavrijheid",))).hits] == [
        "ah-tk-20212022-2054#antwoord-9"]
    assert "kst-21501-02-2737#alinea-11" in [h.id for h in search(index, "*", Filters(topics=("lhbtiq",)),
                                                                 limit=50).hits]
    again = runner.invoke(cli, ["--index", str(index), "index", str(corpus), "--json"])
    assert '"retagged": 0' in again.output and '"unchanged": 5' in again.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[topics.x]\nlabel = "X"\nterms = "een"\n',
         "line 3: key 'topics.x.terms' must be a list of non-empty strings"),
        ("[topics.x\n", "malformed TOML"),
        ('[onderwerpen.x]\nterms = ["a"]\n', "line 1: key 'onderwerpen' is not a section"),
        ('[topics.nieuw]\nterms = ["a"]\n', "key topics.'nieuw' is new and needs a label and terms"),
        ('[topics.x]\nlabel = "X"\nterms = ["a"]\nsynonyms = ["b"]\n', "key 'topics.x' has unknown field 'synonyms'"),
    ],
)
def test_malformed_vocabulary_names_file_line_and_key(tmp_path, text, message) -> None:
    (tmp_path / "vocabulary.toml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as err:
        corpus_vocabulary([tmp_path])
    assert str(err.value).startswith(str(tmp_path / "vocabulary.toml"))
    assert message in str(err.value)
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
