"""`coi show` as a reading view, and the terminal behaviour of every command: --index after the command, wrapping,
NO_COLOR, one-line usage errors with the command's help hint, plurals, options that would do nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi import cli as cli_module
from coi import render
from coi.cli import cli
from coi.model import document_to_dict
from coi.search import lookup
from tests.conftest import CORPUS
from tests.web_corpus import demo_index


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    return demo_index(tmp_path_factory.mktemp("show"))


def show(index: Path, *args: str, env: dict[str, str] | None = None, **kw) -> str:
    result = CliRunner().invoke(cli, ["--index", str(index), "show", *args], env=env, **kw)
    assert result.exit_code == 0, result.output
    return result.output


def test_show_document_is_the_whole_document(index) -> None:
    out = show(index, "ah-tk-20212022-2054", env={"COLUMNS": "100"})
    doc = document_to_dict(lookup(index, "ah-tk-20212022-2054"))
    assert out.startswith("Vragen van het lid Sjoerdsma (D66) aan de Minister van Buitenlandse Zaken over")
    for label in ("type", "date", "id", "aanhangselnummer", "vergaderjaar", "vragensteller", "beantwoorder",
                  "source", "file"):
        assert re.search(rf"^  {label} +\S", out, re.M), label
    assert re.search(r"^  beantwoorder +Hoekstra \[Minister van Buitenlandse Zaken\]$", out, re.M)
    flat = " ".join(out.split())
    for p in doc["passages"]:  # every passage in full, under its locator
        assert f"\n{p['locator']}\n" in out
        assert " ".join(p["text"].split()) in flat
    notes = out[out.index("\nFootnotes\n"):]
    assert "9. Freedom House, «Freedom in the world 2021, Azerbaijan»," in notes
    assert "https://freedomhouse.org/country/azerbaijan/freedom-world/2021" in notes
    assert out.index("\nFootnotes\n") > out.index("antwoord op vraag 12")


def test_show_passage_in_context(index) -> None:
    out = show(index, "ah-tk-20212022-2054#antwoord-9")
    assert out.startswith("Aanhangsel Handelingen II 2021/22, nr. 2054, antwoord op vraag 9\n")
    assert "\nvraag 9\n" in out and "\nvraag 10\n" in out  # the passages before and after
    assert "antwoord op vraag 8" not in out and "\nvraag 8\n" not in out
    marked = [line for line in out.splitlines() if line.startswith("> ")]
    assert marked[0] == "> antwoord op vraag 9  [ah-tk-20212022-2054#antwoord-9]"
    assert "Over het algemeen worden vraagtekens gezet" in " ".join(marked)
    assert "https://freedomhouse.org/country/azerbaijan/freedom-world/2021" in out
    wider = show(index, "ah-tk-20212022-2054#antwoord-9", "--context", "2")
    assert "antwoord op vraag 8" in wider and "antwoord op vraag 10" in wider


def test_show_wraps_to_the_terminal(index) -> None:
    for columns in (60, 100):
        out = show(index, "kst-21501-02-2375", env={"COLUMNS": str(columns)})
        # a line may pass the width only for one word that does not fit anywhere (a URL, a path)
        wrappable = [line for line in out.splitlines() if max(map(len, line.split()), default=0) < 40]
        assert not [line for line in wrappable if len(line) > columns]
        assert max(map(len, wrappable)) > columns - 15
    assert render.terminal_width() <= render.READING_WIDTH


def test_show_json_keeps_its_shape(index) -> None:
    passage = json.loads(show(index, "ah-tk-20212022-2054#antwoord-9", "--json"))
    assert set(passage) == {"passage", "footnotes", "doc"}
    assert passage["passage"]["id"] == "ah-tk-20212022-2054#antwoord-9"
    document = json.loads(show(index, "kst-21501-02-2375", "--json"))
    assert list(document) == ["document"] and document["document"]["doc_id"] == "kst-21501-02-2375"


def test_show_markdown(index) -> None:
    out = show(index, "ah-tk-20212022-2054#antwoord-9", "--markdown")
    assert out.startswith("# Vragen van het lid Sjoerdsma (D66)")
    assert "## antwoord op vraag 9" in out and "## vraag 9" not in out
    assert "[^9]: Freedom House" in out


def test_show_goes_through_a_pager_on_a_terminal(index, monkeypatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(cli_module, "_stdout_is_terminal", lambda: True)
    monkeypatch.setattr("click.echo_via_pager", lambda text, color=None: paged.append(text))
    out = show(index, "kst-21501-02-2375")
    assert out == "" and "alinea 10" in paged[0]
    out = show(index, "kst-21501-02-2375", "--no-pager")
    assert "alinea 10" in out and len(paged) == 1


def test_show_refuses_what_it_cannot_do(index) -> None:
    run = CliRunner().invoke
    context = run(cli, ["--index", str(index), "show", "kst-21501-02-2375", "--context", "2"])
    assert context.exit_code == 2 and "--context shows passages around one passage" in context.output
    both = run(cli, ["--index", str(index), "show", "kst-21501-02-2375", "--json", "--markdown"])
    assert both.exit_code == 2 and "give --json or --markdown, not both" in both.output


# ----------------------------------------------------------------------------------------- the terminal

def test_index_before_or_after_the_command_or_from_the_environment(index, tmp_path) -> None:
    run = CliRunner().invoke
    after = run(cli, ["search", "Isayev", "--index", str(index)])
    assert after.exit_code == 0 and "8 passages" in after.output
    # after the command wins over before it, as the later of two settings does
    both = run(cli, ["--index", str(tmp_path / "geen"), "stats", "--index", str(index)])
    assert both.exit_code == 0 and both.output.startswith("5 documents, 83 passages")
    env = run(cli, ["stats"], env={"COI_INDEX": str(index)})
    assert env.exit_code == 0 and env.output.startswith("5 documents")
    for name, command in cli.commands.items():
        assert "--index" in run(cli, [name, "--help"]).output, name
        assert command.params[-1].name == "index_dir"


def test_no_color_means_no_colour(index, monkeypatch) -> None:
    monkeypatch.setattr(cli_module, "_stdout_is_terminal", lambda: False)
    monkeypatch.setattr(render, "use_color", lambda stream: True)
    args = ["--index", str(index), "show", "kst-21501-02-2375#alinea-2"]
    coloured = CliRunner().invoke(cli, args, color=True)
    assert "\x1b[1m" in coloured.output
    plain = CliRunner().invoke(cli, args, color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b[" not in plain.output and "> alinea 2" in plain.output


def test_use_color_follows_no_color_and_the_terminal(monkeypatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert render.use_color(Tty())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not render.use_color(Tty())  # type: ignore[arg-type]


@pytest.mark.parametrize(("args", "says"), [
    (["search"], "Error: coi search: Missing argument 'QUERY'. (see `coi search --help`)"),
    (["show", "--bogus", "x"], "Error: coi show: No such option '--bogus'"),
    (["search", "x", "--quote"], "Error: coi search: --quote does nothing without --cite (see `coi search --help`)"),
    (["search", "x", "--style", "short"], "Error: coi search: --style does nothing without --cite"),
    (["nope"], "Error: No such command 'nope'. (see `coi --help`)"),
])
def test_usage_errors_are_one_line_with_the_help_hint(index, args, says) -> None:
    result = CliRunner().invoke(cli, ["--index", str(index), *args], prog_name="coi")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(says), result.output


def test_an_option_that_needs_another_works_with_it(index, tmp_path) -> None:
    out = tmp_path / "bijlage.md"
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "Isayev", "--cite", "markdown", "--quote",
                                      "--style", "short", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("1. Aanhangsel Handelingen II 2021/22")


def test_singular_and_plural(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "kamerbrief-nagorno-karabach-2023.txt", corpus)
    shutil.copy(CORPUS / "kamerbrief-nagorno-karabach-2023.toml", corpus)
    index = tmp_path / "index"
    run = CliRunner().invoke
    assert run(cli, ["--index", str(index), "index", str(corpus)]).exit_code == 0
    assert re.match(r"1 document, \d+ passages\n", run(cli, ["--index", str(index), "stats"]).output)
    check = run(cli, ["--index", str(index), "check", str(corpus)]).output
    assert re.match(r"1 document, \d+ passages in 1 segment: sound", check), check
    assert render.plural(1, "passage") == "1 passage" and render.plural(0, "passage") == "0 passages"
