"""When each claim must be filed.

Section 1983 has no limitations period of its own: it borrows the forum state's general
personal-injury period (Wilson v. Garcia; Owens v. Okure) and the state's tolling rules
(Hardin v. Straub), while federal law decides when a claim accrues (Wallace v. Kato). We use
the period in force on the accrual date, count years by anniversary, and where the law or
the facts leave a choice we take the earlier date and say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monell.domain.jurisdiction import weakest
from monell.domain.models import Deadline, Flag, Incident, Tolling
from monell.domain.sources import Sources
from monell.domain.vocabulary import (
    Conduct,
    Confidence,
    CriminalCaseStatus,
    DeadlineKind,
    FlagCode,
    Severity,
    State,
    TollingKind,
)
from monell.law.book import LawBook, LimitationPeriod

SOL_NEAR_DAYS = 90
# Claims that may be brought for a person who died of the force, where the person's own
# minority may not toll the period.
_MAY_HAVE_DIED = (Conduct.DEADLY_FORCE,)
# Minority tolling ages run to 21 (Mo. Rev. Stat. § 516.170); below this age at accrual we
# warn when a state's tolling rule is not in the data.
UNKNOWN_TOLLING_WARN_AGE = 21


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary `years` later; 29 February falls back to 28 February (the earlier,
    safer day) in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birthday_of_age(birth_date: dt.date, age: int) -> dt.date:
    """The day a person reaches `age`.

    For a 29 February birth in a common year, readings differ (28 February or 1 March) and no
    tolling statute in the data settles it. The tolling period ends on this day, so the earlier
    reading, 28 February, gives the earlier (safe) deadline and never a later one.
    """
    return add_years(birth_date, age)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years of age on `day`, consistent with `birthday_of_age` (a person born on
    29 February is a year older from 28 February in common years)."""
    years = day.year - birth_date.year
    if day < birthday_of_age(birth_date, years):
        years -= 1
    return years


@dataclass(frozen=True)
class PeriodChoice:
    period: LimitationPeriod
    at_boundary: bool


def period_in_force(book: LawBook, state: State, accrual: dt.date) -> PeriodChoice | None:
    """The limitation period for a claim accruing on `accrual`.

    On or next to the day a period changed, courts may disagree about which applies (the
    2024 Louisiana Act applies to actions "arising after" its effective date): take the
    shorter period and mark the choice.
    """
    rows = book.periods_for(state)
    covering = [p for p in rows if p.covers(accrual)]
    if not covering:
        return None
    near = {
        id(p): p
        for d in (accrual - dt.timedelta(days=1), accrual, accrual + dt.timedelta(days=1))
        for p in rows
        if p.covers(d)
    }
    candidates = list(near.values())
    shortest = min(candidates, key=lambda p: p.years)
    return PeriodChoice(period=shortest, at_boundary=len({p.years for p in candidates}) > 1)


def _incident_period_if_shorter(
    book: LawBook, incident: Incident, period_day: dt.date, choice: PeriodChoice
) -> PeriodChoice | None:
    """The period in force on the incident date, when it is shorter than the one chosen for
    the accrual date (a claim that accrues later, such as malicious prosecution, can straddle
    a change: Louisiana's 2024 Act reaches actions "arising after" its effective date, which
    may be read as the date of the events). The earlier deadline is the safe one."""
    if period_day == incident.incident_date:
        return None
    at_incident = period_in_force(book, incident.state, incident.incident_date)
    if at_incident is None or at_incident.period.years >= choice.period.years:
        return None
    return PeriodChoice(period=at_incident.period, at_boundary=at_incident.at_boundary)


def filing_deadline(
    accrual: dt.date, years: int, birth_date: dt.date | None, tolling_age: int | None
) -> tuple[dt.date, dt.date | None]:
    """(deadline, tolled_until): the period runs from accrual, or from the day the person
    reaches the tolling age if they were younger than it when the claim accrued."""
    if birth_date is not None and tolling_age is not None:
        majority = birthday_of_age(birth_date, tolling_age)
        if accrual < majority:
            return add_years(majority, years), majority
    return add_years(accrual, years), None


