"""Malformed --mapping files for `monell payouts import`: exit 2 naming the file, the key and
the fix; the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SETTLEMENTS_CSV, assert_bad_input, run

GOOD = "columns:\n  amount_awarded: amount_awarded\n"
BAD_MAPPINGS = [
    ("kind as a list", "kind: [settlements]\n", ["kind", "'settlements' or 'officers'"]),
    ("kind as a mapping", "kind: {a: 1}\n", ["kind", "'settlements' or 'officers'"]),
    ("unknown encoding", "encoding: klingon-8\n", ["encoding", "not a known text encoding"]),
    ("binary codec", "encoding: base64\n", ["encoding", "binary codec"]),
    ("encoding as a list", "encoding: [utf-8]\n", ["encoding", "utf-8 or cp1252"]),
    ("target as a list", "columns:\n  Amount: [amount_awarded]\n", ["columns", "unknown field"]),
    ("source as a list", "columns:\n  ? [a, b]\n  : amount_awarded\n", ["line 2", "unhashable"]),
    ("constant as a list", "constants:\n  city: [a, b]\n", ["constants", "give one value"]),
    ("constant key as a number", "constants:\n  7: x\n", ["constants", "not a text field"]),
    ("date format as a list", "date_format: ['%Y']\n", ["date_format", "%m/%d/%Y"]),
    ("delimiter a quote", "delimiter: '\"'\n", ["delimiter", "one character other than"]),
    ("delimiter a newline", 'delimiter: "\\n"\n', ["delimiter", "one character other than"]),
    ("numeric top-level key", "1: x\n", ["unknown key(s) 1", "allowed"]),
    ("repeated key", GOOD + "encoding: utf-8\nencoding: cp1252\n",
     ["'encoding' given twice", "lines 3 and 4"]),
    ("alias to a mapping", "a: &x {b: 1}\nconstants: *x\n",
     ["not valid YAML", "write the values out"]),
    ("deep nesting", "columns: " + "[" * 20_000 + "\n", ["not valid YAML"]),
    ("a list", "- columns\n", ["expected a mapping"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "text", "fragments"), BAD_MAPPINGS, ids=[b[0] for b in BAD_MAPPINGS]
)
def test_bad_mapping_files(tmp_path: Path, what: str, text: str, fragments: list[str]) -> None:
    mapping = tmp_path / "city.mapping.yaml"
    mapping.write_text(text, encoding="utf-8")
    _import_fails(tmp_path, mapping, fragments)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["not UTF-8", "YAML text"]),
        (b"columns: {a: amount_awarded}\n" + b"#" * (300 << 10), ["larger than 256 KiB"]),
    ],
)
def test_binary_or_huge_mapping_files(tmp_path: Path, content: bytes, fragments: list[str]):
    mapping = tmp_path / "city.mapping.yaml"
    mapping.write_bytes(content)
    _import_fails(tmp_path, mapping, fragments)


def _import_fails(tmp_path: Path, mapping: Path, fragments: list[str]) -> None:
    csv = tmp_path / "settlements.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'payouts.sqlite3'}"
    result = run(["payouts", "import", csv, "--mapping", mapping, "--db", url])
    assert_bad_input(result, str(mapping), *fragments)
    assert not (tmp_path / "payouts.sqlite3").exists()  # refused before the database opened


def test_settlement_import_refuses_devices_and_pipes(tmp_path: Path) -> None:
    """/dev/zero or a named pipe would be read forever: refused before reading."""
    import os

    fifo = tmp_path / "settlements.csv"
    os.mkfifo(fifo)
    url = f"sqlite:///{tmp_path / 'payouts.sqlite3'}"
    for path in ("/dev/zero", fifo):
        result = run(["payouts", "import", path, "--db", url])
        assert_bad_input(result, str(path), "not a regular file")


_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.text(max_size=12),
        st.sampled_from(["settlements", "officers", "utf-8", "base64", ";", "%m/%d/%Y",
                         "amount_awarded", "city", "state", "MO", "Amount"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=12,
)  # fmt: skip
_mappings = st.dictionaries(
    st.sampled_from(["columns", "constants", "date_format", "encoding", "delimiter", "kind"]),
    _values,
    max_size=6,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mapping=_mappings)
def test_random_mapping_files_never_give_a_traceback(tmp_path: Path, mapping: dict) -> None:
    path = tmp_path / "random.mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    csv = tmp_path / "settlements.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'random.sqlite3'}"
    result = run(["payouts", "import", csv, "--mapping", path, "--db", url])
    assert result.exit_code in (0, 2), result.stderr
