"""The tag stage: topics and countries for every passage, from a vocabulary users can read and extend.

Matching is on analysed words (folded, stemmed, stop words out), in one pass over each passage. Each tag keeps
the words that triggered it. A country named only in a passing list of three or more countries does not make
the passage about that country; the document's main countries are a document-level field.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from coi.analysis import DutchTokenizer, fold
from coi.errors import CoiError
from coi.model import Document, Passage

USER_VOCABULARY = "vocabulary.toml"  # in a corpus folder: extends the shipped vocabulary
SECTIONS = ("topics", "countries", "regions")
LIST_GAP = 2  # country names this close (in words) form a list


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


@dataclass(frozen=True)
class _Pattern:
    key: str
    words: tuple[str, ...]  # analysed words; the last may be a prefix
    prefix: bool
    weak: bool
    term: str


@dataclass
class Vocabulary:
    """Entries by key, and the patterns compiled for one-pass matching."""

    entries: dict[str, Entry]
    digest: str
    _first: dict[str, list[_Pattern]] = field(default_factory=dict)
    _prefixes: list[_Pattern] = field(default_factory=list)

    def __post_init__(self) -> None:
        tok = DutchTokenizer()
        for entry in self.entries.values():
            for weak, terms in ((False, entry.terms), (True, entry.weak)):
                for term in terms:
                    raw = term.rstrip("*")
                    # a prefix ("homoseksu*") is compared with the written word, folded: not with a stem
                    prefix = term.endswith("*") and " " not in raw
                    words = (fold(raw),) if prefix else tuple(t.text for t in tok(raw))
                    if not words:
                        continue
                    pattern = _Pattern(entry.key, words, prefix, weak, term)
                    if prefix and len(words) == 1:
                        self._prefixes.append(pattern)
                    else:
                        self._first.setdefault(words[0], []).append(pattern)

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
            unknown = set(spec) - {"label", "terms", "weak", "country", "replace"}
            if unknown:
                raise fail(full, f"has unknown field {sorted(unknown)[0]!r}; use label, terms, weak, country")
            for name in ("terms", "weak"):
                value = spec.get(name, [])
                if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
                    raise fail(f"{full}.{name}", "must be a list of non-empty strings")
            for name in ("label", "country"):
                if name in spec and not isinstance(spec[name], str):
                    raise fail(f"{full}.{name}", "must be a string")
            if not isinstance(spec.get("replace", False), bool):
                raise fail(f"{full}.replace", "must be true or false")
            entry = Entry(key, section, spec.get("label", ""), tuple(spec.get("terms", [])),
                          tuple(spec.get("weak", [])), spec.get("country"))
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
    digest = hashlib.sha256(shipped.encode())
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
                                       weak=base.weak + entry.weak, country=entry.country or base.country)
    for entry in entries.values():
        if entry.kind == "regions" and entry.country not in entries:
            raise VocabularyError(f"region {entry.key!r} names country {entry.country!r}, which is not in the "
                                  f"vocabulary")
    return Vocabulary(entries, digest.hexdigest()[:16])


# --------------------------------------------------------------------------------------------- matching

@dataclass(frozen=True)
class Tags:
    """What a passage was tagged with, and why."""

    topics: tuple[str, ...]
    countries: tuple[str, ...]
    triggers: dict[str, tuple[str, ...]]
    mentions: Counter[str]  # country and region mentions that count, for the document's main country


def tag_text(text: str, vocab: Vocabulary) -> Tags:
    """Topics and countries of one text, in one pass over its analysed words."""
    tokens = [(t.text, t.original, t.pos) for t in DutchTokenizer()(text, positions=True, keeporiginal=True)]
    stems = [s for s, _, _ in tokens]
    hits: list[tuple[_Pattern, int, str]] = []  # pattern, position, words as written
    for i, (stem, _, _) in enumerate(tokens):
        for p in vocab._first.get(stem, ()):
            n = len(p.words)
            if tuple(stems[i:i + n]) == p.words:
                hits.append((p, tokens[i][2], " ".join(o for _, o, _ in tokens[i:i + n])))
        written = fold(tokens[i][1])
        for p in vocab._prefixes:
            if written.startswith(p.words[0]):
                hits.append((p, tokens[i][2], tokens[i][1]))
    strong: dict[str, list[str]] = {}
    weak: dict[str, set[tuple[str, ...]]] = {}  # distinct weak words ("ngo" and "ngo's" are one)
    places: dict[str, list[int]] = {}
    for p, pos, written in hits:
        entry = vocab.entries[p.key]
        if entry.kind == "topics" and p.weak:
            weak.setdefault(p.key, set()).add(p.words)
            strong.setdefault(f"\0weak:{p.key}", []).append(written)
        elif entry.kind == "topics":
            strong.setdefault(p.key, []).append(written)
        else:
            places.setdefault(p.key, []).append(pos)
            strong.setdefault(p.key, []).append(written)
    topics = [e.key for e in vocab.topics()
              if e.key in strong or len(weak.get(e.key, ())) >= 2]
    mentions = _country_mentions(places, vocab)
    countries = sorted(mentions, key=lambda k: (-mentions[k], k))
    triggers: dict[str, tuple[str, ...]] = {}
    for key in topics + countries:
        words = strong.get(key, []) + strong.get(f"\0weak:{key}", [])
        triggers[key] = tuple(dict.fromkeys(words))
    return Tags(tuple(topics), tuple(countries), triggers, mentions)


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
    return counts


def tag_document(doc: Document, vocab: Vocabulary) -> Document:
    """The document with topics, countries and triggers on every passage, and its main countries."""
    passages: list[Passage] = []
    total: Counter[str] = Counter()
    for p in doc.passages:
        # the heading counts: a section's title, or for an answer the question it answers
        tags = tag_text(f"{p.heading}\n{p.text}" if p.heading else p.text, vocab)
        total.update(set(tags.mentions))  # passages that are about a country, not how often it is named
        passages.append(replace(p, topics=tags.topics, countries=tags.countries, triggers=tags.triggers))
    main = doc.countries  # a sidecar's countries win
    counts = [(k, c) for k, c in total.most_common() if vocab.entries[k].kind == "countries"]
    if not main and counts:
        main = tuple(k for k, c in counts if c >= counts[0][1] / 2)
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
