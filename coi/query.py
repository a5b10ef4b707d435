"""The query language and its Dutch expansion: what a user types becomes a Whoosh query.

Explicit syntax (AND, OR, NOT, "phrases", prefix*, field:value) and `--exact` keep their strict meaning: words
are ANDed as typed. A plain query (words only) becomes one *concept* per word instead: the word's own stem, the
stem of its lemma, its compound parts (all of them, "mensenrechtenverdedigers" -> mensenrechten + verdedigers), its
synonyms (coi/data/synonyms.toml, extended by a corpus's synonyms.toml) and the compounds it begins or ends, each
weaker than the word as typed. Question and function words ("hoeveel", "welke") are left out; a year is wanted but
not required. The searcher matches every concept first, then the passages that match most of them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from whoosh import query as Q
from whoosh.qparser import FieldAliasPlugin, MultifieldParser

from coi import lexicon
from coi.analysis import _STOPS, MIN_PART, TOKEN_PATTERN, base_form, fold, stem_word
from coi.errors import UsageError

# A document's title is not a passage's text: searched by default it would make every passage of a document
# match its words; filters (--type, --source, dates) narrow by document instead.
TEXT_FIELDS = ["text", "heading", "notes"]
# field:value names a user may type, and the index field they mean
QUERY_FIELDS = {"text": "text", "heading": "heading", "notes": "notes", "type": "doc_type",
                "doc_type": "doc_type", "topic": "topic", "country": "country", "source": "source",
                "year": "year"}

# How much an expansion counts against the word as typed (1.0)
BASE_BOOST = 0.8  # another inflection of the word ("situatie" for "situaties")
PART_BOOST = 0.5  # the compound's parts, written apart ("vrijheid van de pers" for "persvrijheid")
SYNONYM_BOOST = 0.5  # a synonym ("apostasie" for "geloofsafval")
VARIANT_BOOST = 0.3  # another name of the same topic in the vocabulary ("lhbti" for "homoseksuelen"), for a word
# that no passage holds
ENDING_BOOST = 0.3  # a compound that begins or ends with the word ("oppositieleider" for "leider")
PLACE_BOOST = 0.5  # a passage tagged with the country or region a query word names
YEAR_BOOST = 0.5  # a year asked for: passages of or mentioning it first, the rest not excluded

# Words of a question that say what is asked, not about what: a passage need not contain them. (Dutch stop
# words are left out by the analysis already; these are the interrogatives and auxiliaries it keeps.)
QUESTION_WORDS = frozenset([
    "waar", "wanneer", "waarom", "welke", "welk", "hoeveel", "hoelang", "hoezo", "waardoor", "waarvoor",
    "waarover", "waarmee", "waarin", "waaruit", "werden", "zullen", "gaat", "gaan", "sinds", "wel", "what",
    "which", "why", "how", "where", "who", "is", "are", "there", "does", "do",
])
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(TOKEN_PATTERN)
# anything of the query language makes a query explicit: it keeps its strict meaning
_EXPLICIT = re.compile(r'["()*~:^]|\?\w|(?:^|\s)[+-]\w|\b(?:AND|OR|NOT)\b')
# a question mark that ends a word is punctuation, not the one-letter wildcard
_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=\s|$)")
USER_SYNONYMS = "synonyms.toml"  # in a corpus folder: extends the shipped synonyms


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




# ------------------------------------------------------------------------------------------ synonyms

@dataclass(frozen=True)
class Synonyms:
    """Groups of words and phrases that mean one thing, looked up by the stem of a word's base form; and the
    topic vocabulary's variants (`variants`: per topic, the written beginnings that name it, "homoseksu" of
    "homoseksu*", and its whole terms), which count as weaker synonyms of each other."""

    groups: tuple[tuple[str, ...], ...] = ()
    variants: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    places: tuple[tuple[str, str], ...] = ()  # a country's or region's names (folded) and its vocabulary key

    def place(self, word: str) -> str | None:
        """The country or region key that `word` (folded) names, directly or through a synonym ("armenia")."""
        names = self._places
        if word in names:
            return names[word]
        return next((names[m] for m in self.of((word,)) if m in names), None)

    def related(self, word: str) -> list[str]:
        """The other whole terms of every topic that `word` (folded) names: as a term, or by a term's beginning."""
        keys = _keys((word,))
        out: list[str] = []
        for prefixes, terms in self.variants:
            named = any(_member_key(t) in keys for t in terms) or any(word.startswith(p) for p in prefixes)
            if named:
                out += [t for t in terms if _member_key(t) not in keys and t not in out]
        return out

    # The look-up tables are made once per instance: a search looks them up for every word, and hashing all the
    # groups (or places) to find a table in a cache keyed by them took as long as the look-up itself
    @cached_property
    def index(self) -> dict[tuple[str, ...], tuple[int, ...]]:
        return _synonym_index(self.groups)

    @cached_property
    def _places(self) -> dict[str, str]:
        return _place_index(self.places)

    def of(self, words: tuple[str, ...]) -> list[str]:
        """The other members of every group that holds `words` (folded, as a phrase; in any inflection), each
        once."""
        if not self.groups:
            return []
        keys = _keys(words)
        out: list[str] = []
        for key in keys:
            for g in self.index.get(key, ()):
                for member in self.groups[g]:
                    if _member_key(member) not in keys and member not in out:
                        out.append(member)
        return out

    @cached_property
    def longest(self) -> int:
        """The most words a synonym has."""
        return max((len(k) for k in self.index), default=1)


