"""Whom to sue, in what capacity, and what shields each defendant.

Officers are sued individually and may claim qualified immunity (Harlow v. Fitzgerald); the
local government that employs them has no qualified immunity (Owen v. City of Independence)
but answers only for its own policy or custom (Monell). A state and its agencies are not
"persons" (Will v. Michigan Dept. of State Police); federal officers are outside § 1983
(Bivens); private guards act under color of law only in the recognised exceptions.
"""

from __future__ import annotations

from monell.domain.jurisdiction import same_place, weakest
from monell.domain.models import Defendant, Flag, Incident, Officer
from monell.domain.sources import Sources
from monell.domain.vocabulary import (
    AgencyKind,
    Confidence,
    DefendantRole,
    FlagCode,
    GovernmentLevel,
    QualifiedImmunity,
    Severity,
)
from monell.law.book import LocalEntity, SuableRule

_LOCAL_LEVELS = (GovernmentLevel.MUNICIPAL, GovernmentLevel.COUNTY)
_ENTITY_FOR_KIND = {
    AgencyKind.MUNICIPAL_POLICE: "police_department",
    AgencyKind.COUNTY_SHERIFF: "sheriff_department",
}


def _officer_labels(incident: Incident) -> list[str]:
    if incident.officers:
        return [o.label for o in incident.officers]
    return ["Unidentified officer(s) (John Doe defendants)"]


def _unnamed_note(officers: tuple[Officer, ...]) -> tuple[str, ...]:
    if officers:
        return ()
    return (
        "Identify each officer by name well before the deadline: a claim against an unnamed "
        "officer does not by itself stop the clock for that officer.",
    )


STATEWIDE = "*"


def local_entity(incident: Incident, entities: tuple[LocalEntity, ...]) -> LocalEntity | None:
    """The row of `local_entities.csv` for this agency: one naming the city first, else one for
    the whole state (city `*`, e.g. Alabama sheriffs, who act for the state)."""
    found = [
        e
        for e in entities
        if e.state is incident.state
        and e.agency_kind is incident.agency.kind
        and (e.city == STATEWIDE or same_place(incident.city, e.city))
        and e.covers(incident.incident_date)
    ]
    return min(found, key=lambda e: e.city == STATEWIDE, default=None)


def _city_name(city: str) -> str:
    city = city.strip()
    return city if city.lower().startswith("city of ") else f"City of {city}"


def county_name(incident: Incident) -> str:
    """ "Orleans" -> "Orleans Parish" in Louisiana, "Cook" -> "Cook County" elsewhere."""
    county = (incident.county or "").strip()
    if not county:
        return "the county (parish in Louisiana) where the incident happened"
    if "county" in county.lower() or "parish" in county.lower():
        return county
    return f"{county} {'Parish' if incident.state.value == 'LA' else 'County'}"


def fill_entity(template: str, incident: Incident) -> str:
    """A local-entity row's defendant, indemnitor or not-liable text for this incident."""
    return template.replace("{municipality}", municipality_name(incident)).replace(
        "{county}", county_name(incident)
    )


def policymaker_entity(incident: Incident, entities: tuple[LocalEntity, ...]) -> str:
    """Whom the row names as the policymaking entity (or the usual local government): the one
    name the defendants, the summary, the payer and the records request all use."""
    special = local_entity(incident, entities)
    return (
        fill_entity(special.defendant, incident)
        if special is not None
        else municipality_name(incident)
    )


def municipality_name(incident: Incident) -> str:
    """The local government that employs the officers, in the words a complaint would use.
    Places whose government is not "City of X" (the District of Columbia, consolidated
    city-counties, police boards) are rows of `local_entities.csv`."""
    kind = incident.agency.kind
    level = incident.agency.level
    if kind is AgencyKind.MUNICIPAL_POLICE:
        return (
            _city_name(incident.city)
            if incident.city
            else "the city or town that employs the officers"
        )
    if level is GovernmentLevel.COUNTY or kind is AgencyKind.COUNTY_SHERIFF:
        if incident.county:
            return county_name(incident)
        return "the county that employs the officers"
    if kind is AgencyKind.SCHOOL_POLICE:
        return "the school district that employs the officers"
    if kind is AgencyKind.TRANSIT_POLICE:
        return "the transit authority that employs the officers"
    if level is GovernmentLevel.MUNICIPAL and incident.city:
        return _city_name(incident.city)
    return "the local government body that employs the officers"


