"""Stream settlement CSV files into the database: batched, idempotent, all-or-nothing.

Why it is built this way:
- Files are read row by row and inserted in batches (executemany), so a 10-million-row file
  needs the memory of one batch, not of the file.
- Each row gets a `row_hash` (SHA-256 of its line number, its cells keyed by column name, and
  the mapping's constants). Re-importing a file finds every hash already present, batch by batch,
  through the unique index, so no set of all hashes is ever held in memory. The file's name is
  not part of the hash: the same file under another path (the repo copy and ../shared) is the
  same data. A revised export whose rows moved lines is new data and imports as new rows.
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, insert

from monell.payouts.categories import default_categoriser
from monell.payouts.columns import ColumnMapping, FileKind, Layout, LayoutError, resolve_layout
from monell.payouts.parse import to_cents
from monell.payouts.tables import (
    settlement_categories,
    settlement_imports,
    settlement_officers,
    settlements,
)
from monell.storage.database import dialect_insert

BATCH_SIZE = 2000
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
        raw_file = path.open("rb")
    except OSError as exc:
        report.problems.append(
            RowProblem(str(path), 0, f"cannot open: {exc.strerror}", whole_file=True)
        )
        return
    encoding = mapping.encoding if mapping and mapping.encoding else None
    if encoding is None:
        sniffed = _sniff_encoding(path)
        if sniffed is None:
            raw_file.close()
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
    with raw_file:
        hashing = _HashingReader(raw_file)
        text = io.TextIOWrapper(io.BufferedReader(hashing), encoding=encoding, newline="")
        batch: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        writing = True
        try:
            rows = _rows(text, delimiter)
            first = next(rows, None)
            if first is None or not any(cell.strip() for cell in first[1]):
                report.problems.append(
                    RowProblem(str(path), 1, "empty file: expected a CSV header row", True)
                )
                return
            header = _unique_header(first[1])
            try:
                layout = resolve_layout(header, mapping)
            except LayoutError as exc:
                report.problems.append(RowProblem(str(path), 1, str(exc), whole_file=True))
                return
            report.kind = layout.kind
            for line, cells in rows:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line is not a row
                report.rows += 1
                problem = _shape_problem(cells, header)
                values: dict[str, Any] = {}
                problems = [problem] if problem else []
                if not problems:
                    values, problems = layout.extract(cells, today)
                if problems:
                    report.add_bad_row(RowProblem(str(path), line, "; ".join(problems)))
                    writing = writing and skip_bad
                    continue
                raw = dict(zip(header, cells, strict=True))
                if writing:
                    batch.append((line, values, raw))
                    if len(batch) >= batch_size:
                        _flush(conn, path, layout, batch, report)
                        batch = []
            if writing and batch:
                _flush(conn, path, layout, batch, report)
            hashing.drain()
            report.sha256 = hashing.hexdigest()
        except UnicodeDecodeError as exc:
            report.problems.append(
                RowProblem(
                    str(path),
                    _first_undecodable_line(path, encoding),
                    f"not {_encoding_name(encoding)} text ({exc.reason}): not a CSV text file? "
                    "Re-save it as "
                    "UTF-8 CSV, or set `encoding:` in a --mapping file (e.g. cp1252)",
                    whole_file=True,
                )
            )
        except csv.Error as exc:
            report.problems.append(
                RowProblem(
                    str(path), 1 + report.rows, f"not a readable CSV file: {exc}", whole_file=True
                )
            )


def _rows(text: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the row starts, cells); quoted cells may span lines."""
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    previous_end = 0
    for cells in reader:
        yield previous_end + 1, cells
        previous_end = reader.line_num


def _unique_header(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count + 1}")
    return out


def _shape_problem(cells: list[str], header: list[str]) -> str | None:
    if len(cells) != len(header):
        return (
            f"the row has {len(cells)} cells but the header has {len(header)} columns "
            "(an unquoted comma or a missing quote?)"
        )
    if any("\x00" in cell for cell in cells):
        return "the row contains NUL bytes: not a CSV text file"
    return None


