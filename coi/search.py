"""The search stage: the query language users know from ecoi.net, filters, facet counts over every match, and
highlighted snippets."""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import itertools
import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight
from whoosh import query as Q
from whoosh.qparser import FieldAliasPlugin, MultifieldParser
from whoosh.sorting import FieldFacet, ScoreFacet

from coi import store
from coi.analysis import MIN_PART, fold, stem_word
from coi.engine import evaluate
from coi.engine.evaluate import members, to_mask
from coi.engine.readers import ColumnLookup, column_values, matched_tokens
from coi.errors import UsageError

# A document's title is not a passage's text: searched by default it would make every passage of a document
# match its words; filters (--type, --source, dates) narrow by document instead.
TEXT_FIELDS = ["text", "heading", "notes"]
# field:value names a user may type, and the index field they mean
QUERY_FIELDS = {"text": "text", "heading": "heading", "notes": "notes", "type": "doc_type",
                "doc_type": "doc_type", "topic": "topic", "country": "country", "source": "source",
                "year": "year"}
FACETS = ("doc_type", "topic", "country", "year", "source")
MARK = "**"  # how a snippet marks a match: plain text, never HTML
ATTEMPTS = 5  # opens (and searches) tried while a re-index replaces files under us
FEW = 4000  # matches up to this many are counted per document; more, per facet value


@dataclass(frozen=True)
class Filters:
    """Filters: OR within one, AND across; the not_ ones exclude (ecoi.net's "none of")."""

    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    not_types: tuple[str, ...] = ()
    not_topics: tuple[str, ...] = ()
    not_countries: tuple[str, ...] = ()
    not_sources: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class Hit:
    """One passage found."""

    id: str
    doc_id: str
    doc_type: str
    title: str | None
    date: str | None
    locator: str
    heading: str | None
    text: str
    snippet: str
    score: float
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    footnotes: tuple[dict[str, Any], ...]
    citation: str
    pages: tuple[int, ...] = ()


@dataclass
class SearchResult:
    """A page of hits, with the total and facet counts over every match."""

    query: str
    total: int
    facets: dict[str, dict[str, int]]
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    limit: int = 10

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "facets": self.facets,
                "hits": [_hit_dict(h) for h in self.hits]}


def _hit_dict(h: Hit) -> dict[str, Any]:
    return {"id": h.id, "doc_id": h.doc_id, "doc_type": h.doc_type, "title": h.title, "date": h.date,
            "locator": h.locator, "heading": h.heading, "text": h.text, "snippet": h.snippet,
            "score": round(h.score, 4), "topics": list(h.topics), "countries": list(h.countries),
            "footnotes": list(h.footnotes), "citation": h.citation}


# ------------------------------------------------------------------------------------------- the query

