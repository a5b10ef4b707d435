"""Precision and recall of the tagger against the hand labels of the seeds: `python -m tests.tag_eval`."""

from __future__ import annotations

import os
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from coi.parse import parse_file
from coi.tag import load_vocabulary, tag_document

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "labels.toml"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate() -> tuple[dict[str, Score], dict[str, Score], list[str]]:
    """Per-tag scores for topics and for countries, and the disagreements."""
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    vocab = load_vocabulary()
    topics: dict[str, Score] = {}
    countries: dict[str, Score] = {}
    diffs: list[str] = []
    seen = Counter()
    for path in sorted((ROOT / "corpus").iterdir()):
        if path.suffix not in (".txt", ".md"):
            continue
        doc = tag_document(parse_file(path), vocab)
        for p in doc.passages:
            seen[p.id] += 1
            want = labels[p.id]
            got_countries = p.countries or doc.countries  # what search and facets use
            for scores, got, expected in ((topics, p.topics, want["topics"]), (countries, got_countries,
                                                                                  want["countries"])):
                for tag in set(got) | set(expected):
                    s = scores.setdefault(tag, Score())
                    if tag in got and tag in expected:
                        s.tp += 1
                    elif tag in got:
                        s.fp += 1
                        diffs.append(f"{p.id}: extra {tag} ({', '.join(p.triggers.get(tag, ()))})")
                    else:
                        s.fn += 1
                        diffs.append(f"{p.id}: missing {tag}")
    missing = set(labels) - set(seen)
    assert not missing, f"labels for passages the parser no longer yields: {sorted(missing)}"
    return topics, countries, diffs


def micro(scores: dict[str, Score]) -> Score:
    total = Score()
    for s in scores.values():
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total


def report() -> str:
    topics, countries, diffs = evaluate()
    lines = ["| tag | precision | recall | tp | fp | fn |", "|---|---|---|---|---|---|"]
    for name, scores in (("topic", topics), ("country", countries)):
        for tag, s in sorted(scores.items()):
            lines.append(f"| {name} {tag} | {s.precision:.2f} | {s.recall:.2f} | {s.tp} | {s.fp} | {s.fn} |")
    for name, scores in (("topics (micro)", topics), ("countries (micro)", countries),
                         ("overall (micro)", topics | {f"c:{k}": v for k, v in countries.items()})):
        m = micro(scores)
        lines.append(f"| **{name}** | {m.precision:.2f} | {m.recall:.2f} | {m.tp} | {m.fp} | {m.fn} |")
    return "\n".join(lines + ["", *diffs])


if __name__ == "__main__":
    os.chdir(ROOT)
    print(report())
