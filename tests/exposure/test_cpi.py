"""The CPI-U table against its source, and the adjustment's properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.exposure.cpi import CpiError, load_cpi, parse_cpi

CPI = load_cpi()
YEARS = st.integers(min_value=CPI.first_year, max_value=CPI.latest_year)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2)

# BLS CPI-U U.S. city average annual averages (series CUUR0000SA0, period M13), as in the cpi
# 2.1.0 package's cpi.db; 1998 and 2000 also match the average of BLS's archived monthly table.
SOURCE_VALUES = {
    1913: "9.9",
    1998: "163.0",
    2000: "172.2",
    2010: "218.056",
    2016: "240.007",
    2019: "255.657",
    2020: "258.811",
    2024: "313.689",
}


@pytest.mark.parametrize(("year", "value"), sorted(SOURCE_VALUES.items()))
def test_table_matches_the_source(year: int, value: str) -> None:
    assert CPI.value(year) == Decimal(value)


def test_table_is_contiguous_from_1913() -> None:
    assert CPI.first_year == 1913
    assert CPI.latest_year >= 2024
    assert sorted(CPI.index) == list(range(CPI.first_year, CPI.latest_year + 1))


def test_known_adjustment() -> None:
    # $100,000 paid in 2010 in 2020 dollars: 100000 * 258.811 / 218.056.
    assert CPI.adjust(Decimal("100000"), 2010, 2020) == Decimal("118690.15")


@given(AMOUNTS, YEARS)
def test_same_year_is_identity(amount: Decimal, year: int) -> None:
    assert CPI.adjust(amount, year, year) == amount


@given(AMOUNTS, AMOUNTS, YEARS, YEARS)
def test_monotone_in_amount(a: Decimal, b: Decimal, from_year: int, to_year: int) -> None:
    low, high = sorted((a, b))
    assert CPI.adjust(low, from_year, to_year) <= CPI.adjust(high, from_year, to_year)


def test_year_outside_the_table_is_an_error_naming_the_range() -> None:
    with pytest.raises(CpiError, match=r"year 1900: .*1913–"):
        CPI.adjust(Decimal(1), 1900, 2020)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year,value\n2010,1\n", "expected columns year,cpi_u"),
        ("year,cpi_u\n2010,abc\n", "cpi.csv:2"),
        ("year,cpi_u\n2010,1\n2012,2\n", "not contiguous"),
        ("year,cpi_u\n2010,-1\n", "not positive"),
    ],
)
def test_malformed_table_is_rejected(text: str, message: str) -> None:
    with pytest.raises(CpiError, match=message):
        parse_cpi(text, "cpi.csv")
