"""The state-law counts that travel with a § 1983 claim, and their shorter clocks.

A battery, false-imprisonment, malicious-prosecution or state civil-rights count against a city
or its officers often has a notice of claim due in months and a limitation period shorter than
the one § 1983 borrows. None of it binds the § 1983 claim (Felder v. Casey, 487 U.S. 131
(1988)), but a person can lose the state counts while § 1983 is still open. Every period is a
row of `law/data/notice_of_claim.csv` or `state_claims.csv`; a state without rows is reported
as `unknown_law`, never as "no deadline".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monell.domain.models import (
    Authority,
    Deadline,
    Flag,
    Incident,
    StateClaim,
    Verification,
)
from monell.domain.periods import last_day
from monell.domain.sources import Sources
from monell.domain.vocabulary import (
    AuthorityKind,
    CitationStatus,
    Conduct,
    Confidence,
    CriminalCaseStatus,
    DeadlineKind,
    FlagCode,
    GovernmentLevel,
    Severity,
    StateClaimKind,
)
from monell.law.state_law import (
    NoticeRule,
    Period,
    StateClaimRule,
    StateLaw,
    load_state_law,
)

NOTICE_NEAR_DAYS = 30
_FOR_CONDUCT: dict[StateClaimKind, tuple[Conduct, ...]] = {
    StateClaimKind.BATTERY: (Conduct.EXCESSIVE_FORCE, Conduct.DEADLY_FORCE),
    StateClaimKind.FALSE_IMPRISONMENT: (Conduct.FALSE_ARREST,),
    StateClaimKind.MALICIOUS_PROSECUTION: (
        Conduct.MALICIOUS_PROSECUTION,
        Conduct.FABRICATION_OF_EVIDENCE,
    ),
}
TITLES = {
    StateClaimKind.BATTERY: "Battery (state law)",
    StateClaimKind.FALSE_IMPRISONMENT: "False arrest and imprisonment (state law)",
    StateClaimKind.MALICIOUS_PROSECUTION: "Malicious prosecution (state law)",
    StateClaimKind.STATE_CIVIL_RIGHTS: "State civil-rights statute",
}
_LEVELS = {
    GovernmentLevel.MUNICIPAL: "municipal",
    GovernmentLevel.COUNTY: "county",
    GovernmentLevel.STATE: "state",
}
FELDER_NOTE = (
    "This notice is for the state-law claim only: state notice-of-claim rules do not apply to "
    "the federal § 1983 claim (Felder v. Casey)."
)


def supported_counts(
    incident: Incident, law: StateLaw
) -> dict[StateClaimKind, tuple[Conduct, ...]]:
    """Each state-law count the facts support, with the conduct it rests on. A civil-rights
    statute is offered only where the data has one for the state (or city)."""
    out: dict[StateClaimKind, tuple[Conduct, ...]] = {}
    for kind, conduct in _FOR_CONDUCT.items():
        found = tuple(c for c in incident.conduct if c in conduct)
        if not found:
            continue
        if (
            kind is StateClaimKind.MALICIOUS_PROSECUTION
            and incident.criminal_case.status is CriminalCaseStatus.CONVICTED
        ):
            continue  # needs a favorable termination; the Heck flag explains
        out[kind] = found
    rule = law.claim_rule(
        incident.state,
        StateClaimKind.STATE_CIVIL_RIGHTS,
        incident.city,
        incident.incident_date,
    )
    if rule is not None:
        out[StateClaimKind.STATE_CIVIL_RIGHTS] = incident.conduct
    return out


def statute_authority(
    key: str, statute: str, proposition: str, confidence: Confidence
) -> Authority:
    """A statute named by a state-law data row, printed with that row's confidence (statutes
    are not in a case-law corpus: verified only when the row says its text was read)."""
    verified = confidence is Confidence.CONFIRMED
    return Authority(
        key=key,
        kind=AuthorityKind.STATUTE,
        name=statute,
        citation=statute,
        year=None,
        court="",
        proposition=proposition,
        confidence=confidence,
        verification=Verification(
            status=CitationStatus.NOT_A_CASE,
            verified=verified,
            checked_against="law data sources",
            note=(
                "statute text read (see the data row's sources)"
                if verified
                else "statute not checked against its official text: verify before relying"
            ),
        ),
    )


@dataclass(frozen=True)
class _Start:
    on: dt.date | None
    rule: str
    assumed: bool


def _start(incident: Incident, accrual: str) -> _Start:
    case = incident.criminal_case
    if accrual == "incident":
        return _Start(incident.incident_date, "the day of the incident", False)
    if accrual == "claim_rejection":
        return _Start(
            None,
            "six months after the public entity's written rejection of the claim (two years "
            "from accrual if no written rejection is given); Monell does not know that date",
            False,
        )
    # favorable termination
    if case.status in (CriminalCaseStatus.ACQUITTED, CriminalCaseStatus.DISMISSED):
        if case.resolved_on is not None:
            return _Start(
                case.resolved_on, f"when the prosecution ended ({case.status.value})", False
            )
        return _Start(
            incident.incident_date,
            "when the prosecution ended; that date is not given, so the incident date is used "
            "as the safe (earliest) date",
            True,
        )
    if case.status is CriminalCaseStatus.PENDING:
        return _Start(
            None, "not yet: when the pending prosecution ends in the person's favor", False
        )
    return _Start(
        incident.incident_date,
        "no prosecution is recorded, so the incident date is used as the safe (earliest) date",
        True,
    )


def _against(incident: Incident, level: str) -> str:
    if level == "state":
        return f"the officers of {incident.agency.name} and the State"
    return f"the officers and the local government that employs them ({incident.agency.name})"


@dataclass(frozen=True)
class _Clock:
    """What a notice row and a limitation row share: the rule's period and statute."""

    kind: DeadlineKind
    period: Period
    statute: str
    roll_forward: str
    confidence: Confidence
    authorities: tuple[Authority, ...]
    notes: tuple[str, ...]
    to_whom: str | None = None


