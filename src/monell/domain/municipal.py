"""The Monell claim: the ways a local government itself can be liable, with the evidence a
lawyer should start gathering for this incident (law in `law/data/monell_theories.yaml`)."""

from __future__ import annotations

from monell.domain.models import Defendant, Incident, MonellAnalysis, MonellTheory
from monell.domain.sources import Sources
from monell.domain.vocabulary import DefendantRole


def monell_analysis(
    incident: Incident, defendants: list[Defendant], sources: Sources
) -> MonellAnalysis:
    municipality = next(
        (d for d in defendants if d.role is DefendantRole.MUNICIPALITY and d.suable), None
    )
    if municipality is None:
        # A private company running a jail under contract answers, like a city, only for
        # its own policy or custom (defendants._private_jail), so the same theories reach it.
        municipality = next(
            (
                d
                for d in defendants
                if d.role is DefendantRole.PRIVATE_PARTY
                and d.suable
                and d.name == incident.agency.name
            ),
            None,
        )
    arm = next(
        (d for d in defendants if d.role is DefendantRole.STATE and d.notes),
        None,
    )
    if municipality is None and arm is not None:
        # A local agency that acts for the state (law/data/local_entities.csv, role "state").
        return MonellAnalysis(
            applicable=False,
            municipality=None,
            reason=f"{arm.name} acts for the state here, so there is no Monell claim: "
            + arm.notes[0],
            theories=(),
            authorities=arm.authorities,
        )
    if municipality is None:
        reason = {
            "state": "The employer is a state agency: a state is not a 'person', so there is no "
            "Monell claim.",
            "federal": "The employer is federal: Monell liability exists only under § 1983 "
            "against local governments.",
            "private": "The employer is private: Monell reaches local governments; whether a "
            "private employer's policy can ground liability depends on state action and circuit "
            "law.",
        }.get(incident.agency.level.value, "No local-government defendant.")
        return MonellAnalysis(
            applicable=False,
            municipality=None,
            reason=reason,
            theories=(),
            authorities=sources.cite_all(["monell", "will"]),
        )
    conduct_words = ", ".join(c.value.replace("_", " ") for c in incident.conduct)
    values = {
        "agency": incident.agency.name,
        "municipality": municipality.name,
        "conduct": conduct_words,
        "incident_date": incident.incident_date.isoformat(),
        "year": str(incident.incident_date.year),
    }
    theories = tuple(
        MonellTheory(
            id=t.id,
            name=t.name,
            elements=t.elements,
            authorities=sources.cite_all(t.authorities),
            evidence_to_gather=tuple(e.format(**values) for e in t.evidence),
        )
        for t in sources.book.theories
    )
    return MonellAnalysis(
        applicable=True,
        municipality=municipality.name,
        reason=(
            f"{municipality.name} is liable only if its own policy or custom was the moving "
            "force behind the violation; one incident alone rarely proves a policy."
        ),
        theories=theories,
        authorities=sources.cite_all(["monell", "tuttle", "owen"]),
    )
