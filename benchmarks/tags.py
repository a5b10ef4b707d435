"""Topic and country tags against hand labels: precision, recall and the false-tag rate (issue 19).

    python benchmarks/tags.py                    # tables
    python benchmarks/tags.py --errors           # every wrong or missed tag, with the passage's first words
    python benchmarks/tags.py --json             # the same numbers for a machine
    python benchmarks/tags.py --unscored-countries filipijnen,mozambique   # keys the labellers could not use

The labels in `benchmarks/data/tags_dev.jsonl` were made by reading each passage, without looking at coi's tags
(see the README). Each record becomes a passage of a minimal Document (one per source file, its passages in file
order), so the tagger sees what `coi index` would give it: the heading (for an answer: the question it answers)
and the document's title. Only the shipped vocabulary is used, never a corpus's own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coi.model import DocType, Document, Passage  # noqa: E402
from coi.tag import load_vocabulary, tag_document  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "tags_dev.jsonl"
DOMAINS = ("coi", "domestic")
SINGULAR = {"topics": "topic", "countries": "country"}


@dataclass(frozen=True)
class Record:
    """One labelled passage as stored in the data file."""

    source: str
    passage_id: str
    doc_title: str
    heading: str
    question: str
    text: str
    domain: str
    topics: frozenset[str]
    countries: frozenset[str]
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """A record with what the tagger gave it."""

    record: Record
    topics: frozenset[str]
    countries: frozenset[str]


@dataclass
class Score:
    """Counts for one set of labels (topics or countries), overall and per key."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    per_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    empty: int = 0  # passages whose right answer is "none"
    empty_tagged: int = 0  # ... that got a tag all the same

    def add(self, gold: frozenset[str], got: frozenset[str]) -> None:
        """Count one passage."""
        for key in gold | got:
            counts = self.per_key[key]
            if key in gold and key in got:
                counts[0] += 1
                self.tp += 1
            elif key in got:
                counts[1] += 1
                self.fp += 1
            else:
                counts[2] += 1
                self.fn += 1
        if not gold:
            self.empty += 1
            self.empty_tagged += bool(got)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def false_tag_rate(self) -> float | None:
        return _ratio(self.empty_tagged, self.empty)

    def as_dict(self) -> dict[str, object]:
        """The numbers as JSON-ready values."""
        return {
            "precision": _round(self.precision), "recall": _round(self.recall),
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "none_passages": self.empty, "none_tagged": self.empty_tagged,
            "false_tag_rate": _round(self.false_tag_rate),
            "per_key": {k: {"precision": _round(_ratio(tp, tp + fp)), "recall": _round(_ratio(tp, tp + fn)),
                            "tp": tp, "fp": fp, "fn": fn}
                        for k, (tp, fp, fn) in sorted(self.per_key.items())},
        }


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def load(path: Path = DATA) -> list[Record]:
    """The labelled passages in file order."""
    records = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                records.append(Record(
                    source=d["source"], passage_id=d["passage_id"], doc_title=d["doc_title"], heading=d["heading"],
                    question=d["question"], text=d["text"], domain=d["domain"], topics=frozenset(d["topics"]),
                    countries=frozenset(d["countries"]), note=d.get("note", "")))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: not a labelled passage ({exc})") from None
    return records


def _doc_type(passage_id: str) -> DocType:
    # the parser's own ids say the genre; anything else is tagged as a plain document
    for prefix, kind in (("ah-", DocType.KAMERVRAGEN), ("beslisnota-", DocType.BESLISNOTA),
                         ("kamerbrief-", DocType.KAMERBRIEF)):
        if passage_id.startswith(prefix):
            return kind
    return DocType.DOCUMENT


def documents(records: Sequence[Record]) -> list[Document]:
    """One minimal Document per source file, with the labelled passages as its passages."""
    by_source: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_source[r.source].append(r)
    docs = []
    for source, recs in by_source.items():
        passages = tuple(
            Passage(id=r.passage_id, anchor=r.passage_id.partition("#")[2], locator="",
                    # an answer's heading is its question; where the parser gave none, the question is the context
                    heading=r.heading or r.question or None, text=r.text, order=i)
            for i, r in enumerate(recs))
        docs.append(Document(doc_id=recs[0].passage_id.partition("#")[0], doc_type=_doc_type(recs[0].passage_id),
                             title=recs[0].doc_title or None, date=None, source_path=source, passages=passages))
    return docs