def _row(
    incident: Incident, claim: StateClaimKind, conduct: Conduct, start: _Start, clock: _Clock
) -> Deadline:
    deadline = last_day(start.on, clock.period, bool(clock.roll_forward)) if start.on else None
    notes = list(clock.notes)
    if deadline is not None and not clock.roll_forward and deadline.weekday() >= 5:
        notes.append("The last day falls on a weekend; it is not moved here. Act before it.")
    return Deadline(
        kind=clock.kind,
        claim=conduct,
        accrues_on=start.on,
        accrual_rule=start.rule,
        accrual_assumed=start.assumed,
        deadline=deadline,
        days_remaining=(deadline - incident.evaluated_on).days if deadline else None,
        limitations_period=clock.period.words,
        limitations_years=clock.period.years,
        statute=clock.statute,
        tolling=(),
        confidence=clock.confidence,
        authorities=clock.authorities,
        notes=tuple(notes),
        state_claim=claim,
        to_whom=clock.to_whom,
        computation=(
            f"a last day on a weekend moves to the next business day ({clock.roll_forward})"
            if clock.roll_forward
            else None
        ),
    )


def _notice_row(
    incident: Incident,
    kind: StateClaimKind,
    conduct: Conduct,
    rule: NoticeRule,
    start: _Start,
    felder: Authority,
) -> Deadline:
    notes = [n for n in (rule.notes, FELDER_NOTE) if n]
    if incident.person.deceased is True and incident.state.value == "NY":
        notes.append(
            "For a wrongful-death claim the ninety days run from the appointment of the "
            "estate's representative (N.Y. Gen. Mun. Law § 50-e(1)(a))."
        )
    statute = statute_authority(
        f"notice:{rule.state.value}:{rule.defendant_level}",
        rule.statute,
        f"Written notice of a state-law claim must reach {rule.to_whom} within "
        f"{rule.period.words}.",
        rule.confidence,
    )
    clock = _Clock(
        DeadlineKind.NOTICE_OF_CLAIM,
        rule.period,
        rule.statute,
        rule.roll_forward,
        rule.confidence,
        (statute, felder),
        tuple(notes),
        rule.to_whom,
    )
    return _row(incident, kind, conduct, start, clock)


