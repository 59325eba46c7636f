"""Cell parsers: money, dates, years and blanks as the city files write them.

Each parser takes the cell text and returns a typed value or raises `CellError` with a reason a
person can act on; the importer adds file:line and the column. Blank-like cells ("", "NA",
"N/A", "-", "null") are None: the R scripts behind the FiveThirtyEight files write NA for
missing values, and spreadsheets write "-" or nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

BLANKS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "#n/a"})

# US formats only: the files are from US cities, and 03/04/2015 is 4 March nowhere in them.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%Y%m%d",
)
# Timestamps that spreadsheets and pandas append to a date ("2019-01-29 00:00:00").
_TIME_SUFFIX = re.compile(
    r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?$"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CENT = Decimal("0.01")
# Oldest incident in the data is 1976 (Indianapolis README); nothing is dated before 1900.
MIN_YEAR = 1900


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def is_blank(text: str | None) -> bool:
    # The empty cell is by far the commonest; answer it before any string work.
    if not text:
        return True
    stripped = text.strip()
    return not stripped or (len(stripped) <= 4 and stripped.lower() in BLANKS)


def clean_text(text: str | None) -> str | None:
    """Trimmed text with Windows line ends normalised, or None for a blank cell."""
    if not text or is_blank(text):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() or None


def parse_amount(text: str | None) -> Decimal | None:
    """Dollars to the cent: "1234.5", "$1,234.50", "(250.00)" (negative), "1e+05", "NA".

    Sub-cent digits (a spreadsheet's 1499999.9999) are rounded half-even to the cent; the
    importer keeps the original text in the row's raw JSON.
    """
    if is_blank(text):
        return None
    assert text is not None
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    s = s.replace("$", "").replace("USD", "").strip()
    if s.startswith("-"):  # "$-250"
        negative, s = not negative, s[1:].strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", s):
        s = s.replace(",", "")
    if not re.fullmatch(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        raise CellError(f"{text!r} is not an amount (expected e.g. 1234.50 or $1,234.50)")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise CellError(f"{text!r} is not an amount") from exc
    if value >= Decimal("1e13"):
        raise CellError(f"{text!r} is not a plausible settlement amount (over $10 trillion)")
    value = value.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return -value if negative else value


def to_cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def parse_date(
    text: str | None, fmt: str | None = None, *, today: date | None = None
) -> date | None:
    """A calendar date from the formats the files use, or from `fmt` when a mapping gives one.

    Dates before 1900 or more than a year in the future are rejected as typos: a two-digit
    year read the wrong way round is the usual cause.
    """
    if is_blank(text):
        return None
    assert text is not None
    s = _TIME_SUFFIX.sub("", text.strip())
    formats = (fmt,) if fmt else DATE_FORMATS
    for candidate in formats:
        try:
            # fromisoformat is ~10x faster than strptime and the FiveThirtyEight files are ISO.
            if candidate == "%Y-%m-%d" and _ISO_DATE.fullmatch(s):
                parsed = date.fromisoformat(s)
            else:
                parsed = datetime.strptime(s, candidate).date()
        except ValueError:
            continue
        limit = today or date.today()
        if parsed.year < MIN_YEAR or parsed.year > limit.year + 1:
            raise CellError(f"{text!r} gives the year {parsed.year}, which is not plausible")
        return parsed
    expected = f"the format {fmt!r}" if fmt else "YYYY-MM-DD or MM/DD/YYYY"
    raise CellError(f"{text!r} is not a date (expected {expected})")


def parse_year(text: str | None, *, today: date | None = None) -> int | None:
    """A four-digit year; "2019.0" (a float column written back out) is accepted."""
    if is_blank(text):
        return None
    assert text is not None
    s = text.strip()
    match = re.fullmatch(r"(\d{4})(\.0+)?", s)
    if not match:
        raise CellError(f"{text!r} is not a year (expected e.g. 2019)")
    year = int(match.group(1))
    limit = today or date.today()
    if year < MIN_YEAR or year > limit.year + 1:
        raise CellError(f"{text!r} is not a plausible year")
    return year
