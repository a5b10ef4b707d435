"""The data model: frozen records inside the program, dicts only at the JSON edge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from typing import Any


class DocType(StrEnum):
    """The genre of a document."""

    BESLISNOTA = "beslisnota"
    KAMERVRAGEN = "kamervragen"
    KAMERBRIEF = "kamerbrief"
    # the other Kamerstukken, each with its dossier- and ondernummer (kst-DOSSIER-NR)
    MOTIE = "motie"
    AMENDEMENT = "amendement"
    VOORSTEL_VAN_WET = "voorstel-van-wet"
    MEMORIE_VAN_TOELICHTING = "memorie-van-toelichting"
    NOTA_NAAR_AANLEIDING_VAN_HET_VERSLAG = "nota-naar-aanleiding-van-het-verslag"
    VERSLAG = "verslag"
    KONINKLIJKE_BOODSCHAP = "koninklijke-boodschap"
    KAMERSTUK = "kamerstuk"  # a Kamerstuk of another kind: advies Raad van State, nota van wijziging, lijst van vragen
    HANDELINGEN = "handelingen"  # the record of a plenary debate
    DOCUMENT = "document"  # none of the genres: paragraphs only


@dataclass(frozen=True)
class Footnote:
    """A footnote with its text and every URL in it, whole."""

    n: int
    text: str
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """Somebody named in the document: a questioner, the answering office-holder, a signatory."""

    name: str
    role: str  # "vragensteller" | "beantwoorder" | "ondertekenaar" | "geadresseerde" | "indiener" | "spreker"
    party: str | None = None
    office: str | None = None


@dataclass(frozen=True)
class Reference:
    """Another parliamentary document cited in the text."""

    kind: str  # "kamerstuk" | "motie" | "aanhangsel"
    text: str
    dossiernummer: str | None = None
    ondernummer: str | None = None
    vergaderjaar: str | None = None
    aanhangselnummer: str | None = None

    @property
    def doc_id(self) -> str | None:
        """The identifier the cited document would have in coi, where it can be known."""
        if self.kind == "aanhangsel" and self.vergaderjaar and self.aanhangselnummer:
            return f"ah-tk-{self.vergaderjaar.replace('-', '')}-{self.aanhangselnummer}"
        if self.dossiernummer and self.ondernummer:
            return f"kst-{self.dossiernummer}-{self.ondernummer}"
        return None


@dataclass(frozen=True)
class Passage:
    """The unit of search and citation: a question, an answer, a numbered section, a paragraph."""

    id: str
    anchor: str
    locator: str
    heading: str | None
    text: str
    footnotes: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()
    order: int = 0
    questions: tuple[str, ...] = ()  # for an answer: the anchors of the question(s) it answers
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tag -> the words that set it
    ocr: bool = False  # read by OCR from a scanned page
    ocr_confidence: float | None = None  # then: the mean word confidence (0-100) of its pages


@dataclass(frozen=True)
class Coverage:
    """How the words of the extracted text were accounted for by one parse (see coi.coverage)."""

    words: int = 0  # words of the extracted text, furniture included
    furniture: tuple[tuple[str, int], ...] = ()  # (rule, words it removed)
    passages: int = 0  # body words found in passages
    footnotes: int = 0  # ... in footnotes
    metadata: int = 0  # ... in metadata (title, people, identifiers, the header that holds them)
    lost: int = 0  # body words found nowhere
    longest_lost_run: int = 0  # the longest run of consecutive body words found nowhere
    lost_sample: str = ""  # the start of that run, to find it in the document
    largest_passage: int = 0  # characters
    largest_anchor: str = ""
    single_letters: int = 0  # body words of one letter: many of them mean letter-spaced or garbled text (OCR)

    @property
    def body_words(self) -> int:
        """Words left once furniture is removed: what passages, footnotes and metadata must hold."""
        return self.words - sum(n for _, n in self.furniture)

    @property
    def ratio(self) -> float:
        """Share of body words accounted for (1.0 for an empty body)."""
        return 1.0 - self.lost / self.body_words if self.body_words else 1.0


@dataclass(frozen=True)
class Document:
    """One parsed document with its metadata, passages and footnotes."""

    doc_id: str
    doc_type: DocType
    title: str | None
    date: dt.date | None
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)
    people: tuple[Person, ...] = ()
    source: str | None = None
    countries: tuple[str, ...] = ()
    source_path: str | None = None
    source_url: str | None = None
    sha256: str | None = None
    passages: tuple[Passage, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    references: tuple[Reference, ...] = ()
    warnings: tuple[str, ...] = ()  # said to the user on stderr; not part of the JSON contract
    coverage: Coverage | None = None  # set by a parse, not stored in the index (see coi.coverage)

    def footnote(self, n: int) -> Footnote | None:
        """The footnote numbered n, if the document has it."""
        return next((f for f in self.footnotes if f.n == n), None)


PASSAGE_KEYS = ("id", "anchor", "locator", "heading", "text", "footnotes", "topics", "countries", "pages",
                "questions", "triggers")
DOCUMENT_KEYS = ("doc_id", "doc_type", "title", "date", "dates", "identifiers", "people", "source", "countries",
                 "source_path", "source_url", "sha256", "passages", "footnotes", "references")


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


OCR_KEYS = ("ocr", "ocr_confidence")  # only on passages read by OCR: other passages' JSON stays as it was


def passage_to_dict(p: Passage) -> dict[str, Any]:
    """A passage as in the JSON contract."""
    out = {k: _plain(getattr(p, k)) for k in PASSAGE_KEYS}
    if p.ocr:
        out |= {k: getattr(p, k) for k in OCR_KEYS}
    return out


def document_to_dict(doc: Document, passages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A document as in the JSON contract of `coi parse --json` (`passages`: its passages' dicts, if made)."""
    out: dict[str, Any] = {}
    for key in DOCUMENT_KEYS:
        if key == "passages":
            out[key] = passages if passages is not None else [passage_to_dict(p) for p in doc.passages]
        elif key == "references":
            out[key] = [dict(_plain(r), id=r.doc_id) for r in doc.references]
        else:
            out[key] = _plain(getattr(doc, key))
    return out


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def document_from_dict(data: dict[str, Any]) -> Document:
    """A Document back from its JSON form (as stored in the index)."""
    return Document(
        doc_id=data["doc_id"], doc_type=DocType(data["doc_type"]), title=data["title"], date=_d(data["date"]),
        dates={k: _d(v) for k, v in data["dates"].items()}, identifiers=dict(data["identifiers"]),
        people=tuple(Person(**p) for p in data["people"]), source=data["source"],
        countries=tuple(data["countries"]), source_path=data["source_path"], source_url=data["source_url"],
        sha256=data["sha256"],
        passages=tuple(
            Passage(id=p["id"], anchor=p["anchor"], locator=p["locator"], heading=p["heading"], text=p["text"],
                    footnotes=tuple(p["footnotes"]), topics=tuple(p["topics"]), countries=tuple(p["countries"]),
                    pages=tuple(p["pages"]), order=i, questions=tuple(p.get("questions", ())),
                    triggers={k: tuple(v) for k, v in p.get("triggers", {}).items()},
                    ocr=bool(p.get("ocr", False)), ocr_confidence=p.get("ocr_confidence"))
            for i, p in enumerate(data["passages"])
        ),
        footnotes=tuple(Footnote(f["n"], f["text"], tuple(f["urls"])) for f in data["footnotes"]),
        references=tuple(Reference(**{k: v for k, v in r.items() if k != "id"}) for r in data["references"]),
    )
