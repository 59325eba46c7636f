"""What similar cases paid: settlements with the incident's conduct categories, nearest first.

Tiers are disjoint and ordered by nearness: a settlement counts in the first tier it fits:
same agency, same city, same state, anywhere. Amounts are put into one year's dollars with
the CPI-U table (`cpi`), then summarised per tier (`quantiles`). The data's publishers warn
that the figures are not comparable across cities; that caveat travels with every result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from monell.domain.models import Incident
from monell.domain.vocabulary import AgencyKind, Conduct
from monell.exposure.cpi import SOURCE as CPI_SOURCE
from monell.exposure.cpi import CpiTable
from monell.exposure.models import Quantiles, Settlement, Tier
from monell.exposure.quantiles import summarize
from monell.payouts.caveat import CAVEAT as DATA_CAVEAT

# The publishers' warning (owned by the payouts layer) plus what this stage adds to the data.
CAVEAT = (
    f"{DATA_CAVEAT} Categories are Monell's rule-based reading of free-text allegations. Use "
    "these figures as context for a negotiation, never as a valuation of this case."
)

# A deadly-force incident ends in death; cities often file those payouts as wrongful death.
RELATED_CATEGORIES: dict[Conduct, tuple[str, ...]] = {
    Conduct.DEADLY_FORCE: ("wrongful_death",),
}


class SettlementSource(Protocol):
    """The part of part A's `SettlementStore` used here."""

    def query(
        self,
        *,
        state: str | None = None,
        city: str | None = None,
        categories: Sequence[str] | None = None,
        closed_before: dt.date | None = None,
        incident_before: dt.date | None = None,
    ) -> Sequence[Settlement]: ...

    def count(self) -> int: ...

    def cities(self) -> Sequence[Any]: ...


def incident_categories(incident: Incident) -> tuple[str, ...]:
    codes: list[str] = []
    for conduct in incident.conduct:
        for code in (conduct.value, *RELATED_CATEGORIES.get(conduct, ())):
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def _plain(text: str | None) -> str:
    if not text:
        return ""
    text = re.sub(r"\bsaint\b", "st", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]", " ", text).split())


def same_city(record: Settlement, incident: Incident) -> bool:
    return (
        record.state == incident.state.value
        and bool(incident.city)
        and _plain(record.city) == _plain(incident.city)
    )


def same_agency(record: Settlement, incident: Incident) -> bool:
    """Is the settlement against the incident's agency?

    Every record in the settlement files answers a request addressed to a city's police
    department, whatever its `agency` column says ("City of Paterson", "CPD / Ofc. …"); so
    for a municipal police incident a record of the same city is the same agency. Otherwise
    (a sheriff, a transit police force) the agency names must match.
    """
    if record.state != incident.state.value:
        return False
    if record.agency and _plain(record.agency) == _plain(incident.agency.name):
        return True
    return incident.agency.kind is AgencyKind.MUNICIPAL_POLICE and same_city(record, incident)


def tier_of(record: Settlement, incident: Incident) -> Tier:
    if same_agency(record, incident):
        return Tier.SAME_AGENCY
    if same_city(record, incident):
        return Tier.SAME_CITY
    if record.state == incident.state.value:
        return Tier.SAME_STATE
    return Tier.ANYWHERE


def paid_amount(record: Settlement) -> tuple[Decimal | None, str]:
    """The amount paid to the claimant, falling back to the total incurred."""
    if record.amount_awarded is not None:
        return record.amount_awarded, "amount_awarded"
    if record.total_incurred is not None:
        return record.total_incurred, "total_incurred"
    return None, "none"


def paid_year(record: Settlement) -> int | None:
    if record.calendar_year is not None:
        return record.calendar_year
    return record.closed_date.year if record.closed_date else None


@dataclass(frozen=True)
class ComparableCase:
    id: int
    tier: Tier
    city: str
    state: str
    year: int
    amount: Decimal
    amount_basis: str
    adjusted: Decimal
    docket_number: str | None
    matter_name: str | None
    categories: tuple[str, ...]
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "city": self.city,
            "state": self.state,
            "year": self.year,
            "amount": float(self.amount),
            "amount_basis": self.amount_basis,
            "adjusted_amount": float(self.adjusted),
            "docket_number": self.docket_number,
            "matter_name": self.matter_name,
            "categories": list(self.categories),
            "source": self.source,
        }


@dataclass(frozen=True)
class TierResult:
    tier: Tier
    quantiles: Quantiles
    cases: tuple[ComparableCase, ...]  # nearest in time first, all of them

    def to_json(self, limit: int | None) -> dict[str, Any]:
        shown = self.cases if limit is None else self.cases[:limit]
        return {
            "tier": self.tier.value,
            **self.quantiles.to_json(),
            "cases_shown": len(shown),
            "cases": [c.to_json() for c in shown],
        }


CITY_CONTEXT_LABEL = "unmatched by category"
CITY_CONTEXT_CAVEAT = (
    "None of this city's payouts in the data matched this incident's conduct categories, "
    "often because the city's files describe every case in the same generic words (e.g. "
    "'Civil Rights §1983-not employment'). These are all of the city's payouts, unmatched by "
    "category: context for what the city has paid, not comparables for this kind of case."
)


