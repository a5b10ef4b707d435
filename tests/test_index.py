"""Incremental indexing: add, change, remove, sidecar change, parser-version change, failures keep old data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import coi.update
from coi.errors import UsageError
from coi.index import update_index
from coi.search import Searcher, search
from coi.store import writer_lock
from tests.conftest import CORPUS, SEEDS


@pytest.fixture
def corpus(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def passage_ids(index: Path) -> set[str]:
    with Searcher(index) as s:
        return {f["id"] for f in s.searcher.documents(kind="passage")}


def test_first_run_adds_everything_and_second_skips(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    first = update_index(index, [corpus])
    assert (first.added, first.updated, first.removed, first.unchanged, first.failed) == (5, 0, 0, 0, [])
    assert first.passages == 83
    second = update_index(index, [corpus])
    assert (second.added, second.updated, second.unchanged, second.passages) == (0, 0, 5, 0)
    assert len(passage_ids(index)) == 83


def test_unchanged_documents_are_not_parsed(tmp_path, corpus, monkeypatch) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    import coi.parse

    def boom(path, *ocr_cache):
        raise AssertionError(f"parsed {path}")

    monkeypatch.setattr(coi.parse, "parse_file", boom)
    assert update_index(index, [corpus]).unchanged == 5


def test_change_replaces_passages(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    f = corpus / SEEDS["002"]
    f.write_text(f.read_text(encoding="utf-8").replace("Hierover zijn geen cijfers beschikbaar.",
                                                       "Hierover zijn geen zebragetallen beschikbaar."),
                 encoding="utf-8")
    summary = update_index(index, [corpus])
    assert (summary.updated, summary.unchanged) == (1, 4)
    # (a compound: "zebracijfers" would still hold "cijfers" at its position, as the index splits compounds)
    assert search(index, "zebragetallen").total == 1
    assert search(index, '"geen cijfers beschikbaar"').total == 0
    assert len(passage_ids(index)) == 83


def test_removed_file_drops_its_passages(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    (corpus / SEEDS["001"]).unlink()
    summary = update_index(index, [corpus])
    assert summary.removed == 1
    assert not any(i.startswith("ah-tk-20212022-2054#") for i in passage_ids(index))
    assert search(index, "Yagublu").total == 0


def test_sidecar_change_reindexes_that_document(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    side = corpus / SEEDS["003"].replace(".txt", ".toml")
    side.write_text(side.read_text(encoding="utf-8").replace("2021-06-16", "2021-06-17"), encoding="utf-8")
    summary = update_index(index, [corpus])
    assert (summary.updated, summary.unchanged) == (1, 4)
    hit = search(index, "Minsk", limit=1).hits[0]
    assert hit.date == "2021-06-17"


def test_parser_version_change_reparses_everything(tmp_path, corpus, monkeypatch) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    monkeypatch.setattr(coi.update, "PARSER_VERSION", "test-next")
    summary = update_index(index, [corpus])
    assert (summary.updated, summary.unchanged) == (5, 0)
    assert len(passage_ids(index)) == 83


def test_failed_document_keeps_its_earlier_passages(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    (corpus / SEEDS["004"]).write_bytes(b"")
    summary = update_index(index, [corpus])
    assert [(Path(f.path).name, f.error) for f in summary.failed] == [(SEEDS["004"], "empty file")]
    assert search(index, "Schreinemacher OR Lenarčič").total >= 1
    assert any(i.startswith("kst-21501-02-2737#") for i in passage_ids(index))


def test_the_same_content_at_two_paths_is_indexed_once_with_a_warning(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    shutil.copy(corpus / SEEDS["001"], corpus / "kopie-van-2054.txt")
    for _ in range(2):  # and again on the next run: no failure, no second copy
        summary = update_index(index, [corpus])
        assert summary.failed == []
        assert [w for w in summary.warnings if "same content as" in w] == [
            f"{corpus / 'kopie-van-2054.txt'}: same content as {corpus / SEEDS['001']}; indexed once"]
        assert len(passage_ids(index)) == 83


def test_two_documents_claiming_one_identifier_both_stay_findable(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    text = (corpus / SEEDS["001"]).read_text(encoding="utf-8")
    (corpus / "andere-versie.txt").write_text(text.replace("Yagublu", "Zebrastraat"), encoding="utf-8")
    summary = update_index(index, [corpus])
    assert summary.failed == [] and summary.added == 1
    assert any("document id ah-tk-20212022-2054 is also claimed by" in w and "ah-tk-20212022-2054-andere-versie" in w
               for w in summary.warnings)
    assert search(index, "Yagublu").hits[0].doc_id == "ah-tk-20212022-2054"
    assert search(index, "Zebrastraat").hits[0].doc_id == "ah-tk-20212022-2054-andere-versie"
    assert update_index(index, [corpus]).unchanged == 6


def test_full_rebuild_drops_what_is_not_under_the_paths(tmp_path, corpus) -> None:
    index = tmp_path / "index"
    update_index(index, [corpus])
    only = corpus / SEEDS["002"]
    summary = update_index(index, [only], full=True)
    assert (summary.updated, summary.removed) == (1, 4)
    assert {i.split("#")[0] for i in passage_ids(index)} == {"ah-tk-20182019-3878"}


def test_second_writer_waits_or_gives_up(tmp_path, corpus) -> None:
    from coi.errors import IndexBusyError

    index = tmp_path / "index"
    index.mkdir()
    with writer_lock(index, wait=0), pytest.raises(IndexBusyError, match="another `coi index` is running"):
        update_index(index, [corpus], wait=0.3)
    assert update_index(index, [corpus]).added == 5


def test_a_text_beside_a_pdf_stands_in_for_it(tmp_path) -> None:
    # the advice for a scan ("put a .txt with its text beside it") must end the failures
    from tests.test_pdf_html import _minimal_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scan.pdf").write_bytes(_minimal_pdf(b"q 1 0 0 1 0 0 cm Q"))
    first = update_index(tmp_path / "index", [corpus])
    assert [Path(f.path).name for f in first.failed] == ["scan.pdf"]
    shutil.copy(CORPUS / SEEDS["002"], corpus / "scan.txt")
    second = update_index(tmp_path / "index", [corpus])
    assert (second.added, second.failed) == (1, [])


def test_worker_processes_parse_what_one_process_would(tmp_path, monkeypatch) -> None:
    """Many new documents are parsed in worker processes while the index is written: the same index, the same
    summary and the same failures as parsing them in this process; and an update after it skips them all."""
    from coi.index import index_corpus
    from coi.testing import generate_corpus
    from tests.test_crash import snapshot

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    generate_corpus(CORPUS, corpus / "gen", 30)
    (corpus / "leeg.txt").write_bytes(b"")
    (corpus / "ruis.txt").write_bytes(bytes(range(256)) * 40)
    shutil.copy(CORPUS / SEEDS["001"], corpus / "dubbel.txt")  # the same content as a seed: indexed once
    import concurrent.futures

    sent: list[Path] = []

    class Counting(concurrent.futures.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            sent.append(args[0])
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    results = {}
    for workers in ("2", "0"):
        monkeypatch.setenv("COI_WORKERS", workers)
        index = tmp_path / f"index-{workers}"
        summary = index_corpus(index, [corpus])
        results[workers] = (summary.added, sorted((Path(f.path).name, f.error) for f in summary.failed),
                            summary.passages, snapshot(index))
    assert len(sent) == 36  # every new file that can be read went to a worker (with "0", none)
    assert results["2"] == results["0"]
    added, failed, passages, _ = results["2"]
    assert added == 35 and passages > 500
    assert [name for name, _ in failed] == ["leeg.txt", "ruis.txt"]
    monkeypatch.setenv("COI_WORKERS", "2")
    again = index_corpus(tmp_path / "index-2", [corpus])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 35)


def test_workers_are_used_for_many_documents_only(monkeypatch) -> None:
    monkeypatch.delenv("COI_WORKERS", raising=False)
    assert coi.update._workers(coi.update.PARALLEL_FROM - 1) == 0
    assert coi.update._workers(1000) >= 1
    monkeypatch.setenv("COI_WORKERS", "0")
    assert coi.update._workers(1000) == 0
    monkeypatch.setenv("COI_WORKERS", "twee")
    with pytest.raises(UsageError, match="COI_WORKERS='twee'"):
        coi.update._workers(1000)



class _StampPid:
    """A tagger that writes the id of the process that ran it into the document's source (sent to workers)."""

    def __call__(self, doc):
        import os
        from dataclasses import replace

        return replace(doc, source=f"pid {os.getpid()}")