@dataclass(frozen=True)
class Accrual:
    on: dt.date | None
    rule: str
    assumed: bool
    flag: Flag | None


def _accrual(incident: Incident, conduct: Conduct, rule: str, sources: Sources) -> Accrual:
    case = incident.criminal_case
    if rule == "incident":
        return Accrual(incident.incident_date, "the day of the incident", False, None)
    if rule == "legal_process" and case.legal_process_on is not None:
        return Accrual(
            case.legal_process_on,
            "when the detention became pursuant to legal process (given: "
            f"{case.legal_process_on.isoformat()})",
            False,
            None,
        )
    if rule == "legal_process":
        return Accrual(
            incident.incident_date,
            "when the detention became pursuant to legal process (arraignment or a "
            "probable-cause hearing), or release; that date is not given, so the incident "
            "date is used as the safe (earliest) date",
            True,
            Flag(
                code=FlagCode.ACCRUAL_ASSUMED,
                severity=Severity.INFO,
                message=(
                    f"{conduct.value}: counted from the incident date, the earliest day the "
                    "claim can accrue. It may accrue later (when legal process began), but "
                    "relying on a later date risks missing the deadline."
                ),
                authorities=(sources.cite("wallace", "389-90"),),
                claim=conduct,
            ),
        )
    # favorable termination: malicious prosecution and fabrication of evidence
    if case.status in (CriminalCaseStatus.ACQUITTED, CriminalCaseStatus.DISMISSED):
        if case.resolved_on is not None:
            return Accrual(
                case.resolved_on,
                f"when the prosecution ended without a conviction ({case.status.value} on "
                f"{case.resolved_on.isoformat()})",
                False,
                None,
            )
        # The case ended on some day after the incident; counting from the incident gives a
        # deadline that can only be early, never late. Better a safe date than none.
        return Accrual(
            incident.incident_date,
            "when the prosecution ended without a conviction; that date is not given, so the "
            "incident date is used as the safe (earliest) date",
            True,
            Flag(
                code=FlagCode.ACCRUAL_ASSUMED,
                severity=Severity.WARNING,
                message=(
                    f"{conduct.value}: the deadline runs from the day the criminal case ended "
                    f"({case.status.value}), but criminal_case.resolved_on is not given, so it is "
                    "counted from the incident date, the earliest possible day. Add the date "
                    "the case ended to get the real (later) deadline."
                ),
                authorities=sources.cite_all(["mcdonough", "thompson_clark"]),
                claim=conduct,
            ),
        )
    if case.status is CriminalCaseStatus.PENDING:
        return Accrual(
            None,
            "not yet: the claim accrues when the pending prosecution ends without a conviction",
            False,
            Flag(
                code=FlagCode.CLAIM_NOT_ACCRUED,
                severity=Severity.INFO,
                message=(
                    f"{conduct.value}: the clock has not started; it starts when the pending "
                    "criminal case ends in the person's favor. Track that date."
                ),
                authorities=(sources.cite("mcdonough"),),
                claim=conduct,
            ),
        )
    if case.status is CriminalCaseStatus.CONVICTED:
        return Accrual(
            None,
            "not unless the conviction is reversed, expunged or otherwise invalidated "
            "(Heck v. Humphrey); the period would run from that day",
            False,
            None,  # the Heck flag explains this
        )
    return Accrual(
        incident.incident_date,
        "no prosecution is recorded, so the incident date is used as the safe (earliest) date",
        True,
        Flag(
            code=FlagCode.ACCRUAL_ASSUMED,
            severity=Severity.INFO,
            message=(
                f"{conduct.value}: no criminal case is recorded, so the deadline is counted "
                "from the incident date, the earliest possible accrual."
            ),
            authorities=(sources.cite("mcdonough"),),
            claim=conduct,
        ),
    )


