"""Table-driven scenarios for issue 14, classes 2 (the policymaking entity), 4 (circuit
standards) and the payer / records-request parts of 7. Each row names the authority that
decides its expected answer; the answers come from the law data, never from code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from monell.domain.assess import assess
from monell.domain.incident import parse_incident
from monell.domain.models import Assessment, Incident
from monell.domain.vocabulary import DefendantRole, FlagCode
from monell.exposure.payers import find_payers

TODAY = dt.date(2026, 1, 15)


def incident(state: str, kind: str, level: str, **extra: Any) -> Incident:
    data: dict[str, Any] = {
        "incident_date": "2025-03-10",
        "evaluated_on": "2026-01-15",
        "state": state,
        "agency": {"name": extra.pop("agency", "The Agency"), "kind": kind, "level": level},
        "officers": [{"name": "Deputy B. Roe"}],
        "person": {"custody": extra.pop("custody", "arrested")},
        "conduct": extra.pop("conduct", ["excessive_force"]),
        "criminal_case": {"status": "none"},
        **extra,
    }
    return parse_incident(data, today=TODAY)


def by_role(a: Assessment, role: DefendantRole) -> list[Any]:
    return [d for d in a.defendants if d.role is role]


# Class 2: (id, state, county, agency kind, level, policymaker named, suable, monell applies,
#           not liable / indemnitor named)
ENTITY_CASES = [
    # McMillian v. Monroe County, 520 U.S. 781 (1997): an Alabama sheriff acts for the state in
    # law enforcement; Carr v. City of Florence, 916 F.2d 1521 (11th Cir. 1990): official-
    # capacity damages barred by the Eleventh Amendment. The county is not liable.
    ("al_sheriff", "AL", "Monroe", "county_sheriff", "county",
     "State of Alabama (the Sheriff of Monroe County", False, False, "Monroe County"),
    # Louisiana: the sheriff, not the parish, is the policymaker for his deputies (Louviere v.
    # St. Tammany Parish Gov't, E.D. La. 2021; Lester v. Caddo Parish, W.D. La. 2017).
    ("la_sheriff", "LA", "Orleans", "county_sheriff", "county",
     "Sheriff of Orleans Parish, in an official capacity", True, True, "Orleans Parish"),
    # Florida: a sheriff's office cannot be sued; the sheriff is sued in an official capacity
    # (Faulkner v. Monroe County Sheriff's Dep't, 523 F. App'x 696, 701 (11th Cir. 2013)).
    ("fl_sheriff", "FL", "Broward", "county_sheriff", "county",
     "Sheriff of Broward County, in an official capacity", True, True, None),
    # Illinois (Cook County included): the sheriff sets policy; the county must pay an
    # official-capacity judgment (Carver v. Sheriff of LaSalle County, 324 F.3d 947 (7th Cir.
    # 2003)).
    ("il_cook_sheriff", "IL", "Cook", "county_sheriff", "county",
     "Sheriff of Cook County, in an official capacity", True, True, "Cook County (as indemnitor)"),
    # California school districts are arms of the state (Belanger v. Madera Unified School
    # Dist., 963 F.2d 248 (9th Cir. 1992)).
    ("ca_school_police", "CA", "Los Angeles", "school_police", "county",
     "the school district that employs the officers", False, False, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("state", "county", "kind", "level", "named", "suable", "monell", "other"),
    [c[1:] for c in ENTITY_CASES],
    ids=[c[0] for c in ENTITY_CASES],
)
def test_policymaker_entity_follows_the_row(
    state: str,
    county: str,
    kind: str,
    level: str,
    named: str,
    suable: bool,
    monell: bool,
    other: str | None,
) -> None:
    inc = incident(state, kind, level, county=county, city="Anytown")
    a = assess(inc)
    role = DefendantRole.MUNICIPALITY if suable else DefendantRole.STATE
    entity = next(d for d in a.defendants if d.name.startswith(named))
    assert entity.role is role and entity.suable is suable
    official = by_role(a, DefendantRole.OFFICER_OFFICIAL_CAPACITY)[0]
    assert official.suable is suable, "official-capacity damages follow the entity"
    assert a.monell.applicable is monell
    if monell:
        assert a.monell.municipality == entity.name
        assert any(named in line for line in a.summary), a.summary
    else:
        assert "acts for the state" in a.monell.reason
        assert any(f.code is FlagCode.STATE_NOT_PERSON for f in a.flags)
        assert not any(named in line for line in a.summary if "sue" in line)
    if other is not None:
        assert any(d.name == other for d in a.defendants), [d.name for d in a.defendants]
    # The payer finding and its records request name the same entity.
    finding = find_payers(inc)
    assert finding.defendant.startswith(named)
    assert named in finding.records_request.text


def test_alabama_county_is_named_not_liable() -> None:
    # McMillian, 520 U.S. at 793: the county is not liable for the sheriff's law enforcement.
    a = assess(incident("AL", "county_sheriff", "county", county="Jefferson"))
    county = next(d for d in a.defendants if d.name == "Jefferson County")
    assert county.suable is False and "policymaker" in county.liability_basis


def test_louisiana_parish_suffix() -> None:
    # Louisiana counties are parishes (the local_entities row says "Sheriff of {county}").
    a = assess(incident("LA", "county_sheriff", "county", county="East Baton Rouge"))
    assert a.monell.municipality == "Sheriff of East Baton Rouge Parish, in an official capacity"


def test_dc_payer_is_the_district_of_columbia() -> None:
    # D.C. Code § 1-102 (local_entities.csv DC rows): the District itself employs the MPD.
    inc = incident("DC", "municipal_police", "municipal", city="Washington")
    assert find_payers(inc).defendant == "District of Columbia"
    assert assess(inc).monell.municipality == "District of Columbia"


def test_louisville_payer_is_the_metro_government() -> None:
    # Ky. Rev. Stat. § 67C.101 (local_entities.csv KY Louisville row).
    inc = incident("KY", "municipal_police", "municipal", city="Louisville")
    assert find_payers(inc).defendant == "Louisville/Jefferson County Metro Government"


def test_federal_agency_gets_a_foia_request() -> None:
    # 5 U.S.C. § 552: federal agencies answer under FOIA, not a state public-records law.
    inc = incident("MN", "federal", "federal", city="Minneapolis", agency="ICE")
    request = find_payers(inc).records_request
    assert "Freedom of Information Act (5 U.S.C. § 552)" in request.text
    assert "Minnesota" not in request.law


def test_private_party_gets_no_request() -> None:
    # Public-records laws reach government bodies only; a private company answers in discovery.
    inc = incident("TX", "private_security", "private", city="Houston", agency="Acme Guards")
    request = find_payers(inc).records_request
    assert request.items == () and "No public-records request is drafted" in request.text


# Class 4: (id, state, custody, conduct, expected amendment, authority keys that must appear,
#           keys that must not)
STANDARD_CASES = [
    # Darnell v. Pineiro, 849 F.3d 17 (2d Cir. 2017): objective test after Kingsley.
    ("ny_detainee_medical", "NY", "pretrial_detainee", "denial_of_medical_care", "fourteenth",
     {"darnell_pineiro", "kingsley"}, {"revere"}),
    # Miranda v. County of Lake, 900 F.3d 335 (7th Cir. 2018).
    ("il_detainee_medical", "IL", "pretrial_detainee", "denial_of_medical_care", "fourteenth",
     {"miranda_lake", "kingsley"}, {"revere"}),
    # Gordon v. County of Orange, 888 F.3d 1118 (9th Cir. 2018).
    ("ca_detainee_medical", "CA", "pretrial_detainee", "denial_of_medical_care", "fourteenth",
     {"gordon_orange", "kingsley"}, {"revere"}),
    # Elsewhere the subjective deliberate-indifference test stays (no circuit row: Fifth
    # Circuit, Texas).
    ("tx_detainee_medical", "TX", "pretrial_detainee", "denial_of_medical_care", "fourteenth",
     {"revere", "estelle"}, {"kingsley"}),
    # Ninth Circuit: post-arrest medical care is a Fourth Amendment question (Tatum, unverified).
    ("wa_arrest_medical", "WA", "arrested", "denial_of_medical_care", "fourth",
     {"tatum_sf"}, {"revere"}),
    # Eighth Circuit (Missouri) post-arrest: due process, deliberate indifference (Revere).
    ("mo_arrest_medical", "MO", "arrested", "denial_of_medical_care", "fourteenth",
     {"revere"}, {"tatum_sf"}),
    # Failure to intervene: Graham v. Connor says nothing about bystanders; circuit authority.
    ("mo_failure_to_intervene", "MO", "arrested", "failure_to_intervene", "fourth",
     {"nance_sammis"}, {"graham_connor"}),
    ("ga_failure_to_intervene", "GA", "arrested", "failure_to_intervene", "fourth",
     set(), {"graham_connor"}),
    # Unlawful search: Payton, Steagald and Gant by setting, Rettele only for executing a warrant.
    ("oh_unlawful_search", "OH", "arrested", "unlawful_search", "fourth",
     {"payton", "steagald", "gant", "rettele"}, set()),
    # Retaliatory arrest: Nieves read with Gonzalez v. Trevino, 602 U.S. 653 (2024).
    ("tx_retaliatory_arrest", "TX", "arrested", "first_amendment_retaliation", "first",
     {"nieves", "gonzalez_trevino"}, set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("state", "custody", "conduct", "amendment", "present", "absent"),
    [c[1:] for c in STANDARD_CASES],
    ids=[c[0] for c in STANDARD_CASES],
)
def test_circuit_standard_is_chosen_by_circuit(
    state: str, custody: str, conduct: str, amendment: str, present: set[str], absent: set[str]
) -> None:
    a = assess(
        incident(state, "municipal_police", "municipal", city="Anytown", custody=custody,
                 conduct=[conduct])
    )  # fmt: skip
    [claim] = a.claims
    keys = {x.key for x in claim.authorities}
    assert claim.amendment.value == amendment
    assert present <= keys and not (absent & keys), keys


def test_thompson_v_clark_is_limited_to_favorable_termination() -> None:
    from monell.law.book import load_law

    assert "favorable-termination element" in load_law().authority("thompson_clark").proposition


def test_unverified_circuit_case_prints_unverified() -> None:
    from monell.report.markdown import UNVERIFIED_MARK, render_markdown

    a = assess(
        incident("WA", "municipal_police", "municipal", city="Seattle",
                 conduct=["denial_of_medical_care"])
    )  # fmt: skip
    text = render_markdown(a)
    assert f"441 F.3d 1090 (9th Cir. 2006) {UNVERIFIED_MARK}" in text


@pytest.mark.parametrize(
    ("state", "city", "statute"),
    [
        # Each statute is named in issue 14; tests/exposure/test_payers.py checks each row's
        # confidence (CA, CO, IL, WI text read; NY § 50-k(3) only as summarised).
        ("IL", "Chicago", "745 ILCS 10/9-102"),
        ("WI", "Milwaukee", "Wis. Stat. § 895.46"),
        ("CA", "Los Angeles", "Cal. Gov. Code §§ 825"),
        ("NY", "New York", "N.Y. Gen. Mun. Law § 50-k"),
        ("CO", "Denver", "Colo. Rev. Stat. §§ 13-21-131(4)"),
    ],
)
def test_indemnification_statute_rows(state: str, city: str, statute: str) -> None:
    finding = find_payers(incident(state, "municipal_police", "municipal", city=city))
    [rule] = [r for r in finding.rules if statute in r.authority]
    assert rule.sources and (rule.confidence.value == "confirmed" or rule.check)