def test_the_workers_tag_what_they_parse_and_a_local_tagger_tags_here(tmp_path, monkeypatch) -> None:
    """Tagging costs as much as parsing: the worker processes do both, so the writing process only writes. A
    tagger that cannot be sent to them (a lambda) tags in this process, with the same result."""
    import os

    from coi.testing import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(CORPUS, corpus, 20)
    monkeypatch.setenv("COI_WORKERS", "2")
    update_index(tmp_path / "sent", [corpus], tagger=_StampPid(), tagging="pid")
    stamp = _StampPid()
    update_index(tmp_path / "here", [corpus], tagger=lambda d: stamp(d), tagging="pid")
    import json

    def sources(index: Path) -> set[str]:
        with Searcher(index) as s:
            return {json.loads(f["meta"])["source"] for f in s.searcher.documents(kind="doc")}

    sent, here = sources(tmp_path / "sent"), sources(tmp_path / "here")
    assert here == {f"pid {os.getpid()}"}
    assert len(sent) >= 1 and f"pid {os.getpid()}" not in sent


def _index_content(index: Path) -> dict:
    """Everything an index holds, by document number: every term of every field with its postings (weights,
    positions), field lengths, stored fields and columns."""
    with Searcher(index) as s:
        reader = s.searcher.reader()
        postings = {}
        for field, term in reader.all_terms():
            m = reader.postings(field, term)
            found = []
            while m.is_active():
                found.append((m.id(), m.weight(), m.value()))
                m.next()
            postings[(field, term)] = found
        schema = reader.schema
        docs = range(reader.doc_count_all())
        lengths = {(name, d): reader.doc_field_length(d, name) for name in schema.scorable_names() for d in docs}
        stored = [(d, {k: v for k, v in fields.items() if k != "data" or '"updated"' not in v})
                  for d, fields in reader.iter_docs()]
        columns = {name: list(reader.column_reader(name)) for name in schema.names() if reader.has_column(name)}
    return {"postings": postings, "lengths": lengths, "stored": stored, "columns": columns}


