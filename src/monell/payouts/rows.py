"""What the two settlement readers hand the importer: one batch of good rows, in columns.

The importer reads a file either with pyarrow (`arrow.py`, the `fast-import` extra) or with
Python's csv module (`plain.py`, always there). Both give, per batch, a `Rows` of the rows to
store — column by column, as the database driver takes them — and the bad rows with their
line and reason. Everything after that (row hashes, duplicates, inserts, categories) is the
importer's, shared, so the two readers cannot store different rows for the same file.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from monell.payouts.columns import FileKind

MAX_LISTED = 1000  # bad rows listed per file; the rest are counted
# Bumped when what a row's identity is made of changes (it was line + raw cells before
# issue 17; see `importer.legacy_row_hash`).
HASH_VERSION = "monell-row-2"
# Columns of the two tables in insert order; `raw`, `row_hash`, file and line are added.
SETTLEMENT_COLUMNS = (
    "city", "state", "agency", "incident_date", "filed_date", "closed_date", "calendar_year",
    "amount_awarded_cents", "other_expenses_cents", "total_incurred_cents", "case_outcome",
    "docket_number", "claim_number", "court", "plaintiff_name", "matter_name",
    "summary_allegations", "claim_or_lawsuit", "defendant",
)  # fmt: skip
OFFICER_COLUMNS = (
    "city", "state", "docket_number", "closed_date", "calendar_year", "officer_name",
)  # fmt: skip

# (line, cells, reason) of a row left out
Problem = tuple[int, list[str], str]


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


@dataclass
class Rows:
    """The good rows of one batch, column-major, ready for the driver.

    `columns` maps each table column (SETTLEMENT_COLUMNS or OFFICER_COLUMNS) to its values:
    text or None, integers (cents, years), dates as ISO text on SQLite and `date` on
    PostgreSQL. `keys` is what each row's `row_hash` is the SHA-256 of: the version, the
    row's place among the file's data rows and its normalised field values, joined by \\x1f.
    """

    lines: list[int]
    raws: list[str]
    keys: list[str]
    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.lines)

    def take(self, keep: list[bool]) -> Rows:
        def pick(values: list[Any]) -> list[Any]:
            return [v for v, k in zip(values, keep, strict=True) if k]

        return Rows(
            pick(self.lines),
            pick(self.raws),
            pick(self.keys),
            {name: pick(values) for name, values in self.columns.items()},
        )

    def slice(self, start: int, stop: int) -> Rows:
        return Rows(
            self.lines[start:stop],
            self.raws[start:stop],
            self.keys[start:stop],
            {name: values[start:stop] for name, values in self.columns.items()},
        )


def shape_problem(cells: list[str], width: int) -> str | None:
    if len(cells) != width:
        return (
            f"the row has {len(cells)} cells but the header has {width} columns "
            "(an unquoted comma or a missing quote?)"
        )
    if any("\x00" in cell for cell in cells):
        return "the row contains NUL bytes: not a CSV text file"
    return None


def join_cells(cells: list[str], delimiter: str) -> str:
    """The cells as one CSV record that `csv.reader([text])` reads back as the same cells
    (a cell with a line break is quoted, which an empty line terminator would not do)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
    return out.getvalue()[:-2]


def raw_json(raw: dict[str, str]) -> str:
    """The source row as a JSON object with sorted keys: stored as `raw`."""
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
