"""Parsing fidelity: the coverage self-check (`coi parse --check`) over a set of documents, as a Markdown table.

    python benchmarks/fidelity.py [DIR …] [--json] [-o FILE]
    python benchmarks/fidelity.py [DIR …] --compare BEFORE.json    # a before/after table against an earlier --json

Without arguments it checks `corpus/` and every document under `tests/fixtures/`; each DIR given is added
(searched recursively), e.g. a folder of real documents kept outside the project at development time.
Per document: genre, body-word coverage (words in passages, footnotes or metadata, of the words left once page
furniture is removed), words lost, the longest run of lost words, furniture removed, passages, footnotes, the
largest passage, and every warning the parse gave.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def inputs(extra: list[Path]) -> list[Path]:
    """The documents to check: the corpus, the test fixtures, and every document under the folders given."""
    from coi.formats import supported

    roots = [ROOT / "corpus", ROOT / "tests" / "fixtures", *extra]
    found: list[Path] = []
    for root in roots:
        found += sorted(p for p in root.rglob("*") if p.is_file() and supported(p) and p.name != "README.md")
    return found


def check(path: Path) -> dict[str, object]:
    """One document's check record, or its failure."""
    from coi.coverage import check_record
    from coi.errors import CoiError
    from coi.parse import parse_file

    started = time.perf_counter()
    try:
        record = check_record(parse_file(path))
    except CoiError as exc:
        record = {"path": str(path), "error": str(exc)}
    record["seconds"] = round(time.perf_counter() - started, 2)
    return record


def _name(path: str) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return f"{p.parent.name}/{p.name}"


def table(records: list[dict[str, object]]) -> str:
    """The records as a Markdown table, then a summary, then every warning by document."""
    rows = ["| document | genre | coverage | body words | lost | longest lost run | furniture | passages "
            "| footnotes | largest passage | warnings |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    notes: list[str] = []
    ok = parsed = 0
    for r in records:
        name = _name(str(r["path"]))
        if "error" in r:
            rows.append(f"| {name} | failed | | | | | | | | | 1 |")
            notes.append(f"- **{name}**: failed: {r['error']}")
            continue
        parsed += 1
        coverage = float(r["coverage"])  # type: ignore[arg-type]
        ok += coverage >= 0.99
        furniture = sum(r["furniture"].values())  # type: ignore[attr-defined]
        largest = r["largest_passage"]
        warnings = [str(w).split(": ", 1)[-1] for w in r["warnings"]]  # type: ignore[attr-defined]
        rows.append(f"| {name} | {r['doc_type']} | {coverage:.1%} | {r['body_words']} | {r['lost']} "
                    f"| {r['longest_lost_run']} | {furniture} | {r['passages']} | {r['footnotes']} "
                    f"| {largest['characters']} | {len(warnings)} |")  # type: ignore[index]
        notes += [f"- **{name}**: {w}" for w in warnings]
    summary = (f"{len(records)} documents, {parsed} parsed, {ok} with coverage ≥ 99% "
               f"({ok / parsed:.0%} of those parsed)." if parsed else "no documents parsed")
    return "\n".join(rows + ["", summary, "", "Warnings:", ""] + (notes or ["- none"])) + "\n"


def _key(record: dict[str, object]) -> str:
    return _name(str(record["path"]))


def compare(before: list[dict[str, object]], after: list[dict[str, object]]) -> str:
    """Before and after side by side, per document (matched by folder and file name), then the totals."""
    old = {Path(_key(r)).parent.name + "/" + Path(_key(r)).name: r for r in before}
    rows = ["| document | genre | coverage | lost (longest run) | passages | largest passage | warnings |",
            "|---|---|---:|---:|---:|---:|---:|"]

    def cell(r: dict[str, object] | None, fmt: str) -> str:
        if r is None:
            return "–"
        if "error" in r:
            return "failed"
        largest = r["largest_passage"]["characters"]  # type: ignore[index]
        values = {"genre": r["doc_type"], "coverage": f"{float(r['coverage']):.1%}",  # type: ignore[arg-type]
                  "lost": f"{r['lost']} ({r['longest_lost_run']})", "passages": r["passages"],
                  "largest": largest, "warnings": len(r["warnings"])}  # type: ignore[arg-type]
        return str(values[fmt])

    ok = {"before": 0, "after": 0}
    for r in after:
        key = Path(_key(r)).parent.name + "/" + Path(_key(r)).name
        b = old.get(key)
        for name, rec in (("before", b), ("after", r)):
            if rec is not None and "error" not in rec and float(rec["coverage"]) >= 0.99:  # type: ignore[arg-type]
                ok[name] += 1
        cells = [f"{cell(b, f)} → {cell(r, f)}" if cell(b, f) != cell(r, f) else cell(r, f)
                 for f in ("genre", "coverage", "lost", "passages", "largest", "warnings")]
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    rows += ["", f"Documents with coverage ≥ 99%: {ok['before']} of {len(before)} before, {ok['after']} of "
             f"{len(after)} after."]
    return "\n".join(rows) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path, help="more folders of documents to check")
    ap.add_argument("--json", action="store_true", help="print the records as JSON instead of the table")
    ap.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    ap.add_argument("--compare", type=Path, help="an earlier --json output: print before and after side by side")
    args = ap.parse_args()
    records = [check(p) for p in inputs(args.dirs)]
    if args.compare:
        text = compare(json.loads(args.compare.read_text(encoding="utf-8")), records)
    else:
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n" if args.json else table(records)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
