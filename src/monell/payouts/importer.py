"""Stream settlement CSV files into the database: columnar, idempotent, all-or-nothing.

Why it is built this way (issue 17: the row-by-row importer ran at 0.015-0.04x the speed of
pandas.read_csv):
- pyarrow reads each file in record batches of a few MB, so a 10-million-row file needs the
  memory of one batch, not of the file. Cells are parsed a column at a time (`vector.py`,
  answer for answer the same as `parse.py`); a bad cell's message comes from the row-by-row
  parser, with file:line.
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
import io
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Engine, insert
from sqlalchemy import text as sql_text

from monell.domain.vocabulary import State
from monell.payouts import vector
from monell.payouts.categories import default_categoriser
from monell.payouts.columns import (
    ColumnMapping,
    FileKind,
    Kind,
    Layout,
    LayoutError,
    resolve_layout,
)
from monell.payouts.tables import settlement_imports, settlement_officers, settlements

BATCH_SIZE = 50_000  # rows per INSERT statement (executemany) or COPY
IMPORT_CACHE_KIB = 256 * 1024  # SQLite page cache during an import (a fixed cap, not per row)
MAX_LISTED = 1000  # bad rows listed per file; the rest are counted
# One huge field (a whole file pasted into a cell) is a broken file, not a settlement.
csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class RowProblem:
    path: str
    line: int
    reason: str
    whole_file: bool = False  # the file could not be read at all (header, encoding, format)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class FileReport:
    """What happened to one file (mutable while the file streams, then only read)."""

    path: str
    kind: FileKind | None = None
    sha256: str = ""
    rows: int = 0
    new: int = 0
    present: int = 0
    problems: list[RowProblem] = field(default_factory=list)  # the first MAX_LISTED bad rows
    notes: list[str] = field(default_factory=list)  # e.g. the encoding the file was read in
    bad_rows: int = 0  # every bad row, listed or not

    @property
    def skipped(self) -> int:
        return self.bad_rows

    @property
    def unlisted(self) -> int:
        return self.bad_rows - sum(1 for p in self.problems if not p.whole_file)

    def add_bad_row(self, problem: RowProblem) -> None:
        # A wrong file (a whole export in the wrong layout) can make every one of millions of
        # rows bad; listing the first thousand says what is wrong without holding them all.
        self.bad_rows += 1
        if self.bad_rows <= MAX_LISTED:
            self.problems.append(problem)

    @property
    def unreadable(self) -> bool:
        return any(p.whole_file for p in self.problems)

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


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
) -> ImportReport:
    """Import every file in one transaction; see the module docstring for the guarantees."""
    today = today or date.today()
    reports: list[FileReport] = []
    try:
        with engine.connect() as conn, _import_pragmas(conn), conn.begin():
            for path in paths:
                report = FileReport(path=str(path))
                reports.append(report)
                _import_one(conn, path, mapping, report, skip_bad, today, batch_size)
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
        # pyarrow splits a quoted cell at a lone CR (old Mac line ends); Python's csv does not.
        source = _PythonReader if lone_cr else _FileReader
        reader = source(path, encoding, delimiter, header, header_lines)
        writer = _Writer(conn, path, layout, report, today, batch_size)
        writing = True
        for lines, columns in reader.batches():
            problems = writer.parse(lines, columns)
            for line, cells, problem in reader.take_invalid(report):
                problems.append((line, cells, problem))
            for line, _cells, reason in sorted(problems, key=lambda p: p[0]):
                report.add_bad_row(RowProblem(str(path), line, reason))
            if problems:
                writing = writing and skip_bad
            if writing:
                writer.write()
        for line, _cells, reason in reader.take_invalid(report, final=True):
            report.add_bad_row(RowProblem(str(path), line, reason))
            writing = writing and skip_bad
        report.sha256 = sha256
    except UnicodeDecodeError as exc:
        report.problems.append(_undecodable(path, encoding, exc.reason))
    except (csv.Error, _CsvError) as exc:
        if "invalid UTF8" in str(exc):
            report.problems.append(_undecodable(path, encoding, "invalid UTF-8 data"))
            return
        report.problems.append(
            RowProblem(
                str(path), 1 + report.rows, f"not a readable CSV file: {exc}", whole_file=True
            )
        )


class _CsvError(Exception):
    """pyarrow's parse error (unterminated quote and the like), as the importer reports it."""


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


