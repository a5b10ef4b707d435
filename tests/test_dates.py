from __future__ import annotations

import datetime as dt

import pytest

from coi.dates import format_date, normalise_vergaderjaar, parse_date, third_tuesday_of_september, vergaderjaar_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 oktober 2024", dt.date(2024, 10, 16)),
        ("ontvangen 14 maart\n2022", dt.date(2022, 3, 14)),
        ("Den Haag, 11 oktober 2023", dt.date(2023, 10, 11)),
        ("d.d. 27 december 2023, kenmerk", dt.date(2023, 12, 27)),
        ("(12-10-2023)", dt.date(2023, 10, 12)),
        ("2021-06-16", dt.date(2021, 6, 16)),
        ("1 Oktober 2020", dt.date(2020, 10, 1)),
        ("31 februari 2020", None),  # not a date
        ("4 oktober jl.", None),  # no year and nothing to take it from: not guessed
        ("de 5 punten van mei", None),
        ("", None),
    ],
)
def test_parse_date(text, expected) -> None:
    assert parse_date(text) == expected


def test_jl_takes_the_year_of_the_reference() -> None:
    assert parse_date("verzoek van 4 oktober jl.", reference=dt.date(2023, 10, 11)) == dt.date(2023, 10, 4)


@pytest.mark.parametrize(
    ("year", "day"), [(2019, 17), (2021, 21), (2022, 20), (2023, 19), (2024, 17), (2025, 16)]
)
def test_third_tuesday_of_september(year, day) -> None:
    assert third_tuesday_of_september(year) == dt.date(year, 9, day)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2021, 9, 20), "2020-2021"),  # the Monday before Prinsjesdag 2021
        (dt.date(2021, 9, 21), "2021-2022"),  # Prinsjesdag itself
        (dt.date(2022, 3, 14), "2021-2022"),
        (dt.date(2019, 9, 4), "2018-2019"),
        (dt.date(2019, 9, 17), "2019-2020"),
        (dt.date(2023, 9, 18), "2022-2023"),
        (dt.date(2023, 9, 19), "2023-2024"),
        (dt.date(2024, 1, 1), "2023-2024"),
    ],
)
def test_vergaderjaar_for(date, expected) -> None:
    assert vergaderjaar_for(date) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2018–2019", "2018-2019"), ("2021/22", "2021-2022"), ("20232024", "2023-2024"), ("2018-2020", None)],
)
def test_normalise_vergaderjaar(text, expected) -> None:
    assert normalise_vergaderjaar(text) == expected


def test_format_date() -> None:
    assert format_date(dt.date(2022, 3, 14)) == "14 maart 2022"
    assert format_date(None) == "z.d."
