"""Monell's value types: the incident that comes in and every part of the assessment that goes out.

All values are frozen pydantic models so that a stage can never change what an earlier stage
decided, and so that `model_dump(mode="json")` is the JSON contract (see
`report/schema/assessment.schema.json`). Field names are the field's own words.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from monell.domain.vocabulary import (
    AgencyKind,
    Amendment,
    AuthorityKind,
    CitationStatus,
    Conduct,
    Confidence,
    CriminalCaseStatus,
    Custody,
    DeadlineKind,
    DefendantRole,
    FlagCode,
    GovernmentLevel,
    QualifiedImmunity,
    Severity,
    State,
    StateClaimKind,
    TollingKind,
)


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- the incident


class Agency(Value):
    name: str
    kind: AgencyKind
    level: GovernmentLevel
    # A local officer deputized to a federal task force acts under federal law for the FTCA
    # and Bivens (issue 14). None = not said.
    federal_task_force: bool | None = None


class Officer(Value):
    name: str | None = None
    badge: str | None = None

    @property
    def label(self) -> str:
        if self.name and self.badge:
            return f"{self.name} (badge {self.badge})"
        return self.name or f"Officer, badge {self.badge}"


class Person(Value):
    custody: Custody
    birth_date: dt.date | None = None
    # None = not said. A claim of a person who died belongs to the estate, whose tolling
    # differs from a living minor's.
    deceased: bool | None = None
    # Whether the person will still be a prisoner (jail or prison) when the suit is filed:
    # the PLRA binds only suits "brought by a prisoner" (42 U.S.C. § 1997e). None = not said.
    in_custody_at_filing: bool | None = None


class CriminalCase(Value):
    status: CriminalCaseStatus
    resolved_on: dt.date | None = None
    charges: tuple[str, ...] = ()
    # The day detention became pursuant to legal process (arraignment, probable-cause
    # hearing): when a false-arrest claim accrues (Wallace v. Kato).
    legal_process_on: dt.date | None = None


class Incident(Value):
    """One concrete police encounter, as validated by `domain.incident.parse_incident`."""

    incident_date: dt.date
    state: State
    city: str | None = None
    county: str | None = None
    agency: Agency
    officers: tuple[Officer, ...] = ()
    person: Person
    conduct: tuple[Conduct, ...]
    criminal_case: CriminalCase
    evaluated_on: dt.date
    narrative: str | None = None


# --------------------------------------------------------------------------- sources


class Verification(Value):
    """Whether a printed citation was checked, and against what."""

    status: CitationStatus
    verified: bool
    checked_against: str
    note: str | None = None


class Authority(Value):
    """A case, statute or rule behind a statement, drawn from `law/data/authorities.csv`."""

    key: str
    kind: AuthorityKind
    name: str
    citation: str
    year: int | None
    court: str
    proposition: str
    confidence: Confidence
    verification: Verification
    pin: str | None = None

    @property
    def cite(self) -> str:
        """Bluebook-like short form: 'Graham v. Connor, 490 U.S. 386 (1989)'."""
        if self.kind is not AuthorityKind.CASE:
            return self.citation
        pin = f", {self.pin}" if self.pin else ""
        court = "" if self.court == "scotus" else f"{_court_abbrev(self.court)} "
        year = f" ({court}{self.year})" if self.year else ""
        return f"{self.name}, {self.citation}{pin}{year}"


def _court_abbrev(court_id: str) -> str:
    if court_id == "cadc":
        return "D.C. Cir."
    if court_id.startswith("ca") and court_id[2:].isdigit():
        n = int(court_id[2:])
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n, "th")
        return f"{n}{suffix} Cir."
    return court_id


# --------------------------------------------------------------------------- the assessment


class Jurisdiction(Value):
    state: State
    state_name: str
    circuit: str
    circuit_name: str
    district: str | None
    district_name: str | None
    districts: tuple[str, ...]
    high_court: str
    district_basis: str
    confidence: Confidence
    sources: tuple[str, ...]


class Claim(Value):
    id: Conduct
    title: str
    amendment: Amendment
    standard: str
    elements: tuple[str, ...]
    authorities: tuple[Authority, ...]
    notes: tuple[str, ...] = ()


class Defendant(Value):
    role: DefendantRole
    name: str
    suable: bool
    qualified_immunity: QualifiedImmunity
    liability_basis: str
    authorities: tuple[Authority, ...]
    confidence: Confidence = Confidence.CONFIRMED
    notes: tuple[str, ...] = ()


class Tolling(Value):
    kind: TollingKind
    applied: bool
    statute: str
    description: str
    tolled_until: dt.date | None
    confidence: Confidence


class Deadline(Value):
    kind: DeadlineKind
    claim: Conduct
    accrues_on: dt.date | None
    accrual_rule: str
    accrual_assumed: bool
    deadline: dt.date | None
    days_remaining: int | None
    limitations_period: str
    limitations_years: int
    statute: str
    tolling: tuple[Tolling, ...]
    confidence: Confidence
    authorities: tuple[Authority, ...]
    notes: tuple[str, ...] = ()
    # Issue 14, state-law rows (kind notice_of_claim / state_limitations): the state-law count
    # the row belongs to (`claim` stays the conduct it rests on) and, for a notice, who must
    # receive it.
    state_claim: StateClaimKind | None = None
    to_whom: str | None = None
    # The rule that carries a last day on a weekend to the next business day, when the
    # statute's computation rule says so (None: the day is not moved).
    computation: str | None = None
    # Where the law leaves two periods (a disputed period, a change of period around the
    # accrual date): the other reading's last day, which may be later than `deadline`.
    alternative_deadline: dt.date | None = None
    alternative_statute: str | None = None


class StateClaim(Value):
    """A state-law count the facts support (issue 14), with its own clocks and shields."""

    id: StateClaimKind
    title: str
    status: str  # "covered" (rows in the data) or "unknown_law"
    from_conduct: tuple[Conduct, ...]
    against: str
    statute: str | None
    qualified_immunity: str | None  # "not_a_defense", "state_law", or None when unknown
    immunities: tuple[str, ...]
    caps: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    confidence: Confidence
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()


class Flag(Value):
    code: FlagCode
    severity: Severity
    message: str
    authorities: tuple[Authority, ...]
    claim: Conduct | None = None


class MonellTheory(Value):
    id: str
    name: str
    elements: tuple[str, ...]
    authorities: tuple[Authority, ...]
    evidence_to_gather: tuple[str, ...]


class MonellAnalysis(Value):
    applicable: bool
    municipality: str | None
    reason: str
    theories: tuple[MonellTheory, ...]
    authorities: tuple[Authority, ...]


class Assessment(Value):
    """What `monell assess` answers for one incident."""

    schema_version: str = "1.0"
    evaluated_on: dt.date
    incident: Incident
    summary: tuple[str, ...]
    jurisdiction: Jurisdiction
    claims: tuple[Claim, ...]
    defendants: tuple[Defendant, ...]
    deadlines: tuple[Deadline, ...]
    flags: tuple[Flag, ...]
    monell: MonellAnalysis
    disclaimer: str
    state_claims: tuple[StateClaim, ...] = ()
