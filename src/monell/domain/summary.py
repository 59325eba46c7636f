"""The few plain sentences a person reads first: what they may be able to do, by when, what
to gather, and that this is not legal advice."""

from __future__ import annotations

from monell.domain.durations import long_date, span
from monell.domain.models import (
    Claim,
    Deadline,
    Defendant,
    Flag,
    Incident,
    MonellAnalysis,
    StateClaim,
)
from monell.domain.vocabulary import (
    Confidence,
    DeadlineKind,
    DefendantRole,
    FlagCode,
    QualifiedImmunity,
    Severity,
)

DISCLAIMER = (
    "This is not legal advice. Monell is a research aid: it applies the rules in its data, "
    "with their sources, to the facts you gave. Laws change and facts matter; talk to a "
    "civil-rights lawyer before you rely on any of it, and do it soon because deadlines run."
)

_AMENDMENT_WORDS = {
    "first": "First Amendment: freedom of speech",
    "fourth": "Fourth Amendment: unreasonable searches and seizures",
    "eighth": "Eighth Amendment: cruel and unusual punishment",
    "fourteenth": "Fourteenth Amendment: due process",
}


def plain_summary(
    incident: Incident,
    claims: list[Claim],
    defendants: list[Defendant],
    deadlines: list[Deadline],
    flags: list[Flag],
    monell: MonellAnalysis,
    state_claims: list[StateClaim] | None = None,
) -> tuple[str, ...]:
    lines: list[str] = []
    blockers = [f for f in flags if f.severity is Severity.BLOCKER]
    suable = [d for d in defendants if d.suable]
    if claims:
        what = "; ".join(
            f"{_plain_title(c.title)} ({_AMENDMENT_WORDS[c.amendment.value]})" for c in claims
        )
        lines.append(f"What happened may support these federal civil-rights claims: {what}.")
    whom = _whom(suable, monell)
    if whom:
        lines.append("You may be able to sue " + _and(whom) + ".")
    elif any(f.code is FlagCode.BIVENS_NOT_1983 for f in flags):
        lines.append(
            "The officers were federal, so the usual civil-rights law for police (§ 1983) does "
            "not apply; other, narrower routes exist and have their own short deadlines."
        )
    elif any(f.code is FlagCode.NO_STATE_ACTION for f in flags):
        lines.append(
            "The guards were private, so a federal civil-rights claim is possible only if they "
            "acted together with police or for the government."
        )
    federal = [d for d in deadlines if d.kind is DeadlineKind.STATUTE_OF_LIMITATIONS]
    today = incident.evaluated_on
    dated = [d for d in federal if d.deadline is not None and d.days_remaining is not None]
    # An expired claim must never hide one that is still open, and a date that has passed
    # under one reading of the law is not "expired" while another reading's date is open.
    open_ = sorted((d for d in dated if (d.days_remaining or 0) >= 0), key=_by_deadline)
    passed = [d for d in dated if (d.days_remaining or 0) < 0]
    one_reading = [d for d in passed if d.alternative_deadline and d.alternative_deadline >= today]
    expired = sorted((d for d in passed if d not in one_reading), key=_by_deadline)
    if open_:
        first = open_[0]
        assert first.deadline is not None
        soonest = [d for d in open_ if d.deadline == first.deadline]
        later = " (other claims have later deadlines, shown below)" if open_[len(soonest) :] else ""
        lines.append(
            f"Deadline: file by {long_date(first.deadline)} at the latest, "
            f"{span(today, first.deadline)} from "
            f"{long_date(today)}, for {_claim_words(soonest)}{later} - earlier "
            "is safer. This date is an estimate; a lawyer must confirm it."
        )
    shaky = {f.code for f in flags} & {FlagCode.LAW_DISPUTED, FlagCode.LAW_UNVERIFIED}
    if open_ and shaky:
        alt = min(
            (d.alternative_deadline for d in open_ if d.alternative_deadline),
            default=None,
        )
        if FlagCode.LAW_DISPUTED in shaky and alt is not None:
            lines.append(
                "Careful - the limitation rule behind this date is disputed (sources disagree, "
                "or the period changed around the incident). Another reading of the law gives "
                f"a later date ({long_date(alt)}), but do not count on it: file by the earlier "
                "date."
            )
        else:
            lines.append(
                "Careful - the limitation rule behind this date is "
                + (
                    "disputed (sources disagree, or the period changed around the incident), "
                    "and the real deadline may be different"
                    if FlagCode.LAW_DISPUTED in shaky
                    else "not yet verified against the statute, and the real deadline may be "
                    "earlier"
                )
                + ". File as early as you can."
            )
    for d in sorted(one_reading, key=_by_deadline):
        assert d.deadline is not None and d.alternative_deadline is not None
        lines.append(
            f"For {_claim_words([d])}, one reading of the law says the time to file ran out on "
            f"{long_date(d.deadline)}, but another reading ({d.alternative_statute}) gives "
            f"until {long_date(d.alternative_deadline)}. Ask a lawyer right away which applies, "
            "and do not wait."
        )
    if expired:
        last = expired[-1]
        assert last.deadline is not None
        lines.append(
            f"For {_claim_words(expired)}, the time to file may already have run out (on "
            f"{long_date(last.deadline)}{' or earlier' if len(expired) > 1 else ''}). Ask a "
            "lawyer right away whether an exception applies."
        )
    pending = [d for d in federal if d.deadline is None]
    if pending:
        lines.append(
            "For "
            + ", ".join(d.claim.value.replace("_", " ") for d in pending)
            + ", the clock has not started or cannot be computed from what you gave; see the "
            "details below."
        )
    lines += _state_law_lines(incident, deadlines, state_claims or [])
    if any(f.code is FlagCode.PLRA_EXHAUSTION for f in flags):
        lines.append(
            "If you are still in jail or prison when you sue, first use every step of its "
            "grievance process, on time and by its rules: otherwise a court will dismiss the "
            "case. Grievance deadlines can be a few days."
        )
    if blockers:
        lines.append("Serious obstacles: " + " ".join(first_sentence(b.message) for b in blockers))
    lines.append(
        "Gather now: photos of injuries, medical records and bills, names and badge numbers, "
        "witnesses' names and contacts, any video (phone, body camera, dashcam, nearby "
        "businesses), police reports, and all court papers from any criminal case."
    )
    lines.append(DISCLAIMER)
    return tuple(lines)


