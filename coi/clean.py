"""Cleaning: page furniture out of the body (its values kept as metadata), and lines joined back into text.

Furniture is what a page repeats or what sits beside the text: running headers and footers, page numbers,
letterhead, the side column of a memo or letter with its labelled fields ("Datum", "Onze referentie").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from coi.dates import normalise_vergaderjaar, parse_date
from coi.lines import MARK_CLOSE, MARK_OPEN, MARK_RE, Line

_LONE_NUMBER = re.compile(r"^\d{1,3}$|^-\s?\d{1,3}\s?-$")  # a page number (not in the header)
# Lines that are furniture wherever they are, by the rule that names them; a named group keeps a value as
# metadata. The rule names are reported by the coverage check (coi.coverage).
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("running footer", re.compile(
        r"^Tweede Kamer,? vergaderjaar (?P<vergaderjaar>\d{4}\s*[–-]\s*\d{4}),? Aanhangsel( \d+)?$", re.I)),
    ("running footer", re.compile(r"^’?'?s-Gravenhage \d{4}\s+Tweede Kamer.*$", re.I)),
    ("identifier line", re.compile(r"^a?h[ -]tk[ -](?P<ah_jaar>\d{8})[ -](?P<ah_nr>\d+)$", re.I)),
    ("identifier line", re.compile(r"^kst[ -]\d+[ -]?\S*$", re.I)),
    ("identifier line", re.compile(r"^ISSN\s*\d{4}\s*-\s*\d{3}[\dX]$", re.I)),
    ("page number", re.compile(r"^Pagina \d+ van \d+$", re.I)),
    ("page number", _LONE_NUMBER),
    ("letterhead address", re.compile(r"^Postbus \d+$", re.I)),
    ("letterhead address", re.compile(r"^>?\s*Retouradres\b.*$", re.I)),  # the sender's address above the addressee
    ("letterhead address", re.compile(r"^\d{4}\s?[A-Z]{2}\s+[A-Z'’][\w'’ -]+$")),  # postcode and town
    ("letterhead address", re.compile(r"^[A-Z][a-z]+(straat|markt|plein|laan|weg|gracht|kade|hof|park)\s+\d+[a-z]?$")),
    # a letterhead's site, not a cited page
    ("letterhead address", re.compile(r"^(https?://)?www\.rijksoverheid\.nl(/[a-z]+)?$", re.I)),
    ("letterhead address", re.compile(r"^(T|F)\s*\+?\d[\d -]*$")),  # phone and fax in a letterhead
    # Woo redaction codes on a line of their own
    # ("5.1.2e", "5.1.2 i", "10.2.e"): the letter is what tells a code from a section number ("4.2.1")
    ("redaction code", re.compile(r"^(\d{1,2}\.\d(?:\.\d{1,2})?\.?\s?[a-z]\b[\s,]*)+$")),
]
_FURNITURE = [rx for _, rx in _RULES]


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that matches where any of `patterns` matches (each with its own flags, groups unnamed)."""
    alternatives = []
    for rx in patterns:
        assert not rx.flags & ~(re.I | re.U), f"{rx.pattern}: only re.I can be carried into an alternative"
        # group numbers change when patterns are put side by side: a backreference would point elsewhere
        assert not re.search(r"\(\?P=|\\[1-9]", rx.pattern), f"{rx.pattern}: a backreference cannot be combined"
        unnamed = re.sub(r"\(\?P<\w+>", "(?:", rx.pattern)
        alternatives.append(f"(?{'i' if rx.flags & re.I else ''}:{unnamed})")
    return re.compile("|".join(alternatives))


# Most lines are text, not furniture: one match of all the rules at once tells them apart, where trying each
# rule in turn made 14 matches a line (a fifth of cleaning)
_ANY_RULE = _any_of(_FURNITURE)

# Side-column labels, and what their value looks like; the value becomes metadata.
_DATE_VALUE = "date"
_REF_VALUE = re.compile(r"^[A-Z0-9][A-Za-z0-9/._\- ]{3,40}$")
_COUNT_VALUE = re.compile(r"^\d{1,3}$")
LABELS: dict[str, tuple[str, object]] = {
    "datum": ("datum", _DATE_VALUE),
    "onze referentie": ("referentie", _REF_VALUE),
    "ons kenmerk": ("kenmerk", _REF_VALUE),
    "kenmerk": ("kenmerk", _REF_VALUE),
    "referentie": ("referentie", _REF_VALUE),
    "uw kenmerk": ("uw_kenmerk", _REF_VALUE),
    "uw referentie": ("uw_kenmerk", _REF_VALUE),
    "bijlage(n)": ("bijlagen", _COUNT_VALUE),
    "bijlagen": ("bijlagen", _COUNT_VALUE),
    "aantal bijlagen": ("bijlagen", _COUNT_VALUE),
}
# Labels whose values are names or redacted: the label line goes, the value (if any) is left to the genre.
BARE_LABELS = {"opgesteld door", "contactpersoon", "lijnparaaf", "medeparaaf", "samengewerkt met",
               "afgestemd met", "in afschrift aan", "retouradres", "nota actief openbaar"}