def _newlines(column: pa.Array) -> pa.Array:
    """Line breaks inside each cell, counted as Python's universal newlines count them."""
    return pc.subtract(
        pc.add(pc.count_substring(column, "\n"), pc.count_substring(column, "\r")),
        pc.count_substring(column, "\r\n"),
    )


class _FileReader:
    """pyarrow's streaming CSV reader over one file: (line of each row, columns) per batch.

    pyarrow does not say on which line a row starts, so it is counted here: each record takes
    one line plus the line breaks inside its cells, and records pyarrow refuses (a row with the
    wrong number of cells) are handed over with their record number and text, which places
    them. Blank lines are records too (`ignore_empty_lines=False`), so the count stays exact.
    """

    BLOCK_BYTES = 4 << 20

    def __init__(
        self, path: Path, encoding: str, delimiter: str, header: list[str], header_lines: int
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.width = len(header)
        self.header_lines = header_lines
        self.invalid: dict[int, str] = {}  # record number (pyarrow's) -> raw text
        self.record = header_lines + 1  # pyarrow's number of the next record
        self.line = header_lines + 1  # physical line where the next record starts
        self.pending: list[tuple[int, str]] = []  # refused records placed: (line, text)

    # Refused records are held until their place is known; a file where more than this many
    # wait at once has the wrong layout (delimiter, format), and holding them all would make
    # memory grow with the file.
    MAX_REFUSED = 100_000

    def _on_invalid(self, row: Any) -> str:
        if len(self.invalid) >= self.MAX_REFUSED:
            return "error"
        self.invalid[row.number] = row.text
        return "skip"

    def batches(self) -> Iterator[tuple[pa.Array, list[pa.Array]]]:
        names = [f"c{i}" for i in range(self.width)]
        encoding = "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding
        try:
            stream = pa_csv.open_csv(
                self.path,
                read_options=pa_csv.ReadOptions(
                    use_threads=False,
                    block_size=self.BLOCK_BYTES,
                    skip_rows=self.header_lines,
                    column_names=names,
                    encoding=encoding,
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=self._on_invalid,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for batch in stream:
                yield self._lines(batch), batch.columns
        except pa.ArrowInvalid as exc:
            if len(self.invalid) >= self.MAX_REFUSED:
                raise _CsvError(
                    f"more than {self.MAX_REFUSED:,} rows do not have the header's "
                    f"{self.width} cells: the wrong delimiter, or not this kind of file? "
                    "(a --mapping file can set `delimiter:`)"
                ) from exc
            raise _CsvError(str(exc).removeprefix("CSV parse error: ")) from exc
        except StopIteration:  # pragma: no cover - an empty stream ends the loop
            return

    def _lines(self, batch: pa.RecordBatch) -> pa.Array:
        """The physical line of each row of `batch`, consuming refused records around them."""
        n = batch.num_rows
        spans = np.ones(n, dtype=np.int64)
        for column in batch.columns:
            spans += _newlines(column).to_numpy(zero_copy_only=False)
        first = self.record
        if not any(first <= r < first + n + len(self.invalid) for r in self.invalid):
            starts = self.line + np.concatenate(([0], np.cumsum(spans[:-1])))
            self.record += n
            self.line += int(spans.sum())
            return pa.array(starts)
        out = np.empty(n, dtype=np.int64)
        for i in range(n):
            self._skip_invalid()
            out[i] = self.line
            self.record += 1
            self.line += int(spans[i])
        return pa.array(out)

    def _skip_invalid(self) -> None:
        while self.record in self.invalid:
            text = self.invalid.pop(self.record)
            self.pending.append((self.line, text))
            self.record += 1
            self.line += 1 + text.count("\n") + text.count("\r") - text.count("\r\n")

    def take_invalid(
        self, report: FileReport, final: bool = False
    ) -> list[tuple[int, list[str], str]]:
        """Refused records placed so far (all that are left when `final`), as bad rows:
        (line, cells, reason); blank ones are dropped, as blank rows are."""
        if final:
            while self.invalid:
                self.record = min(self.invalid)
                self._skip_invalid()
        out = []
        for line, text in self.pending:
            cells = next(csv.reader([text], delimiter=self.delimiter), [])
            if not any(cell.strip() for cell in cells):
                continue
            report.rows += 1
            out.append((line, cells, _shape_problem(cells, self.width) or "unreadable row"))
        self.pending = []
        return out


class _PythonReader(_FileReader):
    """The same batches read by Python's csv module: slower, for files pyarrow misreads."""

    ROWS = 20_000

    def batches(self) -> Iterator[tuple[pa.Array, list[pa.Array]]]:
        with self.path.open(encoding=self.encoding, newline="") as text:
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            next(reader, None)  # the header, read already
            lines: list[int] = []
            rows: list[list[str]] = []
            previous = reader.line_num
            for cells in reader:
                if len(cells) == self.width:
                    lines.append(previous + 1)
                    rows.append(cells)
                else:
                    self.pending.append((previous + 1, _join(cells, self.delimiter)))
                previous = reader.line_num
                if len(rows) >= self.ROWS:
                    yield self._batch(lines, rows)
                    lines, rows = [], []
            if rows:
                yield self._batch(lines, rows)

    def _batch(self, lines: list[int], rows: list[list[str]]) -> tuple[pa.Array, list[pa.Array]]:
        columns = [pa.array(list(column), pa.string()) for column in zip(*rows, strict=True)]
        return pa.array(lines, pa.int64()), columns


def _join(cells: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    return out.getvalue()


def _shape_problem(cells: list[str], width: int) -> str | None:
    if len(cells) != width:
        return (
            f"the row has {len(cells)} cells but the header has {width} columns "
            "(an unquoted comma or a missing quote?)"
        )
    if any("\x00" in cell for cell in cells):
        return "the row contains NUL bytes: not a CSV text file"
    return None


def raw_json(raw: dict[str, str]) -> str:
    """The source row as a JSON object with sorted keys: stored as `raw`."""
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# Columns of the two tables in insert order; `raw`, `row_hash`, file and line are added.
_SETTLEMENT_COLUMNS = (
    "city", "state", "agency", "incident_date", "filed_date", "closed_date", "calendar_year",
    "amount_awarded_cents", "other_expenses_cents", "total_incurred_cents", "case_outcome",
    "docket_number", "claim_number", "court", "plaintiff_name", "matter_name",
    "summary_allegations", "claim_or_lawsuit", "defendant",
)  # fmt: skip
_OFFICER_COLUMNS = (
    "city", "state", "docket_number", "closed_date", "calendar_year", "officer_name",
)  # fmt: skip
_HASH_VERSION = "monell-row-2"
_SPACING = r"\s\s|[\t\n\r\f\v]"  # spacing that collapsing to one space would change


class _Writer:
    """One file's batches: typed columns, the bad rows, and bulk inserts of the good ones."""

    def __init__(
        self,
        conn: Connection,
        path: Path,
        layout: Layout,
        report: FileReport,
        today: date,
        batch_size: int,
    ) -> None:
        self.conn = conn
        self.path = path
        self.layout = layout
        self.report = report
        self.today = today
        self.batch_size = batch_size
        self.officers = layout.kind is FileKind.OFFICERS
        self.ordinal = 0  # data rows seen (blank rows are not rows)
        self.ready: dict[str, pa.Array] | None = None
        self.memos: dict[str, dict[str, Any]] = {}  # field -> cell -> parsed, across batches
        self.legacy: bool | None = None  # does the database hold this file by older hashes?
        self.categories: dict[tuple[str | None, str | None], list[tuple[str, str]]] = {}
        order = sorted(range(len(layout.header)), key=lambda i: layout.header[i])
        self.raw_order = [(layout.header[i], i) for i in order]

    def parse(self, lines: pa.Array, columns: list[pa.Array]) -> list[tuple[int, list[str], str]]:
        """Type the batch's cells; keep the good rows for `write`; return the bad rows."""
        self.ready = None
        blank_row = None
        for column in columns:
            empty = pc.equal(vector.strip(column), "")
            blank_row = empty if blank_row is None else pc.and_(blank_row, empty)
        if blank_row is not None and pc.any(blank_row).as_py():
            keep = pc.invert(blank_row)
            lines = pc.filter(lines, keep)
            columns = [pc.filter(c, keep) for c in columns]
        n = len(lines)
        if n == 0:
            return []
        ordinals = pa.array(np.arange(self.ordinal + 1, self.ordinal + n + 1, dtype=np.int64))
        self.ordinal += n
        self.report.rows += n
        values, bad = self._typed(columns, n)
        problems: list[tuple[int, list[str], str]] = []
        if pc.any(bad).as_py():
            for i in np.flatnonzero(bad.to_numpy(zero_copy_only=False)):
                cells = [c[int(i)].as_py() for c in columns]
                found = _shape_problem(cells, len(cells))
                reasons = [found] if found else self.layout.extract(cells, self.today)[1]
                problems.append((lines[int(i)].as_py(), cells, "; ".join(reasons)))
            good = pc.invert(bad)
            lines, ordinals = pc.filter(lines, good), pc.filter(ordinals, good)
            columns = [pc.filter(c, good) for c in columns]
            values = {k: pc.filter(v, good) for k, v in values.items()}
        self.ready = {**values, "_line": lines, "_ordinal": ordinals, "_raw": self._raw(columns)}
        return problems

    def _typed(self, columns: list[pa.Array], n: int) -> tuple[dict[str, pa.Array], pa.Array]:
        """Field -> typed array (None where blank), and the mask of rows with a bad cell."""
        layout = self.layout
        bad = pa.repeat(False, n)
        nul = None
        for column in columns:
            has = pc.match_substring(column, "\x00")
            nul = has if nul is None else pc.or_(nul, has)
        if nul is not None:
            bad = pc.or_(bad, nul)
        values: dict[str, pa.Array] = {}
        for name, kind, index, constant, _label in layout._plan:
            column = columns[index] if index >= 0 else pa.repeat(constant or "", n)
            if kind is Kind.TEXT:
                values[name] = vector.text(column)
                continue
            if kind is Kind.MONEY:
                typed, failed = vector.cents(column)
            elif kind is Kind.DATE:
                memo = self.memos.setdefault(name, {})
                typed, failed = vector.dates(column, layout.date_format, self.today, memo)
            else:
                memo = self.memos.setdefault(name, {})
                typed, failed = vector.years(column, self.today, memo)
            values[name] = typed
            bad = pc.or_(bad, failed)
        fields = layout._fields
        for name, kind in fields.items():
            if name not in values:
                values[name] = pa.nulls(n, _ARROW_KIND[kind])
        values["state"] = pc.utf8_upper(values["state"])
        known = pc.is_in(values["state"], value_set=_STATES)
        bad = pc.or_(bad, pc.invert(pc.fill_null(known, True)))
        required = ["city", "state", *(["officer_name"] if self.officers else [])]
        for name in required:
            bad = pc.or_(bad, pc.is_null(values[name]))
        return values, bad

    def _raw(self, columns: list[pa.Array]) -> pa.Array:
        """The source row as sorted-key JSON, exactly as `raw_json` writes it."""
        parts: list[Any] = []
        for position, (name, index) in enumerate(self.raw_order):
            key = json.dumps(name, ensure_ascii=False)
            parts.append(("{" if position == 0 else ",") + key + ":")
            parts.append(vector.json_string(columns[index]))
        if not parts:
            return pa.repeat("{}", len(columns[0]) if columns else 0)
        parts.append("}")
        return pc.binary_join_element_wise(*parts, "")

    def _hashes(self, values: dict[str, pa.Array]) -> list[str]:
        """SHA-256 of the row's place among the file's data rows and its normalised values."""
        parts: list[Any] = [_HASH_VERSION, pc.cast(values["_ordinal"], pa.string())]
        for name, kind in self.layout._fields.items():
            column = values[name]
            if kind is Kind.TEXT and pc.any(pc.match_substring_regex(column, _SPACING)).as_py():
                column = pc.replace_substring_regex(column, r"\s+", " ")
            parts.append(pc.fill_null(pc.cast(column, pa.string()), "\x00"))
        keys = pc.binary_join_element_wise(*parts, "\x1f")
        sha = hashlib.sha256
        return [sha(k.encode()).hexdigest() for k in keys.to_pylist()]

    def write(self) -> None:
        values = self.ready
        self.ready = None
        if values is None or len(values["_line"]) == 0:
            return
        n = len(values["_line"])
        for start in range(0, n, self.batch_size):
            chunk = {k: v.slice(start, self.batch_size) for k, v in values.items()}
            self._insert(chunk)

    def _insert(self, values: dict[str, pa.Array]) -> None:
        table = settlement_officers if self.officers else settlements
        values, legacy_present = self._without_legacy(table, values)
        self.report.present += legacy_present
        if len(values["_line"]) == 0:
            return
        hashes = self._hashes(values)
        if self.officers:
            names = _OFFICER_COLUMNS
            out = {name: values[name] for name in names}
        else:
            names = _SETTLEMENT_COLUMNS
            out = self._settlement_columns(values)
        columns = ["source_file", "source_line", "row_hash", *names, "raw"]
        data: list[list[Any]] = [
            [self.path.name] * len(hashes),
            values["_line"].to_pylist(),
            hashes,
            *(_db_list(out[name], self.conn) for name in names),
            values["_raw"].to_pylist(),
        ]
        new_ids = _bulk_insert(self.conn, table, columns, data)
        self.report.present += len(hashes) - len(new_ids)
        self.report.new += len(new_ids)
        if self.officers or not new_ids:
            return
        categorise = default_categoriser()
        known = self.categories
        if len(known) > vector.MEMO_LIMIT:
            known.clear()
        summaries = values["summary_allegations"].to_pylist()
        matters = values["matter_name"].to_pylist()
        rows = []
        for digest, summary, matter in zip(hashes, summaries, matters, strict=True):
            settlement_id = new_ids.get(digest)
            if settlement_id is None:
                continue
            # Allegation headings and captions repeat: categorise each pair once per file.
            found = known.get((summary, matter))
            if found is None:
                found = known[summary, matter] = [
                    (category.value, rule) for category, rule in categorise(summary, matter).items()
                ]
            rows.extend((settlement_id, category, rule) for category, rule in found)
        if rows:
            _bulk_categories(self.conn, rows)

    def _without_legacy(
        self, table: Any, values: dict[str, pa.Array]
    ) -> tuple[dict[str, pa.Array], int]:
        """Rows a database filled before issue 17 already holds under the older row_hash
        (line, raw cells, constants) are left out, so such a database does not count a file
        twice. Whether the file is there is asked once, by its first row."""
        constants = json.dumps(dict(self.layout.constants), sort_keys=True)
        lines, raws = values["_line"].to_pylist(), values["_raw"].to_pylist()
        if self.legacy is None:
            first = legacy_row_hash(lines[0], raws[0], constants)
            self.legacy = bool(_existing(self.conn, table.name, [first]))
        if not self.legacy:
            return values, 0
        old = [legacy_row_hash(n, r, constants) for n, r in zip(lines, raws, strict=True)]
        there = _existing(self.conn, table.name, old)
        keep = pa.array([h not in there for h in old], pa.bool_())
        return {k: pc.filter(v, keep) for k, v in values.items()}, len(old) - pc.sum(keep).as_py()

    @staticmethod
    def _settlement_columns(values: dict[str, pa.Array]) -> dict[str, pa.Array]:
        city = values["city"]
        closed = values["closed_date"]
        # The FOIA request behind every file was addressed to "[CITY] Police Department"
        # (README.source.md); a named defendant, where the file has one, is more precise.
        default_agency = pc.binary_join_element_wise(city, " Police Department", "")
        return {
            **values,
            "agency": pc.coalesce(values["agency"], values["defendant"], default_agency),
            "calendar_year": pc.coalesce(values["calendar_year"], pc.year(closed)),
            "amount_awarded_cents": values["amount_awarded"],
            "other_expenses_cents": values["other_expenses"],
            "total_incurred_cents": values["total_incurred"],
        }


_ARROW_KIND = {
    Kind.TEXT: pa.string(),
    Kind.MONEY: pa.int64(),
    Kind.DATE: pa.date32(),
    Kind.YEAR: pa.int64(),
}
_STATES = pa.array(sorted(State.__members__), pa.string())


def _db_list(column: pa.Array, conn: Connection) -> list[Any]:
    """Python values for the driver: dates as ISO text on SQLite (how SQLAlchemy's Date stores
    them there), date objects on PostgreSQL."""
    if pa.types.is_date32(column.type) and conn.dialect.name == "sqlite":
        column = pc.cast(column, pa.string())
    return column.to_pylist()


def _bulk_insert(
    conn: Connection, table: Any, columns: list[str], data: list[list[Any]]
) -> dict[str, int]:
    """Insert the rows (`data` is column-major) unless their row_hash is present; returns
    row_hash -> id of the rows that are new."""
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    name = table.name
    try:
        if conn.dialect.name == "postgresql":
            return _copy_insert(cursor, name, columns, data)
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {name}")
        before = cursor.fetchone()[0]
        marks = ", ".join("?" * len(columns))
        cursor.executemany(
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks}) "
            "ON CONFLICT (row_hash) DO NOTHING",
            zip(*data, strict=True),
        )
        cursor.execute(f"SELECT row_hash, id FROM {name} WHERE id > ?", (before,))
        return dict(cursor.fetchall())
    finally:
        cursor.close()


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