def compute_deadlines(incident: Incident, sources: Sources) -> tuple[list[Deadline], list[Flag]]:
    book = sources.book
    deadlines: list[Deadline] = []
    flags: list[Flag] = []
    period_flags: dict[str, Flag] = {}
    tolling_rule = book.tolling_for(incident.state, "minority")
    birth = incident.person.birth_date
    base_authorities = ["wilson_garcia", "owens_okure", "hardin"]

    for conduct in incident.conduct:
        doctrine = book.claims[conduct]
        accrual = _accrual(incident, conduct, doctrine.accrual, sources)
        if accrual.flag is not None:
            flags.append(accrual.flag)
        # Which period: the one in force on the accrual date, or today's when not accrued.
        period_day = accrual.on or incident.evaluated_on
        choice = period_in_force(book, incident.state, period_day)
        if choice is None:
            flags.append(
                Flag(
                    code=FlagCode.UNKNOWN_LAW,
                    severity=Severity.BLOCKER,
                    message=(
                        f"No limitation period in Monell's data covers {period_day} in "
                        f"{incident.state}: check the state's personal-injury statute."
                    ),
                    authorities=sources.cite_all(["wilson_garcia", "owens_okure"]),
                    claim=conduct,
                )
            )
            continue
        straddle = _incident_period_if_shorter(book, incident, period_day, choice)
        at_accrual = choice.period
        if straddle is not None:
            flags.append(
                Flag(
                    code=FlagCode.LAW_DISPUTED,
                    severity=Severity.WARNING,
                    message=(
                        f"{conduct.value}: the incident ({incident.incident_date.isoformat()}) "
                        f"falls under {incident.state}'s {straddle.period.years}-year period "
                        f"({straddle.period.statute}), but the claim accrues on "
                        f"{period_day.isoformat()}, when a {choice.period.years}-year period "
                        "applies. Whether a change in the period reaches a claim that arose "
                        "from earlier events is unsettled, so the shorter period is used."
                    ),
                    authorities=sources.cite_all(["wilson_garcia", "owens_okure"]),
                    claim=conduct,
                )
            )
            choice = straddle
        period = choice.period
        confidence = period.confidence
        notes = [n for n in (period.notes,) if n]
        _note_period_flags(period, choice.at_boundary, incident, sources, period_flags)

        tolling: list[Tolling] = []
        deadline: dt.date | None = None
        tolled_until: dt.date | None = None
        if accrual.on is not None:
            age = age_on(birth, accrual.on) if birth else None
            rule_age = tolling_rule.age if tolling_rule else None
            deadline, tolled_until = filing_deadline(accrual.on, period.years, birth, rule_age)
            withheld: tuple[dt.date, dt.date] | None = None
            died = incident.person.deceased
            if tolled_until is not None and (
                died is True or (died is None and conduct in _MAY_HAVE_DIED)
            ):
                # A deadly-force claim may belong to the estate of a child who died; minority
                # tolling protects the living minor, not the adult who sues for the estate. We
                # cannot tell from the incident, so the untolled (earlier) date is the deadline.
                withheld = (tolled_until, deadline)
                deadline, tolled_until = add_years(accrual.on, period.years), None
                flags.append(
                    Flag(
                        code=FlagCode.UNKNOWN_LAW,
                        severity=Severity.WARNING,
                        message=(
                            f"{conduct.value}: the person was {age} when the claim accrued and "
                            "has died, so the claim belongs to the estate, whose survival and "
                            "tolling follow state law that Monell's data does not cover; "
                            "minority tolling for a living child "
                            f"({tolling_rule.statute if tolling_rule else ''}) is not applied "
                            f"and the untolled deadline, {deadline.isoformat()}, is shown. A "
                            "wrongful-death claim has its own period."
                            if died is True
                            else f"{conduct.value}: the person was {age} when the claim "
                            f"accrued. If they survived, "
                            f"{tolling_rule.statute if tolling_rule else ''} delays the start to "
                            f"{withheld[0].isoformat()} (deadline {withheld[1].isoformat()}). If "
                            "they died, the claim belongs to the estate, whose survival and "
                            "tolling follow state law that Monell's data does not cover, and a "
                            "wrongful-death claim has its own period: the earlier deadline, "
                            f"{deadline.isoformat()}, is shown. Set person.deceased to settle it."
                        ),
                        authorities=(sources.cite("hardin"),),
                        claim=conduct,
                    )
                )
            if tolling_rule is not None and birth is not None:
                applied = tolled_until is not None
                tolling.append(
                    Tolling(
                        kind=TollingKind.MINORITY,
                        applied=applied,
                        statute=tolling_rule.statute,
                        description=(
                            f"The period does not run while the person is under "
                            f"{tolling_rule.age}; it starts on the day they turn "
                            f"{tolling_rule.age} ({tolled_until})."
                            if applied
                            else f"Not applied to the deadline shown: if the person survived, "
                            f"the period runs from {withheld[0]} (deadline {withheld[1]}); not "
                            "if the claim belongs to the estate of a person who died."
                            if withheld
                            else f"Not applied: the person was {age} when the claim accrued, "
                            f"not under {tolling_rule.age}."
                        ),
                        tolled_until=tolled_until,
                        confidence=tolling_rule.confidence,
                    )
                )
                if applied:
                    confidence = weakest(confidence, tolling_rule.confidence)
                    flags.append(
                        Flag(
                            code=FlagCode.TOLLING_APPLIED,
                            severity=Severity.INFO,
                            message=(
                                f"{conduct.value}: minority tolling applied "
                                f"({tolling_rule.statute}): the person was {age} when the "
                                f"claim accrued, so the {period.years}-year period runs from "
                                f"{tolled_until.isoformat() if tolled_until else ''}. "
                                f"Confidence: {tolling_rule.confidence.value}."
                            ),
                            authorities=(sources.cite("hardin"),),
                            claim=conduct,
                        )
                    )
            elif tolling_rule is None and age is not None and age < UNKNOWN_TOLLING_WARN_AGE:
                flags.append(
                    Flag(
                        code=FlagCode.UNKNOWN_LAW,
                        severity=Severity.WARNING,
                        message=(
                            f"{conduct.value}: the person was {age} when the claim accrued. "
                            f"Monell's data has no minority-tolling rule for "
                            f"{incident.state}; the deadline shown assumes no tolling (the "
                            "earliest date). Check the state's tolling statute."
                        ),
                        authorities=(sources.cite("hardin"),),
                        claim=conduct,
                    )
                )
        alternative = (
            _longer_reading(book, incident, period_day, period, at_accrual, choice.at_boundary)
            if deadline is not None and accrual.on is not None
            else None
        )
        alt_deadline: dt.date | None = None
        if alternative is not None and deadline is not None and accrual.on is not None:
            alt_deadline = add_years(tolled_until or accrual.on, alternative[0])
        days_remaining = (deadline - incident.evaluated_on).days if deadline else None
        if deadline is not None and days_remaining is not None:
            later = (
                (alt_deadline, alternative[1])
                if alt_deadline and alternative and alt_deadline >= incident.evaluated_on
                else None
            )
            flags.extend(_clock_flags(conduct, deadline, days_remaining, sources, later))
            if deadline.weekday() >= 5:
                notes.append(
                    "The last day falls on a weekend; rules may carry it to the next business "
                    "day, but file before it."
                )
        if choice.at_boundary:
            confidence = weakest(confidence, Confidence.DISPUTED)
        deadlines.append(
            Deadline(
                kind=DeadlineKind.STATUTE_OF_LIMITATIONS,
                claim=conduct,
                accrues_on=accrual.on,
                accrual_rule=accrual.rule,
                accrual_assumed=accrual.assumed,
                deadline=deadline,
                days_remaining=days_remaining,
                limitations_period=f"{period.years} year{'s' if period.years != 1 else ''}",
                limitations_years=period.years,
                statute=period.statute,
                tolling=tuple(tolling),
                confidence=confidence,
                authorities=sources.cite_all(
                    [*base_authorities, *doctrine.accrual_authorities, "frcp_6a"]
                ),
                notes=tuple(notes),
                alternative_deadline=alt_deadline,
                alternative_statute=alternative[1] if alternative and alt_deadline else None,
            )
        )
    flags.extend(period_flags.values())
    return deadlines, flags


