"""Quartiles and the 90th percentile of settlement amounts, in exact decimals.

Linear interpolation between order statistics (Hyndman & Fan definition 7, the default of
numpy.percentile and R's quantile), so figures can be re-derived in a spreadsheet
(PERCENTILE.INC uses the same rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from monell.exposure.models import Quantiles

CENT = Decimal("0.01")


def quantile(sorted_values: Sequence[Decimal], q: Decimal) -> Decimal:
    if not sorted_values:
        raise ValueError("quantile of no values")
    if not Decimal(0) <= q <= Decimal(1):
        raise ValueError(f"quantile {q} is outside [0, 1]")
    position = (len(sorted_values) - 1) * q
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    value = sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def summarize(values: Sequence[Decimal]) -> Quantiles:
    ordered = sorted(values)
    if not ordered:
        return Quantiles(count=0, p25=None, median=None, p75=None, p90=None)
    return Quantiles(
        count=len(ordered),
        p25=quantile(ordered, Decimal("0.25")),
        median=quantile(ordered, Decimal("0.5")),
        p75=quantile(ordered, Decimal("0.75")),
        p90=quantile(ordered, Decimal("0.9")),
    )
