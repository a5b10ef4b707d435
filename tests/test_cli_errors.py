"""Every command with bad arguments: a one-line message, a meaningful exit code, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from coi.cli import cli


@pytest.fixture
def paths(tmp_path):
    (tmp_path / "leeg").mkdir()
    bad_vocab = tmp_path / "vocab"
    bad_vocab.mkdir()
    (bad_vocab / "vocabulary.toml").write_text("[topics.x\n", encoding="utf-8")
    return tmp_path


CASES = [
    (["parse"], 2),
    (["parse", "{tmp}/bestaat-niet.txt"], 1),
    (["parse", "{tmp}/leeg"], 2),
    (["parse", "--json", "--bogus", "x.txt"], 2),
    (["index", "{tmp}/bestaat-niet"], 1),
    (["index", "--wait", "-1"], 2),
    (["index", "{tmp}/vocab"], 1),
    (["search"], 2),
    (["search", "x"], 1),  # no index yet
    (["search", "x", "--limit", "0"], 2),
    (["search", "x", "--from", "2024-13-01"], 2),
    (["search", "x", "--sort", "alfabet"], 2),
    (["search", "x", "--cite", "docx"], 2),
    (["show"], 2),
    (["show", "kst-1-1#alinea-1"], 1),
    (["cite"], 2),
    (["cite", "x#1", "--format", "word"], 2),
    (["cite", "x#1", "--style", "lang"], 2),
    (["cite", "x#1"], 1),
    (["stats"], 1),
    (["topics", "{tmp}/vocab"], 1),
    (["bestaat-niet"], 2),
    (["--index"], 2),
]


@pytest.mark.parametrize(("args", "code"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_arguments(paths, args, code) -> None:
    argv = ["--index", str(paths / "index"), *[a.replace("{tmp}", str(paths)) for a in args]]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) <= 1


def test_output_cut_short_by_a_pipe_is_not_an_error() -> None:
    import subprocess
    import sys

    # `coi parse … | head -c 50`: the reader closes the pipe early; coi must stop quietly. Ten copies of the
    # document's JSON are more than a pipe holds, so coi is still writing when head has gone.
    files = " ".join(["corpus/aanhangsel-2054-oppositie-azerbeidzjan-2022.txt"] * 10)
    proc = subprocess.run(f"{sys.executable} -m coi parse {files} --json | head -c 50",
                          shell=True, capture_output=True, text=True)
    assert proc.stdout.startswith("{") and proc.stderr == ""