def is_furniture(text: str) -> bool:
    """Whether a line is page furniture wherever it stands (a running footer, an identifier, an address)."""
    return any(rx.match(text) for rx in _FURNITURE if rx is not _LONE_NUMBER)


@dataclass
class Cleaned:
    """The body lines left after furniture removal, and the values the furniture held."""

    lines: list[Line]
    fields: dict[str, str] = field(default_factory=dict)
    letterhead: list[str] = field(default_factory=list)  # repeated side-column lines, first occurrence order
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, line text) of every line dropped


def _norm(text: str) -> str:
    # str.split() splits at exactly the characters regex \s matches (str.isspace); it is several times faster
    # than re.sub(r"\s+", " ", text).strip(), and this runs for every line, several times over
    return " ".join(text.split()).lower()


def remove_furniture(lines: list[Line]) -> Cleaned:
    """Drop running headers, footers, page numbers, letterhead and side-column fields; keep their values."""
    fields: dict[str, str] = {}
    drop: list[str | None] = [None] * len(lines)  # the rule that dropped each line
    seen = 0
    for i, line in enumerate(lines):
        seen += bool(line.text)
        if not _ANY_RULE.match(line.text):
            continue
        for rule, rx in _RULES:
            if rx is _LONE_NUMBER and seen <= 12:
                continue
            m = rx.match(line.text)
            if m:
                drop[i] = rule
                for key, value in m.groupdict().items():
                    if value:
                        fields.setdefault(key, value)
                break
    norms = [_norm(line.text) for line in lines]  # each line normalised once: the steps below compare them
    _labelled_fields(lines, norms, drop, fields)
    _running_lines(lines, norms, drop)
    letterhead = _repeated_blocks(lines, norms, drop)
    # what runs on every page is letterhead too: the directorate beside the text names the issuing body
    running = [line.text for line, d in zip(lines, drop, strict=True) if d == "running header or footer"]
    letterhead = list(dict.fromkeys(running + letterhead))
    for i, line in enumerate(lines):  # what the layout put in a side column never reaches the body
        if line.zone == "sidebar" and not drop[i]:
            drop[i] = "side column"
            if line.text not in letterhead:
                letterhead.append(line.text)
    # A page start must survive on the first kept line of the page.
    out: list[Line] = []
    pending_start = False
    removed: list[tuple[str, str]] = []
    for line, d in zip(lines, drop, strict=True):
        if d:
            removed.append((d, line.text))
            pending_start = pending_start or line.page_start
            continue
        if pending_start and line.text:
            line = Line(line.text, line.page, True, line.heading, line.zone)
            pending_start = False
        out.append(line)
    if "vergaderjaar" in fields:
        fields["vergaderjaar"] = normalise_vergaderjaar(fields["vergaderjaar"]) or fields["vergaderjaar"]
    return Cleaned(out, fields, letterhead, removed)


def _next_nonblank(lines: list[Line], i: int, limit: int = 3) -> int | None:
    for j in range(i + 1, min(len(lines), i + 1 + limit)):
        if lines[j].text:
            return j
    return None


def _shape_ok(shape: object, value: str) -> bool:
    if shape == _DATE_VALUE:
        return parse_date(value) is not None and len(value) < 40
    assert isinstance(shape, re.Pattern)
    return shape.match(value) is not None


_INLINE = re.compile(r"^(datum|ons kenmerk|onze referentie|kenmerk|uw kenmerk|referentie):?\s+(\S.{0,40})$", re.I)


def _labelled_fields(lines: list[Line], norms: list[str], drop: list[str | None], fields: dict[str, str]) -> None:
    for i, line in enumerate(lines):
        inline = _INLINE.match(line.text.strip())
        if inline:  # "Datum 22 december 2022" in a letter's head
            key, shape = LABELS[inline.group(1).lower()]
            if _shape_ok(shape, inline.group(2)):
                drop[i] = "labelled field"
                fields.setdefault(key, inline.group(2).strip())
            continue
        label = norms[i].rstrip(":")
        if label in BARE_LABELS:
            drop[i] = "field label"
            continue
        if label not in LABELS:
            continue
        key, shape = LABELS[label]
        j = _next_nonblank(lines, i)
        if j is None:
            continue
        value = lines[j].text.strip()
        if _shape_ok(shape, value):
            drop[i] = drop[j] = "labelled field"
            fields.setdefault(key, value)