def suable_rule(
    incident: Incident, circuit: str, rules: tuple[SuableRule, ...]
) -> SuableRule | None:
    entity = _ENTITY_FOR_KIND.get(incident.agency.kind)
    if entity is None:
        return None
    # A state-specific rule beats the circuit's general one.
    for scope in (incident.state.value, circuit):
        for r in rules:
            if r.scope == scope and r.entity == entity:
                return r
    return None


def identify_defendants(
    incident: Incident, sources: Sources, circuit: str
) -> tuple[list[Defendant], list[Flag]]:
    level = incident.agency.level
    if level in _LOCAL_LEVELS:
        return _local(incident, sources, circuit)
    if level is GovernmentLevel.STATE:
        return _state(incident, sources)
    if level is GovernmentLevel.FEDERAL:
        return _federal(incident, sources)
    return _private(incident, sources)


def _individuals(incident: Incident, sources: Sources, circuit: str) -> list[Defendant]:
    keys = ["usc_1983", "iqbal", "harlow", "smith_wade"]
    notes = list(_unnamed_note(incident.officers))
    if circuit == "ca8":
        keys.append("egerdahl")
        notes.append(
            "Eighth Circuit: say expressly that each officer is sued in his or her individual "
            "capacity (and official capacity, if wanted). Complaints silent on capacity were long "
            "read as official-capacity only; the en banc court dropped that rule in 2025 for a "
            "course-of-proceedings test, but an express statement avoids the fight."
        )
    return [
        Defendant(
            role=DefendantRole.OFFICER_INDIVIDUAL,
            name=label,
            suable=True,
            qualified_immunity=QualifiedImmunity.AVAILABLE,
            liability_basis=(
                "Personal participation: each officer answers for his or her own conduct; "
                "punitive damages are available against an officer who acted with evil motive "
                "or reckless indifference."
            ),
            authorities=sources.cite_all(keys),
            notes=tuple(notes),
        )
        for label in _officer_labels(incident)
    ]


def _qi_flag(incident: Incident, sources: Sources, circuit: str) -> Flag:
    circuit_name = sources.book.courts[incident.state].circuit_name
    return Flag(
        code=FlagCode.QUALIFIED_IMMUNITY,
        severity=Severity.WARNING,
        message=(
            "The officers will raise qualified immunity. It is defeated by showing (1) the "
            "facts make out a constitutional violation and (2) the right was clearly "
            "established on "
            f"{incident.incident_date.isoformat()}: binding precedent (the Supreme Court or "
            f"the {circuit_name}, `{circuit}`) decided before that date with closely similar "
            "facts, a robust consensus of persuasive authority, or conduct so obviously "
            "unconstitutional that no reasonable officer could think it lawful. It does not "
            "protect the municipality."
        ),
        authorities=sources.cite_all(
            ["harlow", "pearson", "al_kidd", "wesby", "hope", "taylor_riojas", "owen"]
        ),
    )


