"""Dutch words from a real lexicon: lemmas and compound parts, from simplemma's Dutch dictionary (about 370,000
word forms, each with its lemma).

Input words are lower case and accent-folded, as coi.analysis folds them; so are the lexicon's forms here.

simplemma decodes its dictionary in pure Python (seconds), too slow for every `coi search`. The folded lexicon is
therefore written once to a sorted file in the user's cache directory and read from there: a query looks up its
few words by binary search over the bytes of the memory-mapped file (nothing read at start-up), while indexing
(many words) loads the whole file into a dict with `preload()`. If no cache directory is writable, the dict is
built in memory.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from whoosh.support.charset import accent_map

MIN_PART = 4  # the shortest part a compound is split into (shorter heads: "rege" in "regering")
# Linking letters between the parts of a Dutch compound: oorlog-s-misdaad, vrouw-en-rechten, ziekt-e-kosten,
# kind-er-opvang. A head is taken with its linking letters left off.
LINKS = ("", "s", "en", "e", "er")
# Words that begin many words without being a part of their meaning ("onderzoek" is no "zoek" under anything):
# a head that is one of these does not split a word. Prepositions and adverbs, the Dutch verbal prefixes.
_NOT_HEADS = frozenset(["aan", "achter", "af", "bij", "binnen", "boven", "buiten", "door", "in", "mee", "met", "na",
                        "naar", "om", "onder", "op", "over", "rond", "samen", "tegen", "terug", "toe", "tussen",
                        "uit", "voor", "voorbij", "voort", "weg"])


# Lower case without accents (whoosh's accent map), and one character that stands for two letters written as the
# two: the Dutch "ĳ" of official XML and typeset PDFs ("bĳ", "vrĳheid") and a typesetter's ligatures ("ofﬁcieel")
# are the words an officer types ("bij", "vrijheid", "officieel"). Every fold of coi's analysis goes through this.
FOLD_MAP: dict[int, str] = {**accent_map, **{ord(one): two for one, two in (
    ("ĳ", "ij"), ("ﬀ", "ff"), ("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬃ", "ffi"), ("ﬄ", "ffl"), ("ﬅ", "st"), ("ﬆ", "st"))}}


def _fold(word: str) -> str:
    return word.lower().translate(FOLD_MAP)


@lru_cache(maxsize=1)
def data_version() -> str:
    """The version of the lexicon's data: simplemma's (its Dutch dictionary ships with it). Read from the name of
    its installed metadata folder beside it: importlib.metadata (with the email, zipfile and csv modules) took
    50 ms of every new search process; through importlib.metadata where there is no such folder."""
    from importlib.util import find_spec

    spec = find_spec("simplemma")
    if spec is not None and spec.origin:
        found = list(Path(spec.origin).parent.parent.glob("simplemma-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix("simplemma-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("simplemma")


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory (a bare service account): a shared temporary folder
            base = tempfile.gettempdir()
    return Path(base) / "coi" / f"lexicon-nl-simplemma-{data_version()}.tsv"


def _build_lines() -> list[bytes]:
    """The lexicon as sorted lines `form<TAB>lemma`, both folded; the first of several forms that fold alike."""
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    entries: dict[str, str] = {}
    for form, lemma in DefaultDictionaryFactory(cache_max_size=1).get_dictionary("nl").items():
        key = _fold(form)
        if "\t" in key or "\n" in key or key in entries:
            continue
        entries[key] = _fold(lemma)
    return [f"{k}\t{v}\n".encode() for k, v in sorted(entries.items())]


class _Lexicon:
    """Lookups of folded forms: a dict once preloaded, else a binary search in the cached sorted file."""

    def __init__(self) -> None:
        self._dict: dict[str, str] | None = None
        self._map: mmap.mmap | None = None

    def _open(self) -> None:
        path = _cache_file()
        if not path.exists():
            lines = _build_lines()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # written whole, then renamed: a concurrent reader never sees half a file
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-")
                with os.fdopen(fd, "wb") as fh:
                    fh.writelines(lines)
                os.replace(tmp, path)
            except OSError:  # no writable cache: keep it in memory for this process
                self._dict = dict(line.decode().rstrip("\n").split("\t", 1) for line in lines)
                return
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def preload(self) -> None:
        """Read the whole lexicon into memory: for indexing, which looks up every distinct word of a corpus."""
        if self._dict is not None:
            return
        if self._map is None:
            self._open()
        if self._map is not None:
            text = self._map[:].decode()
            self._dict = dict(line.split("\t", 1) for line in text.splitlines())

    def get(self, word: str) -> str | None:
        if self._dict is not None:
            return self._dict.get(word)
        if self._map is None:
            self._open()
            if self._dict is not None:
                return self._dict.get(word)
        data = self._map
        assert data is not None
        target = word.encode()
        # binary search over the bytes of the sorted file: `lo` and `hi` are always line starts
        lo, hi = 0, len(data)
        while lo < hi:
            start = data.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
            tab = data.find(b"\t", start)
            end = data.find(b"\n", tab)
            end = len(data) if end == -1 else end
            key = data[start:tab]
            if key < target:
                lo = end + 1
            elif key > target:
                hi = start
            else:
                return data[tab + 1:end].decode()
        return None


_LEXICON = _Lexicon()


def preload() -> None:
    """Load the whole lexicon into memory (a second or two): worth it before analysing a corpus."""
    _LEXICON.preload()


def known(word: str) -> bool:
    """Whether a folded word form is in the lexicon."""
    return _LEXICON.get(word) is not None


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The lemma of a folded word form ("situaties" -> "situatie", "vervolgd" -> "vervolgen"), or the word itself
    when the lexicon does not know it. The lexicon errs on some words ("gevangenen" -> "vangen"): callers use the
    lemma beside the word, never instead of it."""
    found = _LEXICON.get(word)
    # multi-word lemmas are written with "_" ("dienstplicht" -> "dienst_plicht"): one word here
    return found.replace("_", "") if found else word