_THREE_LETTERS = re.compile(r"[^\W\d_]{3}")
_NUMBERED = re.compile(r"^(vraag|antwoord)\b|^\d{1,3}\s+\S", re.I)
_DIGITS = re.compile(r"\d+")


def _running_lines(lines: list[Line], norms: list[str], drop: list[str | None], edge: int = 3) -> None:
    """A line that stands among the first or last lines of most pages, its numbers aside ("Openbare versie 8",
    "Pagina 3", "kst-35538-4 ISSN …"), is a running header or footer, wherever the layout put it."""
    pages: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.strip() and not drop[i]:
            pages.setdefault(line.page, []).append(i)
    if len(pages) < 3:
        return
    seen: dict[str, set[int]] = {}
    for page, idx in pages.items():
        for i in idx[:edge] + idx[-edge:]:
            text = lines[i].text.strip()
            # a footnote ("3 Kamerstukken II …") and a label ("Vraag 2") recur with other numbers too
            if len(text) <= 60 and _THREE_LETTERS.search(text) and not _NUMBERED.match(text):
                seen.setdefault(_DIGITS.sub("#", norms[i]), set()).add(page)
    running = {key for key, on in seen.items() if len(on) >= max(3, len(pages) // 3)}
    for idx in pages.values():
        for i in idx[:edge] + idx[-edge:]:
            if _DIGITS.sub("#", norms[i]) in running:
                drop[i] = "running header or footer"


def _repeated_blocks(lines: list[Line], norms: list[str], drop: list[str | None]) -> list[str]:
    """Short lines that recur together (a side column or letterhead printed on every page) are furniture."""
    counts = Counter(norm for line, norm in zip(lines, norms, strict=True) if line.text and len(line.text) <= 60)
    repeated = {t for t, c in counts.items() if c >= 2 and not re.match(r"^(vraag|antwoord)\b", t)}
    if len({line.page for line in lines}) > 1:
        # Where pages are known, letterhead recurs once per page. A line twice on one page is text that
        # repeats (the subject and greeting of each e-mail in a thread, a redaction code), not furniture.
        per_page = Counter((norm, line.page) for line, norm in zip(lines, norms, strict=True) if norm in repeated)
        repeated -= {t for (t, _), c in per_page.items() if c > 1}
    letterhead: list[str] = []
    idx = [i for i, line in enumerate(lines) if line.text and not drop[i]]
    for k, i in enumerate(idx):
        if norms[i] not in repeated:
            continue
        neighbours = [idx[k - 1]] if k > 0 else []
        neighbours += [idx[k + 1]] if k + 1 < len(idx) else []
        if any(norms[j] in repeated and norms[j] != norms[i] for j in neighbours):
            drop[i] = "repeated letterhead"
            if lines[i].text not in letterhead:
                letterhead.append(lines[i].text)
    return letterhead


# ------------------------------------------------------------------------------------------- joining text

FUNCTION_WORDS = {
    "de", "het", "een", "van", "en", "of", "in", "op", "te", "tot", "met", "voor", "door", "aan", "bij", "om",
    "uit", "over", "naar", "als", "dat", "die", "dit", "deze", "zijn", "haar", "hun", "is", "zich", "er", "ook",
    "niet", "wordt", "worden", "werd", "kan", "zal", "heeft", "hebben", "nog", "maar", "dan", "omdat", "waar",
    "wat", "wie", "welke", "onder", "tussen", "tegen", "na", "sinds", "zonder", "binnen", "tijdens", "hoewel",
}
# Prefixes that keep their hyphen when a line break falls after it ("non-\ngouvernementele").
_KEEP_HYPHEN = {"non", "ex", "oud", "niet", "vice", "anti", "pro", "semi", "oost", "west", "noord", "zuid"}
_ELLIPSIS_WORDS = {"en", "of", "tot", "noch"}  # "vlucht- en vestigingsalternatief"
TERMINAL = ".?!:;"


def visible(text: str) -> str:
    """Text without footnote sentinels, for decisions about punctuation."""
    # most lines hold no mark: a substring test is far cheaper than a regex substitution that finds nothing
    return MARK_RE.sub("", text) if MARK_OPEN in text else text


_END = 256  # characters of the text so far that decide how the next line joins it (see _visible_end)
_LAST_WORD = re.compile(r"-([\wÀ-ÿ]+)")  # read backwards: the hyphen that ends a text and the word before it
_COMPOUND = re.compile(r"[\wÀ-ÿ]-[\wÀ-ÿ]+-$")  # "ENTSO-E-", "fase-2-"
_BLANKS = re.compile(r"[ \t]+")


def _last_word(tail: str) -> tuple[int, str] | None:
    r"""Where the word before the hyphen that ends `tail` begins, and the word: what r"([\wÀ-ÿ]+)-$" finds in a
    text that ends in a hyphen, read from the end. A search for that pattern tries every position of the text,
    and every position inside a word takes the rest of the word: that was nearly all the time joining took."""
    end = tail[:-66:-1]  # the last 65 characters, backwards
    word = _LAST_WORD.match(end)
    if word is not None and word.end() == len(end) and len(end) < len(tail):
        word = _LAST_WORD.match(tail[::-1])  # the word may begin before those characters
    if word is None:
        return None
    return len(tail) - word.end(), word.group(1)[::-1]


def _visible_end(text: str) -> str:
    """`visible(text)`, or an end of it that decides the same: joining a line looks only at the last word before
    a final hyphen and the two characters before that word. Visible text of the whole of a long text at every
    line made parsing a document quadratic in its length (the coverage check joins a whole document)."""
    if len(text) <= 2 * _END:
        return visible(text)
    end = text[-_END:]
    close, start = end.find(MARK_CLOSE), end.find(MARK_OPEN)
    if close != -1 and (start == -1 or close < start):
        end = end[close + 1:]  # the window begins inside a footnote mark: leave out the rest of it
    tail = visible(end)
    if not tail.endswith("-") and len(tail) >= 3:
        return tail  # no hyphen to decide about
    word = _last_word(tail)
    if len(tail) < 3 or (word is not None and word[0] < 2):
        return visible(text)  # the last word, or what stands before it, may begin before the window
    return tail


def join_lines(texts: list[str]) -> str:
    """Join wrapped lines into running text, rejoining words hyphenated at the line end."""
    out = ""
    for raw in texts:
        line = raw.strip()
        if not line:
            continue
        if "  " in line or "\t" in line:
            # runs of spaces and tabs become one space line by line: a joint adds at most one space between
            # two characters that are not spaces, so no run spans lines, and collapsing the whole text once at
            # the end, as this did, cost as much again as the joining
            line = _BLANKS.sub(" ", line)
        if not out:
            out = line
            continue
        if out[-1] != "-" and out[-1] != MARK_CLOSE:
            # the visible text ends where the text does (only a mark's closing sentinel can end a mark): no
            # hyphen to decide about, which is nearly every line
            out += " " + line
            continue
        tail = _visible_end(out)
        if tail.endswith("-") and len(tail) > 1 and tail[-2].isalnum():
            first = line.split()[0]
            left = _last_word(tail)
            left_word = left[1] if left else ""
            # a word that already has a hyphen ("ENTSO-E-", "Willem-III-", "fase-2-") or ends in capitals
            # ("ReFuelEU-") keeps the one at the line end too; a match of _COMPOUND can only begin two characters
            # before the last word, which is where it is looked for
            compound = ((left and _COMPOUND.search(tail, max(left[0] - 2, 0)))
                        or re.search(r"[A-Z]{2}$", left_word)
                        or not re.search(r"[^\W\d_]", left_word) or len(left_word) == 1)  # "e-" + "mail"
            if first.lower() in _ELLIPSIS_WORDS:
                out += " " + line  # "vlucht-" + "en vestigingsalternatief"
            elif line[:1].islower() and not compound and left_word.lower() not in _KEEP_HYPHEN:
                out = out[:-1] + line  # "mishande-" + "ling"
            else:
                out += line  # "Nagorno-" + "Karabach", "EU-" + "lidstaten", "ENTSO-E-" + "verband"
        else:
            out += " " + line
    return out


@dataclass
class Block:
    """Consecutive non-blank lines: a paragraph, a heading or a list item as it stands on the page."""

    lines: list[Line]

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])

    @property
    def first(self) -> str:
        return self.lines[0].text

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({line.page for line in self.lines}))


def blocks(lines: list[Line]) -> list[Block]:
    """Lines grouped at blank lines, page breaks and where a line set as a heading begins or ends."""
    out: list[Block] = []
    current: list[Line] = []
    for line in lines:
        switch = bool(current) and bool(line.text) and bool(line.heading) != bool(current[-1].heading)
        if not line.text or (line.page_start and current) or switch:
            if current:
                out.append(Block(current))
            current = [line] if line.text else []
            continue
        current.append(line)
    if current:
        out.append(Block(current))
    return out


def continues(prev: str, nxt: str) -> bool:
    """Whether `nxt` continues the sentence `prev` left open across a blank line, page break or side column."""
    p = visible(prev).rstrip()
    n = visible(nxt).lstrip()
    if not p or not n:
        return False
    if n[:1].islower() and p[-1] not in "?!:":
        return True  # a new paragraph does not start in lower case; "o.a." + "uiteengezet" is one sentence
    if p[-1] in TERMINAL:
        return False
    if p[-1] in ",)" and n[:1].isupper():
        return False
    if p.endswith("-"):
        return True
    last = re.findall(r"[\wÀ-ÿ]+", p)
    return bool(last) and last[-1].lower() in FUNCTION_WORDS
