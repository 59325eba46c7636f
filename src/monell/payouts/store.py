"""Read side of the settlements database: typed records for comparables and pattern evidence.

`SettlementStore` is the one API other layers (comparables, pattern evidence, summaries) use;
they never touch the tables directly, so the storage of money (integer cents) and of categories
(a side table) can change without breaking them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from monell.payouts.tables import settlement_categories, settlement_officers, settlements

_CENT = Decimal("0.01")
# Keeps each IN (...) list well under SQLite's bound-parameter limit.
_ID_CHUNK = 900


def cents_to_decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) * _CENT).quantize(_CENT)


@dataclass(frozen=True)
class SettlementRecord:
    """One row of a city's settlement file, as imported.

    Amounts are `Decimal` dollars to the cent, or None where the source left them blank.
    `agency` is the named defendant where the file has one, else the city's police department
    (the agency every FOIA request behind the data was addressed to).
    """

    id: int
    source_file: str
    source_line: int
    row_hash: str
    city: str
    state: str
    agency: str
    incident_date: date | None
    filed_date: date | None
    closed_date: date | None
    calendar_year: int | None
    amount_awarded: Decimal | None
    other_expenses: Decimal | None
    total_incurred: Decimal | None
    case_outcome: str | None
    docket_number: str | None
    claim_number: str | None
    court: str | None
    plaintiff_name: str | None
    matter_name: str | None
    summary_allegations: str | None
    claim_or_lawsuit: str | None
    defendant: str | None
    raw: dict[str, str]
    categories: tuple[str, ...]

    def __hash__(self) -> int:  # raw is a dict; the row hash identifies the record
        return hash(self.row_hash)


@dataclass(frozen=True)
class OfficerRecord:
    """An officer named for a settlement in a city's separate officer list (`*_police_*.csv`)."""

    city: str
    state: str
    docket_number: str | None
    closed_date: date | None
    calendar_year: int | None
    officer_name: str


class UnknownCityError(LookupError):
    """The city is not in the database; `known` lists what is."""

    def __init__(self, city: str, state: str, known: list[tuple[str, str]]) -> None:
        listing = ", ".join(f"{c}, {s}" for c, s in known) or "none (run `monell payouts import`)"
        super().__init__(
            f"no settlements for {city}, {state} in the database; cities loaded: {listing}"
        )
        self.city = city
        self.state = state
        self.known = known


