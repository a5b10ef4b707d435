"""The README's commands work: every `.venv/bin/coi …` line in its code blocks runs with exit code 0 on the demo
corpus, and every `$ command` example prints what the README shows."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from tests.conftest import ROOT
from tests.web_corpus import demo_index

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(text: str) -> list[str]:
    blocks: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is not None:
                blocks.append("\n".join(current) + "\n")
            current = [] if current is None else None
        elif current is not None:
            current.append(line)
    return blocks


BLOCKS = _blocks(README)
COMMANDS = [line.split("  #")[0].strip() for block in BLOCKS for line in block.splitlines()
            if line.startswith(".venv/bin/coi ")]
EXAMPLES = [(m.group(1), m.group(2)) for block in BLOCKS
            for m in re.finditer(r"^\$ (\.venv/bin/coi [^\n]+)\n(.*?)(?=^\$ |\Z)", block, re.S | re.M)]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    return demo_index(tmp_path_factory.mktemp("readme"))


def _args(command: str, index: Path, tmp: Path) -> list[str]:
    """The command's arguments as a shell would pass them: globs expanded, an output file moved to `tmp`."""
    command = command.split(" > ")[0]
    args: list[str] = []
    for word in shlex.split(command)[1:]:
        if args and args[-1] == "-o":
            word = str(tmp / word)
        args += sorted(glob.glob(word)) if "*" in word and "/" in word else [word]
    return ["--index", str(index), *args]


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 15 and len(EXAMPLES) >= 4
    quickstart = README[README.index("## Quickstart"):README.index("\n## ", README.index("## Quickstart") + 3)]
    assert re.findall(r"^make \w+$", quickstart, re.M) == ["make demo", "make test"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_runs(command, index, tmp_path) -> None:
    args = _args(command, index, tmp_path)
    if args[2] == "serve":  # runs until stopped: its options must parse (it is started in test_web.py)
        cli.commands["serve"].make_context("serve", args[3:])
        return
    if args[2] == "index":  # on a copy, so the shared index stays as the other examples expect it
        args[1] = str(tmp_path / "index")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (command, result.output)


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_every_readme_example_prints_what_it_shows(command, shown, index, tmp_path) -> None:
    result = CliRunner().invoke(cli, _args(command, index, tmp_path))
    assert result.exit_code == 0, result.output
    # the README folds long lines: compare the words
    assert result.output.split() == shown.split()
