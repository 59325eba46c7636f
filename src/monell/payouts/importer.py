"""Stream settlement CSV files into the database: idempotent, all-or-nothing, in batches.

Why it is built this way (issue 17: the row-by-row importer ran at 0.015-0.04x the speed of
pandas.read_csv):
- A file is read in batches, with pyarrow in columns (`arrow.py`, the `fast-import` extra)
  or, without pyarrow, with Python's csv module (`plain.py`); both give the same rows, lines,
  raw JSON, categories and row hashes. `reader=` (or MONELL_PAYOUTS_READER=arrow|csv, for
  tests and benchmarks) chooses one; by default pyarrow when it is installed.
- Rows go to the database in bulk: one `executemany` per batch on SQLite, `COPY` into a
  staging table on PostgreSQL, rows already present skipped by the unique `row_hash` index.
- A row's identity (`row_hash`) is the SHA-256 of its place among the file's data rows and
  its *normalised* values: dates as dates, amounts in cents, text with its spacing
  collapsed. A spreadsheet that re-saves the file (dates written 6/21/2016, amounts 5000.00
  or $5,000.00) changes none of them, so re-importing it adds nothing. The file's name is not
  part of it: the same file under another path is the same data. A revised export whose rows
  moved is new data and imports as new rows.
- The whole command runs in one transaction. A row that cannot be parsed is reported with
  file:line and the reason; unless `skip_bad` is set, every file is rolled back and the
  database is as it was.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Connection, Engine, insert
from sqlalchemy import text as sql_text

from monell.payouts.categories import default_categoriser
from monell.payouts.columns import (
    ColumnMapping,
    FileKind,
    Layout,
    LayoutError,
    resolve_layout,
)
from monell.payouts.rows import (
    MAX_LISTED,
    OFFICER_COLUMNS,
    SETTLEMENT_COLUMNS,
    FileReport,
    RowProblem,
    Rows,
    raw_json,
)
from monell.payouts.tables import settlement_imports, settlement_officers, settlements
from monell.storage.writelock import begin_write

__all__ = [
    "MAX_LISTED",
    "FileReport",
    "ImportReport",
    "RowProblem",
    "import_files",
    "legacy_row_hash",
    "raw_json",
]

BATCH_SIZE = 50_000  # rows per INSERT statement (executemany) or COPY
IMPORT_CACHE_KIB = 256 * 1024  # SQLite page cache during an import (a fixed cap, not per row)
READERS = ("arrow", "csv")
READER_ENV = "MONELL_PAYOUTS_READER"  # arrow | csv: which reader (tests, benchmarks)
MEMO_LIMIT = 100_000  # (summary, matter) pairs whose categories are remembered per file
# The csv module's cap (128 KiB by default) is process-wide: raise it, never lower it below what
# another layer set (the corpus loader reads opinion texts of many megabytes).
csv.field_size_limit(max(csv.field_size_limit(), 10_000_000))


class ReaderError(click.UsageError):
    """An unknown reader name, or the columnar reader asked for without pyarrow: a usage
    error (exit 2 in the CLI) naming where the choice came from and the fix."""


def choose_reader(reader: str | None = None) -> str:
    """`arrow` when pyarrow is installed (or asked for), else `csv`; MONELL_PAYOUTS_READER
    overrides the default."""
    where = "reader="
    wanted = reader
    if not wanted and os.environ.get(READER_ENV):
        where, wanted = f"{READER_ENV}=", os.environ[READER_ENV]
    if wanted and wanted not in READERS:
        raise ReaderError(
            f"{where}{wanted}: unknown settlement reader; use {' or '.join(READERS)}"
            + (f", or unset {READER_ENV}" if where != "reader=" else "")
        )
    have_arrow = all(importlib.util.find_spec(m) is not None for m in ("pyarrow", "numpy"))
    if wanted == "arrow" and not have_arrow:
        raise ReaderError(
            f"{where}arrow: the columnar reader needs the optional `fast-import` extra (pyarrow "
            "not installed): pip install 'monell[fast-import]'"
        )
    return wanted or ("arrow" if have_arrow else "csv")


@dataclass(frozen=True)
class ImportReport:
    files: tuple[FileReport, ...]
    skip_bad: bool

    @property
    def ok(self) -> bool:
        """True when the database now holds the files' rows (all, or all good ones)."""
        if self.skip_bad:
            return not any(f.unreadable for f in self.files)
        return not any(f.rejected for f in self.files)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def present(self) -> int:
        return sum(f.present for f in self.files)


