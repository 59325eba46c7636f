"""The settlement reader in columns: pyarrow record batches, cells typed a column at a time.

Needs the `fast-import` extra (pyarrow, numpy); without it the importer reads with `plain.py`,
which stores the same rows. pyarrow reads each file in record batches of a few MB, so a
10-million-row file needs the memory of one batch, not of the file. Cells are parsed a column
at a time (`vector.py`, answer for answer the same as `parse.py`); a bad cell's message comes
from the row-by-row parser (`Layout.extract`), with file:line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from monell.domain.vocabulary import State
from monell.payouts import vector
from monell.payouts.columns import FileKind, Kind, Layout
from monell.payouts.rows import (
    HASH_VERSION,
    OFFICER_COLUMNS,
    SETTLEMENT_COLUMNS,
    FileReport,
    Problem,
    Rows,
    join_cells,
    shape_problem,
)


class CsvError(Exception):
    """pyarrow's parse error (unterminated quote and the like), as the importer reports it."""


def _newlines(column: pa.Array) -> pa.Array:
    """Line breaks inside each cell, counted as Python's universal newlines count them."""
    return pc.subtract(
        pc.add(pc.count_substring(column, "\n"), pc.count_substring(column, "\r")),
        pc.count_substring(column, "\r\n"),
    )


class ArrowReader:
    """pyarrow's streaming CSV reader over one file: (line of each row, columns) per batch.

    pyarrow does not say on which line a row starts, so it is counted here: each record takes
    one line plus the line breaks inside its cells, and records pyarrow refuses (a row with the
    wrong number of cells) are handed over with their record number and text, which places
    them. Blank lines are records too (`ignore_empty_lines=False`), so the count stays exact.
    """

    BLOCK_BYTES = 4 << 20
    # Refused records are held until their place is known; a file where more than this many
    # wait at once has the wrong layout (delimiter, format), and holding them all would make
    # memory grow with the file.
    MAX_REFUSED = 100_000

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
        self.last_start = 0  # physical line where the file's last record starts

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
                raise CsvError(
                    f"more than {self.MAX_REFUSED:,} rows do not have the header's "
                    f"{self.width} cells: the wrong delimiter, or not this kind of file? "
                    "(a --mapping file can set `delimiter:`)"
                ) from exc
            raise CsvError(str(exc).removeprefix("CSV parse error: ")) from exc
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
            self.last_start = max(self.last_start, int(starts[-1]))
            self.record += n
            self.line += int(spans.sum())
            return pa.array(starts)
        out = np.empty(n, dtype=np.int64)
        for i in range(n):
            self._skip_invalid()
            out[i] = self.line
            self.last_start = max(self.last_start, self.line)
            self.record += 1
            self.line += int(spans[i])
        return pa.array(out)

    def _skip_invalid(self) -> None:
        while self.record in self.invalid:
            text = self.invalid.pop(self.record)
            self.pending.append((self.line, text))
            self.last_start = max(self.last_start, self.line)
            self.record += 1
            self.line += 1 + text.count("\n") + text.count("\r") - text.count("\r\n")

    def check_closed(self) -> None:
        """pyarrow reads a quote left open at the end of the file as a cell running to the
        end (the rest of the file becomes one cell of the last record, and its rows are lost
        without a word); Python's csv module, the other reader, refuses the file. So the last
        record is read again with the csv module: CsvError if its quote is never closed."""
        if self.last_start <= self.header_lines:
            return
        with self.path.open("rb") as handle:
            handle.seek(_line_offset(handle, self.last_start))
            tail = io.TextIOWrapper(handle, encoding=self.encoding, newline="")
            try:
                for _cells in csv.reader(tail, delimiter=self.delimiter, strict=True):
                    pass
            except csv.Error as exc:
                error = CsvError(
                    f"line {self.last_start}: a quoted cell is never closed ({exc}): "
                    "the rest of the file would be read as one cell; close the quote "
                    '(a quote inside a quoted cell is written twice: "")'
                )
                error.line = self.last_start  # type: ignore[attr-defined]
                raise error from None

    def take_invalid(self, report: FileReport, final: bool = False) -> list[Problem]:
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
            out.append((line, cells, shape_problem(cells, self.width) or "unreadable row"))
        self.pending = []
        return out