def _local(
    incident: Incident, sources: Sources, circuit: str
) -> tuple[list[Defendant], list[Flag]]:
    book = sources.book
    flags: list[Flag] = []
    defendants = _individuals(incident, sources, circuit)
    flags.append(_qi_flag(incident, sources, circuit))

    special = local_entity(incident, book.local_entities)
    muni_confidence = Confidence.CONFIRMED
    muni_notes: list[str] = []
    muni_keys = ["monell", "owen", "newport"]
    if special is not None and special.role == "state":
        return _arm_of_state(incident, sources, special, defendants, flags)
    if special is not None:
        # A statewide row keeps the usual local government ("{municipality}") and adds its
        # warning; a city row names the governing body itself (a police board); a sheriff's
        # row names the sheriff in an official capacity.
        muni_name = fill_entity(special.defendant, incident)
        muni_confidence = special.confidence
        muni_notes.append(special.notes)
        if special.authority:
            muni_keys.append(special.authority)
        if not special.known:
            flags.append(
                Flag(
                    code=FlagCode.UNKNOWN_LAW,
                    severity=Severity.WARNING,
                    message=f"Municipal defendant uncertain: {special.notes}",
                    authorities=sources.cite_all([special.authority] if special.authority else []),
                )
            )
    else:
        muni_name = municipality_name(incident)
    if incident.agency.kind is AgencyKind.COUNTY_SHERIFF and special is None:
        muni_keys.append("mcmillian_monroe")
        muni_notes.append(
            "Whether a sheriff sets policy for the county or acts for the state depends on "
            "state law; check it for the function at issue."
        )
        muni_confidence = weakest(muni_confidence, Confidence.SINGLE_SOURCE)

    defendants.append(
        Defendant(
            role=DefendantRole.OFFICER_OFFICIAL_CAPACITY,
            name=f"{_officer_labels(incident)[0]} in an official capacity",
            suable=True,
            qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
            liability_basis=(
                f"An official-capacity claim is a claim against {muni_name}; it adds nothing "
                "when the entity itself is named and is usually dismissed as redundant."
            ),
            authorities=sources.cite_all(["kentucky_graham"]),
        )
    )
    defendants.append(
        Defendant(
            role=DefendantRole.MUNICIPALITY,
            name=muni_name,
            suable=True,
            qualified_immunity=QualifiedImmunity.NOT_AVAILABLE,
            liability_basis=(
                "Liable only for its own official policy, widespread custom, a final "
                "policymaker's decision, deliberately indifferent failure to train or "
                "supervise, or ratification - never merely because it employs the officers. No "
                "qualified immunity; no punitive damages."
            ),
            authorities=sources.cite_all(muni_keys),
            confidence=muni_confidence,
            notes=tuple(n for n in muni_notes if n),
        )
    )
    if special is not None:
        defendants += _around_policymaker(incident, sources, special, muni_name)
    flags.append(
        Flag(
            code=FlagCode.NO_PUNITIVE_AGAINST_MUNICIPALITY,
            severity=Severity.INFO,
            message=(
                f"Punitive damages are not available against {muni_name}; they may be sought "
                "from the individual officers."
            ),
            authorities=sources.cite_all(["newport", "smith_wade"]),
        )
    )

    more, more_flags = _department_rule(incident, sources, circuit, muni_name, special)
    return [*defendants, *more], [*flags, *more_flags]


def _department_rule(
    incident: Incident,
    sources: Sources,
    circuit: str,
    muni_name: str,
    special: LocalEntity | None,
) -> tuple[list[Defendant], list[Flag]]:
    """The agency itself, where a suable-entity row says it cannot be sued."""
    defendants: list[Defendant] = []
    flags: list[Flag] = []
    rule = suable_rule(incident, circuit, sources.book.suable)
    if rule is not None and not rule.suable:
        # Where a local-entity row names the governing body (a police board), that body, not
        # the rule's generic "the city", is whom to sue instead.
        instead = muni_name if special is not None else f"{rule.right_defendant} ({muni_name})"
        defendants.append(
            Defendant(
                role=DefendantRole.DEPARTMENT,
                name=incident.agency.name,
                suable=False,
                qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
                liability_basis=(f"Not a legal entity that can be sued; name {instead} instead."),
                authorities=sources.cite_all([rule.authority, "frcp_17b"]),
                confidence=rule.confidence,
                notes=tuple(n for n in (rule.notes,) if n),
            )
        )
        flags.append(
            Flag(
                code=FlagCode.DEPARTMENT_NOT_SUABLE,
                severity=Severity.WARNING,
                message=(
                    f"Do not sue {incident.agency.name} as such: it is not a suable entity here. "
                    f"Name {instead}. Confidence: {rule.confidence.value}."
                ),
                authorities=sources.cite_all([rule.authority, "frcp_17b"]),
            )
        )
    elif rule is None:
        flags.append(
            Flag(
                code=FlagCode.UNKNOWN_LAW,
                severity=Severity.INFO,
                message=(
                    f"Whether {incident.agency.name} can be sued as an entity separate from "
                    f"{muni_name} depends on {incident.state} law, which Monell's data does not "
                    "cover. Name the local government itself, and check state law before naming "
                    "the department."
                ),
                authorities=(sources.cite("frcp_17b"),),
            )
        )
    return defendants, flags


def _around_policymaker(
    incident: Incident, sources: Sources, row: LocalEntity, policymaker: str
) -> list[Defendant]:
    """The county that must pay (Illinois) and the body that is not liable (a Louisiana
    parish, an Alabama county), as the row names them."""
    keys = [row.authority] if row.authority else []
    out = []
    if row.indemnitor:
        out.append(
            Defendant(
                role=DefendantRole.MUNICIPALITY,
                name=f"{fill_entity(row.indemnitor, incident)} (as indemnitor)",
                suable=True,
                qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
                liability_basis=(
                    f"Not liable under Monell for the policies of {policymaker}, but state law "
                    "makes it pay an official-capacity judgment against the sheriff's office: "
                    "name it as a necessary party so the judgment can be collected."
                ),
                authorities=sources.cite_all(keys),
                confidence=row.confidence,
            )
        )
    if row.not_liable:
        out.append(
            Defendant(
                role=DefendantRole.MUNICIPALITY,
                name=fill_entity(row.not_liable, incident),
                suable=False,
                qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
                liability_basis=(
                    f"Not the policymaker for these officers ({policymaker} is): not liable "
                    "for their conduct or the sheriff's policies. Name it only for what it "
                    "controls itself, such as funding and maintaining the jail."
                ),
                authorities=sources.cite_all(keys),
                confidence=row.confidence,
                notes=(row.notes,),
            )
        )
    return out


