"""Adding a statute's period (days, months, years) to the day a clock starts.

Years count by anniversary and months by the same day of the month; a day the target month or
year lacks (29 February, 31 April) falls back to the last day that exists, the earlier and so
safer reading. A period stated in parts ("one year and ninety days", N.Y. Gen. Mun. Law
§ 50-i) adds the years first, then the months, then the days (Decicco v. City of Syracuse,
68 A.D.3d 1771 (4th Dep't 2009), as summarized: the year and the ninety days are counted
separately). A last day on a weekend moves to the next Monday only where the statute's own
computation rule says so (e.g. 5 ILCS 70/1.11); holidays are never added, so a moved date can
only be early, never late.
"""

from __future__ import annotations

import calendar
import datetime as dt

from monell.law.state_law import Period


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_period(start: dt.date, period: Period) -> dt.date:
    """The last day of a period that starts running on `start` (day-of counting: a 90-day
    period from 1 March ends on 30 May, the anniversary rule for years)."""
    return add_months(start, 12 * period.years + period.months) + dt.timedelta(days=period.days)


def roll_forward_weekend(day: dt.date) -> dt.date:
    """A Saturday or Sunday last day moves to the following Monday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def last_day(start: dt.date, period: Period, roll_forward: bool) -> dt.date:
    end = add_period(start, period)
    return roll_forward_weekend(end) if roll_forward else end
