"""Hostile and careless incident files into every command that reads one: exit 2 naming the
field (or the file and line) and the fix, or the right answer; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLE, assert_bad_input, run

BASE = EXAMPLE.read_text(encoding="utf-8")
BASE_DATA = json.loads(json.dumps(yaml.safe_load(BASE), default=str))


def _replace(line_start: str, new_line: str) -> str:
    lines = BASE.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(line_start)]
    assert hits, line_start
    lines[hits[0]] = new_line + "\n"
    return "".join(lines)


HOSTILE_FILES = [
    # (file name, content, fragments the message must hold)
    (
        "timestamp.yaml",
        _replace("incident_date:", "incident_date: !!timestamp 2021-02-30"),
        ["incident_date", "not a real calendar date"],
    ),
    (
        "year9999.yaml",
        _replace("evaluated_on:", "evaluated_on: 9999-12-31"),
        ["evaluated_on", "is after 2199-12-31", "check the year"],
    ),
    (
        "incident_9998.yaml",
        _replace("incident_date:", "incident_date: 9998-01-01").replace(
            "evaluated_on: 2024-01-10", "evaluated_on: 9999-01-01"
        ),
        ["incident_date", "after 2199-12-31"],
    ),
    (
        "long_int.yaml",
        _replace("city:", "city: " + "9" * 5000),
        [],  # a city of digits is text; the assessment runs (checked below)
    ),
    (
        "long_int.json",
        json.dumps(BASE_DATA).replace('"St. Louis"', "9" * 5000, 1),
        [],  # beyond Python's 4,300-digit limit the number stays text, as in YAML
    ),
    (
        "surrogate.json",
        json.dumps({**BASE_DATA, "city": "St. Louis\ud800"}),
        ["city", "unpaired surrogate", "retype"],
    ),
    (
        "surrogate_key.json",
        json.dumps({**BASE_DATA, "ci\udcfety": "x"}),
        ["unknown field", "allowed fields"],
    ),
    ("deep.yaml", "[" * 50_000, ["nested too deeply"]),
    ("deep.json", '{"a":' * 50_000, ["nested too deeply"]),
    (
        "laughs.yaml",
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "incident_date: *i\n",
        ["line 2", "alias *a repeats a list or mapping", "write the values out"],
    ),
    (
        "dup.yaml",
        BASE + "incident_date: 2021-03-11\n",
        ["incident_date", "given twice", f"lines 3, {BASE.count(chr(10)) + 1}", "keep one"],
    ),
    (
        "dup_nested.yaml",
        _replace("  kind: municipal_police", "  kind: municipal_police\n  kind: county_sheriff"),
        ["kind", "given twice", "lines 8, 9"],
    ),
    (
        "dup.json",
        '{"incident_date": "2021-03-10",\n "state": "MO",\n "incident_date": "2021-03-11"}',
        ["incident_date", "given twice", "lines 1, 3"],
    ),
    ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", ["(file)", "not UTF-8"]),
    ("tab.yaml", "incident_date:\t[\n", ["(file)", "not valid YAML or JSON", "line"]),
    ("two_docs.yaml", BASE + "---\n" + BASE, ["(file)", "not valid YAML or JSON"]),
    ("list.yaml", "- 1\n- 2\n", ["(top level)", "must be a mapping"]),
    ("empty.yaml", "", ["(top level)", "must be a mapping"]),
    (
        "binary_tag.yaml",
        _replace("conduct:", "conduct: !!binary aGVsbG8="),
        ["conduct", "must be a list"],
    ),
    (
        "set.yaml",
        _replace("officers:", "officers: !!set {a, b}").replace(
            '  - name: Officer A. Doe\n    badge: "1234"\n', ""
        ),
        ["officers", "must be a list"],
    ),
    (
        "huge_list.yaml",
        _replace("conduct:", "conduct: [" + ", ".join(["x"] * 5_000) + "]"),
        ["conduct[0]", "and 4980 more"],
    ),
    ("huge.yaml", "narrative: " + "x" * (1 << 20) + "\n", ["larger than 1024 KiB"]),
]


@pytest.mark.parametrize(
    ("name", "content", "fragments"), HOSTILE_FILES, ids=[h[0] for h in HOSTILE_FILES]
)
@pytest.mark.parametrize("command", [["assess"], ["payers"], ["precedents"]])
def test_hostile_incident_files(tmp_path: Path, name, content, fragments, command) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    result = run([*command, path])
    if not fragments:
        if command == ["precedents"]:
            return  # needs a corpus: its own exit 2, checked in test_databases
        assert result.exit_code == 0, result.stderr
        return
    assert_bad_input(result, *fragments)


def test_dev_zero_and_a_folder_are_refused_at_once(tmp_path: Path) -> None:
    assert_bad_input(run(["assess", "/dev/zero"]), "larger than 1024 KiB", "check the file name")
    assert_bad_input(run(["assess", tmp_path]), "is a directory")
    assert_bad_input(run(["payers", tmp_path / "missing.yaml"]), "file not found")


def test_as_of_near_year_9999_is_a_named_error(incident: Path) -> None:
    result = run(["assess", incident, "--as-of", "9999-12-31"])
    assert_bad_input(result, "evaluated_on", "after 2199-12-31")
    assert_bad_input(run(["assess", incident, "--as-of", "99999-01-01"]), "--as-of", "YYYY-MM-DD")


@pytest.mark.parametrize(
    ("written", "kept"),
    [("0123", "0123"), ("0x1F", "0x1F"), ("1:30", "1:30"), ("0o17", "0o17"), ("1_000", "1_000"),
     ("1234", "1234"), ('"0123"', "0123"), ("9" * 5000, "9" * 5000)],
)  # fmt: skip
def test_unquoted_badges_stay_as_written(tmp_path: Path, written: str, kept: str) -> None:
    """YAML 1.1 reads 0123 as octal 83, 0x1F as 31 and 1:30 as 90 minutes: a different
    officer. The badge must come out as typed."""
    path = tmp_path / "badge.yaml"
    path.write_text(_replace("    badge:", f"    badge: {written}"), encoding="utf-8")
    result = run(["assess", path, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    [officer] = json.loads(result.stdout)["incident"]["officers"]
    assert officer["badge"] == kept


def test_json_numbers_keep_working_for_badges(tmp_path: Path) -> None:
    data = dict(BASE_DATA)
    data["officers"] = [{"name": "A. Doe", "badge": 1234}]
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(["assess", path, "--format", "json"])
    assert json.loads(result.stdout)["incident"]["officers"][0]["badge"] == "1234"


# ------------------------------------------------------------------- random documents

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["2021-03-10", "2021-02-30", "9999-12-31", "MO", "municipal_police",
                     "excessive_force", "arrested", "none", "0123", "1:30"]),
)  # fmt: skip
_keys = st.one_of(
    st.sampled_from(["incident_date", "state", "city", "agency", "officers", "person",
                     "conduct", "criminal_case", "evaluated_on", "name", "kind", "badge",
                     "custody", "status", "birth_date", "level", "deceased"]),
    st.text(max_size=8),
)  # fmt: skip
_documents = st.recursive(
    _scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=6)),
    max_leaves=30,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=_documents, as_json=st.booleans())
def test_random_documents_never_give_a_traceback(tmp_path: Path, document, as_json: bool) -> None:
    if as_json:
        text = json.dumps(document, default=str)
        path = tmp_path / "random.json"
    else:
        text = yaml.safe_dump(document, allow_unicode=True)
        path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run(["assess", path, "--format", "json"])
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ")
        assert len(result.stderr) < 10_000


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_random_text_never_gives_a_traceback(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run(["payers", path])
    assert result.exit_code in (0, 2), result.stderr
