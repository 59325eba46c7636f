"""Property tests: whatever an intake form sends, validation answers with an Incident or with
field-named problems - never a crash, never a half-valid incident."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from monell.domain.incident import TOP_LEVEL_KEYS, IncidentError, parse_incident
from monell.domain.models import Incident
from tests.core.factories import BASE

TODAY = dt.date(2024, 1, 10)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.dates().map(dt.date.isoformat),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
    ),
    max_leaves=8,
)


def _check(data: object) -> None:
    try:
        result = parse_incident(data, today=TODAY)
    except IncidentError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.field and p.message
    else:
        assert isinstance(result, Incident)
        assert result.incident_date <= result.evaluated_on


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(TOP_LEVEL_KEYS), values, max_size=len(TOP_LEVEL_KEYS)))
def test_arbitrary_mappings_never_crash(data: dict) -> None:
    _check(data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TOP_LEVEL_KEYS), values)
def test_one_corrupted_field_is_caught_or_accepted(key: str, value: object) -> None:
    data = dict(BASE)
    data[key] = value
    _check(data)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_any_real_date_round_trips(day: dt.date) -> None:
    data = dict(BASE, incident_date=day.isoformat(), evaluated_on=TODAY.isoformat())
    assert parse_incident(data, today=TODAY).incident_date == day
