"""The interview's screens and how their answers become an incident.

Each screen (data/interview.yaml) asks one question. Answers are kept per screen as the
person typed them (Interview.answers["steps"]); `incident_data` turns the screens that
apply into the incident mapping `monell assess` reads, and every check is the incident
rules' own (monell.app.assessment.incident_from_data). A problem's field path is mapped
back to its screen and field, and its developer message to plain words (data/errors.yaml).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monell.app.assessment import incident_from_data
from monell.domain.incident import IncidentError, Problem
from monell.web.intake.content import load, pick

OFFICER_ROWS = 3
WHO_DECEASED = {"self": False, "helper": None, "family": True}


@dataclass(frozen=True)
class Step:
    slug: str
    kind: str  # radio, checkboxes, date, text, textarea, place, officers
    spec: dict[str, Any]

    @property
    def optional(self) -> bool:
        return bool(self.spec.get("optional"))

    def question(self, language: str | None = None) -> str:
        return pick(self.spec["question"], language)

    def help(self, language: str | None = None) -> str:
        return pick(self.spec.get("help"), language)

    def choices(self, language: str | None = None) -> list[tuple[str, str]]:
        return [
            (code, pick(texts, language)) for code, texts in self.spec.get("choices", {}).items()
        ]

    def field_names(self) -> list[str]:
        """The form fields of the screen, in the order they are shown."""
        if self.kind == "place":
            return ["state", "city", "county"]
        if self.kind == "officers":
            return [f"{part}_{i}" for i in range(OFFICER_ROWS) for part in ("name", "badge")]
        if self.kind == "date":
            return [f"{self.spec['field']}_{p}" for p in ("month", "day", "year")]
        return [self.spec["field"]]

    def applies(self, answers: Mapping[str, Any]) -> bool:
        kinds = self.spec.get("only_if_kind")
        if kinds is not None and value(answers, "agency_kind", "agency_kind") not in kinds:
            return False
        statuses = self.spec.get("only_if_status")
        return statuses is None or value(answers, "criminal_case", "criminal_status") in statuses


def all_steps() -> list[Step]:
    return [Step(s["slug"], s["kind"], s) for s in load("interview")["steps"]]


def step_by_slug(slug: str) -> Step | None:
    return next((s for s in all_steps() if s.slug == slug), None)


def applicable(answers: Mapping[str, Any]) -> list[Step]:
    return [s for s in all_steps() if s.applies(answers)]


def value(answers: Mapping[str, Any], slug: str, field: str) -> Any:
    return (answers.get("steps", {}).get(slug) or {}).get(field)


# ----------------------------------------------------------------------- form values


def clean_post(step: Step, post: Any) -> dict[str, Any]:
    """What the person sent for this screen, as text (the rules check it, not the form)."""
    if step.kind == "checkboxes":
        return {
            step.spec["field"]: [
                str(v).replace("\x00", "") for v in post.getlist(step.spec["field"])
            ]
        }
    out: dict[str, Any] = {}
    for name in step.field_names():
        # NUL (a paste from a PDF) is dropped: no page, memo or PDF should ever carry it.
        text = str(post.get(name, "")).replace("\x00", "").replace("\r\n", "\n")
        out[name] = text.strip()[:20000]
    return out


def date_text(parts: Mapping[str, Any], field: str) -> str | None:
    """Day, month and year boxes as YYYY-MM-DD; None when all are blank. Anything that is not
    three numbers is passed on as typed, so the incident rules reject it."""
    day, month, year = (
        str(parts.get(f"{field}_{p}") or "").strip() for p in ("day", "month", "year")
    )
    if not (day or month or year):
        return None
    if all(p.isascii() and p.isdigit() for p in (day, month, year)) and len(year) == 4:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


def incident_data(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The incident mapping from the screens that apply (a skipped screen's old answer is
    left out, e.g. an end date after the person changed the case to "no charges")."""
    shown = {s.slug for s in applicable(answers)}

    def get(slug: str, field: str) -> Any:
        return value(answers, slug, field) if slug in shown else None

    data: dict[str, Any] = {}
    steps = answers.get("steps", {})
    if "date" in steps:
        data["incident_date"] = date_text(steps["date"], "incident_date")
    for field in ("state", "city", "county"):
        text = get("place", field)
        if text:
            data[field] = text
    agency: dict[str, Any] = {}
    if get("agency_name", "agency_name") is not None:
        agency["name"] = get("agency_name", "agency_name")
    if get("agency_kind", "agency_kind"):
        agency["kind"] = get("agency_kind", "agency_kind")
    if get("agency_level", "agency_level"):
        agency["level"] = get("agency_level", "agency_level")
    if agency:
        data["agency"] = agency
    officers = []
    for i in range(OFFICER_ROWS):
        name, badge = get("officers", f"name_{i}"), get("officers", f"badge_{i}")
        row = {k: v for k, v in (("name", name), ("badge", badge)) if v}
        if row:
            officers.append(row)
    if officers:
        data["officers"] = officers
    if "conduct" in steps:
        data["conduct"] = list(get("conduct", "conduct") or [])
    person: dict[str, Any] = {}
    if get("custody", "custody"):
        person["custody"] = get("custody", "custody")
    who = get("who", "who")
    if who in WHO_DECEASED and WHO_DECEASED[who] is not None:
        person["deceased"] = WHO_DECEASED[who]
    if "birth_date" in steps:
        birth = date_text(steps["birth_date"], "birth_date")
        if birth:
            person["birth_date"] = birth
    if person:
        data["person"] = person
    case: dict[str, Any] = {}
    if get("criminal_case", "criminal_status"):
        case["status"] = get("criminal_case", "criminal_status")
    charges = get("charges", "charges")
    if case and charges:
        case["charges"] = [c.strip() for c in re.split(r"[,;\n]", charges) if c.strip()]
    for slug, field in (("case_ended", "resolved_on"), ("first_court", "legal_process_on")):
        if slug in shown and slug in steps:
            day = date_text(steps[slug], field)
            if day:
                case[field] = day
    if case:
        data["criminal_case"] = case
    narrative = get("narrative", "narrative")
    if narrative:
        data["narrative"] = narrative
    return data