class ImportRejected(Exception):
    """Raised inside the transaction to roll it back; carries the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import rejected")
        self.report = report


def import_files(
    engine: Engine,
    paths: Sequence[Path],
    mapping: ColumnMapping | None = None,
    *,
    skip_bad: bool = False,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    reader: str | None = None,
) -> ImportReport:
    """Import every file in one transaction; see the module docstring for the guarantees.

    `reader`: "arrow" (pyarrow, the `fast-import` extra) or "csv" (Python's csv module);
    None chooses (`choose_reader`). Both store the same rows.
    """
    today = today or date.today()
    reader = choose_reader(reader)
    reports: list[FileReport] = []
    try:
        with engine.connect() as conn, _import_pragmas(conn), conn.begin():
            # The rows go in through the driver, which the write-lock hooks do not see: take
            # the lock (SQLite: BEGIN IMMEDIATE) now, so the transaction holds every statement
            # from here and a waiting writer can name this one.
            begin_write(conn)
            for path in paths:
                report = FileReport(path=str(path))
                reports.append(report)
                _import_one(conn, path, mapping, report, skip_bad, today, batch_size, reader)
            result = ImportReport(tuple(reports), skip_bad)
            if not result.ok:
                raise ImportRejected(result)
            for report in reports:
                if report.new:
                    _log(conn, report, today)
    except ImportRejected as rejected:
        for report in rejected.report.files:
            report.new = 0
        return rejected.report
    return result


@contextmanager
def _import_pragmas(conn: Connection) -> Iterator[None]:
    """SQLite settings for the length of one import, then the defaults again: the connection
    goes back to the pool and must not keep a 256 MB cache in a long-lived process.

    A bounded page cache big enough for the row_hash index's upper levels: past a few million
    rows the default 2 MB made every insert a page miss. Each multi-row INSERT keeps a
    statement journal (to undo itself alone); in memory it is a few MB, on disk it wrote
    1.75 GB of temp files per 200k rows.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
    conn.commit()  # ends SQLAlchemy's autobegun transaction; the import begins its own
    try:
        yield
    finally:  # the import's transaction has ended (committed or rolled back) by now
        conn.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default
        conn.exec_driver_sql("PRAGMA temp_store=DEFAULT")
        conn.commit()


def _import_one(
    conn: Connection,
    path: Path,
    mapping: ColumnMapping | None,
    report: FileReport,
    skip_bad: bool,
    today: date,
    batch_size: int,
    reader: str,
) -> None:
    delimiter = mapping.delimiter if mapping else ","
    try:
        sha256, lone_cr = _scan(path)
    except OSError as exc:
        report.problems.append(
            RowProblem(str(path), 0, f"cannot open: {exc.strerror}", whole_file=True)
        )
        return
    encoding = mapping.encoding if mapping and mapping.encoding else None
    if encoding is None:
        sniffed = _sniff_encoding(path)
        if sniffed is None:
            report.problems.append(
                RowProblem(
                    str(path),
                    _first_line_with(path, b"\x00"),
                    "contains NUL bytes: a binary file (a spreadsheet or an image?), not a "
                    "CSV text file; export it as CSV",
                    whole_file=True,
                )
            )
            return
        encoding = sniffed
        if encoding == _FALLBACK_ENCODING:
            report.notes.append("not valid UTF-8: read as Windows-1252 (cp1252)")
    csv_errors: tuple[type[Exception], ...] = (csv.Error,)
    try:
        header, header_lines = _read_header(path, encoding, delimiter)
        if header is None:
            report.problems.append(
                RowProblem(str(path), 1, "empty file: expected a CSV header row", True)
            )
            return
        try:
            layout = resolve_layout(header, mapping)
        except LayoutError as exc:
            report.problems.append(RowProblem(str(path), 1, str(exc), whole_file=True))
            return
        report.kind = layout.kind
        iso_dates = conn.dialect.name == "sqlite"
        source: Any
        if reader == "arrow":
            from monell.payouts.arrow import ArrowSource, CsvError

            csv_errors = (csv.Error, CsvError)
            source = ArrowSource(
                path,
                encoding,
                delimiter,
                header,
                header_lines,
                lone_cr=lone_cr,
                layout=layout,
                report=report,
                today=today,
                iso_dates=iso_dates,
            )
        else:
            from monell.payouts.plain import PlainSource

            source = PlainSource(
                path,
                encoding,
                delimiter,
                header,
                layout=layout,
                report=report,
                today=today,
                iso_dates=iso_dates,
            )
        writer = _Writer(conn, path, layout, report, batch_size)
        writing = True
        for rows, problems in source.batches():
            for line, _cells, reason in sorted(problems, key=lambda p: p[0]):
                report.add_bad_row(RowProblem(str(path), line, reason))
            if problems:
                writing = writing and skip_bad
            if writing and rows is not None:
                writer.write(rows)
        report.sha256 = sha256
    except UnicodeDecodeError as exc:
        report.problems.append(_undecodable(path, encoding, exc.reason))
    except csv_errors as exc:
        if "invalid UTF8" in str(exc):
            report.problems.append(_undecodable(path, encoding, "invalid UTF-8 data"))
            return
        line = getattr(exc, "line", None) or 1 + report.rows  # where reading stopped
        report.problems.append(
            RowProblem(str(path), line, f"not a readable CSV file: {exc}", whole_file=True)
        )


def _undecodable(path: Path, encoding: str, reason: str) -> RowProblem:
    return RowProblem(
        str(path),
        _first_undecodable_line(path, encoding),
        f"not {_encoding_name(encoding)} text ({reason}): not a CSV text file? "
        "Re-save it as "
        "UTF-8 CSV, or set `encoding:` in a --mapping file (e.g. cp1252)",
        whole_file=True,
    )


def _read_header(path: Path, encoding: str, delimiter: str) -> tuple[list[str] | None, int]:
    """The header row (or None when the first row is blank) and the lines it takes."""
    with path.open(encoding=encoding, newline="") as text:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        first = next(reader, None)
        if first is None or not any(cell.strip() for cell in first):
            return None, 0
        return first, reader.line_num


class _Writer:
    """One file's good rows into the database: row hashes, bulk inserts, categories."""

    def __init__(
        self, conn: Connection, path: Path, layout: Layout, report: FileReport, batch_size: int
    ) -> None:
        self.conn = conn
        self.path = path
        self.layout = layout
        self.report = report
        self.batch_size = batch_size
        self.officers = layout.kind is FileKind.OFFICERS
        self.legacy: bool | None = None  # does the database hold this file by older hashes?
        self.categories: dict[tuple[str | None, str | None], list[tuple[str, str]]] = {}

    def write(self, rows: Rows) -> None:
        for start in range(0, len(rows), self.batch_size):
            self._insert(rows.slice(start, start + self.batch_size))

    def _insert(self, rows: Rows) -> None:
        table = settlement_officers if self.officers else settlements
        rows, legacy_present = self._without_legacy(table, rows)
        self.report.present += legacy_present
        if not len(rows):
            return
        sha = hashlib.sha256
        hashes = [sha(k.encode()).hexdigest() for k in rows.keys]
        names = OFFICER_COLUMNS if self.officers else SETTLEMENT_COLUMNS
        columns = ["source_line", "row_hash", *names, "raw"]
        data = [rows.lines, hashes, *(rows.columns[name] for name in names), rows.raws]
        ids = _bulk_insert(self.conn, table, {"source_file": self.path.name}, columns, data)
        added = len(ids) - ids.count(None)
        self.report.present += len(ids) - added
        self.report.new += added
        if self.officers or not added:
            return
        # Allegation headings and captions repeat: categorise each pair once per file.
        known = self.categories
        if len(known) > MEMO_LIMIT:
            known.clear()
        summaries, matters = rows.columns["summary_allegations"], rows.columns["matter_name"]
        pairs = list(zip(summaries, matters, strict=True))
        categorise = default_categoriser()
        for pair in set(pairs).difference(known):
            known[pair] = [(category.value, rule) for category, rule in categorise(*pair).items()]
        found = [known[pair] for pair in pairs]
        out = [
            (settlement_id, category, rule)
            for settlement_id, listed in zip(ids, found, strict=True)
            if settlement_id is not None
            for category, rule in listed
        ]
        _bulk_categories(self.conn, out)

    def _without_legacy(self, table: Any, rows: Rows) -> tuple[Rows, int]:
        """Rows a database filled before issue 17 already holds under the older row_hash
        (line, raw cells, constants) are left out, so such a database does not count a file
        twice. Whether the file is there is asked once, by its first row."""
        constants = json.dumps(dict(self.layout.constants), sort_keys=True)
        if self.legacy is None:
            first = legacy_row_hash(rows.lines[0], rows.raws[0], constants)
            self.legacy = bool(_existing(self.conn, table.name, [first]))
        if not self.legacy:
            return rows, 0
        old = [legacy_row_hash(n, r, constants) for n, r in zip(rows.lines, rows.raws, strict=True)]
        there = _existing(self.conn, table.name, old)
        keep = [h not in there for h in old]
        return rows.take(keep), len(old) - sum(keep)


def _bulk_insert(
    conn: Connection,
    table: Any,
    constants: dict[str, str],
    columns: list[str],
    data: list[list[Any]],
) -> list[int | None]:
    """Insert the rows (`data` is column-major, `constants` the same on every row) unless
    their row_hash is present; returns each row's new id, None for a row already there."""
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    name = table.name
    hashes = data[columns.index("row_hash")]
    try:
        if conn.dialect.name == "postgresql":
            listed = [*constants, *columns]
            repeated = [[value] * len(hashes) for value in constants.values()]
            new = _copy_insert(cursor, name, listed, [*repeated, *data])
            return [new.get(h) for h in hashes]
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {name}")
        before = cursor.fetchone()[0]
        # The fewest bound values: a column that is blank on every row of the batch is left
        # to its default (NULL), and the file name is written once into the statement.
        bound = [(c, d) for c, d in zip(columns, data, strict=True) if d.count(None) < len(d)]
        names = [*constants, *(c for c, _ in bound)]
        values = [*map(_sql_text, constants.values()), *("?" * len(bound))]
        cursor.executemany(
            f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join(values)}) "
            "ON CONFLICT (row_hash) DO NOTHING",
            zip(*(d for _, d in bound), strict=True),
        )
        n = len(hashes)
        if cursor.rowcount == n:
            cursor.execute(f"SELECT max(id) FROM {name}")
            if cursor.fetchone()[0] == before + n:  # every row new: ids before+1 … before+n
                return list(range(before + 1, before + n + 1))
        cursor.execute(f"SELECT row_hash, id FROM {name} WHERE id > ?", (before,))
        new = dict(cursor.fetchall())
        return [new.get(h) for h in hashes]
    finally:
        cursor.close()


