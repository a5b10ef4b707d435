"""Dutch text analysis for the index: tokens, lower case, accents folded, stop words out, Snowball stems, and
sub-words of compounds for a weaker match ("leider oppositie" finds "oppositieleider")."""

from __future__ import annotations

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
)
from whoosh.support.charset import accent_map

# Bump when analysis changes: the index must then be rebuilt (`coi index --full` does it by itself).
ANALYSIS_VERSION = "2"

# Words with digits stay whole ("15c", "c7/5" is two); "LHBTIQ+" becomes "lhbtiq".
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
MIN_PART = 4  # the shortest sub-word of a compound that is indexed


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


class SubwordFilter(Filter):
    """At index time, each long token also yields its prefixes and suffixes of at least MIN_PART letters, so a
    compound is found by its parts. At query time tokens pass unchanged."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SubwordFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            yield t
            if t.mode != "index" or len(t.text) < 2 * MIN_PART or not t.text.isalpha():
                continue
            text = t.text
            for i in range(MIN_PART, len(text) - MIN_PART + 1):
                t.text = text[:i]
                yield t
                t.text = text[i:]
                yield t
            t.text = text


def _base() -> Analyzer:
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(lang="nl", minsize=2))


def dutch_analyzer() -> Analyzer:
    """The analyzer of the main text fields."""
    return _base() | DutchStemFilter()


def subword_analyzer() -> Analyzer:
    """The analyzer of the compound-part field (no positions, a weaker signal)."""
    return _base() | DutchStemFilter() | SubwordFilter()


def fold(text: str) -> str:
    """Lower case without accents: how facet values and filters compare ("Armenië" = "armenie")."""
    return text.lower().translate(accent_map)
