"""Aanhangsel van de Handelingen: written questions by members with the government's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coi.clean import join_lines, visible
from coi.genres.common import Draft, GenreResult, section_text
from coi.lines import Line
from coi.model import Person

_LABEL = re.compile(
    r"^(?P<kind>Vraag|Vragen|Antwoord|Antwoorden)\s+(?P<first>\d{1,3})"
    r"(?:\s*(?:t/m|t\.e\.m\.|tot en met|-|–)\s*(?P<last>\d{1,3})"
    r"|(?P<more>(?:\s*,\s*\d{1,3})*\s+en\s+\d{1,3}))?"
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
    if _NOTICE.match(visible(line.text).strip()):
        return _Label(index, False, (), False, "")
    m = _LABEL.match(visible(line.text).strip())
    if not m:
        return None
    # "Vraag 1 Bent u ..." on one line is a label with text; "Vraag 12 van het rapport" is not a label.
    rest = m.group("rest")
    if rest and not rest[:1].isupper():
        return None
    first = int(m.group("first"))
    if m.group("last"):
        last = int(m.group("last"))
        if last <= first or last - first > 30:
            return None
        numbers = tuple(range(first, last + 1))
        as_range = True
    elif m.group("more"):
        numbers = (first, *(int(n) for n in re.findall(r"\d+", m.group("more"))))
        as_range = False
    else:
        numbers = (first,)
        as_range = False
    return _Label(index, m.group("kind").lower().startswith("vra"), numbers, as_range, rest)


def find_labels(lines: list[Line]) -> list[_Label]:
    """The "Vraag N" / "Antwoord N" lines of a document."""
    return [lab for i, line in enumerate(lines) if (lab := _label(line, i))]


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
    """Questions and answers as passages; questioners, addressee, answerer and dates from the header."""
    labels = find_labels(lines)
    header_end = labels[0].index if labels else len(lines)
    result = GenreResult(drafts=[])
    _header(lines[:header_end], result)
    if labels:
        _passages(lines, labels, result)
    else:
        result.warnings.append("no numbered questions and answers found")
    if any(d.anchor.startswith("vraag") for d in result.drafts) and not any(
            d.anchor.startswith("antwoord") for d in result.drafts):
        what = "a Mededeling" if any(d.anchor == "mededeling" for d in result.drafts) else "no answer text"
        result.warnings.append(f"questions without numbered answers ({what}); passages kept as they stand")
    return result


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
    _dedupe_anchors(result.drafts)


def _dedupe_anchors(drafts: list[Draft]) -> None:
    seen: dict[str, int] = {}
    for d in drafts:
        if d.anchor in seen:
            seen[d.anchor] += 1
            d.anchor = f"{d.anchor}-{seen[d.anchor]}"
        else:
            seen[d.anchor] = 1


def _header(lines: list[Line], result: GenreResult) -> None:
    texts = [visible(line.text).strip() for line in lines]
    joined = join_lines(texts)
    m = re.search(r"Vergaderjaar\s+(\d{4}\s*[–-]\s*\d{4})", joined, re.I)
    if m:
        result.identifiers["vergaderjaar"] = re.sub(r"\s*[–-]\s*", "-", m.group(1))
    start = next((i for i, t in enumerate(texts) if re.match(r"^Vragen van (het lid|de leden)", t)), None)
    numbers = [t for t in texts[: start if start is not None else len(texts)] if re.fullmatch(r"\d{1,5}", t)]
    if numbers:
        result.identifiers["aanhangselnummer"] = numbers[-1]
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
_ANSWER_LABEL = re.compile(r"^Antwoord(en)?(\s+op\s+(de\s+)?vra(ag|gen))?\s+\d", re.I | re.M)
_QUESTION_LABEL = re.compile(r"^Vra(ag|gen)\s+\d", re.M)


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
    if _ANSWER_HEAD.search(head) or _QUESTION_HEAD.search(head):
        return 0.85
    return 0.0