def _keys(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The keys a typed phrase looks up: its words' own stems, and their base forms' stems ("vervolgden" ->
    "vervolg"). Members are keyed by their own stems only: building the index then needs no lexicon, which keeps
    `coi search` starting fast."""
    return {tuple(stem_word(w) for w in words), tuple(stem_word(base_form(w)) for w in words)}


@lru_cache(maxsize=4096)
def _member_key(member: str) -> tuple[str, ...]:
    return tuple(stem_word(w) for w in _WORD.findall(fold(member)) if w not in _STOPS)


@lru_cache(maxsize=8)
def _place_index(places: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(places)


@lru_cache(maxsize=8)
def _synonym_index(groups: tuple[tuple[str, ...], ...]) -> dict[tuple[str, ...], tuple[int, ...]]:
    out: dict[tuple[str, ...], list[int]] = {}
    for g, members in enumerate(groups):
        for member in members:
            key = _member_key(member)
            if key and g not in out.setdefault(key, []):
                out[key].append(g)
    return {k: tuple(v) for k, v in out.items()}


def _read_synonyms(source: str, text: str) -> dict[str, list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: malformed TOML: {exc}") from None
    table = data.get("synonyms", {})
    if not isinstance(table, dict):
        raise UsageError(f"{source}: [synonyms] must be a table of name = [words]")
    out: dict[str, list[str]] = {}
    for name, members in table.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise UsageError(f"{source}: synonyms.{name} must be a list of words or phrases")
        out[name] = list(members)
    return out


def topic_variants(vocab: Any) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Per topic of the vocabulary: the beginnings of its prefix terms and its whole terms (one or two words:
    a longer term is a description, not a name)."""
    out = []
    for entry in vocab.entries.values():
        if entry.kind != "topics":
            continue
        prefixes = tuple(fold(t[:-1]) for t in entry.terms if t.endswith("*") and " " not in t and len(t) > 5)
        terms = tuple(fold(t) for t in entry.terms if "*" not in t and len(t.split()) <= 2)
        out.append((prefixes, terms))
    return tuple(out)


def load_synonyms(user: Path | None = None, vocab: Any = None) -> Synonyms:
    """The shipped synonyms, extended by a user's file (a new name adds a group, a known one adds words), and
    the variants of the topic vocabulary `vocab` (default: the shipped one)."""
    shipped = resources.files("coi").joinpath("data/synonyms.toml").read_text(encoding="utf-8")
    groups = _read_synonyms("coi/data/synonyms.toml", shipped)
    if user is not None and user.is_file():
        try:
            text = user.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{user}: cannot read ({exc})") from None
        for name, members in _read_synonyms(str(user), text).items():
            groups[name] = groups.get(name, []) + [m for m in members if m not in groups.get(name, [])]
    if vocab is None:
        from coi.tag import load_vocabulary

        vocab = load_vocabulary()
    places = vocabulary_aliases(vocab, ("countries", "regions"), Synonyms())  # synonyms: looked up per word
    return Synonyms(tuple(tuple(m) for m in groups.values()), topic_variants(vocab),
                    tuple((name, key) for name, key in places.items() if " " not in name))


@lru_cache(maxsize=1)
def shipped_synonyms() -> Synonyms:
    return load_synonyms()


# ------------------------------------------------------------------------------------ plain queries

@dataclass(frozen=True)
class Concept:
    """One thing a plain query asks for: a word (or a phrase of the synonym file) in all its forms."""

    words: str  # as typed
    query: Q.Query
    required: bool = True


@dataclass(frozen=True)
class Plan:
    """How to run a query: `strict` (explicit syntax, --exact, or everything) or by `concepts`."""

    text: str
    strict: Q.Query | None = None
    concepts: tuple[Concept, ...] = ()

    @property
    def required(self) -> list[Concept]:
        return [c for c in self.concepts if c.required]

    @property
    def scoring(self) -> Q.Query:
        """One query whose BM25F score ranks passages: every concept's contribution added."""
        if self.strict is not None:
            return self.strict
        return Q.Or([c.query for c in self.concepts])


def is_plain(text: str) -> bool:
    """Whether a query is only words (no query language)."""
    return not _EXPLICIT.search(text)


def plan_query(text: str, schema: Any, reader: Any = None, exact: bool = False,
               synonyms: Synonyms | None = None) -> Plan:
    """The query as a Plan: strict for explicit syntax and `exact`, concepts for plain words."""
    check_query(text)
    text = _QUESTION_MARK.sub("", text)
    if exact or not is_plain(text) or text.strip() == "*":
        return Plan(text, strict=parse_query(text, schema, reader))
    synonyms = shipped_synonyms() if synonyms is None else synonyms
    words = [w for w in (fold(m) for m in _WORD.findall(text)) if len(w) >= 2 and w not in _STOPS]
    concepts: list[Concept] = []
    i = 0
    longest = synonyms.longest
    while i < len(words):
        # a phrase of the synonym file ("verenigde naties") is one concept, its words in any order
        for n in range(min(longest, len(words) - i), 1, -1):
            phrase = tuple(words[i:i + n])
            if synonyms.of(phrase):
                concepts.append(Concept(" ".join(phrase), _concept(phrase, reader, synonyms)))
                i += n
                break
        else:
            word = words[i]
            i += 1
            if word in QUESTION_WORDS:
                continue
            if _YEAR.fullmatch(word):
                q = Q.Or([*(Q.Term(f, word) for f in TEXT_FIELDS), Q.Term("year", word)], boost=YEAR_BOOST)
                concepts.append(Concept(word, q, required=False))
                continue
            concepts.append(Concept(word, _concept((word,), reader, synonyms)))
    if concepts and not any(c.required for c in concepts):  # only years: they are what is asked
        concepts = [Concept(c.words, c.query) for c in concepts]
    return Plan(text, concepts=tuple(concepts))


def _forms(word: str, boost: float) -> list[Q.Query]:
    """The word in every text field, by its own stem and (weaker) by its base form's stem."""
    own, base = stem_word(word), stem_word(base_form(word))
    out: list[Q.Query] = [Q.Term(f, own, boost=boost) for f in TEXT_FIELDS]
    if base != own:
        out += [Q.Term(f, base, boost=boost * BASE_BOOST) for f in TEXT_FIELDS]
    return out


def _all_of(words: list[str], boost: float) -> Q.Query:
    if len(words) == 1:  # built with its boost: with_boost would deep-copy the query
        return Q.Or(_forms(words[0], 1.0), boost=boost)
    return Q.And([Q.Or(_forms(w, 1.0)) for w in words], boost=boost)


def _in_index(reader: Any, word: str) -> bool:
    """Whether any passage holds `word` by its own stem or its base form's (True without a reader)."""
    if reader is None:
        return True
    return any(("text", stem) in reader for stem in {stem_word(word), stem_word(base_form(word))})


def _concept(words: tuple[str, ...], reader: Any, synonyms: Synonyms) -> Q.Query:
    alternatives: list[Q.Query] = []
    if len(words) == 1:
        word = words[0]
        alternatives += _forms(word, 1.0)
        place = synonyms.place(word)
        if place is not None:
            # a passage of a document about the country need not repeat its name: the tag counts, weakly
            alternatives.append(Q.Term("country", place, boost=PLACE_BOOST))
        leaves = lexicon.leaves(word)
        if len(leaves) > 1:
            alternatives.append(_all_of(leaves, PART_BOOST))
        if reader is not None and len(word) >= MIN_PART and word.isalpha():
            own = stem_word(word)
            for field, prefix in (("text", own), ("rev", own[::-1])):
                alternatives += [Q.Term(field, t, boost=ENDING_BOOST) for t in _longer_terms(reader, field, prefix)]
    else:
        alternatives.append(_all_of(list(words), 1.0))
    expansions = [(m, SYNONYM_BOOST) for m in synonyms.of(words)]
    if len(words) == 1 and not _in_index(reader, words[0]):
        # the topic's other names, loose synonyms, only for a word the passages never use: they would otherwise
        # crowd out the passages that use the word itself
        expansions += [(m, VARIANT_BOOST) for m in synonyms.related(words[0])]
    for member, boost in expansions:
        member_words = [w for w in _WORD.findall(fold(member)) if w not in _STOPS]
        if member_words:
            alternatives.append(_all_of(member_words, boost))
    return Q.Or(alternatives)


# --------------------------------------------------------------------------------------------- filters

def nearest(value: str, valid: list[str], n: int = 3) -> list[str]:
    """The valid values closest in spelling to `value` (compared folded), best first: by difflib's ratio, with a
    bonus for a shared beginning ("lhbti-rechten" is nearer "lhbtiq" than "rechtsstaat")."""
    import difflib

    wanted = fold(value).strip()
    scored = []
    for v in valid:
        f = fold(v)
        score = difflib.SequenceMatcher(None, wanted, f).ratio()
        if f[:4] == wanted[:4]:
            score += 0.3
        if score >= 0.5:
            scored.append((-score, v))
    return [v for _, v in sorted(scored)[:n]]


def check_values(option: str, values: tuple[str, ...], aliases: dict[str, str]) -> tuple[str, ...]:
    """Each value of a filter as the index knows it, by `aliases` (folded name -> value); an unknown one is a
    UsageError that names the nearest valid values."""
    out = []
    for value in values:
        key = aliases.get(fold(value).strip())
        if key is None:
            canonical = sorted(set(aliases.values()))
            near = nearest(value, sorted(set(aliases) | set(canonical)))
            hint = (f"did you mean {', '.join(sorted({aliases.get(fold(v), v) for v in near}))}?" if near
                    else f"valid values: {', '.join(canonical[:12])}{' …' if len(canonical) > 12 else ''}")
            raise UsageError(f"{option} {value!r} is not known; {hint}")
        out.append(key)
    return tuple(out)


def vocabulary_aliases(vocab: Any, kinds: tuple[str, ...], synonyms: Synonyms | None = None) -> dict[str, str]:
    """Folded names -> key for the vocabulary entries of `kinds`: the key, its label, the entry's single-word
    terms ("armenia" for armenie) and the members of a synonym group that holds the key or label (English and
    Dutch country names)."""
    synonyms = shipped_synonyms() if synonyms is None else synonyms
    out: dict[str, str] = {}
    for entry in vocab.entries.values():
        if entry.kind not in kinds:
            continue
        names = [entry.key, entry.label, entry.key.replace("-", " ")]
        names += [t for t in entry.terms if "*" not in t and " " not in t]
        for name in list(names):
            words = tuple(w for w in _WORD.findall(fold(name)) if w not in _STOPS)
            if words:
                names += synonyms.of(words)
        for name in names:
            out.setdefault(fold(name).strip(), entry.key)
    for entry in vocab.entries.values():  # a key or label always names its own entry
        if entry.kind in kinds:
            out[entry.key] = entry.key
            out[fold(entry.label).strip()] = entry.key
    return out
