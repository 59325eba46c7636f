"""Issue 14, classes 1, 3, 5 and 6 beyond the scenario table: what the new flags say, the
plain summary's sentences, the incident fields, and the JSON contract for the new keys."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from monell.domain.assess import assess
from monell.domain.incident import IncidentError, parse_incident
from monell.domain.summary import first_sentence
from monell.domain.vocabulary import DeadlineKind, FlagCode, StateClaimKind
from monell.report.json_report import assessment_dict
from monell.report.markdown import render_markdown
from tests.core.test_cli_assess import assessment_schema

TODAY = dt.date(2026, 12, 4)


def _incident(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "incident_date": "2026-09-20",
        "state": "NY",
        "city": "New York",
        "agency": {"name": "New York City Police Department", "kind": "municipal_police"},
        "officers": [{"name": "Officer R. Vega"}],
        "person": {"custody": "arrested"},
        "conduct": ["excessive_force"],
        "criminal_case": {"status": "none"},
        "evaluated_on": "2026-12-04",
    }
    base.update(over)
    return base


def _assess(**over: Any) -> Any:
    return assess(parse_incident(_incident(**over), today=TODAY))


def _flag(a: Any, code: FlagCode) -> Any:
    return next(f for f in a.flags if f.code is code)


# --------------------------------------------------------------------------- class 1


def test_notice_rows_print_felder_and_whom_to_serve() -> None:
    a = _assess()
    notices = [d for d in a.deadlines if d.kind is DeadlineKind.NOTICE_OF_CLAIM]
    assert notices and all(d.to_whom and "Comptroller" in d.to_whom for d in notices)
    for d in notices:
        assert "felder" in {x.key for x in d.authorities}
        assert any("Felder v. Casey" in n for n in d.notes)
    memo = render_markdown(a)
    assert "Felder v. Casey, 487 U.S. 131 (1988)" in memo
    assert "### State-law claims and their shorter clocks" in memo
    # the § 1983 table is not mixed with the state rows
    table = memo.split("### Deadlines")[1].split("### State-law")[0]
    assert "50-e" not in table.split("\n\n")[1]


def test_existing_1983_rows_keep_their_keys_and_kind() -> None:
    data = assessment_dict(_assess())
    federal = [d for d in data["deadlines"] if d["kind"] == "statute_of_limitations"]
    assert federal and all(d["limitations_years"] >= 1 for d in federal)
    assert {"claim", "deadline", "statute", "confidence", "authorities"} <= set(federal[0])


def test_new_keys_validate_against_the_schema() -> None:
    for over in (
        {},
        {"state": "LA", "city": "New Orleans"},
        {"person": {"custody": "pretrial_detainee", "in_custody_at_filing": True}},
        {"person": {"custody": "free", "deceased": True}, "conduct": ["deadly_force"]},
        {"agency": {"name": "ICE", "kind": "federal"}},
    ):
        data = json.loads(json.dumps(assessment_dict(_assess(**over))))
        jsonschema.validate(
            data,
            assessment_schema(),
            cls=jsonschema.Draft202012Validator,
            format_checker=jsonschema.FormatChecker(),
        )


def test_state_civil_rights_counts_carry_no_qualified_immunity() -> None:
    """Colo. Rev. Stat. § 13-21-131(2)(b): «Qualified immunity is not a defense»."""
    a = _assess(state="CO", city="Denver", incident_date="2026-02-01")
    (count,) = [c for c in a.state_claims if c.id is StateClaimKind.STATE_CIVIL_RIGHTS]
    assert count.qualified_immunity == "not_a_defense"
    assert any("Governmental Immunity Act" in x for x in count.immunities)
    # no Governmental Immunity Act notice for the § 13-21-131 count
    assert [d.kind for d in count.deadlines] == [DeadlineKind.STATE_LIMITATIONS]


def test_unknown_state_is_unknown_law_never_no_deadline() -> None:
    a = _assess(state="TN", city="Memphis")
    assert [(c.id, c.status) for c in a.state_claims] == [(StateClaimKind.BATTERY, "unknown_law")]
    assert not a.state_claims[0].deadlines
    assert any("does not cover TN" in line for line in a.summary)


# --------------------------------------------------------------------------- class 3


def test_plra_exhaustion_names_the_circuit_tolling_rule_or_unknown() -> None:
    ca9 = _assess(
        state="CA",
        city="Los Angeles",
        agency={"name": "LASD", "kind": "county_sheriff"},
        person={"custody": "pretrial_detainee", "in_custody_at_filing": True},
    )
    msg = _flag(ca9, FlagCode.PLRA_EXHAUSTION).message
    assert "Brown v. Valoff" in msg and "Do not rely on it" in msg
    ca11 = _assess(
        state="GA",
        city="Atlanta",
        agency={"name": "Fulton County Jail", "kind": "county_sheriff"},
        person={"custody": "pretrial_detainee"},
    )
    flag = _flag(ca11, FlagCode.PLRA_EXHAUSTION)
    assert "unknown_law" in flag.message and "still in jail or prison" in flag.message
    keys = {x.key for x in flag.authorities}
    assert {"usc_1997e_a", "booth_churner", "porter_nussle", "woodford_ngo", "ross_blake"} <= keys


def test_no_plra_flags_for_a_free_person_or_a_released_prisoner() -> None:
    plra = {FlagCode.PLRA_EXHAUSTION, FlagCode.PLRA_PHYSICAL_INJURY, FlagCode.PLRA_FEE_CAP}
    assert not plra & {f.code for f in _assess().flags}
    released = _assess(person={"custody": "convicted_prisoner", "in_custody_at_filing": False})
    assert not plra & {f.code for f in released.flags}


# --------------------------------------------------------------------------- class 5


def test_death_case_says_who_sues_and_to_open_an_estate() -> None:
    a = _assess(person={"custody": "free", "deceased": True}, conduct=["deadly_force"])
    msg = _flag(a, FlagCode.DEATH_CASE).message
    assert "Robertson v. Wegmann" in msg and "§ 1988" in msg
    assert "N.Y. Est. Powers & Trusts Law § 5-4.1" in msg and "Open an estate now" in msg
    notice = next(d for d in a.deadlines if d.kind is DeadlineKind.NOTICE_OF_CLAIM)
    assert any("appointment of the estate's representative" in n for n in notice.notes)


def test_death_case_without_data_is_unknown_law() -> None:
    a = _assess(state="OH", city="Cleveland", person={"custody": "free", "deceased": True})
    msg = _flag(a, FlagCode.DEATH_CASE).message
    assert msg.count("unknown_law") == 2 and "probate lawyer" in msg


def test_ftca_route_gives_the_two_year_date_and_the_judgment_bar() -> None:
    a = _assess(agency={"name": "U.S. Marshals Service", "kind": "federal"})
    flag = _flag(a, FlagCode.FTCA_ROUTE)
    assert "by 2028-09-20" in flag.message and "six months" in flag.message
    assert {"ftca_limit", "usc_2676", "brownback_king", "egbert"} <= {
        x.key for x in flag.authorities
    }
    assert not a.state_claims  # the FTCA, not state notice rules, governs the United States


# --------------------------------------------------------------------------- class 6


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "Consider a Bivens claim (narrow after Egbert v. Boule) now. Then more.",
            "Consider a Bivens claim (narrow after Egbert v. Boule) now.",
        ),
        ("See 42 U.S.C. § 1983 here. Next.", "See 42 U.S.C. § 1983 here."),
        ("Officer A. Castillo struck him. Later.", "Officer A. Castillo struck him."),
        ("No period at the end", "No period at the end."),
    ],
)
def test_first_sentence_never_breaks_at_an_abbreviation(text: str, first: str) -> None:
    assert first_sentence(text) == first


def test_summary_lines_are_whole_sentences() -> None:
    for over in (
        {},
        {"agency": {"name": "FBI", "kind": "federal"}},
        {"state": "FL", "city": "Tampa", "incident_date": "2024-01-15"},
        {"person": {"custody": "convicted_prisoner", "in_custody_at_filing": True}},
    ):
        for line in _assess(**over).summary:
            assert line.endswith((".", ")")), line
            assert line.count("(") == line.count(")"), line


def test_disputed_period_with_a_later_reading_never_says_may_be_earlier() -> None:
    """Fla. Stat. § 95.11: two years (2023 Act, disputed) or four (residual)."""
    a = _assess(state="FL", city="Tampa", incident_date="2025-06-01")
    text = " ".join(a.summary)
    assert "may be earlier" not in text
    assert "Another reading of the law gives a later date (June 1, 2029)" in text


def test_incident_fields_are_checked() -> None:
    with pytest.raises(IncidentError) as err:
        parse_incident(
            _incident(
                person={"custody": "arrested", "in_custody_at_filing": "yes"},
                agency={"name": "X", "kind": "municipal_police", "federal_task_force": 1},
            ),
            today=TODAY,
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"person.in_custody_at_filing", "agency.federal_task_force"}


def test_schema_enums_match_the_new_vocabulary() -> None:
    from monell.domain import vocabulary as v
    from tests.core.test_schema_contract import DEFS

    deadline = DEFS["deadline"]["properties"]
    assert deadline["kind"]["enum"] == [k.value for k in v.DeadlineKind]
    assert deadline["state_claim"]["enum"] == [*(k.value for k in v.StateClaimKind), None]
    assert DEFS["state_claim"]["properties"]["id"]["enum"] == [k.value for k in v.StateClaimKind]
    assert deadline["limitations_years"]["minimum"] == 0  # a 90-day notice is 0 whole years
    for code in (
        "notice_of_claim_lapsed",
        "notice_of_claim_near",
        "plra_exhaustion",
        "plra_physical_injury",
        "plra_fee_cap",
        "death_case",
        "ftca_route",
    ):
        assert code in DEFS["flag"]["properties"]["code"]["enum"]


def test_private_prison_summary_names_each_defendant_once() -> None:
    """Richardson v. McKnight, 521 U.S. 399 (1997): the guards and the company are suable."""
    a = _assess(
        state="TX",
        city="Kyle",
        agency={"name": "Lone Star Corrections LLC", "kind": "jail_or_prison", "level": "private"},
        officers=[{"name": "Guard P. Sims"}],
        person={"custody": "convicted_prisoner"},
        criminal_case={"status": "convicted", "charges": ["burglary"]},
    )
    (line,) = [x for x in a.summary if x.startswith("You may be able to sue")]
    assert line.count("Lone Star Corrections LLC") == 1 and "Guard P. Sims" in line


def test_state_suit_line_compares_with_the_federal_alternative() -> None:
    """Tampa 2024: the federal claim is open to 2028-01-15 under the four-year reading, the
    state battery count to the same day (Fla. Stat. § 768.28(14)): never 'earlier than'."""
    a = _assess(state="FL", city="Tampa", incident_date="2024-01-15")
    assert not any("earlier than the federal claims" in x for x in a.summary)
