"""Property tests for the period arithmetic behind notice-of-claim and state limitation rows
(issue 14): periods in days, months and years; a weekend last day moved to Monday only when
the statute's computation rule says so (5 ILCS 70/1.11), never past the next business day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.domain.deadlines import add_years
from monell.domain.periods import add_months, add_period, last_day, roll_forward_weekend
from monell.law.state_law import Period, parse_period

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31))


@given(DAYS, st.integers(min_value=1, max_value=400))
def test_days_are_calendar_days(start: dt.date, n: int) -> None:
    """N.Y. Gen. Mun. Law § 50-e: ninety days are ninety calendar days (Decicco)."""
    assert (add_period(start, Period(days=n)) - start).days == n


@given(DAYS, st.integers(min_value=1, max_value=10))
def test_years_are_anniversaries_like_the_1983_rows(start: dt.date, n: int) -> None:
    assert add_period(start, Period(years=n)) == add_years(start, n)


@given(DAYS, st.integers(min_value=1, max_value=36))
def test_months_keep_the_day_or_fall_back_to_the_month_end(start: dt.date, n: int) -> None:
    end = add_months(start, n)
    assert (end.year - start.year) * 12 + end.month - start.month == n
    assert end.day == start.day or (end.day < start.day and (end + dt.timedelta(days=1)).day == 1)


@given(DAYS, st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=11))
def test_a_period_in_parts_is_years_then_months_then_days(
    start: dt.date, years: int, days: int
) -> None:
    period = Period(years=years, days=days + 1)
    assert add_period(start, period) == add_years(start, years) + dt.timedelta(days=days + 1)


@given(DAYS, st.integers(min_value=1, max_value=200), st.integers(min_value=1, max_value=200))
def test_longer_periods_never_end_earlier(start: dt.date, a: int, b: int) -> None:
    short, long_ = sorted((a, b))
    assert add_period(start, Period(days=short)) <= add_period(start, Period(days=long_))
    assert add_period(start, Period(months=short)) <= add_period(start, Period(months=long_))


@given(DAYS)
def test_roll_forward_moves_only_weekends_to_the_next_monday(day: dt.date) -> None:
    moved = roll_forward_weekend(day)
    if day.weekday() < 5:
        assert moved == day
    else:
        assert moved.weekday() == 0 and 1 <= (moved - day).days <= 2


@given(DAYS, st.integers(min_value=1, max_value=400))
def test_without_a_computation_rule_the_day_is_not_moved(start: dt.date, n: int) -> None:
    period = Period(days=n)
    assert last_day(start, period, roll_forward=False) == add_period(start, period)
    assert last_day(start, period, roll_forward=True) >= add_period(start, period)


@pytest.mark.parametrize(
    ("start", "period", "roll", "end"),
    [
        # N.Y. Gen. Mun. Law § 50-e(1)(a): 90 days
        (dt.date(2026, 9, 20), "90d", False, dt.date(2026, 12, 19)),
        # § 50-i(1): one year and ninety days (2027-09-20 + 90 days)
        (dt.date(2026, 9, 20), "1y90d", False, dt.date(2027, 12, 19)),
        # Cal. Gov. Code § 911.2(a): six months, 31 August -> 28 February (no 31st)
        (dt.date(2026, 8, 31), "6m", False, dt.date(2027, 2, 28)),
        # Ariz. Rev. Stat. § 12-821.01(A): 180 days
        (dt.date(2026, 7, 1), "180d", False, dt.date(2026, 12, 28)),
        # 745 ILCS 10/8-101(a) with 5 ILCS 70/1.11: Sunday 2026-12-13 -> Monday 2026-12-14
        (dt.date(2025, 12, 13), "1y", True, dt.date(2026, 12, 14)),
        # a leap day: one year later is 28 February (the earlier, safe day)
        (dt.date(2024, 2, 29), "1y", False, dt.date(2025, 2, 28)),
    ],
)
def test_statutory_examples(start: dt.date, period: str, roll: bool, end: dt.date) -> None:
    assert last_day(start, parse_period(period), roll) == end


@pytest.mark.parametrize("bad", ["", "90", "d90", "1y-2d", "0d", "1w", "y"])
def test_bad_periods_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_period(bad)


@given(
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=0, max_value=11),
    st.integers(min_value=0, max_value=999),
)
def test_period_text_round_trips(y: int, m: int, d: int) -> None:
    if not (y or m or d):
        return
    text = (f"{y}y" if y else "") + (f"{m}m" if m else "") + (f"{d}d" if d else "")
    assert parse_period(text) == Period(y, m, d)
