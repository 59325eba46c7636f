"""The plain result page, built from the assessment JSON (`monell assess --format json`).

Nothing here decides anything about the law: which claims, defendants, deadlines and
things to gather appear, and which deadline is the first one still open, come from the
assessment; this module only says them in the person's language (data/summary.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from monell.domain.durations import long_date, span
from monell.web.intake.content import lang, load, pick

GATHER_PREFIX = "Gather now:"


@dataclass
class PlainSummary:
    language: str
    claims: str = ""
    defendants: list[str] = field(default_factory=list)
    deadline: list[str] = field(default_factory=list)  # the first open deadline and its notes
    urgent: bool = False
    passed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    obstacles: list[str] = field(default_factory=list)
    gather: list[str] = field(default_factory=list)
    not_advice: str = ""
    who_intro: str = ""
    gather_intro: str = ""
    first_deadline: dt.date | None = None
    days_left: int | None = None

    def texts(self) -> list[str]:
        """Every sentence of the summary, in reading order (for tests and e-mail)."""
        return [
            t
            for t in (
                self.claims,
                self.who_intro,
                *self.defendants,
                *self.deadline,
                *self.passed,
                *self.unknown,
                *self.obstacles,
                self.gather_intro,
                *self.gather,
                self.not_advice,
            )
            if t
        ]


def date_in_words(day: dt.date, language: str) -> str:
    """'June 1, 2030' / '1 de junio de 2030' (monell.domain.durations, as the memo says it)."""
    return long_date(day, "es" if language == "es" else "en")


def time_left(row: Mapping[str, Any], language: str) -> str:
    """'about 3 years and 5 months (1,275 days)' / 'unos 3 años y 5 meses (1275 días)',
    counted exactly as the assessment counted the row's days_remaining."""
    day = dt.date.fromisoformat(row["deadline"])
    start = day - dt.timedelta(days=int(row["days_remaining"]))
    return span(start, day, "es" if language == "es" else "en")