def _line_offset(handle: Any, line: int) -> int:
    """Byte offset of physical `line` (1-based; lines end with LF or CRLF: a file with lone
    CR line ends is read by `CsvModuleArrowReader`) in a binary file."""
    offset, remaining = 0, line - 1
    while remaining and (chunk := handle.read(1 << 20)):
        count = chunk.count(b"\n")
        if count < remaining:
            remaining -= count
            offset += len(chunk)
            continue
        at = -1
        for _ in range(remaining):
            at = chunk.index(b"\n", at + 1)
        return offset + at + 1
    return offset


class CsvModuleArrowReader(ArrowReader):
    """The same batches read by Python's csv module, for files pyarrow misreads: pyarrow can
    split a quoted cell at a lone CR (old Mac line ends) at a block boundary."""

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
                    self.pending.append((previous + 1, join_cells(cells, self.delimiter)))
                previous = reader.line_num
                if len(rows) >= self.ROWS:
                    yield self._batch(lines, rows)
                    lines, rows = [], []
            if rows:
                yield self._batch(lines, rows)

    def _batch(self, lines: list[int], rows: list[list[str]]) -> tuple[pa.Array, list[pa.Array]]:
        columns = [pa.array(list(column), pa.string()) for column in zip(*rows, strict=True)]
        return pa.array(lines, pa.int64()), columns


_ARROW_KIND = {
    Kind.TEXT: pa.string(),
    Kind.MONEY: pa.int64(),
    Kind.DATE: pa.date32(),
    Kind.YEAR: pa.int64(),
}
_STATES = pa.array(sorted(State.__members__), pa.string())
_SPACING = r"\s\s|[\t\n\r\f\v]"  # spacing that collapsing to one space would change


