"""The index is never wrong, whatever happens between runs: the scheduled sequence of runs against a clean build
after every step, runs with nothing to do, the merge policy, interrupted and rebuilt generations, moves and
duplicates, `coi check`, worker processes that die, and the boundary around whoosh's internals."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi import store, update
from coi.cli import cli
from coi.engine import EngineVersionError, check_version
from coi.engine.readers import column_values, segment_sizes
from coi.search import Searcher, stats
from coi.store import Held
from coi.update import Failure, Source, check_index, index_corpus, make_plan
from tests.conftest import CORPUS, FIXTURES, ROOT, SEEDS

REAL_TEXT = FIXTURES / "realdocs" / "ah-tk-20232024-387_zuidelijke-kaukasus.md.txt"


def run(index: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--index", str(index), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exit_code == 0, result.output
    return result.output


def files_of(index: Path) -> dict[str, tuple[int, int, str]]:
    """Every file of an index with its size, modification time and content."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(index.iterdir()) if p.is_file()}


def clean_stats(corpus: Path, tmp: Path) -> dict:
    """What a build from nothing says about the corpus as it is now."""
    clean = tmp / f"clean-{time.monotonic_ns()}"
    index_corpus(clean, [corpus])
    return stats(clean)


@pytest.fixture
def corpus(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def test_the_scheduled_sequence_matches_a_clean_build_after_every_step(tmp_path, corpus) -> None:
    index = tmp_path / "index"

    def step_is_sound() -> None:
        assert stats(index) == clean_stats(corpus, tmp_path)
        report = check_index(index, [corpus])
        assert report.problems == ()
        assert run(index, "check", str(corpus)).endswith(": sound\n")

    assert run(index, "index", str(corpus)).startswith("added 5, updated 0, removed 0, unchanged 0, failed 0")
    step_is_sound()
    before = files_of(index)
    assert run(index, "index", str(corpus)).startswith("added 0, updated 0, removed 0, unchanged 5, failed 0")
    assert files_of(index) == before  # a run with nothing to do touches nothing
    shutil.copy(REAL_TEXT, corpus / REAL_TEXT.name)
    assert run(index, "index", str(corpus)).startswith("added 1, updated 0, removed 0, unchanged 5")
    step_is_sound()
    assert "6 documents" in run(index, "stats")
    assert "nagorno-karabach" in run(index, "topics", str(corpus))
    dated = json.loads(run(index, "search", "Azerbeidzjan", "--sort", "date", "--json", "--limit", "50"))
    dates = [h["date"] for h in dated["hits"]]
    assert dates == sorted(dates, reverse=True) and dated["total"] > 50
    (corpus / SEEDS["002"]).rename(corpus / "hernoemd.txt")
    assert run(index, "index", str(corpus)).startswith("added 0, updated 0, moved 1, removed 0, unchanged 5")
    step_is_sound()
    hit = json.loads(run(index, "search", "Isbatov", "--json"))["hits"][0]
    assert hit["doc_id"] == "ah-tk-20182019-3878"  # a move keeps the document's id
    (corpus / "hernoemd.txt").unlink()
    assert run(index, "index", str(corpus)).startswith("added 0, updated 0, removed 1, unchanged 5")
    step_is_sound()
    assert json.loads(run(index, "search", "Isbatov", "--json"))["total"] == 0
    assert run(index, "index", str(corpus), "--full").startswith("added 0, updated 5, removed 0, unchanged 0")
    step_is_sound()
    assert len(segment_sizes(Searcher(index).reader)) == 1


def test_many_runs_keep_every_column_aligned_and_few_segments(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    target = corpus / SEEDS["004"]
    for i in range(12):  # change one document per run: each run deletes and adds, and commits
        target.write_text(target.read_text(encoding="utf-8") + f"\n\nNaschrift {i}.\n", encoding="utf-8")
        index_corpus(index, [corpus])
        with Searcher(index) as s:
            size = s.reader.doc_count_all()
            for name in ("doc_type", "topic", "country", "source", "year", "day"):
                assert len(column_values(s.reader, name)) == size
            sizes = segment_sizes(s.reader)
        assert len(sizes) <= store.MAX_SMALL  # everything is small here: merged when there are that many
        assert all(live for _, live in sizes)  # no segment of deleted documents only
    assert stats(index) == clean_stats(corpus, tmp_path)


def test_a_build_commits_when_the_writer_s_memory_is_three_quarters_full(tmp_path, monkeypatch) -> None:
    """Without COI_BATCH_DOCUMENTS a build commits when its postings fill three quarters of the writer's memory:
    segments as large as the memory allows (a query looks each term up in every segment), and no postings
    spilled to disk on the way."""
    from coi.engine.pool import TermPool
    from coi.testing import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(CORPUS, corpus, 30)
    spilled: list[int] = []
    save = TermPool.save
    monkeypatch.setattr(TermPool, "save", lambda self: spilled.append(1) or save(self))
    monkeypatch.delenv("COI_BATCH_DOCUMENTS", raising=False)
    index_corpus(tmp_path / "large", [corpus])
    with Searcher(tmp_path / "large") as s:
        assert len(segment_sizes(s.reader)) == 1
    monkeypatch.setattr(store, "WRITER_MB", 1)  # 1 MB: a few documents' postings fill it
    monkeypatch.setattr(store, "SMALL_SEGMENT", 1)  # and no segment is small: nothing merged
    index_corpus(tmp_path / "small", [corpus])
    with Searcher(tmp_path / "small") as s:
        sizes = segment_sizes(s.reader)
    assert len(sizes) >= 3 and not spilled
    assert stats(tmp_path / "small") == stats(tmp_path / "large")


def test_a_large_run_makes_few_segments_its_postings_spilled_to_disk(tmp_path, monkeypatch) -> None:
    """A run larger than SEGMENTS times what the writer's memory holds commits only after a SEGMENTS-th of its
    documents, its postings spilled to disk and merged a term at a time: committing whenever the memory was
    three quarters full made a million passages into 80 segments. The index is the same."""
    from coi.engine.pool import TermPool
    from coi.testing import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(CORPUS, corpus, 30)
    monkeypatch.delenv("COI_BATCH_DOCUMENTS", raising=False)
    index_corpus(tmp_path / "one", [corpus])  # 256 MB: one segment
    spilled: list[bool] = []
    save = TermPool.save
    monkeypatch.setattr(TermPool, "save", lambda self: spilled.append(bool(self._fields)) or save(self))
    monkeypatch.setattr(store, "WRITER_MB", 1)  # a few documents' postings fill it
    monkeypatch.setattr(store, "SMALL_SEGMENT", 1)  # and no segment is small: nothing merged
    monkeypatch.setattr(update, "SEGMENTS", 2)
    index_corpus(tmp_path / "two", [corpus])
    with Searcher(tmp_path / "two") as s:
        sizes = segment_sizes(s.reader)
    files = len(list(corpus.iterdir()))
    assert len(sizes) == 2 and sum(spilled) >= 4  # the writer's memory filled many times per segment
    assert sizes[0][0] >= files // 2  # records: a document's passages and its own
    assert stats(tmp_path / "two") == stats(tmp_path / "one")


def test_a_one_document_re_index_does_not_write_the_small_segments_again(tmp_path, monkeypatch) -> None:
    """A build can leave a small segment (its last batch); merging it at every later commit made each re-index of
    one document write it whole again. Small segments are merged once there are MAX_SMALL of them."""
    from whoosh.writing import SegmentWriter

    from coi.testing import generate_corpus

    merged: list[int] = []
    add_reader = SegmentWriter.add_reader

    def counting(self, reader):
        merged.append(reader.doc_count())
        return add_reader(self, reader)

    monkeypatch.setattr(SegmentWriter, "add_reader", counting)
    corpus = tmp_path / "corpus"
    files = generate_corpus(CORPUS, corpus, 20)  # a document is a twentieth of the records: few deleted per run
    index = tmp_path / "index"
    index_corpus(index, [corpus])
    records = Searcher(index).reader.doc_count()
    assert records < store.SMALL_SEGMENT and not merged  # one small segment
    for target in files[5:5 + store.MAX_SMALL]:  # another document each run: each leaves a small segment
        target.write_text(target.read_text(encoding="utf-8") + "\n\nNaschrift.\n", encoding="utf-8")
        index_corpus(index, [corpus])
    # written again once, when there were MAX_SMALL small segments (before: at every run)
    assert records / 2 < sum(merged) < 2 * records
    with Searcher(index) as s:
        assert len(segment_sizes(s.reader)) <= store.MAX_SMALL
    assert stats(index) == clean_stats(corpus, tmp_path)


def test_columns_are_read_per_segment_even_where_a_segment_has_no_column_file(tmp_path) -> None:
    """The root of the IndexError: whoosh's column reader over several segments skips a segment that has no file
    for a column and shifts every later document onto the wrong value."""
    from coi.parse import parse_file

    index = tmp_path / "index"
    ix = store.create_index(index)
    w = ix.writer()
    store.write_meta(w, store.IndexMeta(tagging="x"))  # a segment with a record that has no facet values
    w.commit(merge=False)
    doc = parse_file(CORPUS / SEEDS["002"])
    w = ix.writer()
    for record in store.index_records(doc, "k", "d"):
        w.add_document(**record)
    w.commit(merge=False)
    with Searcher(index) as s:
        size = s.reader.doc_count_all()
        assert len(list(s.reader.column_reader("doc_type"))) < size  # whoosh's own reader: one value short
        values = column_values(s.reader, "doc_type")
        assert len(values) == size and values[0] == "" and set(values[1:]) == {"kamervragen"}
    assert stats(index)["passages_per_type"] == {"kamervragen": len(doc.passages)}


class Interrupted(Exception):
    pass


def test_an_interrupted_first_build_is_reported_then_finished(tmp_path, corpus, monkeypatch) -> None:
    from coi.testing import generate_corpus
    from coi.update import update_index

    generate_corpus(CORPUS, corpus / "gen", 20)
    index = tmp_path / "index"
    monkeypatch.setenv("COI_BATCH_DOCUMENTS", "5")
    monkeypatch.setenv("COI_WORKERS", "0")

    def stop_after_12(done: int, total: int, path: Path) -> None:
        if done == 12:
            raise Interrupted  # as a kill would, after two batches were committed

    with pytest.raises(Interrupted):
        update_index(index, [corpus], progress=stop_after_12)
    assert store.read_pointer(index, store.NEXT) is not None and store.read_pointer(index, store.CURRENT) is None
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "Azerbeidzjan"])
    assert (result.exit_code, result.output) == (1, f"Error: {index}: the index is incomplete (its first build was "
                                                    f"interrupted); run `coi index` to finish it\n")
    summary = index_corpus(index, [corpus])
    assert summary.failed == [] and summary.unchanged >= 10  # the committed batches were kept
    assert stats(index) == clean_stats(corpus, tmp_path)