def _list(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = " y " if language == "es" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _line(key: str, language: str, **values: Any) -> str:
    return pick(load("summary")["lines"][key], language).format(**values)


def gather_items(assessment: Mapping[str, Any]) -> list[str]:
    """The assessment's 'Gather now:' list, split into items (commas inside brackets stay)."""
    line = next((s for s in assessment.get("summary", []) if s.startswith(GATHER_PREFIX)), "")
    body = line[len(GATHER_PREFIX) :].strip().rstrip(".")
    items, depth, current = [], 0, ""
    for ch in body:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    out = []
    for item in items:
        item = item.strip()
        item = item[4:] if item.startswith("and ") else item
        if item:
            out.append(item)
    return out


def plain_summary(assessment: Mapping[str, Any], language: str = "en") -> PlainSummary:
    language = lang(language)
    data = load("summary")
    claim_words = data["claims"]

    def claim_name(cid: str) -> str:
        return pick(claim_words.get(cid), language) or cid.replace("_", " ")

    def claims_of(rows: list[Mapping[str, Any]]) -> str:
        seen: list[str] = []
        for r in rows:
            name = claim_name(str(r.get("claim") or ""))
            if name not in seen:
                seen.append(name)
        return _list(seen, language)

    out = PlainSummary(language=language)
    claims = [claim_name(c["id"]) for c in assessment.get("claims", [])]
    out.claims = (
        _line("claims_intro", language, claims=_list(claims, language))
        if claims
        else _line("no_claims", language)
    )

    # Who: the assessment's defendants, in its order.
    phrases, names = data["defendants"], data["names"]

    def said(name: str) -> str:
        return pick(names.get(name), language) or name

    who: list[str] = []
    for d in assessment.get("defendants", []):
        role, name, suable = d["role"], said(d["name"]), d["suable"]
        if role == "officer_individual" and suable:
            key = "officer_unnamed" if d["name"] in names else "officer_individual"
            who.append(_capital(pick(phrases[key], language).format(name=name)))
        elif role == "municipality" and suable:
            who.append(_capital(pick(phrases["municipality"], language).format(name=name)))
        elif role == "department" and not suable:
            who.append(pick(phrases["department_not_suable"], language).format(name=name))
        elif role == "state" and not suable:
            who.append(pick(phrases["state_not_suable"], language))
        elif role in ("federal_officer", "private_party"):
            who.append(pick(phrases[role], language))
    who = list(dict.fromkeys(who))  # one line each, in order
    out.defendants = who or [pick(phrases["none"], language)]
    out.who_intro = _line("who_intro", language)

    # Deadlines: the first one still open leads; a claim is said to have run out only when
    # the assessment gives it no open date at all (a longer period may still be open).
    # A notice of claim is not a deadline to sue: it keeps some state-law claims alive
    # (Felder v. Casey, 487 U.S. 131 (1988): it never binds the federal claim). Say it on
    # its own line, before the first deadline to sue when it comes first.
    today = dt.date.fromisoformat(assessment["evaluated_on"]) if assessment.get(
        "evaluated_on") else dt.date.today()  # fmt: skip
    all_rows = list(assessment.get("deadlines", []))
    notices = [r for r in all_rows if r.get("kind") == "notice_of_claim" and r.get("deadline")
               and r.get("days_remaining") is not None]  # fmt: skip
    open_notices = sorted((r for r in notices if r["days_remaining"] >= 0),
                          key=lambda r: r["deadline"])  # fmt: skip
    if open_notices:
        note = open_notices[0]
        due_notice = dt.date.fromisoformat(note["deadline"])
        same_day = [r for r in open_notices if r["deadline"] == note["deadline"]]
        out.deadline.append(_line("notice_open", language,
                                  date=date_in_words(due_notice, language),
                                  days=time_left(note, language),
                                  claims=claims_of(same_day)))  # fmt: skip
        if int(note["days_remaining"]) <= 90:
            out.urgent = True
            out.deadline.append(_line("deadline_near", language))
    rows = [r for r in all_rows if r.get("kind") != "notice_of_claim"]
    dated = [r for r in rows if r.get("deadline") and r.get("days_remaining") is not None]
    open_rows = sorted((r for r in dated if r["days_remaining"] >= 0), key=lambda r: r["deadline"])
    open_claims = {r["claim"] for r in open_rows}

    def other_reading_open(r: Mapping[str, Any]) -> bool:
        other = r.get("alternative_deadline")
        return bool(other) and dt.date.fromisoformat(other) >= today

    passed_all = sorted(
        (r for r in dated if r["days_remaining"] < 0 and r["claim"] not in open_claims),
        key=lambda r: r["deadline"],
    )
    # Passed on one reading, open on another: never said as lost (the longer reading is
    # the person's to ask a lawyer about, now).
    unsure = [
        r for r in passed_all if other_reading_open(r) and r.get("kind") != "state_limitations"
    ]
    passed = [r for r in passed_all if not other_reading_open(r)]
    if unsure:
        out.passed.append(_line("deadline_maybe", language, claims=claims_of(unsure),
                                date=date_in_words(dt.date.fromisoformat(
                                    unsure[0]["deadline"]), language),
                                later=date_in_words(dt.date.fromisoformat(
                                    unsure[-1]["alternative_deadline"]), language)))  # fmt: skip
    unknown = [r for r in rows if not r.get("deadline") and r["claim"] not in open_claims]
    flags = {f["code"] for f in assessment.get("flags", [])}
    if open_rows:
        first = open_rows[0]
        due = dt.date.fromisoformat(first["deadline"])
        soonest = [r for r in open_rows if r["deadline"] == first["deadline"]]
        days = int(first["days_remaining"])
        # "Federal claims have later deadlines" only when one is open and later.
        state_first = all(r.get("kind") == "state_limitations" for r in soonest) and any(
            r.get("kind") != "state_limitations" for r in open_rows if r not in soonest
        )
        key = (
            "deadline_today"
            if days == 0
            else ("deadline_open_state" if state_first else "deadline_open")
        )
        out.deadline.append(
            _line(
                key,
                language,
                date=date_in_words(due, language),
                days=time_left(first, language),
                claims=claims_of(soonest),
            )
        )
        if len(soonest) < len(open_rows) and not state_first:
            out.deadline.append(_line("deadline_later", language))
        if ("sol_near" in flags or days <= 90) and not out.urgent:
            out.urgent = True
            out.deadline.append(_line("deadline_near", language))
        out.first_deadline, out.days_left = due, days
        if open_notices and dt.date.fromisoformat(open_notices[0]["deadline"]) < due:
            # the first date of any kind is the notice's: the page's countdown shows it
            out.first_deadline = dt.date.fromisoformat(open_notices[0]["deadline"])
            out.days_left = int(open_notices[0]["days_remaining"])
        out.deadline.append(_line("deadline_estimate", language))
        if flags & {"law_disputed", "law_unverified"}:
            out.deadline.append(_line("deadline_shaky", language))
    if passed:
        last = dt.date.fromisoformat(passed[-1]["deadline"])
        out.passed.append(
            _line(
                "deadline_passed",
                language,
                claims=claims_of(passed),
                date=date_in_words(last, language),
            )
        )
    # State-law periods that ran out while the federal claim for the same facts is open:
    # said, never as the federal claim expiring.
    state_gone = sorted(
        (r for r in dated if r["days_remaining"] < 0 and r.get("kind") == "state_limitations"
         and r["claim"] in open_claims),
        key=lambda r: r["deadline"],
    )  # fmt: skip
    maybe = [r for r in state_gone if r.get("alternative_deadline")
             and dt.date.fromisoformat(r["alternative_deadline"]) >= today]  # fmt: skip
    gone = [r for r in state_gone if r not in maybe]
    if gone:
        out.passed.append(_line("state_passed", language, claims=claims_of(gone),
                                date=date_in_words(dt.date.fromisoformat(
                                    gone[-1]["deadline"]), language)))  # fmt: skip
    if maybe:
        # Another reading of the period (e.g. minority tolling) is still open: never "lost".
        out.passed.append(_line("state_maybe", language, claims=claims_of(maybe),
                                date=date_in_words(dt.date.fromisoformat(
                                    maybe[-1]["deadline"]), language),
                                later=date_in_words(dt.date.fromisoformat(
                                    maybe[-1]["alternative_deadline"]), language)))  # fmt: skip
    if notices and not open_notices and open_rows:
        last_notice = max(dt.date.fromisoformat(r["deadline"]) for r in notices)
        out.passed.append(_line("notice_passed", language,
                                date=date_in_words(last_notice, language)))  # fmt: skip
    if unknown:
        out.unknown.append(_line("deadline_unknown", language, claims=claims_of(unknown)))

    # Serious obstacles the assessment flags (the deadline ones are said above).
    blockers = data["blockers"]
    for f in assessment.get("flags", []):
        if f.get("severity") != "blocker" or f["code"] in ("sol_expired",):
            continue
        if f["code"] == "unknown_law" and unknown:
            continue
        text = pick(blockers.get(f["code"]) or blockers["other"], language)
        text = text.format(claims=claim_name(str(f.get("claim") or "")))
        if text not in out.obstacles:
            out.obstacles.append(text)

    gather = data["gather"]
    out.gather = [pick(gather.get(item), language) or item for item in gather_items(assessment)]
    out.gather_intro = _line("gather_intro", language)
    out.not_advice = _line("not_advice", language)
    return out
