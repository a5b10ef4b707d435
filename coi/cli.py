"""The `coi` command: parses options, calls the library, and turns CoiError into a one-line message."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from coi import __version__
from coi.errors import CoiError
from coi.model import Document, document_to_dict
from coi.render import plural

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


def _one_line(error: click.UsageError) -> CoiUsageError:
    """click's usage errors without the usage text around them: one line with the command's help hint, exit 2."""
    path = error.ctx.command_path if error.ctx else "coi"
    where = f"{path}: " if error.ctx and error.ctx.parent else ""
    return CoiUsageError(f"{where}{error.format_message()} (see `{path} --help`)")


# An option whose help begins "With --cite: …" does something only together with --cite; given alone it is
# refused, so that the help text and the behaviour cannot disagree.
_REQUIRES = re.compile(r"^With (--[\w-]+)")


def _set_index(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.find_root().ensure_object(dict)["index"] = value


# `--index DIR` after the command too (`coi search x --index DIR`): every command takes it and it wins over the
# one before the command, as the later of two settings does.
INDEX_AFTER = click.Option(["--index", "index_dir"], type=click.Path(path_type=Path), expose_value=False,
                           callback=_set_index, is_eager=True,
                           help="Index directory (also before the command; default: $COI_INDEX, else ./index).")


def refuse_idle_options(ctx: click.Context) -> None:
    """Options given on the command line that do nothing without another option: a usage error naming both."""
    params = {p.name: p for p in ctx.command.params}
    for param in ctx.command.params:
        help_text = getattr(param, "help", None) or ""
        needs = _REQUIRES.match(help_text)
        if not needs or ctx.get_parameter_source(param.name or "") != click.core.ParameterSource.COMMANDLINE:
            continue
        other = next((p for p in params.values() if isinstance(p, click.Option) and needs.group(1) in p.opts),
                     None)
        if other is not None and not ctx.params.get(other.name or ""):
            given = "/".join(getattr(param, "opts", []))
            raise CoiUsageError(f"{ctx.command_path}: {given} does nothing without {needs.group(1)} "
                                f"(see `{ctx.command_path} --help`)")


class CoiCommand(click.Command):
    """A command that refuses options which would do nothing (see refuse_idle_options)."""

    def invoke(self, ctx: click.Context) -> Any:
        refuse_idle_options(ctx)
        return super().invoke(ctx)


class CoiGroup(click.Group):
    """Every command runs inside one error boundary: no traceback reaches a user (COI_DEBUG=1 shows it)."""

    command_class = CoiCommand

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(INDEX_AFTER)
        super().add_command(cmd, name)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from None
        if os.environ.get("NO_COLOR"):  # https://no-color.org: click.echo then strips every style
            ctx.color = False
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoiError as exc:
            raise _click_error(exc) from None
        except click.UsageError as exc:
            raise _one_line(exc) from None
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
@click.option("--index", "index_dir", type=click.Path(path_type=Path), envvar="COI_INDEX",
              default="index", help="Index directory, before or after the command (default: $COI_INDEX, else "
                                    "./index).")
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
    out.append("  " + ", ".join([plural(len(doc.passages), "passage"), plural(len(doc.footnotes), "footnote"),
                                  plural(len(doc.references), "reference")]))
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

    _must_exist(files)
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
                       f"{plural(len(doc.passages), 'passage')}, {plural(len(doc.footnotes), 'footnote')}, "
                       f"{plural(len(doc.references), 'reference')}")
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


def _must_exist(paths: tuple[Path, ...] | list[Path]) -> None:
    """Paths typed on the command line that do not exist are a usage error, named in one line."""
    for path in paths:
        if not os.path.lexists(path):
            raise CoiUsageError(f"{path}: no such file or directory")


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _index_dir() -> Path:
    return Path(click.get_current_context().obj["index"])


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--full", is_flag=True, help="Re-parse every document and drop what is not under PATHS.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for another running `coi index` before giving up (exit code 3).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--no-alerts", is_flag=True, help="Do not run the saved alerts (`coi alert`) after indexing.")
def index_cmd(paths: tuple[Path, ...], full: bool, wait: float, as_json: bool, no_alerts: bool) -> None:
    """Bring the index up to date with the corpus (default ./corpus): add new and changed documents, drop
    removed ones, skip unchanged ones. Safe to run from cron.

    Exit codes: 0 all indexed; 1 some documents failed (the rest are indexed); 2 usage; 3 another run holds
    the index.

    Example: coi index corpus --wait 60
    """
    from coi.update import index_corpus

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
    runs = []
    if not no_alerts and (_index_dir() / "alerts.toml").exists():
        from coi.alerts import run_alerts
        from coi.cli_alerts import format_run

        runs = run_alerts(_index_dir(), only_if_changed=True)
        if not as_json:
            for run in runs:
                click.echo(format_run(run))
    if as_json:
        click.echo(json.dumps(summary.as_dict() | {"alerts": [r.as_dict() for r in runs]}, ensure_ascii=False))
    else:
        click.echo(summary.line())
    if summary.failed:
        sys.exit(1)


def _filter_options(f: Any) -> Any:
    for name, help_text in reversed([
        ("type", "document type: kamervragen, beslisnota, kamerbrief, motie, memorie-van-toelichting, "
                 "handelingen, … (see `coi stats`)"),
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
@click.option("--exact", is_flag=True,
              help="Every word as typed: no other word forms, compound parts or synonyms, no closest matches.")
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
               exact: bool, cite_format: str | None, style: str, quote: bool, output: Path | None) -> None:
    """Search passages. Plain words: passages with all of them (in any form: plurals, participles, compounds
    written apart or together, synonyms) first, then the closest ones, labelled with the words they miss;
    question words need not match. OR, NOT, "phrases", "phrase"~N, prefix*, field:value (fields: text,
    heading, notes, type, topic, country, source, year) and --exact keep their strict meaning.

    Example: coi search 'LHBTIQ bescherming autoriteiten' --country Azerbeidzjan --from 2021
    """
    from coi.query import USER_SYNONYMS, load_synonyms
    from coi.search import Filters, parse_date_bound, search

    if output is not None and not cite_format:
        raise CoiUsageError("-o/--output writes a citation export: give --cite FORMAT with it")
    if output is not None and not output.parent.is_dir():
        raise CoiUsageError(f"-o {output}: the folder {output.parent} does not exist")
    synonyms = load_synonyms(Path("corpus") / USER_SYNONYMS)
    if topics or not_topic or countrys or not_country:
        from coi.query import check_values, vocabulary_aliases
        from coi.tag import corpus_vocabulary

        vocab = corpus_vocabulary([Path("corpus")])
        names = vocabulary_aliases(vocab, ("topics",), synonyms)
        topics, not_topic = (check_values(o, vs, names) for o, vs in (("--topic", topics), ("--not-topic", not_topic)))
        names = vocabulary_aliases(vocab, ("countries", "regions"), synonyms)
        countrys, not_country = (check_values(o, vs, names)
                                 for o, vs in (("--country", countrys), ("--not-country", not_country)))
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
                        page=page if paged else 1, exact=exact, synonyms=synonyms)
        text = render(citations(_index_dir(), [h.id for h in result.hits]), cite_format, style, quote)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            click.echo(f"{plural(len(result.hits), 'citation')} written to {output}", err=True)
        else:
            click.echo(text)
        return
    result = search(_index_dir(), query, filters, sort=sort, limit=limit, page=page, exact=exact,
                    synonyms=synonyms)
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
    from coi.render import page_note

    shown = f"{first}-{first + len(result.hits) - 1} of " if result.hits else ""
    out = [f"{shown}{plural(result.total, 'passage')} for {result.query!r}"]
    past = page_note(result.total, result.page, result.limit, len(result.hits))
    if past:
        out.append(past)
    if result.partial_only:
        out.append("No passage holds all words of the query; the closest ones:")
    elif any(h.match == "partial" for h in result.hits):
        last = first + len(result.hits) - 1
        holds = "holds" if result.total == 1 else "hold"
        out[0] = (f"{first}-{last}: {plural(result.total, 'passage')} {holds} all words of {result.query!r}, "
                  f"then the closest")
    if result.suggestions:
        out.append("Did you mean: " + ", ".join(result.suggestions) + "?")
    for name in ("doc_type", "topic", "country", "year", "source"):
        counts = result.facets.get(name) or {}
        if counts:
            out.append(f"  {name}: " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:8]))
    for rank, hit in enumerate(result.hits, first):
        out.append("")
        out.append(f"{rank:>3}. {hit.locator} — {hit.title or hit.doc_id} ({hit.date or 'z.d.'})")
        if hit.match == "partial":
            held = hit.words - len(hit.missing)
            out.append(f"     matches {held} of {hit.words} words; missing: {', '.join(hit.missing)}")
        out.append("     " + _marked(hit.snippet, bold).replace("\n", " "))
        tags = ", ".join(hit.topics + hit.countries)
        if tags:
            out.append(f"     tags: {tags}")
        out.append(f"     {hit.citation}")
        out.append(f"     id: {hit.id}")
    return "\n".join(out)


@cli.command("show")
@click.argument("ident", metavar="ID")
@click.option("--context", type=click.IntRange(min=0), default=1, show_default=True,
              help="With an ID#ANCHOR: passages shown before and after it.")
@click.option("--markdown", is_flag=True, help="Print as Markdown (for a memo or a decision).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--no-pager", is_flag=True, help="Print straight to the terminal, without a pager.")
@click.pass_context
def show_cmd(ctx: click.Context, ident: str, context: int, markdown: bool, as_json: bool, no_pager: bool) -> None:
    """Read a whole document by its doc_id, or one passage (doc_id#anchor) in context, with the footnotes and
    their URLs; wrapped to the terminal and, on a terminal, shown through a pager.

    Example: coi show 'ah-tk-20212022-2054#antwoord-4'
    """
    from coi.render import Style, document_markdown, document_text, terminal_width, use_color
    from coi.search import Searcher

    if as_json and markdown:
        raise CoiUsageError("give --json or --markdown, not both")
    if "#" not in ident and ctx.get_parameter_source("context") == click.core.ParameterSource.COMMANDLINE:
        raise CoiUsageError("--context shows passages around one passage: give an ID#ANCHOR with it")
    with Searcher(_index_dir()) as s:
        found = s.lookup(ident)
        if as_json:  # the shape `coi show --json` always had
            from coi.store import lookup_json

            click.echo(json.dumps(lookup_json(found), ensure_ascii=False, indent=2))
            return
        doc_id, _, anchor = ident.partition("#")
        doc = found if isinstance(found, Document) else s.document(doc_id)
    if markdown:
        text = document_markdown(doc, anchor or None)
    else:
        text = document_text(doc, terminal_width(), Style(use_color(sys.stdout)), anchor or None, context)
        if anchor:
            from coi.cite import citation_text

            assert not isinstance(found, Document)
            text = citation_text(found.doc, found.passage) + "\n\n" + text
    if _stdout_is_terminal() and not no_pager:
        click.echo_via_pager(text + "\n", color=use_color(sys.stdout))
    else:
        click.echo(text)


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
    click.echo(f"{plural(data['documents'], 'document')}, {plural(data['passages'], 'passage')}")
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
    from coi import store
    from coi.tag import corpus_vocabulary

    vocab = corpus_vocabulary([corpus or Path("corpus")])
    counts: dict[str, dict[str, int]] = {"topic": {}, "country": {}}
    if store.exists(_index_dir()):
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


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """Verify the index against the corpus (default ./corpus): every document present with its content hash and
    passage count, nothing stale, every stored record readable. Changes nothing; `coi index --full` repairs.

    Exit codes: 0 sound; 1 problems found (listed).

    Example: coi check corpus
    """
    from coi.update import check_index

    roots = list(paths) or [Path("corpus")]
    _must_exist(roots)
    report = check_index(_index_dir(), roots)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(f"problem: {problem}")
        verdict = f"{plural(len(report.problems), 'problem')}; run `coi index --full` to repair" \
            if report.problems else "sound"
        click.echo(f"{plural(report.documents, 'document')}, {plural(report.passages, 'passage')} in "
                   f"{plural(report.segments, 'segment')}: {verdict}")
    if report.problems:
        sys.exit(1)


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


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 shares the page with your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--threads", type=click.IntRange(min=1), default=4, show_default=True,
              help="Requests handled at once.")
def serve_cmd(host: str, port: int, threads: int) -> None:
    """Serve a read-only search page over the index (waitress): search with facets, each passage in its whole
    document at /p/ID, documents at /d/DOC_ID, citations to copy or download, /api/search (= search --json).
    The page follows the index as `coi index` updates it. Stop with Ctrl-C.

    Example: coi serve --port 8080
    """
    from coi.web import serve

    def ready(url: str) -> None:
        click.echo(f"coi: serving {_index_dir()} at {url} (Ctrl-C to stop)", err=True)

    try:
        serve(_index_dir(), host, port, threads, ready=ready)
    except OSError as exc:  # the port is taken, or the address is not ours
        raise CoiUsageError(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})") from None
    except KeyboardInterrupt:
        click.echo("coi: stopped", err=True)


from coi.cli_alerts import alert_group  # noqa: E402  (it builds on the options above)

cli.add_command(alert_group)
