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
