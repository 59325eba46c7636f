"""Bars that stop a claim before its merits: chiefly Heck v. Humphrey.

A § 1983 damages claim that would necessarily imply the invalidity of a conviction is barred
until the conviction is set aside; while charges are pending, a court may stay the civil case
(Wallace v. Kato) - but the false-arrest clock keeps running.
"""

from __future__ import annotations

import re

from monell.domain.models import Authority, Flag, Incident
from monell.domain.sources import Sources
from monell.domain.vocabulary import Conduct, CriminalCaseStatus, FlagCode, Severity

# Claims that need the prosecution to have failed: a conviction defeats them outright.
_NEEDS_FAVORABLE_TERMINATION = (Conduct.MALICIOUS_PROSECUTION, Conduct.FABRICATION_OF_EVIDENCE)
# Claims whose success often (not always) implies the conviction was invalid.
_OFTEN_IMPLY_INVALIDITY = (
    Conduct.FALSE_ARREST,
    Conduct.UNLAWFUL_SEARCH,
    Conduct.FIRST_AMENDMENT_RETALIATION,
)
_FORCE = (Conduct.EXCESSIVE_FORCE, Conduct.DEADLY_FORCE, Conduct.FAILURE_TO_INTERVENE)
# Charges whose conviction can collide with a force claim (the force was a response to them).
# Statutes word these offences differently ("battery of a police officer", La. R.S. 14:34.2;
# "battery upon a law enforcement officer", Fla. Stat. § 784.07), and a bare "assault" or
# "battery" charge in a force case is often the officer's account of the same struggle, so any
# assault or battery counts: a needless warning costs little, a missing one can cost the claim.
_RESISTANCE_CHARGE = re.compile(
    r"resist|obstruct|interfer|elud|flee|evad|assault|battery|attack", re.IGNORECASE
)


def heck_flags(incident: Incident, sources: Sources) -> list[Flag]:
    case = incident.criminal_case
    flags: list[Flag] = []
    heck = sources.cite("heck", "486-87")
    charges = ", ".join(case.charges) if case.charges else "the charges"
    # With no charges listed we cannot rule out a conviction for resisting the officers, so
    # force claims get the warning rather than silence.
    resistance = not case.charges or any(_RESISTANCE_CHARGE.search(c) for c in case.charges)
    for conduct in incident.conduct:
        if case.status is CriminalCaseStatus.CONVICTED:
            if conduct in _NEEDS_FAVORABLE_TERMINATION:
                flags.append(
                    _flag(
                        conduct,
                        Severity.BLOCKER,
                        f"{conduct.value}: the person was convicted ({charges}). This claim "
                        "requires the prosecution to have ended without a conviction, so it is "
                        "barred unless the conviction is reversed, expunged or otherwise "
                        "invalidated.",
                        (heck, sources.cite("thompson_clark"), sources.cite("mcdonough")),
                    )
                )
            elif conduct in _OFTEN_IMPLY_INVALIDITY:
                flags.append(
                    _flag(
                        conduct,
                        Severity.WARNING,
                        f"{conduct.value}: the person was convicted ({charges}). If winning this "
                        "claim would necessarily imply the conviction is invalid (for example, no "
                        "probable cause for the offense of conviction, or evidence that convicted "
                        "the person), it is barred until the conviction is set aside.",
                        (heck,),
                    )
                )
            elif conduct in _FORCE and resistance:
                flags.append(
                    _flag(
                        conduct,
                        Severity.WARNING,
                        f"{conduct.value}: the conviction ({charges}) concerns the person's own "
                        "conduct toward the officers. A force claim usually survives Heck, but not "
                        "if its factual basis contradicts what the conviction necessarily "
                        "established; plead facts consistent with the conviction.",
                        (heck,),
                    )
                )
        elif case.status is CriminalCaseStatus.PENDING and (
            conduct in (*_NEEDS_FAVORABLE_TERMINATION, *_OFTEN_IMPLY_INVALIDITY)
            or (conduct in _FORCE and resistance)
        ):
            flags.append(
                _flag(
                    conduct,
                    Severity.WARNING,
                    f"{conduct.value}: the criminal case is pending ({charges}). A conviction "
                    "would bar any claim that implies it is invalid, and the court may stay the "
                    "civil case until the criminal case ends. The false-arrest deadline keeps "
                    "running meanwhile.",
                    (heck, sources.cite("wallace", "393-94")),
                )
            )
    return flags


def _flag(
    conduct: Conduct, severity: Severity, message: str, authorities: tuple[Authority, ...]
) -> Flag:
    return Flag(
        code=FlagCode.HECK_BAR_RISK,
        severity=severity,
        message=message,
        authorities=authorities,
        claim=conduct,
    )
