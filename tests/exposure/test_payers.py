"""Payer lookup: each Missouri entity, the date-dependent ones, and an out-of-state unknown.

Expected answers come from shared/data/reference/missouri.md (copied into
law/data/payers.csv with its confidence marks).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from monell.domain.vocabulary import Confidence
from monell.exposure.models import Indemnified, PayerKind
from monell.exposure.payers import (
    PAYER_COLUMNS,
    PayerDataError,
    find_payers,
    load_payers,
    parse_payer_rows,
)
from monell.exposure.render import payers_markdown
from monell.report.text import md_text
from tests.exposure.conftest import make_incident

STL_PD = {"name": "St. Louis Metropolitan Police Department", "kind": "municipal_police"}
COUNTY_PD = {"name": "St. Louis County Police Department", "kind": "other", "level": "county"}

# (case, incident changes, defendant, known, entity row ids in order, weakest confidence)
MISSOURI = [
    ("st_louis_board_era", {"city": "St. Louis", "agency": STL_PD, "incident_date": "2012-05-01"},
     "Board of Police Commissioners of the City of St. Louis (state-appointed)", False,
     ["stl_board_until_2013"], Confidence.SINGLE_SOURCE),
    ("st_louis_city_control",
     {"city": "St. Louis", "agency": STL_PD, "incident_date": "2019-05-01"},
     "City of St. Louis", True, ["stl_city_counselor", "stl_pfpc"], Confidence.UNVERIFIED),
    ("st_louis_hb495", {"city": "Saint Louis", "agency": STL_PD, "incident_date": "2025-06-01"},
     "Board of Police Commissioners of the City of St. Louis (state-appointed again under "
     "H.B. 495, 2025)", True, ["stl_board_from_2025"], Confidence.SINGLE_SOURCE),
    ("st_louis_county", {"city": "Clayton", "county": "St. Louis County", "agency": COUNTY_PD},
     "St. Louis County", True,
     ["stl_county_self_insurance", "stl_county_excess", "stl_county_bonds"],
     Confidence.SINGLE_SOURCE),
    ("st_louis_county_by_agency_name", {"city": "Clayton", "agency": COUNTY_PD},
     "St. Louis County", True,
     ["stl_county_self_insurance", "stl_county_excess", "stl_county_bonds"],
     Confidence.SINGLE_SOURCE),
    ("kansas_city_board", {"city": "Kansas City"},
     "Board of Police Commissioners of Kansas City, Missouri", False, ["kc_board"],
     Confidence.UNVERIFIED),
    ("springfield_before_insurance", {"city": "Springfield", "incident_date": "2014-06-30"},
     "City of Springfield", True, ["springfield_until_2014"], Confidence.SINGLE_SOURCE),
    ("springfield_insured", {"city": "Springfield", "incident_date": "2014-07-01"},
     "City of Springfield", True, ["springfield_retention", "springfield_insurer"],
     Confidence.SINGLE_SOURCE),
    ("columbia", {"city": "Columbia"}, "City of Columbia", False, ["columbia_unknown"],
     Confidence.UNVERIFIED),
    ("independence", {"city": "Independence"}, "City of Independence", False,
     ["independence_unknown"], Confidence.UNVERIFIED),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "defendant", "known", "entity_ids", "confidence"),
    [case[1:] for case in MISSOURI],
    ids=[case[0] for case in MISSOURI],
)
def test_missouri_entities(changes, defendant, known, entity_ids, confidence) -> None:
    finding = find_payers(make_incident(**changes))
    assert finding.defendant == defendant
    assert finding.known is known
    entity = [p.id for p in finding.payers if p.defendants.value == "entity"]
    assert entity == entity_ids
    assert finding.confidence is confidence
    # Every Missouri local defendant may be a MOPERM member; the immunity rule always shows.
    assert "mo_moperm" in [p.id for p in finding.payers]
    assert [r.id for r in finding.rules] == ["mo_sovereign_immunity", "mo_indemnity"]
    assert "Missouri Sunshine Law (Mo. Rev. Stat. ch. 610)" in finding.records_request.text


def test_springfield_layers_follow_the_2014_change() -> None:
    insured = find_payers(make_incident(city="Springfield", incident_date="2020-01-01"))
    kinds = [(p.layer, p.payer_kind) for p in insured.payers if p.defendants.value == "entity"]
    assert kinds == [(1, PayerKind.ENTITY_BUDGET), (2, PayerKind.COMMERCIAL_INSURER)]
    assert "$250,000" in insured.payers[0].payer


def test_police_boards_bring_the_state_legal_expense_fund() -> None:
    board = find_payers(make_incident(city="St. Louis", agency=STL_PD, incident_date="2012-05-01"))
    city = find_payers(make_incident(city="St. Louis", agency=STL_PD, incident_date="2019-05-01"))
    assert "mo_state_legal_expense_fund" in [p.id for p in board.payers]
    assert "mo_state_legal_expense_fund" not in [p.id for p in city.payers]


def test_sovereign_immunity_rule_is_marked_unverified_and_limited_to_state_law() -> None:
    rule = find_payers(make_incident()).rules[0]
    data = rule.to_json()
    assert data["confidence"] == "unverified" and data["verified"] is False
    assert data["applies_to"] == "state_law_torts"
    assert "Howlett v. Rose, 496 U.S. 356 (1990)" in data["authority"]
    assert data["check"]


def test_moperm_is_confirmed_and_conditional_on_membership() -> None:
    finding = find_payers(make_incident(city="Columbia"))
    moperm = next(p for p in finding.payers if p.id == "mo_moperm")
    assert moperm.confidence is Confidence.CONFIRMED
    assert moperm.payer_kind is PayerKind.RISK_POOL
    assert finding.officers_indemnified is Indemnified.CONDITIONAL


def test_out_of_state_is_unknown_with_a_generic_records_request() -> None:
    # Nebraska: no payer or rule rows (Ohio and Illinois now have indemnification rows).
    incident = make_incident(
        state="NE", city="Omaha",
        agency={"name": "Omaha Police Department", "kind": "municipal_police"},
    )  # fmt: skip
    finding = find_payers(incident)
    assert finding.known is False
    assert finding.payers == () and finding.rules == ()
    assert finding.confidence is Confidence.UNVERIFIED
    assert finding.officers_indemnified is Indemnified.UNKNOWN
    request = finding.records_request
    assert request.addressee == "Custodian of Records, Omaha Police Department (and City of Omaha)"
    assert "Nebraska" in request.law and "your state's public-records law" in request.law
    assert request.law_confidence is Confidence.UNVERIFIED
    text = request.text
    for needed in ("liability insurance", "self-insurance fund", "risk pool", "indemnifies",
                   "claims, judgments and settlements paid", "2017-06-01"):  # fmt: skip
        assert needed in text
    assert "[check]" in text
    # The notes that apply whatever the payer: officers almost never pay.
    assert "officers_rarely_pay" in [n.id for n in finding.notes]


def test_sheriff_in_a_registry_city_does_not_get_the_city_rows() -> None:
    sheriff = {"name": "Jackson County Sheriff's Office", "kind": "county_sheriff"}
    finding = find_payers(make_incident(city="Kansas City", county="Jackson", agency=sheriff))
    assert finding.known is False
    assert finding.defendant == "Jackson County"
    assert "kc_board" not in [p.id for p in finding.payers]


def test_every_registry_row_has_sources_and_a_check_when_not_confirmed() -> None:
    for row in load_payers():
        assert row.sources
        if row.confidence is not Confidence.CONFIRMED:
            assert row.check, row.id


def test_registry_file_is_in_canonical_form() -> None:
    # Reviewable one-line diffs: fixed columns, one header, rows written by csv with "\n".
    text = (resources.files("monell.law.data") / "payers.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",") == list(PAYER_COLUMNS)
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    assert out.getvalue() == text


def test_bad_registry_row_names_file_line_and_column() -> None:
    row = dict.fromkeys(PAYER_COLUMNS, "")
    row.update(id="x", state="MO", kind="payer", defendants="any", payer_kind="risk_pool",
               applies_to="both", statement="s", confidence="probably", sources="s")  # fmt: skip
    with pytest.raises(PayerDataError, match=r"payers.csv:7: column 'confidence': 'probably'"):
        parse_payer_rows([(7, row)], "payers.csv")


# Issue 14: the indemnification statute for every state with a city in the settlements data and
# the most populous states. (state, city, statute printed, confidence, officers indemnified);
# each statute's text and sources are in its payers.csv row ({state}_indemnity).
INDEMNITY = [
    ("AR", "Little Rock", "Ark. Code § 21-9-304", "unverified", "unknown"),
    ("AZ", "Phoenix", None, "unverified", "unknown"),  # no statute found: "Unknown" + check
    ("CA", "Los Angeles", "Cal. Gov. Code §§ 825, 825.6", "confirmed", "conditional"),
    ("CO", "Denver", "Colo. Rev. Stat. §§ 13-21-131(4)(a), 29-5-111(1)", "confirmed",
     "conditional"),
    ("CT", "Hartford", "Conn. Gen. Stat. § 7-465(a)", "confirmed", "conditional"),
    ("FL", "Miami", "Fla. Stat. § 111.071(1)(a)", "confirmed", "unknown"),  # "may pay"
    ("GA", "Atlanta", "O.C.G.A. §§ 45-9-20, 45-9-21", "single_source", "unknown"),
    ("IL", "Chicago", "745 ILCS 10/9-102", "confirmed", "conditional"),
    ("IN", "Indianapolis", "Ind. Code § 34-13-4-1", "confirmed", "conditional"),
    ("LA", "New Orleans", "La. R.S. 42:1441", "unverified", "unknown"),
    ("MA", "Boston", "Mass. Gen. Laws ch. 258, §§ 9, 9A", "confirmed", "unknown"),
    ("MD", "Baltimore", "Md. Code, Cts. & Jud. Proc. § 5-303", "confirmed", "conditional"),
    ("MI", "Detroit", "Mich. Comp. Laws § 691.1408", "single_source", "unknown"),
    ("MO", "Independence", None, "unverified", "unknown"),
    ("NC", "Charlotte", "N.C. Gen. Stat. § 160A-167", "confirmed", "unknown"),
    ("NJ", "Newark", "N.J. Stat. §§ 59:10-4, 40A:14-155", "confirmed", "unknown"),
    ("NY", "New York", "N.Y. Gen. Mun. Law § 50-k", "single_source", "unknown"),  # NYC only
    ("OH", "Columbus", "Ohio Rev. Code § 2744.07", "single_source", "conditional"),
    ("PA", "Philadelphia", "42 Pa. Cons. Stat. §§ 8547, 8548", "single_source", "conditional"),
    ("SC", "Columbia", "S.C. Code §§ 15-78-70, 1-11-445", "unverified", "unknown"),
    ("TN", "Memphis", "Tenn. Code Ann. §§ 29-20-310, 29-20-406", "single_source", "unknown"),
    ("TX", "Houston", "Tex. Civ. Prac. & Rem. Code §§ 102.002, 108.002(a)", "confirmed",
     "unknown"),
    ("VA", "Richmond", "Va. Code Ann. § 15.2-1520", "confirmed", "unknown"),
    ("WA", "Seattle", "Rev. Code Wash. § 4.96.041", "confirmed", "unknown"),
    ("WI", "Milwaukee", "Wis. Stat. § 895.46(1)(a)", "confirmed", "conditional"),
]  # fmt: skip


@pytest.mark.parametrize(("state", "city", "statute", "confidence", "indemnified"), INDEMNITY)
def test_payers_section_prints_the_state_indemnification_statute(
    state: str, city: str, statute: str | None, confidence: str, indemnified: str
) -> None:
    incident = make_incident(
        state=state, city=city,
        agency={"name": f"{city} Police Department", "kind": "municipal_police"},
    )  # fmt: skip
    finding = find_payers(incident)
    [rule] = [r for r in finding.rules if r.id == f"{state.lower()}_indemnity"]
    assert rule.confidence.value == confidence and rule.sources
    assert rule.officers_indemnified.value == indemnified
    text = payers_markdown(finding.to_json())
    assert "Rules that shape recovery:" in text
    # The section escapes Markdown ("&", "_"); compare with the escaped text.
    [line] = [ln for ln in text.splitlines() if ln.startswith(f"- {md_text(rule.statement[:60])}")]
    if statute is None:
        assert rule.statement.startswith("Unknown") and not rule.authority
    else:
        assert f"({md_text(statute)})" in line
    if confidence != "confirmed":  # what to check before relying on it is printed with it
        assert rule.check and f"Check: {md_text(rule.check)}" in line


def test_indemnity_rows_cover_every_settlements_state_and_the_most_populous() -> None:
    # ../shared/data/settlements has cities in these states; TX, NY, PA, NC, MI, WA, AZ are
    # the most populous states without one there (CO was named in issue 14).
    wanted = {
        "AR", "CA", "CT", "FL", "GA", "IL", "IN", "LA", "MA", "MD", "MO", "NJ", "OH",
        "SC", "TN", "VA", "WI", "TX", "NY", "PA", "NC", "MI", "WA", "AZ", "CO",
    }  # fmt: skip
    rows = [r for r in load_payers() if r.id.endswith("_indemnity")]
    assert {r.state.value for r in rows} == wanted and len(rows) == len(wanted)
    for r in rows:
        # A confirmed row says where its text was read; a weaker one says what to check.
        assert r.confidence is not Confidence.CONFIRMED or "statute text" in r.sources, r.id
        assert r.confidence is Confidence.CONFIRMED or r.check, r.id
