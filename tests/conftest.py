from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"

SEEDS = {
    "000": "beslisnota-landenbeleid-azerbeidzjan-2024.md",
    "001": "aanhangsel-2054-oppositie-azerbeidzjan-2022.txt",
    "002": "aanhangsel-3878-uitzetting-isbatov-2019.txt",
    "003": "kamerbrief-conflict-azerbeidzjan-armenie-2021.txt",
    "004": "kamerbrief-nagorno-karabach-2023.txt",
}


@pytest.fixture(autouse=True, scope="session")
def _run_from_root() -> Iterator[None]:
    # Paths in parser output are relative to the project, as users give them; the suite runs from any working
    # directory (module and session fixtures too, which are made before a test's own fixtures).
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        yield


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("COI_INDEX", raising=False)
    os.environ.pop("COI_DEBUG", None)


@pytest.fixture(scope="session")
def seed_docs():
    from coi.parse import parse_file

    return {key: parse_file(Path("corpus") / name) for key, name in SEEDS.items()}


@functools.cache
def parse_once(path: str):
    """A fixture document parsed once per test session (reading a PDF takes seconds); path from the root."""
    from coi.parse import parse_file

    return parse_file(ROOT / path)
