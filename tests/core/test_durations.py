"""Dates and spans in words (monell.domain.durations): the issue's example, Spanish, and
properties over any pair of dates."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from monell.domain.durations import MONTHS, add_months, count, long_date, rounded_months, span

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
SPAN = re.compile(
    r"^(?:(?P<about>about|alrededor de) )?(?:(?P<y>[\d,\u00a0]+) (?:years?|años?))?"
    r"(?: (?:and|y) )?(?:(?P<m>\d+) (?:months?|mes|meses))?"
    r" \((?P<d>[\d,\u00a0]+) (?:days?|días?)\)$"
)


def _n(text: str | None) -> int:
    return int(re.sub(r"[,\u00a0]", "", text)) if text else 0


def test_the_issue_example() -> None:
    start, end = dt.date(2024, 1, 10), dt.date(2030, 6, 1)
    assert (end - start).days == 2334
    assert span(start, end) == "about 6 years and 5 months (2,334 days)"
    assert span(start, end, "es") == "alrededor de 6 años y 5 meses (2334 días)"
    assert long_date(end) == "June 1, 2030"
    assert long_date(end, "es") == "1 de junio de 2030"


def test_short_and_whole_spans_read_naturally() -> None:
    assert span(dt.date(2025, 1, 1), dt.date(2025, 1, 2)) == "1 day"
    assert span(dt.date(2025, 1, 1), dt.date(2025, 1, 1)) == "0 days"
    assert span(dt.date(2025, 1, 1), dt.date(2025, 1, 13), "es") == "12 días"
    assert span(dt.date(2025, 1, 10), dt.date(2025, 4, 10)) == "3 months (90 days)"
    assert span(dt.date(2020, 2, 29), dt.date(2022, 2, 28)) == "2 years (730 days)"
    assert span(dt.date(2024, 3, 1), dt.date(2025, 3, 1), "es") == "1 año (365 días)"
    assert span(dt.date(2000, 1, 1), dt.date(2040, 1, 1), "es") == "40 años (14\u00a0610 días)"
    # 11 months and 20 days rounds up to a whole year, never "11 months and 1 month"
    assert span(dt.date(2024, 1, 1), dt.date(2024, 12, 21)) == "about 1 year (355 days)"


def test_numbers_in_each_language() -> None:
    assert count(2334) == "2,334"
    assert count(2334, "es") == "2334"
    assert count(1234567, "es") == "1\u00a0234\u00a0567"
    assert count(-12345, "es") == "-12\u00a0345"


@given(DATES, DATES, st.sampled_from(["en", "es"]))
def test_the_day_count_is_exact_and_the_words_within_half_a_month(
    a: dt.date, b: dt.date, lang: str
) -> None:
    text = span(a, b, lang)  # type: ignore[arg-type]
    start, end = min(a, b), max(a, b)
    days = (end - start).days
    if add_months(start, 1) > end:
        assert _n(text.split()[0]) == days
        return
    match = SPAN.match(text)
    assert match, text
    assert _n(match["d"]) == days
    months = _n(match["y"]) * 12 + _n(match["m"])
    assert months == rounded_months(start, end) >= 1
    landed = add_months(start, months)
    # the rounded span lands within half a month (16 days) of the real end
    assert abs((landed - end).days) <= 16
    # "about" exactly when the span is not whole months
    assert (match["about"] is None) == (landed == end)
    assert span(b, a, lang) == text  # type: ignore[arg-type]


@given(DATES, st.integers(min_value=0, max_value=2400))
def test_add_months_keeps_the_day_or_the_month_end(day: dt.date, months: int) -> None:
    if day.year + months // 12 + 1 > 9999:
        return
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(1)).day == 1)


@given(DATES)
def test_long_dates_name_the_month_from_the_table(day: dt.date) -> None:
    assert long_date(day) == f"{MONTHS['en'][day.month - 1]} {day.day}, {day.year}"
    spanish = long_date(day, "es")
    assert spanish == f"{day.day} de {MONTHS['es'][day.month - 1]} de {day.year}"
    assert spanish == spanish.lower()  # Spanish month names are not capitalised
    assert dt.datetime.strptime(long_date(day), "%B %d, %Y").date() == day
