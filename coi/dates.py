"""Dutch dates and the parliamentary year (vergaderjaar). Nothing is guessed: what is not there is None."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december")

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
# "16 oktober 2024", "4 oktober jl.", "19 nov"; the day may be glued to a line break.
DATE_RE = re.compile(
    rf"\b(?P<day>[0-3]?\d)\s+(?P<month>{_MONTH_RE})\.?(?:\s+(?P<year>(?:1[89]|20)\d\d)\b|\s+(?P<jl>jl\b\.?|j\.l\.))?",
    re.IGNORECASE,
)
NUMERIC_RE = re.compile(r"\b(?P<day>[0-3]?\d)-(?P<month>[01]?\d)-(?P<year>(?:19|20)\d\d)\b")
ISO_RE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, reference: dt.date | None = None) -> dt.date | None:
    """The first date in `text`: "16 oktober 2024", "4 oktober jl." (year of `reference`), "12-10-2023", ISO.

    A day and month without a year (and without "jl." and a reference date) is not a date: None.
    """
    candidates: list[tuple[int, dt.date]] = []
    for m in DATE_RE.finditer(text):
        month = MONTHS[m.group("month").lower()]
        if m.group("year"):
            year: int | None = int(m.group("year"))
        elif m.group("jl") and reference is not None:
            year = reference.year
        else:
            year = None
        if year is not None and (d := _make(year, month, int(m.group("day")))):
            candidates.append((m.start(), d))
            break
    for rx in (NUMERIC_RE, ISO_RE):
        for m in rx.finditer(text):
            if d := _make(int(m.group("year")), int(m.group("month")), int(m.group("day"))):
                candidates.append((m.start(), d))
                break
    return min(candidates)[1] if candidates else None


def format_date(d: dt.date | None) -> str:
    """A date as Dutch prose ("14 maart 2022"); unknown is "z.d." (zonder datum)."""
    if d is None:
        return "z.d."
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def third_tuesday_of_september(year: int) -> dt.date:
    """The day the parliamentary year starts (Prinsjesdag)."""
    first = dt.date(year, 9, 1)
    first_tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + dt.timedelta(days=14)


def vergaderjaar_for(d: dt.date) -> str:
    """The vergaderjaar a date falls in, as "2021-2022"."""
    start = d.year if d >= third_tuesday_of_september(d.year) else d.year - 1
    return f"{start}-{start + 1}"


VERGADERJAAR_RE = re.compile(r"\b((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)?\d\d)\b")


def normalise_vergaderjaar(text: str) -> str | None:
    """ "2018–2019", "2018/19", "20182019" -> "2018-2019"; None when it is not a pair of consecutive years."""
    compact = re.fullmatch(r"\s*((?:19|20)\d\d)((?:19|20)\d\d)\s*", text)
    m = compact or VERGADERJAAR_RE.search(text)
    if not m:
        return None
    start = int(m.group(1))
    end_text = m.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end != start + 1:
        return None
    return f"{start}-{end}"
