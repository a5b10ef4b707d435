"""Regenerate the golden parser output: `make golden`. Review the diff before committing it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from coi.model import document_to_dict
from coi.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


# real PDFs with golden output: those added for parsing fidelity (issue 17); the first takes half a minute to read
GOLDEN_PDFS = [
    "tests/fixtures/pdf/brief_AP_2020-08-06_z2020-11824_advies_notificatie-app.pdf",
    "tests/fixtures/pdf/wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf",
    "tests/fixtures/pdf/woo_IenW_2025-12-09_besluit_landsadvocaat_stikstof.pdf",
]
SLOW_GOLDEN = {"brief_AP_2020-08-06_z2020-11824_advies_notificatie-app.pdf"}
# real documents of the genre and identity work (tests/test_genres.py): official XML, Kamerstuk PDFs, memos
GENRE_FIXTURES = ["tests/fixtures/pdf/kst-32545-143.pdf", "tests/fixtures/pdf/kst-35538-4.pdf",
                  "tests/fixtures/pdf/ah-tk-20202021-3235.pdf", "tests/fixtures/pdf/h-tk-20232024-40-6.pdf",
                  "tests/fixtures/pdf/wob_Amsterdam_2018_collegevoordracht_principenota_sixhaven.pdf",
                  "tests/fixtures/html/kst-36755-45-op.html"]


def golden_inputs() -> list[Path]:
    """The documents with golden output, relative to the project root (which the tests run from, whatever the
    working directory they were started in)."""
    corpus = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md"))
    real = sorted((ROOT / "tests/fixtures/realdocs").glob("*.txt"))
    xml = sorted((ROOT / "tests/fixtures/xml").glob("*.xml"))
    return [p.relative_to(ROOT) for p in corpus + real + xml] + [Path(p) for p in GOLDEN_PDFS + GENRE_FIXTURES]


def golden_path(doc: Path) -> Path:
    name = doc.name.removesuffix(".txt").removesuffix(".md").removesuffix(".doc.1")
    if doc.suffix in (".xml", ".pdf", ".html"):  # the same publication as XML and as PDF: both kept
        name = f"{doc.stem}.{doc.suffix[1:]}"
    return GOLDEN / (name + ".json")


def render(doc: Path) -> str:
    return json.dumps(document_to_dict(parse_file(doc)), ensure_ascii=False, indent=2) + "\n"


# passages whose citations are kept as golden text: every seed, questions, answers, grouped answers, footnotes
CITED = {
    "corpus/aanhangsel-2054-oppositie-azerbeidzjan-2022.txt": ["vraag-3", "antwoord-4", "antwoord-9"],
    "corpus/aanhangsel-3878-uitzetting-isbatov-2019.txt": ["antwoord-1-5", "vraag-6"],
    "corpus/beslisnota-landenbeleid-azerbeidzjan-2024.md": ["4.3.5", "1"],
    "corpus/kamerbrief-conflict-azerbeidzjan-armenie-2021.txt": ["alinea-2", "alinea-9"],
    "corpus/kamerbrief-nagorno-karabach-2023.txt": ["alinea-6"],
    "tests/fixtures/realdocs/beslisnota_nl.mnre1018.2e-b.2024.60.doc.1.txt": ["kernpunten"],
}
CITATIONS = GOLDEN / "citations.txt"


def citation_inputs() -> list:
    """(Citation) for each cited passage, built as the index would store it."""
    from coi.cite import build
    from coi.model import passage_to_dict
    from coi.store import doc_meta

    out = []
    for path, anchors in CITED.items():
        doc = parse_file(Path(path))
        for p in doc.passages:
            if p.anchor in anchors:
                notes = [{"n": f.n, "text": f.text, "urls": list(f.urls)} for f in doc.footnotes
                         if f.n in p.footnotes]
                out.append(build(doc_meta(doc), passage_to_dict(p), notes))
    return out


def render_citations() -> str:
    from coi.cite import render

    blocks = []
    for c in citation_inputs():
        for style in ("short", "full"):
            for quote in (False, True):
                blocks.append(f"## {c.id} --style {style}{' --quote' if quote else ''}\n"
                              f"{render([c], 'text', style, quote)}\n")
    return "\n".join(blocks)


def main() -> None:
    os.chdir(ROOT)
    GOLDEN.mkdir(exist_ok=True)
    for doc in golden_inputs():
        golden_path(doc).write_text(render(doc), encoding="utf-8")
        print(f"wrote {golden_path(doc).relative_to(ROOT)}")
    CITATIONS.write_text(render_citations(), encoding="utf-8")
    print(f"wrote {CITATIONS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
