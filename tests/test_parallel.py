"""A large run's segments written by the worker processes (coi.parallel): the index, the summary and what a
killed or crashed run leaves are those of the run's own process writing every document."""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from coi import parallel, update
from coi.search import Searcher
from coi.update import WORKER_DIED, index_corpus
from tests.conftest import CORPUS, FIXTURES

# real documents of every format and several genres (the PDF and XML of two Kamerstukken claim one id each)
REAL = [*(FIXTURES / "xml").glob("*.xml"), *(FIXTURES / "html").glob("*.html"),
        *(FIXTURES / "realdocs").glob("*.txt"),
        *(FIXTURES / "pdf" / name for name in ("kst-32545-143.pdf", "ah-tk-20202021-3235.pdf",
                                               "beslisnota_IenW_2023_actieplan_luchtvaartveiligheid_annotated.pdf",
                                               "testdossiers__woo1__171059.pdf"))]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Real documents, the sample corpus, and generated variants of it."""
    from coi.testing import generate_corpus

    root = tmp_path_factory.mktemp("mixed") / "corpus"
    shutil.copytree(CORPUS, root)
    for path in REAL:
        shutil.copy(path, root / path.name)
    generate_corpus(CORPUS, root / "generated", 24)
    return root


def held(index: Path) -> dict[str, tuple[str, str]]:
    """Every record of an index by its id, with its stored data (the metadata record's time left out)."""
    with Searcher(index) as s:
        return {f["id"]: (f.get("path", ""), f.get("data", "")) for f in s.searcher.documents()
                if f["id"] != "meta:index"}


def summary_of(summary) -> tuple:
    return (summary.added, summary.updated, summary.removed, summary.unchanged, summary.passages,
            summary.ocr_pages, sorted(summary.warnings), sorted(summary.warned),
            sorted((Path(f.path).name, f.error) for f in summary.failed))


def build(index: Path, corpus: Path, monkeypatch, workers: str, side_from: int = 1):
    monkeypatch.setenv("COI_WORKERS", workers)
    monkeypatch.setattr(parallel, "FROM", side_from)
    return index_corpus(index, [corpus])


def side_written(monkeypatch) -> list[int]:
    """Counts the segments the workers write (and the run commits)."""
    adopted: list[int] = []
    adopt = update._Apply.adopt
    monkeypatch.setattr(update._Apply, "adopt", lambda self, ready: adopted.append(len(ready.seqs)) or
                        adopt(self, ready))
    return adopted


def test_workers_write_the_index_the_run_s_process_writes(tmp_path, mixed, monkeypatch) -> None:
    adopted = side_written(monkeypatch)
    here = build(tmp_path / "here", mixed, monkeypatch, "0")
    assert adopted == []
    side = build(tmp_path / "side", mixed, monkeypatch, "2")
    assert len(adopted) >= 2 and sum(adopted) == side.added  # every document in a worker's segment
    assert summary_of(side) == summary_of(here)
    assert held(tmp_path / "side") == held(tmp_path / "here")
    ids = {doc_id for _, doc_id in [(k, v) for k, v in held(tmp_path / "side").items() if k.startswith("doc:")]}
    assert ids
    # the PDF and the XML of one Kamerstuk: the first in the order of the files keeps the id, as before
    assert any("is also claimed by" in w for w in side.warnings)
    assert not (tmp_path / "side" / parallel.FOLDER).exists()


def test_changed_and_new_documents_written_by_workers_replace_what_they_replace(tmp_path, mixed,
                                                                              monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(mixed, corpus)
    build(tmp_path / "side", corpus, monkeypatch, "2")
    generated = sorted((corpus / "generated").iterdir())
    for path in generated[:6]:  # changed
        path.write_text(path.read_text(encoding="utf-8") + "\nEen nieuwe alinea over de veiligheidssituatie.\n",
                        encoding="utf-8")
    for path in generated[6:9]:  # gone
        path.unlink()
    from coi.testing import generate_corpus

    generate_corpus(CORPUS, corpus / "more", 10, first=20000)
    adopted = side_written(monkeypatch)
    summary = build(tmp_path / "side", corpus, monkeypatch, "2")
    assert (summary.added, summary.updated, summary.removed) == (10, 6, 3)
    assert sum(adopted) == 16
    build(tmp_path / "clean", corpus, monkeypatch, "0")
    assert held(tmp_path / "side") == held(tmp_path / "clean")


def test_a_worker_that_dies_fails_only_its_document_and_its_segment_is_written_again(tmp_path, mixed,
                                                                                     monkeypatch) -> None:
    victim = sorted((mixed / "generated").iterdir())[5]
    corpus = tmp_path / "corpus"
    shutil.copytree(mixed, corpus)
    monkeypatch.setenv(update.CRASH_HOOK, victim.name)
    side = build(tmp_path / "side", corpus, monkeypatch, "2")
    assert [(Path(f.path).name, f.error) for f in side.failed] == [(victim.name, WORKER_DIED)]
    monkeypatch.delenv(update.CRASH_HOOK)
    (corpus / "generated" / victim.name).unlink()
    clean = build(tmp_path / "clean", corpus, monkeypatch, "0")
    assert side.added == clean.added and side.passages == clean.passages
    assert held(tmp_path / "side") == held(tmp_path / "clean")
    assert not (tmp_path / "side" / parallel.FOLDER).exists()


def test_a_killed_run_s_worker_folders_are_removed_by_the_next_run(tmp_path, mixed, monkeypatch) -> None:
    index, corpus = tmp_path / "index", tmp_path / "corpus"
    shutil.copytree(mixed, corpus)
    build(index, corpus, monkeypatch, "2")
    leftover = index / parallel.FOLDER / "w0"
    leftover.mkdir(parents=True)
    (leftover / "x.seg").write_bytes(b"half a segment")
    from coi.testing import generate_corpus

    generate_corpus(CORPUS, corpus / "more", 4, first=30000)
    assert build(index, corpus, monkeypatch, "2").added == 4
    assert not (index / parallel.FOLDER).exists()
    leftover.mkdir(parents=True)  # and by a run with nothing to do, which changes no file of the index
    files = {p.name: p.read_bytes() for p in index.iterdir() if p.is_file() and p.name != "hashes.json"}
    again = build(index, corpus, monkeypatch, "2")
    assert (again.added, again.updated, again.removed) == (0, 0, 0) and again.unchanged > 0
    assert not (index / parallel.FOLDER).exists()
    assert {p.name: p.read_bytes() for p in index.iterdir() if p.is_file() and p.name != "hashes.json"} == files


def test_small_runs_are_written_by_the_run_s_process(tmp_path, mixed, monkeypatch) -> None:
    adopted = side_written(monkeypatch)
    build(tmp_path / "index", mixed, monkeypatch, "2", side_from=10**6)
    assert adopted == []


def test_a_document_a_worker_cannot_analyse_is_left_to_the_run_s_process(tmp_path, monkeypatch) -> None:
    from coi import store
    from coi.parse import parse_file

    doc = parse_file(REAL[0])
    side = parallel._Side(tmp_path / "w0", "gtest", least=0, batch=10)
    written = side.add(0, doc, "a", "0" * 64)
    assert isinstance(written, parallel.Written) and written.start == 0 and written.end == len(doc.passages) + 1

    def broken(texts):
        raise ValueError("analysis failed")

    monkeypatch.setattr(store, "analyse_texts", broken)
    assert side.add(1, doc, "b", "1" * 64) is doc  # not analysed: for the run's process to write
    kind, segment, seqs = side.finish()
    assert (kind, seqs) == ("segment", (0,)) and segment.doc_count_all() == written.end


def test_four_workers_share_the_memory_two_would_have_and_write_the_same_index(tmp_path, mixed,
                                                                               monkeypatch) -> None:
    from coi import store

    limits: list[int] = []
    start = parallel._Worker.__init__

    def recording(self, *args):
        limits.append(args[-1])
        start(self, *args)

    monkeypatch.setattr(parallel._Worker, "__init__", recording)
    build(tmp_path / "two", mixed, monkeypatch, "2")
    assert limits == [store.WRITER_MB] * 2
    limits.clear()
    build(tmp_path / "four", mixed, monkeypatch, "4")
    assert limits == [store.WRITER_MB // 2] * 4
    assert held(tmp_path / "four") == held(tmp_path / "two")


@dataclass(frozen=True)
class _GcSeen:
    """A tagger that writes down, in the worker, how its garbage collector is set, and tags nothing."""

    folder: Path

    def __call__(self, doc):
        import gc
        import os

        (self.folder / str(os.getpid())).write_text(repr((gc.get_threshold(), gc.get_freeze_count() > 0)))
        return doc


def test_workers_collect_garbage_less_often_and_leave_what_they_loaded_out(tmp_path, mixed) -> None:
    # a build's workers spent 4% of their time scanning their caches for garbage that was not there
    seen = tmp_path / "seen"
    seen.mkdir()
    items = [(p, p.name, "0" * 64) for p in sorted(mixed.rglob("*.txt"))[:2 * parallel.AHEAD + 2]]
    out = list(parallel.written_by_workers(items, 2, tmp_path / "index", "gtest", None, _GcSeen(seen), 1, 10))
    assert sum(isinstance(o, parallel.SegmentReady) for o in out) >= 1
    with update._pool(1, _GcSeen(seen)) as pool:
        assert pool.submit(update._parse_one, items[0][0], None, _GcSeen(seen)).result()
    found = {ast.literal_eval(f.read_text()) for f in seen.iterdir()}
    assert len(list(seen.iterdir())) == 3  # two writing workers, one of the pool
    assert found == {((update.GC_YOUNG, 10, 10), True)}
