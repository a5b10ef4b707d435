"""Dutch text analysis for the index: tokens, lower case, accents folded, stop words out, Snowball stems, and
reversed long words so compounds are found by their parts ("leider oppositie" finds "oppositieleider").

Beside each word's own stem the index holds, at the same position, the stem of its lemma ("situaties" ->
"situatie", "vervolgd" -> "vervolgen" -> "vervolg" as "vervolging") and the stems of its compound parts
("persvrijheid" -> "pers", "vrijheid"), from coi.lexicon. The own stem is always kept: the lemmatizer errs on
some words ("gevangenen" -> "vangen"), and an extra form can only add matches, never lose one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import Stemmer  # PyStemmer: the Snowball C library; ~27x faster than whoosh's pure-Python Dutch stemmer
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
    Tokenizer,
)

from coi import lexicon
from coi.lexicon import FOLD_MAP

# Bump when analysis changes: the index must then be rebuilt (`coi index --full` does it by itself).
ANALYSIS_VERSION = "6"  # 5: lemma stems and compound parts beside each word's stem; 6: "ĳ" and ligatures folded

# Words with digits stay whole ("15c", "c7/5" is two); "LHBTIQ+" becomes "lhbtiq".
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
MIN_PART = 4  # the shortest part of a compound that a query word may match


# "dutch_porter" is the classic Snowball Dutch stemmer, the algorithm of whoosh's LanguageAnalyzer("nl") (same
# stems), in C. Snowball's newer "dutch" is more aggressive ("hongerstaking" -> "honrstaak").
_ALGORITHM = "dutch_porter"


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The Dutch stem of one lower-case word."""
    return _STEMMER.stemWord(word)


_STEMMER = Stemmer.Stemmer(_ALGORITHM)

# The analysis by name and version, as the index records it: coi's own version of the analysis, the Snowball
# algorithm (by name) and the lexicon's data (simplemma's version). An index built with another is rebuilt.
ANALYZER_NAME = f"coi-dutch-{ANALYSIS_VERSION}+snowball-{_ALGORITHM}+simplemma-{lexicon.data_version()}"


@lru_cache(maxsize=200_000)
def base_form(word: str) -> str:
    """The lemma of a folded word, taken one derivation further where Dutch does it regularly: a verb in -eren to
    its noun in -atie when the lexicon has that noun ("gedeporteerd" -> "deporteren" -> "deportatie",
    "gediscrimineerd" -> "discriminatie"), so that participle, verb and noun share a stem."""
    base = lexicon.lemma(word)
    if base.endswith("eren") and len(base) > 6:
        noun = base[:-4] + "atie"
        if lexicon.known(noun):
            return noun
    if base.endswith("je") and len(base) > 5:
        # a diminutive to its noun, where the lexicon has that as a lemma: "huisje" -> "huis", "kindje" ->
        # "kind", "vrouwtje" -> "vrouw", "boompje" -> "boom", "mannetje" -> "man"
        for cut in (2, 3, 4, 5):
            noun = base[:-cut]
            # "mannetje": a doubled consonant before -etje ("man"); else no noun under four letters ("meisje")
            doubled = cut == 5 and noun[-1] == base[-cut]
            if (doubled or (cut < 5 and len(noun) >= 4)) and lexicon.lemma(noun) == noun and lexicon.known(noun):
                return noun
    return base


@lru_cache(maxsize=200_000)
def word_forms(word: str) -> tuple[str, ...]:
    """The terms a folded, non-stop word is indexed as: its own stem first, then the stem of its base form and
    the stems (own and base) of its compound parts, each once."""
    own = stem_word(word)
    out = [own]
    if not word.isalpha():
        return tuple(out)
    for w in (word, *lexicon.split_compound(word)):
        for form in (w, base_form(w)):
            if len(form) >= 2 and form not in _STOPS:
                term = stem_word(form)
                if term not in out:
                    out.append(term)
    return tuple(out)


class DutchStemFilter(Filter):
    """Snowball Dutch stems, cached per word."""

    def __init__(self) -> None:
        self._stem = stem_word

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DutchStemFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self._stem
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t

    def __getstate__(self) -> dict[str, Any]:  # the index pickles its schema; the cache is not part of it
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]


class DutchFormsFilter(Filter):
    """Each word's own stem, then its other forms (see `word_forms`) at the same position and offsets."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DutchFormsFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.stopped:
                yield t
                continue
            for form in word_forms(t.text):
                t.text = form
                yield t


class ReverseFilter(Filter):
    """Long tokens reversed, others dropped: the index of word endings. A query word then finds the compounds
    that end in it ("leider" -> "oppositieleider") by a prefix search on its reverse, without indexing every
    sub-word of every compound."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReverseFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if len(t.text) >= 2 * MIN_PART and t.text.isalpha():
                t.text = t.text[::-1]
                yield t


# whoosh's Dutch stop words and its English ones, as StopFilter(lang="nl") has them
_STOPS = frozenset(StopFilter(lang="nl").stops)
STOP_WORDS = _STOPS


_WORD = re.compile(TOKEN_PATTERN)
_TERMS: dict[str, str] = {}  # a word as written -> its folded form, or "" for a stop word
_TERMS_MAX = 1_000_000  # words remembered (a few tens of MB); then the memory starts again
# the last value analysed for indexing: its folded words, the position of the first one, their stems
_last: tuple[str, list[str], int, list[str]] = ("", [], 0, [])


