"""coi.lexicon: lemmas and compound parts from simplemma's Dutch dictionary, on words of the real documents."""

from __future__ import annotations

import pytest

from coi import lexicon


@pytest.mark.parametrize(("word", "expected"), [
    ("situaties", "situatie"),
    ("sancties", "sanctie"),
    ("vrijheden", "vrijheid"),
    ("vervolgd", "vervolgen"),
    ("onderdrukt", "onderdrukken"),
    ("gedeporteerd", "deporteren"),
    ("gediscrimineerd", "discrimineren"),
    ("journalisten", "journalist"),
    ("dienstplicht", "dienstplicht"),  # the lexicon writes "dienst_plicht": one word here
    ("xyzzyq", "xyzzyq"),  # unknown: the word itself
])
def test_lemma(word: str, expected: str) -> None:
    assert lexicon.lemma(word) == expected


def test_the_lemmatizers_known_errors_are_still_what_it_says() -> None:
    # Why analysis indexes the lemma beside the word, never instead of it (tests/test_analysis.py keeps the
    # stems of both): if these ever change, the guard there is still right.
    assert lexicon.lemma("gevangenen") == "vangen"
    assert lexicon.lemma("oppositieleider") == "oppositieleidster"


@pytest.mark.parametrize(("word", "parts"), [
    ("persvrijheid", ["pers", "vrijheid"]),
    ("vrouwenrechten", ["vrouw", "rechten"]),  # linking -en-
    ("asielopvang", ["asiel", "opvang"]),
    ("oorlogsmisdaden", ["oorlog", "misdaden"]),  # linking -s-
    ("ambtsbericht", ["ambt", "bericht"]),
    ("oppositieleider", ["oppositie", "leider"]),
    ("kinderopvang", ["kind", "opvang"]),  # linking -er-, and not kind + erop + vang
    ("strafbaarstelling", ["strafbaar", "stelling"]),  # not strafbaar + s + telling
    ("eu-lidstaten", ["eu", "lidstaten"]),
    ("lhbtiq+-personen", ["lhbtiq", "personen"]),
])
def test_split_compound(word: str, parts: list[str]) -> None:
    assert lexicon.split_compound(word) == parts


def test_split_compound_gives_parts_of_parts() -> None:
    parts = lexicon.split_compound("mensenrechtenverdedigers")
    assert {"mens", "recht", "verdedigers"} <= set(parts)


@pytest.mark.parametrize("word", [
    "regering",  # "rege" is a form of "rijgen", not a head
    "personen",  # lemma "persoon" does not split: no "pers" + "onen"
    "gevangenen",  # no "gevang" + "enen"
    "onderzoek",  # a preposition does not head a compound
    "terugkeer",
    "vervolging",
    "verkiezingen",
])
def test_not_compounds(word: str) -> None:
    assert lexicon.split_compound(word) == []


def test_lookups_from_the_cached_file_and_from_memory_agree(tmp_path: pytest.TempPathFactory,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from_file = lexicon._Lexicon()
    words = ["situaties", "mensen", "persvrijheid", "aaaa", "zzzzz", "'s-gravenhage", "armenie"]
    found = [from_file.get(w) for w in words]
    assert from_file._map is not None and from_file._dict is None
    in_memory = lexicon._Lexicon()
    in_memory.preload()
    assert in_memory._dict is not None
    assert [in_memory.get(w) for w in words] == found
    assert found[0] == "situatie" and found[3] is None


def test_the_lexicon_s_version_is_simplemma_s_without_importlib_metadata() -> None:
    import importlib.metadata
    import subprocess
    import sys

    assert lexicon.data_version() == importlib.metadata.version("simplemma")
    code = "import sys, coi.lexicon; coi.lexicon.data_version(); print('importlib.metadata' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
