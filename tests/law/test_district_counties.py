"""district_counties.csv: every county of a covered multi-district state has exactly one
district; single-district states are one row each ("*"); ids exist in courts-db and belong to
the state's row in courts.csv. The county list is the Census Bureau's 2020 list
(fixtures/census_counties_2020.csv, from the addfips 0.4.2 package)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import courts_db
import pytest

from monell.domain.assess import assess
from monell.domain.incident import parse_incident
from monell.domain.models import Assessment
from tests.law.conftest import DATA, read_rows

ROWS = read_rows("district_counties.csv")
COURTS = {r["state"]: r for r in read_rows("courts.csv")}
CENSUS = list(
    csv.DictReader(
        line
        for line in (Path(__file__).parent / "fixtures" / "census_counties_2020.csv")
        .read_text(encoding="utf-8")
        .splitlines()
        if not line.startswith("#")
    )
)
STATE_FIPS = {r["county_fips"][:2]: r["state"] for r in ROWS if r["county_fips"] != "*"}


def test_canonical_form() -> None:
    text = (DATA / "district_counties.csv").read_text(encoding="utf-8")
    assert text.endswith("\n") and "\r" not in text
    keys = [(r["state"], r["county_fips"]) for r in ROWS]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_every_single_district_state_is_one_row_and_no_county_rows() -> None:
    for state, court in COURTS.items():
        rows = [r for r in ROWS if r["state"] == state]
        if len(court["districts"].split()) == 1:
            assert [(r["county_fips"], r["district"]) for r in rows] == [("*", court["districts"])]
        else:
            assert all(r["county_fips"] != "*" for r in rows), state


def test_district_ids_exist_and_belong_to_the_state() -> None:
    ids = {c["id"] for c in courts_db.courts}
    for r in ROWS:
        assert r["district"] in ids, r
        assert r["district"] in COURTS[r["state"]]["districts"].split(), r


@pytest.mark.parametrize("state", sorted({r["state"] for r in ROWS if r["county_fips"] != "*"}))
def test_every_county_of_a_covered_state_is_mapped_exactly_once(state: str) -> None:
    fips = next(f for f, s in STATE_FIPS.items() if s == state)
    census: dict[str, set[str]] = {}
    for c in CENSUS:
        if c["statefp"] == fips:  # the list gives some counties a second name (Bronx)
            census.setdefault(c["statefp"] + c["countyfp"], set()).add(c["name"])
    mapped = Counter(r["county_fips"] for r in ROWS if r["state"] == state)
    assert [k for k, n in mapped.items() if n > 1] == []
    assert set(mapped) == set(census), (set(census) - set(mapped), set(mapped) - set(census))
    for r in ROWS:
        if r["state"] == state:
            assert r["county"] in census[r["county_fips"]]
    # Every district of the state has at least one county.
    assert {r["district"] for r in ROWS if r["state"] == state} == set(
        COURTS[state]["districts"].split()
    )


def _assess(state: str, county: str, city: str | None = None) -> Assessment:
    data = {
        "incident_date": "2025-03-10",
        "evaluated_on": "2026-01-15",
        "state": state,
        "county": county,
        "agency": {"name": "Sheriff's Office", "kind": "county_sheriff"},
        "person": {"custody": "arrested"},
        "conduct": ["excessive_force"],
        "criminal_case": {"status": "none"},
    }
    if city:
        data["city"] = city
    return assess(parse_incident(data, today=dt.date(2026, 1, 15)))


def _district(state: str, county: str, city: str | None = None) -> str | None:
    return _assess(state, county, city).jurisdiction.district


@pytest.mark.parametrize(
    ("state", "county", "district"),
    [
        ("AL", "Jefferson", "alnd"),  # 28 U.S.C. § 81(a)(3): Southern Division, Birmingham
        ("AL", "Montgomery County", "almd"),  # § 81(b)(1)
        ("AR", "Pulaski", "ared"),  # § 83(a)(1): Central Division, Little Rock
        ("AR", "Garland", "arwd"),  # § 83: not in the Eastern District, so the Western
        ("IL", "Sangamon", "ilcd"),
        ("LA", "East Baton Rouge Parish", "lamd"),
        ("LA", "Caddo", "lawd"),
        ("MO", "Greene", "mowd"),  # W.D. Mo. Southern Division (Springfield)
        ("MO", "St. Louis city", "moed"),  # the independent city
        ("MO", "Saint Louis County", "moed"),
        ("NY", "Kings", "nyed"),
        ("WI", "Dane", "wiwd"),
        ("CO", "Denver", "cod"),  # one district for the state
        ("WV", "Kanawha", "wvsd"),  # 28 U.S.C. § 129(b)
        ("WV", "Monongalia", "wvnd"),  # § 129(a)
        ("MS", "Hinds", "mssd"),  # § 104(b)(1) as amended by H.R. 2871 (113th Cong.)
        ("MS", "Lafayette", "msnd"),  # Oxford Division
        ("IN", "Marion", "insd"),  # not among the Northern District's 32 counties
        ("IN", "Lake", "innd"),  # Hammond Division
        ("KY", "Jefferson", "kywd"),  # Louisville
        ("KY", "Fayette", "kyed"),  # Lexington
        ("VA", "Richmond city", "vaed"),  # the independent city, not Richmond County
        ("VA", "Roanoke city", "vawd"),
        ("VA", "Fairfax", "vaed"),
        ("GA", "Fulton", "gand"),  # Atlanta Division
        ("GA", "Bibb", "gamd"),  # Macon: neither the Northern nor the Southern District
        ("GA", "Chatham", "gasd"),  # Savannah Division
        ("OK", "Tulsa", "oknd"),
        ("OK", "Oklahoma", "okwd"),
        ("TN", "Shelby", "tnwd"),  # Memphis
        ("TN", "Davidson", "tnmd"),  # Nashville
        ("TN", "Knox", "tned"),
        # Issue 14, the last six multi-district states: each from the statute's text.
        ("CA", "Los Angeles", "cacd"),  # 28 U.S.C. § 84(c)(2): Western Division
        ("CA", "Orange County", "cacd"),  # § 84(c)(3): Southern Division (Santa Ana)
        ("CA", "Alameda", "cand"),  # § 84(a)
        ("CA", "Sacramento", "caed"),  # § 84(b)
        ("CA", "San Diego", "casd"),  # § 84(d)
        ("FL", "Miami-Dade", "flsd"),  # 28 U.S.C. § 89(c), which still says "Dade"
        ("FL", "Leon", "flnd"),  # § 89(a): Tallahassee
        ("FL", "Hillsborough", "flmd"),  # § 89(b): Tampa
        ("FL", "DeSoto", "flmd"),  # § 89(b) spells it "De Soto"
        ("IA", "Polk", "iasd"),  # 28 U.S.C. § 95(b)(1): Central Division, Des Moines
        ("IA", "Linn", "iand"),  # § 95(a)(1): Cedar Rapids Division
        ("IA", "Scott", "iasd"),  # § 95(b)(5): Davenport Division
        ("NC", "Mecklenburg", "ncwd"),  # 28 U.S.C. § 113(c): Charlotte
        ("NC", "Wake", "nced"),  # § 113(a): Raleigh
        ("NC", "Durham", "ncmd"),  # § 113(b): all but the Butner prison's portion
        ("NC", "Forsyth", "ncmd"),  # § 113(b): Winston-Salem
        ("PA", "Philadelphia", "paed"),  # 28 U.S.C. § 118(a)
        ("PA", "Allegheny", "pawd"),  # § 118(c): Pittsburgh
        ("PA", "Dauphin", "pamd"),  # § 118(b): Harrisburg
        ("TX", "Harris", "txsd"),  # 28 U.S.C. § 124(b)(2): Houston Division
        ("TX", "Dallas", "txnd"),  # § 124(a)(1): Dallas Division
        ("TX", "Travis", "txwd"),  # § 124(d)(1): Austin Division
        ("TX", "Collin", "txed"),  # § 124(c)(3): Sherman Division (Plano)
        ("TX", "Cooke", "txed"),  # § 124(c)(3) spells it "Cook"
        ("TX", "El Paso", "txwd"),  # § 124(d)(3)
    ],
)
def test_district_from_county(state: str, county: str, district: str) -> None:
    assert _district(state, county) == district


@pytest.mark.parametrize(
    ("county", "exception"),
    [
        # 28 U.S.C. § 113(a)-(b): parts of five Middle District counties are in the Eastern
        # District; the county row keeps the county's district and its sources say so.
        ("Durham County", "Federal Correctional Institution, Butner"),
        ("Hoke County", "Fort Bragg Military Reservation and Camp Mackall"),
        ("Moore County", "Fort Bragg Military Reservation and Camp Mackall"),
        ("Richmond County", "Fort Bragg Military Reservation and Camp Mackall"),
        ("Scotland County", "Fort Bragg Military Reservation and Camp Mackall"),
    ],
)
def test_split_north_carolina_counties_name_the_eastern_district_portion(
    county: str, exception: str
) -> None:
    [row] = [r for r in ROWS if r["state"] == "NC" and r["county"] == county]
    assert row["district"] == "ncmd"
    assert exception in row["sources"] and "Eastern District" in row["sources"]
    assessment = _assess("NC", county)
    assert any(exception in s for s in assessment.jurisdiction.sources)
