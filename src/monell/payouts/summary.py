"""Per-city figures: records, total awarded, and count / total / median by year and category.

Medians and totals are over rows with an amount; `records` counts every row imported for the
city, so a reader can see how many rows had no amount. Every summary carries the publishers'
caveat: these figures are not comparable across cities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from monell.payouts.caveat import CAVEAT
from monell.payouts.store import SettlementRecord, SettlementStore

UNKNOWN_YEAR = "unknown"


@dataclass(frozen=True)
class Bucket:
    count: int  # rows in the bucket
    with_amount: int  # rows with an amount_awarded
    total: Decimal
    median: Decimal | None

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "with_amount": self.with_amount,
            "total": _money(self.total),
            "median": _money(self.median),
        }


@dataclass(frozen=True)
class CitySummary:
    city: str
    state: str
    records: int
    with_amount: int
    total_amount_awarded: Decimal
    median_amount_awarded: Decimal | None
    first_year: int | None
    last_year: int | None
    by_year: dict[str, Bucket]
    by_category: dict[str, Bucket]
    source_files: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "state": self.state,
            "records": self.records,
            "records_with_amount": self.with_amount,
            "total_amount_awarded": _money(self.total_amount_awarded),
            "median_amount_awarded": _money(self.median_amount_awarded),
            "years": [self.first_year, self.last_year],
            "by_year": {key: bucket.as_json() for key, bucket in self.by_year.items()},
            "by_category": {key: bucket.as_json() for key, bucket in self.by_category.items()},
            "source_files": list(self.source_files),
            "caveat": CAVEAT,
        }


def summarise_city(store: SettlementStore, city: str, state: str) -> CitySummary:
    """Raises `store.UnknownCityError` (listing the cities loaded) for an unknown city."""
    stored_city, stored_state = store.resolve_city(city, state)
    records = store.query(city=stored_city, state=stored_state)
    return summarise_records(stored_city, stored_state, records)


def summarise_records(city: str, state: str, records: list[SettlementRecord]) -> CitySummary:
    years: dict[str, list[SettlementRecord]] = {}
    categories: dict[str, list[SettlementRecord]] = {}
    for record in records:
        year = str(record.calendar_year) if record.calendar_year is not None else UNKNOWN_YEAR
        years.setdefault(year, []).append(record)
        for category in record.categories:
            categories.setdefault(category, []).append(record)
    everything = _bucket(records)
    known_years = [r.calendar_year for r in records if r.calendar_year is not None]
    return CitySummary(
        city=city,
        state=state,
        records=len(records),
        with_amount=everything.with_amount,
        total_amount_awarded=everything.total,
        median_amount_awarded=everything.median,
        first_year=min(known_years, default=None),
        last_year=max(known_years, default=None),
        by_year={key: _bucket(years[key]) for key in sorted(years)},
        by_category={
            key: _bucket(value)
            for key, value in sorted(categories.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        },
        source_files=tuple(sorted({r.source_file for r in records})),
    )


def _bucket(records: Iterable[SettlementRecord]) -> Bucket:
    rows = list(records)
    amounts = [r.amount_awarded for r in rows if r.amount_awarded is not None]
    return Bucket(
        count=len(rows),
        with_amount=len(amounts),
        total=sum(amounts, Decimal("0.00")),
        median=Decimal(median(amounts)).quantize(Decimal("0.01")) if amounts else None,
    )


def _money(value: Decimal | None) -> str | None:
    # Strings, not floats: JSON consumers get the exact cents.
    return None if value is None else f"{value:.2f}"


def _dollars(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def to_markdown(summary: CitySummary) -> str:
    lines = [
        f"# Police-misconduct settlements: {summary.city}, {summary.state}",
        "",
        f"> **Caveat.** {CAVEAT}",
        "",
        f"- Records: {summary.records} ({summary.with_amount} with an amount awarded)",
        f"- Total amount awarded: {_dollars(summary.total_amount_awarded)}",
        f"- Median amount awarded: {_dollars(summary.median_amount_awarded)}",
        f"- Years (calendar_year): {summary.first_year}–{summary.last_year}",
        f"- Source files: {', '.join(summary.source_files)}",
        "",
        "## By year",
        "",
        "| year | count | total | median |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, bucket in summary.by_year.items():
        lines.append(
            f"| {key} | {bucket.count} | {_dollars(bucket.total)} | {_dollars(bucket.median)} |"
        )
    lines += [
        "",
        "## By allegation category",
        "",
        "Categories come from the allegation text by the rules in "
        "`monell/payouts/category_rules.yaml`; a row can be in several.",
        "",
        "| category | count | total | median |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, bucket in summary.by_category.items():
        lines.append(
            f"| {key} | {bucket.count} | {_dollars(bucket.total)} | {_dollars(bucket.median)} |"
        )
    return "\n".join(lines) + "\n"
