"""incident → jurisdiction → claims → defendants → deadlines → obstacles → Monell → summary.

Each stage is a plain function over values; this module only runs them in order and
collects their flags.
"""

from __future__ import annotations

from monell.domain.claims import identify_claims
from monell.domain.deadlines import compute_deadlines
from monell.domain.deaths import death_flags, ftca_flags
from monell.domain.defendants import identify_defendants
from monell.domain.jurisdiction import determine_jurisdiction
from monell.domain.models import Assessment, Flag, Incident
from monell.domain.municipal import monell_analysis
from monell.domain.obstacles import heck_flags
from monell.domain.prisoners import plra_flags
from monell.domain.sources import Sources, default_sources
from monell.domain.state_claims import state_law_claims
from monell.domain.summary import DISCLAIMER, plain_summary
from monell.domain.vocabulary import Severity

_SEVERITY_ORDER = {Severity.BLOCKER: 0, Severity.WARNING: 1, Severity.INFO: 2}


def assess(incident: Incident, sources: Sources | None = None) -> Assessment:
    sources = sources or default_sources()
    flags: list[Flag] = []
    jurisdiction, f = determine_jurisdiction(incident, sources)
    flags += f
    claims, f = identify_claims(incident, sources, jurisdiction.circuit)
    flags += f
    defendants, f = identify_defendants(incident, sources, jurisdiction.circuit)
    flags += f
    deadlines, f = compute_deadlines(incident, sources)
    flags += f
    flags += heck_flags(incident, sources)
    state_claims, state_rows, f = state_law_claims(incident, sources)
    deadlines += state_rows
    flags += f
    flags += plra_flags(incident, sources, jurisdiction.circuit)
    flags += death_flags(incident, sources)
    flags += ftca_flags(incident, sources)
    monell = monell_analysis(incident, defendants, sources)
    flags.sort(key=lambda fl: _SEVERITY_ORDER[fl.severity])
    return Assessment(
        evaluated_on=incident.evaluated_on,
        incident=incident,
        summary=plain_summary(incident, claims, defendants, deadlines, flags, monell, state_claims),
        jurisdiction=jurisdiction,
        claims=tuple(claims),
        defendants=tuple(defendants),
        deadlines=tuple(deadlines),
        flags=tuple(flags),
        monell=monell,
        disclaimer=DISCLAIMER,
        state_claims=tuple(state_claims),
    )
