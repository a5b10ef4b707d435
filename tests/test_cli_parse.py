"""`coi parse` as a user meets it: JSON contract, listing, and every kind of bad input (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from tests.conftest import SEEDS

SEED_002 = (Path("corpus") / SEEDS["002"]).read_text(encoding="utf-8") if Path("corpus").exists() else ""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_json_contract() -> None:
    result = run("parse", f"corpus/{SEEDS['001']}", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert list(doc) == ["doc_id", "doc_type", "title", "date", "dates", "identifiers", "people", "source",
                         "countries", "source_path", "source_url", "sha256", "passages", "footnotes", "references"]
    assert set(doc["passages"][0]) >= {"id", "anchor", "locator", "heading", "text", "footnotes", "topics",
                                       "countries", "pages"}
    assert doc["passages"][0]["id"] == "ah-tk-20212022-2054#vraag-1"
    assert doc["footnotes"][0] == {
        "n": 1,
        "text": "Human Rights Watch, 3 december 2021, «Azerbaijan: Opposition Leader Beaten in Custody. Authorities "
                "Violently Disperse Peaceful Protest» (https://www.hrw.org/news/2021/12/03/azerbaijan-opposition-"
                "leader-beaten-custody).",
        "urls": ["https://www.hrw.org/news/2021/12/03/azerbaijan-opposition-leader-beaten-custody"],
    }


def test_listing_shows_locator_heading_words_and_footnotes() -> None:
    result = run("parse", f"corpus/{SEEDS['001']}")
    assert result.exit_code == 0
    assert "antwoord op vraag 3 — Hoe staat het met de gezondheid" in result.output
    assert "[4, 5, 6, 7]" in result.output


def test_empty_file(tmp_path) -> None:
    f = tmp_path / "leeg.txt"
    f.write_bytes(b"  \n\n")
    result = run("parse", str(f))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {f}: empty file"


def test_binary_file(tmp_path) -> None:
    f = tmp_path / "foto.txt"
    f.write_bytes(bytes(range(256)) * 10)
    result = run("parse", str(f))
    assert result.exit_code == 1
    assert f"{f}: binary data, not text" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_are_read_with_a_warning(tmp_path, encoding) -> None:
    text = SEED_002.replace("–", "-") if encoding == "latin-1" else SEED_002
    f = tmp_path / f"aanhangsel-{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    result = CliRunner().invoke(cli, ["parse", str(f), "--json"])
    assert result.exit_code == 0, result.output
    assert f"warning: {f}: not UTF-8; read as" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["doc_id"] == "ah-tk-20182019-3878"
    assert any("individuele mérites" in p["text"] for p in doc["passages"])


def test_utf8_bom(tmp_path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + SEED_002.encode("utf-8"))
    result = CliRunner().invoke(cli, ["parse", str(f), "--json"])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["doc_id"] == "ah-tk-20182019-3878"


def test_text_of_no_genre_is_a_generic_document(tmp_path) -> None:
    f = tmp_path / "verslag.txt"
    f.write_text("Werkbezoek Bakoe\n\nDe delegatie sprak met maatschappelijke organisaties.\n\n"
                 "Daarna volgde een gesprek\nmet de ombudsman.\n", encoding="utf-8")
    result = run("parse", str(f), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["doc_type"] == "document"
    assert [(p["anchor"], p["heading"], p["text"]) for p in doc["passages"]] == [
        ("alinea-1", "Werkbezoek Bakoe", "De delegatie sprak met maatschappelijke organisaties."),
        ("alinea-2", "Werkbezoek Bakoe", "Daarna volgde een gesprek met de ombudsman."),
    ]


def _with_sidecar(tmp_path: Path, toml: str) -> Path:
    doc = tmp_path / "brief.txt"
    doc.write_text((Path("corpus") / SEEDS["004"]).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "brief.toml").write_text(toml, encoding="utf-8")
    return doc


def test_sidecar_with_a_wrong_field(tmp_path) -> None:
    doc = _with_sidecar(tmp_path, 'doc_type = "kamerbrief"\ntitel = "Nagorno-Karabach"\n')
    result = run("parse", str(doc))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path / 'brief.toml'}: line 2: field 'titel' is unknown")


def test_sidecar_with_a_wrong_type(tmp_path) -> None:
    doc = _with_sidecar(tmp_path, '\ndate = "gisteren"\n')
    result = run("parse", str(doc))
    assert result.exit_code == 1
    assert "brief.toml: line 2: field 'date' must be a date like 2021-06-16, not 'gisteren'" in result.output


def test_malformed_sidecar_names_file_and_line(tmp_path) -> None:
    doc = _with_sidecar(tmp_path, '[identifiers]\ndossiernummer = "21501-02\n')
    result = run("parse", str(doc))
    assert result.exit_code == 1
    assert f"{tmp_path / 'brief.toml'}: malformed TOML:" in result.output and "line 2" in result.output


def test_sidecar_overrides_and_forces_genre(tmp_path) -> None:
    doc = _with_sidecar(tmp_path, 'doc_type = "document"\ntitle = "Situatie Nagorno-Karabach"\n'
                                  'date = 2023-10-12\n[identifiers]\nkenmerk = "BZ-123"\n')
    result = run("parse", str(doc), "--json")
    out = json.loads(result.output)
    assert (out["doc_type"], out["title"], out["date"]) == ("document", "Situatie Nagorno-Karabach", "2023-10-12")
    assert out["doc_id"] == "document-bz-123"


def test_missing_file_and_unknown_type(tmp_path) -> None:
    result = run("parse", str(tmp_path / "weg.txt"))
    assert result.exit_code == 2 and result.output == f"Error: {tmp_path / 'weg.txt'}: no such file or directory\n"
    odd = tmp_path / "x.docx"
    odd.write_bytes(b"PK")
    result = run("parse", str(odd))
    assert result.exit_code == 1 and "unsupported file type '.docx'" in result.output


def test_usage_errors_exit_2() -> None:
    assert run("parse").exit_code == 2
    assert run("parse", "--nope", "x.txt").exit_code == 2


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output, name
        assert command.help
