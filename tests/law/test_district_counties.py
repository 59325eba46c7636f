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


def _district(state: str, county: str, city: str | None = None) -> str | None:
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
    return assess(parse_incident(data, today=dt.date(2026, 1, 15))).jurisdiction.district


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
    ],
)
def test_district_from_county(state: str, county: str, district: str) -> None:
    assert _district(state, county) == district