def _longer_reading(
    book: LawBook,
    incident: Incident,
    period_day: dt.date,
    used: LimitationPeriod,
    at_accrual: LimitationPeriod,
    at_boundary: bool,
) -> tuple[int, str] | None:
    """(years, statute) of the longer period another reading of the law gives, when the
    deadline shown uses the shorter one: the period in force on the accrual date when the
    incident date's shorter one was used, the period covering the accrual day when a shorter
    neighbouring one was chosen at a change of period, or a disputed period's other reading
    (`limitation_alternatives.csv`)."""
    from monell.law.state_law import load_state_law

    options: list[tuple[int, str]] = []
    if at_accrual.years > used.years:
        options.append((at_accrual.years, at_accrual.statute))
    if at_boundary:
        # Only a period that itself covers the accrual day is a reading of the law; the
        # neighbouring day's period is why the shorter one was chosen, not an alternative.
        options += [
            (p.years, p.statute) for p in book.periods_for(incident.state) if p.covers(period_day)
        ]
    if used.confidence is Confidence.DISPUTED:
        alt = load_state_law().alternative(incident.state, period_day)
        if alt is not None:
            options.append((alt.years, alt.statute))
    longer = [o for o in options if o[0] > used.years]
    return max(longer) if longer else None


def _clock_flags(
    conduct: Conduct,
    deadline: dt.date,
    days: int,
    sources: Sources,
    later: tuple[dt.date, str] | None = None,
) -> list[Flag]:
    if days < 0 and later is not None:
        # Two readings of the law: the shorter one has run, the longer one is still open.
        # Never tell a person the claim is gone while a reading keeps it alive.
        return [
            Flag(
                code=FlagCode.SOL_EXPIRED,
                severity=Severity.WARNING,
                message=(
                    f"{conduct.value}: under the shorter reading of the limitation period the "
                    f"last day was {deadline.isoformat()}, but under the other reading "
                    f"({later[1]}) it is {later[0].isoformat()}. File at once and ask a lawyer "
                    "which applies."
                ),
                authorities=sources.cite_all(["wilson_garcia", "owens_okure"]),
                claim=conduct,
            )
        ]
    if days < 0:
        return [
            Flag(
                code=FlagCode.SOL_EXPIRED,
                severity=Severity.BLOCKER,
                message=(
                    f"{conduct.value}: the limitation period appears to have run on "
                    f"{deadline.isoformat()} ({-days} days ago). Ask a lawyer at once whether "
                    "any tolling or later accrual applies."
                ),
                authorities=sources.cite_all(["wilson_garcia", "hardin"]),
                claim=conduct,
            )
        ]
    if days <= SOL_NEAR_DAYS:
        return [
            Flag(
                code=FlagCode.SOL_NEAR,
                severity=Severity.WARNING,
                message=(
                    f"{conduct.value}: only {days} days left to file (deadline "
                    f"{deadline.isoformat()}). Talk to a lawyer now."
                ),
                authorities=(sources.cite("wilson_garcia"),),
                claim=conduct,
            )
        ]
    return []


