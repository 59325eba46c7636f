"""Pattern evidence for a Monell "custom" theory: what the agency paid before this incident.

Earlier payouts against the same agency for the same kind of conduct are evidence that the
municipality had notice of a practice (see the `custom` theory in `law/data/monell_theories.yaml`).
Only payouts made before the incident date count: a payout afterwards could not have put the
city on notice. A payout whose closing date is missing counts when its calendar year is before
the incident's year; one in the same year cannot be placed and is reported as excluded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from monell.domain.models import Incident
from monell.exposure.comparables import (
    CAVEAT,
    SettlementSource,
    incident_categories,
    matching,
    paid_amount,
    paid_year,
    same_agency,
)
from monell.exposure.models import Settlement


@dataclass(frozen=True)
class PatternCase:
    id: int
    paid_on: dt.date | None
    year: int
    date_basis: str  # closed_date | calendar_year
    docket_number: str | None
    matter_name: str | None
    plaintiff_name: str | None
    court: str | None
    amount: Decimal | None
    categories: tuple[str, ...]
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "year": self.year,
            "date_basis": self.date_basis,
            "docket_number": self.docket_number,
            "matter_name": self.matter_name,
            "plaintiff_name": self.plaintiff_name,
            "court": self.court,
            "amount": None if self.amount is None else float(self.amount),
            "categories": list(self.categories),
            "source": self.source,
        }


@dataclass(frozen=True)
class PatternYear:
    year: int
    count: int
    total: Decimal
    cases: tuple[PatternCase, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "count": self.count,
            "total": float(self.total),
            "cases": [c.to_json() for c in self.cases],
        }


@dataclass(frozen=True)
class PatternEvidence:
    agency: str
    city: str | None
    state: str
    before: dt.date
    categories: tuple[str, ...]
    city_in_data: bool
    years: tuple[PatternYear, ...]
    count: int
    total: Decimal
    excluded_after: int
    excluded_same_year_undated: int
    caveat: str

    def to_json(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "city": self.city,
            "state": self.state,
            "before": self.before.isoformat(),
            "categories": list(self.categories),
            "city_in_data": self.city_in_data,
            "count": self.count,
            "total": float(self.total),
            "by_year": [y.to_json() for y in self.years],
            "excluded_after_incident": self.excluded_after,
            "excluded_undated_same_year": self.excluded_same_year_undated,
            "use": (
                "Earlier payouts for the same kind of conduct can show that the municipality "
                "knew of a practice (notice) for a Monell custom theory; read each case before "
                "relying on it: a settlement is not an admission."
            ),
            "caveat": self.caveat,
        }


def _placed_before(record: Settlement, day: dt.date) -> tuple[bool | None, str]:
    if record.closed_date is not None:
        return record.closed_date < day, "closed_date"
    year = paid_year(record)
    if year is None or year == day.year:
        return None, "none"
    return year < day.year, "calendar_year"


def build_pattern(
    incident: Incident, records: Iterable[Settlement], city_in_data: bool
) -> PatternEvidence:
    categories = incident_categories(incident)
    agency_hits = [r for r in matching(records, categories) if same_agency(r, incident)]
    by_year: dict[int, list[PatternCase]] = defaultdict(list)
    after = undated = 0
    for r in agency_hits:
        before, basis = _placed_before(r, incident.incident_date)
        if before is None:
            undated += 1
            continue
        if not before:
            after += 1
            continue
        amount, _ = paid_amount(r)
        year = r.closed_date.year if r.closed_date else paid_year(r)
        assert year is not None
        by_year[year].append(
            PatternCase(
                id=r.id,
                paid_on=r.closed_date,
                year=year,
                date_basis=basis,
                docket_number=r.docket_number,
                matter_name=r.matter_name,
                plaintiff_name=r.plaintiff_name,
                court=r.court,
                amount=amount,
                categories=tuple(r.categories),
                source=f"{r.source_file}:{r.source_line}",
            )
        )
    years = tuple(
        PatternYear(
            year=y,
            count=len(cases),
            total=sum((c.amount or Decimal(0) for c in cases), Decimal(0)),
            cases=tuple(sorted(cases, key=lambda c: (c.paid_on or dt.date(y, 12, 31), c.id))),
        )
        for y, cases in sorted(by_year.items())
    )
    return PatternEvidence(
        agency=incident.agency.name,
        city=incident.city,
        state=incident.state.value,
        before=incident.incident_date,
        categories=categories,
        city_in_data=city_in_data,
        years=years,
        count=sum(y.count for y in years),
        total=sum((y.total for y in years), Decimal(0)),
        excluded_after=after,
        excluded_same_year_undated=undated,
        caveat=CAVEAT,
    )


def _city_in(cities: Iterable[Any], incident: Incident) -> bool:
    """`cities()` may give names or (city, state) pairs; accept either."""
    want_city = (incident.city or "").strip().lower()
    for c in cities:
        if isinstance(c, tuple | list):
            name, state = str(c[0]), str(c[1]) if len(c) > 1 else incident.state.value
        else:
            name, state = str(getattr(c, "city", c)), str(getattr(c, "state", incident.state))
        if name.strip().lower() == want_city and state == incident.state.value:
            return True
    return False


def pattern_from_store(incident: Incident, store: SettlementSource) -> PatternEvidence:
    records = store.query(
        state=incident.state.value,
        city=incident.city,
        categories=list(incident_categories(incident)),
    )
    return build_pattern(incident, records, _city_in(store.cities(), incident))
