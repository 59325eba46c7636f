"""Bad input: file:line and the reason for every bad row, exit 2, database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from monell.cli.main import cli
from monell.payouts.importer import import_files
from monell.payouts.tables import settlement_imports, settlements

from .realdata import city_file

HEADER = "calendar_year,city,state,closed_date,amount_awarded,summary_allegations\n"
GOOD = "2016,St. Louis,MO,2016-06-21,5000,Civil Rights\n"


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(settlements)).scalar_one())


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


BAD_FILES = [
    (
        "bad_amount.csv",
        HEADER + GOOD + "2016,St. Louis,MO,2016-07-01,ten grand,x\n",
        ":3: column 'amount_awarded': 'ten grand' is not an amount",
    ),
    (
        "bad_date.csv",
        HEADER + GOOD + "2016,St. Louis,MO,2016-31-12,5000,x\n",
        ":3: column 'closed_date': '2016-31-12' is not a date",
    ),
    (
        "no_city.csv",
        "calendar_year,state,amount_awarded\n2016,MO,5\n",
        ":1: missing required column 'city'",
    ),
    (
        "no_amount.csv",
        "city,state,summary_allegations\nSt. Louis,MO,x\n",
        ":1: missing required column 'amount_awarded'",
    ),
    ("empty.csv", "", ":1: empty file"),
    ("not_a_csv.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a CSV text file"),
    ("ragged.csv", HEADER + GOOD + "2016,St. Louis,MO\n", ":3: the row has 3 cells"),
    (
        "bad_state.csv",
        HEADER + "2016,Springfield,XX,2016-06-21,5,x\n",
        ":2: state 'XX' is not a US state code",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_rejected_whole(
    tmp_path: Path, engine: Engine, db_url: str, name: str, content: str | bytes, message: str
) -> None:
    good = city_file("stlouis_edited.csv")
    assert import_files(engine, [good]).ok
    before = _count(engine)
    bad = _write(tmp_path, name, content)
    result = CliRunner().invoke(cli, ["payouts", "import", "--db", db_url, str(good), str(bad)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert f"{bad}:" in result.output  # file:line
    assert "nothing imported: the database is unchanged" in result.output
    assert "Traceback" not in result.output
    assert _count(engine) == before


def test_every_bad_row_is_listed(tmp_path: Path, engine: Engine) -> None:
    bad = _write(
        tmp_path,
        "two_bad.csv",
        HEADER + GOOD + "2016,St. Louis,MO,2016-07-01,ten,x\n" + GOOD + "20x6,St. Louis,MO,,5,x\n",
    )
    report = import_files(engine, [bad])
    assert not report.ok
    assert [(p.line, p.reason.split(":")[0]) for p in report.files[0].problems] == [
        (3, "column 'amount_awarded'"),
        (5, "column 'calendar_year'"),
    ]
    assert _count(engine) == 0


def test_skip_bad_loads_the_rest_and_says_what_it_skipped(
    tmp_path: Path, engine: Engine, db_url: str
) -> None:
    bad = _write(
        tmp_path, "some_bad.csv", HEADER + GOOD + "2016,St. Louis,MO,2016-07-01,ten,x\n" + GOOD
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["payouts", "import", "--db", db_url, "--skip-bad", str(bad)])
    assert result.exit_code == 0, result.output
    assert "3 rows: 2 new, 0 already present, 1 skipped" in result.output
    assert f"{bad}:3: column 'amount_awarded'" in result.output
    assert _count(engine) == 2
    with engine.connect() as conn:
        skipped = conn.execute(select(settlement_imports.c.skipped_rows)).scalar_one()
    assert skipped == 1
    again = runner.invoke(
        cli, ["payouts", "import", "--db", db_url, "--skip-bad", "--format", "json", str(bad)]
    )
    data = json.loads(again.output)
    assert (data["new"], data["already_present"], data["files"][0]["skipped"]) == (0, 2, 1)


def test_skip_bad_does_not_load_an_unreadable_file(tmp_path: Path, engine: Engine) -> None:
    empty = _write(tmp_path, "empty.csv", "")
    report = import_files(engine, [city_file("stlouis_edited.csv"), empty], skip_bad=True)
    assert not report.ok
    assert _count(engine) == 0


def test_missing_path_and_bad_db_url_are_usage_errors(tmp_path: Path, db_url: str) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["payouts", "import", "--db", db_url, str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    assert "cannot open" in missing.output
    bad_url = runner.invoke(
        cli, ["payouts", "import", "--db", "mysql://x/y", str(city_file("stlouis_edited.csv"))]
    )
    assert bad_url.exit_code == 2
    assert "not supported" in bad_url.output


def test_windows_1252_file_is_read_and_says_so(tmp_path: Path, engine: Engine, db_url: str) -> None:
    path = _write(
        tmp_path,
        "cp1252.csv",
        (HEADER + "2016,St. Louis,MO,2016-06-21,5000,Peña v. City \u2013 “force”\n").encode(
            "cp1252"
        ),
    )
    result = CliRunner().invoke(cli, ["payouts", "import", "--db", db_url, str(path)])
    assert result.exit_code == 0, result.output
    assert "note: not valid UTF-8: read as Windows-1252 (cp1252)" in result.output
    with engine.connect() as conn:
        text = conn.execute(select(settlements.c.summary_allegations)).scalar_one()
    assert text == "Peña v. City \u2013 “force”"


def test_utf8_with_bom_is_plain_utf8(tmp_path: Path, engine: Engine) -> None:
    path = _write(tmp_path, "bom.csv", ("\ufeff" + HEADER + GOOD).encode("utf-8"))
    report = import_files(engine, [path])
    assert report.ok and report.new == 1 and report.files[0].notes == []


def test_a_file_of_bad_rows_lists_the_first_thousand(tmp_path: Path, engine: Engine) -> None:
    path = _write(tmp_path, "all_bad.csv", HEADER + "2016,St. Louis,MO,,lots,x\n" * 1500)
    report = import_files(engine, [path])
    (file_report,) = report.files
    assert not report.ok
    assert (file_report.bad_rows, len(file_report.problems), file_report.unlisted) == (
        1500,
        1000,
        500,
    )
    assert file_report.problems[-1].line == 1001


def test_import_settings_do_not_outlive_the_import(engine: Engine, tmp_path: Path) -> None:
    # The pooled connection goes back with SQLite's defaults, not the import's 256 MB cache,
    # after a good import and after a rejected one alike.
    def settings() -> tuple[int, int]:
        with engine.connect() as conn:
            return (
                conn.exec_driver_sql("PRAGMA cache_size").scalar_one(),
                conn.exec_driver_sql("PRAGMA temp_store").scalar_one(),
            )

    assert import_files(engine, [city_file("stlouis_edited.csv")]).new == 14
    assert settings() == (-2000, 0)
    bad = _write(tmp_path, "bad.csv", "city,state,amount_awarded\nSt. Louis,MO,lots\n")
    assert not import_files(engine, [bad]).ok
    assert settings() == (-2000, 0)
    assert _count(engine) == 14
