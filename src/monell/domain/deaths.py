"""Deaths and federal officers (issue 14, class 5).

When the person died, § 1983 says nothing about who may sue, so 42 U.S.C. § 1988 borrows the
state's survival law (Robertson v. Wegmann): the person's own claims pass to whoever the
state's survival statute names (often a court-appointed personal representative, so an estate
must be opened), while the family's own losses are a wrongful-death claim under another
statute. A federal officer, or a local officer deputized to a federal task force, is reached
through the Federal Tort Claims Act (an administrative claim within two years, suit within six
months of its denial, 28 U.S.C. § 2401(b)) and Bivens' narrow remnant (Egbert v. Boule); a
judgment on the FTCA claim can bar the claims against the officers (28 U.S.C. § 2676;
Brownback v. King).
"""

from __future__ import annotations

from monell.domain.deadlines import add_years
from monell.domain.models import Authority, Flag, Incident
from monell.domain.sources import Sources
from monell.domain.state_claims import statute_authority
from monell.domain.vocabulary import FlagCode, GovernmentLevel, Severity
from monell.law.state_law import DeathStatute, StateLaw, load_state_law


def death_flags(incident: Incident, sources: Sources, law: StateLaw | None = None) -> list[Flag]:
    if incident.person.deceased is not True:
        return []
    law = law or load_state_law()
    rows = law.death_statutes(incident.state)
    by_kind = {r.kind: r for r in rows}
    authorities: list[Authority] = [sources.cite("robertson_wegmann")]
    parts = [
        "The person died. Who may sue is borrowed from state law through 42 U.S.C. § 1988 "
        "(Robertson v. Wegmann)."
    ]
    survival = by_kind.get("survival")
    death = by_kind.get("wrongful_death")
    if survival is not None:
        parts.append(
            f"The person's own claims (the § 1983 claims for what was done to them) are brought "
            f"by {survival.who_sues} ({survival.statute}; confidence "
            f"{survival.confidence.value})."
        )
        authorities.append(_authority(survival))
    else:
        parts.append(
            f"Monell's data has no survival statute for {incident.state} (unknown_law): check "
            "who may bring the person's own claims."
        )
    if death is not None:
        period = f", within {death.period.words} under state law" if death.period else ""
        parts.append(
            f"The family's own losses are a separate wrongful-death claim, brought by "
            f"{death.who_sues} ({death.statute}{period}; confidence {death.confidence.value})."
        )
        authorities.append(_authority(death))
    else:
        parts.append(
            f"Monell's data has no wrongful-death statute for {incident.state} (unknown_law): "
            "check who may sue for the family's losses and by when."
        )
    needed = [r for r in rows if r.estate_needed]
    if needed:
        parts.append(
            "Open an estate now: only a court-appointed personal representative can bring "
            f"{' and '.join(r.kind.replace('_', '-') + ' claims' for r in needed)} here, "
            "appointment takes time, and the deadlines keep running meanwhile."
        )
    else:
        parts.append(
            "Ask a probate lawyer at once whether an estate must be opened to name a personal "
            "representative; the deadlines keep running meanwhile."
        )
    return [
        Flag(
            code=FlagCode.DEATH_CASE,
            severity=Severity.WARNING,
            message=" ".join(parts),
            authorities=tuple(authorities),
        )
    ]


def _authority(row: DeathStatute) -> Authority:
    return statute_authority(
        f"death:{row.state.value}:{row.kind}",
        row.statute,
        f"{row.kind.replace('_', ' ').capitalize()} claims: brought by {row.who_sues}.",
        row.confidence,
    )


def ftca_flags(incident: Incident, sources: Sources) -> list[Flag]:
    federal = incident.agency.level is GovernmentLevel.FEDERAL
    task_force = incident.agency.federal_task_force is True
    if not (federal or task_force):
        return []
    claim_by = add_years(incident.incident_date, 2)
    who = (
        "The officers were federal"
        if federal
        else "The officers were serving on a federal task force, so they may count as federal "
        "officers (acting under federal, not state, law); § 1983 may not reach them for that work"
    )
    return [
        Flag(
            code=FlagCode.FTCA_ROUTE,
            severity=Severity.WARNING,
            message=(
                f"{who}. For assault, battery, false arrest or malicious prosecution by federal "
                "law-enforcement officers, the United States can be sued under the Federal Tort "
                "Claims Act, but only after a written administrative claim to the officers' "
                f"agency within two years of the injury (by {claim_by.isoformat()} counting from "
                "the incident), and then within six months after the agency mails its denial. "
                "A judgment on the FTCA claim, even a dismissal on the merits, can bar the "
                "claims against the officers themselves; and a Bivens damages claim against "
                "the officers survives only in the narrow contexts the Supreme Court has "
                "already recognised. Plan both routes with a lawyer before filing either."
            ),
            authorities=sources.cite_all(
                ["ftca", "ftca_limit", "usc_2676", "brownback_king", "bivens", "egbert"]
            ),
        )
    ]
