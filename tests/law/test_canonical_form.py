"""Every law data file is in one canonical form, so that a change of law is a one-line diff.

Canonical: UTF-8, LF line ends, a newline at the end, the contracted header in order, rows
sorted by the file's key with no duplicates, no leading or trailing spaces in any field,
non-empty sources and a confidence from SOURCES.md's vocabulary on every row.
"""

from __future__ import annotations

import csv
import io

import pytest

from monell.domain.vocabulary import Confidence
from tests.law.conftest import CONTRACT, DATA, read_rows

FILES = sorted(CONTRACT)


@pytest.mark.parametrize("name", FILES)
def test_file_is_utf8_with_lf_and_final_newline(name: str) -> None:
    raw = (DATA / name).read_bytes()
    raw.decode("utf-8")  # raises on anything else
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name}: remove the byte-order mark"
    assert b"\r" not in raw, f"{name}: use LF line ends"
    assert raw.endswith(b"\n") and not raw.endswith(b"\n\n"), f"{name}: end with one newline"


@pytest.mark.parametrize("name", FILES)
def test_header_is_the_contract(name: str) -> None:
    header = (DATA / name).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == CONTRACT[name][0]


@pytest.mark.parametrize("name", FILES)
def test_rows_sorted_by_key_without_duplicates(name: str) -> None:
    key = CONTRACT[name][1]
    keys = [tuple(row[k] for k in key) for row in read_rows(name)]
    assert keys == sorted(keys), f"{name}: sort rows by {key}"
    assert len(keys) == len(set(keys)), f"{name}: duplicate {key}"


@pytest.mark.parametrize("name", FILES)
def test_no_stray_spaces_and_consistent_quoting(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), start=1):
        assert line == line.rstrip(), f"{name}:{n}: trailing whitespace"
    rows = read_rows(name)
    for n, row in enumerate(rows, start=2):
        for column, value in row.items():
            assert value == value.strip(), f"{name}:{n} {column}: leading/trailing space"
            assert "\n" not in value, f"{name}:{n} {column}: line break inside a field"
    # Re-writing with the csv module's minimal quoting reproduces the file byte for byte.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CONTRACT[name][0], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert out.getvalue() == text, f"{name}: not in csv-module canonical quoting"


@pytest.mark.parametrize("name", FILES)
def test_every_row_has_sources_and_a_valid_confidence(name: str) -> None:
    allowed = {c.value for c in Confidence}
    assert allowed == {"confirmed", "single_source", "disputed", "unverified"}
    for n, row in enumerate(read_rows(name), start=2):
        assert row["sources"].strip(), f"{name}:{n}: sources is empty"
        assert row["confidence"] in allowed, f"{name}:{n}: confidence {row['confidence']!r}"


def test_disputed_periods_say_why() -> None:
    for n, row in enumerate(read_rows("limitations.csv"), start=2):
        if row["confidence"] == "disputed":
            assert row["notes"], f"limitations.csv:{n}: a disputed row needs notes saying how"