def test_an_index_of_another_analyzer_is_refused_in_one_line_and_rebuilt(tmp_path, corpus, monkeypatch) -> None:
    index = tmp_path / "index"
    index_corpus(index, [corpus])
    old = store.read_pointer(index, store.CURRENT)
    monkeypatch.setattr(store, "ANALYZER", "coi-dutch-next")
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "Azerbeidzjan"])
    assert result.exit_code == 1 and "run `coi index` to rebuild it" in result.output
    summary = index_corpus(index, [corpus])
    assert summary.rebuilt and summary.failed == []
    new = store.read_pointer(index, store.CURRENT)
    assert new is not None and old is not None and new.analyzer == "coi-dutch-next" and new.name != old.name
    assert store.generation_files(index, old.name) == []  # the old generation's files are gone
    assert stats(index) == clean_stats(corpus, tmp_path)


def test_check_names_what_is_wrong_and_full_repairs_it(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    index_corpus(index, [corpus])
    changed = corpus / SEEDS["000"]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nExtra alinea.\n", encoding="utf-8")
    (corpus / SEEDS["003"]).unlink()
    (corpus / SEEDS["003"].replace(".txt", ".toml")).unlink()
    shutil.copy(REAL_TEXT, corpus / REAL_TEXT.name)
    result = CliRunner().invoke(cli, ["--index", str(index), "check", str(corpus)])
    assert result.exit_code == 1
    assert f"problem: changed since it was indexed: {changed}" in result.output
    assert f"problem: indexed but gone from the corpus: {corpus / SEEDS['003']}" in result.output
    assert f"problem: not indexed: {corpus / REAL_TEXT.name}" in result.output
    assert "3 problems; run `coi index --full` to repair" in result.output
    index_corpus(index, [corpus], full=True)
    assert check_index(index, [corpus]).problems == ()


def test_the_plan_is_made_without_the_index(tmp_path) -> None:
    def src(name: str, digest: str) -> Source:
        return Source(tmp_path / name, str(tmp_path / name), digest)

    (tmp_path / "b.txt").write_text("b")  # b and d exist, a and c are gone
    (tmp_path / "d.txt").write_text("d")
    held = {str(tmp_path / n): Held(str(tmp_path / n), f"id-{n}", h, 3)
            for n, h in (("a.txt", "h1"), ("b.txt", "h2"), ("c.txt", "h3"), ("d.txt", "h4"))}
    sources = [src("b.txt", "h2"), src("d.txt", "h4-new"), src("e.txt", "h1"), src("f.txt", "h5"),
               src("g.txt", "h5")]
    plan = make_plan(held, sources, [tmp_path])
    assert [s.path.name for s, _ in plan.unchanged] == ["b.txt"]
    assert [(s.path.name, h.doc_id) for s, h in plan.update] == [("d.txt", "id-d.txt")]
    assert [(s.path.name, h.doc_id) for s, h in plan.move] == [("e.txt", "id-a.txt")]  # a's content, at e now
    assert [s.path.name for s in plan.add] == ["f.txt"]
    assert [(s.path.name, Path(k).name) for s, k in plan.duplicates] == [("g.txt", "f.txt")]
    assert [h.doc_id for h in plan.remove] == ["id-c.txt"]
    # a held document whose file failed to be read stays, and so does one outside the paths indexed
    failing = make_plan(held, sources[:1], [tmp_path], [Failure(str(tmp_path / "d.txt"), "empty file")])
    assert sorted(h.doc_id for h in failing.remove) == ["id-a.txt", "id-c.txt"]
    assert make_plan(held, sources[:1], [tmp_path / "b.txt"]).remove == ()


def test_a_worker_that_dies_fails_only_its_document(tmp_path, monkeypatch) -> None:
    from coi.testing import generate_corpus
    from coi.update import CRASH_HOOK, WORKER_DIED

    corpus = tmp_path / "corpus"
    files = generate_corpus(CORPUS, corpus, 20)
    monkeypatch.setenv("COI_WORKERS", "2")
    monkeypatch.setenv(CRASH_HOOK, files[7].name)
    summary = index_corpus(tmp_path / "index", [corpus])
    assert [(Path(f.path).name, f.error) for f in summary.failed] == [(files[7].name, WORKER_DIED)]
    assert summary.added == 19


@pytest.mark.parametrize("limit", [1, 2**30])
def test_documents_in_flight_are_bounded_by_their_files_size(tmp_path, monkeypatch, limit) -> None:
    """Workers parse up to WINDOW documents ahead, and at most AHEAD_BYTES of files (a parsed document waits in
    memory for the writer): with a limit of one byte, one document at a time, whatever the window."""
    from coi import update
    from coi.testing import generate_corpus

    files = generate_corpus(CORPUS, tmp_path / "corpus", 12)
    monkeypatch.setattr(update, "AHEAD_BYTES", limit)
    submitted: list[int] = []
    start_pool = update._pool

    def counting_pool(workers, tagger):
        pool = start_pool(workers, tagger)
        submit = pool.submit
        pool.submit = lambda *args: submitted.append(1) or submit(*args)
        return pool

    monkeypatch.setattr(update, "_pool", counting_pool)
    ahead = []
    for taken, result in enumerate(update.prepared(files, 2), start=1):
        assert isinstance(result, update.Prepared)
        ahead.append(len(submitted) - taken)  # submitted and not yet taken, besides this one
    assert max(ahead) == (0 if limit == 1 else min(len(files), 2 * update.WINDOW) - 1)


def test_after_a_worker_dies_the_documents_in_flight_start_few_workers(tmp_path, monkeypatch) -> None:
    """With many documents in flight, starting a worker for each of them took seconds; those already parsed are
    kept, and the rest go through one worker, started again only after a death."""
    from coi import update
    from coi.testing import generate_corpus

    corpus = tmp_path / "corpus"
    files = generate_corpus(CORPUS, corpus, 40)
    monkeypatch.setenv("COI_WORKERS", "2")
    monkeypatch.setenv(update.CRASH_HOOK, files[3].name)
    pools: list[int] = []
    start_pool = update._pool
    monkeypatch.setattr(update, "_pool", lambda workers, tagger: pools.append(workers) or start_pool(workers, tagger))
    summary = index_corpus(tmp_path / "index", [corpus])
    assert [(Path(f.path).name, f.error) for f in summary.failed] == [(files[3].name, update.WORKER_DIED)]
    assert summary.added == 39
    assert pools[0] == 2 and len(pools) <= 3, pools  # the run's pool; one worker, and one more after the death


def session_processes(sid: int) -> list[int]:
    from tests.test_crash import session_processes as alive

    return alive(sid)


def test_no_worker_outlives_a_killed_run(tmp_path) -> None:
    from coi.testing import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(CORPUS, corpus, 120)
    env = dict(os.environ, COI_WORKERS="2")
    proc = subprocess.Popen([sys.executable, "-m", "coi", "--index", str(tmp_path / "index"), "index", str(corpus)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            cwd=ROOT)
    deadline = time.monotonic() + 60
    while len(session_processes(proc.pid)) < 3 and time.monotonic() < deadline:  # the run and its two workers
        time.sleep(0.05)
    assert len(session_processes(proc.pid)) >= 3, "the workers never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []


def test_the_engine_checks_the_whoosh_version() -> None:
    check_version("2.7.4")
    with pytest.raises(EngineVersionError) as caught:
        check_version("2.7.5")
    assert str(caught.value) == "coi needs whoosh 2.7.4, found 2.7.5; run: pip install 'whoosh==2.7.4'"


def test_no_module_outside_the_engine_uses_a_private_whoosh_name() -> None:
    offenders = []
    for path in sorted((ROOT / "coi").rglob("*.py")):
        if "engine" in path.relative_to(ROOT / "coi").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        whoosh_names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "whoosh":
                offenders += [f"{path.name}: from {node.module} import {a.name}" for a in node.names
                              if a.name.startswith("_")]
                whoosh_names |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                whoosh_names |= {(a.asname or a.name).split(".")[0] for a in node.names
                                 if a.name.split(".")[0] == "whoosh"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                base = node.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in whoosh_names:
                    offenders.append(f"{path.name}: {ast.unparse(node)}")
    assert offenders == []


def test_search_does_not_import_the_updater_or_the_parsers() -> None:
    code = ("import sys, coi.search, coi.cite; "
            "print(sorted(m for m in sys.modules if m in ('coi.update', 'coi.index', 'coi.parse', 'pdfplumber')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_the_summary_counts_and_lists_documents_parsed_with_warnings(tmp_path, corpus) -> None:
    # a numbering gap: answer 2 of seed 002 renamed to an answer for a question never asked
    seed = corpus / SEEDS["002"]
    text = seed.read_text(encoding="utf-8")
    (corpus / "gat.txt").write_text(text.replace("Vraag 6", "Vraag 9").replace("Antwoord 6", "Antwoord 9"),
                                    encoding="utf-8")
    summary = index_corpus(tmp_path / "index", [corpus])
    assert str(corpus / "gat.txt") in summary.warned
    assert f", {len(summary.warned)} with warnings in " in summary.line()
    assert summary.as_dict()["warned"] == summary.warned


def test_a_searcher_opens_the_new_generation_when_a_rebuild_removes_the_one_it_was_opening(
        tmp_path, corpus, monkeypatch) -> None:
    # CURRENT was read and whoosh opened the generation; before its TOC is read again for the searcher, a rebuild
    # (`coi index --full`) switches generations and removes the old one's files (seen in CI with four searching
    # processes during a rebuild)
    index = tmp_path / "index"
    index_corpus(index, [corpus])
    old = store.read_pointer(index, store.CURRENT)
    opened = store.open_index
    calls = []

    def open_then_rebuild(index_dir: Path) -> object:
        ix = opened(index_dir)
        if not calls:
            index_corpus(index, [corpus], full=True)
        calls.append(ix.indexname)
        return ix

    monkeypatch.setattr(store, "open_index", open_then_rebuild)
    with Searcher(index) as s:
        assert s.search("Azerbeidzjan").total > 0
    new = store.read_pointer(index, store.CURRENT)
    assert old is not None and new is not None and calls == [old.name, new.name]