def _head(head: str) -> str | None:
    """`head` as the first part of a compound, without its linking letters: a lemma ("mensen" -> "mens",
    "staats" -> "staat"), else a form that begins as its lemma does ("geloof" of "geloven"); never a form of
    another stem ("rege" of "rijgen" would split "regering")."""
    for link in LINKS:
        part = head[: len(head) - len(link)] if head.endswith(link) else ""
        if len(part) >= MIN_PART and part not in _NOT_HEADS and _LEXICON.get(part) == part:
            return part
    found = _LEXICON.get(head)
    if found is not None and head not in _NOT_HEADS and found[:MIN_PART] == head[:MIN_PART]:
        return head
    return None


@lru_cache(maxsize=200_000)
def _split(word: str, inflected: bool = True) -> tuple[str, str] | None:
    """A compound without hyphens as (head, rest): the head a lemma without its linking letters, the rest a word
    form or itself a compound. Of several readings the longest head wins, then a rest that is one word ("kind" +
    "opvang", not "kind" + "er" + "op" + "vang"), then the longest rest ("strafbaar" + "stelling", not "strafbaar"
    + "s" + "telling"). None when it does not split."""
    best: tuple[int, bool, int, str, str] | None = None
    for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        rest = word[i:]
        head = _head(word[:i])
        if head is None or (best is not None and len(head) < best[0]):
            continue
        whole = _part(rest)
        if whole or _split(rest):
            best = max(best or (0, False, 0, "", ""), (len(head), whole, len(rest), head, rest))
    if best is None:
        return None
    head, rest = best[3], best[4]
    # An inflected form splits only where its lemma splits too: "personen" (lemma "persoon") is no "pers" +
    # "onen", while "politieagenten" (lemma "politieagent") is "politie" + "agenten".
    base = _LEXICON.get(word)
    if inflected and base is not None and base != word and not base.startswith(word) and "_" not in base:
        split = _split(base, inflected=False)
        if split is None or split[0] != head:
            return None
    return head, rest


def _part(rest: str) -> bool:
    """Whether `rest` can end a compound: a word form whose lemma begins as it does (an inflection: "misdaden"
    of "misdaad"), not a stray form of a short word ("enen" of "een" would split "gevangenen")."""
    found = _LEXICON.get(rest)
    return found is not None and len(found) >= MIN_PART and found[:3] == rest[:3]


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> list[str]:
    """The parts of a folded compound word, for finding it by its parts and its parts by it:
    "mensenrechtenverdedigers" -> ["mensenrecht", "verdedigers", "mens", "recht"] (the two parts, then the parts
    of each part), "persvrijheid" -> ["pers", "vrijheid"], "eu-lidstaten" -> ["eu", "lidstaten"],
    "lhbtiq+-personen" -> ["lhbtiq", "personen"]. A word that is no compound gives []. Heads lose their linking
    letters ("oorlogsmisdaden" -> ["oorlog", "misdaden"]); the last part keeps the word's inflection.
    """
    if "-" in word:
        pieces = ["".join(c for c in p if c.isalnum()) for p in word.split("-")]
        out = [p for p in pieces if p]
        if len(out) < 2:
            return []
    else:
        split = _split(word)
        if split is None:
            return []
        out = list(split)
    for p in list(out):
        out += [q for q in split_compound(p) if q not in out]
    return out


@lru_cache(maxsize=50_000)
def leaves(word: str) -> list[str]:
    """The smallest parts of a folded compound, in order ("mensenrechtenverdedigers" -> ["mens", "recht",
    "verdedigers"]); [word] when it does not split. A query word written together finds the parts written apart
    by all of these."""
    if "-" in word:
        pieces = ["".join(c for c in p if c.isalnum()) for p in word.split("-")]
        return [leaf for p in pieces if p for leaf in leaves(p)] or [word]
    split = _split(word)
    if split is None:
        return [word]
    return leaves(split[0]) + leaves(split[1])