class SettlementStore:
    """Queries over imported settlements. The engine must already be migrated."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(settlements)).scalar_one())

    def cities(self) -> list[tuple[str, str]]:
        """(city, state) pairs present, sorted by state then city."""
        stmt = (
            select(settlements.c.city, settlements.c.state)
            .distinct()
            .order_by(settlements.c.state, settlements.c.city)
        )
        with self.engine.connect() as conn:
            return [(row.city, row.state) for row in conn.execute(stmt)]

    def resolve_city(self, city: str, state: str) -> tuple[str, str]:
        """The stored spelling of a city (case-insensitive match), or UnknownCityError."""
        known = self.cities()
        for stored_city, stored_state in known:
            if stored_state == state.upper() and _fold(stored_city) == _fold(city):
                return stored_city, stored_state
        raise UnknownCityError(city, state, known)

    def query(
        self,
        *,
        state: str | None = None,
        city: str | None = None,
        categories: Sequence[str] | None = None,
        closed_before: date | None = None,
        incident_before: date | None = None,
    ) -> list[SettlementRecord]:
        """Settlements matching every given filter, oldest first.

        - `categories`: records with at least one of these categories.
        - `closed_before`: closed_date earlier than the date; a record with only a calendar
          year (Memphis, Cleveland, Springfield give no closing date) counts when its year is
          earlier than the date's year, since it was then certainly closed before.
        - `incident_before`: incident_date earlier than the date (unknown dates excluded).
        """
        return list(
            self.iter_query(
                state=state,
                city=city,
                categories=categories,
                closed_before=closed_before,
                incident_before=incident_before,
            )
        )

    def iter_query(
        self,
        *,
        state: str | None = None,
        city: str | None = None,
        categories: Sequence[str] | None = None,
        closed_before: date | None = None,
        incident_before: date | None = None,
    ) -> Iterator[SettlementRecord]:
        s = settlements.c
        conditions: list[Any] = []
        if state is not None:
            conditions.append(s.state == state.upper())
        if city is not None:
            # "St Louis", "st. louis" and "Saint Louis" all mean the stored "St. Louis".
            conditions.append(s.city.in_(_spellings((c for c, _ in self.cities()), city)))
        if categories is not None:
            wanted = sorted({str(c) for c in categories})
            if not wanted:
                return
            conditions.append(
                s.id.in_(
                    select(settlement_categories.c.settlement_id).where(
                        settlement_categories.c.category.in_(wanted)
                    )
                )
            )
        if closed_before is not None:
            conditions.append(
                or_(
                    s.closed_date < closed_before,
                    and_(s.closed_date.is_(None), s.calendar_year < closed_before.year),
                )
            )
        if incident_before is not None:
            conditions.append(s.incident_date < incident_before)
        stmt = select(settlements).where(and_(True, *conditions)).order_by(s.id)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
            cats = _categories_for(conn, [row["id"] for row in rows])
        for row in rows:
            yield _record(row, cats.get(row["id"], ()))

    def officers(
        self, *, city: str, state: str, docket_number: str | None = None
    ) -> list[OfficerRecord]:
        """Officers listed in a city's officer file, optionally for one docket number."""
        o = settlement_officers.c
        with self.engine.connect() as conn:
            stored = conn.execute(select(o.city).distinct()).scalars().all()
        stmt = select(settlement_officers).where(
            o.city.in_(_spellings(stored, city)), o.state == state.upper()
        )
        if docket_number is not None:
            stmt = stmt.where(o.docket_number == docket_number)
        with self.engine.connect() as conn:
            return [
                OfficerRecord(
                    city=row.city,
                    state=row.state,
                    docket_number=row.docket_number,
                    closed_date=row.closed_date,
                    calendar_year=row.calendar_year,
                    officer_name=row.officer_name,
                )
                for row in conn.execute(stmt.order_by(o.id))
            ]


def _fold(text: str) -> str:
    # "St Louis", "St. Louis" and "Saint Louis" are the same city to a user typing it.
    words = text.replace(".", " ").lower().split()
    return " ".join("st" if word == "saint" else word for word in words)


def _spellings(stored: Iterable[str], city: str) -> list[str]:
    """The stored spellings of `city`, however the user typed it."""
    wanted = _fold(city)
    return sorted({c for c in stored if _fold(c) == wanted})


def _categories_for(conn: Any, ids: list[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        stmt = (
            select(settlement_categories.c.settlement_id, settlement_categories.c.category)
            .where(settlement_categories.c.settlement_id.in_(chunk))
            .order_by(settlement_categories.c.settlement_id, settlement_categories.c.category)
        )
        for settlement_id, category in conn.execute(stmt):
            out.setdefault(settlement_id, []).append(category)
    return {key: tuple(value) for key, value in out.items()}


def _record(row: Any, categories: tuple[str, ...]) -> SettlementRecord:
    return SettlementRecord(
        id=row["id"],
        source_file=row["source_file"],
        source_line=row["source_line"],
        row_hash=row["row_hash"],
        city=row["city"],
        state=row["state"],
        agency=row["agency"],
        incident_date=row["incident_date"],
        filed_date=row["filed_date"],
        closed_date=row["closed_date"],
        calendar_year=row["calendar_year"],
        amount_awarded=cents_to_decimal(row["amount_awarded_cents"]),
        other_expenses=cents_to_decimal(row["other_expenses_cents"]),
        total_incurred=cents_to_decimal(row["total_incurred_cents"]),
        case_outcome=row["case_outcome"],
        docket_number=row["docket_number"],
        claim_number=row["claim_number"],
        court=row["court"],
        plaintiff_name=row["plaintiff_name"],
        matter_name=row["matter_name"],
        summary_allegations=row["summary_allegations"],
        claim_or_lawsuit=row["claim_or_lawsuit"],
        defendant=row["defendant"],
        raw=json.loads(row["raw"]),
        categories=categories,
    )