def _whom(suable: list[Defendant], monell: MonellAnalysis) -> list[str]:
    """Every suable defendant, by name, with the one thing a person must know about each."""
    out: list[str] = []
    officers = [d.name for d in suable if d.role is DefendantRole.OFFICER_INDIVIDUAL]
    if officers:
        out.append(
            f"the officers personally ({_and(officers)}; they will claim qualified immunity)"
        )
    guards = [
        d
        for d in suable
        if d.role is DefendantRole.PRIVATE_PARTY
        and d.qualified_immunity is QualifiedImmunity.NOT_AVAILABLE
    ]
    people = [d.name for d in guards if d.liability_basis.startswith("Guards")]
    companies = [d.name for d in guards if not d.liability_basis.startswith("Guards")]
    if people:
        out.append(
            f"the guards personally ({_and(people)}; guards of a privately run jail or prison "
            "cannot claim qualified immunity)"
        )
    for name in companies:
        out.append(f"{name}, the company that runs the facility, for its own policies or customs")
    if monell.applicable and monell.municipality and monell.municipality not in companies:
        out.append(
            f"{monell.municipality}, but only if its own policy, custom or training "
            "failure caused the harm"
        )
    for d in suable:
        if d.role is DefendantRole.MUNICIPALITY and d.name != monell.municipality:
            if d.name.endswith("(as indemnitor)"):
                out.append(f"{d.name.removesuffix(' (as indemnitor)')}, which must pay a judgment")
            else:
                out.append(d.name)
    return out


