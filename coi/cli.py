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

# heavy modules (whoosh, pdfplumber) are imported inside the commands that need them: `coi --help` and
# `coi search` start fast.


class CoiClickError(click.ClickException):
    """A runtime CoiError as click shows it: 'Error: <message>' on stderr, exit code 1."""

    exit_code = 1


class CoiUsageError(CoiClickError):
    """A bad value given by the user: exit code 2, without click's usage text."""

    exit_code = 2


class CoiBusyError(CoiClickError):
    """Another `coi index` holds the index: exit code 3, so a scheduler can tell it from a failure."""

    exit_code = 3


def _click_error(error: CoiError) -> CoiClickError:
    cls = {2: CoiUsageError, 3: CoiBusyError}.get(error.exit_code, CoiClickError)
    return cls(str(error))


class CoiGroup(click.Group):
    """Every command runs inside one error boundary: no traceback reaches a user (COI_DEBUG=1 shows it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoiError as exc:
            raise _click_error(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `coi … | head`: the reader has what it wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that the final flush cannot complain either
            raise click.exceptions.Exit(0) from None
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
    if doc.countries:
        out.append(f"  countries: {', '.join(doc.countries)}")
    out.append(f"  {len(doc.passages)} passages, {len(doc.footnotes)} footnotes, {len(doc.references)} references")
    out.append("")
    for p in doc.passages:
        notes = f"  [{', '.join(map(str, p.footnotes))}]" if p.footnotes else ""
        heading = f" — {_first_words(p.heading, 8)}" if p.heading else ""
        out.append(f"{p.locator}{heading}")
        out.append(f"    {_first_words(p.text)}{notes}")
        if p.topics or p.countries:
            why = "; ".join(f"{k}: {', '.join(v)}" for k, v in p.triggers.items() if v)
            out.append(f"    tags: {', '.join(p.topics + p.countries)}" + (f"  (because: {why})" if why else ""))
    if doc.footnotes:
        out.append("")
        for f in doc.footnotes:
            out.append(f"  {f.n}. {_first_words(f.text, 10)}" + (f"  <{f.urls[0]}>" if f.urls else ""))
    return "\n".join(out)


@cli.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the Document as JSON (one per file).")
@click.option("--summary", is_flag=True, help="One line per document instead of the listing.")
@click.option("--check", is_flag=True,
              help="Self-check instead: word coverage, furniture removed, passages, footnotes, warnings.")
def parse_cmd(files: tuple[Path, ...], as_json: bool, summary: bool, check: bool) -> None:
    """Parse documents and print their metadata and passages; indexes nothing.

    Example: coi parse corpus/kamerbrief-nagorno-karabach-2023.txt --json

    Example: coi parse --check corpus/*.txt
    """
    from coi.parse import parse_file
    from coi.tag import USER_VOCABULARY, load_vocabulary, tag_document

    if check:
        _check_files(files, as_json)
        return
    failed: list[str] = []
    for path in files:
        try:
            doc = tag_document(parse_file(path), load_vocabulary(path.parent / USER_VOCABULARY))
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


def _check_files(files: tuple[Path, ...], as_json: bool) -> None:
    from coi.coverage import check_record, format_check
    from coi.parse import parse_file

    records: list[dict[str, Any]] = []
    failed = False
    for path in files:
        try:
            doc = parse_file(path)
        except CoiError as exc:
            failed = True
            records.append({"path": str(path), "error": str(exc)})
            if not as_json:
                click.echo(f"{path}: failed: {exc}")
            continue
        records.append(check_record(doc))
        if not as_json:
            click.echo(format_check(doc))
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(1)


EXPORT_LIMIT = 1000  # hits in one `search --cite` export without --page


def _index_dir() -> Path:
    return Path(click.get_current_context().obj["index"])


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--full", is_flag=True, help="Re-parse every document and drop what is not under PATHS.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for another running `coi index` before giving up (exit code 3).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def index_cmd(paths: tuple[Path, ...], full: bool, wait: float, as_json: bool) -> None:
    """Bring the index up to date with the corpus (default ./corpus): add new and changed documents, drop
    removed ones, skip unchanged ones. Safe to run from cron.

    Exit codes: 0 all indexed; 1 some documents failed (the rest are indexed); 2 usage; 3 another run holds
    the index.

    Example: coi index corpus --wait 60
    """
    from coi.index import index_corpus

    roots = list(paths) or [Path("corpus")]
    bar: Any = None
    show_bar = sys.stderr.isatty() and not as_json

    def progress(done: int, total: int, path: Path) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="indexing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        summary = index_corpus(_index_dir(), roots, full=full, wait=wait, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for failure in summary.failed:
        click.echo(f"failed: {failure.path}: {failure.error}", err=True)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        click.echo(summary.line())
    if summary.failed:
        sys.exit(1)


def _filter_options(f: Any) -> Any:
    for name, help_text in reversed([
        ("type", "document type: kamervragen, beslisnota, kamerbrief, document"),
        ("topic", "topic key (see `coi topics`)"),
        ("country", "country or region"),
        ("source", "issuing office, e.g. 'Minister van Buitenlandse Zaken'"),
    ]):
        f = click.option(f"--not-{name}", f"not_{name}", multiple=True, help=f"Exclude this {name}.")(f)
        f = click.option(f"--{name}", f"{name}s", multiple=True,
                         help=f"Only this {help_text}; repeat for any of several.")(f)
    return f


@cli.command("search")
@click.argument("query")
@_filter_options
@click.option("--from", "date_from", metavar="DATE", help="On or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="On or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--cite", "cite_format", type=click.Choice(["text", "markdown", "csl-json", "bibtex", "ris"]),
              help="Export the citations of all hits (of the page, with --page) in this format.")
@click.option("--style", type=click.Choice(["full", "short"]), default="full", show_default=True,
              help="With --cite: the citation style.")
@click.option("--quote", is_flag=True, help="With --cite: quote each passage and the sources it cites.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="With --cite: write to this file instead of standard output.")
@click.pass_context
def search_cmd(ctx: click.Context, query: str, types: tuple[str, ...], not_type: tuple[str, ...],
               topics: tuple[str, ...], not_topic: tuple[str, ...], countrys: tuple[str, ...],
               not_country: tuple[str, ...], sources: tuple[str, ...], not_source: tuple[str, ...],
               date_from: str | None, date_to: str | None, sort: str, limit: int, page: int, as_json: bool,
               cite_format: str | None, style: str, quote: bool, output: Path | None) -> None:
    """Search passages. Words are ANDed; also OR, NOT, "phrases", "phrase"~N, prefix*, field:value
    (fields: text, heading, title, notes, type, topic, country, source, year).

    Example: coi search 'LHBTIQ bescherming autoriteiten' --country Azerbeidzjan --from 2021
    """
    from coi.search import Filters, parse_date_bound, search

    if topics or not_topic or countrys or not_country:
        from coi.tag import corpus_vocabulary, resolve

        vocab = corpus_vocabulary([Path("corpus")])
        topics, not_topic = (tuple(resolve(v, vocab, ("topics",)) for v in vs) for vs in (topics, not_topic))
        countrys, not_country = (tuple(resolve(v, vocab, ("countries", "regions")) for v in vs)
                                 for vs in (countrys, not_country))
    filters = Filters(
        types=types, topics=topics, countries=countrys, sources=sources, not_types=not_type,
        not_topics=not_topic, not_countries=not_country, not_sources=not_source,
        date_from=parse_date_bound(date_from, end=False) if date_from else None,
        date_to=parse_date_bound(date_to, end=True) if date_to else None,
    )
    if cite_format:
        from coi.cite import render
        from coi.search import citations

        paged = ctx.get_parameter_source("page") == click.core.ParameterSource.COMMANDLINE
        result = search(_index_dir(), query, filters, sort=sort, limit=limit if paged else EXPORT_LIMIT,
                        page=page if paged else 1)
        text = render(citations(_index_dir(), [h.id for h in result.hits]), cite_format, style, quote)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            click.echo(f"{len(result.hits)} citations written to {output}", err=True)
        else:
            click.echo(text)
        return
    result = search(_index_dir(), query, filters, sort=sort, limit=limit, page=page)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_result(result, bold=sys.stdout.isatty()))


def _marked(snippet: str, bold: bool) -> str:
    import re

    return re.sub(r"\*\*(.+?)\*\*", lambda m: click.style(m.group(1), bold=True) if bold else m.group(1),
                  snippet)


def format_result(result: Any, bold: bool) -> str:
    """Hits as a person reads them: rank, locator, title, date, snippet, and the id to cite."""
    first = (result.page - 1) * result.limit + 1
    shown = f"{first}-{first + len(result.hits) - 1} of " if result.hits else ""
    out = [f"{shown}{result.total} passages for {result.query!r}"]
    for name in ("doc_type", "topic", "country", "year", "source"):
        counts = result.facets.get(name) or {}
        if counts:
            out.append(f"  {name}: " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:8]))
    for rank, hit in enumerate(result.hits, first):
        out.append("")
        out.append(f"{rank:>3}. {hit.locator} — {hit.title or hit.doc_id} ({hit.date or 'z.d.'})")
        out.append("     " + _marked(hit.snippet, bold).replace("\n", " "))
        tags = ", ".join(hit.topics + hit.countries)
        if tags:
            out.append(f"     tags: {tags}")
        out.append(f"     {hit.citation}")
        out.append(f"     id: {hit.id}")
    return "\n".join(out)


@cli.command("show")
@click.argument("ident", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def show_cmd(ident: str, as_json: bool) -> None:
    """Show one passage (doc_id#anchor) with its footnotes, or a whole document by its doc_id.

    Example: coi show ah-tk-20212022-2054#antwoord-4
    """
    from coi.cite import citation_text
    from coi.model import document_from_dict
    from coi.search import lookup

    found = lookup(_index_dir(), ident)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    elif "document" in found:
        click.echo(format_listing(document_from_dict(found["document"])))
    else:
        p, doc = found["passage"], found["doc"]
        click.echo(citation_text(doc, p))
        if p.get("heading"):
            click.echo(f"[{p['heading']}]")
        click.echo("")
        click.echo(p["text"])
        for f in found["footnotes"]:
            click.echo(f"\n  {f['n']}. {f['text']}")


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stats_cmd(as_json: bool) -> None:
    """Documents and passages per type, topic, country and year.

    Example: coi stats --json
    """
    from coi.search import stats

    data = stats(_index_dir())
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['documents']} documents, {data['passages']} passages")
    for key in ("documents_per_type", "passages_per_type", "topic", "country", "year"):
        if data[key]:
            click.echo(f"  {key.replace('_', ' ')}: " + ", ".join(f"{k} ({v})" for k, v in data[key].items()))


@cli.command("topics")
@click.argument("corpus", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def topics_cmd(corpus: Path | None, as_json: bool) -> None:
    """List the topic and country vocabulary (shipped, plus CORPUS/vocabulary.toml) with passage counts.

    Example: coi topics corpus
    """
    from coi import index as coi_index
    from coi.tag import corpus_vocabulary

    vocab = corpus_vocabulary([corpus or Path("corpus")])
    counts: dict[str, dict[str, int]] = {"topic": {}, "country": {}}
    if coi_index.exists(_index_dir()):
        from coi.search import stats

        data = stats(_index_dir())
        counts = {"topic": data["topic"], "country": data["country"]}
    rows = [{"key": e.key, "kind": e.kind, "label": e.label, "terms": len(e.terms) + len(e.weak),
             "passages": counts["topic" if e.kind == "topics" else "country"].get(e.key, 0)}
            for e in vocab.entries.values()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for kind in ("topics", "countries", "regions"):
        shown = [r for r in rows if r["kind"] == kind and (kind == "topics" or r["passages"])]
        if shown:
            click.echo(f"{kind}:")
        for r in shown:
            click.echo(f"  {r['key']:<40} {r['passages']:>6}  {r['label']}")


@cli.command("cite")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "csl-json", "bibtex", "ris"]),
              default="text", show_default=True)
@click.option("--style", type=click.Choice(["full", "short"]), default="short", show_default=True,
              help="full adds who asked, who answered or wrote, and when.")
@click.option("--quote", is_flag=True, help="Add the passage text and the sources its footnotes cite.")
def cite_cmd(ids: tuple[str, ...], fmt: str, style: str, quote: bool) -> None:
    """Citations of passages, for a decision or a citation manager.

    Example: coi cite 'ah-tk-20212022-2054#antwoord-4' --style full --quote
    """
    from coi.cite import render
    from coi.search import citations

    click.echo(render(citations(_index_dir(), list(ids)), fmt, style, quote))
