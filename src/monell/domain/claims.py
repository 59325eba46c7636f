"""Conduct → constitutional claims: which amendment, which standard, which elements.

Custody decides the amendment for force (free/arrested: Fourth, Graham v. Connor; pretrial
detainee: Fourteenth, Kingsley v. Hendrickson; convicted prisoner: Eighth, Hudson v.
McMillian); the tests themselves live in `law/data/claims.yaml`.
"""

from __future__ import annotations

from monell.domain.models import Claim, Flag, Incident
from monell.domain.sources import Sources
from monell.domain.vocabulary import Amendment, Conduct, CriminalCaseStatus, FlagCode, Severity

# Claims that presuppose a prosecution: without one an element is missing on the facts given.
_NEEDS_PROSECUTION = {
    Conduct.MALICIOUS_PROSECUTION: (
        "Malicious prosecution needs a criminal charge brought through legal process, but the "
        "incident lists no criminal case. If no charge was filed, consider false arrest instead."
    ),
    # The fabricated evidence must have been used against the person in a criminal
    # proceeding and caused a loss of liberty (McDonough v. Smith).
    Conduct.FABRICATION_OF_EVIDENCE: (
        "Fabrication of evidence needs the false evidence to have been used against the person "
        "in a criminal proceeding and to have cost them their liberty, but the incident lists "
        "no criminal case. Add the case, or consider false arrest instead."
    ),
}
_NEEDS_PROSECUTION_AUTHORITIES = {
    Conduct.MALICIOUS_PROSECUTION: ["thompson_clark", "manuel"],
    Conduct.FABRICATION_OF_EVIDENCE: ["mcdonough"],
}


def identify_claims(
    incident: Incident, sources: Sources, circuit: str
) -> tuple[list[Claim], list[Flag]]:
    claims: list[Claim] = []
    flags: list[Flag] = []
    for conduct in incident.conduct:
        doctrine = sources.book.claims[conduct]
        test = doctrine.test_for(incident.person.custody).for_circuit(circuit)
        keys = list(test.authorities) + list(test.circuit_authorities.get(circuit, ()))
        notes: list[str] = []
        if conduct is Conduct.FAILURE_TO_INTERVENE and circuit not in test.circuit_authorities:
            flags.append(
                Flag(
                    code=FlagCode.UNKNOWN_LAW,
                    severity=Severity.WARNING,
                    message=(
                        "Failure to intervene: the Supreme Court has not defined this duty, and "
                        f"Monell's data has no {circuit} authority for it. Check the circuit's "
                        "cases on bystander-officer liability before pleading it."
                    ),
                    authorities=(),
                    claim=conduct,
                )
            )
        if (
            conduct in _NEEDS_PROSECUTION
            and incident.criminal_case.status is CriminalCaseStatus.NONE
        ):
            flags.append(
                Flag(
                    code=FlagCode.CLAIM_ELEMENT_MISSING,
                    severity=Severity.WARNING,
                    message=_NEEDS_PROSECUTION[conduct],
                    authorities=sources.cite_all(_NEEDS_PROSECUTION_AUTHORITIES[conduct]),
                    claim=conduct,
                )
            )
        if (
            conduct is Conduct.DENIAL_OF_MEDICAL_CARE
            and incident.person.custody.value in ("free", "arrested")
            and circuit not in doctrine.default.by_circuit
        ):
            notes.append(
                "Circuits differ on whether an arrestee's medical-care claim is judged under the "
                "Fourth Amendment (objective reasonableness) or due process (deliberate "
                "indifference): check the circuit's law."
            )
        claims.append(
            Claim(
                id=conduct,
                title=doctrine.title,
                amendment=Amendment(test.amendment),
                standard=test.standard,
                elements=test.elements,
                authorities=sources.cite_all(keys),
                notes=tuple(notes),
            )
        )
    return claims, flags
