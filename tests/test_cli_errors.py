"""Every command with bad arguments: a one-line message, a meaningful exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from tests.conftest import CORPUS


@pytest.fixture
def paths(tmp_path):
    (tmp_path / "leeg").mkdir()
    bad_vocab = tmp_path / "vocab"
    bad_vocab.mkdir()
    (bad_vocab / "vocabulary.toml").write_text("[topics.x\n", encoding="utf-8")
    return tmp_path


# args, exit code, what the one line of the message must say ({tmp}: the test's folder)
CASES = [
    (["parse"], 2, "Missing argument 'FILES...'"),
    (["parse", "{tmp}/bestaat-niet.txt"], 2, "{tmp}/bestaat-niet.txt: no such file or directory"),
    (["parse", "{tmp}/leeg"], 2, "'{tmp}/leeg' is a directory"),
    (["parse", "--json", "--bogus", "x.txt"], 2, "No such option '--bogus'"),
    (["index", "{tmp}/bestaat-niet"], 2, "{tmp}/bestaat-niet: no such file or directory"),
    (["index", "--wait", "-1"], 2, "-1.0 is not in the range x>=0"),
    (["index", "{tmp}/vocab"], 1, "vocabulary.toml"),
    (["search"], 2, "Missing argument 'QUERY'"),
    (["search", "x"], 1, "{tmp}/index: the index does not exist; run `coi index` first"),
    (["search", "x", "--limit", "0"], 2, "0 is not in the range x>=1"),
    (["search", "x", "--from", "2024-13-01"], 2, "date '2024-13-01' is not a date"),
    (["search", "x", "--sort", "alfabet"], 2, "'alfabet' is not one of"),
    (["search", "x", "--cite", "docx"], 2, "'docx' is not one of"),
    (["search", "x", "--cite", "text", "-o", "{tmp}/geen-map/bijlage.md"], 2,
     "-o {tmp}/geen-map/bijlage.md: the folder {tmp}/geen-map does not exist"),
    (["search", "x", "-o", "{tmp}/bijlage.md"], 2, "-o/--output writes a citation export: give --cite"),
    (["show"], 2, "Missing argument 'ID'"),
    (["show", "kst-1-1#alinea-1"], 1, "the index does not exist"),
    (["cite"], 2, "Missing argument 'ID...'"),
    (["cite", "x#1", "--format", "word"], 2, "'word' is not one of"),
    (["cite", "x#1", "--style", "lang"], 2, "'lang' is not one of"),
    (["cite", "x#1"], 1, "the index does not exist"),
    (["stats"], 1, "the index does not exist"),
    (["check"], 1, "the index does not exist"),
    (["check", "{tmp}/bestaat-niet"], 2, "{tmp}/bestaat-niet: no such file or directory"),
    (["topics", "{tmp}/vocab"], 1, "vocabulary.toml"),
    (["bestaat-niet"], 2, "No such command 'bestaat-niet'"),
    (["--index"], 2, "Option '--index' requires an argument"),
]


@pytest.mark.parametrize(("args", "code", "says"), CASES, ids=[" ".join(a) for a, _, _ in CASES])
def test_bad_arguments(paths, args, code, says) -> None:
    argv = ["--index", str(paths / "index"), *[a.replace("{tmp}", str(paths)) for a in args]]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.output
    assert says.replace("{tmp}", str(paths)) in errors[0]
    assert not (paths / "index").exists() or args[0] == "index" and code == 1  # nothing created by accident


def test_a_bad_index_directory_is_one_line(tmp_path) -> None:
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    for index, says in ((tmp_path / "bestand", "not a directory"), (Path("/proc/nope"), "cannot create")):
        result = CliRunner().invoke(cli, ["--index", str(index), "index", str(CORPUS)])
        assert result.exit_code == 2 and result.output.count("\n") == 1 and says in result.output, result.output


def test_a_malformed_indexing_setting_is_named_and_search_does_not_read_it(tmp_path, monkeypatch) -> None:
    index = tmp_path / "index"
    assert CliRunner().invoke(cli, ["--index", str(index), "index", str(CORPUS)]).exit_code == 0
    for name in ("COI_BATCH_DOCUMENTS", "COI_WORKERS"):
        monkeypatch.setenv(name, "abc")
        result = CliRunner().invoke(cli, ["--index", str(index), "index", str(CORPUS)])
        assert result.exit_code == 2 and result.output == f"Error: {name}='abc': give a whole number of at least " \
            f"{1 if name == 'COI_BATCH_DOCUMENTS' else 0}\n"
        searched = CliRunner().invoke(cli, ["--index", str(index), "search", "Azerbeidzjan"])
        assert searched.exit_code == 0 and "passages for 'Azerbeidzjan'" in searched.output
        monkeypatch.delenv(name)


def test_output_cut_short_by_a_pipe_is_not_an_error() -> None:
    import subprocess
    import sys

    # `coi parse … | head -c 50`: the reader closes the pipe early; coi must stop quietly. Ten copies of the
    # document's JSON are more than a pipe holds, so coi is still writing when head has gone.
    files = " ".join([str(CORPUS / "aanhangsel-2054-oppositie-azerbeidzjan-2022.txt")] * 10)
    proc = subprocess.run(f"{sys.executable} -m coi parse {files} --json | head -c 50",
                          shell=True, capture_output=True, text=True)
    assert proc.stdout.startswith("{") and proc.stderr == ""
