"""Hostile documents in a corpus: each is reported by name with a one-line reason, the rest is indexed, the run
exits 1, and what the index held for that document stays searchable. The inputs are generated here."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from coi.index import index_corpus
from coi.search import Searcher, search
from coi.testing import generate_corpus
from tests.conftest import CORPUS

PDF = Path(__file__).parent / "fixtures" / "pdf"
HTML = Path(__file__).parent / "fixtures" / "html"


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(PDF / "ah-tk-20232024-1999.pdf").pages:
        writer.add_page(page)
    writer.encrypt(user_password="geheim", owner_password="nog-geheimer")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_only_pdf() -> bytes:
    from tests.test_pdf_html import _minimal_pdf

    return _minimal_pdf(b"q 100 0 0 100 50 50 cm 0 0 1 rg 0 0 1 1 re f Q")


# name -> (good content from, hostile content, the reason coi must give)
CASES = {
    "leeg.txt": ("text", lambda: b"", "empty file"),
    "nul-bytes.pdf": ("ah-tk-20232024-1076.pdf", lambda: b"", "empty file"),
    "ruis.txt": ("text", lambda: random.Random(1).randbytes(50_000), "binary data, not text"),
    "afgebroken.pdf": ("ah-tk-20232024-1481.pdf", lambda: (PDF / "ah-tk-20232024-2129.pdf").read_bytes()[:5000],
                       "unreadable PDF"),
    "versleuteld.pdf": ("ah-tk-20232024-1999.pdf", _encrypted_pdf, "encrypted PDF; save an unencrypted copy"),
    "scan.pdf": ("ah-tk-20142015-698.pdf", _image_only_pdf, "no text layer (scanned?)"),
    "een-regel.txt": ("text", lambda: b"woord " * 2_000_000, "a single line of 12,000,000 characters"),
    "kapot-sidecar.txt": ("text", None, "kapot-sidecar.toml: line 2: field 'date' must be a date like 2021-06-16"),
}


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    variants = generate_corpus(CORPUS, tmp_path / "variants", 12)
    texts = iter(v for v in variants if v.suffix == ".txt")
    for name, (good, _, _) in CASES.items():
        source = next(texts) if good == "text" else PDF / good
        shutil.copy(source, corpus / name)
    shutil.copy(HTML / "tweedekamer_nl_page_2015D04817_wet_auteurscontractenrecht.html", corpus / "pagina.html")
    return corpus, tmp_path / "index"


def _ids(index: Path) -> dict[str, set[str]]:
    with Searcher(index) as s:
        out: dict[str, set[str]] = {}
        for f in s.searcher.documents(kind="passage"):
            out.setdefault(Path(f["path"]).name, set()).add(f["id"])
        return out


def test_hostile_documents(tmp_path, capsys) -> None:
    corpus, index = _setup(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["--index", str(index), "index", str(corpus)])
    assert first.exit_code == 0, first.output
    before = _ids(index)
    assert set(CASES) <= set(before)

    for name, (_, hostile, _) in CASES.items():
        if hostile is not None:
            (corpus / name).write_bytes(hostile())
    (corpus / "kapot-sidecar.toml").write_text('title = "Kapot"\ndate = 12\n', encoding="utf-8")
    # more that is hostile, with no earlier version
    (corpus / "cp1252.txt").write_bytes("Geachte voorzitter,\n\nDe positie van Armeniërs in Azerbeidzjan is "
                                        "zorgelijk; zie de brief van 4 oktober – café.\n".encode("cp1252"))
    (corpus / "latin1.txt").write_bytes("Geachte voorzitter,\n\nDe Oekraïense vluchtelingen in Nederland.\n"
                                        .encode("latin-1"))
    (corpus / "bom.txt").write_bytes(b"\xef\xbb\xbf" + b"Geachte voorzitter,\n\nEen brief met BOM.\n")
    (corpus / "diep.html").write_text("<html><body>" + "<div>" * 20_000 + "<p>Diep verstopte tekst over "
                                      "Armenië.</p>" + "</div>" * 20_000 + "</body></html>", encoding="utf-8")
    (corpus / "script.html").write_text(
        '<html><head><script>alert("weg")</script><style>p{color:red}</style></head><body onload="boom()">'
        '<p onclick="steel()">Het kabinet volgt de situatie in Georgië nauwgezet.</p>'
        '<div hidden>verborgen</div><script>document.write("ook weg")</script></body></html>', encoding="utf-8")
    os.symlink("lus.txt", corpus / "lus.txt")  # a symlink to itself
    os.symlink("..", corpus / "omhoog")  # a directory loop: not followed
    vanishing = corpus / "verdwijnt.txt"
    vanishing.write_text("Geachte voorzitter,\n\nEen brief die verdwijnt.\n", encoding="utf-8")

    def vanish(done: int, total: int, path: Path) -> None:
        if path == vanishing:  # listed, and removed before coi reads it
            vanishing.unlink()

    summary = index_corpus(index, [corpus], progress=vanish)
    reasons = {Path(f.path).name: f.error for f in summary.failed}
    table = [(name, reasons.get(name, "indexed")) for name in sorted(set(CASES) | set(reasons))]
    print(json.dumps(table, ensure_ascii=False, indent=1))
    for name, (_, _, why) in CASES.items():
        assert why in reasons.get(name, "") or why in f"{name}: {reasons.get(name, '')}", (name, reasons.get(name))
    assert "Too many levels of symbolic links" in reasons["lus.txt"]
    assert all("\n" not in r and "Traceback" not in r for r in reasons.values())
    # what the index held for each failed document is still there
    after = _ids(index)
    for name in CASES:
        assert after[name] == before[name], name
    # the rest is indexed: legacy encodings with a warning, the deep and the scripted page without their tricks
    assert {"cp1252.txt", "latin1.txt", "bom.txt", "script.html", "diep.html"} <= set(after)
    assert any("cp1252.txt: not UTF-8; read as Windows-1252" in w for w in summary.warnings)
    assert any("latin1.txt: not UTF-8" in w for w in summary.warnings)
    assert search(index, "Armeniërs café").total == 1
    assert search(index, "verstopte").total == 1
    with Searcher(index) as s:
        page = [json.loads(f["data"])["passage"]["text"] for f in s.searcher.documents(kind="passage")
                if Path(f["path"]).name == "script.html"]
    assert page == ["Het kabinet volgt de situatie in Georgië nauwgezet."]  # no script, style, handler, hidden


def test_cli_exit_code_and_one_line_per_failure(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "leeg.txt").write_bytes(b"")
    (corpus / "scan.pdf").write_bytes(_image_only_pdf())
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(corpus)])
    assert result.exit_code == 1
    assert f"failed: {corpus / 'leeg.txt'}: empty file" in result.stderr
    assert f"failed: {corpus / 'scan.pdf'}: no text layer (scanned?)" in result.stderr
    assert result.stdout.startswith("added 5, updated 0, removed 0, unchanged 0, failed 2 in ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".html"])
def test_parse_bad_files_exit_1_with_one_line(tmp_path, suffix) -> None:
    f = tmp_path / f"leeg{suffix}"
    f.write_bytes(b"")
    result = CliRunner().invoke(cli, ["parse", str(f)])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and str(f) in result.output
