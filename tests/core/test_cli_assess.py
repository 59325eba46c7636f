"""`monell assess` end to end: formats, the JSON Schema contract, exit codes, no partial output."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from monell.cli.main import cli
from tests.core.factories import incident_data

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "st_louis_excessive_force.yaml"


def assessment_schema() -> dict:
    """The core schema plus every registered section's schema as an optional top-level key."""
    base = resources.files("monell.report") / "schema"
    schema = json.loads((base / "assessment.schema.json").read_text())
    for f in sorted((base / "sections").iterdir()):
        if f.name.endswith(".schema.json"):
            key = f.name.removesuffix(".schema.json")
            schema["properties"][key] = json.loads(f.read_text())
    return schema


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    # Never touch the user's real database from tests.
    monkeypatch.setenv("MONELL_DB", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    return CliRunner()


def write(tmp_path: Path, data: dict, name: str = "incident.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data))
    return p


def run_json(runner: CliRunner, path: Path, *extra: str) -> dict:
    result = runner.invoke(cli, ["assess", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(assessment_schema())


SCHEMA_CASES = {
    "example": None,
    "state_police": {
        "state": "TX",
        "city": "Austin",
        "agency": {"name": "Texas DPS", "kind": "state_police"},
    },
    "federal": {"state": "IL", "agency": {"name": "FBI", "kind": "federal"}},
    "private": {"state": "GA", "agency": {"name": "Mall Security LLC", "kind": "private_security"}},
    "detainee": {
        "state": "KY",
        "agency": {"name": "Jail", "kind": "jail_or_prison", "level": "county"},
        "person": {"custody": "pretrial_detainee", "birth_date": "2006-01-01"},
        "conduct": ["excessive_force", "denial_of_medical_care"],
    },
    "prosecution": {
        "conduct": ["malicious_prosecution", "fabrication_of_evidence"],
        "criminal_case": {"status": "pending", "charges": ["assault"]},
    },
    "convicted": {
        "conduct": ["false_arrest", "excessive_force"],
        "criminal_case": {
            "status": "convicted",
            "resolved_on": "2022-01-05",
            "charges": ["resisting arrest"],
        },
    },
}


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_json_output_validates_against_schema(runner: CliRunner, tmp_path: Path, case: str) -> None:
    changes = SCHEMA_CASES[case]
    path = EXAMPLE if changes is None else write(tmp_path, incident_data(**changes))
    data = run_json(runner, path)
    jsonschema.validate(
        data,
        assessment_schema(),
        cls=jsonschema.Draft202012Validator,
        format_checker=jsonschema.FormatChecker(),
    )


def test_every_statement_carries_its_authority(runner: CliRunner) -> None:
    data = run_json(runner, EXAMPLE)
    for group in ("claims", "defendants", "deadlines"):
        for item in data[group]:
            assert item["authorities"], (group, item)
    for flag in data["flags"]:
        # unknown_law says what to check precisely because the data holds no authority.
        if flag["code"] != "unknown_law":
            assert flag["authorities"], flag
    for theory in data["monell"]["theories"]:
        assert theory["authorities"] and theory["evidence_to_gather"]
    for auth in _authorities(data):
        assert {"name", "citation", "year", "proposition"} <= auth.keys()


def _authorities(node: object) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        if "citation" in node and "verification" in node:
            found.append(node)
        for v in node.values():
            found += _authorities(v)
    elif isinstance(node, list):
        for v in node:
            found += _authorities(v)
    return found


def test_markdown_memo_marks_every_unverified_citation(runner: CliRunner) -> None:
    data = run_json(runner, EXAMPLE)
    result = runner.invoke(cli, ["assess", str(EXAMPLE)])
    assert result.exit_code == 0
    memo = result.stdout
    assert memo.startswith("# § 1983 assessment")
    assert "## In plain words" in memo.split("## Memo for counsel")[0]
    assert "not legal advice" in memo.split("## Memo for counsel")[0]
    for auth in _authorities(data):
        if auth["verification"]["verified"]:
            continue
        # Every occurrence of an unverified citation in the memo carries the mark.
        for m in re.finditer(re.escape(auth["citation"]), memo):
            tail = memo[m.end() : m.end() + 80]
            assert "[unverified]" in tail or "UNVERIFIED" in tail, (auth["citation"], tail)


def test_html_memo_is_a_standalone_page(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "memo.html"
    result = runner.invoke(cli, ["assess", str(EXAMPLE), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.startswith("<!doctype html>")
    assert "<h2>In plain words</h2>" in page and "<table>" in page
    head = page.split("<body>")[0]
    assert "http://" not in head and "https://" not in head  # no external assets
    assert "default-src 'none'" in head  # and a CSP that would refuse them


def test_narrative_cannot_inject_html(runner: CliRunner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        incident_data(agency={"name": "<script>x</script> PD", "kind": "municipal_police"}),
    )
    result = runner.invoke(cli, ["assess", str(path), "--format", "html"])
    assert result.exit_code == 0
    assert "<script>" not in result.stdout


def test_as_of_moves_the_clock(runner: CliRunner) -> None:
    late = run_json(runner, EXAMPLE, "--as-of", "2030-05-15")
    codes = {f["code"] for f in late["flags"]}
    assert "sol_near" in codes and late["evaluated_on"] == "2030-05-15"


def test_bad_input_exits_2_with_field_messages_and_no_report(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, incident_data(state="XX", conduct=["tasing"]))
    out = tmp_path / "memo.md"
    result = runner.invoke(cli, ["assess", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "state: unknown value" in result.stderr
    assert "conduct[0]: unknown value" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--as-of", "2024-13-01"], "--as-of"),
        (["--format", "pdf"], "--format"),
        (["--db", "mysql://x/y"], "--db"),
    ],
)
def test_bad_options_exit_2(runner: CliRunner, args: list[str], fragment: str) -> None:
    result = runner.invoke(cli, ["assess", str(EXAMPLE), *args])
    assert result.exit_code == 2
    assert fragment in result.output


def test_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["assess", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "file not found" in result.stderr


def test_assess_does_not_create_a_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MONELL_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(cli, ["assess", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not any(tmp_path.rglob("*.sqlite3"))


def test_unreachable_database_is_a_clear_error(runner: CliRunner) -> None:
    # A PostgreSQL URL pointing at a closed port: the sections that need it cannot run.
    result = runner.invoke(
        cli, ["assess", str(EXAMPLE), "--db", "postgresql://nobody@127.0.0.1:1/none"]
    )
    assert result.exit_code == 2, result.output
    assert "--db" in result.stderr and "cannot read the database" in result.stderr
    assert result.stdout == ""


def test_a_loaded_corpus_verifies_authorities_the_sample_lacks(tmp_path: Path) -> None:
    """Ketchum v. City of West Memphis (8th Cir. 1992) is not in the bundled sample, so it
    prints as unverified; once the user's corpus holds it, the same assessment verifies it."""
    record = {
        "id": "test-ketchum",
        "case_name": "Ketchum v. City of West Memphis",
        "court": "ca8",
        "date_filed": "1992-08-13",
        "citations": ["974 F.2d 81"],
        "docket_number": "91-3697",
        "text": "The West Memphis Police Department and Paramedic Services are not juridical "
        "entities suable as such. They are simply departments or subdivisions of the City.",
        "source": {"repo": "test", "path": "inline", "commit": "none"},
    }
    corpus = tmp_path / "ketchum.jsonl"
    corpus.write_text(json.dumps(record) + "\n")
    db = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    runner = CliRunner()
    loaded = runner.invoke(cli, ["corpus", "load", str(corpus), "--db", db])
    assert loaded.exit_code == 0, loaded.output

    def ketchum(args: list[str]) -> dict:
        result = runner.invoke(cli, ["assess", str(EXAMPLE), "--format", "json", *args])
        assert result.exit_code == 0, result.output
        return next(a for a in _authorities(json.loads(result.stdout)) if a["key"] == "ketchum")

    env_free = ketchum(["--db", f"sqlite:///{tmp_path / 'none.sqlite3'}"])
    assert env_free["verification"]["status"] == "not_in_corpus"
    with_corpus = ketchum(["--db", db])
    assert with_corpus["verification"]["status"] == "found"
    assert with_corpus["verification"]["verified"] is True