def _term(word: str) -> str:
    folded = word.lower().translate(FOLD_MAP)
    kept = "" if len(folded) < 2 or folded in _STOPS else folded
    if len(_TERMS) >= _TERMS_MAX:
        _TERMS.clear()
    _TERMS[word] = kept
    return kept


def _index_words(value: str) -> tuple[list[str], int, list[str]]:
    """The folded words of `value` in order with stop words left out, the position of the first, their stems;
    computed once per value: the text field and its word-endings field analyse the same text one after the
    other."""
    global _last
    last = _last  # one read: another thread may replace it
    if value == last[0]:
        return last[1], last[2], last[3]
    known = _TERMS.get
    raw = [t if (t := known(w)) is not None else _term(w) for w in _WORD.findall(value)]
    first = next((i for i, word in enumerate(raw) if word), 0)
    words = [word for word in raw if word]
    stems = [stem_word(word) for word in words]
    _last = (value, words, first, stems)
    return words, first, stems


PRELOAD_AFTER = 2000  # values analysed for indexing (a few hundred passages) before the lexicon is read in whole
_indexed = 0


def index_terms(value: str) -> tuple[list[str], int]:
    """The stems of the words of `value` in order, stop words left out, and the position of the first one."""
    _, first, stems = _index_words(value)
    return stems, first


def index_forms(value: str) -> tuple[list[tuple[str, ...]], int]:
    """Per word of `value` (stop words left out) the terms it is indexed as (`word_forms`), and the position of
    the first word."""
    global _indexed
    if _indexed <= PRELOAD_AFTER:
        # indexing many values looks up every distinct word: then the whole lexicon in memory pays off; re-indexing
        # one document does not (reading it in was half of that run's time)
        _indexed += 1
        if _indexed > PRELOAD_AFTER:
            lexicon.preload()
    words, first, _ = _index_words(value)
    return [word_forms(word) for word in words], first


class DutchTokenizer(Tokenizer):
    """Tokens, lower case, accents folded, Dutch stop words out, Snowball stems: in one pass.

    The same tokens, positions and offsets as RegexTokenizer | LowercaseFilter | CharsetFilter(FOLD_MAP) |
    StopFilter(lang="nl") | StemFilter, without five layers of Python generators per token: a build spends a
    third of its time in analysis. Indexing (stop words removed, no offsets) takes its stems from index_terms.
    """

    def __init__(self) -> None:
        self.expression = _WORD

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DutchTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stem = stem_word
        if not tokenize:  # a wildcard or prefix: the whole value is one term
            word = value.lower().translate(FOLD_MAP)
            t.original = value
            t.text = stem(word) if len(word) >= 2 and word not in _STOPS else word
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        if removestops and not chars and not keeporiginal:
            t.boost, t.stopped = 1.0, False
            at = start_pos
            if mode == "index":  # the index holds every form of a word at its position
                forms, first = index_forms(value)
                at += first
                for terms in forms:
                    for t.text in terms:
                        if positions:
                            t.pos = at
                        yield t
                    at += 1
                return
            stems, first = index_terms(value)
            at += first
            for t.text in stems:
                if positions:
                    t.pos = at
                    at += 1
                yield t
            return
        pos: int | None = None
        for i, match in enumerate(self.expression.finditer(value)):
            word = match.group(0).lower().translate(FOLD_MAP)
            stopped = len(word) < 2 or word in _STOPS
            if stopped and removestops:
                continue
            t.boost = 1.0
            t.stopped = stopped
            if keeporiginal:
                t.original = match.group(0)
            if stopped:
                t.text = word
                if positions:
                    t.pos = start_pos + i
            else:
                t.text = stem(word)
                if positions:
                    pos = start_pos + i if pos is None else pos + 1
                    t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class ReverseTokenizer(Tokenizer):
    """DutchTokenizer | ReverseFilter in one pass, reusing the stems of the text field's analysis."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReverseTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        if chars or keeporiginal or not removestops or not tokenize:
            chain = DutchTokenizer() | ReverseFilter()
            yield from chain(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                             removestops=removestops, start_pos=start_pos, start_char=start_char,
                             tokenize=tokenize, mode=mode, **kwargs)
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost, t.stopped = 1.0, False
        stems, first = index_terms(value)
        for i, stem in enumerate(stems):
            if len(stem) >= 2 * MIN_PART and stem.isalpha():
                t.text = stem[::-1]
                if positions:
                    t.pos = start_pos + first + i
                yield t


def reference_analyzer() -> Analyzer:
    """The filter chain that DutchTokenizer does in one pass (kept to test that they agree)."""
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(FOLD_MAP)
            | StopFilter(lang="nl", minsize=2) | DutchStemFilter())


def reference_index_analyzer() -> Analyzer:
    """The filter chain that DutchTokenizer does in one pass when indexing: every form of each word."""
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(FOLD_MAP)
            | StopFilter(lang="nl", minsize=2) | DutchFormsFilter())


def dutch_analyzer() -> Analyzer:
    """The analyzer of the main text fields."""
    return DutchTokenizer()


def reverse_analyzer() -> Analyzer:
    """The analyzer of the word-endings field (no positions, a weaker signal)."""
    return ReverseTokenizer()


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match[str]) -> str:
    return match.group(0).translate(FOLD_MAP)


def fold(text: str) -> str:
    """Lower case without accents: how facet values and filters compare ("Armenië" = "armenie"). Only the
    non-ASCII runs go through the accent map (after lower(), it leaves ASCII as it is): a third of the time of
    translating every character, and the tagger folds every passage."""
    lowered = text.lower()
    return lowered if lowered.isascii() else _NON_ASCII.sub(_fold_run, lowered)
