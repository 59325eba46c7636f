"""Bad input: every field, one message per problem naming the field, the bad value and the fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from monell.domain.incident import IncidentError, parse_incident
from monell.domain.vocabulary import Conduct, Custody, GovernmentLevel
from monell.intake import load_incident
from tests.core.factories import BASE, incident_data

TODAY = dt.date(2024, 1, 10)


def problems(data: object) -> list[str]:
    with pytest.raises(IncidentError) as info:
        parse_incident(data, today=TODAY)
    return [str(p) for p in info.value.problems]


def test_base_incident_is_valid() -> None:
    incident = parse_incident(BASE, today=TODAY)
    assert incident.agency.level is GovernmentLevel.MUNICIPAL  # implied by the kind
    assert incident.person.custody is Custody.ARRESTED
    assert incident.conduct == (Conduct.EXCESSIVE_FORCE,)


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"incident_date": ...}, "incident_date", "required field is missing"),
        ({"incident_date": "2021-02-30"}, "incident_date", "not a real calendar date"),
        ({"incident_date": "03/10/2021"}, "incident_date", "YYYY-MM-DD"),
        ({"incident_date": 20210310}, "incident_date", "YYYY-MM-DD"),
        ({"incident_date": "1850-01-01"}, "incident_date", "before § 1983 existed"),
        ({"incident_date": "2025-01-01"}, "incident_date", "after evaluated_on"),
        ({"state": ...}, "state", "required field is missing"),
        ({"state": "XX"}, "state", "allowed values: AL, AK"),
        ({"state": "mo"}, "state", "allowed values"),
        ({"state": "PR"}, "state", "allowed values"),
        ({"city": 12}, "city", "non-empty text"),
        ({"county": ["St. Louis County"]}, "county", "non-empty text"),
        ({"agency": ...}, "agency", "required field is missing"),
        ({"agency": "SLMPD"}, "agency", "must be a mapping"),
        ({"agency": {"name": "X PD"}}, "agency.kind", "required field is missing"),
        (
            {"agency": {"name": "X PD", "kind": "police"}},
            "agency.kind",
            "allowed values: municipal_police, county_sheriff",
        ),
        ({"agency": {"name": "", "kind": "municipal_police"}}, "agency.name", "non-empty"),
        (
            {"agency": {"name": "Jail", "kind": "jail_or_prison"}},
            "agency.level",
            "required when agency.kind is jail_or_prison",
        ),
        (
            {"agency": {"name": "X PD", "kind": "municipal_police", "level": "state"}},
            "agency.level",
            "contradicts agency.kind",
        ),
        (
            {"agency": {"name": "Jail", "kind": "jail_or_prison", "level": "city"}},
            "agency.level",
            "allowed values: municipal, county, state",
        ),
        (
            {"agency": {"name": "X PD", "kind": "municipal_police", "chief": "Y"}},
            "agency.chief",
            "unknown field; allowed fields here: name, kind, level",
        ),
        ({"officers": "A. Doe"}, "officers", "must be a list"),
        ({"officers": [{}]}, "officers[0]", "name, badge, or both"),
        ({"officers": [{"name": "A", "rank": "sgt"}]}, "officers[0].rank", "unknown field"),
        ({"officers": ["A. Doe"]}, "officers[0]", "must be a mapping"),
        ({"person": ...}, "person", "required field is missing"),
        ({"person": {}}, "person.custody", "required field is missing"),
        (
            {"person": {"custody": "jailed"}},
            "person.custody",
            "allowed values: free, arrested, pretrial_detainee, convicted_prisoner",
        ),
        (
            {"person": {"custody": "free", "birth_date": "2030-01-01"}},
            "person.birth_date",
            "after incident_date",
        ),
        (
            {"person": {"custody": "free", "birth_date": "2001-13-01"}},
            "person.birth_date",
            "not a real calendar date",
        ),
        ({"person": {"custody": "free", "age": 17}}, "person.age", "unknown field"),
        ({"conduct": ...}, "conduct", "required field is missing"),
        ({"conduct": []}, "conduct", "list at least one"),
        ({"conduct": "excessive_force"}, "conduct", "must be a list"),
        ({"conduct": ["tasing"]}, "conduct[0]", "allowed values: excessive_force"),
        ({"criminal_case": ...}, "criminal_case", "required field is missing"),
        (
            {"criminal_case": {"status": "won"}},
            "criminal_case.status",
            "allowed values: none, pending, convicted, acquitted, dismissed",
        ),
        (
            {"criminal_case": {"status": "pending", "resolved_on": "2021-05-01"}},
            "criminal_case.resolved_on",
            "only a case that ended has a resolution date",
        ),
        (
            {"criminal_case": {"status": "dismissed", "resolved_on": "2020-01-01"}},
            "criminal_case.resolved_on",
            "before incident_date",
        ),
        (
            {"criminal_case": {"status": "dismissed", "resolved_on": "2024-06-01"}},
            "criminal_case.resolved_on",
            "after evaluated_on",
        ),
        (
            {"criminal_case": {"status": "none", "charges": "theft"}},
            "criminal_case.charges",
            "must be a list",
        ),
        (
            {"criminal_case": {"status": "none", "charges": [""]}},
            "criminal_case.charges[0]",
            "non-empty",
        ),
        ({"evaluated_on": "yesterday"}, "evaluated_on", "YYYY-MM-DD"),
        ({"evaluated_on": "2020-01-01"}, "incident_date", "after evaluated_on"),
        ({"narrative": {"text": "x"}}, "narrative", "non-empty text"),
        ({"witnesses": ["B"]}, "witnesses", "unknown field; allowed fields here: incident_date"),
    ],
)
def test_each_bad_field_is_named_with_its_fix(changes: dict, field: str, fragment: str) -> None:
    found = problems(incident_data(**changes))
    matching = [p for p in found if p.startswith(f"{field}:")]
    assert matching, f"no problem reported for {field}: {found}"
    assert any(fragment in p for p in matching), matching


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        incident_data(
            state="XX", conduct=["tasing"], person={"custody": "jailed"}, incident_date="2021-02-30"
        )
    )
    fields = {p.split(":")[0] for p in found}
    assert {"state", "conduct[0]", "person.custody", "incident_date"} <= fields


def test_bad_value_is_quoted_in_the_message() -> None:
    (msg,) = problems(incident_data(state="XX"))
    assert "'XX'" in msg


@pytest.mark.parametrize("data", [None, [], "incident", 42])
def test_top_level_must_be_a_mapping(data: object) -> None:
    assert any("must be a mapping" in p for p in problems(data))


def test_yaml_impossible_date_is_a_field_error_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "i.yaml"
    f.write_text(
        "incident_date: 2021-02-30\nstate: MO\nagency: {name: X PD, kind: municipal_police}\n"
        "person: {custody: free}\nconduct: [excessive_force]\ncriminal_case: {status: none}\n"
    )
    with pytest.raises(IncidentError) as info:
        load_incident(f, today=TODAY)
    assert [p.field for p in info.value.problems] == ["incident_date"]


def test_yaml_dates_stay_dates(tmp_path: Path) -> None:
    f = tmp_path / "i.yaml"
    f.write_text(
        "incident_date: 2021-03-10\nstate: MO\nagency: {name: X PD, kind: municipal_police}\n"
        "person: {custody: free, birth_date: 2005-03-01}\nconduct: [excessive_force]\n"
        "criminal_case: {status: none}\nofficers: [{badge: 1234}]\n"
    )
    incident = load_incident(f, today=TODAY)
    assert incident.incident_date == dt.date(2021, 3, 10)
    assert incident.person.birth_date == dt.date(2005, 3, 1)
    assert incident.officers[0].badge == "1234"  # a YAML number badge is kept as text
    assert incident.evaluated_on == TODAY  # default: the day of evaluation


def test_json_file_and_as_of_override(tmp_path: Path) -> None:
    f = tmp_path / "i.json"
    f.write_text(json.dumps(BASE))
    incident = load_incident(f, today=TODAY, as_of=dt.date(2022, 1, 1))
    assert incident.evaluated_on == dt.date(2022, 1, 1)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("incident_date: [unclosed", "not valid YAML or JSON"), ('{"state": ', "not valid YAML")],
)
def test_unparseable_file(tmp_path: Path, content: str, fragment: str) -> None:
    f = tmp_path / "i.yaml"
    f.write_text(content)
    with pytest.raises(IncidentError) as info:
        load_incident(f, today=TODAY)
    assert fragment in str(info.value)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(IncidentError, match="file not found"):
        load_incident(tmp_path / "nope.yaml", today=TODAY)
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(IncidentError, match="cannot read the file"):
        load_incident(binary, today=TODAY)