def _limitations_row(
    incident: Incident, kind: StateClaimKind, conduct: Conduct, rule: StateClaimRule
) -> Deadline:
    statute = statute_authority(
        f"state_claim:{rule.state.value}:{rule.claim.value}",
        rule.statute,
        f"{TITLES[kind]}: suit within {rule.period.words}.",
        rule.confidence,
    )
    clock = _Clock(
        DeadlineKind.STATE_LIMITATIONS,
        rule.period,
        rule.statute,
        rule.roll_forward,
        rule.confidence,
        (statute,),
        tuple(n for n in (rule.notes,) if n),
    )
    return _row(incident, kind, conduct, _start(incident, rule.accrual), clock)


def _minority_reading(
    incident: Incident, row: Deadline, sources: Sources, rule_of_count: StateClaimRule | None
) -> Deadline:
    """A person who was a minor when a state-law claim arose may have a later date: the
    state's minority-tolling statute (law/data/tolling.csv) tolls the § 1983 period, and
    whether it also reaches this count (a tort-claims act's own period, a notice of claim)
    is not in Monell's data. So the untolled date stays the deadline (the safe one) and the
    tolled reading is an alternative a lawyer must check; the plain summary never calls the
    count lost while that reading is open."""
    from monell.domain.deadlines import age_on, birthday_of_age

    birth = incident.person.birth_date
    rule = sources.book.tolling_for(incident.state, "minority")
    if (
        rule is None
        or birth is None
        or row.accrues_on is None
        or row.deadline is None
        or incident.person.deceased is True
        or age_on(birth, row.accrues_on) >= rule.age
        or row.kind is not DeadlineKind.STATE_LIMITATIONS
    ):
        if (
            rule is not None
            and birth is not None
            and row.accrues_on is not None
            and row.kind is DeadlineKind.NOTICE_OF_CLAIM
            and age_on(birth, row.accrues_on) < rule.age
        ):
            return row.model_copy(update={"notes": (*row.notes, (
                f"The person was under {rule.age} when the claim arose. Some states excuse or "
                "extend a late notice for a minor (often only by a court's leave); Monell's data "
                "does not say whether this one does. Give the notice by the date shown."
            ))})  # fmt: skip
        return row
    tolled_start = birthday_of_age(birth, rule.age)
    if rule_of_count is None:
        return row
    alternative = last_day(tolled_start, rule_of_count.period, bool(rule_of_count.roll_forward))
    return row.model_copy(update=dict(
        alternative_deadline=alternative,
        alternative_statute=f"{rule.statute} (minority tolling), if it reaches this count",
        notes=(*row.notes, (
            f"The person was under {rule.age} when the claim arose. {rule.statute} tolls the "
            f"§ 1983 period until {tolled_start.isoformat()}; if it also reaches this count, "
            f"the last day would be {alternative.isoformat()}. Monell's data does not say "
            "whether it does: the date shown is the safe one."
        )),
    ))  # fmt: skip


