"""The coverage self-check: every word of the extracted text is accounted for, or the parse says it is not.

A word of the extracted text ends up in one of four places: a passage (its text or heading), a footnote, the
document's metadata (title, people, identifiers, dates and the header lines they were read from), or it was
removed as page furniture by a named rule. Whatever is in none of these is *lost*, and a parse that loses text
says so in its warnings instead of reporting success in silence.

Words are compared as multisets of lower-case letter runs, so that the check does not depend on how lines were
joined or on footnote markers and numbers (digits are not words here); the extracted lines are joined the way
the parser joins them, so that a word hyphenated over a line break counts once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import not_

from coi.clean import join_lines
from coi.lines import MARK_OPEN, MARK_RE
from coi.model import Coverage, Document, Passage

MIN_COVERAGE = 0.99  # below this share of body words accounted for, a parse warns
MAX_LOST_RUN = 40  # a run of this many consecutive lost words is a warning whatever the share
MAX_PASSAGE = 4000  # characters: a passage longer than this cannot be cited precisely
# Furniture is what a page repeats or sets beside the text; when it takes this share of all words, body text
# was most likely taken for furniture (a text column read as a side column, say).
MAX_FURNITURE_SHARE = 0.25
# Dutch prose has few one-letter words ("u", "a."); a text where a quarter of the words are single letters was
# letter-spaced or garbled on its way out of the PDF ("M i n i s t e r i e"), and its words cannot be found
MAX_SINGLE_LETTERS = 0.25

_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    """The words of a text: runs of letters, lower case (digits and punctuation are not counted)."""
    if MARK_OPEN in text:
        text = MARK_RE.sub(" ", text)
    lowered = text.lower()
    # Lower case of the whole text has the same letter runs as lower case word by word, and costs a fraction of
    # it, unless a character's lower case is longer ("İ" -> "i̇", whose dot is no letter) or depends on what
    # follows it (a final "Σ" before an apostrophe and a letter)
    if len(lowered) == len(text) and "Σ" not in text:
        return _WORD.findall(lowered)
    return [w.lower() for w in _WORD.findall(text)]


@dataclass(frozen=True)
class Accounting:
    """What a parse produced besides its passages and footnotes, to account the extracted words against."""

    body: Sequence[str]  # the line texts left after furniture removal (footnotes included), in reading order
    removed: Sequence[tuple[str, str]]  # (rule, line text) of every line removed as furniture before parsing
    dropped: Sequence[tuple[str, str]]  # (rule, text) of body text a genre parser dropped as furniture (labels)
    metadata: Sequence[str]  # metadata values and the header lines the parser read them from


def measure(doc: Document, acc: Accounting) -> Coverage:
    """Account every body word to a passage, a footnote or the metadata; count what is left as lost."""
    furniture: Counter[str] = Counter()
    removed = 0  # words removed before parsing (not those a genre parser dropped: they are body words)
    for rule, text in acc.removed:
        count = len(words(text))
        furniture[rule] += count
        removed += count
    for rule, text in acc.dropped:
        furniture[rule] += len(words(text))
    body, counts, lost = _walk(doc, acc)
    longest = longest_start = 0
    start = 0
    for k, i in enumerate(lost):  # runs of consecutive lost positions
        if k == 0 or i != lost[k - 1] + 1:
            start = i
        if i - start + 1 > longest:
            longest, longest_start = i - start + 1, start
    largest = max(doc.passages, key=lambda p: len(p.text), default=None)
    return Coverage(
        words=len(body) + removed, furniture=tuple(sorted(furniture.items())),
        passages=counts["passages"], footnotes=counts["footnotes"], metadata=counts["metadata"], lost=len(lost),
        longest_lost_run=longest, lost_sample=" ".join(body[longest_start: longest_start + min(longest, 12)]),
        largest_passage=len(largest.text) if largest else 0, largest_anchor=largest.anchor if largest else "",
        single_letters=sum(1 for w in body if len(w) == 1),
    )


def lost_words(doc: Document, acc: Accounting) -> list[tuple[int, str]]:
    """The body words found nowhere, with their position among the body words (for a closer look)."""
    body, _, lost = _walk(doc, acc)
    return [(i, body[i]) for i in lost]


def _walk(doc: Document, acc: Accounting) -> tuple[list[str], dict[str, int], list[int]]:
    """Match the body words in place: a word is accounted for where a run of three words around it (or all of a
    text shorter than that: a heading, a label, a name) stands in a passage, a footnote, the metadata or the
    dropped furniture. Matching runs rather than counting words puts a lost paragraph where it was, so its
    length shows as one run."""
    body = words(join_lines(list(acc.body)))
    sources = [
        ("passages", _passage_texts(doc.passages)),
        ("footnotes", [f.text for f in doc.footnotes]),
        ("metadata", [*acc.metadata, *_metadata_texts(doc)]),
        ("dropped", [t for _, t in acc.dropped]),
    ]
    n = len(body)
    found: list[str | None] = [None] * n
    missing = list(range(n))  # the positions of the words not found yet
    runs: dict[int, list[tuple[str, ...]]] = {}  # the body's runs of 2 and 3 words by where they start, when needed
    for name, texts in sources:
        grams: set[tuple[str, ...]] = set()  # every run of three of the source's texts
        short: set[tuple[str, ...]] = set()  # and its texts of one or two words, whole
        for text in texts:
            ws = words(text)
            if len(ws) >= 3:
                grams.update(zip(ws, ws[1:], ws[2:], strict=False))
            elif ws:
                short.add(tuple(ws))
        if not (grams or short) or not missing:
            continue  # nothing to find, or nothing left to find: this source changes nothing
        if len(missing) == n and n >= 3:
            # the first look (nothing is found yet), at every run of three, in C (map, not a comprehension):
            # a word is found where one of the (up to) three runs that hold it is. After it, only the runs
            # that hold a word not found yet are looked at (every run again, 12 times over, was a fifth of
            # parsing)
            runs[3] = list(zip(body, body[1:], body[2:], strict=False))
            hit = [False, False, *map(grams.__contains__, runs[3]), False, False]
            held = list(map(any, zip(hit, hit[1:], hit[2:], strict=False)))[:n]
            found = [name if h else None for h in held]
            missing = list(compress(range(n), map(not_, held)))
            sizes: tuple[int, ...] = (2, 1)
        else:
            sizes = (3, 2, 1)
        for size in sizes:
            # only the runs that hold a word not yet found can change anything
            table = grams if size == 3 else short
            if not missing or not any(len(g) == size for g in table):
                continue  # no text of this many words: no run of this size can be found
            starts: Iterable[int]
            if len(missing) == n:
                starts = range(n - size + 1)
            elif size == 1:
                starts = missing
            else:
                # the runs that hold a missing word i begin at i - size + 1 … i, within the body (in C: a set
                # comprehension over a range per missing word was a twentieth of parsing)
                last = n - size
                near = set(missing)
                for back in range(1, size):
                    near.update(map((-back).__add__, missing))
                if missing[0] < size - 1 or missing[-1] > last:
                    near = {j for j in near if 0 <= j <= last}
                starts = near
            if size == 1:
                table_has = [j for j in starts if (body[j],) in table]
            else:
                if size not in runs:
                    runs[size] = list(zip(*(body[k:] for k in range(size)), strict=False))
                run_at = runs[size]
                table_has = [j for j in starts if run_at[j] in table]
            # in any order: every run found marks its words for this source alike
            for j in table_has:
                for k in range(j, j + size):
                    found[k] = found[k] or name
            missing = [i for i in missing if found[i] is None]
    lost = [i for i, source in enumerate(found) if source is None]
    tally = Counter(found)
    return body, {name: tally[name] for name, _ in sources}, lost


def _passage_texts(passages: Iterable[Passage]) -> list[str]:
    # a heading repeated over the passages of one section is in the text once, and so is an answer's question,
    # which is a passage of its own (its words are looked up by the runs of three of each text: a text twice
    # adds nothing)
    passages = list(passages)
    texts: list[str] = []
    headings: set[str] = {p.text for p in passages}
    for p in passages:
        texts.append(p.text)
        # a heading made of several ("Onderwerp — Advies …", an e-mail's "Van: …; Aan: …") counts by its parts
        for part in re.split(r" — |; ", p.heading or "") if p.heading else ():
            if part and part not in headings:
                headings.add(part)
                texts.append(part)
    return texts


def _metadata_texts(doc: Document) -> list[str]:
    texts = [doc.title or "", doc.source or "", *doc.identifiers.values()]
    for person in doc.people:
        texts += [person.name, person.party or "", person.office or ""]
    return texts


# ------------------------------------------------------------------------------------------------ warnings

def coverage_warnings(cov: Coverage) -> list[str]:
    """What the accounting says is wrong: text lost, or a passage too long to cite."""
    out: list[str] = []
    if cov.ratio < MIN_COVERAGE or cov.longest_lost_run >= MAX_LOST_RUN:
        out.append(f"coverage {cov.ratio:.1%}: {cov.lost} of {cov.body_words} body words in no passage, footnote "
                   f"or metadata; longest run {cov.longest_lost_run} words from «{cov.lost_sample}»")
    removed = sum(n for _, n in cov.furniture)
    if cov.words and removed / cov.words > MAX_FURNITURE_SHARE and removed > 200:
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(cov.furniture, key=lambda x: -x[1])[:3] if n)
        out.append(f"{removed / cov.words:.0%} of the words removed as furniture ({rules}): body text taken "
                   "for furniture?")
    body = cov.passages + cov.footnotes + cov.metadata + cov.lost
    if body >= 50 and cov.single_letters / body > MAX_SINGLE_LETTERS:
        out.append(f"{cov.single_letters / body:.0%} of the words are single letters: letter-spaced or garbled "
                   "text (a poor OCR layer?); its words cannot be searched")
    if cov.largest_passage > MAX_PASSAGE:
        out.append(f"passage {cov.largest_anchor} has {cov.largest_passage} characters (more than {MAX_PASSAGE})")
    return out


def _numbers(locator: str) -> list[int]:
    """ "antwoorden op vragen 1 tot en met 5" -> 1..5; "vragen 2, 3 en 4" -> [2, 3, 4]."""
    found = [int(n) for n in re.findall(r"\d+", re.sub(r",\s*deel \d+$", "", locator))]
    if "tot en met" in locator and len(found) == 2 and found[0] < found[1]:
        return list(range(found[0], found[1] + 1))
    return found


def numbering_warnings(passages: Sequence[Passage]) -> list[str]:
    """Gaps in the numbers of questions, answers and numbered sections; answers to questions never asked."""
    out: list[str] = []
    asked: list[int] = []
    answered: list[int] = []
    for p in passages:
        if p.anchor.startswith("vraag-"):
            asked += _numbers(p.locator)
        elif p.anchor.startswith("antwoord-"):
            answered += _numbers(p.locator)
    for kind, numbers in (("question", asked), ("answer", answered)):
        if numbers:
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            if missing:
                out.append(f"{kind} numbering has a gap: no {kind} {', '.join(map(str, missing))}")
    if asked:
        never = sorted(set(answered) - set(asked))
        if never:
            out.append(f"answer to question {', '.join(map(str, never))} that was never asked")
    sections = [tuple(int(n) for n in p.anchor.split(".")) for p in passages
                if re.fullmatch(r"\d{1,2}(\.\d{1,2})*", p.anchor)]
    previous: tuple[int, ...] | None = None
    for number in sections:
        if previous is not None and number != previous and not _follows(previous, number):
            out.append(f"section numbering jumps from {'.'.join(map(str, previous))} "
                       f"to {'.'.join(map(str, number))}")
        previous = number
    return out


def _follows(previous: tuple[int, ...], number: tuple[int, ...]) -> bool:
    # a first child (1 -> 1.1), the next sibling at this level or above (1.2 -> 1.3, 1.2 -> 2); a section
    # whose text is empty has no passage, so one skipped child level is allowed (1 -> 1.1.1 is not)
    if number[: len(previous)] == previous and len(number) == len(previous) + 1:
        return number[-1] in (0, 1)
    for depth in range(1, len(previous) + 1):
        if number == previous[: depth - 1] + (previous[depth - 1] + 1,):
            return True
        if number[:depth] == previous[: depth - 1] + (previous[depth - 1] + 1,) and len(number) == depth + 1:
            return number[-1] == 1  # 1.2 -> 2.1 when section 2 itself had no text
    return False


def page_warnings(pages_with_text: set[int], last_page: int) -> list[str]:
    """Pages of a paged document that gave no text at all (an image-only page: OCR is needed)."""
    empty = sorted(set(range(1, last_page + 1)) - pages_with_text)
    if not empty:
        return []
    return [f"page{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty))} without text (image only?)"]


# --------------------------------------------------------------------------------------------------- report

def check_record(doc: Document) -> dict[str, object]:
    """The self-check of one parsed document, as a JSON-ready dict (`coi parse --check --json`)."""
    cov = doc.coverage or Coverage()
    return {
        "path": doc.source_path, "doc_id": doc.doc_id, "doc_type": doc.doc_type.value,
        "coverage": round(cov.ratio, 4), "words": cov.words, "body_words": cov.body_words,
        "in_passages": cov.passages, "in_footnotes": cov.footnotes, "in_metadata": cov.metadata, "lost": cov.lost,
        "longest_lost_run": cov.longest_lost_run, "lost_sample": cov.lost_sample,
        "furniture": dict(cov.furniture), "passages": len(doc.passages), "footnotes": len(doc.footnotes),
        "largest_passage": {"anchor": cov.largest_anchor, "characters": cov.largest_passage},
        "warnings": list(doc.warnings),
    }


def format_check(doc: Document) -> str:
    """The self-check of one parsed document for people: a summary line, furniture by rule, warnings."""
    cov = doc.coverage or Coverage()
    furniture = ", ".join(f"{rule} {n}" for rule, n in cov.furniture if n) or "none"
    lines = [
        f"{doc.source_path}: {doc.doc_type.value} {doc.doc_id}",
        f"  coverage {cov.ratio:.1%} of {cov.body_words} body words (passages {cov.passages}, footnotes "
        f"{cov.footnotes}, metadata {cov.metadata}, lost {cov.lost}; longest lost run {cov.longest_lost_run})",
        f"  furniture removed: {sum(n for _, n in cov.furniture)} words ({furniture})",
        f"  {len(doc.passages)} passages, {len(doc.footnotes)} footnotes, largest passage "
        f"{cov.largest_passage} characters ({cov.largest_anchor or '-'})",
    ]
    lines += [f"  warning: {w}" for w in doc.warnings]
    return "\n".join(lines)