@dataclass(frozen=True)
class CityContext:
    """The city's payouts when category matching found none there (see CITY_CONTEXT_CAVEAT)."""

    city: str
    state: str
    quantiles: Quantiles
    cases: tuple[ComparableCase, ...]  # nearest in time first
    excluded_no_amount: int
    excluded_no_year: int

    def to_json(self, limit: int | None) -> dict[str, Any]:
        shown = self.cases if limit is None else self.cases[:limit]
        return {
            "label": CITY_CONTEXT_LABEL,
            "city": self.city,
            "state": self.state,
            **self.quantiles.to_json(),
            "excluded_no_amount": self.excluded_no_amount,
            "excluded_no_year": self.excluded_no_year,
            "cases_shown": len(shown),
            "cases": [c.to_json() for c in shown],
            "caveat": CITY_CONTEXT_CAVEAT,
        }


@dataclass(frozen=True)
class Comparables:
    dollars_year: int
    categories: tuple[str, ...]
    tiers: tuple[TierResult, ...]
    matched: int
    excluded_no_amount: int
    excluded_no_year: int
    caveat: str
    cpi_source: str
    city_context: CityContext | None = None

    def to_json(self, limit: int | None = 10) -> dict[str, Any]:
        return {
            "dollars_year": self.dollars_year,
            "categories": list(self.categories),
            "matched": self.matched,
            "excluded_no_amount": self.excluded_no_amount,
            "excluded_no_year": self.excluded_no_year,
            "tiers": [t.to_json(limit) for t in self.tiers],
            "caveat": self.caveat,
            "cpi_source": self.cpi_source,
            "city_context": None if self.city_context is None else self.city_context.to_json(limit),
        }

    @property
    def all_adjusted(self) -> list[Decimal]:
        return [c.adjusted for t in self.tiers for c in t.cases]


def matching(records: Iterable[Settlement], categories: Sequence[str]) -> list[Settlement]:
    wanted = set(categories)
    return [r for r in records if wanted & set(r.categories)]


def build_comparables(
    incident: Incident,
    records: Iterable[Settlement],
    cpi: CpiTable,
    dollars_year: int | None = None,
    city_records: Iterable[Settlement] | None = None,
) -> Comparables:
    """Tier, adjust and summarise the settlements that share a conduct category. When none of
    them is in the incident's city, `city_records` (the city's payouts, any category) become
    the `city_context`, labelled unmatched by category."""
    year = cpi.latest_year if dollars_year is None else dollars_year
    cpi.value(year)  # a bad --year fails before any work
    categories = incident_categories(incident)
    hits = matching(records, categories)
    cases, no_amount, no_year = _cases(incident, hits, cpi, year)
    by_tier: dict[Tier, list[ComparableCase]] = {t: [] for t in Tier}
    for case in cases:
        by_tier[case.tier].append(case)
    tiers = tuple(
        TierResult(
            tier=t,
            quantiles=summarize([c.adjusted for c in tier_cases]),
            cases=_nearest_first(tier_cases, incident),
        )
        for t, tier_cases in by_tier.items()
    )
    context = None
    if city_records is not None and not (by_tier[Tier.SAME_AGENCY] or by_tier[Tier.SAME_CITY]):
        in_city = [r for r in city_records if same_city(r, incident)]
        city_cases, city_no_amount, city_no_year = _cases(incident, in_city, cpi, year)
        if in_city:
            context = CityContext(
                city=in_city[0].city,
                state=in_city[0].state,
                quantiles=summarize([c.adjusted for c in city_cases]),
                cases=_nearest_first(city_cases, incident),
                excluded_no_amount=city_no_amount,
                excluded_no_year=city_no_year,
            )
    return Comparables(
        dollars_year=year,
        categories=categories,
        tiers=tiers,
        matched=len(hits),
        excluded_no_amount=no_amount,
        excluded_no_year=no_year,
        caveat=CAVEAT,
        cpi_source=CPI_SOURCE,
        city_context=context,
    )


def _cases(
    incident: Incident, records: Iterable[Settlement], cpi: CpiTable, year: int
) -> tuple[list[ComparableCase], int, int]:
    """The records with an amount and a year the CPI covers, in `year` dollars; and how many
    were left out for want of an amount or of a year."""
    out: list[ComparableCase] = []
    no_amount = no_year = 0
    for r in records:
        amount, basis = paid_amount(r)
        if amount is None or amount <= 0:
            no_amount += 1
            continue
        paid = paid_year(r)
        if paid is None or paid not in cpi.index:
            no_year += 1
            continue
        out.append(
            ComparableCase(
                id=r.id,
                tier=tier_of(r, incident),
                city=r.city,
                state=r.state,
                year=paid,
                amount=amount,
                amount_basis=basis,
                adjusted=cpi.adjust(amount, paid, year),
                docket_number=r.docket_number,
                matter_name=r.matter_name,
                categories=tuple(r.categories),
                source=f"{r.source_file}:{r.source_line}",
            )
        )
    return out, no_amount, no_year


def _nearest_first(
    cases: Iterable[ComparableCase], incident: Incident
) -> tuple[ComparableCase, ...]:
    when = incident.incident_date.year
    return tuple(sorted(cases, key=lambda c: (abs(c.year - when), -c.adjusted, c.id)))


def comparables_from_store(
    incident: Incident, store: SettlementSource, cpi: CpiTable, dollars_year: int | None = None
) -> Comparables:
    records = store.query(categories=list(incident_categories(incident)))
    city_records = None
    if incident.city and not any(same_city(r, incident) for r in records):
        stored = [
            (city, state)
            for city, state in store.cities()
            if state == incident.state.value and _plain(city) == _plain(incident.city)
        ]
        if stored:
            city_records = store.query(state=stored[0][1], city=stored[0][0])
    return build_comparables(incident, records, cpi, dollars_year, city_records)