def _note_period_flags(
    period: LimitationPeriod,
    at_boundary: bool,
    incident: Incident,
    sources: Sources,
    out: dict[str, Flag],
) -> None:
    authorities = sources.cite_all(["wilson_garcia", "owens_okure"])
    if at_boundary and "boundary" not in out:
        out["boundary"] = Flag(
            code=FlagCode.LAW_DISPUTED,
            severity=Severity.WARNING,
            message=(
                f"The claim accrued on or next to the day {incident.state}'s limitation period "
                f"changed; the shorter period ({period.years} years, {period.statute}) is used. "
                f"{period.notes}"
            ).strip(),
            authorities=authorities,
        )
    if period.confidence is Confidence.DISPUTED and "disputed" not in out:
        out["disputed"] = Flag(
            code=FlagCode.LAW_DISPUTED,
            severity=Severity.WARNING,
            message=(
                f"Sources disagree on {incident.state}'s period for § 1983 claims "
                f"({period.years} years, {period.statute}): {period.notes} Check before relying "
                "on the deadline."
            ),
            authorities=authorities,
        )
    if period.confidence is Confidence.UNVERIFIED and "unverified" not in out:
        out["unverified"] = Flag(
            code=FlagCode.LAW_UNVERIFIED,
            severity=Severity.WARNING,
            message=(
                f"{incident.state}'s {period.years}-year period ({period.statute}) is the "
                "commonly cited one but has not been checked against the statute or a federal "
                "appellate decision in Monell's data. Verify it before relying on the deadline."
            ),
            authorities=authorities,
        )
