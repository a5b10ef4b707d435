"""The hand-labelled development set for topic and country tags is well-formed, and its scorer counts right."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from coi.tag import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "tags_dev.jsonl"
FIELDS = {"source": str, "passage_id": str, "doc_title": str, "heading": str, "question": str, "text": str,
          "domain": str, "topics": list, "countries": list, "note": str}


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_tags", ROOT / "benchmarks" / "tags.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_tags"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_every_record_has_the_fields_with_their_types(records: list[dict[str, Any]]) -> None:
    for r in records:
        assert set(r) == set(FIELDS), r.get("passage_id")
        for name, kind in FIELDS.items():
            assert isinstance(r[name], kind), (r["passage_id"], name)
        assert r["domain"] in ("coi", "domestic"), r["passage_id"]
        assert str(r["text"]).strip(), r["passage_id"]
        assert str(r["source"]).startswith(("corpus/", "realdocs/")), r["source"]


def test_every_key_is_a_vocabulary_key_of_its_kind(records: list[dict[str, Any]]) -> None:
    entries = load_vocabulary().entries
    topics = {k for k, e in entries.items() if e.kind == "topics"}
    places = {k for k, e in entries.items() if e.kind in ("countries", "regions")}
    for r in records:
        assert set(r["topics"]) <= topics, (r["passage_id"], set(r["topics"]) - topics)
        assert set(r["countries"]) <= places, (r["passage_id"], set(r["countries"]) - places)
        assert len(set(r["topics"])) == len(r["topics"]), r["passage_id"]


def test_enough_records_and_both_domains_hold_40_percent(records: list[dict[str, Any]]) -> None:
    assert len(records) >= 300
    domains = Counter(r["domain"] for r in records)
    for domain in ("coi", "domestic"):
        assert domains[domain] >= 0.4 * len(records), domains


def test_no_passage_twice(records: list[dict[str, Any]]) -> None:
    ids = Counter((r["source"], r["passage_id"]) for r in records)
    assert [k for k, n in ids.items() if n > 1] == []
    # "Ja." answers share a text, but not the question they answer
    contents = Counter((r["heading"], r["question"], r["text"]) for r in records)
    assert [k for k, n in contents.items() if n > 1] == []


def test_spread_over_many_documents(records: list[dict[str, Any]]) -> None:
    per_source = Counter(r["source"] for r in records)
    assert len(per_source) >= 20
    assert max(per_source.values()) <= 25, per_source.most_common(1)


def test_the_scorer_counts_precision_recall_and_false_tags(bench: ModuleType) -> None:
    score = bench.Score()
    score.add(frozenset({"detentie", "rechtsstaat"}), frozenset({"detentie", "terugkeer"}))
    score.add(frozenset(), frozenset({"sancties-diplomatie"}))
    score.add(frozenset(), frozenset())
    assert (score.tp, score.fp, score.fn) == (1, 2, 1)
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 2)
    assert score.false_tag_rate == pytest.approx(1 / 2)
    assert score.as_dict()["per_key"]["rechtsstaat"] == {"precision": None, "recall": 0.0, "tp": 0, "fp": 0,
                                                          "fn": 1}


def test_the_benchmark_scores_every_label_from_any_directory(
        bench: ModuleType, records: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert bench.main(["--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passages"] == len(records) == report["coi"]["passages"] + report["domestic"]["passages"]
    topics = report["all"]["topics"]
    assert topics["tp"] + topics["fn"] == sum(len(r["topics"]) for r in records)
    assert topics["none_passages"] == sum(1 for r in records if not r["topics"])
