"""Crash safety and concurrency with real processes: SIGKILL at 20 points of a re-index, four searching
processes during a re-index, two `coi index` runs at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coi.index import index_corpus
from coi.search import Searcher, search
from coi.testing import generate_corpus
from tests.conftest import CORPUS

GENERATED = 200
KILL_POINTS = 20


def snapshot(index: Path) -> set[tuple[str, str]]:
    """What an index holds, to compare with a clean build: passage ids and their stored data."""
    with Searcher(index) as s:
        return {(f["id"], f["data"]) for f in s.searcher.documents() if f["kind"] == "passage"}


def coi(index: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, COI_BATCH_DOCUMENTS="10")  # many commits: kills land in parse, write and commit
    return subprocess.Popen([sys.executable, "-m", "coi", "--index", str(index), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def crash_setup(tmp_path_factory):
    """An index of the corpus as it was, the corpus as it is now (every generated document changed), and a
    clean build of the corpus as it is now."""
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    generate_corpus(CORPUS, corpus / "gen", GENERATED)
    before = root / "index-before"
    index_corpus(before, [corpus])
    for f in (corpus / "gen").iterdir():
        f.write_text(f.read_text(encoding="utf-8").replace("Nederland", "Holland"), encoding="utf-8")
    clean = root / "index-clean"
    index_corpus(clean, [corpus])
    probe = root / "probe"
    shutil.copytree(before, probe)
    start = time.monotonic()
    assert coi(probe, "index", str(corpus)).wait() == 0
    duration = time.monotonic() - start
    return corpus, before, snapshot(clean), duration


@pytest.mark.slow
@pytest.mark.parametrize("point", range(KILL_POINTS))
def test_sigkill_during_index_leaves_a_readable_index_that_converges(tmp_path, crash_setup, point) -> None:
    corpus, before, expected, duration = crash_setup
    index = tmp_path / "index"
    shutil.copytree(before, index)
    answered_before = search(index, "Azerbeidzjan").total
    proc = coi(index, "index", str(corpus))
    time.sleep(duration * (0.05 + 0.9 * point / (KILL_POINTS - 1)))  # from startup to the last commit
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the last committed index answers (its totals move only when a commit landed)
    result = search(index, "Azerbeidzjan")
    assert result.total >= answered_before * 0.5
    # and the next run completes the work: the index equals a clean build
    summary = index_corpus(index, [corpus])
    assert summary.failed == []
    assert snapshot(index) == expected


@pytest.mark.slow
def test_four_searching_processes_during_a_reindex(tmp_path, crash_setup) -> None:
    corpus, before, _, _ = crash_setup
    index = tmp_path / "index"
    shutil.copytree(before, index)
    stop = tmp_path / "stop"
    loop = (
        "import sys, pathlib\n"
        "from coi.search import Searcher\n"
        "ok = failed = 0\n"
        "while not pathlib.Path(sys.argv[2]).exists():\n"
        "    try:\n"
        "        with Searcher(pathlib.Path(sys.argv[1])) as s:\n"
        "            assert s.search('Azerbeidzjan terugkeer').total > 0\n"
        "        ok += 1\n"
        "    except Exception as exc:\n"
        "        failed += 1\n"
        "        import traceback; traceback.print_exc()\n"
        "print(ok, failed)\n"
    )
    searchers = [subprocess.Popen([sys.executable, "-c", loop, str(index), str(stop)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    time.sleep(1.0)
    writer = coi(index, "index", str(corpus), "--full")
    assert writer.wait() == 0, writer.stderr.read() if writer.stderr else ""
    stop.touch()
    for proc in searchers:
        out, err = proc.communicate(timeout=60)
        ok, failed = map(int, out.split())
        assert failed == 0, err
        assert ok > 0


def test_two_index_runs_at_once(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    procs = [coi(index, "index", str(corpus)) for _ in range(2)]
    results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 3])  # the second either found the work done or said the index is busy
    for code, err in results:
        if code == 3:
            assert err.strip() == (f"Error: {index}: another `coi index` is running; try again later or pass "
                                   "--wait SECONDS")
        assert "Traceback" not in err
    assert search(index, "*").total == 83
    assert coi(index, "index", str(corpus), "--wait", "5").wait() == 0