def _arm_of_state(
    incident: Incident,
    sources: Sources,
    row: LocalEntity,
    defendants: list[Defendant],
    flags: list[Flag],
) -> tuple[list[Defendant], list[Flag]]:
    """A local-looking agency that acts for the state (an Alabama sheriff, a California
    school district): no Monell defendant, no official-capacity damages."""
    entity = fill_entity(row.defendant, incident)
    keys = [k for k in (row.authority, "will") if k]
    defendants.append(
        Defendant(
            role=DefendantRole.OFFICER_OFFICIAL_CAPACITY,
            name=f"{_officer_labels(incident)[0]} in an official capacity",
            suable=False,
            qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
            liability_basis=(
                f"An official-capacity damages claim is a claim against {entity}, which acts "
                "for the state: not a 'person' for damages under § 1983 and immune under the "
                "Eleventh Amendment; only prospective relief (an injunction) is possible."
            ),
            authorities=sources.cite_all(keys),
            confidence=row.confidence,
        )
    )
    defendants.append(
        Defendant(
            role=DefendantRole.STATE,
            name=entity,
            suable=False,
            qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
            liability_basis=(
                "Acts for the state here, so it is not a 'person' that can be sued for damages "
                "under § 1983 and there is no Monell claim against it."
            ),
            authorities=sources.cite_all(keys),
            confidence=row.confidence,
            notes=(row.notes,),
        )
    )
    defendants += _around_policymaker(incident, sources, row, entity)
    more, more_flags = _department_rule(
        incident,
        sources,
        sources.book.courts[incident.state].circuit,
        "the officers (and the sheriff) in their individual capacities",
        row,
    )
    defendants += more
    flags += more_flags
    flags.append(
        Flag(
            code=FlagCode.STATE_NOT_PERSON,
            severity=Severity.WARNING,
            message=(
                f"{incident.agency.name} acts for the state here: {row.notes} "
                f"Confidence: {row.confidence.value}."
            ),
            authorities=sources.cite_all(keys),
        )
    )
    return defendants, flags


def _state(incident: Incident, sources: Sources) -> tuple[list[Defendant], list[Flag]]:
    court = sources.book.courts[incident.state]
    hafer = sources.cite("hafer")
    defendants = [
        d.model_copy(update={"authorities": (*d.authorities, hafer)})
        for d in _individuals(incident, sources, court.circuit)
    ]
    defendants.append(
        Defendant(
            role=DefendantRole.OFFICER_OFFICIAL_CAPACITY,
            name=f"{_officer_labels(incident)[0]} in an official capacity",
            suable=False,
            qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
            liability_basis=(
                "A state officer sued in an official capacity for damages is not a 'person' "
                "under § 1983; an official-capacity claim may seek only prospective relief "
                "(an injunction)."
            ),
            authorities=(sources.cite("will", "71 & n.10"),),
        )
    )
    defendants.append(
        Defendant(
            role=DefendantRole.STATE,
            name=f"State of {court.state_name} ({incident.agency.name})",
            suable=False,
            qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
            liability_basis="A state and its agencies are not 'persons' under § 1983.",
            authorities=(sources.cite("will"),),
        )
    )
    flags = [
        _qi_flag(incident, sources, court.circuit),
        Flag(
            code=FlagCode.STATE_NOT_PERSON,
            severity=Severity.WARNING,
            message=(
                f"{incident.agency.name} is a state agency: neither it nor the state can be sued "
                "for damages under § 1983. Sue the officers individually (they are 'persons'); "
                "there is no Monell claim against a state."
            ),
            authorities=sources.cite_all(["will", "hafer"]),
        ),
    ]
    return defendants, flags