def parse_date_bound(value: str, end: bool) -> dt.date:
    """YYYY, YYYY-MM or YYYY-MM-DD; as an end bound, the last day of that year or month."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    try:
        if not m:
            raise ValueError
        year = int(m.group(1))
        if m.group(3):
            return dt.date(year, int(m.group(2)), int(m.group(3)))
        if m.group(2):
            month = int(m.group(2))
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError:
        raise UsageError(f"date {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD") from None


def check_query(text: str) -> None:
    """Reject what the parser would silently misread, with a message that says what is wrong."""
    stripped = text.strip()
    if not stripped:
        raise UsageError("empty query; give words to search for, or * for every passage")
    if stripped.count('"') % 2:
        raise UsageError(f"unbalanced quote in query {text!r}; close the phrase with \"")
    depth = 0
    for c in re.sub(r'"[^"]*"', "", stripped):
        depth += (c == "(") - (c == ")")
        if depth < 0:
            break
    if depth:
        raise UsageError(f"unbalanced parenthesis in query {text!r}")
    if m := re.search(r"(^|\s)(AND|OR|NOT)\s*$", stripped):
        raise UsageError(f"{m.group(2)!r} at the end of query {text!r} needs a word after it")
    if m := re.match(r"^(AND|OR)\b", stripped):
        raise UsageError(f"{m.group(1)!r} at the start of query {text!r} needs a word before it")
    for m in re.finditer(r'(?:^|[\s(])([A-Za-z_]+):(?!//)', re.sub(r'"[^"]*"', '""', stripped)):
        if m.group(1).lower() not in QUERY_FIELDS:
            known = ", ".join(sorted(QUERY_FIELDS))
            raise UsageError(f"unknown field {m.group(1)!r} in query; use one of: {known}")
    if re.search(r"(^|\s)[*?]\w", stripped):
        raise UsageError("a wildcard needs letters before it: write oppos* rather than *positie")


COMPOUND_TERMS = 40  # at most this many compounds a query word expands to, per side


def _with_parts(q: Q.Query, reader: Any = None) -> Q.Query:
    """Each word in the text field also matches, more weakly, as the first or last part of a compound: a stem
    followed (or preceded) by at least MIN_PART more letters. With a reader, the compounds are looked up now, at
    most COMPOUND_TERMS each way, so a common short word cannot make a query slow."""
    if isinstance(q, Q.Term) and q.fieldname == "text" and len(str(q.text)) >= MIN_PART:
        word = str(q.text)
        if reader is None:
            rest = "?" * MIN_PART + "*"
            return Q.Or([q, Q.Wildcard("text", word + rest, boost=0.3),
                         Q.Wildcard("rev", word[::-1] + rest, boost=0.3)])
        parts: list[Q.Query] = [q]
        for field, prefix in (("text", word), ("rev", word[::-1])):
            for term in _longer_terms(reader, field, prefix):
                parts.append(Q.Term(field, term, boost=0.3))
        return Q.Or(parts) if len(parts) > 1 else q
    if q.is_leaf():
        return q
    return q.apply(lambda child: _with_parts(child, reader))


def _longer_terms(reader: Any, field: str, prefix: str) -> list[str]:
    out: list[str] = []
    if field not in reader.schema:
        return out
    for raw in reader.expand_prefix(field, prefix):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        if len(term) >= len(prefix) + MIN_PART:
            out.append(term)
            if len(out) >= COMPOUND_TERMS:
                break
    return out


def _fold_field_values(q: Q.Query) -> Q.Query:
    """field:value on a facet: values compare folded ("country:Armenië" = "armenie")."""
    if isinstance(q, Q.Term) and q.fieldname in ("topic", "country", "doc_type"):
        return Q.Term(q.fieldname, fold(str(q.text)))
    if q.is_leaf():
        return q
    return q.apply(_fold_field_values)


def _prefix_fixer(text: str) -> Any:
    """The parser stems a prefix ("hongerstak*"); a prefix must match stems that begin with what was typed,
    so it becomes the part that the typed word and its stem share."""
    fixed: dict[str, str] = {}
    for m in re.finditer(r"(\w+)\*", text):
        raw = fold(m.group(1))
        fixed[stem_word(raw)] = os.path.commonprefix([raw, stem_word(raw)]) or raw

    def fix(q: Q.Query) -> Q.Query:
        if isinstance(q, Q.Prefix) and q.text in fixed:
            return Q.Prefix(q.fieldname, fixed[q.text], boost=q.boost)
        return q if q.is_leaf() else q.apply(fix)

    return fix


def parse_query(text: str, schema: Any, reader: Any = None) -> Q.Query:
    """The user's query as a Whoosh query: words ANDed, OR, NOT, "phrases", "phrase"~N, prefix*, field:value."""
    check_query(text)
    if text.strip() == "*":
        return Q.Every()
    parser = MultifieldParser(TEXT_FIELDS, schema)
    aliases = {target: [name] for name, target in QUERY_FIELDS.items() if name != target}
    parser.add_plugin(FieldAliasPlugin(aliases))
    try:
        q = parser.parse(text)
    except Exception as exc:  # whoosh's own complaints, e.g. a bad range
        raise UsageError(f"cannot read query {text!r}: {exc}") from None
    return _prefix_fixer(text)(_fold_field_values(_with_parts(q, reader)))


# -------------------------------------------------------------------------------------------- searching

