"""Aanhangsel van de Handelingen: written questions by members with the government's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coi.clean import Block, join_lines, visible
from coi.genres.common import (
    Draft,
    GenreResult,
    LineStart,
    dedupe_anchors,
    merged_blocks,
    paragraph_drafts,
    section_text,
)
from coi.lines import Line
from coi.model import Person

# "Vraag 3", "Vragen 4 en 5", "Vraag 7, 8, 9 10 en 11" (a comma missing), "Vraag 1 t/m 5", "Antwoord op vraag 2",
# "Antwoord vraag 2", "Antwoorden op vragen 4 en 5", and "Antwoord" without a number (it answers the question
# before it)
_LABEL = re.compile(
    r"^(?P<kind>Vragen|Vraag|Antwoorden|Antwoord)\b(?:\s+op)?(?:\s+(?:vraag|vragen)\b)?"
    r"(?:\s*(?P<first>\d{1,3})"
    r"(?:\s*(?:t/m|t\.e\.m\.|tot en met|-|–)\s*(?P<last>\d{1,3})"
    r"|(?P<more>(?:\s*,?\s*\d{1,3})*\s*(?:,|\s+en|\s*&)\s+\d{1,3}))?)?"
    r"\s*[:.]?\s*(?P<rest>.*)$",
    re.I,
)
_PARTY = re.compile(r"\(([^()]*)\)")
_OFFICES = r"(?:Minister-President|Minister|Staatssecretaris|minister|staatssecretaris)"


@dataclass
class _Label:
    index: int
    is_question: bool
    numbers: tuple[int, ...]
    grouped_as_range: bool
    rest: str


_NOTICE = re.compile(r"^Mededeling\s*$")  # instead of answers: a notice that they came another way
DEPARTMENTS = {"BZ": "Buitenlandse Zaken", "BZK": "Binnenlandse Zaken en Koninkrijksrelaties",
               "JenV": "Justitie en Veiligheid", "J&V": "Justitie en Veiligheid", "VWS":
               "Volksgezondheid, Welzijn en Sport", "OCW": "Onderwijs, Cultuur en Wetenschap", "EZK":
               "Economische Zaken en Klimaat", "IenW": "Infrastructuur en Waterstaat", "SZW":
               "Sociale Zaken en Werkgelegenheid", "LNV": "Landbouw, Natuur en Voedselkwaliteit", "Fin":
               "Financiën", "Def": "Defensie", "AZ": "Algemene Zaken", "BHO":
               "Buitenlandse Handel en Ontwikkelingssamenwerking"}


def _label(line: Line, index: int) -> _Label | None:
    """A label by its form: the word capitalised, a number (or none, for an answer), then nothing or text that
    starts a sentence ("Vraag 1 Bent u …"); "Vraag 12 van het rapport" is not a label."""
    text = visible(line.text).strip()
    if _NOTICE.match(text):
        return _Label(index, False, (), False, "")
    m = _LABEL.match(text)
    if not m or not m.group("kind")[0].isupper():
        return None
    rest = m.group("rest")
    if rest and not (rest[:1].isupper() or rest[:1] in "«“\"'‘"):
        return None
    is_question = m.group("kind").lower().startswith("vra")
    if not m.group("first"):
        # only a bare "Antwoord" (or "Vraag") on its own line, or "Antwoord: Ja, …", is a label without a number
        if rest and not re.match(r"^(Vraag|Vragen|Antwoord|Antwoorden)\s*:", text, re.I):
            return None
        return _Label(index, is_question, (), False, rest)
    first = int(m.group("first"))
    if m.group("last"):
        last = int(m.group("last"))
        if last <= first or last - first > 30:
            return None
        numbers = tuple(range(first, last + 1))
        as_range = True
    elif m.group("more"):
        numbers = (first, *(int(n) for n in re.findall(r"\d+", m.group("more"))))
        if list(numbers) != sorted(set(numbers)):
            return None
        as_range = False
    else:
        numbers = (first,)
        as_range = False
    return _Label(index, is_question, numbers, as_range, rest)


def _mid_sentence(lines: list[Line], index: int) -> bool:
    """Whether the line before (no blank line between) leaves a sentence open: then a line that starts with
    "Vraag 4" continues it ("… zoals in het antwoord op" / "Vraag 4 …") and is no label."""
    if index == 0 or lines[index].page_start:
        return False
    prev = visible(lines[index - 1].text).rstrip()
    return bool(prev) and (prev[-1].islower() or prev[-1] == ",")


def find_labels(lines: list[Line]) -> list[_Label]:
    """The "Vraag N" / "Antwoord N" lines of a document, by form and position, their numbers in sequence.

    A label stands at the start of a line that does not continue an open sentence; a question's numbers come
    after those of the question before it (an answer's after the answer before it), so "Vraag 3" cited further
    on is not taken for a label. A label without a number takes it from its place: an answer answers the
    question before it, a question is the next one.
    """
    labels: list[_Label] = []
    last = {True: 0, False: 0}  # the highest number so far of questions (True) and answers (False)
    last_question: _Label | None = None
    for i, line in enumerate(lines):
        lab = _label(line, i)
        if lab is None or _mid_sentence(lines, i):
            continue
        if lab.numbers == () and lab.rest == "" and _NOTICE.match(visible(line.text).strip()):
            labels.append(lab)
            continue
        if not lab.numbers:
            if lab.is_question:
                lab.numbers = (last[True] + 1,)
            elif last_question is not None and (not labels or labels[-1].is_question):
                lab.numbers = last_question.numbers
                lab.grouped_as_range = last_question.grouped_as_range
            else:
                continue
        if lab.numbers[0] < last[lab.is_question]:
            continue  # a number below one seen before: a reference back, not a label
        last[lab.is_question] = lab.numbers[-1]
        if lab.is_question:
            last_question = lab
        labels.append(lab)
    return labels


def _anchor(prefix: str, numbers: tuple[int, ...], as_range: bool) -> str:
    if len(numbers) == 1:
        return f"{prefix}-{numbers[0]}"
    if as_range:
        return f"{prefix}-{numbers[0]}-{numbers[-1]}"
    return f"{prefix}-" + "-".join(map(str, numbers))


def _numbers_text(numbers: tuple[int, ...], as_range: bool) -> str:
    if as_range:
        return f"{numbers[0]} tot en met {numbers[-1]}"
    return ", ".join(map(str, numbers[:-1])) + f" en {numbers[-1]}"


def locator(is_question: bool, numbers: tuple[int, ...], as_range: bool) -> str:
    """Dutch pinpoint: "vraag 3", "antwoord op vraag 3", "antwoorden op vragen 1 tot en met 5"."""
    if len(numbers) == 1:
        return f"vraag {numbers[0]}" if is_question else f"antwoord op vraag {numbers[0]}"
    listed = _numbers_text(numbers, as_range)
    return f"vragen {listed}" if is_question else f"antwoorden op vragen {listed}"


def parse(lines: list[Line], fields: dict[str, str]) -> GenreResult:
    """Questions and answers as passages; questioners, addressee, answerer and dates from the header.

    Without "Vraag N" labels, the questions are found by their numbers ("1" or "1." starting a paragraph: a
    document that holds only the questions) or, where the labels were lost (a web page's text), by the question
    mark that ends a question, the paragraphs after it being its answer. A document is never left without
    passages: failing all of these, its paragraphs are.
    """
    labels = find_labels(lines)
    header_end = labels[0].index if labels else len(lines)
    result = GenreResult(drafts=[])
    body_start = _header(lines[:header_end], result)
    for lab in labels:
        label = visible(lines[lab.index].text).strip()
        result.dropped.append(("question/answer label", label[: len(label) - len(lab.rest)]))
    if labels:
        _passages(lines, labels, result)
    else:
        rest = lines[body_start:]
        drafts = _numbered_questions(rest, result)
        if drafts:
            result.warnings.append("no \"Vraag N\" labels; questions taken from their numbers")
        else:
            drafts = _questions_by_mark(rest)
            if drafts:
                result.warnings.append("no question labels; questions taken from their question marks, the "
                                       "paragraphs after each as its answer")
            else:
                drafts = paragraph_drafts(rest)
                result.warnings.append("no numbered questions and answers found; passages are paragraphs")
        result.drafts.extend(drafts)
    if any(d.anchor.startswith("vraag") for d in result.drafts) and not any(
            d.anchor.startswith("antwoord") for d in result.drafts):
        what = "a Mededeling" if any(d.anchor == "mededeling" for d in result.drafts) else "no answer text"
        result.warnings.append(f"questions without numbered answers ({what}); passages kept as they stand")
    return result


_NUMBER_START = re.compile(r"^(\d{1,2})(?:[.)]\s*|\s+|$)(?P<rest>.*)$")


def _numbered_questions(lines: list[Line], result: GenreResult) -> list[Draft]:
    """Questions numbered 1, 2, 3 … at the start of a paragraph, each with the lines up to the next number."""
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        text = visible(line.text).strip()
        m = _NUMBER_START.match(text)
        at_start = i == 0 or not lines[i - 1].text.strip() or line.page_start
        if m and at_start and int(m.group(1)) == len(starts) + 1 and (not m.group("rest") or
                                                                      m.group("rest")[:1].isupper()):
            starts.append((i, m.group("rest")))
    if len(starts) < 2:
        return []
    drafts: list[Draft] = []
    for k, (i, rest) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = ([Line(rest, lines[i].page)] if rest else []) + lines[i + 1: end]
        pages = tuple(sorted({line.page for line in body if line.text}))
        drafts.append(Draft(f"vraag-{k + 1}", f"vraag {k + 1}", None, section_text(body), pages))
    return drafts


def _units(lines: list[Line]) -> list[Block]:
    """Paragraphs: blocks between blank lines, or each line where the text has a paragraph per line (a web
    page's text)."""
    texts = [line.text for line in lines if line.text.strip()]
    if texts and sum(len(t) for t in texts) / len(texts) > 150:
        return [Block([line]) for line in lines if line.text.strip()]
    return merged_blocks(lines)


def _questions_by_mark(lines: list[Line]) -> list[Draft]:
    """Pairs of question (paragraphs that end in "?") and answer (the paragraphs after it)."""
    pairs: list[tuple[list[Block], list[Block]]] = []
    for unit in _units(lines):
        asks = re.search(r"\?\W{0,2}\d{0,3}$", visible(unit.text).strip()) is not None
        if asks and (not pairs or pairs[-1][1]):
            pairs.append(([unit], []))
        elif asks:
            pairs[-1][0].append(unit)
        elif pairs:
            pairs[-1][1].append(unit)
    if len(pairs) < 2:
        return []
    drafts: list[Draft] = []
    for n, (question, answer) in enumerate(pairs, start=1):
        q_text = "\n\n".join(b.text for b in question)
        drafts.append(Draft(f"vraag-{n}", f"vraag {n}", None, q_text, _pages(question)))
        if answer:
            drafts.append(Draft(f"antwoord-{n}", f"antwoord op vraag {n}", visible(q_text),
                                "\n\n".join(b.text for b in answer), _pages(answer), (f"vraag-{n}",)))
    return drafts


def _pages(units: list[Block]) -> tuple[int, ...]:
    return tuple(sorted({p for b in units for p in b.pages}))


def _passages(lines: list[Line], labels: list[_Label], result: GenreResult) -> None:
    questions: list[tuple[tuple[int, ...], str, str]] = []  # numbers, anchor, text
    for k, lab in enumerate(labels):
        end = labels[k + 1].index if k + 1 < len(labels) else len(lines)
        body = lines[lab.index + 1: end]
        if lab.rest:
            body = [Line(lab.rest, lines[lab.index].page)] + body
        text = section_text(body)
        pages = tuple(sorted({line.page for line in body if line.text} or {lines[lab.index].page}))
        if not lab.numbers:  # a Mededeling answers all questions at once
            asked_all = tuple(a for _, a, _ in questions)
            result.drafts.append(Draft("mededeling", "mededeling", None, text, pages, asked_all))
            continue
        prefix = "vraag" if lab.is_question else "antwoord"
        anchor = _anchor(prefix, lab.numbers, lab.grouped_as_range)
        loc = locator(lab.is_question, lab.numbers, lab.grouped_as_range)
        if lab.is_question:
            questions.append((lab.numbers, anchor, text))
            result.drafts.append(Draft(anchor, loc, None, text, pages))
        else:
            asked = [(a, t) for nums, a, t in questions if set(nums) & set(lab.numbers)]
            heading = " ".join(visible(t) for _, t in asked) or None
            result.drafts.append(Draft(anchor, loc, heading, text, pages, tuple(a for a, _ in asked)))
    dedupe_anchors(result.drafts)


_HEADER_END = re.compile(
    r"\((ingezonden|ontvangen)\b|^Vergaderjaar\b|^Aanhangsel\b|^\d{1,5}$|^\d{4}Z\d{5}$|^AH\s+\d{1,5}$", re.I)
_ANSWER_HEAD = re.compile(
    r"^Aanhangsel van de Handelingen|^AH\s+\d{1,5}$|^\d{4}Z\d{5}$"
    r"|^Antwoord(?:en)? van (?:de )?(?:minister|staatssecretaris)\b.{0,300}?\(ontvangen", re.M | re.I | re.S)


def looks_like(lines: list[Line]) -> bool:
    """Questions with answers by their labels, or the head of an Aanhangsel or of a ministry's answer document
    ("AH 604", "2024Z18294", "Antwoord van minister … (ontvangen …)")."""
    labels = find_labels(lines)
    if any(lab.is_question for lab in labels) and any(not lab.is_question and lab.numbers for lab in labels):
        return True
    head = "\n".join(visible(line.text).strip() for line in lines[:60])
    return _ANSWER_HEAD.search(head) is not None


def _header(lines: list[Line], result: GenreResult) -> int:
    texts = [visible(line.text).strip() for line in lines]
    joined = join_lines(texts)
    # the lines up to the last that holds the identity (numbers, "(ingezonden …)", "(ontvangen …)") are the
    # header the metadata is read from; text after it is not metadata
    first_text = next((i for i, t in enumerate(texts) if re.match(r"^(Vragen|Antwoord|Mededeling)", t)), len(texts))
    last = max((i for i, t in enumerate(texts) if _HEADER_END.search(t)
                and not (i > first_text and re.fullmatch(r"\d{1,5}", t))), default=-1)
    while 0 <= last < len(texts) - 1 and re.search(r"\((ingezonden|ontvangen)\b[^)]*$", texts[last]):
        last += 1  # "(ontvangen 14 maart" / "2022)."
    result.metadata_lines.extend(texts[: last + 1])
    m = re.search(r"Vergaderjaar\s+(\d{4}\s*[–-]\s*\d{4})", joined, re.I)
    if m:
        result.identifiers["vergaderjaar"] = re.sub(r"\s*[–-]\s*", "-", m.group(1))
    start = next((i for i, t in enumerate(texts) if re.match(r"^Vragen van (het lid|de leden)", t)), None)
    numbers = [t for t in texts[: start if start is not None else len(texts)] if re.fullmatch(r"\d{1,5}", t)]
    if numbers:
        result.identifiers["aanhangselnummer"] = numbers[-1]
    for t in texts:  # a ministry's answer document: "AH 604" (the Aanhangsel number), "2024Z18294" (the case)
        if (ah := re.fullmatch(r"AH\s+(\d{1,5})", t)):
            result.identifiers.setdefault("aanhangselnummer", ah.group(1))
        elif re.fullmatch(r"\d{4}Z\d{5}", t):
            result.identifiers.setdefault("zaaknummer", t)
    q = re.search(
        r"(?P<title>Vragen van (?:het lid|de leden)\s+(?P<who>.+?)\s+aan\s+(?P<to>.+?)\s+over\s+.+?)"
        r"\s*\(ingezonden\s+(?P<date>[^)]+)\)",
        joined,
        re.S,
    )
    if q:
        result.title = re.sub(r"\s+", " ", q.group("title")).strip()
        result.dates["ingezonden"] = q.group("date")
        result.people.extend(questioners(q.group("who")))
        addressee = re.sub(r"^(de|het)\s+", "", q.group("to").strip())
        result.people.append(Person(name="", role="geadresseerde", office=addressee))
    a = re.search(r"(?:Antwoord|Mededeling) van (?P<who>.+?)\(ontvangen\s+(?:\(ontvangen\s+)?(?P<date>[^)]+)\)",
                  joined, re.S)
    if a:
        for office, name, dept in re.findall(rf"(?:de\s+)?({_OFFICES})\s+([^(,]+?)\s*\(([^)]+)\)", a.group("who")):
            dept = DEPARTMENTS.get(dept.strip(), dept.strip())
            title = office.capitalize()
            full = f"{title} {dept}" if dept.lower().startswith("voor ") else f"{title} van {dept}"
            result.people.append(Person(name=name.strip(), role="beantwoorder", office=full))
        for extra in re.finditer(rf"(?:mede namens|namens)\s+(?:de\s+)?({_OFFICES})\s+(?:van|voor)\s+([^,(]+)",
                                 a.group("who")):
            result.people.append(Person(name="", role="beantwoorder",
                                        office=f"{extra.group(1).capitalize()} van {extra.group(2).strip()}"))
        result.dates["ontvangen"] = a.group("date")
        result.source = next((p.office for p in result.people if p.role == "beantwoorder"), None)
    elif (r := re.search(r"\(ontvangen\s+([^)]+)\)", joined)):
        result.dates["ontvangen"] = r.group(1)
    result.date_text = result.dates.get("ontvangen")
    return last + 1


def questioners(who: str) -> list[Person]:
    """ "Omtzigt, Van Vroonhoven (beiden Nieuw Sociaal Contract) en Dassen (Volt)" -> three people with party."""
    people: list[Person] = []
    pos = 0
    for m in [*_PARTY.finditer(who), None]:
        chunk = who[pos: m.start()] if m else who[pos:]
        party = re.sub(r"^(beiden|allen|beide)\s+", "", m.group(1)).strip() if m else None
        names = [n.strip() for n in re.split(r",|\s+en\s+", chunk) if n.strip()]
        people.extend(Person(name=n, role="vragensteller", party=party) for n in names)
        if m:
            pos = m.end()
    return people


_AANHANGSEL_TEXT = re.compile(
    r"Vragen gesteld door de leden der Kamer|Vragen van (?:het lid|de leden)\b.{0,600}?\(ingezonden", re.S
)


# the head of a ministry's own answer document or of questions not yet answered: "Antwoord van minister … op
# vragen van het lid …", "Vragen van het lid X (Party) aan de minister van Y over Z"
_ANSWER_HEAD = re.compile(r"^Antwoord(en)?\s+(van|op)\b.{0,300}?\bvragen van (het lid|de leden)\b", re.I | re.S | re.M)
_QUESTION_HEAD = re.compile(r"^Vragen van (het lid|de leden)\b.{0,300}?\baan de\b.{0,200}?\bover\b", re.S | re.M)
_ANSWER_LABEL = LineStart(r"Antwoord(en)?(\s+op\s+(de\s+)?vra(ag|gen))?\s+\d", re.I)
_QUESTION_LABEL = LineStart(r"Vra(ag|gen)\s+\d")


def detect(lines: list[Line], fields: dict[str, str]) -> float:
    """Sure when metadata names an Aanhangsel; nearly sure from the heading formula, from numbered questions with
    answers ("Antwoord 3", "Antwoord op vraag 3"), or from the head of an answer document or of questions alone."""
    if fields.get("publicatie", "").lower().startswith("aanhangsel") or fields.get("aanhangselnummer"):
        return 1.0
    text = "\n".join(visible(line.text).strip() for line in lines)
    if _AANHANGSEL_TEXT.search(text):
        return 0.9
    if _QUESTION_LABEL.search(text) and _ANSWER_LABEL.search(text):
        return 0.9
    head = "\n".join(visible(line.text).strip() for line in lines[:60])
    if _ANSWER_HEAD.search(head) or _QUESTION_HEAD.search(head) or looks_like(lines):
        return 0.85
    return 0.0
