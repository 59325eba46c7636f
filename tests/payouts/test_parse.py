"""Cell parsers: table of the shapes the city files use, plus property tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.payouts.parse import CellError, clean_text, parse_amount, parse_date, parse_year

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45640.5", Decimal("45640.50")),  # Baton Rouge
        ("1970.04", Decimal("1970.04")),  # Atlanta
        ("0", Decimal("0.00")),  # Charleston: paid losses 0, expenses only
        ("$1,234.50", Decimal("1234.50")),
        ("$27,000,000", Decimal("27000000.00")),  # Springfield's judgment, as a person writes it
        ("(250.00)", Decimal("-250.00")),  # accounting negative
        ("-250", Decimal("-250.00")),
        ("1e+05", Decimal("100000.00")),  # R's write.csv for 100000
        ("1499999.9999", Decimal("1500000.00")),  # Los Angeles float artefact, half-even
        ("750.0599", Decimal("750.06")),
        (" 6000 ", Decimal("6000.00")),
        ("", None),
        ("NA", None),
        ("N/A", None),
        ("-", None),
    ],
)
def test_amounts_in_the_files(text: str, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["ten thousand", "$12,34", "12.3.4", "1,2345", "$", "12 000x"])
def test_bad_amounts_are_rejected_with_the_value(text: str) -> None:
    with pytest.raises(CellError, match="not an amount"):
        parse_amount(text)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_amount_round_trips_in_every_written_form(cents: int) -> None:
    value = Decimal(cents) / 100
    magnitude = abs(value)
    forms = [f"{value:.2f}", f"${magnitude:,.2f}" if cents >= 0 else f"(${magnitude:,.2f})"]
    if cents >= 0:
        forms.append(f"{magnitude:,.2f}")
    for form in forms:
        assert parse_amount(form) == value, form


@given(st.dates(min_value=date(1969, 1, 1), max_value=date(2027, 12, 31)))
def test_dates_round_trip_in_the_supported_formats(day: date) -> None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%B %d, %Y", "%d-%b-%Y"):
        assert parse_date(day.strftime(fmt), today=TODAY) == day, fmt
    assert parse_date(day.strftime("%Y-%m-%d 00:00:00"), today=TODAY) == day


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2027, 12, 31)))
def test_a_mapping_date_format_is_used_exactly(day: date) -> None:
    assert parse_date(day.strftime("%d.%m.%Y"), "%d.%m.%Y", today=TODAY) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2015-13-01", "not a date"),
        ("31/12/2015", "not a date"),  # day-first is not a US format
        ("yesterday", "not a date"),
        ("1776-07-04", "not plausible"),
        ("2031-01-01", "not plausible"),
    ],
)
def test_bad_dates_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(("text", "expected"), [("2019", 2019), ("2019.0", 2019), ("NA", None)])
def test_years(text: str, expected: int | None) -> None:
    assert parse_year(text, today=TODAY) == expected


def test_bad_year() -> None:
    with pytest.raises(CellError, match="not a year"):
        parse_year("FY2009/10", today=TODAY)


def test_text_cells_normalise_line_ends_and_blanks() -> None:
    assert clean_text("Police - Excessive Force\r\nPolice - False Arrest ") == (
        "Police - Excessive Force\nPolice - False Arrest"
    )
    assert clean_text("NA") is None