def run(records: Sequence[Record], unscored: frozenset[str] = frozenset()) -> list[Outcome]:
    """Tag every record with coi's tagger and the shipped vocabulary. Countries in `unscored` (keys added to the
    vocabulary after the labels were made, which the labellers could not choose) are left out of the tags."""
    vocab = load_vocabulary()
    got: dict[str, Passage] = {}
    for doc in documents(records):
        for p in tag_document(doc, vocab).passages:
            got[p.id] = p
    return [Outcome(r, frozenset(got[r.passage_id].topics), frozenset(got[r.passage_id].countries) - unscored)
            for r in records]


def score(outcomes: Iterable[Outcome]) -> tuple[Score, Score]:
    """Topic and country scores over the outcomes."""
    topics, countries = Score(), Score()
    for o in outcomes:
        topics.add(o.record.topics, o.topics)
        countries.add(o.record.countries, o.countries)
    return topics, countries


def report(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """All numbers: overall, by domain, and without the seeds the tagger was built on."""
    subsets = {"all": list(outcomes)}
    for d in DOMAINS:
        subsets[d] = [o for o in outcomes if o.record.domain == d]
    subsets["not seeds"] = [o for o in outcomes if not o.record.source.startswith("corpus/")]
    out: dict[str, object] = {"passages": len(outcomes)}
    for name, subset in subsets.items():
        t, c = score(subset)
        out[name] = {"passages": len(subset), "topics": t.as_dict(), "countries": c.as_dict()}
    return out


def _pct(x: object) -> str:
    return "–" if x is None else f"{float(x):.2f}"  # type: ignore[arg-type]


def print_tables(rep: dict[str, object]) -> None:
    """Markdown tables: the summary by subset, then per topic and per country over all passages."""
    print(f"{rep['passages']} passages\n")
    print("| subset | passages | topic P | topic R | no-topic passages | false-tag rate | country P | country R |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("all", *DOMAINS, "not seeds"):
        s = rep[name]
        assert isinstance(s, dict)
        t, c = s["topics"], s["countries"]
        print(f"| {name} | {s['passages']} | {_pct(t['precision'])} | {_pct(t['recall'])} | {t['none_passages']} | "
              f"{_pct(t['false_tag_rate'])} | {_pct(c['precision'])} | {_pct(c['recall'])} |")
    everything = rep["all"]
    assert isinstance(everything, dict)
    for kind in ("topics", "countries"):
        print(f"\n| {SINGULAR[kind]} | labelled | tagged | right | P | R |")
        print("|---|---:|---:|---:|---:|---:|")
        for key, k in everything[kind]["per_key"].items():
            print(f"| {key} | {k['tp'] + k['fn']} | {k['tp'] + k['fp']} | {k['tp']} | {_pct(k['precision'])} | "
                  f"{_pct(k['recall'])} |")


def print_errors(outcomes: Sequence[Outcome], width: int = 90) -> None:
    """Every passage with a wrong or missed tag: + tagged but not labelled, - labelled but not tagged."""
    for o in outcomes:
        r = o.record
        wrong = [f"+{k}" for k in sorted(o.topics - r.topics)] + [f"-{k}" for k in sorted(r.topics - o.topics)]
        wrong += [f"+{k}" for k in sorted(o.countries - r.countries)]
        wrong += [f"-{k}" for k in sorted(r.countries - o.countries)]
        if wrong:
            words = " ".join(r.text.split())[:width]
            print(f"{r.passage_id} [{r.domain}] {' '.join(wrong)}\n    {words}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="labelled passages (JSON lines)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--errors", action="store_true", help="list every wrong or missed tag")
    parser.add_argument("--unscored-countries", default="", metavar="KEY,KEY",
                        help="country keys the labels could not use (added to the vocabulary after labelling)")
    args = parser.parse_args(argv)
    outcomes = run(load(args.data), frozenset(k for k in args.unscored_countries.split(",") if k))
    if args.errors:
        print_errors(outcomes)
    elif args.json:
        print(json.dumps(report(outcomes), indent=1, ensure_ascii=False))
    else:
        print_tables(report(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
