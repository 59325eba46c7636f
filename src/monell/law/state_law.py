"""Load the state-law tables of issue 14: notice-of-claim and limitation periods for the
state-law counts that travel with a § 1983 claim, survival and wrongful-death statutes, PLRA
tolling by circuit, and the other reading of a disputed § 1983 period.

Kept beside `book.py` (same file rules, same errors) so that the core law book stays as it is;
every row is checked on load, naming file, line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from monell.domain.vocabulary import Confidence, State, StateClaimKind
from monell.law.book import LawDataError, _csv_rows, _date, _enum, _required, _where

PERIOD = re.compile(r"^(?:(?P<y>\d+)y)?(?:(?P<m>\d+)m)?(?:(?P<d>\d+)d)?$")
NOTICE_ACCRUALS = ("incident",)
CLAIM_ACCRUALS = ("incident", "favorable_termination", "claim_rejection")
DEFENDANT_LEVELS = ("local", "municipal", "county", "state")
QI_VALUES = ("not_a_defense", "state_law")
DEATH_KINDS = ("survival", "wrongful_death")
PLRA_RULES = ("tolled", "not_tolled")


@dataclass(frozen=True)
class Period:
    """A length of time as a statute states it: years, months and days, counted in that
    order (New York's "one year and ninety days" is a year, then ninety days)."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def words(self) -> str:
        parts = [
            f"{n} {unit}{'' if n == 1 else 's'}"
            for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if n
        ]
        return " and ".join(parts)


def parse_period(text: str) -> Period:
    """'90d' -> 90 days, '1y90d' -> one year and ninety days, '6m' -> six months."""
    m = PERIOD.match(text.strip())
    if not text.strip() or m is None:
        raise ValueError(f"{text!r} is not a period such as 90d, 6m, 2y or 1y90d")
    period = Period(int(m["y"] or 0), int(m["m"] or 0), int(m["d"] or 0))
    if not (period.years or period.months or period.days):
        raise ValueError(f"{text!r} is an empty period")
    return period


@dataclass(frozen=True)
class NoticeRule:
    state: State
    scope: str  # "*" statewide, or a city
    defendant_level: str  # municipal, county, local (both) or state
    claims: tuple[StateClaimKind, ...] | None  # None: every state-law tort count
    period: Period
    statute: str
    to_whom: str
    accrual: str
    roll_forward: str  # the computation rule that carries a weekend last day forward, or ""
    confidence: Confidence
    sources: str
    notes: str

    def covers(self, claim: StateClaimKind) -> bool:
        return self.claims is None or claim in self.claims


@dataclass(frozen=True)
class StateClaimRule:
    state: State
    claim: StateClaimKind
    scope: str
    effective_from: dt.date | None  # the earliest incident the statute reaches (blank: any)
    period: Period
    statute: str
    accrual: str
    qualified_immunity: str
    immunities: str
    caps: str
    roll_forward: str
    confidence: Confidence
    sources: str
    notes: str


@dataclass(frozen=True)
class DeathStatute:
    state: State
    kind: str
    statute: str
    who_sues: str
    period: Period | None
    estate_needed: bool | None
    confidence: Confidence
    sources: str
    notes: str


@dataclass(frozen=True)
class PlraTolling:
    circuit: str
    rule: str
    authority: str
    confidence: Confidence
    sources: str
    notes: str


@dataclass(frozen=True)
class AlternativePeriod:
    state: State
    accrued_from: dt.date | None
    accrued_until: dt.date | None
    years: int
    statute: str
    confidence: Confidence
    sources: str
    notes: str

    def covers(self, day: dt.date) -> bool:
        return (self.accrued_from is None or self.accrued_from <= day) and (
            self.accrued_until is None or day <= self.accrued_until
        )


@dataclass(frozen=True)
class StateLaw:
    notices: tuple[NoticeRule, ...]
    claims: tuple[StateClaimRule, ...]
    deaths: tuple[DeathStatute, ...]
    plra_tolling: tuple[PlraTolling, ...]
    alternatives: tuple[AlternativePeriod, ...]

    def covers_state(self, state: State) -> bool:
        return any(r.state is state for r in self.claims) or any(
            r.state is state for r in self.notices
        )

    def claim_rule(
        self, state: State, claim: StateClaimKind, city: str | None, day: dt.date
    ) -> StateClaimRule | None:
        from monell.domain.jurisdiction import same_place

        rows = [
            r
            for r in self.claims
            if r.state is state
            and r.claim is claim
            and (r.effective_from is None or r.effective_from <= day)
        ]
        local = [r for r in rows if r.scope != "*" and same_place(city, r.scope)]
        found = local or [r for r in rows if r.scope == "*"]
        return found[0] if found else None

    def notice_rules(
        self, state: State, level: str, claim: StateClaimKind, city: str | None
    ) -> tuple[NoticeRule, ...]:
        from monell.domain.jurisdiction import same_place

        return tuple(
            r
            for r in self.notices
            if r.state is state
            and (r.defendant_level == level or (r.defendant_level == "local" and level != "state"))
            and r.covers(claim)
            and (r.scope == "*" or same_place(city, r.scope))
        )

    def death_statutes(self, state: State) -> tuple[DeathStatute, ...]:
        return tuple(r for r in self.deaths if r.state is state)

    def tolling_for_circuit(self, circuit: str) -> PlraTolling | None:
        return next((r for r in self.plra_tolling if r.circuit == circuit), None)

    def alternative(self, state: State, accrual: dt.date) -> AlternativePeriod | None:
        return next((a for a in self.alternatives if a.state is state and a.covers(accrual)), None)


def _period(name: str, n: int, column: str, value: str) -> Period:
    try:
        return parse_period(value)
    except ValueError as exc:
        raise LawDataError(f"{_where(name, n, column)}: {exc}") from exc


def _choice(name: str, n: int, column: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise LawDataError(f"{_where(name, n, column)}: {value!r} is not one of {allowed}")
    return value


def _claims(name: str, n: int, value: str) -> tuple[StateClaimKind, ...] | None:
    if value == "*":
        return None
    return tuple(_enum(name, n, "claims", c, StateClaimKind) for c in value.split())


def load_notices() -> tuple[NoticeRule, ...]:
    name = "notice_of_claim.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "scope", "defendant_level", "claims", "period", "statute")
        _required(name, n, r, "to_whom", "accrual", "confidence", "sources")
        rows.append(
            NoticeRule(
                state=_enum(name, n, "state", r["state"], State),
                scope=r["scope"],
                defendant_level=_choice(
                    name, n, "defendant_level", r["defendant_level"], DEFENDANT_LEVELS
                ),
                claims=_claims(name, n, r["claims"]),
                period=_period(name, n, "period", r["period"]),
                statute=r["statute"],
                to_whom=r["to_whom"],
                accrual=_choice(name, n, "accrual", r["accrual"], NOTICE_ACCRUALS),
                roll_forward=r["roll_forward"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_state_claims() -> tuple[StateClaimRule, ...]:
    name = "state_claims.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "claim", "scope", "period", "statute", "accrual")
        _required(name, n, r, "qualified_immunity", "immunities", "confidence", "sources")
        rows.append(
            StateClaimRule(
                state=_enum(name, n, "state", r["state"], State),
                claim=_enum(name, n, "claim", r["claim"], StateClaimKind),
                scope=r["scope"],
                effective_from=_date(name, n, "effective_from", r["effective_from"]),
                period=_period(name, n, "period", r["period"]),
                statute=r["statute"],
                accrual=_choice(name, n, "accrual", r["accrual"], CLAIM_ACCRUALS),
                qualified_immunity=_choice(
                    name, n, "qualified_immunity", r["qualified_immunity"], QI_VALUES
                ),
                immunities=r["immunities"],
                caps=r["caps"],
                roll_forward=r["roll_forward"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_death_statutes() -> tuple[DeathStatute, ...]:
    name = "death_statutes.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "kind", "statute", "who_sues", "confidence", "sources")
        if r["estate_needed"] not in ("yes", "no", ""):
            raise LawDataError(f"{_where(name, n, 'estate_needed')}: yes, no or blank")
        rows.append(
            DeathStatute(
                state=_enum(name, n, "state", r["state"], State),
                kind=_choice(name, n, "kind", r["kind"], DEATH_KINDS),
                statute=r["statute"],
                who_sues=r["who_sues"],
                period=_period(name, n, "period", r["period"]) if r["period"] else None,
                estate_needed={"yes": True, "no": False}.get(r["estate_needed"]),
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_plra_tolling() -> tuple[PlraTolling, ...]:
    name = "plra_tolling.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "circuit", "rule", "authority", "confidence", "sources")
        rows.append(
            PlraTolling(
                circuit=r["circuit"],
                rule=_choice(name, n, "rule", r["rule"], PLRA_RULES),
                authority=r["authority"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_alternatives() -> tuple[AlternativePeriod, ...]:
    name = "limitation_alternatives.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "years", "statute", "confidence", "sources")
        if not r["years"].isdigit() or not 1 <= int(r["years"]) <= 10:
            raise LawDataError(f"{_where(name, n, 'years')}: {r['years']!r} is not 1-10")
        rows.append(
            AlternativePeriod(
                state=_enum(name, n, "state", r["state"], State),
                accrued_from=_date(name, n, "accrued_from", r["accrued_from"]),
                accrued_until=_date(name, n, "accrued_until", r["accrued_until"]),
                years=int(r["years"]),
                statute=r["statute"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


@cache
def load_state_law() -> StateLaw:
    return StateLaw(
        notices=load_notices(),
        claims=load_state_claims(),
        deaths=load_death_statutes(),
        plra_tolling=load_plra_tolling(),
        alternatives=load_alternatives(),
    )
