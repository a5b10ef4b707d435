"""Generated corpora for tests and benchmarks: real seed documents, varied deterministically so that every copy
is a distinct document (its own number, dates and words) of the same genre."""

from __future__ import annotations

import random
import re
from pathlib import Path

# seed file name -> how its copies get a distinct identity
_VARIANTS = {
    "aanhangsel-2054-oppositie-azerbeidzjan-2022.txt": ("2054", "aanhangsel"),
    "aanhangsel-3878-uitzetting-isbatov-2019.txt": ("3878", "aanhangsel"),
    "beslisnota-landenbeleid-azerbeidzjan-2024.md": ("5842148", "beslisnota"),
    "kamerbrief-nagorno-karabach-2023.txt": (None, "kamerbrief"),
}
_SWAPS = [("Azerbeidzjan", ["Armenië", "Georgië", "Iran", "Turkije", "Rusland"]),
          ("oppositie", ["oppositie", "journalisten", "activisten"]),
          ("LHBTIQ+", ["LHBTIQ+", "vrouwen", "minderjarigen"])]


def generate_corpus(seed_dir: Path, out: Path, copies: int, seed: int = 7, first: int = 10000) -> list[Path]:
    """Write `copies` variants of the seeds into `out` (the seeds themselves not included), numbered from
    `first` (their identifiers: give another corpus in the same index other numbers)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    sources = [(seed_dir / name, ident, kind) for name, (ident, kind) in _VARIANTS.items()]
    texts = {p: p.read_text(encoding="utf-8") for p, _, _ in sources}
    written: list[Path] = []
    for i in range(copies):
        path, ident, kind = sources[i % len(sources)]
        text = texts[path]
        number = str(first + i)
        if ident:
            text = re.sub(rf"\b{ident}\b", number, text)
        for word, options in _SWAPS:
            text = text.replace(word, rng.choice(options))
        text = re.sub(r"\b(20[12]\d)\b", lambda m: str(int(m.group(1)) - rng.randint(0, 3)), text, count=3)
        target = out / f"{kind}-{number}{path.suffix}"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
