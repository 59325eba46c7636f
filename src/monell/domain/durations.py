"""Dates and spans of time as people say them, in English and Spanish.

"2334 days from 2024-01-10" is exact but unreadable; a person needs "about 6 years and
5 months (2,334 days)" and "June 1, 2030". The exact day count stays beside the rounded
words, because a deadline is a day, not "about". Month names come from the tables below, not
from the machine's locale, so the text is the same on every server.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

Language = Literal["en", "es"]

MONTHS: dict[Language, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip

# (singular, plural) for the units, and the word for "about" / "and".
_UNITS: dict[Language, dict[str, tuple[str, str]]] = {
    "en": {"year": ("year", "years"), "month": ("month", "months"), "day": ("day", "days")},
    "es": {"year": ("año", "años"), "month": ("mes", "meses"), "day": ("día", "días")},
}
_ABOUT: dict[Language, str] = {"en": "about", "es": "alrededor de"}
_AND: dict[Language, str] = {"en": "and", "es": "y"}


def long_date(day: dt.date, lang: Language = "en") -> str:
    """'June 1, 2030' / '1 de junio de 2030'."""
    month = MONTHS[lang][day.month - 1]
    if lang == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"


def count(n: int, lang: Language = "en") -> str:
    """A whole number as the language writes it: '2,334' in English; in Spanish no separator
    up to four digits and a (non-breaking) space above, as the RAE recommends ('2334',
    '12 345'), which no Spanish-speaking country misreads."""
    if lang == "en":
        return f"{n:,}"
    sign, digits = ("-", str(-n)) if n < 0 else ("", str(n))
    if len(digits) <= 4:
        return sign + digits
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sign + "\u00a0".join(groups)


def _unit(n: int, unit: str, lang: Language) -> str:
    singular, plural = _UNITS[lang][unit]
    return f"{count(n, lang)} {singular if n == 1 else plural}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def rounded_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end` (start <= end), to the nearest month: the
    part-month left over counts as a month when it is at least half of the month it falls in."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    base = add_months(start, months)
    rest = (end - base).days
    month_length = (add_months(start, months + 1) - base).days
    return months + (1 if 2 * rest >= month_length else 0)


def span(start: dt.date, end: dt.date, lang: Language = "en") -> str:
    """How long from `start` to `end`, as people say it, with the exact day count:
    'about 6 years and 5 months (2,334 days)', '3 months (92 days)' when it is whole months,
    '12 days' under a month. Order does not matter: the length is the same either way."""
    if end < start:
        start, end = end, start
    days = (end - start).days
    if add_months(start, 1) > end:
        return _unit(days, "day", lang)
    months = rounded_months(start, end)
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(_unit(years, "year", lang))
    if rest:
        parts.append(_unit(rest, "month", lang))
    words = f" {_AND[lang]} ".join(parts)
    exact = add_months(start, months) == end
    about = "" if exact else _ABOUT[lang] + " "
    return f"{about}{words} ({_unit(days, 'day', lang)})"
