"""The tag stage: topics and countries for every passage, from a vocabulary users can read and extend.

A topic is set by evidence, not by a single word. Every term that matches adds its weight (a term 1, a weak word
or a part of a compound ½; words next to each other are one piece, a term said twice counts once); a topic
needs 1 in all, 2 in a document about domestic policy (it names no country of origin and no term in its title
names a topic) unless the passage names a country of origin. The passage's heading (for an answer: its
question) is part of its text. Phrases listed under `cancel` take the words they cover out of a topic's
evidence ("vasthouden aan" a position is no detention). The title supporting a topic was tried and dropped:
on the development set it only added false tags ("ambtsbericht" in every passage of a landenbeleid memo).
Words are matched by their stem and their lemma ("gemarteld" meets "martelen") and as parts of compounds
("asielopvang" meets "asiel" and "opvang"), both from coi.lexicon.

A country named only in a passing list of three or more countries does not make the passage about it, nor does
a country named once for comparison (`origin = false`: "ontwikkeld in Duitsland en Italië"). A
document's main countries are those its title names, else those most of its passages are about; a passage that
names no country is about the document's main countries (an answer "Ja." is about what the document is about).
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from coi import lexicon
from coi.analysis import STOP_WORDS, TOKEN_PATTERN, DutchTokenizer, fold, stem_word
from coi.errors import CoiError
from coi.model import Document, Passage

# Bump when matching or scoring changes: the digest changes with it and `coi index` re-tags stored documents.
TAGGER_VERSION = "2"
USER_VOCABULARY = "vocabulary.toml"  # in a corpus folder: extends the shipped vocabulary
SECTIONS = ("topics", "countries", "regions")
LIST_GAP = 2  # country names this close (in words) form a list

TERM, WEAK, PART = 1.0, 0.5, 0.5  # weights: a term, a weak word, a term found as part of a compound
ENOUGH = 1.0  # evidence a topic needs
ENOUGH_DOMESTIC = 2.0  # ... in a document about domestic policy
MIN_PART = 4  # the shortest term found as part of a compound (the lexicon splits no shorter parts)
SHORT_STEM, SHORT_NAME = 4, 5  # terms (names of places) with a shorter stem match only as written


class VocabularyError(CoiError):
    """A vocabulary file is malformed."""


@dataclass(frozen=True)
class Entry:
    """One topic, country or region with the patterns that signal it."""

    key: str
    kind: str  # "topics" | "countries" | "regions"
    label: str
    terms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    country: str | None = None  # a region's country
    cancel: tuple[str, ...] = ()  # phrases whose words are no evidence for this topic
    origin: bool = True  # a country asylum seekers come from (not a neighbour named for comparison)


@dataclass(frozen=True)
class _Pattern:
    key: str
    words: tuple[str, ...]  # analysed words; the last may be a prefix
    prefix: bool
    weight: float  # TERM or WEAK; 0 for a cancelling phrase
    term: str
    topic: bool  # a topic's (not a country's or a region's)


@dataclass
class Vocabulary:
    """Entries by key, and the patterns compiled for one-pass matching."""

    entries: dict[str, Entry]
    digest: str
    _first: dict[str, list[_Pattern]] = field(default_factory=dict)
    _prefixes: dict[int, dict[str, list[_Pattern]]] = field(default_factory=dict)  # by length, by prefix
    _parts: dict[str, list[_Pattern]] = field(default_factory=dict)  # one-word topic terms, by stem
    _exact: dict[str, list[_Pattern]] = field(default_factory=dict)  # short words, as written (folded)
    # topic, phrase on folded text, the pieces of it that a text must contain for the phrase to match
    _cancel: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = field(default_factory=list)
    # terms that need stop words
    _phrases: list[tuple[_Pattern, re.Pattern[str], tuple[str, ...]]] = field(default_factory=list)
    _words: dict[str, _Word | None] = field(default_factory=dict)  # a written word's forms and terms (`_word`)
    _topics: list[Entry] = field(default_factory=list)
    _compiled: bool = False

    def compile(self) -> None:
        """Build the matching tables, once, when the first text is tagged: a search reads only the entries (the
        synonyms' topic names), and `coi search` starts without compiling hundreds of patterns."""
        if self._compiled:
            return
        self._compiled = True
        self._topics = self.topics()
        tok = DutchTokenizer()
        for entry in self.entries.values():
            for phrase in entry.cancel:
                self._cancel.append((entry.key, _phrase(phrase), _phrase_needs(phrase)))
            for weight, terms in ((TERM, entry.terms), (WEAK, entry.weak)):
                for term in terms:
                    raw = term.rstrip("*")
                    # a prefix ("homoseksu*") is compared with the written word, folded: not with a stem
                    prefix = term.endswith("*") and " " not in raw
                    words = (fold(raw),) if prefix else tuple(t.text for t in tok(_clean(raw)))
                    if not words:
                        continue
                    pattern = _Pattern(entry.key, words, prefix, weight, term, entry.kind == "topics")
                    if not prefix and len(words) == 1 and len(_WORD.findall(raw)) > 1:
                        # "op de vlucht" without its stop words would be "vlucht": match it as written
                        self._phrases.append((pattern, _phrase(raw), _phrase_needs(raw)))
                        continue
                    if not prefix and len(words) == 1 and len(words[0]) < (SHORT_NAME if entry.kind != "topics"
                                                                         else SHORT_STEM):
                        # a short stem is shared by unrelated words ("Deense" and "Den Haag": "den")
                        self._exact.setdefault(fold(raw), []).append(pattern)
                        continue
                    if prefix and len(words) == 1:
                        self._prefixes.setdefault(len(words[0]), {}).setdefault(words[0], []).append(pattern)
                    else:
                        self._first.setdefault(words[0], []).append(pattern)
                    # only terms: a weak word inside a compound ("exportkredietsteun") says next to nothing
                    if entry.kind == "topics" and weight == TERM and len(words) == 1 and len(words[0]) >= MIN_PART:
                        self._parts.setdefault(words[0], []).append(pattern)

    def topics(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == "topics"]

    def label(self, key: str) -> str:
        return self.entries[key].label if key in self.entries else key


# --------------------------------------------------------------------------------------------- loading

def _entries(data: dict[str, Any], path: str, text: str) -> dict[str, tuple[Entry, bool]]:
    """Entries of one file, each with its `replace` flag; errors name the file, line and key."""

    def fail(key: str, message: str) -> VocabularyError:
        leaf = key.split(".")[-1]
        line = next((i for i, ln in enumerate(text.splitlines(), 1) if leaf in ln), None)
        return VocabularyError(f"{path}: {f'line {line}: ' if line else ''}key {key!r} {message}")

    out: dict[str, tuple[Entry, bool]] = {}
    for section, items in data.items():
        if section not in SECTIONS:
            raise fail(section, f"is not a section; use {', '.join(f'[{s}.KEY]' for s in SECTIONS)}")
        if not isinstance(items, dict):
            raise fail(section, "must hold tables like [topics.lhbtiq]")
        for key, spec in items.items():
            full = f"{section}.{key}"
            if not isinstance(spec, dict):
                raise fail(full, "must be a table with label and terms")
            unknown = set(spec) - {"label", "terms", "weak", "cancel", "country", "origin", "replace"}
            if unknown:
                raise fail(full, f"has unknown field {sorted(unknown)[0]!r}; use label, terms, weak, cancel, "
                                 f"country, origin")
            for name in ("terms", "weak", "cancel"):
                value = spec.get(name, [])
                if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
                    raise fail(f"{full}.{name}", "must be a list of non-empty strings")
            for name in ("label", "country"):
                if name in spec and not isinstance(spec[name], str):
                    raise fail(f"{full}.{name}", "must be a string")
            for name in ("replace", "origin"):
                if not isinstance(spec.get(name, False), bool):
                    raise fail(f"{full}.{name}", "must be true or false")
            entry = Entry(key, section, spec.get("label", ""), tuple(spec.get("terms", [])),
                          tuple(spec.get("weak", [])), spec.get("country"), tuple(spec.get("cancel", [])),
                          spec.get("origin", True))
            out[key] = (entry, bool(spec.get("replace", False)))
    return out


def _read(source: str, text: str) -> dict[str, tuple[Entry, bool]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{source}: malformed TOML: {exc}") from None
    return _entries(data, source, text)


def load_vocabulary(user: Path | None = None) -> Vocabulary:
    """The shipped vocabulary, extended by a user's file where one is given and exists."""
    shipped = resources.files("coi").joinpath("data/vocabulary.toml").read_text(encoding="utf-8")
    entries = {key: entry for key, (entry, _) in _read("coi/data/vocabulary.toml", shipped).items()}
    # the tagger's version and its lexicon's: a change in either re-tags stored documents
    digest = hashlib.sha256(f"tagger {TAGGER_VERSION} lexicon {lexicon.data_version()}\n".encode())
    digest.update(shipped.encode())
    if user is not None and user.is_file():
        try:
            text = user.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise VocabularyError(f"{user}: cannot read ({exc})") from None
        digest.update(text.encode())
        for key, (entry, replaces) in _read(str(user), text).items():
            base = entries.get(key)
            if base is None:
                if not entry.label or not entry.terms:
                    raise VocabularyError(f"{user}: key {entry.kind}.{key!r} is new and needs a label and terms")
                entries[key] = entry
            elif replaces:
                entries[key] = replace(entry, label=entry.label or base.label, country=entry.country or base.country)
            else:
                entries[key] = replace(base, label=entry.label or base.label, terms=base.terms + entry.terms,
                                       weak=base.weak + entry.weak, cancel=base.cancel + entry.cancel,
                                       country=entry.country or base.country)
    for entry in entries.values():
        if entry.kind == "regions" and entry.country not in entries:
            raise VocabularyError(f"region {entry.key!r} names country {entry.country!r}, which is not in the "
                                  f"vocabulary")
    return Vocabulary(entries, digest.hexdigest()[:16])


# --------------------------------------------------------------------------------------------- matching

# Extraction artefacts that hide words: "asiel-\nzoekers" hyphenated over a line, "NagornoKarabach" glued.
_LINE_HYPHEN = re.compile(r"(\w)-[ \t]*\n[ \t]*([a-zà-ÿ])")
_GLUED = re.compile(r"([a-zà-ÿ]{3})([A-ZÀ-Þ][a-zà-ÿ]{3})")
# Where _GLUED can match: the same capital between three small letters, found by its capital first. A pattern
# that begins with three small letters is tried at nearly every position of a text: four times slower than
# this one, which lets through only the texts where _GLUED has something to do.
_GLUED_AT = re.compile(r"[A-ZÀ-Þ](?<=[a-zà-ÿ]{3}.)[a-zà-ÿ]{3}")
_WORD = re.compile(TOKEN_PATTERN)


def _clean(text: str) -> str:
    if "\n" in text and "-" in text:  # what _LINE_HYPHEN needs: most texts have no hyphen at a line end
        text = _LINE_HYPHEN.sub(r"\1\2", text)
    return _GLUED.sub(r"\1 \2", text) if _GLUED_AT.search(text) else text


def _phrase_words(text: str) -> list[str]:
    """The literal start of each word of a phrase: the part a word shares with its stem (a stem is not always a
    prefix: "levenssfeer" -> "levenssfer")."""
    words = [fold(w) for w in _WORD.findall(text)]
    return [os.path.commonprefix([w, stem_word(w)]) if len(w) > 3 else w for w in words]


def _phrase(text: str) -> re.Pattern[str]:
    """A cancelling phrase as a pattern on folded text: every word by its stem, so inflections match, and stop
    words kept ("vasthouden aan" a position is not "vastgehouden")."""
    words = _phrase_words(text)
    if not words:
        return re.compile(r"\b\b")
    # "\bword\w*": the first word is looked for as written and the word boundary checked behind it, so that the
    # pattern begins with a literal, which is searched for fast, not tried at every position of the text
    head = re.escape(words[0]) + rf"(?<!\w.{{{len(words[0])}}})\w*"
    return re.compile(head + "".join(rf"\W+{re.escape(w)}\w*" for w in words[1:]) + r"\b")


def _phrase_needs(text: str) -> tuple[str, ...]:
    """What a folded text must contain for `_phrase(text)` to match in it: its literal word starts, longest
    first (those of four letters or more; the longest always). The longest alone let through a third of the
    texts for "nationale veiligheid", most without "veilig"."""
    starts = sorted(set(_phrase_words(text)), key=lambda w: (-len(w), w))
    return tuple(w for i, w in enumerate(starts) if i == 0 or len(w) >= 4) or ("",)


def _lacks(folded: str, needs: tuple[str, ...]) -> bool:
    """Whether `folded` lacks one of the word starts a phrase needs (`_phrase_needs`): then it cannot match.
    A substring test is ~100x cheaper than scanning the text with the pattern."""
    if needs[0] not in folded:
        return True
    return any(n not in folded for n in needs[1:])


@lru_cache(maxsize=100_000)
def _lemma_stem(word: str) -> str:
    """The stem of a word's dictionary form: the stemmer leaves participles ("gemarteld") apart from their verb."""
    return stem_word(lexicon.lemma(word))


class _Word(NamedTuple):
    """A word as written, with what matching needs of it. It depends on the written word only: made once per
    distinct word and vocabulary (`_word`), and shared by all its occurrences (a passage has some fifty words, and
    making a record for each occurrence, and looking up its terms, was half of tagging)."""

    stem: str
    lemma: str  # stem of the lemma
    written: str
    folded: str
    exact: tuple[_Pattern, ...]  # short terms, as written
    starting: tuple[_Pattern, ...]  # terms that begin with its stem or lemma (to check against the next words)
    prefix: tuple[_Pattern, ...]  # prefix terms ("homoseksu*") it begins with
    # terms that are parts of it as a compound (`_compound_parts`); None for a word with terms of its own, whose
    # parts count only where none of those matches: then they are looked up (splitting a word costs)
    parts: tuple[_Pattern, ...] | None
    active: bool  # whether any of these is there: most words have none


def _word(written: str, vocab: Vocabulary) -> _Word | None:
    """`written` with its forms and terms; None for a stop word (as DutchTokenizer). Remembered per vocabulary."""
    found = vocab._words.get(written, False)
    if found is not False:
        return found  # type: ignore[return-value]
    if not _kept(written):
        word = None
    else:
        folded = fold(written)
        stem = stem_word(folded)
        lemma = _lemma_stem(folded) if folded.isalpha() else stem
        exact = tuple(vocab._exact.get(folded, ()))
        starting = tuple(p for key in dict.fromkeys((stem, lemma)) for p in vocab._first.get(key, ()))
        prefix = tuple(p for n, by_prefix in vocab._prefixes.items() if len(folded) >= n
                       for p in by_prefix.get(folded[:n], ()))
        own = bool(exact or starting or prefix)
        parts = None if own else _compound_parts(folded, vocab)
        word = _Word(stem, lemma, written, folded, exact, starting, prefix, parts, own or bool(parts))
    if len(vocab._words) >= 200_000:
        vocab._words.clear()
    vocab._words[written] = word
    return word


class _Text:
    """A cleaned text as the matcher sees it: folded, its words without stop words (`_Word`s, shared), and
    where they stand."""

    __slots__ = ("text", "folded", "words", "first", "_found", "_starts", "_ends")

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        vocab.compile()  # the words' terms come from the matching tables
        self.text, self.folded = text, fold(text)
        lookup = vocab._words.get
        raw = _WORD.findall(text)
        found = [lookup(w, False) for w in raw]
        if False in found:  # words not seen before
            found = [w if w is not False else _word(r, vocab) for r, w in zip(raw, found, strict=True)]
        # a word's position counts from the first word kept (DutchTokenizer's positions)
        self.first = next((i for i, w in enumerate(found) if w is not None), 0)
        self.words: list[_Word] = [w for w in found if w is not None]  # type: ignore[misc]
        self._found = found  # per word as written, None for a stop word
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def offsets(self) -> list[tuple[int, int]]:
        """Where each word stands in the text (start, end): only a phrase that matches needs them."""
        starts, ends = self._bounds()
        return list(zip(starts, ends, strict=True))

    def _bounds(self) -> tuple[list[int], list[int]]:
        if self._starts is None:
            spans = [m.span() for m, w in zip(_WORD.finditer(self.text), self._found, strict=True) if w is not None]
            self._starts, self._ends = [a for a, _ in spans], [b for _, b in spans]
        return self._starts, self._ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The first and last word within the characters start:end (first > last where there is none): the
        words are in order and do not overlap, so both are found by bisection."""
        starts, ends = self._bounds()
        return bisect_right(ends, start), bisect_left(starts, end) - 1


@lru_cache(maxsize=200_000)
def _kept(written: str) -> bool:
    """Whether a word is kept: not a stop word (as DutchTokenizer)."""
    folded = fold(written)
    return not (len(folded) < 2 or folded in STOP_WORDS)


class _Hit(NamedTuple):  # a tuple: a passage has a dozen or more, and a frozen dataclass is slow to make
    pattern: _Pattern
    first: int  # index of the first word matched
    last: int
    written: str
    weight: float


def _hits(t: _Text, vocab: Vocabulary) -> list[_Hit]:
    """Every pattern that matches, with the words it covers; parts of compounds for words no term matched."""
    vocab.compile()
    out: list[_Hit] = []
    text, folded, words = t.text, t.folded, t.words
    for pattern, phrase, needs in vocab._phrases:
        if _lacks(folded, needs):
            continue
        for m in phrase.finditer(folded):
            first, last = t.span(m.start(), m.end())
            if first <= last:
                out.append(_Hit(pattern, first, last, text[m.start():m.end()], pattern.weight))
    for i in [i for i, w in enumerate(words) if w.active]:  # most words match nothing
        w = words[i]
        whole = len(out)
        for p in w.exact:
            out.append(_Hit(p, i, i, w.written, p.weight))
        for p in w.starting:
            n = len(p.words)
            if n == 1:  # found by this word's stem or lemma: it matches
                out.append(_Hit(p, i, i, w.written, p.weight))
                continue
            span = words[i:i + n]
            if len(span) < n:
                continue
            if n == 2:  # most phrases: the first word matches (it is this word's stem or lemma); the second?
                second = p.words[1]
                if second != span[1].stem and second != span[1].lemma:
                    continue
            elif not all(p.words[j] in (s.stem, s.lemma) for j, s in enumerate(span)):
                continue
            out.append(_Hit(p, i, i + n - 1, " ".join(s.written for s in span), p.weight))
        for p in w.prefix:
            out.append(_Hit(p, i, i, w.written, p.weight))
        if len(out) == whole:  # no term: perhaps parts of a compound
            parts = w.parts if w.parts is not None else _compound_parts(w.folded, vocab)
            out.extend(_Hit(p, i, i, w.written, min(p.weight, PART)) for p in parts)
    return out


def _compound_parts(folded: str, vocab: Vocabulary) -> tuple[_Pattern, ...]:
    """Terms that are parts of a compound, as the lexicon splits it ("asielopvang": asiel, opvang; not
    "kinderopvang": kinderen)."""
    parts: list[_Pattern] = []
    for part in lexicon.split_compound(folded):
        stem = stem_word(part)
        parts.extend(vocab._parts.get(stem, ()))
        lemma = _lemma_stem(part)
        if lemma != stem:
            parts.extend(vocab._parts.get(lemma, ()))
    return tuple(parts)


@dataclass(frozen=True)
class Evidence:
    """What one text says for each topic: its weight, and the words that gave it."""

    weight: dict[str, float]
    words: dict[str, tuple[str, ...]]
    strong: frozenset[str] = frozenset()  # topics a term (not only weak words) speaks for


def _evidence(t: _Text, hits: list[_Hit], vocab: Vocabulary) -> Evidence:
    """The weight of evidence per topic: one piece per word, a term said twice counted once, words covered by
    one of the topic's cancelling phrases left out."""
    vocab.compile()
    topical = [h for h in hits if h.pattern.topic and h.weight]
    if not topical:
        return Evidence({}, {}, frozenset())
    cancelled: dict[str, list[tuple[int, int]]] = {}
    folded = t.folded
    keys = {h.pattern.key for h in topical}  # a cancelling phrase matters only where its topic has evidence
    for key, phrase, needs in vocab._cancel:
        if key not in keys or _lacks(folded, needs):
            continue
        for m in phrase.finditer(folded):
            first, last = t.span(m.start(), m.end())
            if first <= last:
                cancelled.setdefault(key, []).append((first, last))
    # one piece of evidence per word and topic: the strongest and longest hit claims its words first, so
    # "vrijheid van meningsuiting" is not counted again as "meningsuiting"
    claimed: set[tuple[str, int]] = set()
    kept: dict[str, list[_Hit]] = {}
    said: dict[str, list[str]] = {}
    strong: set[str] = set()
    for h in sorted(topical, key=_claim_order):
        key, first, last = h.pattern.key, h.first, h.last
        if cancelled and any(a <= last and first <= b for a, b in cancelled.get(key, ())):
            continue
        if first == last:  # most hits: one word
            slot = (key, first)
            if slot in claimed:
                continue
            claimed.add(slot)
        else:
            span = [(key, i) for i in range(first, last + 1)]
            if any(slot in claimed for slot in span):
                continue
            claimed.update(span)
        kept.setdefault(key, []).append(h)
        said.setdefault(key, []).append(h.written)
        if h.pattern.weight >= TERM:  # a term, also as a part of a compound: not a weak word
            strong.add(key)
    weight: dict[str, float] = {}
    for key, found in kept.items():
        if len(found) == 1:
            weight[key] = found[0].weight
            continue
        # words next to each other name one thing: "Rode Kruis (ICRC)", "etnische Armeniërs" are one piece of
        # evidence; and a term said twice is still one term
        pieces: dict[frozenset[str], float] = {}
        runs: list[list[_Hit]] = []
        for hit in sorted(found, key=lambda x: x.first):
            if runs and hit.first <= runs[-1][-1].last + 1:
                runs[-1].append(hit)
            else:
                runs.append([hit])
        for run in runs:
            terms = frozenset(x.pattern.term for x in run)
            pieces[terms] = max(pieces.get(terms, 0.0), max(x.weight for x in run))
        weight[key] = sum(pieces.values())
    return Evidence(weight, {k: tuple(dict.fromkeys(v)) for k, v in said.items()}, frozenset(strong))


def _claim_order(h: _Hit) -> tuple[float, int, int]:
    return -h.weight, h.first - h.last, h.first


@dataclass(frozen=True)
class Tags:
    """What a passage was tagged with, and why."""

    topics: tuple[str, ...]
    countries: tuple[str, ...]
    triggers: dict[str, tuple[str, ...]]
    mentions: Counter[str]  # country and region mentions that count, for the document's main country


@dataclass(frozen=True)
class _Analysis:
    evidence: Evidence
    mentions: Counter[str]
    countries: tuple[str, ...]
    place_words: dict[str, list[str]]


def _analyse(text: str, vocab: Vocabulary) -> _Analysis:
    t = _Text(_clean(text), vocab)
    hits = _hits(t, vocab)
    evidence = _evidence(t, hits, vocab)
    places: dict[str, list[int]] = {}
    place_words: dict[str, list[str]] = {}
    for h in hits:
        if not h.pattern.topic and h.weight:
            places.setdefault(h.pattern.key, []).append(t.first + h.first)
            place_words.setdefault(h.pattern.key, []).append(h.written)
    mentions = _country_mentions(places, vocab)
    countries = tuple(sorted(mentions, key=lambda k: (-mentions[k], k)))
    return _Analysis(evidence, mentions, countries, place_words)


def tag_text(text: str, vocab: Vocabulary, domestic: bool = False) -> Tags:
    """Topics and countries of one text. In a `domestic` document a topic needs more evidence, unless the text
    itself names a country of origin."""
    return _decide(_analyse(text, vocab), vocab, domestic)


def _decide(a: _Analysis, vocab: Vocabulary, domestic: bool) -> Tags:
    evidence, mentions, countries, place_words = a.evidence, a.mentions, a.countries, a.place_words
    own_country = any(vocab.entries[k].origin for k in mentions)
    enough = ENOUGH_DOMESTIC if domestic and not own_country else ENOUGH
    topics: list[str] = []
    triggers: dict[str, tuple[str, ...]] = {}
    for entry in vocab._topics:
        weight = evidence.weight.get(entry.key, 0.0)
        why = evidence.words.get(entry.key, ())
        if weight >= enough:
            topics.append(entry.key)
            triggers[entry.key] = why
    for key in countries:
        triggers[key] = tuple(dict.fromkeys(place_words.get(key, ())))
    return Tags(tuple(topics), countries, triggers, mentions)


def _country_mentions(places: dict[str, list[int]], vocab: Vocabulary) -> Counter[str]:
    """Mentions that count: not those in a passing list of three or more countries."""
    flat = sorted((pos, key) for key, positions in places.items() for pos in positions)
    in_list: set[tuple[int, str]] = set()
    run: list[tuple[int, str]] = []
    for item in [*flat, (10**9, "")]:
        if run and item[0] - run[-1][0] > LIST_GAP:
            if len({k for _, k in run}) >= 3:
                in_list.update(run)
            run = []
        run.append(item)
    counts: Counter[str] = Counter()
    for pos, key in flat:
        if (pos, key) in in_list:
            continue
        counts[key] += 1
        entry = vocab.entries[key]
        if entry.kind == "regions" and entry.country:  # the region makes the passage about its country too
            counts[entry.country] = max(counts[entry.country], 1)
    # a country named for comparison ("ontwikkeld in Duitsland, Italië en Ierland") once is an example
    return Counter({k: c for k, c in counts.items() if c >= 2 or vocab.entries[k].origin})


def _main_countries(title: _Analysis, passages: list[_Analysis], vocab: Vocabulary) -> tuple[str, ...]:
    """The countries of origin a document is about: those of its title, else those most of its passages are
    about (at least two, so that one remark on another country does not make the whole document about it)."""
    origin = [k for k in title.countries if vocab.entries[k].origin]
    if origin:
        return tuple(origin)
    total: Counter[str] = Counter()
    for tags in passages:
        total.update(k for k in tags.mentions if vocab.entries[k].origin)
    counts = total.most_common()
    # a quarter of the passages: an export-credit document that names Egypt in three answers is not about Egypt
    enough = max(min(2, len(passages)), len(passages) / 4, counts[0][1] / 2) if counts else 0
    return tuple(k for k, c in counts if c >= enough)


def tag_document(doc: Document, vocab: Vocabulary) -> Document:
    """The document with topics, countries and triggers on every passage, and its main countries."""
    texts = [f"{p.heading}\n{p.text}" if p.heading else p.text for p in doc.passages]
    title = _analyse(doc.title or "", vocab)
    first = [_analyse(t, vocab) for t in texts]  # countries first: they decide what the document is about
    main = doc.countries or _main_countries(title, first, vocab)  # a sidecar's countries win
    # about domestic policy: names no country of origin anywhere, and no term in its title names a topic
    domestic = not main and not title.evidence.strong and not any(
        vocab.entries[k].origin for tags in first for k in tags.mentions)
    passages: list[Passage] = []
    for p, analysis in zip(doc.passages, first, strict=True):
        tags = _decide(analysis, vocab, domestic)
        countries, triggers = tags.countries, dict(tags.triggers)
        if not countries and main:  # names no country: about what the document is about
            countries = tuple(k for k in main if k in vocab.entries)
            triggers.update((k, ("(document)",)) for k in countries)
        passages.append(replace(p, topics=tags.topics, countries=countries, triggers=triggers))
    return replace(doc, passages=tuple(passages), countries=main)


def corpus_vocabulary(roots: list[Path]) -> Vocabulary:
    """The vocabulary for a corpus: the shipped one, extended by `vocabulary.toml` in the first corpus folder."""
    folder = next((r if r.is_dir() else r.parent for r in roots), Path("."))
    return load_vocabulary(folder / USER_VOCABULARY)


def resolve(value: str, vocab: Vocabulary, kinds: tuple[str, ...]) -> str:
    """A key from what a user typed: the key itself or its label, any case, accents optional."""
    wanted = fold(value).strip()
    for entry in vocab.entries.values():
        if entry.kind in kinds and wanted in (entry.key, fold(entry.label)):
            return entry.key
    return wanted
