from __future__ import annotations

from coi.references import find_references


def test_kamerstuk_motie_and_aanhangsel() -> None:
    refs = find_references(
        "conform motie van de leden Bikker en Omtzigt (Kamerstuk 36 410, nr. 74). Motie 21 501-20, Nr. 1630. "
        "Zie ook Aanhangsel Handelingen, vergaderjaar 2018–2019, nr. 3626. Motie 33570 V, nr. 42."
    )
    assert [(r.kind, r.doc_id) for r in refs] == [
        ("motie", "kst-36410-74"), ("motie", "kst-21501-20-1630"), ("aanhangsel", "ah-tk-20182019-3626"),
        ("motie", "kst-33570-V-42"),
    ]


def test_plural_numbers_and_duplicates() -> None:
    refs = find_references("Aanhangsel Handelingen, vergaderjaar 2018–2019, nrs. 1268 en 1974; Kamerstuk "
                           "21 501-02, nr. 2733 en nogmaals Kamerstuk 21 501-02, nr. 2733")
    assert [r.doc_id for r in refs] == ["ah-tk-20182019-1268", "ah-tk-20182019-1974", "kst-21501-02-2733"]


def test_the_kamerstuk_pattern_finds_what_a_word_boundary_before_the_alternatives_finds() -> None:
    # _KAMERSTUK looks for the word's first letter before the boundary behind it: the same matches as the plain
    # pattern, on real documents and at the edges (start of text, inside a word, a newline before)
    import re

    from coi.references import _KAMERSTUK
    from tests.conftest import CORPUS, FIXTURES

    plain = re.compile(_KAMERSTUK.pattern.replace(r"(?P<kind>[KMm](?<!\w.)(?:(?<=K)amerstuk(?:ken)?|(?<=[Mm])otie))",
                                                  r"\b(?P<kind>Kamerstuk(?:ken)?|[Mm]otie)"))
    assert plain.pattern != _KAMERSTUK.pattern
    texts = [p.read_text(encoding="utf-8") for p in [*CORPUS.glob("*.txt"), *(FIXTURES / "realdocs").glob("*.txt")]]
    texts += ["Kamerstuk 21 501-02, nr. 2228", "motie 36 200, nr. 12", "xMotie 36 200, nr. 12",
              "Kamerstukken II 2021/22, 21 501-02, nr. 2228 en 2229", "(Kamerstuk 29 279, nr. 1)",
              "\nMotie 1 234, nr. 5",
              "de motie-Van Dijk (36 200, nr. 12)", "oudmotie 36 200, nr. 12", "Kamerstukje 36 200, nr. 12",
              "Kotie 36 200, nr. 12", "mamerstuk 36 200, nr. 12", "Motie 36 200, nr. 12"]
    found = [[(m.span(), m.groupdict()) for m in plain.finditer(t)] for t in texts]
    assert sum(map(len, found)) >= 8
    assert found == [[(m.span(), m.groupdict()) for m in _KAMERSTUK.finditer(t)] for t in texts]
