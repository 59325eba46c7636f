"""The JSON Schema and the vocabulary must agree: a code added to an enum must be added to the
schema in the same change (the schema is what other tools read)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from monell.domain import vocabulary as v
from monell.domain.models import Assessment
from monell.report.json_report import assessment_dict

SCHEMA = json.loads(
    (resources.files("monell.report") / "schema" / "assessment.schema.json").read_text()
)
DEFS = SCHEMA["$defs"]

ENUM_PATHS = [
    (v.State, DEFS["incident"]["properties"]["state"]),
    (v.AgencyKind, DEFS["incident"]["properties"]["agency"]["properties"]["kind"]),
    (v.GovernmentLevel, DEFS["incident"]["properties"]["agency"]["properties"]["level"]),
    (v.Custody, DEFS["incident"]["properties"]["person"]["properties"]["custody"]),
    (v.Conduct, DEFS["claim"]["properties"]["id"]),
    (v.CriminalCaseStatus, DEFS["incident"]["properties"]["criminal_case"]["properties"]["status"]),
    (v.Amendment, DEFS["claim"]["properties"]["amendment"]),
    (v.DefendantRole, DEFS["defendant"]["properties"]["role"]),
    (v.QualifiedImmunity, DEFS["defendant"]["properties"]["qualified_immunity"]),
    (v.Severity, DEFS["flag"]["properties"]["severity"]),
    (v.FlagCode, DEFS["flag"]["properties"]["code"]),
    (v.Confidence, DEFS["confidence"]),
    (v.CitationStatus, DEFS["verification"]["properties"]["status"]),
]


@pytest.mark.parametrize(("enum", "node"), ENUM_PATHS, ids=lambda x: getattr(x, "__name__", ""))
def test_schema_enum_matches_vocabulary(enum: type, node: dict) -> None:
    assert node["enum"] == [m.value for m in enum]


def test_issue_contract_codes_exist() -> None:
    """The names issue 3 fixes, spelled exactly."""
    required_flags = {
        "sol_expired",
        "sol_near",
        "tolling_applied",
        "heck_bar_risk",
        "bivens_not_1983",
        "state_not_person",
        "no_state_action",
        "department_not_suable",
        "qualified_immunity",
        "no_punitive_against_municipality",
        "unknown_law",
    }
    assert required_flags <= {f.value for f in v.FlagCode}
    assert {r.value for r in v.DefendantRole} == {
        "officer_individual",
        "officer_official_capacity",
        "municipality",
        "department",
        "state",
        "federal_officer",
        "private_party",
    }
    assert {q.value for q in v.QualifiedImmunity} == {
        "available",
        "not_available",
        "not_applicable",
    }


def test_schema_required_keys_are_model_fields() -> None:
    assert set(SCHEMA["required"]) <= set(Assessment.model_fields)
    for name in ("claim", "defendant", "deadline", "flag"):
        assert DEFS[name]["required"], name


def test_sections_cannot_overwrite_core_keys() -> None:
    import datetime as dt

    from monell.domain.assess import assess
    from monell.domain.incident import parse_incident
    from tests.core.factories import BASE

    a = assess(parse_incident(BASE, today=dt.date(2024, 1, 10)))
    with pytest.raises(ValueError, match="overwrite"):
        assessment_dict(a, {"claims": []})
    assert assessment_dict(a, {"payers": {"x": 1}})["payers"] == {"x": 1}
