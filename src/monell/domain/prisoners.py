"""The first questions in a jail or prison case: the Prison Litigation Reform Act.

A prisoner's suit about prison life must wait until the grievance system's every available
step has been used, properly and on time (42 U.S.C. § 1997e(a); Booth v. Churner; Porter v.
Nussle; Woodford v. Ngo; Ross v. Blake). Mental or emotional injury needs a prior physical
injury (§ 1997e(e)); attorney's fees are capped (§ 1997e(d)). The PLRA binds suits "brought
by a prisoner", so whether the person is still in custody when suing decides whether these
apply: when the incident file does not say, the flags are raised as warnings.
"""

from __future__ import annotations

from monell.domain.models import Flag, Incident
from monell.domain.sources import Sources
from monell.domain.vocabulary import Custody, FlagCode, Severity
from monell.law.state_law import StateLaw, load_state_law

IN_CUSTODY = (Custody.PRETRIAL_DETAINEE, Custody.CONVICTED_PRISONER)


def plra_flags(
    incident: Incident, sources: Sources, circuit: str, law: StateLaw | None = None
) -> list[Flag]:
    if incident.person.custody not in IN_CUSTODY:
        return []
    at_filing = incident.person.in_custody_at_filing
    if at_filing is False:
        return []
    law = law or load_state_law()
    known = at_filing is True
    unsure = (
        ""
        if known
        else " This applies if the person is still in jail or prison when the suit is filed "
        "(person.in_custody_at_filing is not given); a suit filed after release is generally "
        "outside the PLRA, but check the circuit's rule."
    )
    tolling = law.tolling_for_circuit(circuit)
    if tolling is None:
        clock = (
            f"Whether the § 1983 limitation period stops running while the grievance is pending "
            f"is not in Monell's data for `{circuit}` (unknown_law): assume it does not and "
            "file as soon as the grievance process ends."
        )
    else:
        clock = (
            f"In `{circuit}` the limitation period is {tolling.rule.replace('_', ' ')} while the "
            f"grievance process runs ({tolling.authority}; confidence "
            f"{tolling.confidence.value}{'. ' + tolling.notes if tolling.notes else ''}). "
            "Do not rely on it: count the deadline as if it were not tolled."
        )
    return [
        Flag(
            code=FlagCode.PLRA_EXHAUSTION,
            severity=Severity.BLOCKER if known else Severity.WARNING,
            message=(
                "Before suing, use every step of the jail's or prison's grievance process, on "
                "time and by its rules: a prisoner's suit about prison life, force included, is "
                "dismissed if an available step was skipped, even when the process cannot pay "
                "money. Only remedies actually available count (not dead ends, unusable "
                "procedures, or ones officials blocked). Grievance deadlines are often days or "
                f"weeks. {clock}{unsure}"
            ),
            authorities=sources.cite_all(
                ["usc_1997e_a", "booth_churner", "porter_nussle", "woodford_ngo", "ross_blake"]
            ),
        ),
        Flag(
            code=FlagCode.PLRA_PHYSICAL_INJURY,
            severity=Severity.WARNING,
            message=(
                "A prisoner cannot recover damages for mental or emotional injury suffered in "
                "custody without a prior showing of physical injury: document every physical "
                f"injury (medical records, photographs).{unsure}"
            ),
            authorities=(sources.cite("usc_1997e_e"),),
        ),
        Flag(
            code=FlagCode.PLRA_FEE_CAP,
            severity=Severity.INFO if known else Severity.WARNING,
            message=(
                "Attorney's fees in a prisoner's suit are capped (hourly rate and proportion of "
                "the judgment), which affects whether a lawyer can take the case on a "
                f"fee-shifting basis.{unsure}"
            ),
            authorities=(sources.cite("usc_1997e_d"),),
        ),
    ]
