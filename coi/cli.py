"""The `coi` command: parses options, calls the library, and turns CoiError into a one-line message."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from coi import __version__
from coi.errors import CoiError
from coi.model import Document, document_to_dict


class CoiClickError(click.ClickException):
    """A runtime CoiError as click shows it: 'Error: <message>' on stderr, exit code 1."""

    exit_code = 1


class CoiUsageError(CoiClickError):
    """A bad value given by the user: exit code 2, without click's usage text."""

    exit_code = 2


def _click_error(error: CoiError) -> CoiClickError:
    return CoiUsageError(str(error)) if error.exit_code == 2 else CoiClickError(str(error))


class CoiGroup(click.Group):
    """Every command runs inside one error boundary: no traceback reaches a user (COI_DEBUG=1 shows it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoiError as exc:
            raise _click_error(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: say so in one line, keep the detail for COI_DEBUG
            if os.environ.get("COI_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error ({type(exc).__name__}: {exc}); run with COI_DEBUG=1 for details and report it"
            ) from None


@click.group(cls=CoiGroup)
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), envvar="COI_INDEX",
              default="index", show_default=True, help="Index directory (default: $COI_INDEX, else ./index).")
@click.version_option(__version__, prog_name="coi")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path) -> None:
    """Search and cite Dutch country-of-origin information, passage by passage.

    Example: coi parse corpus/aanhangsel-2054-oppositie-azerbeidzjan-2022.txt
    """
    ctx.obj = {"index": index_dir}


def _warn(doc: Document) -> None:
    for w in doc.warnings:
        click.echo(f"warning: {w}", err=True)


def _first_words(text: str, n: int = 14) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def format_listing(doc: Document) -> str:
    """A readable listing: metadata, then locator, heading, first words and footnotes of each passage."""
    out = [f"{doc.doc_id}  ({doc.doc_type.value}, {doc.date.isoformat() if doc.date else 'no date'})"]
    if doc.title:
        out.append(doc.title)
    for key, value in doc.identifiers.items():
        out.append(f"  {key}: {value}")
    if doc.source:
        out.append(f"  source: {doc.source}")
    for person in doc.people:
        bits = [person.name, f"({person.party})" if person.party else "", f"[{person.office}]" if person.office else ""]
        out.append(f"  {person.role}: {' '.join(b for b in bits if b)}")
    out.append(f"  {len(doc.passages)} passages, {len(doc.footnotes)} footnotes, {len(doc.references)} references")
    out.append("")
    for p in doc.passages:
        notes = f"  [{', '.join(map(str, p.footnotes))}]" if p.footnotes else ""
        heading = f" — {_first_words(p.heading, 8)}" if p.heading else ""
        out.append(f"{p.locator}{heading}")
        out.append(f"    {_first_words(p.text)}{notes}")
    if doc.footnotes:
        out.append("")
        for f in doc.footnotes:
            out.append(f"  {f.n}. {_first_words(f.text, 10)}" + (f"  <{f.urls[0]}>" if f.urls else ""))
    return "\n".join(out)


@cli.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the Document as JSON (one per file).")
@click.option("--summary", is_flag=True, help="One line per document instead of the listing.")
def parse_cmd(files: tuple[Path, ...], as_json: bool, summary: bool) -> None:
    """Parse documents and print their metadata and passages; indexes nothing.

    Example: coi parse corpus/kamerbrief-nagorno-karabach-2023.txt --json
    """
    from coi.parse import parse_file

    failed: list[str] = []
    for path in files:
        try:
            doc = parse_file(path)
        except CoiError as exc:
            if len(files) == 1:
                raise
            failed.append(str(exc))
            click.echo(f"Error: {exc}", err=True)
            continue
        _warn(doc)
        if as_json:
            click.echo(json.dumps(document_to_dict(doc), ensure_ascii=False, indent=2))
        elif summary:
            click.echo(f"{path.name}: {doc.doc_id} {doc.doc_type.value} "
                       f"{doc.date.isoformat() if doc.date else 'z.d.'} "
                       f"{len(doc.passages)} passages, {len(doc.footnotes)} footnotes, "
                       f"{len(doc.references)} references")
        else:
            click.echo(format_listing(doc))
    if failed:
        sys.exit(1)
