"""The few plain sentences a person reads first: what they may be able to do, by when, what
to gather, and that this is not legal advice."""

from __future__ import annotations

from monell.domain.durations import long_date, span
from monell.domain.models import Claim, Deadline, Defendant, Flag, Incident, MonellAnalysis
from monell.domain.vocabulary import DefendantRole, FlagCode, Severity

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
) -> tuple[str, ...]:
    lines: list[str] = []
    blockers = [f for f in flags if f.severity is Severity.BLOCKER]
    suable = [d for d in defendants if d.suable]
    if claims:
        what = "; ".join(
            f"{_plain_title(c.title)} ({_AMENDMENT_WORDS[c.amendment.value]})" for c in claims
        )
        lines.append(f"What happened may support these federal civil-rights claims: {what}.")
    if suable:
        officers = [d for d in suable if d.role is DefendantRole.OFFICER_INDIVIDUAL]
        parts = []
        if officers:
            parts.append("the officers personally (they will claim qualified immunity)")
        if monell.applicable and monell.municipality:
            parts.append(
                f"{monell.municipality}, but only if its own policy, custom or training "
                "failure caused the harm"
            )
        if parts:
            lines.append("You may be able to sue " + " and ".join(parts) + ".")
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
    dated = [d for d in deadlines if d.deadline is not None and d.days_remaining is not None]
    # An expired claim must never hide one that is still open: a person told only that "the
    # time has run out" may give up a claim they can still bring.
    open_ = sorted((d for d in dated if (d.days_remaining or 0) >= 0), key=_by_deadline)
    expired = sorted((d for d in dated if (d.days_remaining or 0) < 0), key=_by_deadline)
    if open_:
        first = open_[0]
        assert first.deadline is not None
        soonest = [d for d in open_ if d.deadline == first.deadline]
        later = " (other claims have later deadlines, shown below)" if open_[len(soonest) :] else ""
        lines.append(
            f"Deadline: file by {long_date(first.deadline)} at the latest, "
            f"{span(incident.evaluated_on, first.deadline)} from "
            f"{long_date(incident.evaluated_on)}, for {_claim_words(soonest)}{later} - earlier "
            "is safer. This date is an estimate; a lawyer must confirm it."
        )
    shaky = {f.code for f in flags} & {FlagCode.LAW_DISPUTED, FlagCode.LAW_UNVERIFIED}
    if open_ and shaky:
        lines.append(
            "Careful - the limitation rule behind this date is "
            + (
                "disputed (sources disagree, or the period changed around the incident)"
                if FlagCode.LAW_DISPUTED in shaky
                else "not yet verified against the statute"
            )
            + ", and the real deadline may be earlier. File as early as you can."
        )
    if expired:
        last = expired[-1]
        assert last.deadline is not None
        lines.append(
            f"For {_claim_words(expired)}, the time to file may already have run out (on "
            f"{long_date(last.deadline)}{' or earlier' if len(expired) > 1 else ''}). Ask a "
            "lawyer right away whether an exception applies."
        )
    pending = [d for d in deadlines if d.deadline is None]
    if pending:
        lines.append(
            "For "
            + ", ".join(d.claim.value.replace("_", " ") for d in pending)
            + ", the clock has not started or cannot be computed from what you gave; see the "
            "details below."
        )
    if blockers:
        lines.append(
            "Serious obstacles: " + " ".join(b.message.split(". ")[0] + "." for b in blockers)
        )
    lines.append(
        "Gather now: photos of injuries, medical records and bills, names and badge numbers, "
        "witnesses' names and contacts, any video (phone, body camera, dashcam, nearby "
        "businesses), police reports, and all court papers from any criminal case."
    )
    lines.append(DISCLAIMER)
    return tuple(lines)


def _by_deadline(d: Deadline) -> str:
    return d.deadline.isoformat() if d.deadline else ""


def _claim_words(deadlines: list[Deadline]) -> str:
    return ", ".join(d.claim.value.replace("_", " ") for d in deadlines)


def _plain_title(title: str) -> str:
    """'Malicious prosecution (Fourth Amendment)' -> 'malicious prosecution': the amendment is
    named right after it in plain words."""
    return title.split(" (")[0].lower()
