"""The two settlement readers store the same rows (issue 18: pyarrow is the optional
`fast-import` extra; without it Python's csv module reads the files).

Each test imports the same files twice, once with pyarrow (`reader="arrow"`) and once with the
csv module (`reader="csv"`, what an install without the extra uses), and compares every stored
column of every table: ids, file and line, row hashes, typed values, raw JSON, categories,
officer lists and the import log, and the reports (rows, new, present, bad rows with
file:line and reason).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from monell.payouts import importer
from monell.payouts.importer import ReaderError, choose_reader, import_files
from monell.payouts.tables import (
    settlement_categories,
    settlement_imports,
    settlement_officers,
    settlements,
)
from monell.storage.database import make_engine, migrate

from .realdata import EXPECTED_ROWS, REPO

TODAY = date(2026, 11, 25)
SHARED = REPO.parent / "shared" / "data" / "settlements"


def shared_files() -> list[Path]:
    """The team's copy of every city file (settlement lists and officer lists)."""
    return sorted(SHARED.glob("*/*.csv"))


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of the payouts tables, in id order (the import time left out)."""
    log = [c for c in settlement_imports.c if c.name != "imported_at"]
    queries = {
        "settlements": select(settlements).order_by(settlements.c.id),
        "categories": select(settlement_categories).order_by(
            settlement_categories.c.settlement_id, settlement_categories.c.category
        ),
        "officers": select(settlement_officers).order_by(settlement_officers.c.id),
        "imports": select(*log).order_by(settlement_imports.c.id),
    }
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(q)] for name, q in queries.items()}


def outcome(report: importer.ImportReport) -> list[tuple[Any, ...]]:
    return [
        (f.path, f.kind, f.sha256, f.rows, f.new, f.present, f.bad_rows, f.notes,
         [(p.line, p.reason, p.whole_file) for p in f.problems])
        for f in report.files
    ]  # fmt: skip


@functools.cache
def migrated_database() -> Path:
    """An empty migrated database to copy (migrating one per example is slow)."""
    path = Path(tempfile.mkdtemp(prefix="monell-readers-")) / "empty.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def both(tmp_path: Path, paths: list[Path], **options: Any) -> tuple[Any, Any]:
    """(reports, stored rows) of the arrow reader, then of the csv reader, same files."""
    results = []
    for reader in ("arrow", "csv"):
        database = tmp_path / f"{reader}.sqlite3"
        shutil.copyfile(migrated_database(), database)
        engine = make_engine(f"sqlite:///{database}")
        report = import_files(engine, paths, today=TODAY, reader=reader, **options)
        results.append((outcome(report), dump(engine)))
        engine.dispose()
    return results[0], results[1]


def test_both_readers_store_the_same_rows_from_every_real_file(tmp_path: Path) -> None:
    paths = shared_files()
    assert {p.name for p in paths} == set(EXPECTED_ROWS)
    (arrow_report, arrow_rows), (csv_report, csv_rows) = both(tmp_path, paths)
    assert csv_report == arrow_report
    assert [(f[0], f[3], f[4]) for f in csv_report] == [
        (str(p), EXPECTED_ROWS[p.name], EXPECTED_ROWS[p.name]) for p in paths
    ]
    for table in ("settlements", "categories", "officers", "imports"):
        assert csv_rows[table] == arrow_rows[table], table
    assert (len(csv_rows["settlements"]), len(csv_rows["officers"])) == (4140, 121)
    # Boston's file has line breaks written as a lone CR inside quoted cells; they survive.
    assert any("\\r" in row[-1] for row in csv_rows["settlements"])  # JSON-escaped


def test_both_readers_see_a_resaved_file_as_present(tmp_path: Path) -> None:
    [original] = sorted(SHARED.glob("*/stlouis_edited.csv"))
    resaved = tmp_path / "stlouis_resaved.csv"
    with original.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:  # a spreadsheet's dates and a different quoting and line end
        row[:] = [
            f"{int(c[5:7])}/{int(c[8:10])}/{c[:4]}" if len(c) == 10 and c[4] == "-" else c
            for c in row
        ]
    with resaved.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    for first, second in (("arrow", "csv"), ("csv", "arrow")):
        engine = make_engine(f"sqlite:///{tmp_path / f'{first}-{second}.sqlite3'}")
        migrate(engine)
        one = import_files(engine, [original], today=TODAY, reader=first)
        two = import_files(engine, [resaved], today=TODAY, reader=second)
        assert one.new == 14 and (two.new, two.present) == (0, 14), (first, second)
        engine.dispose()


# Cells as city files write them and as a careless export might: blanks, amounts in every
# form, dates, spacing, quotes, line breaks, state codes good and bad, NUL.
cell = st.one_of(
    st.sampled_from(
        ["", " ", "NA", "n/a", "-", "null", "2019", "2019.0", "FY2019", "5000", "$5,000.00",
         "(250)", "1e+05", "12.345", "lots", "2016-06-21", "6/21/2016", "2016-02-30",
         "1890-01-01", "Tulsa", " Tulsa  Police ", "ok", "OK", "ZZ", "ﬂ", "ıl", 'a "q"',
         "x\ny", "x\r\ny", "x\ry", "a\tb", "x\x00y", "Force:  excessive", "False arrest"]
    ),
    st.text(alphabet='ab ,"\n\t$-.0123', max_size=6),
)  # fmt: skip
HEADER = ["city", "state", "amount_awarded", "closed_date", "calendar_year",
          "summary_allegations", "agency"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.one_of(
            st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)),
            st.lists(cell, min_size=0, max_size=len(HEADER) + 1),  # the wrong width, blank lines
        ),
        min_size=1,
        max_size=25,
    ),
    ending=st.sampled_from(["\n", "\r\n"]),
    skip_bad=st.booleans(),
)
def test_both_readers_agree_on_any_file(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], ending: str, skip_bad: bool
) -> None:
    folder = tmp_path_factory.mktemp("readers")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(HEADER)
    for row in rows:
        if row:
            writer.writerow(row)
        else:
            out.write(ending)
    path = folder / "any.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    arrow, plain = both(folder, [path], skip_bad=skip_bad)
    assert plain == arrow


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
@pytest.mark.parametrize("skip_bad", [False, True])
def test_a_quote_never_closed_is_refused_by_both_readers(
    tmp_path: Path, ending: str, skip_bad: bool
) -> None:
    """pyarrow reads a quote left open to the end of the file as one cell holding the rest of
    the file: five settlements would be stored as one, silently. Both readers refuse the file
    and store nothing."""
    lines = [
        "calendar_year,city,state,closed_date,amount_awarded,summary_allegations",
        '2016,St. Louis,MO,2016-06-21,5000,"Force, 5\'10"" tall',
        *(f"2016,St. Louis,MO,2016-06-2{i},{i}000,excessive force" for i in range(5)),
    ]
    text = (ending or "\n").join(lines) + ending
    path = tmp_path / "open_quote.csv"
    path.write_bytes(text.encode("utf-8"))
    (arrow_report, arrow_rows), (csv_report, csv_rows) = both(tmp_path, [path], skip_bad=skip_bad)
    assert arrow_rows == csv_rows
    assert arrow_rows["settlements"] == []
    for report in (arrow_report, csv_report):
        [(_path, _kind, _sha, _rows, new, _present, _bad, _notes, problems)] = report
        assert new == 0
        assert [whole for _line, _reason, whole in problems] == [True]
    [(_line, reason, _whole)] = arrow_report[0][-1]
    assert "line 2" in reason and "never closed" in reason


def test_an_unreadable_file_is_reported_at_the_line_where_reading_stopped(
    tmp_path: Path,
) -> None:
    """A data engineer opens the file at the line named: the row whose quote is never
    closed, not line 1."""
    lines = [
        "calendar_year,city,state,closed_date,amount_awarded,summary_allegations",
        *(f"2016,St. Louis,MO,2016-06-21,{i}00,excessive force" for i in range(1, 31)),
        '2016,St. Louis,MO,2016-06-21,5000,"Force, 5\'10"" tall',
        "2016,St. Louis,MO,2016-06-22,7000,false arrest",
    ]
    path = tmp_path / "late_quote.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    arrow, plain = both(tmp_path, [path])
    for report, _rows in (arrow, plain):
        [(line, _reason, whole)] = report[0][-1]
        assert (line, whole) == (32, True)


def test_the_reader_is_chosen_by_what_is_installed_or_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(importer.READER_ENV, raising=False)
    assert choose_reader() == "arrow"  # this environment has the fast-import extra
    monkeypatch.setenv(importer.READER_ENV, "csv")
    assert choose_reader() == "csv"
    assert choose_reader("arrow") == "arrow"  # an explicit choice wins over the variable
    with pytest.raises(ReaderError, match="reader=pandas: unknown settlement reader"):
        choose_reader("pandas")
    monkeypatch.setattr(importer.importlib.util, "find_spec", lambda name: None)
    monkeypatch.delenv(importer.READER_ENV)
    assert choose_reader() == "csv"
    with pytest.raises(ReaderError, match=r"pip install 'monell\[fast-import\]'"):
        choose_reader("arrow")


def test_a_bad_reader_variable_is_a_usage_error(tmp_path: Path, db_url: str) -> None:
    from click.testing import CliRunner

    from monell.cli.main import cli

    [path] = sorted(SHARED.glob("*/stlouis_edited.csv"))
    runner = CliRunner()
    done = runner.invoke(
        cli, ["payouts", "import", "--db", db_url, str(path)], env={importer.READER_ENV: "pandas"}
    )
    assert done.exit_code == 2, done.output
    assert "MONELL_PAYOUTS_READER=pandas: unknown settlement reader; use arrow or csv" in (
        done.output
    )


def test_the_variable_makes_an_import_use_the_csv_module(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monell.payouts import arrow

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the columnar reader was used")

    monkeypatch.setattr(arrow, "ArrowSource", refuse)
    monkeypatch.setenv(importer.READER_ENV, "csv")
    [path] = sorted(SHARED.glob("*/milwaukee_edited.csv"))
    report = import_files(engine, [path], today=TODAY)
    assert report.ok and report.new == EXPECTED_ROWS[path.name]


# Makes pyarrow and numpy impossible to import, as in an install without `fast-import`.
SHIM = "import sys\nfor _m in ('pyarrow', 'numpy'):\n    sys.modules[_m] = None\n"


def test_an_install_without_pyarrow_imports_the_same_rows(tmp_path: Path) -> None:
    """`monell payouts import` in a process where pyarrow and numpy cannot be imported stores
    what the columnar reader stores; `monell assess` runs there too."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONELL_")}
    env["PYTHONPATH"] = os.pathsep.join([str(shim), str(REPO / "src")])
    paths = [p for p in shared_files() if p.name.startswith(("boston", "stlouis", "roanoke"))]
    assert len(paths) == 4
    lean = f"sqlite:///{tmp_path / 'lean.sqlite3'}"

    def monell(*args: str) -> subprocess.CompletedProcess[str]:
        code = "from monell.cli.main import main; main()"
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    probe = subprocess.run(
        [sys.executable, "-c", "import pyarrow"], env=env, capture_output=True, text=True
    )
    assert probe.returncode != 0 and "pyarrow" in probe.stderr
    done = monell("payouts", "import", "--db", lean, *map(str, paths))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lean_engine = make_engine(lean)
    full_engine = make_engine(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    migrate(full_engine)
    assert import_files(full_engine, paths, reader="arrow").ok
    got, expected = dump(lean_engine), dump(full_engine)
    assert got["settlements"] and got == expected
    lean_engine.dispose()
    full_engine.dispose()
    example = REPO / "examples" / "st_louis_excessive_force.yaml"
    done = monell("assess", str(example), "--format", "md")
    assert done.returncode == 0, done.stderr
    assert "Graham v. Connor" in done.stdout
