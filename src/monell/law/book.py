"""Load the law data files into typed, validated rows.

The data under `law/data/` is the reviewed source of every legal rule Monell applies; this
module only reads it. Loading fails loudly (naming file, row and column) on a malformed row, so
a bad data edit can never turn into a confident wrong answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from monell.domain.vocabulary import AgencyKind, AuthorityKind, Conduct, Confidence, Custody, State

DATA_PACKAGE = "monell.law.data"


class LawDataError(ValueError):
    """A law data file does not have the shape the engine relies on."""


@dataclass(frozen=True)
class AuthorityRow:
    key: str
    kind: AuthorityKind
    name: str
    citation: str
    year: int | None
    decided: dt.date | None
    court: str
    topic: str
    proposition: str
    confidence: Confidence
    sources: str


@dataclass(frozen=True)
class LimitationPeriod:
    state: State
    years: int
    statute: str
    accrued_from: dt.date | None
    accrued_until: dt.date | None
    confidence: Confidence
    sources: str
    notes: str

    def covers(self, day: dt.date) -> bool:
        return (self.accrued_from is None or self.accrued_from <= day) and (
            self.accrued_until is None or day <= self.accrued_until
        )


@dataclass(frozen=True)
class TollingRule:
    state: State
    kind: str
    age: int
    statute: str
    confidence: Confidence
    sources: str


@dataclass(frozen=True)
class CourtRow:
    state: State
    state_name: str
    circuit: str
    circuit_name: str
    districts: tuple[str, ...]
    high_court: str
    high_court_name: str
    confidence: Confidence
    sources: str


@dataclass(frozen=True)
class DistrictPlace:
    state: State
    place_kind: str
    place: str
    district: str
    statute: str
    confidence: Confidence
    sources: str
    notes: str


@dataclass(frozen=True)
class DistrictCounty:
    """One county (county_fips, county) of a multi-district state, or a whole single-district
    state (county_fips and county "*"), and its federal district."""

    state: State
    county_fips: str
    county: str
    district: str
    statute: str
    confidence: Confidence
    sources: str


@dataclass(frozen=True)
class SuableRule:
    scope: str  # a circuit id (ca8) or a state code (TX)
    entity: str
    suable: bool
    authority: str
    right_defendant: str
    confidence: Confidence
    sources: str
    notes: str


@dataclass(frozen=True)
class LocalEntity:
    state: State
    city: str
    agency_kind: AgencyKind
    from_date: dt.date | None
    until: dt.date | None
    defendant: str
    known: bool
    authority: str
    confidence: Confidence
    sources: str
    notes: str
    # "municipality": the defendant is the local government that answers under Monell;
    # "state": it acts for the state (not a "person" for damages; Eleventh Amendment).
    role: str = "municipality"
    indemnitor: str = ""  # who must pay an official-capacity judgment (Illinois counties)
    not_liable: str = ""  # the body people wrongly sue instead (the Alabama county)

    def covers(self, day: dt.date) -> bool:
        return (self.from_date is None or self.from_date <= day) and (
            self.until is None or day <= self.until
        )


LOCAL_ROLES = ("municipality", "state")


@dataclass(frozen=True)
class ClaimTest:
    amendment: str
    standard: str
    authorities: tuple[str, ...]
    elements: tuple[str, ...]
    circuit_authorities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A circuit whose own standard differs (detainee medical care after Kingsley) replaces
    # the whole test there.
    by_circuit: Mapping[str, ClaimTest] = field(default_factory=dict)

    def for_circuit(self, circuit: str) -> ClaimTest:
        return self.by_circuit.get(circuit, self)


@dataclass(frozen=True)
class ClaimDoctrine:
    conduct: Conduct
    title: str
    accrual: str
    accrual_authorities: tuple[str, ...]
    default: ClaimTest
    by_custody: Mapping[Custody, ClaimTest]

    def test_for(self, custody: Custody) -> ClaimTest:
        return self.by_custody.get(custody, self.default)


@dataclass(frozen=True)
class TheoryRow:
    id: str
    name: str
    authorities: tuple[str, ...]
    elements: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class CorpusCitation:
    citation: str
    case_name: str
    date_filed: dt.date | None
    court: str
    record_id: str


ACCRUAL_RULES = ("incident", "legal_process", "favorable_termination")


def _yaml_load(text: str) -> Any:
    """yaml.safe_load, through libyaml's C parser when PyYAML has it (the same safe subset,
    several times faster on claims.yaml)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _open_text(name: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _csv_rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(_open_text(name).splitlines())
    for line_no, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise LawDataError(f"{name}:{line_no}: wrong number of columns")
        if "sources" in row:
            row["sources"] = public_sources(row["sources"])
        yield line_no, row


# The reviewers' machine-checked form of a quote from the bundled opinion sample (a test
# checks every quote against the record; docs/law-data.md). A reader has no such file: the
# loaded rows name the opinion itself instead.
_SAMPLE_REF = re.compile(r"sample:(?P<file>[\w.]+\.jsonl)#(?P<record>[\w-]+)")
_OPINION_PART = re.compile(r"-(?P<kind>opinion|dissent|concurrence)-(?P<author>[a-z]+)$")
CORPUS_FILE = "corpus_citations.csv"


@cache
def _sample_opinions() -> dict[str, str]:
    """Record id (and the decision's id without its opinion part, and its U.S. cite) of the
    bundled sample -> the decision as a reader finds it: 'Ashcroft v. al-Kidd, 563 U.S. 731
    (2011)'. The list keeps one record per citation, so other opinions of the same decision
    are found through the decision."""
    out: dict[str, str] = {}
    for _, row in _csv_rows(CORPUS_FILE):
        date = row["date_filed"]
        when = date[:4] if row["citation"] else f"{row['court']} {date}".strip()
        name = f"{row['case_name']}, {row['citation']}" if row["citation"] else row["case_name"]
        text = f"{name} ({when})"
        out[row["record_id"]] = text
        out.setdefault(_OPINION_PART.sub("", row["record_id"]), text)
        if row["citation"]:
            out.setdefault(row["citation"], text)
    return out


def _opinion_named(record: str) -> str | None:
    known = _sample_opinions()
    decision = _OPINION_PART.sub("", record)
    us = re.fullmatch(r"scotus-(\d+)-u-s-(\d+)", decision)
    found = (
        known.get(record)
        or known.get(decision)
        or (known.get(f"{us[1]} U.S. {us[2]}") if us else None)
    )
    if found is None:
        return None
    part = _OPINION_PART.search(record)
    return found + (f", {part['kind']} ({part['author'].title()})" if part else "")


def public_sources(text: str) -> str:
    """`sources` text with each `sample:<file>#<record>` replaced by the opinion it names (case,
    citation, year; the quote that follows is kept). Unknown records say what they are."""
    if "sample:" not in text:
        return text

    def named(match: re.Match[str]) -> str:
        found = _opinion_named(match["record"])
        return f"opinion text of {found}" if found else f"opinion text (record {match['record']})"

    return _SAMPLE_REF.sub(named, text)


def _where(name: str, line_no: int, column: str) -> str:
    return f"{name}:{line_no} column {column!r}"


def _date(name: str, line_no: int, column: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise LawDataError(f"{_where(name, line_no, column)}: not an ISO date: {value!r}") from exc


def _enum(name: str, line_no: int, column: str, value: str, enum: Any) -> Any:
    try:
        return enum(value)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in enum)
        raise LawDataError(
            f"{_where(name, line_no, column)}: {value!r} is not one of {allowed}"
        ) from exc


def _required(name: str, line_no: int, row: Mapping[str, str], *columns: str) -> None:
    for column in columns:
        if not row[column].strip():
            raise LawDataError(f"{_where(name, line_no, column)}: required value is empty")


@dataclass(frozen=True)
class LawBook:
    """Every law table, loaded once; the engine's only source of legal rules."""

    authorities: Mapping[str, AuthorityRow]
    limitations: tuple[LimitationPeriod, ...]
    tolling: tuple[TollingRule, ...]
    courts: Mapping[State, CourtRow]
    district_places: tuple[DistrictPlace, ...]
    suable: tuple[SuableRule, ...]
    local_entities: tuple[LocalEntity, ...]
    claims: Mapping[Conduct, ClaimDoctrine]
    theories: tuple[TheoryRow, ...]
    corpus: tuple[CorpusCitation, ...]
    district_counties: tuple[DistrictCounty, ...] = ()

    def authority(self, key: str) -> AuthorityRow:
        try:
            return self.authorities[key]
        except KeyError as exc:
            raise LawDataError(f"authority key {key!r} is not in authorities.csv") from exc

    def periods_for(self, state: State) -> tuple[LimitationPeriod, ...]:
        return tuple(p for p in self.limitations if p.state is state)

    def tolling_for(self, state: State, kind: str) -> TollingRule | None:
        return next((t for t in self.tolling if t.state is state and t.kind == kind), None)


def load_authorities() -> dict[str, AuthorityRow]:
    name = "authorities.csv"
    out: dict[str, AuthorityRow] = {}
    for n, r in _csv_rows(name):
        _required(
            name,
            n,
            r,
            "key",
            "kind",
            "name",
            "citation",
            "proposition",
            "confidence",
            "sources",
            "topic",
        )
        kind = _enum(name, n, "kind", r["kind"], AuthorityKind)
        if kind is AuthorityKind.CASE:
            _required(name, n, r, "year", "court")
        if r["key"] in out:
            raise LawDataError(f"{_where(name, n, 'key')}: duplicate key {r['key']!r}")
        year = int(r["year"]) if r["year"] else None
        decided = _date(name, n, "decided", r["decided"])
        if decided and year and decided.year != year:
            raise LawDataError(f"{_where(name, n, 'decided')}: year {year} but decided {decided}")
        out[r["key"]] = AuthorityRow(
            key=r["key"],
            kind=kind,
            name=r["name"],
            citation=r["citation"],
            year=year,
            decided=decided,
            court=r["court"],
            topic=r["topic"],
            proposition=r["proposition"],
            confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
            sources=r["sources"],
        )
    return out


def load_limitations() -> tuple[LimitationPeriod, ...]:
    name = "limitations.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "years", "statute", "confidence", "sources")
        if not r["years"].isdigit() or not 1 <= int(r["years"]) <= 10:
            raise LawDataError(f"{_where(name, n, 'years')}: {r['years']!r} is not 1-10")
        rows.append(
            LimitationPeriod(
                state=_enum(name, n, "state", r["state"], State),
                years=int(r["years"]),
                statute=r["statute"],
                accrued_from=_date(name, n, "accrued_from", r["accrued_from"]),
                accrued_until=_date(name, n, "accrued_until", r["accrued_until"]),
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_tolling() -> tuple[TollingRule, ...]:
    name = "tolling.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "kind", "age", "statute", "confidence", "sources")
        if r["kind"] != "minority" or r["rule"] != "runs_from_majority":
            raise LawDataError(
                f"{_where(name, n, 'kind')}: only minority/runs_from_majority "
                "tolling is implemented"
            )
        rows.append(
            TollingRule(
                state=_enum(name, n, "state", r["state"], State),
                kind=r["kind"],
                age=int(r["age"]),
                statute=r["statute"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
            )
        )
    return tuple(rows)


def load_courts() -> dict[State, CourtRow]:
    name = "courts.csv"
    out: dict[State, CourtRow] = {}
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "circuit", "districts", "high_court", "confidence")
        state = _enum(name, n, "state", r["state"], State)
        out[state] = CourtRow(
            state=state,
            state_name=r["state_name"],
            circuit=r["circuit"],
            circuit_name=r["circuit_name"],
            districts=tuple(r["districts"].split()),
            high_court=r["high_court"],
            high_court_name=r["high_court_name"],
            confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
            sources=r["sources"],
        )
    return out


def load_district_places() -> tuple[DistrictPlace, ...]:
    name = "district_places.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "place_kind", "place", "district", "statute", "confidence")
        if r["place_kind"] not in ("city", "county"):
            raise LawDataError(f"{_where(name, n, 'place_kind')}: must be city or county")
        rows.append(
            DistrictPlace(
                state=_enum(name, n, "state", r["state"], State),
                place_kind=r["place_kind"],
                place=r["place"],
                district=r["district"],
                statute=r["statute"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_district_counties() -> tuple[DistrictCounty, ...]:
    name = "district_counties.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "county_fips", "county", "district", "statute")
        fips = r["county_fips"]
        if fips != "*" and not (len(fips) == 5 and fips.isdigit()):
            raise LawDataError(f"{_where(name, n, 'county_fips')}: five digits or '*'")
        rows.append(
            DistrictCounty(
                state=_enum(name, n, "state", r["state"], State),
                county_fips=fips,
                county=r["county"],
                district=r["district"],
                statute=r["statute"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
            )
        )
    return tuple(rows)


def load_suable() -> tuple[SuableRule, ...]:
    name = "suable_entities.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(
            name, n, r, "scope", "entity", "suable", "authority", "right_defendant", "confidence"
        )
        if r["suable"] not in ("true", "false"):
            raise LawDataError(f"{_where(name, n, 'suable')}: must be true or false")
        rows.append(
            SuableRule(
                scope=r["scope"],
                entity=r["entity"],
                suable=r["suable"] == "true",
                authority=r["authority"],
                right_defendant=r["right_defendant"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
            )
        )
    return tuple(rows)


def load_local_entities() -> tuple[LocalEntity, ...]:
    name = "local_entities.csv"
    rows = []
    for n, r in _csv_rows(name):
        _required(name, n, r, "state", "city", "agency_kind", "defendant", "known", "confidence")
        if r["role"] not in LOCAL_ROLES:
            raise LawDataError(f"{_where(name, n, 'role')}: must be one of {LOCAL_ROLES}")
        rows.append(
            LocalEntity(
                state=_enum(name, n, "state", r["state"], State),
                city=r["city"],
                agency_kind=_enum(name, n, "agency_kind", r["agency_kind"], AgencyKind),
                from_date=_date(name, n, "from", r["from"]),
                until=_date(name, n, "until", r["until"]),
                defendant=r["defendant"],
                known=r["known"] == "true",
                authority=r["authority"],
                confidence=_enum(name, n, "confidence", r["confidence"], Confidence),
                sources=r["sources"],
                notes=r["notes"],
                role=r["role"],
                indemnitor=r["indemnitor"],
                not_liable=r["not_liable"],
            )
        )
    return tuple(rows)


def _claim_test(where: str, raw: Mapping[str, Any]) -> ClaimTest:
    for key in ("amendment", "standard", "authorities", "elements"):
        if key not in raw:
            raise LawDataError(f"claims.yaml {where}: missing {key!r}")
    return ClaimTest(
        amendment=str(raw["amendment"]),
        standard=str(raw["standard"]),
        authorities=tuple(raw["authorities"]),
        elements=tuple(raw["elements"]),
        circuit_authorities={
            str(k): tuple(v) for k, v in (raw.get("circuit_authorities") or {}).items()
        },
        by_circuit={
            str(k): _claim_test(f"{where}.by_circuit.{k}", v)
            for k, v in (raw.get("by_circuit") or {}).items()
        },
    )


def load_claims() -> dict[Conduct, ClaimDoctrine]:
    raw = _yaml_load(_open_text("claims.yaml"))
    out: dict[Conduct, ClaimDoctrine] = {}
    for code, entry in raw.items():
        try:
            conduct = Conduct(code)
        except ValueError as exc:
            raise LawDataError(f"claims.yaml: {code!r} is not a conduct code") from exc
        if entry.get("accrual") not in ACCRUAL_RULES:
            raise LawDataError(f"claims.yaml {code}: accrual must be one of {ACCRUAL_RULES}")
        by_custody = {}
        for custody, test in (entry.get("by_custody") or {}).items():
            try:
                by_custody[Custody(custody)] = _claim_test(f"{code}.by_custody.{custody}", test)
            except ValueError as exc:
                raise LawDataError(f"claims.yaml {code}: bad custody {custody!r}") from exc
        out[conduct] = ClaimDoctrine(
            conduct=conduct,
            title=str(entry["title"]),
            accrual=str(entry["accrual"]),
            accrual_authorities=tuple(entry.get("accrual_authorities") or ()),
            default=_claim_test(f"{code}.default", entry["default"]),
            by_custody=by_custody,
        )
    return out


def load_theories() -> tuple[TheoryRow, ...]:
    raw = _yaml_load(_open_text("monell_theories.yaml"))
    return tuple(
        TheoryRow(
            id=str(t["id"]),
            name=str(t["name"]),
            authorities=tuple(t["authorities"]),
            elements=tuple(t["elements"]),
            evidence=tuple(t["evidence"]),
        )
        for t in raw
    )


def load_corpus_citations() -> tuple[CorpusCitation, ...]:
    name = "corpus_citations.csv"
    return tuple(
        CorpusCitation(
            citation=r["citation"],
            case_name=r["case_name"],
            date_filed=_date(name, n, "date_filed", r["date_filed"]),
            court=r["court"],
            record_id=r["record_id"],
        )
        for n, r in _csv_rows(name)
    )


@cache
def load_law() -> LawBook:
    """The law book, checked for internal consistency (every authority key resolves)."""
    book = LawBook(
        authorities=load_authorities(),
        limitations=load_limitations(),
        tolling=load_tolling(),
        courts=load_courts(),
        district_places=load_district_places(),
        suable=load_suable(),
        local_entities=load_local_entities(),
        claims=load_claims(),
        theories=load_theories(),
        corpus=load_corpus_citations(),
        district_counties=load_district_counties(),
    )
    _check_references(book)
    return book


def _check_references(book: LawBook) -> None:
    keys: list[tuple[str, str]] = []
    for doctrine in book.claims.values():
        tests = [doctrine.default, *doctrine.by_custody.values()]
        tests += [c for t in list(tests) for c in t.by_circuit.values()]
        keys += [(f"claims.yaml {doctrine.conduct}", k) for k in doctrine.accrual_authorities]
        for test in tests:
            keys += [(f"claims.yaml {doctrine.conduct}", k) for k in test.authorities]
            for circuit_keys in test.circuit_authorities.values():
                keys += [(f"claims.yaml {doctrine.conduct}", k) for k in circuit_keys]
    keys += [(f"monell_theories.yaml {t.id}", k) for t in book.theories for k in t.authorities]
    keys += [("suable_entities.csv", s.authority) for s in book.suable]
    keys += [("local_entities.csv", e.authority) for e in book.local_entities if e.authority]
    missing = [f"{where}: {key}" for where, key in keys if key not in book.authorities]
    if missing:
        raise LawDataError("unknown authority keys: " + "; ".join(missing))
    for state in State:
        if state not in book.courts:
            raise LawDataError(f"courts.csv: no row for {state}")
        if not book.periods_for(state):
            raise LawDataError(f"limitations.csv: no period for {state}")
