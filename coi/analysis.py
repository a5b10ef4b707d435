"""Dutch text analysis for the index: tokens, lower case, accents folded, stop words out, Snowball stems, and
reversed long words so compounds are found by their parts ("leider oppositie" finds "oppositieleider")."""

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
from whoosh.support.charset import accent_map

# Bump when analysis changes: the index must then be rebuilt (`coi index --full` does it by itself).
ANALYSIS_VERSION = "4"

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


_WORD = re.compile(TOKEN_PATTERN)
_TERMS: dict[str, str] = {}  # a word as written -> its stem, or "" for a stop word
_TERMS_MAX = 1_000_000  # words remembered (a few tens of MB); then the memory starts again
_last: tuple[str, list[str], int] = ("", [], 0)  # the last value analysed for indexing, its stems, first index


def _term(word: str) -> str:
    folded = word.lower().translate(accent_map)
    stem = "" if len(folded) < 2 or folded in _STOPS else stem_word(folded)
    if len(_TERMS) >= _TERMS_MAX:
        _TERMS.clear()
    _TERMS[word] = stem
    return stem


def index_terms(value: str) -> tuple[list[str], int]:
    """The stems of the words of `value` in order, stop words left out, and the position of the first one.

    What DutchTokenizer yields when indexing (no offsets), computed once per value: the text field and its
    word-endings field analyse the same passage text one after the other.
    """
    global _last
    last = _last  # one read: another thread may replace it
    if value == last[0]:
        return last[1], last[2]
    terms = _TERMS
    raw = [terms[w] if w in terms else _term(w) for w in _WORD.findall(value)]
    first = next((i for i, stem in enumerate(raw) if stem), 0)
    stems = [stem for stem in raw if stem]
    _last = (value, stems, first)
    return stems, first


class DutchTokenizer(Tokenizer):
    """Tokens, lower case, accents folded, Dutch stop words out, Snowball stems: in one pass.

    The same tokens, positions and offsets as RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map) |
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
            word = value.lower().translate(accent_map)
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
            stems, first = index_terms(value)
            t.boost, t.stopped = 1.0, False
            at = start_pos + first
            for t.text in stems:
                if positions:
                    t.pos = at
                    at += 1
                yield t
            return
        pos: int | None = None
        for i, match in enumerate(self.expression.finditer(value)):
            word = match.group(0).lower().translate(accent_map)
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
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(lang="nl", minsize=2) | DutchStemFilter())


def dutch_analyzer() -> Analyzer:
    """The analyzer of the main text fields."""
    return DutchTokenizer()


def reverse_analyzer() -> Analyzer:
    """The analyzer of the word-endings field (no positions, a weaker signal)."""
    return ReverseTokenizer()


def fold(text: str) -> str:
    """Lower case without accents: how facet values and filters compare ("Armenië" = "armenie")."""
    return text.lower().translate(accent_map)
