"""Who pays a judgment or settlement against this incident's defendant.

The answer is looked up, never inferred: `law/data/payers.csv` holds reviewed rows (each with
sources and a confidence taken from `shared/data/reference/missouri.md`), keyed by state, the
defendant's level and place, and the dates a row covers (St. Louis police control changed in
2013 and 2025; Springfield's insurance changed on 2014-07-01). Where the data has nothing, the
answer is "unknown" with a public-records request that finds out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TypeVar

from monell.domain.models import Incident
from monell.domain.vocabulary import Confidence, GovernmentLevel, State
from monell.exposure.models import (
    AppliesTo,
    Defendants,
    Indemnified,
    PayerFinding,
    PayerKind,
    PayerRow,
    PublicRecordsLaw,
    RowKind,
)
from monell.exposure.records_request import build_request
from monell.exposure.strategy import notes_for

E = TypeVar("E", bound=StrEnum)

DATA_PACKAGE = "monell.law.data"
PAYERS_FILE = "payers.csv"
RECORDS_FILE = "public_records.csv"
PAYER_COLUMNS = (
    "id", "state", "kind", "defendants", "entity", "level", "place", "agency_kinds",
    "police_board", "from", "until", "layer", "payer_kind", "payer", "officers_indemnified",
    "applies_to", "statement", "authority", "confidence", "sources", "check",
)  # fmt: skip
# Weakest last: a finding is only as trustworthy as its least-checked row.
CONFIDENCE_ORDER = (
    Confidence.CONFIRMED,
    Confidence.SINGLE_SOURCE,
    Confidence.DISPUTED,
    Confidence.UNVERIFIED,
)


class PayerDataError(ValueError):
    """A payer data file is malformed; the message names file, line and column."""


def _read(name: str) -> list[tuple[int, dict[str, str]]]:
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return [(n, row) for n, row in enumerate(reader, start=2)]


def _enum(name: str, line: int, column: str, value: str, enum: type[E]) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise PayerDataError(
            f"{name}:{line}: column {column!r}: {value!r} is not one of: {allowed}"
        ) from None


def _date(name: str, line: int, column: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PayerDataError(
            f"{name}:{line}: column {column!r}: {value!r} is not an ISO date (YYYY-MM-DD)"
        ) from None


def parse_payer_rows(rows: Iterable[tuple[int, dict[str, str]]], name: str) -> tuple[PayerRow, ...]:
    """Validate raw CSV rows; exposed so the data test can feed it broken rows."""
    out: list[PayerRow] = []
    seen: set[str] = set()
    for line, r in rows:
        missing = [c for c in PAYER_COLUMNS if c not in r]
        if missing:
            raise PayerDataError(f"{name}:{line}: missing columns {', '.join(missing)}")
        for column in ("id", "state", "kind", "defendants", "statement", "confidence", "sources"):
            if not r[column].strip():
                raise PayerDataError(f"{name}:{line}: column {column!r} is empty")
        if r["id"] in seen:
            raise PayerDataError(f"{name}:{line}: id {r['id']!r} appears twice")
        seen.add(r["id"])
        kind = _enum(name, line, "kind", r["kind"], RowKind)
        defendants = _enum(name, line, "defendants", r["defendants"], Defendants)
        payer_kind = (
            _enum(name, line, "payer_kind", r["payer_kind"], PayerKind) if r["payer_kind"] else None
        )
        if kind is RowKind.PAYER and payer_kind is None:
            raise PayerDataError(f"{name}:{line}: a payer row needs a payer_kind")
        if defendants is Defendants.ENTITY and not (r["entity"] and r["level"] and r["place"]):
            raise PayerDataError(f"{name}:{line}: an entity row needs entity, level and place")
        if r["level"] and r["level"] not in ("municipal", "county"):
            raise PayerDataError(f"{name}:{line}: level {r['level']!r} is not municipal or county")
        from_date = _date(name, line, "from", r["from"])
        until = _date(name, line, "until", r["until"])
        if from_date and until and until < from_date:
            raise PayerDataError(f"{name}:{line}: until {until} is before from {from_date}")
        out.append(
            PayerRow(
                id=r["id"],
                state=_enum(name, line, "state", r["state"], State),
                kind=kind,
                defendants=defendants,
                entity=r["entity"],
                level=r["level"],
                place=r["place"],
                agency_kinds=tuple(k for k in r["agency_kinds"].split(";") if k),
                police_board=r["police_board"] == "true",
                from_date=from_date,
                until=until,
                layer=int(r["layer"]) if r["layer"] else None,
                payer_kind=payer_kind,
                payer=r["payer"],
                officers_indemnified=_enum(
                    name,
                    line,
                    "officers_indemnified",
                    r["officers_indemnified"] or "unknown",
                    Indemnified,
                ),
                applies_to=_enum(name, line, "applies_to", r["applies_to"], AppliesTo),
                statement=r["statement"],
                authority=r["authority"],
                confidence=_enum(name, line, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                check=r["check"],
            )
        )
    return tuple(out)


@cache
def load_payers() -> tuple[PayerRow, ...]:
    return parse_payer_rows(_read(PAYERS_FILE), PAYERS_FILE)


@cache
def load_public_records_laws() -> dict[State, PublicRecordsLaw]:
    laws: dict[State, PublicRecordsLaw] = {}
    for line, r in _read(RECORDS_FILE):
        state = _enum(RECORDS_FILE, line, "state", r["state"], State)
        laws[state] = PublicRecordsLaw(
            state=state,
            law=r["law"],
            citation=r["citation"],
            confidence=_enum(RECORDS_FILE, line, "confidence", r["confidence"], Confidence),
            sources=r["sources"],
        )
    return laws


def _plain(name: str) -> str:
    text = re.sub(r"\bsaint\b", "st", name.lower())
    return " ".join(re.sub(r"[^a-z0-9]", " ", text).split())


def normalize_place(name: str | None) -> str:
    """'Saint Louis County' and 'St. Louis' compare equal to the data's 'St. Louis [County]'."""
    if not name:
        return ""
    return " ".join(re.sub(r"\bcity of\b|\bcounty\b", " ", _plain(name.split(",")[0])).split())


