"""Frozen values of the exposure stage: payers, notes, comparables and pattern evidence.

Field names are the ones a lawyer reads in the JSON (`payer_kind`, `confidence`, `check`);
`to_json()` on each top-level value is the output contract pinned by the section schemas in
`report/schema/sections/`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from monell.domain.vocabulary import Confidence, State


class PayerKind(StrEnum):
    """Where the money for a judgment or settlement comes from."""

    GENERAL_FUND = "general_fund"
    ENTITY_BUDGET = "entity_budget"  # the defendant's own appropriation or retention
    SELF_INSURANCE_FUND = "self_insurance_fund"
    RISK_POOL = "risk_pool"
    COMMERCIAL_INSURER = "commercial_insurer"
    STATE_LEGAL_EXPENSE_FUND = "state_legal_expense_fund"
    STATE = "state"
    BONDS = "bonds"
    OTHER = "other"
    UNKNOWN = "unknown"


class Indemnified(StrEnum):
    """Whether the data says officers are indemnified by this payer."""

    YES = "yes"
    NO = "no"
    CONDITIONAL = "conditional"
    UNKNOWN = "unknown"


class RowKind(StrEnum):
    PAYER = "payer"
    RULE = "rule"


class Defendants(StrEnum):
    """Which defendants a statewide row reaches."""

    ANY = "any"
    LOCAL = "local"  # any city, county or other local public body
    POLICE_BOARD = "police_board"
    ENTITY = "entity"  # one named defendant (level + place)


class AppliesTo(StrEnum):
    SECTION_1983 = "section_1983"
    STATE_LAW_TORTS = "state_law_torts"
    BOTH = "both"


@dataclass(frozen=True)
class PayerRow:
    """One reviewed row of `law/data/payers.csv`."""

    id: str
    state: State
    kind: RowKind
    defendants: Defendants
    entity: str
    level: str  # municipal | county | "" for statewide rows
    place: str
    agency_kinds: tuple[str, ...]
    police_board: bool
    from_date: dt.date | None
    until: dt.date | None
    layer: int | None
    payer_kind: PayerKind | None
    payer: str
    officers_indemnified: Indemnified
    applies_to: AppliesTo
    statement: str
    authority: str
    confidence: Confidence
    sources: str
    check: str

    def covers(self, day: dt.date) -> bool:
        return (self.from_date is None or self.from_date <= day) and (
            self.until is None or day <= self.until
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "layer": self.layer,
            "payer_kind": self.payer_kind.value if self.payer_kind else None,
            "payer": self.payer or None,
            "officers_indemnified": self.officers_indemnified.value,
            "applies_to": self.applies_to.value,
            "statement": self.statement,
            "authority": self.authority or None,
            "valid_from": self.from_date.isoformat() if self.from_date else None,
            "valid_until": self.until.isoformat() if self.until else None,
            "confidence": self.confidence.value,
            "verified": self.confidence is Confidence.CONFIRMED,
            "sources": self.sources,
            "check": self.check or None,
        }


@dataclass(frozen=True)
class PublicRecordsLaw:
    state: State
    law: str
    citation: str
    confidence: Confidence
    sources: str


@dataclass(frozen=True)
class RecordsRequest:
    """A public-records request the user can send to learn who pays."""

    addressee: str
    law: str  # e.g. "Missouri Sunshine Law (Mo. Rev. Stat. ch. 610)" or the generic phrase
    law_confidence: Confidence
    items: tuple[str, ...]
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "addressee": self.addressee,
            "law": self.law,
            "law_confidence": self.law_confidence.value,
            "items": list(self.items),
            "text": self.text,
        }


@dataclass(frozen=True)
class StrategyNote:
    id: str
    topic: str
    applies_when: tuple[str, ...]
    finding: str
    implication: str
    citation: str
    sources: tuple[str, ...]
    confidence: Confidence
    check: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "finding": self.finding,
            "implication": self.implication,
            "citation": self.citation or None,
            "sources": list(self.sources),
            "confidence": self.confidence.value,
            "check": self.check or None,
        }


@dataclass(frozen=True)
class PayerFinding:
    """Who pays for this incident's defendant, as far as the reviewed data knows."""

    state: State
    defendant: str
    on_date: dt.date
    known: bool
    payers: tuple[PayerRow, ...]  # entity rows, then statewide payer rows, by layer
    rules: tuple[PayerRow, ...]  # statewide rules that shape recovery (immunity, caps)
    officers_indemnified: Indemnified
    confidence: Confidence  # the weakest confidence among the entity rows used
    records_request: RecordsRequest
    notes: tuple[StrategyNote, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "defendant": self.defendant,
            "on_date": self.on_date.isoformat(),
            "known": self.known,
            "confidence": self.confidence.value,
            "officers_indemnified": self.officers_indemnified.value,
            "payers": [p.to_json() for p in self.payers],
            "rules": [r.to_json() for r in self.rules],
            "records_request": self.records_request.to_json(),
            "strategy_notes": [n.to_json() for n in self.notes],
        }


class Settlement(Protocol):
    """The fields of part A's `SettlementRecord` that this stage reads."""

    @property
    def id(self) -> int: ...
    @property
    def city(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def agency(self) -> str | None: ...
    @property
    def incident_date(self) -> dt.date | None: ...
    @property
    def closed_date(self) -> dt.date | None: ...
    @property
    def calendar_year(self) -> int | None: ...
    @property
    def amount_awarded(self) -> Decimal | None: ...
    @property
    def total_incurred(self) -> Decimal | None: ...
    @property
    def docket_number(self) -> str | None: ...
    @property
    def matter_name(self) -> str | None: ...
    @property
    def plaintiff_name(self) -> str | None: ...
    @property
    def case_outcome(self) -> str | None: ...
    @property
    def court(self) -> str | None: ...
    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def source_file(self) -> str: ...
    @property
    def source_line(self) -> int: ...


class Tier(StrEnum):
    """How near a comparable settlement is to the incident, nearest first."""

    SAME_AGENCY = "same_agency"
    SAME_CITY = "same_city"
    SAME_STATE = "same_state"
    ANYWHERE = "anywhere"


@dataclass(frozen=True)
class Quantiles:
    count: int
    p25: Decimal | None
    median: Decimal | None
    p75: Decimal | None
    p90: Decimal | None

    def to_json(self) -> dict[str, Any]:
        def money(v: Decimal | None) -> float | None:
            return None if v is None else float(v)

        return {
            "count": self.count,
            "p25": money(self.p25),
            "median": money(self.median),
            "p75": money(self.p75),
            "p90": money(self.p90),
        }