# ----------------------------------------------------------------------- problems

# Field path of the incident rules -> (screen, form field that gets the message).
_FIELD_MAP: dict[str, tuple[str, str]] = {
    "incident_date": ("date", "incident_date"),
    "state": ("place", "state"),
    "city": ("place", "city"),
    "county": ("place", "county"),
    "agency": ("agency_name", "agency_name"),
    "agency.name": ("agency_name", "agency_name"),
    "agency.kind": ("agency_kind", "agency_kind"),
    "agency.level": ("agency_level", "agency_level"),
    "conduct": ("conduct", "conduct"),
    "officers": ("officers", "name_0"),
    "person": ("custody", "custody"),
    "person.custody": ("custody", "custody"),
    "person.birth_date": ("birth_date", "birth_date"),
    "person.deceased": ("who", "who"),
    "criminal_case": ("criminal_case", "criminal_status"),
    "criminal_case.status": ("criminal_case", "criminal_status"),
    "criminal_case.charges": ("charges", "charges"),
    "criminal_case.resolved_on": ("case_ended", "resolved_on"),
    "criminal_case.legal_process_on": ("first_court", "legal_process_on"),
    "narrative": ("narrative", "narrative"),
}
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class FieldError:
    step: str
    field: str  # the form field (for a date, its base name: the day box gets focus)
    kind: str
    message: str  # plain words, in the person's language
    path: str  # the incident rules' field path


def locate(path: str) -> tuple[str, str]:
    """The screen and form field of an incident field path ('officers[1].badge' -> the
    officers screen, badge_1)."""
    m = re.fullmatch(r"officers\[(\d+)\](?:\.(name|badge))?", path)
    if m:
        return "officers", f"{m.group(2) or 'name'}_{m.group(1)}"
    base = _INDEX.sub("", path)
    return _FIELD_MAP.get(base, _FIELD_MAP.get(base.split(".")[0], ("review", "")))


def problem_kind(problem: Problem) -> str:
    for rule in load("errors")["match"]:
        if rule["contains"] in problem.message:
            return str(rule["kind"])
    return "bad_value"


def plain_message(path: str, kind: str, language: str | None = None) -> str:
    errors = load("errors")
    base = _INDEX.sub("", path)
    texts = (errors["by_field"].get(base) or {}).get(kind) or errors["general"].get(kind)
    return pick(texts or errors["general"]["bad_value"], language)


def field_errors(problems: tuple[Problem, ...], language: str | None = None) -> list[FieldError]:
    out: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for problem in problems:
        step, field = locate(problem.field)
        kind = problem_kind(problem)
        if (step, field) in seen:  # one message per field, the first the rules gave
            continue
        seen.add((step, field))
        out.append(
            FieldError(
                step, field, kind, plain_message(problem.field, kind, language), problem.field
            )
        )
    return out


def check(answers: Mapping[str, Any], *, today: dt.date | None = None) -> tuple[Problem, ...]:
    """Every problem the incident rules find in the answers so far."""
    try:
        incident_from_data(incident_data(answers), today=today)
    except IncidentError as exc:
        return exc.problems
    return ()


def step_errors(
    step: Step, answers: Mapping[str, Any], language: str | None = None
) -> list[FieldError]:
    """The problems that belong to this screen (missing answers of later screens are not
    the person's mistake yet)."""
    return [e for e in field_errors(check(answers), language) if e.step == step.slug]
