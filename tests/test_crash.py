"""Crash safety and concurrency with real processes: SIGKILL during `coi index`, searches during a re-index,
two `coi index` runs at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coi.index import update_index
from coi.search import Searcher, search
from coi.testing import generate_corpus
from tests.conftest import CORPUS

GENERATED = 60


def make_corpus(root: Path, variant: str = "") -> Path:
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    generate_corpus(CORPUS, corpus / "gen", GENERATED)
    if variant:  # a second version of every generated document: the re-index has work everywhere
        for f in (corpus / "gen").iterdir():
            f.write_text(f.read_text(encoding="utf-8").replace("Nederland", variant), encoding="utf-8")
    return corpus


def snapshot(index: Path) -> set[tuple[str, str]]:
    """What an index holds, to compare with a clean build: passage ids and the stored data."""
    with Searcher(index) as s:
        return {(f["id"], f["data"]) for f in s.searcher.documents() if f["kind"] == "passage"}


def coi(index: Path, *args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, COI_BATCH_DOCUMENTS="10")
    return subprocess.Popen([sys.executable, "-m", "coi", "--index", str(index), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, set[tuple[str, str]]]:
    """A clean build of the second version of the corpus."""
    root = tmp_path_factory.mktemp("ref")
    corpus = make_corpus(root, variant="Holland")
    update_index(root / "index", [corpus])
    return corpus, snapshot(root / "index")


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5, 4.0])
def test_sigkill_during_index_leaves_a_readable_index_that_converges(tmp_path, reference, delay) -> None:
    _, expected = reference
    corpus = make_corpus(tmp_path)
    index = tmp_path / "index"
    update_index(index, [corpus])
    before = search(index, "Azerbeidzjan").total
    for f in (corpus / "gen").iterdir():  # now change every generated document
        f.write_text(f.read_text(encoding="utf-8").replace("Nederland", "Holland"), encoding="utf-8")
    proc = coi(index, "index", str(corpus), cwd=tmp_path)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the last committed index answers
    assert search(index, "Azerbeidzjan").total == before
    # and the next run completes the work: the index equals a clean build
    summary = update_index(index, [corpus])
    assert summary.failed == []
    assert snapshot(index) == {(i, d.replace(str(reference[0]), str(corpus))) for i, d in expected}


@pytest.mark.slow
def test_searches_keep_working_during_a_reindex(tmp_path) -> None:
    corpus = make_corpus(tmp_path)
    index = tmp_path / "index"
    update_index(index, [corpus])
    proc = coi(index, "index", str(corpus), "--full", cwd=tmp_path)
    answered = failed = 0
    while proc.poll() is None:
        try:
            with Searcher(index) as s:
                assert s.search("Azerbeidzjan").total > 0
            answered += 1
        except Exception:
            failed += 1
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert failed == 0 and answered > 3


def test_two_index_runs_at_once(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    procs = [coi(index, "index", str(corpus), cwd=tmp_path) for _ in range(2)]
    results = [(p.wait(), p.stdout.read() if p.stdout else "", p.stderr.read() if p.stderr else "") for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 3])  # the second either waited for nothing or said the index is busy
    for code, _, err in results:
        if code == 3:
            assert err.strip() == f"Error: {index}: another `coi index` is running; try again later or pass " \
                                  "--wait SECONDS"
        assert "Traceback" not in err
    assert search(index, "*").total == 83
    waited = coi(index, "index", str(corpus), "--wait", "5", cwd=tmp_path)
    assert waited.wait() == 0