def _state_law_lines(
    incident: Incident, deadlines: list[Deadline], state_claims: list[StateClaim]
) -> list[str]:
    """The shortest clock in plain words: the notice of claim for the state-law claims."""
    today = incident.evaluated_on
    lines: list[str] = []
    notices = [
        d for d in deadlines if d.kind is DeadlineKind.NOTICE_OF_CLAIM and d.deadline is not None
    ]
    open_n = sorted((d for d in notices if (d.days_remaining or 0) >= 0), key=_by_deadline)
    lapsed = sorted((d for d in notices if (d.days_remaining or 0) < 0), key=_by_deadline)
    if open_n:
        first = open_n[0]
        assert first.deadline is not None
        lines.append(
            "Shortest clock: to keep claims under state law ("
            + _state_words([d for d in open_n if d.deadline == first.deadline])
            + f"), a written notice of claim must reach {first.to_whom} by "
            f"{long_date(first.deadline)}, {span(today, first.deadline)} from "
            f"{long_date(today)} ({_statute(first)}). This notice is not needed for the "
            f"federal claims and does not change their deadline{_felder(first)}."
        )
    if lapsed:
        gone = [d for d in lapsed if d.state_claim not in {o.state_claim for o in open_n}]
        if gone:
            last = gone[-1]
            assert last.deadline is not None
            lines.append(
                "The written notice of claim for claims under state law ("
                + _state_words(gone)
                + f") was due by {long_date(last.deadline)} ({_statute(last)}); that day has "
                "passed. A court can sometimes allow a late notice, so ask a lawyer now. The "
                f"federal claims do not need this notice{_felder(last)}."
            )
    suits = [
        d for d in deadlines if d.kind is DeadlineKind.STATE_LIMITATIONS and d.deadline is not None
    ]
    # The federal claims' first open day, under any reading of their period.
    federal_first = min(
        (
            day
            for d in deadlines
            if d.kind is DeadlineKind.STATUTE_OF_LIMITATIONS
            for day in (d.deadline, d.alternative_deadline)
            if day is not None and day >= today
        ),
        default=None,
    )
    open_s = sorted((d for d in suits if (d.days_remaining or 0) >= 0), key=_by_deadline)
    if open_s and (federal_first is None or (open_s[0].deadline or today) < federal_first):
        first = open_s[0]
        assert first.deadline is not None
        lines.append(
            "Claims under state law ("
            + _state_words([d for d in open_s if d.deadline == first.deadline])
            + f") must be filed in court by {long_date(first.deadline)} ({_statute(first)})"
            + (", earlier than the federal claims." if federal_first is not None else ".")
        )
    gone_s = [
        d
        for d in suits
        if (d.days_remaining or 0) < 0 and d.state_claim not in {o.state_claim for o in open_s}
    ]
    if gone_s:
        last = max(gone_s, key=_by_deadline)
        assert last.deadline is not None
        # A minor's state counts carry the tolled reading as an alternative (state_claims.py):
        # say it, so nobody gives up a count that reading still keeps open.
        later = [d for d in gone_s if d.alternative_deadline and d.alternative_deadline >= today]
        lines.append(
            "For claims under state law ("
            + _state_words(gone_s)
            + f"), the time to sue may have run out on {long_date(last.deadline)}"
            + (" or earlier" if len({d.deadline for d in gone_s}) > 1 else "")
            + f" ({_statute(last)})"
            + (
                "; if the tolling for minors ("
                + (later[0].alternative_statute or "").split(" (")[0]
                + ") reaches these claims, until "
                + long_date(max(d.alternative_deadline for d in later if d.alternative_deadline))
                + ": ask a lawyer now"
                if later
                else ""
            )
            + ". This does not end the federal claims."
        )
    unknown = [c for c in state_claims if c.status == "unknown_law"]
    if unknown:
        lines.append(
            "Claims under state law ("
            + ", ".join(c.title.split(" (")[0].lower() for c in unknown)
            + f") may need a written notice to the government within months; Monell's data "
            f"does not cover {incident.state.value} for them, so ask a lawyer now."
        )
    return lines


_ABBREVIATIONS = ("v.", "U.S.", "No.", "Stat.", "Ann.", "Cir.", "Ct.", "Rev.", "Code.", "e.g.")


def first_sentence(text: str) -> str:
    """The first whole sentence of a message: a period ends it only when followed by a space
    and a capital letter, and not after an abbreviation such as 'v.' or 'U.S.'."""
    words = text.split(" ")
    for i, word in enumerate(words[:-1]):
        nxt = words[i + 1]
        if (
            word.endswith(".")
            and nxt[:1].isupper()
            and not any(word.endswith(a) for a in _ABBREVIATIONS)
            and not (len(word) == 2 and word[0].isupper())  # an initial: "A. Castillo"
        ):
            return " ".join(words[: i + 1])
    return text if text.endswith((".", "!", "?")) else text + "."


def _felder(d: Deadline) -> str:
    """' (Felder v. Casey, 487 U.S. 131 (1988))', from the row's own authorities."""
    found = next((a for a in d.authorities if a.key == "felder"), None)
    return f" ({found.cite})" if found else ""


def _statute(d: Deadline) -> str:
    """The statute as the memo prints it: marked when its text was not read."""
    mark = "" if d.confidence is Confidence.CONFIRMED else ", UNVERIFIED: a lawyer must check it"
    return f"{d.statute}{mark}"


def _and(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _state_words(rows: list[Deadline]) -> str:
    names = [
        (d.state_claim.value if d.state_claim else d.claim.value).replace("_", " ") for d in rows
    ]
    return ", ".join(dict.fromkeys(names))


def _by_deadline(d: Deadline) -> str:
    return d.deadline.isoformat() if d.deadline else ""


def _claim_words(deadlines: list[Deadline]) -> str:
    return ", ".join(d.claim.value.replace("_", " ") for d in deadlines)


def _plain_title(title: str) -> str:
    """'Malicious prosecution (Fourth Amendment)' -> 'malicious prosecution': the amendment is
    named right after it in plain words."""
    return title.split(" (")[0].lower()
