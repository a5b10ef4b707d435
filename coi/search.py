"""The search stage: filters, facet counts over every match, all-words hits then the closest partial ones, and
highlighted snippets. The query language and its Dutch expansion are coi.query's."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import and_
from pathlib import Path
from typing import Any

from whoosh import highlight
from whoosh import query as Q
from whoosh.sorting import FieldFacet, ScoreFacet

from coi import store
from coi.analysis import fold, word_forms
from coi.engine import evaluate
from coi.engine.evaluate import mask_bytes, members, to_mask
from coi.engine.readers import ColumnLookup, column_values, deleted_mask, merge_matched
from coi.errors import CoiError, UsageError
from coi.model import Document, Footnote, Passage
from coi.query import (  # noqa: F401  (parse_query, parse_date_bound, check_query: the API callers know)
    QUERY_FIELDS,
    TEXT_FIELDS,
    Plan,
    Synonyms,
    check_query,
    check_values,
    parse_date_bound,
    parse_query,
    plan_query,
)

FACETS = ("doc_type", "topic", "country", "year", "source")
COLUMN_FIELDS = frozenset(FACETS) | {"kind"}  # fields stored as RefBytes columns (coi.store.schema)
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
    match: str = "all"  # "all": the passage holds every query word (in some form); "partial": not all
    missing: tuple[str, ...] = ()  # the query words a partial hit lacks, as typed
    words: int = 0  # how many words the query asks for (0: not counted, an explicit query)


@dataclass
class SearchResult:
    """A page of hits, with the total and facet counts over every match. Without a passage that holds every
    word, `total` and the facets count the closest passages (those holding most of the words), `partial_only`
    says so, and `suggestions` offers spellings from the index for words it does not hold at all."""

    query: str
    total: int
    facets: dict[str, dict[str, int]]
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    limit: int = 10
    partial_only: bool = False
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = {"query": self.query, "total": self.total, "facets": self.facets,
               "hits": [_hit_dict(h) for h in self.hits]}
        if self.partial_only:
            out["partial_only"] = True
        if self.suggestions:
            out["did_you_mean"] = list(self.suggestions)
        return out


@dataclass(frozen=True)
class Ranking:
    """A ranked page before any passage is read: (document number, score, "all" or "partial", missing words)
    per passage shown, the total and the facet counts (empty when not asked for)."""

    plan: Plan
    query: Q.Query
    total: int
    facets: dict[str, dict[str, int]]
    shown: tuple[tuple[int, float, str, tuple[str, ...]], ...]
    page: int = 1
    limit: int = 10
    partial_only: bool = False
    suggestions: tuple[str, ...] = ()
    asked: int = 0  # how many words the query asks for (0: an explicit query)


def _hit_dict(h: Hit) -> dict[str, Any]:
    return {"id": h.id, "doc_id": h.doc_id, "doc_type": h.doc_type, "title": h.title, "date": h.date,
            "locator": h.locator, "heading": h.heading, "text": h.text, "snippet": h.snippet,
            "score": round(h.score, 4), "topics": list(h.topics), "countries": list(h.countries),
            "footnotes": list(h.footnotes), "citation": h.citation, "match": h.match, "missing": list(h.missing)}


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
                self.searcher = store.open_searcher(self.ix)
                break
            except FileNotFoundError:
                # a rebuild switched generations and removed the old one's files: read CURRENT again
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        self.reader = self.searcher.reader()
        self._columns: dict[str, list[Any]] = {}
        self._meta: dict[str, Document] = {}
        self._values_cache: dict[str, list[str]] = {}
        self._readers: dict[str, Any] = {}
        self._sets: dict[tuple[str, str], frozenset[int]] = {}
        self._masks: dict[tuple[str, str], int] = {}
        self.size = self.reader.doc_count_all()  # document numbers are below this
        # a large index: filters and facets from whole columns, scores with numpy (coi.engine.vector, .columns)
        self.vector = self.size >= evaluate.VECTOR_DOCS
        self._facet_columns: dict[str, Any] = {}
        self._deleted: int | None = None

    def close(self) -> None:
        self.searcher.close()

    def changed(self) -> bool:
        """Whether the index moved on since this searcher opened: another generation is CURRENT, or the current
        one committed a newer TOC (a long-lived searcher, as `coi serve` keeps, then reopens)."""
        try:
            gen = store.read_pointer(self.index_dir, store.CURRENT)
            return gen is None or gen.name != self.ix.indexname or not self.searcher.up_to_date()
        except (OSError, CoiError):
            return True

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
            if self.vector and fieldname in COLUMN_FIELDS:
                self._masks[key] = self._facet_column(fieldname).mask(value) & ~self._deleted_mask()
            else:
                self._masks[key] = evaluate.live_mask(self.searcher, fieldname, value)
        return self._masks[key]

    def _facet_column(self, fieldname: str) -> Any:
        from coi.engine.columns import FacetColumn

        if fieldname not in self._facet_columns:
            self._facet_columns[fieldname] = FacetColumn(self.reader, fieldname)
        return self._facet_columns[fieldname]

    def day(self) -> Any:
        """The day column (yyyymmdd, 0 when unknown) as an array (a large index only)."""
        if "day" not in self._facet_columns:
            from coi.engine.columns import day_array

            self._facet_columns["day"] = day_array(self.reader)
        return self._facet_columns["day"]

    def _deleted_mask(self) -> int:
        if self._deleted is None:
            self._deleted = deleted_mask(self.reader)
        return self._deleted

    def doc_meta(self, doc_id: str, path: str | None = None) -> Document:
        """The metadata of a document (a Document without passages), from its own record (cached). With the
        `path` a passage record holds, the record is found by its unique id ("doc:" + path) in one look-up;
        without, among the records of the doc_id (its passages come first)."""
        if doc_id not in self._meta and path is not None:
            fields = self.searcher.document(id=f"doc:{path}")
            if fields and fields.get("kind") == "doc" and fields.get("doc_id") == doc_id:
                self._meta[doc_id] = store.meta_document(json.loads(fields["meta"]))
        if doc_id not in self._meta:
            for fields in self.searcher.documents(doc_id=doc_id):
                if fields.get("kind") == "doc":
                    self._meta[doc_id] = store.meta_document(json.loads(fields["meta"]))
                    break
        return self._meta[doc_id]

    def passage(self, ident: str) -> store.StoredPassage:
        """A passage by its id (`doc_id#anchor`), with its footnotes and its document's metadata."""
        fields = self.searcher.document(id=ident) if "#" in ident else None
        if not fields or fields.get("kind") != "passage":
            raise _unknown(ident, "passage")
        return store.passage_from_record(fields, self.doc_meta(fields["doc_id"], fields.get("path")))

    def document(self, doc_id: str) -> Document:
        """A whole document by its doc_id, as it was parsed."""
        for fields in self.searcher.documents(doc_id=doc_id):
            if fields.get("kind") == "doc":
                return store.document_from_record(fields)
        raise _unknown(doc_id, "document")

    def lookup(self, ident: str, passage_only: bool = False) -> store.StoredPassage | Document:
        """A passage by its id (`doc_id#anchor`), or (unless `passage_only`) a whole document by its doc_id."""
        try:
            return self.passage(ident) if "#" in ident or passage_only else self.document(ident)
        except CoiError:
            raise _unknown(ident, "passage" if passage_only else "passage or document") from None

    def passages(self) -> frozenset[int]:
        return self.docs("kind", "passage")

    def _values(self, fieldname: str, wanted: tuple[str, ...]) -> int:
        """Documents whose facet value is one of `wanted`, comparing folded, as a bitmap. A document type or
        source that neither coi nor the index knows is a UsageError naming the nearest ones (topics and countries
        are checked against the vocabulary, which knows those no passage has yet)."""
        folded = {fold(v) for v in wanted}
        if fieldname in ("doc_type", "source"):
            from coi.model import DocType

            known = self.values(fieldname) + ([t.value for t in DocType] if fieldname == "doc_type" else [])
            option = "--type" if fieldname == "doc_type" else "--source"
            check_values(option, wanted, {fold(v): v for v in known})
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
        if self.vector:  # one comparison over the whole day column
            from coi.engine.columns import flags_mask

            day = self.day()
            return flags_mask((day > 0) & (day >= lo) & (day <= hi)) & ~self._deleted_mask()  # undated: out
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
        """Counts per facet value over `docnums` (or the documents of bitmap `mask`). A large index counts the
        matches' values in whole columns at once; a small one looks a few thousand documents up one by one and
        counts more by intersecting bitmaps of each value's documents."""
        out: dict[str, dict[str, int]] = {}
        if self.vector:  # one count of the matches' values per facet (coi.engine.columns)
            from coi.engine.columns import matches

            where = matches(to_mask(docnums, self.size) if mask is None else mask, self.size)
            for name in FACETS:
                counts = self._facet_column(name).counts(where)
                out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            return out
        if mask is not None and mask.bit_count() <= FEW:
            docnums, mask = set(members(mask)), None
        if mask is None and len(docnums) <= FEW:
            return self._facets_by_lookup(docnums)
        matched = to_mask(docnums, self.size) if mask is None else mask
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
               page: int = 1, exact: bool = False, synonyms: Synonyms | None = None,
               facets: bool = True) -> SearchResult:
        """Search: a page of hits (stored records, snippets, citations), the total, and (unless `facets` is False)
        facet counts over every match. `exact`: words as typed, all of them (no other forms, parts, synonyms or
        partial matches)."""
        ranking = self.rank(text, filters, sort, limit, page, exact, synonyms, facets)
        hits = self._retry(lambda: self.hits(ranking))
        return SearchResult(text, ranking.total, ranking.facets, hits, page, limit, ranking.partial_only,
                            ranking.suggestions)

    def rank(self, text: str, filters: Filters = Filters(), sort: str = "relevance", limit: int = 10,
             page: int = 1, exact: bool = False, synonyms: Synonyms | None = None,
             facets: bool = True) -> Ranking:
        """The passages of a page by document number, with scores, the total and (unless `facets` is False) facet
        counts: a search without reading any passage. `hits()` turns it into hits."""
        return self._retry(lambda: self._rank_page(text, filters, sort, limit, page, exact, synonyms, facets))

    def _retry(self, run: Any) -> Any:
        # if a concurrent re-index removed a file this searcher still needed, reopen and run again
        for attempt in range(ATTEMPTS):
            try:
                return run()
            except FileNotFoundError:
                if attempt == ATTEMPTS - 1:
                    raise
                self.close()
                self._open()
        raise AssertionError("unreachable")

    def _rank_page(self, text: str, filters: Filters, sort: str, limit: int, page: int, exact: bool,
                   synonyms: Synonyms | None, facets: bool) -> Ranking:
        if sort not in ("relevance", "date"):
            raise UsageError(f"sort {sort!r} is not known; use relevance or date")
        if limit < 1 or page < 1:
            raise UsageError("--limit and --page must be 1 or more")
        plan = plan_query(text, self.searcher.schema, self.reader, exact=exact, synonyms=synonyms)
        q = plan.scoring
        if plan.strict is None and not plan.concepts or q is Q.NullQuery:
            return Ranking(plan, q, 0, self.facets(set()) if facets else {}, (), page, limit)
        evaluation = evaluate.Evaluation(self.searcher, self.mask("kind", "passage"))
        allowed = self.allowed_mask(filters)
        if plan.strict is not None:
            matched = allowed if isinstance(q, Q.Every) else allowed & evaluation.mask(q)
            concept_masks: list[int] = []
        else:
            concept_masks = [allowed & evaluation.mask(c.query) for c in plan.required]
            matched = reduce(and_, concept_masks)
        total = matched.bit_count()
        n = page * limit
        if isinstance(q, Q.Every):
            ranked = self._rank_all(matched, sort, n) if total else []
        else:
            ranked = self._rank(q, matched, sort, n, evaluation) if total else []
        partial: list[tuple[int, float]] = []
        partial_only = False
        if len(ranked) < n and len(concept_masks) > 1:
            closest, count_mask = self._closest(q, concept_masks, sort, n - len(ranked), evaluation)
            partial = closest
            if not total:  # no passage holds every word: count the closest ones
                partial_only = bool(count_mask)
                matched, total = count_mask, count_mask.bit_count()
        counts = self.facets(set(), matched) if facets else {}
        labels = [(d, s, "all") for d, s in ranked] + [(d, s, "partial") for d, s in partial]
        flags = [mask_bytes(m, self.size) for m in concept_masks]
        shown = tuple((docnum, score, match, tuple(c.words for c, f in zip(plan.required, flags, strict=True)
                                                  if not f[docnum]))
                      for docnum, score, match in labels[(page - 1) * limit: n])
        suggestions = () if total else self._suggest(plan)
        return Ranking(plan, q, total, counts, shown, page, limit, partial_only, suggestions, len(concept_masks))

    def hits(self, ranking: Ranking) -> list[Hit]:
        """The hits of a ranked page: each passage's record, snippet (marking the query's words) and citation."""
        words = self._words(ranking.query)
        return [self._hit(docnum, score, words, match, missing, ranking.asked)
                for docnum, score, match, missing in ranking.shown]

    def _words(self, q: Q.Query) -> frozenset[str]:
        """The terms of the text fields that `q` asks for and the index holds (prefixes expanded): what a snippet
        marks. (whoosh's existing_terms skips every field but the first one it meets.)"""
        out: set[str] = set()
        for leaf in q.leaves():
            if leaf.field() not in TEXT_FIELDS:
                continue
            for fieldname, text in leaf.expanded_terms(self.reader, phrases=True):
                if (fieldname, self.searcher.schema[fieldname].to_bytes(text)) in self.reader:
                    out.add(str(text))
        return frozenset(out)

    def _closest(self, q: Q.Query, masks: list[int], sort: str, n: int,
                 evaluation: evaluate.Evaluation) -> tuple[list[tuple[int, float]], int]:
        """The `n` best passages that hold some but not all of the words whose bitmaps are `masks`: by how many
        they hold, then by score (or date); and the bitmap of every passage holding at least half of them, or
        if none does, of those holding the most. A document's byte in the sum of the bitmaps is its count: each
        bitmap has 0 or 1 there."""
        counts = mask_bytes(sum(masks), self.size)
        least = max(1, (len(masks) + 1) // 2)
        out: list[tuple[int, float]] = []
        enough = 0
        for level in range(len(masks) - 1, 0, -1):
            if level < least and (enough or len(out) >= n):
                break  # below half of the words only while nothing better was found
            docs = [m.start() for m in re.finditer(re.escape(bytes([level])), counts)]
            if not docs:
                continue
            level_mask = to_mask(docs, self.size)
            enough |= level_mask
            if len(out) < n:
                out += self._rank(q, level_mask, sort, n - len(out), evaluation)
        return out, enough

    def _suggest(self, plan: Plan) -> tuple[str, ...]:
        """Spellings near the words that no passage holds, from the index's own words (as stems)."""
        from coi.analysis import stem_word

        out: list[str] = []
        for c in plan.required:
            for word in c.words.split():
                stem = stem_word(word)
                if ("text", stem) in self.reader:
                    continue
                near = sorted(self.reader.terms_within("text", stem, 2, prefix=1),
                              key=lambda t: -self.reader.doc_frequency("text", t))
                out += [t for t in near[:3] if t not in out]
        return tuple(out[:5])

    def _rank_all(self, allowed: int, sort: str, n: int) -> list[tuple[int, float]]:
        """The first `n` passages of a bitmap, for a query for everything: in index order (whoosh's relevance
        order when every score is equal), or by date, newest first."""
        if sort == "date":
            if self.vector:
                from coi.engine.columns import by_date, matches

                return by_date(matches(allowed, self.size), None, self.day(), n)
            day = self.column("day")
            return [(d, 1.0) for d in heapq.nsmallest(n, members(allowed), key=lambda d: (-day[d], d))]
        return [(d, 1.0) for d in itertools.islice(members(allowed), n)]

    def _rank(self, q: Q.Query, matched: int, sort: str, n: int,
              evaluation: evaluate.Evaluation | None = None) -> list[tuple[int, float]]:
        """The first `n` of the matched passages (a bitmap) with their relevance: by relevance (ties: index
        order), or by date, newest first (ties: by relevance)."""
        evaluation = evaluation or evaluate.Evaluation(self.searcher, self.mask("kind", "passage"))
        # by relevance only the best n need a score; by date every match may be on the page
        scores = evaluation.top_scores(q, matched, n if sort == "relevance" else None)
        if scores is not None:
            if sort == "date":
                if self.vector:
                    from coi.engine.columns import by_date

                    return by_date(list(scores), list(scores.values()), self.day(), n)
                day = self.column("day")
                return [(d, scores[d]) for d in heapq.nsmallest(n, scores, key=lambda d: (-day[d], -scores[d], d))]
            return [(d, scores[d]) for d in heapq.nsmallest(n, scores, key=lambda d: (-scores[d], d))]
        # a phrase, prefix or range: whoosh ranks, over the matched passages only
        sortedby = [FieldFacet("day", reverse=True), ScoreFacet()] if sort == "date" else None
        results = self.searcher.search(q, filter=set(members(matched)), limit=n, sortedby=sortedby, terms=False)
        return [(h.docnum, _score(h.score)) for h in results]

    def _hit(self, docnum: int, score: float, words: frozenset[str], match: str = "all",
             missing: tuple[str, ...] = (), asked: int = 0) -> Hit:
        from coi.cite import citation_text

        fields = self.searcher.stored_fields(docnum)
        found = store.passage_from_record(fields, self.doc_meta(fields["doc_id"], fields.get("path")))
        p, doc = found.passage, found.doc
        snippet = _snippet(p, found.footnotes, words, self.searcher.schema["text"].analyzer)
        return Hit(
            id=p.id, doc_id=doc.doc_id, doc_type=doc.doc_type.value, title=doc.title,
            date=doc.date.isoformat() if doc.date else None, locator=p.locator, heading=p.heading, text=p.text,
            snippet=snippet, score=score, topics=p.topics, countries=p.countries,
            footnotes=tuple({"n": f.n, "text": f.text, "urls": list(f.urls)} for f in found.footnotes),
            citation=citation_text(doc, p), pages=p.pages, match=match, missing=missing, words=asked,
        )


    def alert_matches(self, text: str, filters: Filters) -> list[tuple[int, str, str]]:
        """Every passage a saved search matches (strictly: no closest passages), as (document number, passage id,
        digest of its text): what an alert compares with what it reported before."""
        q = parse_query(text, self.searcher.schema, self.reader)
        allowed = self.allowed_mask(filters)
        if isinstance(q, Q.Every):
            matched = allowed
        else:
            matched = allowed & evaluate.Evaluation(self.searcher, self.mask("kind", "passage")).mask(q)
        return [(d, *self._identity(d)) for d in members(matched)]

    def _identity(self, docnum: int) -> tuple[str, str]:
        """A passage's id and text digest (cached: alerts that match the same passages read them once)."""
        cache = self.__dict__.setdefault("_identities", {})
        if docnum not in cache:
            fields = self.searcher.stored_fields(docnum)
            cache[docnum] = (str(fields["id"]), str(fields.get("phash", "")))
        found: tuple[str, str] = cache[docnum]
        return found

    def hit_for(self, docnum: int, text: str) -> Hit:
        """The hit a search for `text` shows for one passage (its snippet marks the query's words)."""
        cache = self.__dict__.setdefault("_query_words", {})
        if text not in cache:
            q = parse_query(text, self.searcher.schema, self.reader)
            cache[text] = frozenset(self.searcher.schema["text"].from_bytes(t) for f, t in
                                    q.existing_terms(self.reader, phrases=True, expand=True) if f == "text")
        return self._hit(docnum, 0.0, cache[text])


class _MarkFormatter(highlight.Formatter):
    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"{MARK}{highlight.get_text(text, token, replace)}{MARK}"


_HIGHLIGHTER = highlight.Highlighter(fragmenter=highlight.ContextFragmenter(maxchars=240, surround=60),
                                     formatter=_MarkFormatter())


def _snippet(p: Passage, footnotes: tuple[Footnote, ...], words: frozenset[str], analyzer: Any) -> str:
    """The passage's text around the query's words; where they are only in the question an answer sits under
    (its heading) or in a footnote it cites, that part, labelled; else the passage's first words."""
    marked = _highlight(p.text, words, analyzer)
    if MARK in marked:
        return marked
    if p.heading:
        marked = _highlight(p.heading, words, analyzer)
        if MARK in marked:
            label = "vraag" if p.anchor.startswith("antwoord") else "kop"
            return f"[{label}] {marked}"
    for note in footnotes:
        marked = _highlight(note.text, words, analyzer)
        if MARK in marked:
            return f"[voetnoot {note.n}] {marked}"
    return _first_words(p.text)


def _matched_tokens(analyzer: Any, text: str, words: frozenset[str]) -> Any:
    """The tokens of `text`, a word marked matched when any form the index holds it by (own stem, base form,
    compound parts) is one of the query's `words`; adjacent matches merged, as whoosh's Highlighter does."""
    heads = {w[:4] for w in words}

    def other_form(word: str) -> bool:
        # the lexicon only for words that hold the beginning of a query term ("gediscrimineerd": "disc"): a
        # lemma, a derivation or a compound part all do, and most words of a passage do not
        return any(h in word for h in heads) and any(f in words for f in word_forms(word))

    def marked() -> Any:
        for t in analyzer(text, positions=True, chars=True, mode="index", removestops=False):
            t.matched = not t.stopped and (t.text in words or other_form(fold(text[t.startchar:t.endchar])))
            yield t

    return merge_matched(marked())


def _highlight(text: str, words: frozenset[str], analyzer: Any) -> str:
    """Up to two fragments of `text` around the query's words, marked; as whoosh's Highlighter does for a hit
    (it re-analyses the text and keeps the fragments with the most matches). Fragments that touch or overlap
    are joined: no "…" between adjacent words."""
    hl = _HIGHLIGHTER
    tokens = _matched_tokens(analyzer, text, words)
    # the two best fragments, ties to the earlier one (whoosh's top_fragments breaks ties by memory address, so
    # the same search could show other snippets)
    scored = [(hl.scorer(f), -f.startchar, f) for f in hl.fragmenter.fragment_tokens(text, tokens)]
    fragments = [f for score, _, f in heapq.nlargest(2, scored, key=lambda x: (x[0], x[1])) if score >= 1]
    joined: list[Any] = []
    for f in sorted(fragments, key=lambda f: f.startchar):
        last = joined[-1] if joined else None
        if last is not None and not re.search(r"\w", text[last.endchar:f.startchar]):
            joined[-1] = highlight.Fragment(text, last.matches + [m for m in f.matches if m not in last.matches],
                                            last.startchar, max(last.endchar, f.endchar))
        else:
            joined.append(f)
    return str(hl.formatter.format(joined))


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
           page: int = 1, exact: bool = False, synonyms: Synonyms | None = None) -> SearchResult:
    """Search the index in `index_dir` once."""
    with Searcher(index_dir) as s:
        return s.search(text, filters, sort, limit, page, exact, synonyms)


# ----------------------------------------------------------------------------------------- show, stats

def lookup(index_dir: Path, ident: str) -> store.StoredPassage | Document:
    """A passage by its id (`doc_id#anchor`), with its footnotes and its document's metadata, or a whole document
    by its doc_id. UnknownIdError when there is neither."""
    with Searcher(index_dir) as s:
        return s.lookup(ident)


def citations(index_dir: Path, ids: list[str]) -> list[Any]:
    """The Citation of each passage id, in order; UnknownIdError names the first unknown one."""
    from coi.cite import build

    with Searcher(index_dir) as s:
        found = [s.passage(i) for i in ids]
    return [build(f.doc, f.passage, f.footnotes) for f in found]


def _unknown(ident: str, what: str) -> CoiError:
    from coi.errors import UnknownIdError

    return UnknownIdError(f"no {what} with id {ident!r}; ids look like ah-tk-20212022-2054#antwoord-4 "
                          f"(see `coi search … --json`)")


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