class ArrowSource:
    """One file read in columns: per batch, the good rows (`Rows`) and the bad ones."""

    def __init__(
        self,
        path: Path,
        encoding: str,
        delimiter: str,
        header: list[str],
        header_lines: int,
        *,
        lone_cr: bool,
        layout: Layout,
        report: FileReport,
        today: date,
        iso_dates: bool,
    ) -> None:
        kind = CsvModuleArrowReader if lone_cr else ArrowReader
        self.reader = kind(path, encoding, delimiter, header, header_lines)
        self.layout = layout
        self.report = report
        self.today = today
        self.iso_dates = iso_dates
        self.officers = layout.kind is FileKind.OFFICERS
        self.ordinal = 0  # data rows seen (blank rows are not rows)
        self.memos: dict[str, dict[str, Any]] = {}  # field -> cell -> parsed, across batches
        order = sorted(range(len(layout.header)), key=lambda i: layout.header[i])
        self.raw_order = [(layout.header[i], i) for i in order]

    def batches(self) -> Iterator[tuple[Rows | None, list[Problem]]]:
        try:
            for lines, columns in self.reader.batches():
                rows, problems = self.parse(lines, columns)
                problems.extend(self.reader.take_invalid(self.report))
                yield rows, problems
            last = self.reader.take_invalid(self.report, final=True)
            self.reader.check_closed()
            yield None, last
        except pa.ArrowInvalid as exc:  # e.g. a cell pyarrow cannot decode
            raise CsvError(str(exc).removeprefix("CSV parse error: ")) from exc

    def parse(self, lines: pa.Array, columns: list[pa.Array]) -> tuple[Rows | None, list[Problem]]:
        """Type the batch's cells: the good rows, and the bad ones."""
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
            return None, []
        ordinals = pa.array(np.arange(self.ordinal + 1, self.ordinal + n + 1, dtype=np.int64))
        self.ordinal += n
        self.report.rows += n
        values, bad = self._typed(columns, n)
        problems: list[Problem] = []
        if pc.any(bad).as_py():
            for i in np.flatnonzero(bad.to_numpy(zero_copy_only=False)):
                cells = [c[int(i)].as_py() for c in columns]
                found = shape_problem(cells, len(cells))
                reasons = [found] if found else self.layout.extract(cells, self.today)[1]
                problems.append((lines[int(i)].as_py(), cells, "; ".join(reasons)))
            good = pc.invert(bad)
            lines, ordinals = pc.filter(lines, good), pc.filter(ordinals, good)
            columns = [pc.filter(c, good) for c in columns]
            values = {k: pc.filter(v, good) for k, v in values.items()}
        if len(lines) == 0:
            return None, problems
        rows = Rows(
            lines=lines.to_pylist(),
            raws=self._raw(columns).to_pylist(),
            keys=self._keys(values, ordinals).to_pylist(),
            columns=self._table_columns(values),
        )
        return rows, problems

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
        state = values["state"]
        values["state"] = pc.utf8_upper(state)
        # A state code is two ASCII letters; `Layout.extract` refuses the same cells.
        known = pc.and_(pc.string_is_ascii(state), pc.is_in(values["state"], value_set=_STATES))
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
            # the cell's quotes go into the text between the cells: one join for the row
            parts.append(("{" if position == 0 else '",') + key + ':"')
            parts.append(vector.json_escaped(columns[index]))
        if not parts:
            return pa.repeat("{}", len(columns[0]) if columns else 0)
        parts.append('"}')
        return pc.binary_join_element_wise(*parts, "")

    def _keys(self, values: dict[str, pa.Array], ordinals: pa.Array) -> pa.Array:
        """What each row_hash hashes: its place among the file's data rows and its normalised
        values (text with runs of spacing as one space; NUL for a missing value)."""
        parts: list[Any] = [HASH_VERSION, pc.cast(ordinals, pa.string())]
        for name, kind in self.layout._fields.items():
            column = values[name]
            if kind is Kind.TEXT:
                # Only the cells with spacing to collapse go through the regular expression.
                spaced = pc.fill_null(pc.match_substring_regex(column, _SPACING), False)
                if pc.any(spaced).as_py():
                    collapsed = pc.replace_substring_regex(pc.filter(column, spaced), r"\s+", " ")
                    column = pc.replace_with_mask(column, spaced, collapsed)
            parts.append(pc.fill_null(pc.cast(column, pa.string()), "\x00"))
        return pc.binary_join_element_wise(*parts, "\x1f")

    def _table_columns(self, values: dict[str, pa.Array]) -> dict[str, list[Any]]:
        if self.officers:
            out = {name: values[name] for name in OFFICER_COLUMNS}
        else:
            city = values["city"]
            closed = values["closed_date"]
            # The FOIA request behind every file was addressed to "[CITY] Police Department"
            # (README.source.md); a named defendant, where the file has one, is more precise.
            default_agency = pc.binary_join_element_wise(city, " Police Department", "")
            more = {
                "agency": pc.coalesce(values["agency"], values["defendant"], default_agency),
                "calendar_year": pc.coalesce(values["calendar_year"], pc.year(closed)),
                "amount_awarded_cents": values["amount_awarded"],
                "other_expenses_cents": values["other_expenses"],
                "total_incurred_cents": values["total_incurred"],
            }
            out = {name: more.get(name, values.get(name)) for name in SETTLEMENT_COLUMNS}
        return {name: self._driver(column) for name, column in out.items()}

    def _driver(self, column: pa.Array) -> list[Any]:
        """Python values for the driver: dates as ISO text on SQLite (how SQLAlchemy's Date
        stores them there), date objects on PostgreSQL."""
        if self.iso_dates and pa.types.is_date32(column.type):
            column = pc.cast(column, pa.string())
        return column.to_pylist()
