from __future__ import annotations

from pathlib import Path

import pytest

from coi.analysis import DutchTokenizer, reference_analyzer, reverse_analyzer
from tests.conftest import SEEDS


def tokens(analyzer, text: str, **kw) -> list[tuple]:
    return [(t.text, t.pos, t.startchar, t.endchar, t.stopped)
            for t in analyzer(text, positions=True, chars=True, **kw)]


@pytest.mark.parametrize("name", sorted(SEEDS.values()))
@pytest.mark.parametrize("removestops", [True, False])
def test_fused_tokenizer_equals_the_filter_chain(name, removestops) -> None:
    text = (Path("corpus") / name).read_text(encoding="utf-8")
    assert tokens(DutchTokenizer(), text, removestops=removestops) == tokens(
        reference_analyzer(), text, removestops=removestops)


def test_dutch_analysis() -> None:
    words = [t.text for t in DutchTokenizer()("Armenië Armenié Armenie de hongerstakingen LHBTIQ+ 15c")]
    assert words == ["armenie", "armenie", "armenie", "hongerstak", "lhbtiq", "15c"]
    assert [t.text for t in reverse_analyzer()("de oppositieleider sprak")] == ["redieleitisoppo"]
