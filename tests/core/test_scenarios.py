"""The scenario table: incidents a § 1983 lawyer would recognise, each with the answer the law
gives and the authority for it, checked against the engine's JSON output.

Every file in `scenarios/` is a YAML list. Each scenario has

- `id`, a short `title`;
- `incident`: an incident file's content (the same keys `monell assess FILE` reads);
- `expect`: the answers, worked out by hand from the statute or case named in `why`
  (never copied from the engine's output - that is the point of the table):
  - `circuit`, `district` (CourtListener ids; district may be null);
  - `claims`: conduct code -> amendment;
  - `defendants`: every defendant, as `{role, suable, qi, name?}` (`name` is a substring);
  - `deadlines`: conduct code -> `{accrues_on, deadline, years, tolled_until?}` (null dates
    where the clock has not started or cannot be computed);
  - `flags`: every flag as `code/severity` or `code/severity/claim`. `law_unverified` depends on
    how far another engineer has checked a data row, so it is compared only where listed;
  - `monell`: whether a Monell claim applies, and against whom (substring);
  - `summary`: words the plain-language summary for the person must contain;
  - `state_deadlines` (issue 14): the state-law rows of `deadlines[]`, as
    `kind/state_claim -> {deadline, statute?}` (`statute` a substring; a null deadline where
    the clock cannot be computed); every such row must be listed;
  - `state_claims`: state-law count -> `covered` or `unknown_law`; every count must be listed;
  - `flags_include` / `flags_exclude`: flags that must / must not be raised (for scenarios
    whose other flags follow data another engineer is still filling, such as districts);
- `why`: for each part of `expect`, the authority (case citation or statute) for it;
- `cli: true` to run the scenario through `monell assess --format json` as well.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from monell.cli.main import cli
from monell.domain.assess import assess
from monell.domain.incident import parse_incident
from monell.domain.vocabulary import (
    Amendment,
    Conduct,
    CriminalCaseStatus,
    Custody,
    DefendantRole,
    FlagCode,
    QualifiedImmunity,
    Severity,
    State,
)
from monell.intake import read_incident_data

SCENARIO_DIR = Path(__file__).parent / "scenarios"
EXPECT_KEYS = {
    "circuit",
    "district",
    "claims",
    "defendants",
    "deadlines",
    "flags",
    "monell",
    "summary",
    "state_deadlines",
    "state_claims",
    "flags_include",
    "flags_exclude",
}
# `why` must give an authority for each of these parts of `expect`.
WHY_FOR = {
    "district": "jurisdiction",
    "claims": "claims",
    "defendants": "defendants",
    "deadlines": "deadlines",
    "flags": "flags",
    "monell": "monell",
    "summary": "summary",
    "state_deadlines": "state_deadlines",
    "state_claims": "state_deadlines",
    "flags_include": "flags",
}
# A citation in "volume reporter page (year)" form, or a statute / session law / rule.
CITATION_MARKERS = (
    " U.S. ",
    " F.2d ",
    " F.3d ",
    " F.4th ",
    "§",
    "Stat.",
    "Act",
    "art.",
    "R. Civ.",
    "ILCS",
    "C.P.L.R.",
    "Code",
    "Admin.",
)
# Flags whose presence follows the confidence another engineer gives a data row, not the facts.
CONFIDENCE_ONLY = {FlagCode.LAW_UNVERIFIED.value}


def _load() -> list[dict[str, Any]]:
    scenarios: list[dict[str, Any]] = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = read_incident_data(path.read_text(encoding="utf-8"), path.name)
        assert isinstance(data, list), f"{path.name}: must be a list of scenarios"
        for s in data:
            s["_file"] = path.name
            scenarios.append(s)
    return scenarios


SCENARIOS = _load()
IDS = [s["id"] for s in SCENARIOS]


def _assess_json(incident_data: dict[str, Any]) -> dict[str, Any]:
    incident = parse_incident(incident_data, today=dt.date(2000, 1, 1))
    result: dict[str, Any] = assess(incident).model_dump(mode="json")
    return result


def _flag_key(f: dict[str, Any]) -> str:
    key = f"{f['code']}/{f['severity']}"
    return f"{key}/{f['claim']}" if f.get("claim") else key


def _check(s: dict[str, Any], out: dict[str, Any]) -> None:
    exp = s["expect"]
    where = f"{s['_file']}:{s['id']}"
    j = out["jurisdiction"]
    if "circuit" in exp:
        assert j["circuit"] == exp["circuit"], where
    if "district" in exp:
        assert j["district"] == exp["district"], f"{where}: {j['district_basis']}"

    if "claims" in exp:
        got = {c["id"]: c["amendment"] for c in out["claims"]}
        assert got == exp["claims"], where
        for c in out["claims"]:
            assert c["authorities"], f"{where}: claim {c['id']} has no authority"

    if "defendants" in exp:
        got_d = Counter(
            (d["role"], d["suable"], d["qualified_immunity"]) for d in out["defendants"]
        )
        want_d = Counter((d["role"], d["suable"], d["qi"]) for d in exp["defendants"])
        assert got_d == want_d, f"{where}: defendants {sorted(got_d.items())}"
        for d in exp["defendants"]:
            if "name" in d:
                names = [x["name"] for x in out["defendants"] if x["role"] == d["role"]]
                assert any(d["name"] in n for n in names), f"{where}: {d['name']!r} not in {names}"
        for d in out["defendants"]:
            assert d["authorities"], f"{where}: defendant {d['name']} has no authority"

    if "deadlines" in exp:
        got_dl = {d["claim"]: d for d in out["deadlines"] if d["kind"] == "statute_of_limitations"}
        assert set(got_dl) == set(exp["deadlines"]), where
        for claim, want in exp["deadlines"].items():
            d = got_dl[claim]
            label = f"{where}: deadline for {claim}"
            assert d["accrues_on"] == want["accrues_on"], label
            assert d["deadline"] == want["deadline"], label
            assert d["limitations_years"] == want["years"], label
            applied = [t for t in d["tolling"] if t["applied"]]
            tolled_until = applied[0]["tolled_until"] if applied else None
            assert tolled_until == want.get("tolled_until"), label
            if d["deadline"] is not None:
                days = (
                    dt.date.fromisoformat(d["deadline"])
                    - dt.date.fromisoformat(out["evaluated_on"])
                ).days
                assert d["days_remaining"] == days, label
            assert d["authorities"], label

    if "flags" in exp:
        want_f = Counter(exp["flags"])
        listed = {k.split("/")[0] for k in want_f}
        got_f = Counter(
            _flag_key(f)
            for f in out["flags"]
            if f["code"] not in CONFIDENCE_ONLY or f["code"] in listed
        )
        assert got_f == want_f, f"{where}: flags {sorted(got_f.elements())}"
        for f in out["flags"]:
            # An unknown-law flag says what to check; every other flag cites its authority.
            if f["code"] != FlagCode.UNKNOWN_LAW.value:
                assert f["authorities"], f"{where}: flag {f['code']} has no authority"

    if "monell" in exp:
        m = out["monell"]
        assert m["applicable"] == exp["monell"]["applicable"], where
        if "municipality" in exp["monell"]:
            assert exp["monell"]["municipality"] in (m["municipality"] or ""), where
        if m["applicable"]:
            assert m["theories"], where

    if "state_deadlines" in exp:
        got_s = {
            f"{d['kind']}/{d['state_claim']}": d
            for d in out["deadlines"]
            if d["kind"] != "statute_of_limitations"
        }
        assert set(got_s) == set(exp["state_deadlines"]), f"{where}: {sorted(got_s)}"
        for key, want in exp["state_deadlines"].items():
            d = got_s[key]
            assert d["deadline"] == want["deadline"], f"{where}: {key}"
            if "statute" in want:
                assert want["statute"] in d["statute"], f"{where}: {key} {d['statute']}"
            assert d["authorities"], f"{where}: {key}"
            if d["kind"] == "notice_of_claim":
                assert d["to_whom"], f"{where}: {key}"
                assert any(a["key"] == "felder" for a in d["authorities"]), where
    got_keys = {_flag_key(f) for f in out["flags"]}
    for key in exp.get("flags_include", []):
        assert key in got_keys, f"{where}: flag {key} missing from {sorted(got_keys)}"
    for key in exp.get("flags_exclude", []):
        assert key not in got_keys, f"{where}: flag {key} must not be raised"
    if "state_claims" in exp:
        got_c = {c["id"]: c["status"] for c in out.get("state_claims", [])}
        assert got_c == exp["state_claims"], f"{where}: {got_c}"

    for words in exp.get("summary", []):
        assert any(words in line for line in out["summary"]), f"{where}: {words!r} not in summary"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_scenario(scenario: dict[str, Any]) -> None:
    _check(scenario, _assess_json(scenario["incident"]))


CLI_SCENARIOS = [s for s in SCENARIOS if s.get("cli")]


@pytest.mark.parametrize("scenario", CLI_SCENARIOS, ids=[s["id"] for s in CLI_SCENARIOS])
def test_scenario_through_cli(scenario: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / f"{scenario['id']}.json"
    path.write_text(json.dumps(scenario["incident"]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    _check(scenario, json.loads(result.stdout))


def test_the_installed_command_with_as_of_one_day_after_the_last_day(tmp_path: Path) -> None:
    """The real `monell` executable, with `--as-of` overriding the file's evaluated_on: the
    Columbia retaliation claim's last day is 2026-06-01 (Mo. Rev. Stat. § 516.120(4), five
    years from 2021-06-01), so on 2026-06-02 it has run."""
    scenario = next(s for s in SCENARIOS if s["id"] == "mo_columbia_retaliation_last_day")
    path = tmp_path / "columbia.yaml"
    path.write_text(yaml.safe_dump(scenario["incident"]), encoding="utf-8")
    exe = Path(sys.executable).parent / "monell"
    done = subprocess.run(
        [str(exe), "assess", str(path), "--format", "json", "--as-of", "2026-06-02"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["evaluated_on"] == "2026-06-02"
    (deadline,) = out["deadlines"]
    assert (deadline["deadline"], deadline["days_remaining"]) == ("2026-06-01", -1)
    codes = {_flag_key(f) for f in out["flags"]}
    assert "sol_expired/blocker/first_amendment_retaliation" in codes
    assert "sol_near/warning/first_amendment_retaliation" not in codes


# --------------------------------------------------------------------------- the table itself


def test_every_scenario_is_well_formed() -> None:
    assert len(IDS) == len(set(IDS)), "scenario ids must be unique"
    for s in SCENARIOS:
        where = f"{s['_file']}:{s['id']}"
        assert set(s) <= {"id", "title", "incident", "expect", "why", "cli", "_file"}, where
        assert s.get("title"), where
        assert set(s["expect"]) <= EXPECT_KEYS, where
        assert "evaluated_on" in s["incident"], f"{where}: fix evaluated_on so it never drifts"
        for part, why_key in WHY_FOR.items():
            if part in s["expect"]:
                why = s["why"].get(why_key, "")
                assert any(m in why for m in CITATION_MARKERS), (
                    f"{where}: why.{why_key} must cite the authority for the expected {part}"
                )
        for code in [*s["expect"].get("flags", []), *s["expect"].get("flags_include", [])]:
            code_, severity, *claim = code.split("/")
            FlagCode(code_)
            Severity(severity)
            for c in claim:
                Conduct(c)


def test_table_covers_the_issue() -> None:
    """At least 48 incidents over 14 states, every flag, role, custody and case status."""
    assert len(SCENARIOS) >= 48
    states = {s["incident"]["state"] for s in SCENARIOS}
    assert len(states) >= 14, sorted(states)
    for required in ("MO", "LA", "WI", "FL", "KY", "TN", "IL", "KS", "UT", "TX", "AL", "NY", "CA"):
        assert State(required) in states
    assert "DC" in states
    flags = {
        f.split("/")[0]
        for s in SCENARIOS
        for f in [*s["expect"].get("flags", []), *s["expect"].get("flags_include", [])]
    }
    assert flags == {f.value for f in FlagCode}, sorted({f.value for f in FlagCode} - flags)
    roles = {d["role"] for s in SCENARIOS for d in s["expect"].get("defendants", [])}
    assert roles == {r.value for r in DefendantRole}
    qi = {d["qi"] for s in SCENARIOS for d in s["expect"].get("defendants", [])}
    assert qi == {q.value for q in QualifiedImmunity}
    statuses = {s["incident"]["criminal_case"]["status"] for s in SCENARIOS}
    assert statuses == {c.value for c in CriminalCaseStatus}
    force_amendments = {
        (s["incident"]["person"]["custody"], amendment)
        for s in SCENARIOS
        for claim, amendment in s["expect"].get("claims", {}).items()
        if claim in ("excessive_force", "deadly_force")
    }
    assert force_amendments >= {
        (Custody.FREE.value, Amendment.FOURTH.value),
        (Custody.ARRESTED.value, Amendment.FOURTH.value),
        (Custody.PRETRIAL_DETAINEE.value, Amendment.FOURTEENTH.value),
        (Custody.CONVICTED_PRISONER.value, Amendment.EIGHTH.value),
    }
    conduct = {c for s in SCENARIOS for c in s["incident"]["conduct"]}
    assert conduct == {c.value for c in Conduct}
    assert len(CLI_SCENARIOS) >= 8