def raw_json(raw: dict[str, str]) -> str:
    """The source row as a JSON object with sorted keys: stored as `raw`, and hashed."""
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(line: int, raw_text: str, constants: str) -> str:
    """SHA-256 of the row's line, cells (sorted-key JSON) and the mapping's constants."""
    payload = f"{line}\x1f{constants}\x1f{raw_text}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _flush(
    conn: Connection,
    path: Path,
    layout: Layout,
    batch: list[tuple[int, dict[str, Any], dict[str, str]]],
    report: FileReport,
) -> None:
    table = settlement_officers if layout.kind is FileKind.OFFICERS else settlements
    constants = json.dumps(dict(layout.constants), sort_keys=True)
    row_for = _officer_row if layout.kind is FileKind.OFFICERS else _settlement_row
    rows = []
    for line, values, raw in batch:
        text = raw_json(raw)
        rows.append(row_for(path, row_hash(line, text, constants), line, values, text))
    # One statement per batch: rows already present are skipped by the unique row_hash index
    # and the new ones come back with their ids, so each row costs one index probe, not three.
    new_ids = dict(
        conn.execute(
            dialect_insert(conn, table)
            .on_conflict_do_nothing(index_elements=["row_hash"])
            .returning(table.c.row_hash, table.c.id),
            rows,
        ).all()
    )
    report.present += len(rows) - len(new_ids)
    report.new += len(new_ids)
    if layout.kind is FileKind.OFFICERS or not new_ids:
        return
    categorise = default_categoriser()
    category_rows = [
        {"settlement_id": new_ids[digest], "category": category.value, "rule": rule}
        for (_line, values, _raw), digest in zip(batch, (r["row_hash"] for r in rows), strict=True)
        if digest in new_ids
        for category, rule in categorise(
            values["summary_allegations"], values["matter_name"]
        ).items()
    ]
    if category_rows:
        conn.execute(insert(settlement_categories), category_rows)


def _settlement_row(
    path: Path, digest: str, line: int, values: dict[str, Any], raw: str
) -> dict[str, Any]:
    closed = values.get("closed_date")
    year = values.get("calendar_year") or (closed.year if closed else None)
    return {
        "source_file": path.name,
        "source_line": line,
        "row_hash": digest,
        "city": values["city"],
        "state": values["state"],
        # The FOIA request behind every file was addressed to "[CITY] Police Department"
        # (README.source.md); a named defendant, where the file has one, is more precise.
        "agency": values.get("agency")
        or values.get("defendant")
        or f"{values['city']} Police Department",
        "incident_date": values.get("incident_date"),
        "filed_date": values.get("filed_date"),
        "closed_date": closed,
        "calendar_year": year,
        "amount_awarded_cents": to_cents(values.get("amount_awarded")),
        "other_expenses_cents": to_cents(values.get("other_expenses")),
        "total_incurred_cents": to_cents(values.get("total_incurred")),
        "case_outcome": values.get("case_outcome"),
        "docket_number": values.get("docket_number"),
        "claim_number": values.get("claim_number"),
        "court": values.get("court"),
        "plaintiff_name": values.get("plaintiff_name"),
        "matter_name": values.get("matter_name"),
        "summary_allegations": values.get("summary_allegations"),
        "claim_or_lawsuit": values.get("claim_or_lawsuit"),
        "defendant": values.get("defendant"),
        "raw": raw,
    }


def _officer_row(
    path: Path, digest: str, line: int, values: dict[str, Any], raw: str
) -> dict[str, Any]:
    return {
        "source_file": path.name,
        "source_line": line,
        "row_hash": digest,
        "city": values["city"],
        "state": values["state"],
        "docket_number": values.get("docket_number"),
        "closed_date": values.get("closed_date"),
        "calendar_year": values.get("calendar_year"),
        "officer_name": values["officer_name"],
        "raw": raw,
    }


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


class _HashingReader(io.RawIOBase):
    """A binary stream that hashes what it hands on, so the file is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        self._sha.update(data)
        buffer[: len(data)] = data
        return len(data)

    def drain(self) -> None:
        while chunk := self._raw.read(1 << 20):
            self._sha.update(chunk)

    def hexdigest(self) -> str:
        return self._sha.hexdigest()
