"""The settlement reader without pyarrow: Python's csv module, cells typed row by row.

Used when the `fast-import` extra (pyarrow) is not installed, or when asked for
(`import_files(..., reader="csv")`, or MONELL_PAYOUTS_READER=csv, which the tests use to run
both readers on the same files). It stores exactly the rows `arrow.py` stores — every column,
`source_line`, `raw`, categories and row hashes — at a lower speed (docs/performance.md).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from monell.payouts.columns import FileKind, Kind, Layout
from monell.payouts.parse import to_cents
from monell.payouts.rows import (
    HASH_VERSION,
    OFFICER_COLUMNS,
    SETTLEMENT_COLUMNS,
    FileReport,
    Problem,
    Rows,
    raw_json,
    shape_problem,
)

ROWS = 20_000  # rows per batch
# pyarrow's regular expressions (RE2) take \s as these five; the row key collapses their runs.
_SPACING = re.compile(r"[\t\n\f\r ]+")
_MONEY_FIELDS = {"amount_awarded", "other_expenses", "total_incurred"}


def _records(reader: Any) -> Iterator[list[str]]:
    """`reader`'s records; a csv.Error carries the line where the record it could not read
    starts (`line`), for the message."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            exc.line = start  # type: ignore[attr-defined]
            raise
        yield cells


class PlainSource:
    """One file read by Python's csv module: per batch, the good rows and the bad ones."""

    def __init__(
        self,
        path: Path,
        encoding: str,
        delimiter: str,
        header: list[str],
        *,
        layout: Layout,
        report: FileReport,
        today: date,
        iso_dates: bool,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header
        self.width = len(header)
        self.layout = layout
        self.report = report
        self.today = today
        self.iso_dates = iso_dates
        self.officers = layout.kind is FileKind.OFFICERS
        self.fields = list(layout._fields.items())
        self.ordinal = 0  # data rows seen (blank rows are not rows)

    def batches(self) -> Iterator[tuple[Rows | None, list[Problem]]]:
        with self.path.open(encoding=self.encoding, newline="") as text:
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            next(reader, None)  # the header, read already
            batch: list[tuple[int, list[str]]] = []
            refused: list[Problem] = []
            previous = reader.line_num
            for cells in _records(reader):
                line = previous + 1
                previous = reader.line_num
                if len(cells) == self.width:
                    batch.append((line, cells))
                else:
                    # As the columnar reader does: a refused row that is blank is no row.
                    if any(cell.strip() for cell in cells):
                        self.report.rows += 1
                        reason = shape_problem(cells, self.width) or "unreadable row"
                        refused.append((line, cells, reason))
                if len(batch) + len(refused) >= ROWS:  # bounded memory, good rows or bad
                    rows, problems = self.parse(batch)
                    yield rows, problems + refused
                    batch, refused = [], []
            rows, problems = self.parse(batch)
            yield rows, problems + refused

    def parse(self, batch: list[tuple[int, list[str]]]) -> tuple[Rows | None, list[Problem]]:
        lines: list[int] = []
        raws: list[str] = []
        keys: list[str] = []
        table: list[dict[str, Any]] = []
        problems: list[Problem] = []
        header = self.header
        for line, cells in batch:
            if not any(cell.strip() for cell in cells):
                continue  # a blank row
            self.ordinal += 1
            self.report.rows += 1
            found = shape_problem(cells, self.width)
            if found:
                problems.append((line, cells, found))
                continue
            values, reasons = self.layout.extract(cells, self.today)
            if reasons:
                problems.append((line, cells, "; ".join(reasons)))
                continue
            lines.append(line)
            raws.append(raw_json(dict(zip(header, cells, strict=True))))
            keys.append(self._key(values))
            table.append(self._table_row(values))
        if not lines:
            return None, problems
        names = OFFICER_COLUMNS if self.officers else SETTLEMENT_COLUMNS
        columns = {name: [row[name] for row in table] for name in names}
        return Rows(lines, raws, keys, columns), problems

    def _key(self, values: dict[str, Any]) -> str:
        parts = [HASH_VERSION, str(self.ordinal)]
        for name, kind in self.fields:
            value = values[name]
            if value is None:
                parts.append("\x00")
            elif kind is Kind.TEXT:
                parts.append(_SPACING.sub(" ", value))
            elif kind is Kind.DATE:
                parts.append(value.isoformat())
            elif kind is Kind.MONEY:
                parts.append(str(to_cents(value)))
            else:
                parts.append(str(value))
        return "\x1f".join(parts)

    def _table_row(self, values: dict[str, Any]) -> dict[str, Any]:
        row = dict(values)
        for name in _MONEY_FIELDS & row.keys():
            row[name + "_cents"] = to_cents(row.pop(name))
        if self.iso_dates:
            for name, kind in self.fields:
                if kind is Kind.DATE and row[name] is not None:
                    row[name] = row[name].isoformat()
        if not self.officers:
            # The FOIA request behind every file was addressed to "[CITY] Police Department"
            # (README.source.md); a named defendant, where the file has one, is more precise.
            for candidate in (row["defendant"], f"{row['city']} Police Department"):
                if row["agency"] is None:
                    row["agency"] = candidate
            closed = values["closed_date"]
            if row["calendar_year"] is None and closed is not None:
                row["calendar_year"] = closed.year
        return row
