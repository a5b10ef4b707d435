"""Crash safety and concurrency with real processes: SIGKILL at 20 points of a first build and of a re-index
(with adds, changes, deletions and renames since the last run), four searching processes during a re-index, two
`coi index` runs at once; after every kill, no process of the killed run is left."""

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
KILL_POINTS = 12  # during a re-index
FIRST_BUILD_KILL_POINTS = 8


def snapshot(index: Path) -> set[tuple[str, str]]:
    """What an index holds, to compare with a clean build: passage ids and their stored data."""
    with Searcher(index) as s:
        return {(f["id"], f["data"]) for f in s.searcher.documents() if f["kind"] == "passage"}


# `coi` with every run's documents written by its workers (coi.parallel), however few
SIDE = "import coi.parallel, coi.cli; coi.parallel.FROM = 1; coi.cli.cli(prog_name='coi')"


def coi(index: Path, *args: str, side: bool = False) -> subprocess.Popen:
    env = dict(os.environ, COI_BATCH_DOCUMENTS="10")  # many commits: kills land in parse, write and commit
    # a session of its own: every process the run starts (its parse workers) can be found after a kill
    command = ["-c", SIDE] if side else ["-m", "coi"]
    return subprocess.Popen([sys.executable, *command, "--index", str(index), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def session_processes(sid: int) -> list[int]:
    """The processes still alive in a session (zombies, which hold nothing, left out)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[3]) == sid:
                alive.append(int(entry.name))
    return alive


def kill_and_check_no_orphans(proc: subprocess.Popen) -> None:
    """SIGKILL the run; within 5 seconds nothing it started may be left running."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == [], "processes of the killed run are still running"


@pytest.fixture(scope="module")
def crash_setup(tmp_path_factory):
    """An index of the corpus as it was; the corpus as it is now (generated documents changed, deleted, renamed
    and added); what an uninterrupted run makes of the index as it was (renamed documents keep the doc_id they
    had, which for a document without an identifier came from its old file name); a clean build of the corpus as
    it is now; and how long the uninterrupted run took."""
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    generated = generate_corpus(CORPUS, corpus / "gen", GENERATED)
    before = root / "index-before"
    index_corpus(before, [corpus])
    for f in generated[:150]:
        f.write_text(f.read_text(encoding="utf-8").replace("Nederland", "Holland"), encoding="utf-8")
    for f in generated[150:165]:
        f.unlink()
    for f in generated[165:180]:
        f.rename(f.with_name("hernoemd-" + f.name))
    generate_corpus(CORPUS, corpus / "nieuw", 15, seed=11, first=20000)
    clean = root / "index-clean"
    index_corpus(clean, [corpus])
    probe = root / "probe"
    shutil.copytree(before, probe)
    start = time.monotonic()
    assert coi(probe, "index", str(corpus)).wait() == 0
    duration = time.monotonic() - start
    return corpus, before, snapshot(probe), snapshot(clean), duration


@pytest.mark.slow
@pytest.mark.parametrize(("point", "side"), [*((p, False) for p in range(KILL_POINTS)),
                                             *((p, True) for p in range(1, KILL_POINTS, 2))])
def test_sigkill_during_index_leaves_a_readable_index_that_converges(tmp_path, crash_setup, point, side) -> None:
    """`side`: the run's documents written by its workers (coi.parallel), at half the points."""
    corpus, before, expected, _, duration = crash_setup
    index = tmp_path / "index"
    shutil.copytree(before, index)
    answered_before = search(index, "Azerbeidzjan").total
    proc = coi(index, "index", str(corpus), side=side)
    time.sleep(duration * (0.05 + 0.9 * point / (KILL_POINTS - 1)))  # from startup to the last commit
    kill_and_check_no_orphans(proc)
    # the last committed index answers (its totals move only when a commit landed)
    result = search(index, "Azerbeidzjan")
    assert result.total >= answered_before * 0.5
    # and the next run completes the work: the index equals a clean build
    summary = index_corpus(index, [corpus])
    assert summary.failed == []
    assert snapshot(index) == expected


@pytest.mark.slow
@pytest.mark.parametrize(("point", "side"), [*((p, False) for p in range(FIRST_BUILD_KILL_POINTS)),
                                             *((p, True) for p in range(0, FIRST_BUILD_KILL_POINTS, 2))])
def test_sigkill_during_a_first_build_is_reported_and_resumed(tmp_path, crash_setup, point, side) -> None:
    corpus, _, _, expected, duration = crash_setup
    index = tmp_path / "index"
    proc = coi(index, "index", str(corpus), side=side)
    time.sleep(duration * (0.1 + 1.2 * point / (FIRST_BUILD_KILL_POINTS - 1)))  # a first build takes longer
    kill_and_check_no_orphans(proc)
    searched = subprocess.run([sys.executable, "-m", "coi", "--index", str(index), "search", "Azerbeidzjan"],
                              capture_output=True, text=True)
    if searched.returncode:  # killed before the build completed: one line that says what to do
        assert searched.stderr == (f"Error: {index}: the index is incomplete (its first build was interrupted); "
                                   f"run `coi index` to finish it\n") or "does not exist" in searched.stderr
    else:
        assert "passages for 'Azerbeidzjan'" in searched.stdout
    summary = index_corpus(index, [corpus])
    assert summary.failed == []
    assert snapshot(index) == expected


@pytest.mark.slow
@pytest.mark.parametrize("side", [False, True])
def test_four_searching_processes_during_a_reindex(tmp_path, crash_setup, side) -> None:
    corpus, before, _, _, _ = crash_setup
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
    writer = coi(index, "index", str(corpus), "--full", side=side)
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
    for proc in procs:
        assert session_processes(proc.pid) == []
    assert coi(index, "index", str(corpus), "--wait", "5").wait() == 0
