"""A minor's state-law counts: the untolled date stays the deadline (the safe one) and the
state's minority tolling gives an alternative a lawyer must check, never applied silently
and never read as the count being lost while it is open."""

from __future__ import annotations

import datetime as dt

from monell.domain.assess import assess
from monell.domain.incident import parse_incident
from monell.domain.vocabulary import DeadlineKind
from tests.core.factories import incident_data


def _state_rows(**changes: object) -> list:  # type: ignore[type-arg]
    data = incident_data(**changes)
    assessment = assess(parse_incident(data, today=dt.date(2024, 1, 10)))
    return [d for d in assessment.deadlines if d.kind is DeadlineKind.STATE_LIMITATIONS]


def test_minor_in_missouri_gets_the_tolled_reading_as_an_alternative() -> None:
    # Mo. Rev. Stat. § 516.140 (two years) from 2021-03-10; the person turns 21 on
    # 2025-06-01 (§ 516.170 tolls to 21): the tolled reading ends 2027-06-01.
    rows = _state_rows(person={"custody": "arrested", "birth_date": "2004-06-01"})
    assert rows
    for row in rows:
        assert row.deadline == dt.date(2023, 3, 10)
        assert row.alternative_deadline == dt.date(2027, 6, 1)
        assert "516.170" in (row.alternative_statute or "")
        assert any("safe one" in n for n in row.notes)


def test_adult_gets_no_alternative() -> None:
    for row in _state_rows(person={"custody": "arrested", "birth_date": "1980-01-01"}):
        assert row.alternative_deadline is None


def test_unknown_birth_date_gets_no_alternative() -> None:
    for row in _state_rows(person={"custody": "arrested"}):
        assert row.alternative_deadline is None


def test_the_plain_summary_gives_the_minors_reading_of_a_passed_state_count() -> None:
    data = incident_data(person={"custody": "arrested", "birth_date": "2004-06-01"})
    summary = " ".join(assess(parse_incident(data, today=dt.date(2024, 1, 10))).summary)
    assert "may have run out on March 10, 2023" in summary
    assert "until June 1, 2027" in summary and "516.170" in summary
    assert "or earlier" not in summary  # both counts end the same day