def _sql_text(value: str) -> str:
    """A text value as an SQL string literal (quotes doubled; NUL never reaches here)."""
    if "\x00" in value:
        raise ValueError("NUL in a text constant")
    return "'" + value.replace("'", "''") + "'"


def _copy_insert(
    cursor: Any, name: str, columns: list[str], data: list[list[Any]]
) -> dict[str, int]:
    """PostgreSQL: COPY into a staging table, then one INSERT … ON CONFLICT DO NOTHING."""
    stage = f"monell_stage_{name}"
    listed = ", ".join(columns)
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {listed} FROM {name} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {stage}")
    with cursor.copy(f"COPY {stage} ({listed}) FROM STDIN") as copy:
        for row in zip(*data, strict=True):
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {name} ({listed}) SELECT {listed} FROM {stage} "
        "ON CONFLICT (row_hash) DO NOTHING RETURNING row_hash, id"
    )
    return dict(cursor.fetchall())


def legacy_row_hash(line: int, raw_text: str, constants: str) -> str:
    """The row_hash of databases filled before issue 17: line, mapping constants, raw JSON."""
    payload = f"{line}\x1f{constants}\x1f{raw_text}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _existing(conn: Connection, table: str, hashes: list[str]) -> set[str]:
    """Which of `hashes` the table holds (in chunks under SQLite's bound-parameter limit)."""
    found: set[str] = set()
    for start in range(0, len(hashes), 900):
        chunk = hashes[start : start + 900]
        marks = ", ".join(":h" + str(i) for i in range(len(chunk)))
        rows = conn.execute(
            sql_text(f"SELECT row_hash FROM {table} WHERE row_hash IN ({marks})"),
            {"h" + str(i): h for i, h in enumerate(chunk)},
        )
        found.update(rows.scalars())
    return found