def state_law_claims(
    incident: Incident, sources: Sources, law: StateLaw | None = None
) -> tuple[list[StateClaim], list[Deadline], list[Flag]]:
    """state_claims[], the deadline rows they add, and the notice flags."""
    law = law or load_state_law()
    level = _LEVELS.get(incident.agency.level)
    if level is None:  # federal (FTCA instead) or private (ordinary torts, no notice rules)
        return [], [], []
    claims: list[StateClaim] = []
    rows: list[Deadline] = []
    for kind, conduct in supported_counts(incident, law).items():
        rule = law.claim_rule(incident.state, kind, incident.city, incident.incident_date)
        notices = law.notice_rules(incident.state, level, kind, incident.city)
        if rule is None and not notices:
            claims.append(
                StateClaim(
                    id=kind,
                    title=TITLES[kind],
                    status="unknown_law",
                    from_conduct=conduct,
                    against=_against(incident, level),
                    statute=None,
                    qualified_immunity=None,
                    immunities=(),
                    caps=(),
                    deadlines=(),
                    confidence=Confidence.UNVERIFIED,
                    sources=(),
                    notes=(
                        f"Monell's data has no notice-of-claim or limitation rule for this "
                        f"count in {incident.state} against a {level} government defendant. "
                        "Such periods are often far shorter than the § 1983 period: check the "
                        "state's tort-claims act and limitation statutes now.",
                    ),
                )
            )
            continue
        # The notice is due so long after the claim arises: a malicious-prosecution claim
        # arises when the prosecution ends in the person's favor, the others at the incident.
        start = _start(
            incident,
            "favorable_termination" if kind is StateClaimKind.MALICIOUS_PROSECUTION else "incident",
        )
        felder = sources.cite("felder")
        mine = [_notice_row(incident, kind, conduct[0], n, start, felder) for n in notices]
        if rule is not None:
            mine.append(_limitations_row(incident, kind, conduct[0], rule))
        mine = [_minority_reading(incident, row, sources, rule) for row in mine]
        rows += mine
        confidences = [r.confidence for r in mine]
        notes = (
            []
            if rule is not None
            else [
                "The limitation period for this count is not in Monell's data; only the notice "
                "of claim is shown. Check the state's limitation statute."
            ]
        )
        if not notices:
            notes.append(
                f"Monell's data has no notice-of-claim rule for this count against a {level} "
                "defendant here; that does not mean none applies. Check the state's "
                "tort-claims act."
            )
        claims.append(
            StateClaim(
                id=kind,
                title=TITLES[kind],
                status="covered",
                from_conduct=conduct,
                against=_against(incident, level),
                statute=rule.statute if rule else None,
                qualified_immunity=rule.qualified_immunity if rule else None,
                immunities=tuple(x for x in ((rule.immunities if rule else ""),) if x),
                caps=tuple(x for x in ((rule.caps if rule else ""),) if x),
                deadlines=tuple(mine),
                confidence=_weakest(confidences),
                sources=tuple(
                    [*(f"{n.statute}: {n.sources}" for n in notices)]
                    + ([f"{rule.statute}: {rule.sources}"] if rule else [])
                ),
                notes=tuple(notes),
            )
        )
    return claims, rows, _notice_flags(rows, sources)


def _weakest(levels: list[Confidence]) -> Confidence:
    from monell.domain.jurisdiction import weakest

    return weakest(*levels) if levels else Confidence.UNVERIFIED


def _notice_flags(rows: list[Deadline], sources: Sources) -> list[Flag]:
    """One flag per notice (the earliest for each addressee): lapsed, or 30 days or less left."""
    felder = sources.cite("felder")
    seen: dict[tuple[str, str], Deadline] = {}
    for d in rows:
        if d.kind is not DeadlineKind.NOTICE_OF_CLAIM or d.deadline is None:
            continue
        key = (d.statute, d.to_whom or "")
        if key not in seen or (seen[key].deadline or d.deadline) > d.deadline:
            seen[key] = d
    flags = []
    for d in seen.values():
        assert d.deadline is not None and d.days_remaining is not None
        counts = sorted(
            {
                (r.state_claim.value if r.state_claim else "").replace("_", " ")
                for r in rows
                if r.kind is DeadlineKind.NOTICE_OF_CLAIM
                and (r.statute, r.to_whom or "") == (d.statute, d.to_whom or "")
            }
        )
        what = ", ".join(counts)
        if d.days_remaining < 0:
            flags.append(
                Flag(
                    code=FlagCode.NOTICE_OF_CLAIM_LAPSED,
                    severity=Severity.WARNING,
                    message=(
                        f"The notice of claim for the state-law claims ({what}) was due by "
                        f"{d.deadline.isoformat()}, to {d.to_whom}; that day has "
                        "passed. Ask a lawyer at once whether a late notice can still be "
                        "allowed. The federal § 1983 claims do not need this notice (Felder v. "
                        "Casey) and keep their own deadlines."
                    ),
                    authorities=(*d.authorities, felder),
                    claim=d.claim,
                )
            )
        elif d.days_remaining <= NOTICE_NEAR_DAYS:
            flags.append(
                Flag(
                    code=FlagCode.NOTICE_OF_CLAIM_NEAR,
                    severity=Severity.WARNING,
                    message=(
                        f"Only {d.days_remaining} days left to serve the written notice of "
                        f"claim for the state-law claims ({what}): due by "
                        f"{d.deadline.isoformat()} to {d.to_whom}. The federal "
                        "§ 1983 claims do not need it (Felder v. Casey)."
                    ),
                    authorities=(*d.authorities, felder),
                    claim=d.claim,
                )
            )
    return flags