@pytest.mark.parametrize("writer_mb", [256, 1])
def test_postings_analysed_in_the_workers_make_the_same_index(tmp_path, monkeypatch, writer_mb) -> None:
    """The workers analyse the full-text fields and the writing process adds their postings: the index holds
    exactly what whoosh's add_document makes in one process: the same terms, postings, positions, lengths,
    stored fields and columns; also when the writer's memory is full and it spills postings to disk."""
    import coi.store
    from coi.index import index_corpus
    from coi.testing import generate_corpus

    monkeypatch.setattr(coi.store, "WRITER_MB", writer_mb)

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    generate_corpus(CORPUS, corpus / "gen", 24)
    monkeypatch.setenv("COI_BATCH_DOCUMENTS", "1000")  # one segment each: the same document numbers
    content = {}
    for workers in ("2", "0"):
        monkeypatch.setenv("COI_WORKERS", workers)
        if workers == "0":  # the reference: whoosh's own add_document analyses every field
            monkeypatch.setattr(coi.store, "add_record", lambda writer, record, postings=None:
                                writer.add_document(**record))
        summary = index_corpus(tmp_path / workers, [corpus])
        assert summary.added == 29 and not summary.failed
        content[workers] = _index_content(tmp_path / workers)
    with_workers, here = content["2"], content["0"]
    assert len(with_workers["postings"]) > 3000 and any(f == "rev" for f, _ in with_workers["postings"])
    for part in ("postings", "lengths", "stored", "columns"):
        assert with_workers[part] == here[part], part


def test_re_indexing_one_document_does_not_read_the_whole_lexicon(tmp_path, corpus, monkeypatch) -> None:
    """Reading the whole lexicon in pays off for a build, not for a re-index of one document (it was half the
    time of that run): it is read in once the indexing has analysed many values."""
    import coi.analysis
    from coi import lexicon

    update_index(tmp_path / "index", [corpus])
    calls: list[int] = []
    monkeypatch.setattr(lexicon, "preload", lambda: calls.append(1))
    monkeypatch.setattr(coi.analysis, "_indexed", 0)
    changed = corpus / SEEDS["002"]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over terugkeer.\n",
                       encoding="utf-8")
    assert update_index(tmp_path / "index", [corpus]).updated == 1
    assert calls == []
    for i in range(coi.analysis.PRELOAD_AFTER + 10):
        coi.analysis.index_forms(f"waarde {i}")
    assert calls == [1]


