"""The columnar importer (issue 17): same answers as the row-by-row parser, lines counted as
Python's csv module counts them, a spreadsheet re-save adds nothing, a repeated header column
is refused."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from monell.cli.main import cli
from monell.payouts import vector
from monell.payouts.columns import resolve_layout
from monell.payouts.importer import import_files, legacy_row_hash, raw_json
from monell.payouts.parse import (
    CellError,
    clean_text,
    is_blank,
    parse_amount,
    parse_date,
    parse_year,
    to_cents,
)
from monell.payouts.tables import settlements

from .realdata import SETTLEMENTS, all_city_files, city_file

TODAY = date(2026, 11, 25)

# Cell text as the files write it, and as anything else might: the parsers must agree on all.
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "NA", "n/a", " - ", "—", "null", "#N/A", "\u00a0", "\x1c", " x\r\ny ", "\r"]
    ),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.decimals(min_value=-(10**14), max_value=10**14, places=4).map(str),
    st.integers(min_value=-(10**14), max_value=10**14).map(lambda n: f"{n:,}"),
    st.builds(lambda n: f"(${n:,.2f})", st.integers(0, 10**9)),
    st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [d.isoformat(), f"{d.month}/{d.day}/{d.year}", d.strftime("%m/%d/%y"), f"{d} 0:00"]
        )
    ),
    st.integers(1850, 2100).flatmap(lambda y: st.sampled_from([str(y), f"{y}.0", f"FY{y}"])),
)


def _row_wise(parse, cell):  # a parser of parse.py and the cell
    try:
        return parse(cell), False
    except CellError:
        return None, True


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, min_size=1, max_size=30))
def test_columns_parse_as_the_row_parser_does(column: list[str]) -> None:
    array = pa.array(column, pa.string())
    assert vector.blank(array).to_pylist() == [is_blank(c) for c in column]
    assert vector.text(array).to_pylist() == [clean_text(c) for c in column]
    money, bad = vector.cents(array)
    expected = [_row_wise(lambda c: to_cents(parse_amount(c)), c) for c in column]
    assert list(zip(money.to_pylist(), bad.to_pylist(), strict=True)) == expected
    days, bad = vector.dates(array, None, TODAY)
    expected = [_row_wise(lambda c: parse_date(c, today=TODAY), c) for c in column]
    assert list(zip(days.to_pylist(), bad.to_pylist(), strict=True)) == expected
    years, bad = vector.years(array, TODAY, {})
    expected = [_row_wise(lambda c: parse_year(c, today=TODAY), c) for c in column]
    assert list(zip(years.to_pylist(), bad.to_pylist(), strict=True)) == expected


def test_whitespace_is_what_str_strip_removes() -> None:
    every = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert every == vector.WHITESPACE


@given(st.lists(st.text(), min_size=1, max_size=10))
def test_raw_json_is_json_dumps(column: list[str]) -> None:
    literals = vector.json_string(pa.array(column, pa.string())).to_pylist()
    assert literals == [json.dumps(c, ensure_ascii=False) for c in column]


# A CSV cell: plain, or quoted with commas, quotes and line breaks of every kind inside.
csv_cells = st.one_of(
    st.text(alphabet="abc 12.-", max_size=6),
    st.text(alphabet='ab,"\n\r ', max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.one_of(st.just(None), st.lists(csv_cells, min_size=2, max_size=2)),
        min_size=1,
        max_size=12,
    ),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_lines_are_counted_as_python_csv_counts_them(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str] | None], ending: str
) -> None:
    """Each stored row's `source_line` is where Python's csv module says it starts, whatever
    the blank lines and the line breaks inside quoted cells."""
    out = io.StringIO()
    # csv.writer leaves a lone CR unquoted when the line end is LF, which no reader can take
    # back; quoting every cell keeps the file a valid CSV.
    lone_cr = any("\r" in cell for row in rows if row for cell in row)
    writer = csv.writer(
        out, lineterminator=ending, quoting=csv.QUOTE_ALL if lone_cr else csv.QUOTE_MINIMAL
    )
    writer.writerow(["city", "state", "amount_awarded", "summary_allegations", "matter_name"])
    for row in rows:
        if row is None:
            out.write(ending)  # a blank line: not a row, but a line
        else:
            writer.writerow(["Tulsa", "OK", "5", *row])
    path = tmp_path_factory.mktemp("lines") / "t.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))

    expected = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        previous = 0
        for cells_read in reader:
            if previous and any(c.strip() for c in cells_read):
                expected.append(previous + 1)
            previous = reader.line_num

    from monell.storage.database import make_engine, migrate

    engine = make_engine(f"sqlite:///{path.with_suffix('.sqlite3')}")
    migrate(engine)
    report = import_files(engine, [path])
    assert report.ok, [str(p) for p in report.files[0].problems]
    with engine.connect() as conn:
        stored = conn.execute(select(settlements.c.source_line).order_by(settlements.c.id))
        assert list(stored.scalars()) == expected
    engine.dispose()


def test_bad_rows_keep_their_lines_among_blank_and_multiline_rows(
    tmp_path: Path, engine: Engine
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "city,state,amount_awarded,summary_allegations\r\n"
        'Tulsa,OK,5,"two\r\nlines"\r\n'
        "\r\n"
        "Tulsa,OK\r\n"  # line 5: a cell short
        'Tulsa,OK,lots,"x"\r\n'  # line 6: not an amount
        ",,,\r\n"  # a blank row
        "Tulsa,OK,7,x\r\n",
        encoding="utf-8",
    )
    report = import_files(engine, [path], skip_bad=True)
    assert [(p.line, p.reason.split(" (")[0]) for p in report.files[0].problems] == [
        (5, "the row has 2 cells but the header has 4 columns"),
        (6, "column 'amount_awarded': 'lots' is not an amount"),
    ]
    assert (report.files[0].rows, report.new) == (4, 2)
    with engine.connect() as conn:
        lines = conn.execute(select(settlements.c.source_line).order_by(settlements.c.id))
        assert list(lines.scalars()) == [2, 8]


def _resave(source: Path, target: Path) -> int:
    """What a spreadsheet does on "Save as CSV": dates as M/D/YYYY, amounts with two decimals
    and a thousands separator, every cell quoted, Windows line ends. Returns rows changed."""
    changed = 0
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    for row in body:
        before = list(row)
        for i, name in enumerate(header):
            value = row[i]
            if name.endswith("_date") and len(value) == 10 and value[4] == "-":
                day = date.fromisoformat(value)
                row[i] = f"{day.month}/{day.day}/{day.year}"
            elif name in ("amount_awarded", "other_expenses", "total_incurred") and value:
                with contextlib.suppress(ArithmeticError):
                    row[i] = f"${Decimal(value):,.2f}"
        changed += row != before
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, *body])
    return changed


SHARED_SETTLEMENTS = SETTLEMENTS.parents[2] / "shared" / "data" / "settlements"


@pytest.mark.parametrize("name", ["stlouis_edited.csv", "milwaukee_edited.csv"])
def test_a_resaved_file_adds_nothing(tmp_path: Path, engine: Engine, name: str) -> None:
    # The team's copy of the city file (../shared/data/settlements), as a city sent it.
    [original] = sorted(SHARED_SETTLEMENTS.glob(f"*/{name}"))
    resaved = tmp_path / name
    assert _resave(original, resaved) > 0  # the re-save did rewrite dates and amounts
    first = import_files(engine, [original])
    assert first.ok and first.new > 0
    again = import_files(engine, [resaved])
    assert again.ok, [str(p) for p in again.files[0].problems]
    assert (again.new, again.present) == (0, first.new)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(settlements)).scalar_one()
    assert count == first.new


def test_a_repeated_header_column_is_refused_with_file_and_line(
    tmp_path: Path, db_url: str
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("city,state,amount_awarded,city\nTulsa,OK,5,Tulsa\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["payouts", "import", "--db", db_url, str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:1: duplicate column 'city' in the header (columns 1 and 4)" in result.output
    assert "Traceback" not in result.output


def _expected_totals() -> dict[tuple[str, str, int | None], list[int]]:
    """Per city and year: rows and summed cents, read row by row with Python's csv module and
    the row parser (`Layout.extract`) — the importer's code path before issue 17."""
    totals: dict[tuple[str, str, int | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for path in all_city_files():
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            layout = resolve_layout(header, None)
            if layout.kind.value == "officers":
                continue
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                values, problems = layout.extract(cells, TODAY)
                assert not problems
                closed = values["closed_date"]
                year = values["calendar_year"] or (closed.year if closed else None)
                bucket = totals[values["city"], values["state"], year]
                bucket[0] += 1
                for i, name in enumerate(("amount_awarded", "other_expenses", "total_incurred")):
                    bucket[i + 1] += to_cents(values[name]) or 0
    return dict(totals)


def test_every_real_file_gives_the_row_parsers_totals(engine: Engine) -> None:
    assert SETTLEMENTS.exists()
    assert import_files(engine, all_city_files()).ok
    s = settlements.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                s.city,
                s.state,
                s.calendar_year,
                func.count(),
                func.coalesce(func.sum(s.amount_awarded_cents), 0),
                func.coalesce(func.sum(s.other_expenses_cents), 0),
                func.coalesce(func.sum(s.total_incurred_cents), 0),
            ).group_by(s.city, s.state, s.calendar_year)
        ).all()
        raws = conn.execute(select(s.source_file, s.source_line, s.raw)).all()
    got = {(r[0], r[1], r[2]): [r[3], r[4], r[5], r[6]] for r in rows}
    assert got == _expected_totals()
    # The stored source row is json.dumps of the cells, sorted by column, as before.
    by_file: dict[str, dict[int, str]] = defaultdict(dict)
    for source_file, line, raw in raws:
        by_file[source_file][line] = raw
    for path in all_city_files()[:6]:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            previous = reader.line_num
            for cells_read in reader:
                stored = by_file[path.name].get(previous + 1)
                if stored is not None:
                    assert stored == raw_json(dict(zip(header, cells_read, strict=True)))
                previous = reader.line_num


