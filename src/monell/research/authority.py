"""Binding or persuasive: which opinions are law for an incident.

Qualified immunity asks whether the right was clearly established by controlling authority
when the officer acted (Wilson v. Layne, 526 U.S. 603, 617 (1999); District of Columbia v.
Wesby, 583 U.S. 48 (2018)). Controlling authority for a federal § 1983 suit is the Supreme
Court and the court of appeals of the circuit where the suit lies, in precedential opinions
decided before the incident. Everything else — other circuits, district courts, state courts,
unpublished opinions, dissents — is at most persuasive.

The circuit comes from the reviewed law data (`courts.csv`: state → circuit, with sources);
what kind of court an id names (the Supreme Court, a court of appeals, a district court) comes
from courts-db's own fields (`system`, `name`, `parent`), not from lists in this file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from monell.domain.vocabulary import State
from monell.research.documents import ResearchDocument

# CourtListener `precedential_status` values (COURTLISTENER_FORMATS.md): only Published binds;
# Unknown is what sample records without a reporter citation get, so it is kept but flagged.
PRECEDENTIAL = "Published"
UNKNOWN_STATUS = "Unknown"


class CourtKind(StrEnum):
    SUPREME = "supreme"
    APPEALS = "appeals"
    DISTRICT = "district"
    STATE = "state"
    OTHER = "other"
    UNKNOWN = "unknown"


class Weight(StrEnum):
    BINDING = "binding"
    PERSUASIVE = "persuasive"


@dataclass(frozen=True)
class CourtInfo:
    id: str
    name: str
    citation_string: str
    kind: CourtKind


@cache
def _courts_db() -> dict[str, dict[str, Any]]:
    from courts_db import courts

    return {c["id"]: c for c in courts}


@cache
def court_info(court_id: str) -> CourtInfo:
    entry = _courts_db().get(court_id)
    if entry is None:
        return CourtInfo(court_id, court_id, court_id, CourtKind.UNKNOWN)
    name = entry.get("name", court_id)
    system = entry.get("system", "")
    if system == "federal" and name == "Supreme Court of the United States":
        kind = CourtKind.SUPREME
    elif system == "federal" and name.startswith("Court of Appeals for the"):
        kind = CourtKind.APPEALS
    elif entry.get("parent") == "usdistct" or name.startswith("District Court"):
        kind = CourtKind.DISTRICT
    elif system == "state":
        kind = CourtKind.STATE
    else:
        kind = CourtKind.OTHER
    return CourtInfo(court_id, name, entry.get("citation_string") or court_id, kind)


@cache
def supreme_court_id() -> str:
    ids = [i for i in _courts_db() if court_info(i).kind is CourtKind.SUPREME]
    if len(ids) != 1:
        raise LookupError(f"courts-db names {len(ids)} U.S. Supreme Courts: {ids}")
    return ids[0]


def circuit_for(state: State) -> str:
    from monell.law.book import load_law

    circuit = load_law().courts[state].circuit
    if court_info(circuit).kind is not CourtKind.APPEALS:
        raise LookupError(f"courts.csv maps {state} to {circuit!r}, not a court of appeals")
    return circuit


def binding_courts(circuit: str) -> tuple[str, ...]:
    """The courts whose precedential opinions bind in `circuit`: the Supreme Court and it."""
    return (supreme_court_id(), circuit)


@dataclass(frozen=True)
class Classification:
    weight: Weight
    reason: str
    status_confirmed: bool


def classify(doc: ResearchDocument, circuit: str, incident_date: dt.date) -> Classification | None:
    """Binding or persuasive for an incident in `circuit` on `incident_date`; None when the
    opinion cannot speak to that incident at all (decided on/after it, or undated)."""
    if doc.date_filed is None:
        return None
    if doc.date_filed >= incident_date:
        return None
    info = court_info(doc.court)
    if doc.court not in binding_courts(circuit):
        where = {
            CourtKind.APPEALS: "another circuit",
            CourtKind.DISTRICT: "a district court",
            CourtKind.STATE: "a state court",
        }.get(info.kind, "a court outside the chain of review")
        return Classification(Weight.PERSUASIVE, f"{info.name}: {where}", True)
    if not doc.speaks_for_court:
        return Classification(Weight.PERSUASIVE, "separate opinion (concurrence or dissent)", True)
    if doc.precedential_status == PRECEDENTIAL:
        return Classification(Weight.BINDING, f"{info.name}, precedential", True)
    if doc.precedential_status in ("", UNKNOWN_STATUS):
        return Classification(
            Weight.BINDING,
            f"{info.name}; precedential status unknown in the corpus — confirm it is published",
            False,
        )
    return Classification(
        Weight.PERSUASIVE,
        f"{info.name}, {doc.precedential_status.lower()} (not precedential)",
        True,
    )
