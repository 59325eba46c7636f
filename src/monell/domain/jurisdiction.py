"""Which federal courts hear the case: state → circuit, and the district where the events
happened (venue, 28 U.S.C. § 1391(b)) when the city or county tells us."""

from __future__ import annotations

import re

from monell.domain.models import Flag, Incident, Jurisdiction
from monell.domain.sources import Sources
from monell.domain.vocabulary import Confidence, FlagCode, Severity
from monell.law.book import DistrictCounty, DistrictPlace

_RANK = [Confidence.CONFIRMED, Confidence.SINGLE_SOURCE, Confidence.UNVERIFIED, Confidence.DISPUTED]


def weakest(*levels: Confidence) -> Confidence:
    """The confidence of a conclusion is that of its least-checked premise."""
    return max(levels, key=_RANK.index)


def place_key(name: str) -> str:
    """A place name as people write it, reduced to one spelling: "Saint Louis", "St Louis",
    "City of St. Louis" and "st. louis" are the same place."""
    s = " ".join(name.lower().replace(".", " ").split())
    s = re.sub(r"^city of ", "", s)
    return re.sub(r"\b(saint|st) ", "st ", s)


def same_place(a: str | None, b: str) -> bool:
    return bool(a) and place_key(a or "") == place_key(b)


def _match_place(incident: Incident, places: tuple[DistrictPlace, ...]) -> DistrictPlace | None:
    for kind, name in (("city", incident.city), ("county", incident.county)):
        if not name:
            continue
        for p in places:
            if p.state is incident.state and p.place_kind == kind and same_place(name, p.place):
                return p
    return None


def county_key(name: str) -> str:
    """ "St. Louis County", "Saint Louis" and "st louis co." -> one key; "DeKalb" = "De Kalb"."""
    s = place_key(name)
    s = re.sub(r"\b(county|co|parish|borough|census area|municipality)$", "", s.strip())
    return re.sub(r"[^a-z]", "", s)


def _match_county(
    incident: Incident, counties: tuple[DistrictCounty, ...]
) -> DistrictCounty | None:
    if not incident.county:
        return None
    key = county_key(incident.county)
    # "St. Louis" is both a county and an independent city (Missouri); a county name given
    # as the incident's county means the county, unless it says "city".
    want_city = incident.county.strip().lower().endswith(" city")
    found = [
        c
        for c in counties
        if c.state is incident.state
        and c.county != "*"
        and county_key(c.county) == key
        and (c.county.lower().endswith(" city") == want_city)
    ]
    return found[0] if len(found) == 1 else None


def determine_jurisdiction(incident: Incident, sources: Sources) -> tuple[Jurisdiction, list[Flag]]:
    book = sources.book
    court = book.courts[incident.state]
    flags: list[Flag] = []
    names = _court_names()
    district: str | None = None
    confidence = court.confidence
    # the public sources, then the row of Monell's own data a reader can open
    srcs = [f"{court.sources}; Monell's data: law/data/courts.csv row {incident.state.value}"]
    if len(court.districts) == 1:
        district = court.districts[0]
        basis = f"{court.state_name} has a single federal district"
    else:
        place = _match_place(incident, book.district_places)
        county = _match_county(incident, book.district_counties)
        if county is not None:
            district = county.district
            confidence = weakest(confidence, county.confidence)
            basis = f"{county.county} lies in this district ({county.statute})"
            srcs.append(f"{county.statute}; {county.sources}")
        elif place is not None:
            district = place.district
            confidence = weakest(confidence, place.confidence)
            basis = f"{place.place} lies in this district ({place.statute})"
            srcs.append(
                f"{place.statute}; {place.sources}; Monell's data: "
                f"law/data/district_places.csv row {incident.state.value} {place.place}"
            )
        else:
            where = incident.city or incident.county or "the place of the incident"
            basis = (
                f"{court.state_name} has {len(court.districts)} districts and Monell's data does "
                f"not place {where} in one"
            )
            flags.append(
                Flag(
                    code=FlagCode.UNKNOWN_LAW,
                    severity=Severity.INFO,
                    message=(
                        f"Federal district unknown: {basis}. Check which district covers "
                        f"{where} (28 U.S.C. §§ 81-131 list the counties of each district; "
                        f"candidates: {', '.join(court.districts)}). Venue lies where a "
                        "substantial part of the events occurred."
                    ),
                    authorities=(sources.cite("usc_1391b"),),
                )
            )
    return (
        Jurisdiction(
            state=incident.state,
            state_name=court.state_name,
            circuit=court.circuit,
            circuit_name=court.circuit_name,
            district=district,
            district_name=names.get(district) if district else None,
            districts=court.districts,
            high_court=court.high_court,
            district_basis=basis,
            confidence=confidence,
            sources=tuple(srcs),
        ),
        flags,
    )


def _court_names() -> dict[str, str]:
    from monell.law.courts import court_names

    return court_names()