def test_what_the_index_holds_is_read_from_its_file_when_it_is_of_the_last_commit(tmp_path, corpus,
                                                                                   monkeypatch) -> None:
    """A run reads what the index holds (path, id, content hash, passages per file) from the file the last run
    wrote after its last commit, not from every document record: always what the records say, after adds,
    changes, moves and removals; and a file of another commit, or a torn one, is not believed."""
    from coi import store

    index = tmp_path / "index"
    update_index(index, [corpus])
    changed = corpus / SEEDS["002"]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea.\n", encoding="utf-8")
    (corpus / SEEDS["003"]).rename(corpus / "verplaatst.txt")
    (corpus / SEEDS["004"]).unlink()
    from coi.testing import generate_corpus

    generate_corpus(CORPUS, corpus / "nieuw", 1)

    def from_records(index: Path) -> dict:
        gen = store.current(index)
        with store.open_generation(index, gen).searcher() as s:
            return store.held_documents(s)

    summary = update_index(index, [corpus])
    assert summary.updated == 1 and summary.removed >= 1 and summary.added >= 1
    held_file = store.held_path(index, store.current(index))
    assert held_file.exists()

    def refuse(searcher):
        raise AssertionError("read every document record")

    monkeypatch.setattr(store, "held_documents", refuse)
    gen = store.current(index)
    with store.open_generation(index, gen).searcher() as s:
        held, from_file = store.read_held(index, gen, s)
    assert from_file
    monkeypatch.undo()
    assert held == from_records(index) and len(held) == 5
    # a file of another commit, or torn, is not believed
    for text in ('{"commit": 1, "held": []}', '{"commit": '):
        held_file.write_text(text, encoding="utf-8")
        with store.open_generation(index, gen).searcher() as s:
            held, from_file = store.read_held(index, gen, s)
        assert not from_file and held == from_records(index)
    again = update_index(index, [corpus])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert store.read_held(index, gen, store.open_generation(index, gen).searcher())[1]  # written again


def _aged(folder: Path) -> None:
    """Every file modified an hour ago (a hash taken within seconds of a change is not remembered)."""
    import os
    import time

    for path in folder.rglob("*"):
        os.utime(path, (time.time() - 3600, time.time() - 3600))


def _counting_hashes(monkeypatch) -> list[str]:
    read: list[str] = []
    real = coi.update.content_hash

    def counting(path: Path) -> str:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(coi.update, "content_hash", counting)
    return read


def test_an_unchanged_file_is_not_read_again_and_every_change_is_seen(tmp_path, corpus, monkeypatch) -> None:
    """Content hashes are remembered by size and modification time of the file and of its sidecar: a second run
    reads no file; a change of content (same size too), of a sidecar, of the parser version, and `--full` do."""
    import os

    index = tmp_path / "index"
    _aged(corpus)
    read = _counting_hashes(monkeypatch)
    update_index(index, [corpus])
    assert len(read) == 5 and (index / "hashes.json").exists()
    read.clear()
    assert update_index(index, [corpus]).unchanged == 5 and read == []
    # the same size, another word: the modification time says it changed
    doc = corpus / SEEDS["002"]
    text = doc.read_text(encoding="utf-8")
    assert "Isbatov" in text
    doc.write_text(text.replace("Isbatov", "Isbatow"), encoding="utf-8")
    summary = update_index(index, [corpus])
    assert (summary.updated, summary.unchanged, read) == (1, 4, [doc.name])
    # a sidecar's change reads its document
    side = corpus / SEEDS["003"].replace(".txt", ".toml")
    side.write_text(side.read_text(encoding="utf-8").replace("2021-06-16", "2021-06-17"), encoding="utf-8")
    read.clear()
    summary = update_index(index, [corpus])
    assert summary.updated == 1 and SEEDS["003"] in read and doc.name in read  # changed a moment ago: read again
    _aged(corpus)
    read.clear()
    update_index(index, [corpus])
    read.clear()
    assert update_index(index, [corpus]).unchanged == 5 and read == []
    monkeypatch.setattr(coi.update, "PARSER_VERSION", "test-next")  # every hash is stale
    assert update_index(index, [corpus]).updated == 5 and len(read) == 5
    read.clear()
    update_index(index, [corpus], full=True)
    assert len(read) == 5
    (index / "hashes.json").write_text('{"version": "test-next", "files": [["x"', encoding="utf-8")  # torn
    read.clear()
    assert update_index(index, [corpus]).unchanged == 5 and len(read) == 5
    assert not any(p.name.endswith(".tmp") for p in index.iterdir())
    assert os.path.getsize(index / "hashes.json") > 100
