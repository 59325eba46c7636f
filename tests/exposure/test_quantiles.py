"""Quantiles on known data (numpy.percentile's default rule, Hyndman & Fan type 7)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.exposure.quantiles import quantile, summarize


def d(*values: float | str) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


def test_one_to_ten() -> None:
    q = summarize(d(*range(10, 0, -1)))  # order must not matter
    assert (q.count, q.p25, q.median, q.p75, q.p90) == (
        10, Decimal("3.25"), Decimal("5.50"), Decimal("7.75"), Decimal("9.10"),
    )  # fmt: skip


def test_single_value_is_every_quantile() -> None:
    q = summarize(d(5000))
    assert q.p25 == q.median == q.p75 == q.p90 == Decimal("5000.00")


def test_empty_has_count_zero_and_no_figures() -> None:
    q = summarize([])
    assert q.count == 0 and q.median is None and q.to_json()["p90"] is None


def test_quantile_outside_unit_interval_is_rejected() -> None:
    with pytest.raises(ValueError, match="outside"):
        quantile(d(1, 2), Decimal("1.5"))


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=60))
def test_agrees_with_numpy(values: list[int]) -> None:
    q = summarize([Decimal(v) for v in values])
    for ours, p in ((q.p25, 25), (q.median, 50), (q.p75, 75), (q.p90, 90)):
        assert ours is not None
        assert abs(float(ours) - float(np.percentile(values, p))) <= 0.01
    assert q.p25 <= q.median <= q.p75 <= q.p90  # type: ignore[operator]