def _bulk_categories(conn: Connection, rows: list[tuple[int, str, str]]) -> None:
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(
                "COPY settlement_categories (settlement_id, category, rule) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO settlement_categories (settlement_id, category, rule) "
                "VALUES (?, ?, ?)",
                rows,
            )
    finally:
        cursor.close()


def _scan(path: Path) -> tuple[str, bool]:
    """(SHA-256 of the file, whether it has a line break written as a lone CR)."""
    digest = hashlib.sha256()
    lone_cr = False
    previous = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            if not lone_cr:
                lone_cr = _LONE_CR.search(previous[-1:] + chunk) is not None
                previous = chunk
    return digest.hexdigest(), lone_cr or previous.endswith(b"\r")


_LONE_CR = re.compile(rb"\r(?!\n)(?=.)", re.DOTALL)


def _log(conn: Connection, report: FileReport, today: date) -> None:
    conn.execute(
        insert(settlement_imports).values(
            source_file=Path(report.path).name,
            sha256=report.sha256,
            kind=(report.kind or FileKind.SETTLEMENTS).value,
            rows=report.rows,
            new_rows=report.new,
            skipped_rows=report.skipped,
            imported_at=datetime.now(UTC),
        )
    )


_FALLBACK_ENCODING = "cp1252"


def _sniff_encoding(path: Path) -> str | None:
    """UTF-8 (with or without BOM) if the whole file decodes, else cp1252; None if binary.

    Windows exports from city offices are often cp1252 ("Peña", curly quotes). The file is
    read once more in 1 MiB chunks for this: constant memory, and quick next to the import.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if b"\x00" in chunk:
                return None
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return "utf-8-sig" if utf8 else _FALLBACK_ENCODING


def _first_line_with(path: Path, needle: bytes) -> int:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if needle in line:
                return number
    return 1


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig") else encoding


def _first_undecodable_line(path: Path, encoding: str) -> int:
    """1-based line of the first bytes that do not decode (only for the error message)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return 1