class Searcher:
    """An open index for searching; keeps per-reader caches (columns, bitmaps of field values) across queries."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._open()

    def _open(self) -> None:
        # A re-index that commits while we open deletes the generation we were about to read: open the newest.
        for attempt in range(ATTEMPTS):
            try:
                self.ix = store.open_index(self.index_dir)
                self.searcher = self.ix.searcher()
                break
            except FileNotFoundError:
                # a rebuild switched generations and removed the old one's files: read CURRENT again
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        self.reader = self.searcher.reader()
        self._columns: dict[str, list[Any]] = {}
        self._meta: dict[str, dict[str, Any]] = {}
        self._values_cache: dict[str, list[str]] = {}
        self._readers: dict[str, Any] = {}
        self._sets: dict[tuple[str, str], frozenset[int]] = {}
        self._masks: dict[tuple[str, str], int] = {}
        self.size = self.reader.doc_count_all()  # document numbers are below this

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def column(self, name: str) -> list[Any]:
        if name not in self._columns:
            self._columns[name] = column_values(self.reader, name)
        return self._columns[name]

    def docs(self, fieldname: str, value: str) -> frozenset[int]:
        """The live documents with a field value (cached)."""
        key = (fieldname, value)
        if key not in self._sets:
            self._sets[key] = frozenset(members(self.mask(fieldname, value)))
        return self._sets[key]

    def mask(self, fieldname: str, value: str) -> int:
        """The live documents with a field value as a bitmap (see coi.evaluate), cached."""
        key = (fieldname, value)
        if key not in self._masks:
            self._masks[key] = evaluate.live_mask(self.searcher, fieldname, value)
        return self._masks[key]

    def doc_meta(self, doc_id: str) -> dict[str, Any]:
        """The metadata of a document, from its own record (cached)."""
        if doc_id not in self._meta:
            for fields in self.searcher.documents(doc_id=doc_id):
                if fields.get("kind") == "doc":
                    self._meta[doc_id] = json.loads(fields["meta"])
                    break
        return self._meta[doc_id]

    def lookup(self, ident: str, passage_only: bool = False) -> dict[str, Any]:
        """See `lookup`."""
        from coi.errors import UnknownIdError

        if "#" in ident:
            fields = self.searcher.document(id=ident)
            if fields and fields.get("kind") == "passage":
                data: dict[str, Any] = json.loads(fields["data"])
                return data | {"doc": self.doc_meta(fields["doc_id"])}
        elif not passage_only:
            for fields in self.searcher.documents(doc_id=ident):
                if fields.get("kind") == "doc":
                    return {"document": json.loads(fields["data"])}
        what = "passage" if passage_only else "passage or document"
        raise UnknownIdError(f"no {what} with id {ident!r}; ids look like ah-tk-20212022-2054#antwoord-4 "
                             f"(see `coi search … --json`)")

    def passages(self) -> frozenset[int]:
        return self.docs("kind", "passage")

    def _values(self, fieldname: str, wanted: tuple[str, ...]) -> int:
        """Documents whose facet value is one of `wanted`, comparing folded, as a bitmap."""
        folded = {fold(v) for v in wanted}
        out = 0
        for term in self.reader.lexicon(fieldname):
            value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if fold(value) in folded:
                out |= self.mask(fieldname, value)
        return out

    def allowed(self, f: Filters) -> frozenset[int]:
        """The passages the filters let through."""
        return self.passages() if f == Filters() else frozenset(members(self.allowed_mask(f)))

    def allowed_mask(self, f: Filters) -> int:
        """The passages the filters let through, as a bitmap: filters combine as whole-corpus bitwise operations
        on cached bitmaps, whatever their size."""
        allowed = self.mask("kind", "passage")
        for fieldname, values in (("doc_type", f.types), ("topic", f.topics), ("country", f.countries),
                                  ("source", f.sources)):
            if values:
                allowed &= self._values(fieldname, values)
        for fieldname, values in (("doc_type", f.not_types), ("topic", f.not_topics),
                                  ("country", f.not_countries), ("source", f.not_sources)):
            if values:
                allowed &= ~self._values(fieldname, values)
        if f.date_from or f.date_to:
            allowed &= self._dated(_day(f.date_from) if f.date_from else 0,
                                   _day(f.date_to) if f.date_to else 99999999)
        return allowed

    def _dated(self, lo: int, hi: int) -> int:
        """The documents dated from `lo` to `hi` (yyyymmdd) as a bitmap: whole years by their cached bitmaps, only
        the years a bound cuts through document by document. Undated documents are left out."""
        out = 0
        day = None
        for value in self.values("year"):
            year = int(value) * 10000
            first, last = year + 101, year + 1231
            if last < lo or first > hi:
                continue
            if lo <= first and last <= hi:
                out |= self.mask("year", value)
            else:
                day = day or self.column("day")
                out |= to_mask((d for d in members(self.mask("year", value)) if lo <= day[d] <= hi), self.size)
        return out

    def values(self, fieldname: str) -> list[str]:
        """The values a facet field has in the index (cached)."""
        if fieldname not in self._values_cache:
            found = [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in self.reader.lexicon(fieldname)]
            self._values_cache[fieldname] = [v for v in found if v]
        return self._values_cache[fieldname]

    def facets(self, docnums: set[int] | frozenset[int], mask: int | None = None) -> dict[str, dict[str, int]]:
        """Counts per facet value over `docnums` (or the documents of bitmap `mask`). A few thousand documents are
        looked up one by one in the columns; more are counted by intersecting bitmaps of each value's documents."""
        if mask is not None and mask.bit_count() <= FEW:
            docnums, mask = set(members(mask)), None
        if mask is None and len(docnums) <= FEW:
            return self._facets_by_lookup(docnums)
        matched = to_mask(docnums, self.size) if mask is None else mask
        out: dict[str, dict[str, int]] = {}
        for name in FACETS:
            counts = {}
            if matched:
                for value in self.values(name):
                    n = (self.mask(name, value) & matched).bit_count()
                    if n:
                        counts[value] = n
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def _facets_by_lookup(self, matched: set[int] | frozenset[int]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name in FACETS:
            column = self._column_reader(name)
            counts: Counter[str] = Counter()
            for d in matched:
                value = column[d]
                if name in ("topic", "country"):
                    counts.update(v for v in str(value).split(",") if v)
                elif value:
                    counts[str(value)] += 1
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def _column_reader(self, name: str) -> Any:
        if name not in self._readers:
            self._readers[name] = ColumnLookup(self.reader, name)
        return self._readers[name]

    def search(self, text: str, filters: Filters = Filters(), sort: str = "relevance", limit: int = 10,
               page: int = 1) -> SearchResult:
        """Search; if a concurrent re-index removed a file this searcher still needed, reopen and search again."""
        for attempt in range(ATTEMPTS):
            try:
                return self._search(text, filters, sort, limit, page)
            except FileNotFoundError:
                if attempt == ATTEMPTS - 1:
                    raise
                self.close()
                self._open()
        raise AssertionError("unreachable")

    def _search(self, text: str, filters: Filters, sort: str, limit: int, page: int) -> SearchResult:
        if sort not in ("relevance", "date"):
            raise UsageError(f"sort {sort!r} is not known; use relevance or date")
        if limit < 1 or page < 1:
            raise UsageError("--limit and --page must be 1 or more")
        q = parse_query(text, self.searcher.schema, self.reader)
        if q is Q.NullQuery:
            return SearchResult(text, 0, self.facets(set()), [], page, limit)
        evaluation = evaluate.Evaluation(self.searcher, self.mask("kind", "passage"))
        allowed = self.allowed_mask(filters)
        matched = allowed if isinstance(q, Q.Every) else allowed & evaluation.mask(q)
        total = matched.bit_count()
        facets = self.facets(set(), matched)
        if not total:
            return SearchResult(text, 0, facets, [], page, limit)
        if isinstance(q, Q.Every):
            ranked = self._rank_all(matched, sort, page * limit)
        else:
            ranked = self._rank(q, matched, sort, page * limit, evaluation)
        words = frozenset(self.searcher.schema["text"].from_bytes(t) for f, t in
                          q.existing_terms(self.reader, phrases=True, expand=True) if f == "text")
        hits = [self._hit(docnum, score, words) for docnum, score in ranked[(page - 1) * limit: page * limit]]
        return SearchResult(text, total, facets, hits, page, limit)

    def _rank_all(self, allowed: int, sort: str, n: int) -> list[tuple[int, float]]:
        """The first `n` passages of a bitmap, for a query for everything: in index order (whoosh's relevance
        order when every score is equal), or by date, newest first."""
        if sort == "date":
            day = self.column("day")
            return [(d, 1.0) for d in heapq.nsmallest(n, members(allowed), key=lambda d: (-day[d], d))]
        return [(d, 1.0) for d in itertools.islice(members(allowed), n)]

    def _rank(self, q: Q.Query, matched: int, sort: str, n: int,
              evaluation: evaluate.Evaluation | None = None) -> list[tuple[int, float]]:
        """The first `n` of the matched passages (a bitmap) with their relevance: by relevance (ties: index
        order), or by date, newest first (ties: by relevance)."""
        evaluation = evaluation or evaluate.Evaluation(self.searcher, self.mask("kind", "passage"))
        scores = evaluation.score(q, matched)
        if scores is not None:
            if sort == "date":
                day = self.column("day")
                return [(d, scores[d]) for d in heapq.nsmallest(n, scores, key=lambda d: (-day[d], -scores[d], d))]
            return [(d, scores[d]) for d in heapq.nsmallest(n, scores, key=lambda d: (-scores[d], d))]
        # a phrase, prefix or range: whoosh ranks, over the matched passages only
        sortedby = [FieldFacet("day", reverse=True), ScoreFacet()] if sort == "date" else None
        results = self.searcher.search(q, filter=set(members(matched)), limit=n, sortedby=sortedby, terms=False)
        return [(h.docnum, _score(h.score)) for h in results]

    def _hit(self, docnum: int, score: float, words: frozenset[str]) -> Hit:
        from coi.cite import citation_text

        data = json.loads(self.searcher.stored_fields(docnum)["data"])
        p = data["passage"]
        doc = self.doc_meta(p["id"].split("#")[0])
        snippet = _highlight(p["text"], words, self.searcher.schema["text"].analyzer) or _first_words(p["text"])
        return Hit(
            id=p["id"], doc_id=doc["doc_id"], doc_type=doc["doc_type"], title=doc["title"], date=doc["date"],
            locator=p["locator"], heading=p["heading"], text=p["text"], snippet=snippet,
            score=score, topics=tuple(p["topics"]), countries=tuple(p["countries"]),
            footnotes=tuple(data["footnotes"]), citation=citation_text(doc, p), pages=tuple(p["pages"]),
        )


class _MarkFormatter(highlight.Formatter):
    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"{MARK}{highlight.get_text(text, token, replace)}{MARK}"


_HIGHLIGHTER = highlight.Highlighter(fragmenter=highlight.ContextFragmenter(maxchars=240, surround=60),
                                     formatter=_MarkFormatter())


def _highlight(text: str, words: frozenset[str], analyzer: Any) -> str:
    """Up to two fragments of `text` around the query's words, marked; as whoosh's Highlighter does for a hit
    (it re-analyses the text and keeps the fragments with the most matches)."""
    hl = _HIGHLIGHTER
    tokens = matched_tokens(analyzer, text, words)
    fragments = highlight.top_fragments(hl.fragmenter.fragment_tokens(text, tokens), 2, hl.scorer, hl.order,
                                        minscore=1)
    return str(hl.formatter.format(fragments))


def _score(value: Any) -> float:
    # sorted by date, whoosh gives the sort key; its relevance part is the last element
    if isinstance(value, tuple):
        value = next((v for v in reversed(value) if isinstance(v, (int, float))), 0.0)
    return abs(float(value or 0.0))


def _first_words(text: str, n: int = 40) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _day(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def search(index_dir: Path, text: str, filters: Filters = Filters(), sort: str = "relevance", limit: int = 10,
           page: int = 1) -> SearchResult:
    """Search the index in `index_dir` once."""
    with Searcher(index_dir) as s:
        return s.search(text, filters, sort, limit, page)


# ----------------------------------------------------------------------------------------- show, stats

def lookup(index_dir: Path, ident: str) -> dict[str, Any]:
    """A passage by its id (`doc_id#anchor`) as {"passage", "doc", "footnotes"}, or a whole document by its
    doc_id as {"document"}. UnknownIdError when there is neither."""
    with Searcher(index_dir) as s:
        return s.lookup(ident)


def citations(index_dir: Path, ids: list[str]) -> list[Any]:
    """The Citation of each passage id, in order; UnknownIdError names the first unknown one."""
    from coi.cite import build

    with Searcher(index_dir) as s:
        found = [s.lookup(i, passage_only=True) for i in ids]
    return [build(f["doc"], f["passage"], f["footnotes"]) for f in found]


def stats(index_dir: Path) -> dict[str, Any]:
    """Documents and passages per type, topic, country and year."""
    with Searcher(index_dir) as s:
        docs = frozenset(s.docs("kind", "doc"))
        passages = s.passages()
        doc_types = Counter(str(s.column("doc_type")[d]) for d in docs)
        facets = s.facets(passages)
        return {"documents": len(docs), "passages": len(passages), "documents_per_type": dict(doc_types),
                "passages_per_type": facets["doc_type"], "topic": facets["topic"], "country": facets["country"],
                "year": facets["year"]}