def _federal(incident: Incident, sources: Sources) -> tuple[list[Defendant], list[Flag]]:
    defendants = [
        Defendant(
            role=DefendantRole.FEDERAL_OFFICER,
            name=label,
            suable=False,
            qualified_immunity=QualifiedImmunity.AVAILABLE,
            liability_basis=(
                "Federal officers act under color of federal, not state, law, so § 1983 does not "
                "reach them. A damages claim must rest on Bivens, which the Supreme Court now "
                "refuses to extend to new contexts, or on the Federal Tort Claims Act against the "
                "United States."
            ),
            authorities=sources.cite_all(["usc_1983", "bivens", "egbert", "ftca"]),
        )
        for label in _officer_labels(incident)
    ]
    flags = [
        Flag(
            code=FlagCode.BIVENS_NOT_1983,
            severity=Severity.BLOCKER,
            message=(
                f"{incident.agency.name} is a federal agency: there is no § 1983 claim. Consider "
                "a Bivens claim (narrow after Egbert v. Boule) and an administrative claim under "
                "the Federal Tort Claims Act, which must be presented to the agency within two "
                "years."
            ),
            authorities=sources.cite_all(["bivens", "egbert", "ftca", "ftca_limit"]),
        )
    ]
    return defendants, flags


def _private_jail(incident: Incident, sources: Sources) -> tuple[list[Defendant], list[Flag]]:
    """A private company that runs a prison or jail for the government performs the state's
    own function of incarceration, so its guards act under color of state law (West v.
    Atkins, the contractor-physician case, applies a fortiori). Marking them 'not suable'
    would be the worst kind of error: it tells a prisoner to drop a good claim."""
    keys = ["west_atkins", "lugar", "richardson"]
    guards = [
        Defendant(
            role=DefendantRole.PRIVATE_PARTY,
            name=label,
            suable=True,
            qualified_immunity=QualifiedImmunity.NOT_AVAILABLE,
            liability_basis=(
                "Guards of a privately run prison or jail act under color of state law: "
                "incarceration is the state's function, delegated by contract. Guards employed "
                "by a private prison firm may not claim qualified immunity."
            ),
            authorities=sources.cite_all(keys),
        )
        for label in _officer_labels(incident)
    ]
    company = Defendant(
        role=DefendantRole.PRIVATE_PARTY,
        name=incident.agency.name,
        suable=True,
        qualified_immunity=QualifiedImmunity.NOT_AVAILABLE,
        liability_basis=(
            "The company acts under color of state law in running the facility. Courts "
            "generally hold it liable, like a municipality, only for its own policy or custom, "
            "not merely as the guards' employer; the rule is circuit law not in Monell's data, "
            "so check the circuit's cases."
        ),
        authorities=sources.cite_all([*keys, "monell"]),
    )
    flag = Flag(
        code=FlagCode.NO_STATE_ACTION,
        severity=Severity.INFO,
        message=(
            f"{incident.agency.name} is private, but the state-action exception for a "
            "delegated public function applies: running a prison or jail for the government "
            "is state action (West v. Atkins), so its guards can be sued under § 1983. Get the "
            "contract with the government to show the delegation."
        ),
        authorities=sources.cite_all(keys),
    )
    return [*guards, company], [flag]


def _private(incident: Incident, sources: Sources) -> tuple[list[Defendant], list[Flag]]:
    if incident.agency.kind is AgencyKind.JAIL_OR_PRISON:
        return _private_jail(incident, sources)
    keys = ["west_atkins", "lugar", "dennis_sparks", "adickes"]
    basis = (
        "A private party is liable under § 1983 only if its conduct is fairly attributable to "
        "the state: acting jointly or conspiring with police, performing a function the state "
        "delegated to it (such as under contract to guard or treat prisoners), or acting with "
        "state aid."
    )
    defendants = [
        Defendant(
            role=DefendantRole.PRIVATE_PARTY,
            name=label,
            suable=False,
            qualified_immunity=QualifiedImmunity.NOT_APPLICABLE,
            liability_basis=basis,
            authorities=sources.cite_all(keys),
        )
        for label in [*_officer_labels(incident), incident.agency.name]
    ]
    flags = [
        Flag(
            code=FlagCode.NO_STATE_ACTION,
            severity=Severity.WARNING,
            message=(
                f"{incident.agency.name} is private: § 1983 applies only if its guards acted "
                "under color of state law. The exceptions: joint action or conspiracy with "
                "police (Dennis v. Sparks; Adickes), a state function delegated by contract "
                "(West v. Atkins), or conduct otherwise fairly attributable to the state "
                "(Lugar). Check whether police were involved or the guards were off-duty "
                "officers; state-law tort claims may remain."
            ),
            authorities=sources.cite_all(keys),
        )
    ]
    return defendants, flags
