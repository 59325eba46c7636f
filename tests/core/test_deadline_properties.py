"""Properties of the date arithmetic behind every deadline Monell prints.

A deadline one day late loses the client's case; one day early costs nothing. So beyond
exact examples (in the scenario table) these properties must hold for every date: leap days
never push a deadline past the true anniversary, a later accrual never gives an earlier
deadline, tolling never shortens the period, and a changed period applies from the accrual
date with the shorter one taken, and flagged, at the boundary.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monell.domain.deadlines import (
    add_years,
    age_on,
    birthday_of_age,
    compute_deadlines,
    filing_deadline,
    period_in_force,
)
from monell.domain.models import Agency, CriminalCase, Incident, Person
from monell.domain.sources import default_sources
from monell.domain.vocabulary import (
    AgencyKind,
    Conduct,
    CriminalCaseStatus,
    Custody,
    FlagCode,
    GovernmentLevel,
    State,
)

DAY = dt.timedelta(days=1)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2090, 12, 31))
years = st.integers(min_value=1, max_value=6)
tolling_ages = st.sampled_from([18, 19, 21])
leap_days = (
    st.integers(min_value=1900, max_value=2090)
    .filter(calendar.isleap)
    .map(lambda y: dt.date(y, 2, 29))
)
BOOK = default_sources().book


def true_anniversary_bounds(day: dt.date, n: int) -> tuple[dt.date, dt.date]:
    """Every reading of 'n years after `day`': the same date, or for 29 February in a common
    year either 28 February or 1 March."""
    year = day.year + n
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 2, 28), dt.date(year, 3, 1)
    same = day.replace(year=year)
    return same, same


# --------------------------------------------------------------------------- add_years


@given(dates, years)
def test_add_years_is_the_earliest_reading_of_the_anniversary(day: dt.date, n: int) -> None:
    earliest, _latest = true_anniversary_bounds(day, n)
    assert add_years(day, n) == earliest


@given(leap_days, years)
def test_leap_day_accrual_never_passes_the_true_anniversary(day: dt.date, n: int) -> None:
    result = add_years(day, n)
    if calendar.isleap(result.year):
        assert result == dt.date(result.year, 2, 29)
    else:
        assert result == dt.date(result.year, 2, 28)
        assert result < dt.date(result.year, 3, 1)


@given(dates, dates, years)
def test_add_years_is_monotone(a: dt.date, b: dt.date, n: int) -> None:
    early, late = sorted((a, b))
    assert add_years(early, n) <= add_years(late, n)


# --------------------------------------------------------------------------- ages


@given(dates, st.integers(min_value=1, max_value=25))
def test_birthday_of_age_is_when_age_on_ticks_over(birth: dt.date, age: int) -> None:
    birthday = birthday_of_age(birth, age)
    assert age_on(birth, birthday) == age
    assert age_on(birth, birthday - DAY) == age - 1


@given(leap_days, st.integers(min_value=1, max_value=25))
def test_leap_day_birth_reaches_majority_no_later_than_the_anniversary(
    birth: dt.date, age: int
) -> None:
    earliest, latest = true_anniversary_bounds(birth, age)
    assert birthday_of_age(birth, age) == earliest <= latest


@given(dates, dates, dates)
def test_age_never_goes_down(birth: dt.date, a: dt.date, b: dt.date) -> None:
    early, late = sorted((a, b))
    assume(birth <= early)
    assert 0 <= age_on(birth, early) <= age_on(birth, late)


# --------------------------------------------------------------------------- filing_deadline


@given(dates, years)
def test_without_tolling_the_deadline_is_the_anniversary(accrual: dt.date, n: int) -> None:
    assert filing_deadline(accrual, n, None, None) == (add_years(accrual, n), None)
    assert filing_deadline(accrual, n, None, 21) == (add_years(accrual, n), None)


@given(dates, dates, years, tolling_ages)
def test_tolling_never_shortens_and_stays_within_bounds(
    birth: dt.date, accrual: dt.date, n: int, age: int
) -> None:
    assume(birth <= accrual)
    deadline, tolled_until = filing_deadline(accrual, n, birth, age)
    majority = birthday_of_age(birth, age)
    untolled = add_years(accrual, n)
    assert deadline >= untolled
    assert untolled <= deadline <= max(untolled, add_years(majority, n))
    # The period runs from the later of accrual and majority; tolling is reported only when
    # it moved the start.
    assert deadline == add_years(max(accrual, majority), n)
    assert tolled_until == (majority if accrual < majority else None)
    if tolled_until is not None:
        assert age_on(birth, accrual) < age


@given(dates, dates, dates, years, tolling_ages)
def test_a_later_accrual_never_gives_an_earlier_deadline(
    birth: dt.date, a: dt.date, b: dt.date, n: int, age: int
) -> None:
    early, late = sorted((a, b))
    assume(birth <= early)
    assert filing_deadline(early, n, birth, age)[0] <= filing_deadline(late, n, birth, age)[0]
    assert filing_deadline(early, n, None, None)[0] <= filing_deadline(late, n, None, None)[0]


@given(leap_days, st.integers(min_value=0, max_value=17), years)
def test_leap_day_birth_tolled_deadline_not_after_true_anniversary(
    birth: dt.date, age_at_accrual: int, n: int
) -> None:
    accrual = birth + dt.timedelta(days=365 * age_at_accrual + 30)
    deadline, tolled_until = filing_deadline(accrual, n, birth, 21)
    assert tolled_until is not None
    _earliest, latest = true_anniversary_bounds(birth, 21 + n)
    assert deadline <= latest
    assert deadline.month == 2


# --------------------------------------------------------------------------- period_in_force

LA_CHANGE = (dt.date(2024, 7, 1), dt.date(2024, 7, 2))  # last 1-year day, first 2-year day
WI_CHANGE = (dt.date(2018, 4, 4), dt.date(2018, 4, 5))  # last 6-year day, first 3-year day


@pytest.mark.parametrize(
    ("state", "day", "years_", "at_boundary"),
    [
        # Louisiana: 1 year for actions arising on or before 2024-07-01 (La. Civ. Code art.
        # 3492), 2 years after (2024 La. Acts No. 423); both days next to the change take the
        # shorter period, flagged.
        (State.LA, dt.date(2024, 6, 30), 1, False),
        (State.LA, dt.date(2024, 7, 1), 1, True),
        (State.LA, dt.date(2024, 7, 2), 1, True),
        (State.LA, dt.date(2024, 7, 3), 2, False),
        # Wisconsin: 6 years (Wis. Stat. § 893.53) until 2017 Wis. Act 235 (effective
        # 2018-04-05), 3 years after.
        (State.WI, dt.date(2018, 4, 3), 6, False),
        (State.WI, dt.date(2018, 4, 4), 3, True),
        (State.WI, dt.date(2018, 4, 5), 3, True),
        (State.WI, dt.date(2018, 4, 6), 3, False),
    ],
)
def test_period_changes_at_their_boundaries(
    state: State, day: dt.date, years_: int, at_boundary: bool
) -> None:
    choice = period_in_force(BOOK, state, day)
    assert choice is not None
    assert (choice.period.years, choice.at_boundary) == (years_, at_boundary)


period_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(State)), period_dates)
def test_period_in_force_is_the_covering_one_or_a_shorter_flagged_one(
    state: State, day: dt.date
) -> None:
    choice = period_in_force(BOOK, state, day)
    covering = [p for p in BOOK.periods_for(state) if p.covers(day)]
    if not covering:
        assert choice is None
        return
    assert choice is not None
    assert choice.period.years <= min(p.years for p in covering)
    if not choice.at_boundary:
        assert choice.period in covering
    neighbours = {
        p.years for d in (day - DAY, day, day + DAY) for p in BOOK.periods_for(state) if p.covers(d)
    }
    assert choice.at_boundary == (len(neighbours) > 1)


@given(period_dates, period_dates)
def test_a_later_accrual_never_gets_an_earlier_deadline_where_a_period_grew(
    a: dt.date, b: dt.date
) -> None:
    """Louisiana lengthened its period; taking the shorter one at the boundary must not make
    a later accrual end before an earlier one."""
    early, late = sorted((a, b))
    first, second = period_in_force(BOOK, State.LA, early), period_in_force(BOOK, State.LA, late)
    assert first is not None and second is not None
    assert add_years(early, first.period.years) <= add_years(late, second.period.years)


# --------------------------------------------------------------------------- whole deadlines

mo_dates = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2030, 12, 31))


def _incident(state: State, incident_date: dt.date, birth: dt.date | None) -> Incident:
    return Incident(
        incident_date=incident_date,
        state=state,
        city="Springfield",
        agency=Agency(
            name="Police Department",
            kind=AgencyKind.MUNICIPAL_POLICE,
            level=GovernmentLevel.MUNICIPAL,
        ),
        person=Person(custody=Custody.ARRESTED, birth_date=birth),
        conduct=(Conduct.EXCESSIVE_FORCE,),
        criminal_case=CriminalCase(status=CriminalCaseStatus.NONE),
        evaluated_on=incident_date,
    )


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([State.MO, State.KY, State.TN, State.LA, State.WI]),
    mo_dates,
    st.integers(min_value=0, max_value=30 * 366),
)
def test_computed_deadline_lies_between_accrual_and_majority_anniversaries(
    state: State, incident_date: dt.date, age_days: int
) -> None:
    birth = incident_date - dt.timedelta(days=age_days)
    sources = default_sources()
    tolled, flags = compute_deadlines(_incident(state, incident_date, birth), sources)
    untolled, _ = compute_deadlines(_incident(state, incident_date, None), sources)
    deadline, plain = tolled[0], untolled[0]
    assert deadline.deadline is not None and plain.deadline is not None
    years_ = deadline.limitations_years
    rule = BOOK.tolling_for(state, "minority")
    majority = birthday_of_age(birth, rule.age) if rule else incident_date
    assert add_years(incident_date, years_) <= deadline.deadline
    assert deadline.deadline <= max(add_years(incident_date, years_), add_years(majority, years_))
    assert deadline.deadline >= plain.deadline  # tolling never shortens
    applied = any(f.code is FlagCode.TOLLING_APPLIED for f in flags)
    assert applied == (rule is not None and incident_date < majority)
    if rule is None and age_on(birth, incident_date) < 21:
        # A minor where the data has no tolling rule: say so, never guess.
        assert any(f.code is FlagCode.UNKNOWN_LAW and f.claim for f in flags)
