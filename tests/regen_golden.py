"""Regenerate the golden parser output: `make golden`. Review the diff before committing it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from coi.model import document_to_dict
from coi.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def golden_inputs() -> list[Path]:
    """The documents with golden output, relative to the project root."""
    corpus = sorted(p for p in Path("corpus").iterdir() if p.suffix in (".txt", ".md"))
    real = sorted(Path("tests/fixtures/realdocs").glob("*.txt"))
    return corpus + real


def golden_path(doc: Path) -> Path:
    name = doc.name.removesuffix(".txt").removesuffix(".md").removesuffix(".doc.1")
    return GOLDEN / (name + ".json")


def render(doc: Path) -> str:
    return json.dumps(document_to_dict(parse_file(doc)), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    os.chdir(ROOT)
    GOLDEN.mkdir(exist_ok=True)
    for doc in golden_inputs():
        golden_path(doc).write_text(render(doc), encoding="utf-8")
        print(f"wrote {golden_path(doc).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
