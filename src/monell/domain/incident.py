"""Validate an incident description into an `Incident`.

A lawyer's intake form and a client's self-assessment both end up here, so every problem is
reported at once, each naming the field path, the bad value and what is allowed. Nothing
downstream ever sees a half-valid incident.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from monell.domain.models import Agency, CriminalCase, Incident, Officer, Person
from monell.domain.vocabulary import (
    LEVEL_IMPLIED_BY_KIND,
    AgencyKind,
    Conduct,
    CriminalCaseStatus,
    Custody,
    GovernmentLevel,
    State,
)

E = TypeVar("E", bound=StrEnum)

TOP_LEVEL_KEYS = (
    "incident_date",
    "state",
    "city",
    "county",
    "agency",
    "officers",
    "person",
    "conduct",
    "criminal_case",
    "evaluated_on",
    "narrative",
)
AGENCY_KEYS = ("name", "kind", "level", "federal_task_force")
OFFICER_KEYS = ("name", "badge")
PERSON_KEYS = ("custody", "birth_date", "deceased", "in_custody_at_filing")
CRIMINAL_CASE_KEYS = ("status", "resolved_on", "charges", "legal_process_on")
# A case must have ended for these statuses, so a resolution date makes sense only for them.
RESOLVED_STATUSES = (
    CriminalCaseStatus.CONVICTED,
    CriminalCaseStatus.ACQUITTED,
    CriminalCaseStatus.DISMISSED,
)
EARLIEST_DATE = dt.date(1871, 4, 20)  # the Civil Rights Act of 1871, 17 Stat. 13
# No real incident, birth or evaluation date lies beyond this; a later year is a typo, and
# years near 9999 would overflow the deadline arithmetic (periods and tolling add years).
LATEST_DATE = dt.date(2199, 12, 31)

# Bad values are echoed in messages; a hostile or mistaken value (a megabyte string, a list
# of a million items) must not become a megabyte message.
_ECHO = reprlib.Repr()
_ECHO.maxstring = 120
_ECHO.maxother = 120
_ECHO.maxlist = _ECHO.maxtuple = _ECHO.maxdict = _ECHO.maxset = 6
_ECHO.maxlevel = 3


class _NotShown:
    def __repr__(self) -> str:
        return "not shown"


NOT_SHOWN: Any = _NotShown()  # a Problem whose value says nothing (e.g. a repeated key)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, worded for the person who has to fix it."""

    field: str
    value: object
    message: str

    def __str__(self) -> str:
        if self.value is NOT_SHOWN:
            return f"{self.field}: {self.message}"
        return f"{self.field}: {self.message} (got {_ECHO.repr(self.value)})"


