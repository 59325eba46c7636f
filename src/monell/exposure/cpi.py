"""Dollars of one year: CPI-U (BLS series CUUR0000SA0, annual averages) kept in the repo.

Settlements from 2010 and 2019 are not the same money; comparing them needs one year's
dollars. The table and its provenance are in `exposure/data/cpi_u_annual.csv` and
`exposure/data/SOURCES.md`; nothing is fetched at run time, and a year outside the table is an
error, not a guess.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from importlib import resources

DATA_PACKAGE = "monell.exposure.data"
CPI_FILE = "cpi_u_annual.csv"
SERIES = "CUUR0000SA0"
SOURCE = (
    "BLS CPI-U, U.S. city average, all items, annual average (series CUUR0000SA0, "
    "1982-84=100), via the cpi 2.1.0 package's copy of the BLS files"
)
CENT = Decimal("0.01")


class CpiError(ValueError):
    """A year the CPI table does not cover, or a malformed table."""


@dataclass(frozen=True)
class CpiTable:
    index: dict[int, Decimal]

    @property
    def first_year(self) -> int:
        return min(self.index)

    @property
    def latest_year(self) -> int:
        return max(self.index)

    def value(self, year: int) -> Decimal:
        try:
            return self.index[year]
        except KeyError:
            raise CpiError(
                f"year {year}: no CPI-U annual average in {CPI_FILE} (it covers "
                f"{self.first_year}–{self.latest_year}); choose a year in that range"
            ) from None

    def adjust(self, amount: Decimal, from_year: int, to_year: int) -> Decimal:
        """`amount` paid in `from_year`, in `to_year` dollars, rounded to the cent."""
        if from_year == to_year:
            return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
        factor = self.value(to_year) / self.value(from_year)
        return (amount * factor).quantize(CENT, rounding=ROUND_HALF_EVEN)


def parse_cpi(text: str, name: str = CPI_FILE) -> CpiTable:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != ["year", "cpi_u"]:
        raise CpiError(f"{name}:1: expected columns year,cpi_u, found {reader.fieldnames}")
    index: dict[int, Decimal] = {}
    for line, row in enumerate(reader, start=2):
        try:
            year, value = int(row["year"]), Decimal(row["cpi_u"])
        except (ValueError, ArithmeticError):
            raise CpiError(f"{name}:{line}: {row} is not a year and an index value") from None
        if value <= 0 or year in index:
            raise CpiError(f"{name}:{line}: year {year} repeated or index not positive")
        index[year] = value
    if not index:
        raise CpiError(f"{name}: no rows")
    years = sorted(index)
    if years != list(range(years[0], years[-1] + 1)):
        raise CpiError(f"{name}: years are not contiguous")
    return CpiTable(index)


@cache
def load_cpi() -> CpiTable:
    text = resources.files(DATA_PACKAGE).joinpath(CPI_FILE).read_text(encoding="utf-8")
    return parse_cpi(text)
