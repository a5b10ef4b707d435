"""Parser output against reviewed golden files (regenerate with `make golden`, review the diff)."""

from __future__ import annotations

import json

import pytest

from tests.regen_golden import SLOW_GOLDEN, golden_inputs, golden_path, render


@pytest.mark.parametrize("doc", [pytest.param(d, marks=pytest.mark.slow) if d.name in SLOW_GOLDEN else d
                                 for d in golden_inputs()], ids=lambda p: p.name)
def test_parser_output_matches_golden(doc) -> None:
    expected = json.loads(golden_path(doc).read_text(encoding="utf-8"))
    actual = json.loads(render(doc))
    assert actual == expected


def test_every_seed_and_real_text_has_a_golden_file() -> None:
    names = {golden_path(d).name for d in golden_inputs()}
    # five seeds, five beslisnota texts, the Aanhangsel 387 Markdown text, four web-page texts, eleven official
    # XML files, three PDFs of the fidelity work, and the PDFs and the HTML page of the genre work
    assert len(names) == 11 + 4 + 11 + 3 + 6
