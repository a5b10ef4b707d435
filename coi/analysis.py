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


class DutchTokenizer(Tokenizer):
    """Tokens, lower case, accents folded, Dutch stop words out, Snowball stems: in one pass.

    The same tokens, positions and offsets as RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map) |
    StopFilter(lang="nl") | StemFilter, without five layers of Python generators per token: a build spends a
    third of its time in analysis.
    """

    def __init__(self) -> None:
        self.expression = re.compile(TOKEN_PATTERN)

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


def reference_analyzer() -> Analyzer:
    """The filter chain that DutchTokenizer does in one pass (kept to test that they agree)."""
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(lang="nl", minsize=2) | DutchStemFilter())


def dutch_analyzer() -> Analyzer:
    """The analyzer of the main text fields."""
    return DutchTokenizer()


def reverse_analyzer() -> Analyzer:
    """The analyzer of the word-endings field (no positions, a weaker signal)."""
    return DutchTokenizer() | ReverseFilter()


def fold(text: str) -> str:
    """Lower case without accents: how facet values and filters compare ("Armenië" = "armenie")."""
    return text.lower().translate(accent_map)