def _entity_matches(row: PayerRow, incident: Incident) -> bool:
    level = incident.agency.level
    if row.agency_kinds and incident.agency.kind.value not in row.agency_kinds:
        return False
    if row.level == "municipal":
        return level is GovernmentLevel.MUNICIPAL and normalize_place(
            incident.city
        ) == normalize_place(row.place)
    if row.level == "county":
        place = normalize_place(row.place)
        return level is GovernmentLevel.COUNTY and (
            normalize_place(incident.county) == place
            or (not incident.county and f" {place} county " in f" {_plain(incident.agency.name)} ")
        )
    return False


def _statewide_applies(row: PayerRow, incident: Incident, police_board: bool) -> bool:
    if row.defendants is Defendants.ANY:
        return True
    if row.defendants is Defendants.LOCAL:
        return incident.agency.level in (GovernmentLevel.MUNICIPAL, GovernmentLevel.COUNTY)
    if row.defendants is Defendants.POLICE_BOARD:
        return police_board
    return False


def weakest(confidences: Iterable[Confidence]) -> Confidence:
    ranked = [CONFIDENCE_ORDER.index(c) for c in confidences]
    return CONFIDENCE_ORDER[max(ranked)] if ranked else Confidence.UNVERIFIED


def default_defendant(incident: Incident) -> str:
    """The entity a records request goes to when the data names none."""
    agency = incident.agency
    if agency.level in (GovernmentLevel.MUNICIPAL, GovernmentLevel.COUNTY):
        # The entity the law data names (the District of Columbia, a consolidated
        # government, a sheriff in an official capacity) is the one the defendants name too.
        from monell.domain.defendants import local_entity, policymaker_entity
        from monell.law.book import load_law

        entities = load_law().local_entities
        if local_entity(incident, entities) is not None:
            return policymaker_entity(incident, entities)
    if agency.level is GovernmentLevel.MUNICIPAL and incident.city:
        return f"City of {incident.city}"
    if agency.level is GovernmentLevel.COUNTY and incident.county:
        county = incident.county
        return county if "county" in county.lower() else f"{county} County"
    return agency.name


def find_payers(incident: Incident, rows: tuple[PayerRow, ...] | None = None) -> PayerFinding:
    """Look up the payer rows for the defendant on the incident date."""
    rows = load_payers() if rows is None else rows
    day = incident.incident_date
    in_state = [r for r in rows if r.state is incident.state]
    entity_rows = [
        r
        for r in in_state
        if r.defendants is Defendants.ENTITY and r.covers(day) and _entity_matches(r, incident)
    ]
    police_board = any(r.police_board for r in entity_rows)
    statewide = [
        r
        for r in in_state
        if r.defendants is not Defendants.ENTITY
        and r.covers(day)
        and _statewide_applies(r, incident, police_board)
    ]
    payers = sorted(
        [r for r in entity_rows if r.kind is RowKind.PAYER]
        + [r for r in statewide if r.kind is RowKind.PAYER],
        key=lambda r: (r.defendants is not Defendants.ENTITY, r.layer or 0, r.id),
    )
    rules = tuple(r for r in statewide if r.kind is RowKind.RULE)
    known = any(r.payer_kind not in (None, PayerKind.UNKNOWN) for r in entity_rows)
    indemnified = _indemnified(entity_rows, statewide)
    defendant = entity_rows[0].entity if entity_rows else default_defendant(incident)
    law = load_public_records_laws().get(incident.state)
    kinds = {r.payer_kind.value for r in payers if r.payer_kind} if known else {"unknown"}
    return PayerFinding(
        state=incident.state,
        defendant=defendant,
        on_date=day,
        known=known,
        payers=tuple(payers),
        rules=rules,
        officers_indemnified=indemnified,
        confidence=weakest(r.confidence for r in entity_rows),
        records_request=build_request(incident, defendant, law),
        notes=notes_for(kinds),
    )


def _indemnified(entity_rows: list[PayerRow], statewide: list[PayerRow]) -> Indemnified:
    for group in (entity_rows, statewide):
        values = {r.officers_indemnified for r in group} - {Indemnified.UNKNOWN}
        if len(values) == 1:
            return values.pop()
        if values:
            return Indemnified.CONDITIONAL
    return Indemnified.UNKNOWN
