"""`coi serve`: a read-only web page over the index: search with facets, a passage in its whole document, a
document's reading view, citations to copy or download, and /api/search (the JSON of `coi search --json`).

The views parse the request, call the library and hand typed records to the templates (coi/templates, Jinja with
autoescape); what HTML a document becomes is decided in coi.render. Every response carries a Content-Security-Policy
that allows no inline script and nothing from elsewhere: the page works without a network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from coi import render
from coi.errors import CoiError, IndexMissingError, UnknownIdError, UsageError
from coi.model import Document

if TYPE_CHECKING:
    from flask import Flask, Response

    from coi.search import Filters, Searcher, SearchResult

HOST, PORT, THREADS = "127.0.0.1", 8765, 4
LIMITS = (1, 100)  # hits per page a request may ask for
MAX_PAGE = 1000
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# facet (as the search reports it) -> the request parameter that filters on it, as the CLI's option is named
FACET_PARAMS = {"doc_type": "type", "topic": "topic", "country": "country", "source": "source"}
FACET_LABELS = {"doc_type": "type", "topic": "topic", "country": "country", "year": "year", "source": "source"}
PARAMS = {"q", "from", "to", "sort", "page", "limit", *FACET_PARAMS.values(),
          *(f"not_{p}" for p in FACET_PARAMS.values())}


# ------------------------------------------------------------------------------------------ the searcher

class Library:
    """One Searcher shared by every request, reopened when the index changes (another generation became
    CURRENT, or the current one committed a new TOC). whoosh's readers seek and read shared file handles, so
    requests take turns; a search on this scale takes milliseconds."""

    def __init__(self, index_dir: Path) -> None:
        from coi.search import Searcher

        self.index_dir = index_dir
        self._lock = threading.Lock()
        self._searcher: Searcher = Searcher(index_dir)

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        from coi.search import Searcher

        with self._lock:
            if self._searcher.changed():
                self._searcher.close()
                self._searcher = Searcher(self.index_dir)
            yield self._searcher

    def close(self) -> None:
        with self._lock:
            self._searcher.close()


# ----------------------------------------------------------------------------------------- the request

@dataclass(frozen=True)
class SearchParams:
    """A search as the page's address says it; the facet links are made by changing one field."""

    q: str = ""
    include: dict[str, tuple[str, ...]] = field(default_factory=dict)  # request parameter -> values
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    limit: int = 10

    @classmethod
    def from_args(cls, args: Any) -> SearchParams:
        """The parameters of a request; a UsageError (400) names the one that is wrong."""
        unknown = sorted(set(args) - PARAMS)
        if unknown:
            raise UsageError(f"unknown parameter {unknown[0]!r}; known: {', '.join(sorted(PARAMS))}")
        for name in ("q", "from", "to", "sort", "page", "limit"):
            if len(args.getlist(name)) > 1:
                raise UsageError(f"parameter {name!r} given more than once")
        sort = args.get("sort", "relevance")
        if sort not in ("relevance", "date"):
            raise UsageError(f"sort {sort!r} is not known; use relevance or date")
        return cls(
            q=args.get("q", "").strip(),
            include={p: tuple(v for v in args.getlist(p) if v) for p in FACET_PARAMS.values() if args.getlist(p)},
            exclude={p: tuple(v for v in args.getlist(f"not_{p}") if v) for p in FACET_PARAMS.values()
                     if args.getlist(f"not_{p}")},
            date_from=args.get("from", "").strip(), date_to=args.get("to", "").strip(), sort=sort,
            page=_number(args.get("page", "1"), "page", 1, MAX_PAGE),
            limit=_number(args.get("limit", "10"), "limit", *LIMITS),
        )

    def filters(self) -> Filters:
        from coi.search import Filters, parse_date_bound

        def values(which: dict[str, tuple[str, ...]], name: str) -> tuple[str, ...]:
            return which.get(name, ())

        return Filters(
            types=values(self.include, "type"), topics=values(self.include, "topic"),
            countries=values(self.include, "country"), sources=values(self.include, "source"),
            not_types=values(self.exclude, "type"), not_topics=values(self.exclude, "topic"),
            not_countries=values(self.exclude, "country"), not_sources=values(self.exclude, "source"),
            date_from=parse_date_bound(self.date_from, end=False) if self.date_from else None,
            date_to=parse_date_bound(self.date_to, end=True) if self.date_to else None,
        )

    def args(self) -> list[tuple[str, str]]:
        """The parameters as an address says them, defaults left out."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for name, values in self.include.items():
            out += [(name, v) for v in values]
        for name, values in self.exclude.items():
            out += [(f"not_{name}", v) for v in values]
        out += [(k, v) for k, v in (("from", self.date_from), ("to", self.date_to)) if v]
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.limit != 10:
            out.append(("limit", str(self.limit)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def href(self, **changes: Any) -> str:
        """The address of this search with some fields changed (back to page 1 unless a page is given)."""
        changed = replace(self, **({"page": 1} | changes))
        query = urlencode(changed.args())
        return "/" + (f"?{query}" if query else "")

    def state(self, param: str, value: str) -> str:
        """"in", "out" or "" for a facet value."""
        if value in self.include.get(param, ()):
            return "in"
        return "out" if value in self.exclude.get(param, ()) else ""

    def toggle(self, param: str, value: str) -> str:
        """The address after a click on a facet value: filter on it, then exclude it, then forget it."""
        include, exclude = dict(self.include), dict(self.exclude)
        state = self.state(param, value)
        if state == "in":
            include[param] = tuple(v for v in include[param] if v != value)
            exclude[param] = (*exclude.get(param, ()), value)
        elif state == "out":
            exclude[param] = tuple(v for v in exclude[param] if v != value)
        else:
            include[param] = (*include.get(param, ()), value)
        return self.href(include={k: v for k, v in include.items() if v},
                         exclude={k: v for k, v in exclude.items() if v})

    def year_href(self, year: str) -> str:
        return self.href(date_from=year, date_to=year)


def _number(value: str, name: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise UsageError(f"{name} {value!r} is not a number from {low} to {high}")
    return int(value)


@dataclass(frozen=True)
class FacetValue:
    """One value of the facet panel: its count, whether it filters (in) or excludes (out), the next click."""

    value: str
    count: int | None
    state: str
    href: str
    label: str = ""  # as people write it ("LHBTIQ+", "Armenië"); the value where the vocabulary has none


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]


def facet_panel(params: SearchParams, result: SearchResult, labels: dict[str, str] | None = None) -> list[Facet]:
    """The facets with counts over every match; values filtered out of the result are listed too, without a
    count, so that a click can take the exclusion back. `labels`: topic and country keys -> their labels."""
    labels = labels or {}
    panel = []
    for name, param in FACET_PARAMS.items():
        counts = result.facets.get(name, {})
        values = [FacetValue(v, n, params.state(param, v), params.toggle(param, v), labels.get(v, v))
                  for v, n in counts.items()]
        values += [FacetValue(v, None, "out", params.toggle(param, v), labels.get(v, v))
                   for v in params.exclude.get(param, ()) if v not in counts]
        if values:
            panel.append(Facet(name, FACET_LABELS[name], tuple(values)))
    return panel


# ------------------------------------------------------------------------------------------- documents

@dataclass(frozen=True)
class DocumentView:
    """A document to read, with the passage asked for (if any) and its citation."""

    doc: Document
    current: str | None = None  # the anchor of the passage asked for
    citation: str | None = None
    fields: tuple[tuple[str, str], ...] = ()


def passage_href(passage_id: str) -> str:
    """The permanent address of a passage: /p/DOC_ID%23ANCHOR (the id is the passage's own, so it survives a
    re-index that leaves the passage as it was)."""
    return "/p/" + quote(passage_id, safe="")


def _document(s: Searcher, doc_id: str) -> Document:
    found = s.lookup(doc_id)
    if not isinstance(found, Document):  # /d/ takes a document's id, not a passage's
        raise UnknownIdError(f"no document with id {doc_id!r}")
    return found


def _citation(s: Searcher, passage_id: str) -> Any:
    from coi.cite import build

    found = s.passage(passage_id)
    return build(found.doc, found.passage, found.footnotes)


# ------------------------------------------------------------------------------------------------ the app

def create_app(index_dir: Path) -> Flask:
    """The web application over the index in `index_dir` (opened now: a missing index fails here, not later)."""
    from flask import Flask, Response, abort, render_template, request
    from werkzeug.exceptions import HTTPException

    library = Library(index_dir)
    labels = vocabulary_labels()
    here = Path(__file__).parent
    app = Flask("coi", template_folder=str(here / "templates"), static_folder=str(here / "static"))
    app.config["library"] = library
    app.jinja_env.autoescape = True
    app.jinja_env.globals.update(passage_href=passage_href, plural=render.plural, labels=labels,
                                 ocr_note=render.ocr_note)
    app.jinja_env.filters.update(snippet=render.snippet_html, paragraphs=render.text_html,
                                 footnote=render.footnote_html, link=render.link_html)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def error_page(status: int, message: str) -> tuple[Any, int]:
        if request.path.startswith("/api/"):
            return Response(json.dumps({"error": message}, ensure_ascii=False), status,
                            mimetype="application/json"), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(UsageError)
    def bad_request(exc: UsageError) -> tuple[Any, int]:
        return error_page(400, str(exc))

    @app.errorhandler(UnknownIdError)
    def unknown(exc: UnknownIdError) -> tuple[Any, int]:
        return error_page(404, str(exc))

    @app.errorhandler(IndexMissingError)
    def no_index(exc: IndexMissingError) -> tuple[Any, int]:
        return error_page(503, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Any, int]:
        return error_page(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> tuple[Any, int]:
        # logged for whoever runs the server; the reader gets one line, never a traceback
        app.logger.exception("internal error on %s", request.path)
        if isinstance(exc, CoiError):
            return error_page(500, str(exc))
        return error_page(500, f"internal error ({type(exc).__name__}); the server's log has the details")

    @app.get("/")
    def search_page() -> str:
        params = SearchParams.from_args(request.args)
        if not params.q:
            with library.searcher() as s:
                from coi.search import FACETS

                every = s.facets(s.passages())
            return render_template("search.html", params=params, result=None, facets=[], chart="",
                                   overview={k: every[k] for k in FACETS}, note=None)
        result = run_search(library, params)
        note = render.page_note(result.total, params.page, params.limit, len(result.hits))
        chart = render.year_chart(result.facets.get("year", {}),
                                  ((y, params.year_href(y)) for y in result.facets.get("year", {})))
        return render_template("search.html", params=params, result=result, facets=facet_panel(params, result, labels),
                               chart=chart, note=note, overview=None,
                               hits=[(h, getattr(h, "match", "all"), tuple(getattr(h, "missing", ()) or ()))
                                     for h in result.hits])

    @app.get("/api/search")
    def api_search() -> Response:
        params = SearchParams.from_args(request.args)
        if not params.q:
            raise UsageError("parameter 'q' is required: the query, as `coi search` takes it")
        result = run_search(library, params)
        # the same JSON as `coi search --json` prints, byte for byte
        return Response(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n",
                        mimetype="application/json")

    @app.get("/p/<path:passage_id>")
    def passage_page(passage_id: str) -> str:
        if "#" not in passage_id:
            abort(404, f"no passage with id {passage_id!r}; a passage id looks like ah-tk-20212022-2054#antwoord-4")
        doc_id, _, anchor = passage_id.partition("#")
        with library.searcher() as s:
            citation = _citation(s, passage_id)
            doc = _document(s, doc_id)
        view = DocumentView(doc, anchor, render.citation_block(citation), tuple(render.header_fields(doc)))
        return render_template("document.html", view=view, formats=render.citation_formats(),
                               passage_id=passage_id)

    @app.get("/d/<doc_id>")
    def document_page(doc_id: str) -> str:
        with library.searcher() as s:
            doc = _document(s, doc_id)
        view = DocumentView(doc, None, None, tuple(render.header_fields(doc)))
        return render_template("document.html", view=view, formats={}, passage_id=None)

    @app.get("/cite/<fmt>/<path:passage_id>")
    def cite_download(fmt: str, passage_id: str) -> Response:
        from coi.cite import render as render_citations

        formats = render.citation_formats()
        if fmt not in formats:
            raise UsageError(f"format {fmt!r} is not known; use one of {', '.join(formats)}")
        with library.searcher() as s:
            citation = _citation(s, passage_id)
        ext, mimetype = formats[fmt]
        body = render_citations([citation], fmt, "full") + "\n"
        response = Response(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{citation.key.replace(":", "_")}.{ext}"'
        return response

    @app.get("/alerts")
    def alerts_page() -> str:
        from coi.alerts import alert_state, load_alerts

        rows = [(a, alert_state(index_dir, a.name) or {}) for a in sorted(load_alerts(index_dir).values(),
                                                                             key=lambda a: a.name)]
        return render_template("alerts.html", rows=rows)

    @app.get("/feeds/<name>.xml")
    def alert_feed(name: str) -> Response:
        from coi.alerts import feed_for

        # entries link to this server's passage pages
        return Response(feed_for(index_dir, name, base_url=request.host_url), mimetype="application/atom+xml")

    return app


def vocabulary_labels(corpus: Path = Path("corpus")) -> dict[str, str]:
    """Topic and country keys with their labels, from the vocabulary `coi search` resolves filters with (the
    shipped one, extended by the corpus's vocabulary.toml)."""
    from coi.tag import corpus_vocabulary

    return {e.key: e.label for e in corpus_vocabulary([corpus]).entries.values()}


def run_search(library: Library, params: SearchParams) -> SearchResult:
    with library.searcher() as s:
        return s.search(params.q, params.filters(), sort=params.sort, limit=params.limit, page=params.page)


def serve(index_dir: Path, host: str = HOST, port: int = PORT, threads: int = THREADS,
          ready: Any = None) -> None:
    """Serve the page with waitress (a production WSGI server: one instance can serve a team) until interrupted."""
    from waitress.server import create_server

    app = create_app(index_dir)
    server = create_server(app, host=host, port=port, threads=threads, ident="coi")
    if ready is not None:
        ready(f"http://{_display(host)}:{server.effective_port}/")
    try:
        server.run()
    finally:
        app.config["library"].close()


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
