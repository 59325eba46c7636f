"""One rule for a decision date on all three corpus paths (bulk CSV, sample JSONL, REST API):
YYYY-MM-DD, optionally with a time. Before, bulk read only the first ten characters
(`2015-11-09garbage` loaded), JSONL took any form `date.fromisoformat` knows (`2015-W45-1`,
`20151109`) and the API path its own slice; a bad date is now refused on each path before
anything is written, naming the place (file:line, record) and the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from monell.cli.main import cli
from monell.corpus.records import parse_day

from .conftest import FIXTURES, SHARED_OPINIONS

BAD_DAYS = [
    "2015-02-30",  # no such day
    "0000-01-01",  # no year 0
    "2015-11-09garbage",
    "2015-W45-1",  # ISO week date: fromisoformat takes it
    "20151109",  # compact: fromisoformat takes it
    "11/09/2015",  # a spreadsheet's re-save
    "2015-11-9",
    " 2015-11-09",
    "2015-11-09\n",
    "",
]
GOOD_DAYS = [
    ("2015-11-09", date(2015, 11, 9)),
    ("2015-11-09T00:00:00-08:00", date(2015, 11, 9)),  # the API's form
    ("2024-05-01 03:12:45.123456+00", date(2024, 5, 1)),  # bulk exports' timestamps
    ("2015-11-09T00:00:00Z", date(2015, 11, 9)),
]


@pytest.mark.parametrize("value", BAD_DAYS)
def test_bad_days_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        parse_day(value)


@pytest.mark.parametrize(("value", "expected"), GOOD_DAYS)
def test_good_days(value: str, expected: date) -> None:
    assert parse_day(value) == expected


@given(st.dates())
def test_every_date_round_trips_with_or_without_a_time(day: date) -> None:
    assert parse_day(day.isoformat()) == day
    assert parse_day(f"{day.isoformat()}T12:30:00+05:00") == day


@given(st.text(max_size=40))
def test_any_text_is_a_date_of_its_first_ten_characters_or_a_value_error(text: str) -> None:
    try:
        day = parse_day(text)
    except ValueError:
        return
    assert day.isoformat() == text[:10]


def _run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("value", ["2015-11-09garbage", "1985-W13-3", "19850327"])
def test_a_bad_day_is_refused_on_the_bulk_and_jsonl_paths(
    tmp_path: Path, db_url: str, value: str
) -> None:
    bulk = FIXTURES / "bulk" / "opinion-clusters-2024-05-01.csv"
    text = bulk.read_text(encoding="utf-8")
    assert '"1985-03-27"' in text  # Tennessee v. Garner, line 3
    clusters = tmp_path / bulk.name
    clusters.write_text(text.replace('"1985-03-27"', f'"{value}"', 1), encoding="utf-8")
    code, out = _run("corpus", "load", clusters, "--db", db_url, "--no-link")
    assert code == 2, out
    assert f"{clusters}:3:" in out and "'date_filed'" in out and "not a YYYY-MM-DD" in out

    with (SHARED_OPINIONS / "scotus.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(next(handle)) for _ in range(2)]
    records[1]["date_filed"] = value
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out = _run("corpus", "load", sample, "--db", db_url, "--no-link")
    assert code == 2, out
    assert f"{sample}:2:" in out and "'date_filed'" in out
    code, out = _run("corpus", "status", "--db", db_url)
    assert code == 0 and "clusters: 0\nopinions: 0\n" in out, out  # nothing half-written