def test_a_database_filled_before_the_normalised_hash_does_not_count_a_file_twice(
    engine: Engine,
) -> None:
    # Stand-in for a database an older Monell filled: the same rows under the older
    # row_hash (line, mapping constants, raw cells).
    path = city_file("milwaukee_edited.csv")
    first = import_files(engine, [path])
    assert first.ok
    with engine.begin() as conn:
        rows = conn.execute(select(settlements.c.id, settlements.c.source_line, settlements.c.raw))
        for row_id, line, raw in rows.all():
            conn.execute(
                settlements.update()
                .where(settlements.c.id == row_id)
                .values(row_hash=legacy_row_hash(line, raw, "{}"))
            )
    again = import_files(engine, [path])
    assert again.ok and (again.new, again.present) == (0, first.new)


def test_a_file_of_rows_with_the_wrong_shape_is_refused_without_holding_them(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows the reader refuses wait for their line number; past the cap the file is refused
    # whole (a semicolon export read with commas), so memory does not grow with it.
    from monell.payouts import arrow

    monkeypatch.setattr(arrow.ArrowReader, "MAX_REFUSED", 50)
    path = tmp_path / "semicolons.csv"
    path.write_text("city,state,amount_awarded\n" + "Tulsa;OK;5\n" * 200, encoding="utf-8")
    report = import_files(engine, [path], reader="arrow")
    [problem] = report.files[0].problems
    assert problem.whole_file and "more than 50 rows do not have the header's 3 cells" in str(
        problem
    )
    few = tmp_path / "few.csv"
    few.write_text("city,state,amount_awarded\n" + "Tulsa;OK;5\n" * 20, encoding="utf-8")
    report = import_files(engine, [few], reader="arrow")
    assert report.files[0].bad_rows == 20 and report.files[0].problems[0].line == 2