class IncidentError(ValueError):
    """Raised with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


MISSING: Any = _Missing()


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, field: str, value: object, message: str) -> None:
        self.problems.append(Problem(field, value, message))

    def mapping(
        self, field: str, value: object, allowed: Sequence[str], required: Sequence[str]
    ) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(field or "(top level)", value, "must be a mapping of fields")
            return None
        prefix = f"{field}." if field else ""
        for key in value:
            if key not in allowed:
                shown = key if isinstance(key, str) and key.isprintable() else _ECHO.repr(key)
                self.fail(
                    f"{prefix}{shown}",
                    value[key],
                    f"unknown field; allowed fields here: {', '.join(allowed)}",
                )
        for key in required:
            if key not in value or value[key] is None:
                self.fail(f"{prefix}{key}", MISSING, "required field is missing")
        return value

    def enum(self, field: str, value: object, enum: type[E]) -> E | None:
        if value is MISSING or value is None:
            return None
        allowed = [m.value for m in enum]
        if isinstance(value, str) and value in allowed:
            return enum(value)
        self.fail(field, value, f"unknown value; allowed values: {', '.join(allowed)}")
        return None

    def date(self, field: str, value: object) -> dt.date | None:
        if value is MISSING or value is None:
            return None
        if isinstance(value, dt.datetime):
            self.fail(field, value, "must be a date (YYYY-MM-DD), not a date and time")
            return None
        if isinstance(value, dt.date):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.fail(field, value, "not a real calendar date in ISO form YYYY-MM-DD")
                return None
            if len(value.strip()) != 10:
                self.fail(field, value, "use the ISO form YYYY-MM-DD")
                return None
        else:
            self.fail(field, value, "must be a date in ISO form YYYY-MM-DD")
            return None
        if parsed < EARLIEST_DATE:
            self.fail(field, value, f"is before § 1983 existed ({EARLIEST_DATE.isoformat()})")
            return None
        if parsed > LATEST_DATE:
            self.fail(
                field, value, f"is after {LATEST_DATE.isoformat()}; check the year (YYYY-MM-DD)"
            )
            return None
        return parsed

    def text(self, field: str, value: object, required: bool = False) -> str | None:
        if value is MISSING or value is None:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(field, value, "must be non-empty text")
            return None
        if not _is_unicode_text(value):
            self.fail(
                field,
                value,
                "holds a character that is not Unicode text (an unpaired surrogate such as "
                "\\ud800); retype the value",
            )
            return None
        return value.strip() or None

    def sequence(self, field: str, value: object) -> Sequence[Any]:
        if value is MISSING or value is None:
            return ()
        if isinstance(value, str | bytes) or not isinstance(value, Sequence):
            self.fail(field, value, "must be a list")
            return ()
        return value


def _is_unicode_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_incident(data: object, *, today: dt.date) -> Incident:
    """Check `data` (parsed YAML/JSON) and build an `Incident`, or raise `IncidentError`.

    `today` fills `evaluated_on` when the file does not give one: deadlines are counted from
    the day the person asks, not from the day the code was written.
    """
    c = _Checker()
    top = c.mapping(
        "",
        data,
        TOP_LEVEL_KEYS,
        ("incident_date", "state", "agency", "person", "conduct", "criminal_case"),
    )
    if top is None:
        raise IncidentError(c.problems)

    def get(m: Mapping[str, Any], key: str) -> Any:
        return m.get(key, MISSING)

    incident_date = c.date("incident_date", get(top, "incident_date"))
    state = c.enum("state", get(top, "state"), State)
    city = c.text("city", get(top, "city"))
    county = c.text("county", get(top, "county"))
    narrative = c.text("narrative", get(top, "narrative"))
    evaluated_on = c.date("evaluated_on", get(top, "evaluated_on"))
    if "evaluated_on" not in top or top["evaluated_on"] is None:
        evaluated_on = today

    agency = _agency(c, get(top, "agency"))
    person = _person(c, get(top, "person"))
    criminal_case = _criminal_case(c, get(top, "criminal_case"))
    officers = _officers(c, get(top, "officers"))
    conduct = _conduct(c, get(top, "conduct"))

    if incident_date and evaluated_on and incident_date > evaluated_on:
        c.fail(
            "incident_date",
            incident_date.isoformat(),
            f"is after evaluated_on ({evaluated_on.isoformat()}); check both dates",
        )
    if incident_date and person and person.birth_date and person.birth_date > incident_date:
        c.fail(
            "person.birth_date",
            person.birth_date.isoformat(),
            f"is after incident_date ({incident_date.isoformat()})",
        )
    if criminal_case:
        for name, day in (
            ("resolved_on", criminal_case.resolved_on),
            ("legal_process_on", criminal_case.legal_process_on),
        ):
            if day is None:
                continue
            if incident_date and day < incident_date:
                c.fail(
                    f"criminal_case.{name}",
                    day.isoformat(),
                    f"is before incident_date ({incident_date.isoformat()})",
                )
            if evaluated_on and day > evaluated_on:
                c.fail(
                    f"criminal_case.{name}",
                    day.isoformat(),
                    f"is after evaluated_on ({evaluated_on.isoformat()}); give only dates that "
                    "have happened",
                )
        if (
            criminal_case.legal_process_on
            and criminal_case.resolved_on
            and criminal_case.legal_process_on > criminal_case.resolved_on
        ):
            c.fail(
                "criminal_case.legal_process_on",
                criminal_case.legal_process_on.isoformat(),
                f"is after criminal_case.resolved_on ({criminal_case.resolved_on.isoformat()})",
            )

    if c.problems:
        raise IncidentError(c.problems)
    assert incident_date and state and agency and person and criminal_case and evaluated_on
    return Incident(
        incident_date=incident_date,
        state=state,
        city=city,
        county=county,
        agency=agency,
        officers=officers,
        person=person,
        conduct=conduct,
        criminal_case=criminal_case,
        evaluated_on=evaluated_on,
        narrative=narrative,
    )


def _agency(c: _Checker, value: object) -> Agency | None:
    if value is MISSING or value is None:
        return None
    m = c.mapping("agency", value, AGENCY_KEYS, ("name", "kind"))
    if m is None:
        return None
    before = len(c.problems)
    name = c.text("agency.name", m.get("name", MISSING), required=True)
    kind = c.enum("agency.kind", m.get("kind", MISSING), AgencyKind)
    level = c.enum("agency.level", m.get("level", MISSING), GovernmentLevel)
    if kind is not None:
        implied = LEVEL_IMPLIED_BY_KIND.get(kind)
        if implied is None and level is None and m.get("level") is None:
            c.fail(
                "agency.level",
                MISSING,
                f"required when agency.kind is {kind.value} (it could be local or state); "
                f"allowed values: {', '.join(lv.value for lv in GovernmentLevel)}",
            )
        elif implied is not None and level is not None and level is not implied:
            c.fail(
                "agency.level",
                level.value,
                f"contradicts agency.kind {kind.value}, which is always {implied.value}; "
                "drop agency.level or fix agency.kind",
            )
        level = level or implied
    task_force = _optional_bool(c, "agency.federal_task_force", m.get("federal_task_force"))
    if len(c.problems) > before or not (name and kind and level):
        return None
    return Agency(name=name, kind=kind, level=level, federal_task_force=task_force)


def _person(c: _Checker, value: object) -> Person | None:
    if value is MISSING or value is None:
        return None
    m = c.mapping("person", value, PERSON_KEYS, ("custody",))
    if m is None:
        return None
    custody = c.enum("person.custody", m.get("custody", MISSING), Custody)
    birth_date = c.date("person.birth_date", m.get("birth_date", MISSING))
    deceased = _optional_bool(c, "person.deceased", m.get("deceased"))
    in_custody = _optional_bool(c, "person.in_custody_at_filing", m.get("in_custody_at_filing"))
    if custody is None:
        return None
    return Person(
        custody=custody,
        birth_date=birth_date,
        deceased=deceased,
        in_custody_at_filing=in_custody,
    )


def _optional_bool(c: _Checker, field: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        c.fail(field, value, "must be true or false (or left out if unknown)")
        return None
    return value


def _criminal_case(c: _Checker, value: object) -> CriminalCase | None:
    if value is MISSING or value is None:
        return None
    m = c.mapping("criminal_case", value, CRIMINAL_CASE_KEYS, ("status",))
    if m is None:
        return None
    status = c.enum("criminal_case.status", m.get("status", MISSING), CriminalCaseStatus)
    resolved_on = c.date("criminal_case.resolved_on", m.get("resolved_on", MISSING))
    charges: list[str] = []
    for i, charge in enumerate(c.sequence("criminal_case.charges", m.get("charges", MISSING))):
        text = c.text(f"criminal_case.charges[{i}]", charge, required=True)
        if text:
            charges.append(text)
    if status is not None and resolved_on is not None and status not in RESOLVED_STATUSES:
        c.fail(
            "criminal_case.resolved_on",
            resolved_on.isoformat(),
            f"only a case that ended has a resolution date, but criminal_case.status is "
            f"{status.value}; allowed statuses with resolved_on: "
            f"{', '.join(s.value for s in RESOLVED_STATUSES)}",
        )
    legal_process_on = c.date("criminal_case.legal_process_on", m.get("legal_process_on", MISSING))
    if status is CriminalCaseStatus.NONE and legal_process_on is not None:
        c.fail(
            "criminal_case.legal_process_on",
            legal_process_on.isoformat(),
            "legal process (arraignment, a probable-cause hearing) means a criminal case, but "
            "criminal_case.status is none; set the status (pending, convicted, acquitted, "
            "dismissed)",
        )
    if status is None:
        return None
    return CriminalCase(
        status=status,
        resolved_on=resolved_on,
        charges=tuple(charges),
        legal_process_on=legal_process_on,
    )


def _officers(c: _Checker, value: object) -> tuple[Officer, ...]:
    officers: list[Officer] = []
    for i, item in enumerate(c.sequence("officers", value)):
        field = f"officers[{i}]"
        m = c.mapping(field, item, OFFICER_KEYS, ())
        if m is None:
            continue
        name = c.text(f"{field}.name", m.get("name", MISSING), required=True)
        badge_raw = m.get("badge", MISSING)
        if isinstance(badge_raw, int) and not isinstance(badge_raw, bool):
            badge_raw = str(badge_raw)
        badge = c.text(f"{field}.badge", badge_raw, required=True)
        if name is None and badge is None:
            if "name" not in m and "badge" not in m:
                c.fail(field, dict(m), "give the officer's name, badge, or both")
            continue
        officers.append(Officer(name=name, badge=badge))
    return tuple(officers)


def _conduct(c: _Checker, value: object) -> tuple[Conduct, ...]:
    items = c.sequence("conduct", value)
    if value is not MISSING and value is not None and not items and isinstance(value, Sequence):
        c.fail(
            "conduct",
            value,
            f"list at least one; allowed values: {', '.join(x.value for x in Conduct)}",
        )
    found: list[Conduct] = []
    for i, item in enumerate(items):
        code = c.enum(f"conduct[{i}]", item, Conduct)
        if code is not None and code not in found:
            found.append(code)
    return tuple(found)
