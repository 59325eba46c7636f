"""Load CourtListener bulk CSV files: validate, then upsert in committed batches, resumably.

Per file:
1. Fingerprint it (SHA-256 of its size and every byte: a file fixed in the middle at the
   same length is a new file; measured: 1.9 s for a 721 MB opinions file whose load took
   33 s, 6% of it). A file already marked `done` in `corpus_ingest_files` is skipped:
   loading twice changes nothing. Unfinished loads of an earlier version of the same path
   are marked `replaced`.
2. Unless resuming, read it once to validate every row (constant memory). Any malformed
   row → `IngestError` listing file:line and reason, and nothing is written — unless
   `skip_bad`, which loads the good rows and returns the bad ones.
3. Load it in batches; each batch's upserts and the file's new position (byte offset and
   line number after the last committed row) commit in one transaction. After a kill, the
   next run finds the file `loading`, seeks to that offset (bz2: decompresses up to it)
   and carries on; upserts make any replayed row harmless. A row the database refuses
   although it passed validation is found by retrying the batch row by row: the rows
   before it are committed and the error names its file:line (with `skip_bad` it is
   skipped and listed), so a rerun with --skip-bad resumes past it.
4. Post-steps in the same transaction that marks it `done`: copy docket courts onto
   clusters; after a citation map, the bulk opinions' graph is the bulk one, so eyecite
   is not run on them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from monell.corpus import bulkcsv, schema, writer
from monell.corpus.errors import IngestError, RowProblem
from monell.corpus.records import TEXT_FIELDS, OpinionRow

MAX_LISTED_PROBLEMS = 20
_UPSERT: dict[str, Callable[[Connection, Any], None]] = {
    "courts": writer.upsert_courts,
    "dockets": writer.upsert_dockets,
    "clusters": writer.upsert_clusters,
    "opinions": writer.upsert_opinions,
    "citations": writer.upsert_citations,
    "citation-map": writer.upsert_edges,
}


@dataclass(frozen=True)
class FileReport:
    path: str
    kind: str
    status: str  # 'loaded' | 'resumed' | 'already loaded'
    rows_loaded: int  # rows written by this run
    problems: tuple[RowProblem, ...] = ()


@dataclass
class Progress:
    """Hook for a progress bar: called with the raw (compressed) bytes read so far."""

    total: int
    update: Callable[[int], None] = lambda _pos: None


def fingerprint(path: Path) -> str:
    """SHA-256 of the file's size and all its bytes (see step 1)."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as handle:
        while chunk := handle.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _unreadable(path: Path, exc: BaseException, committed: str = "") -> IngestError:
    """A bz2 stream that is corrupt or ends early (or a read error) as a named input error."""
    return IngestError(
        f"{path}: cannot read the file ({type(exc).__name__}: {exc}); it is corrupt or "
        f"truncated: download it again{committed}"
    )


# Errors that are the database's state, not the row's: never blamed on a row.
_ENVIRONMENT_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError)


def _row_refused(exc: BaseException) -> str | None:
    """The reason a write failed because of the row's values, or None (not the row)."""
    if isinstance(exc, (*_ENVIRONMENT_ERRORS, IngestError)):  # the database's state, a rival
        return None
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        return str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else repr(exc)
    if isinstance(exc, sa.exc.StatementError | OverflowError | ValueError):
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def _has_text_column(kind: bulkcsv.FileKind, header: list[str]) -> None:
    if kind.name == "opinions" and not set(TEXT_FIELDS) & set(header):
        raise IngestError(f"opinions file has none of the text columns {', '.join(TEXT_FIELDS)}")


def _convert(kind: bulkcsv.FileKind, index: dict[str, int], row: bulkcsv.CsvRow) -> Any:
    if row.cells is None:
        raise ValueError(row.problem)
    item = kind.convert(bulkcsv.Cells(index, row.cells))
    problem = writer.refusal(item)
    if problem is not None:
        raise ValueError(problem)
    return item


def validate(path: Path, kind: bulkcsv.FileKind, header: list[str]) -> list[RowProblem]:
    """Every malformed row of the file (reading it once, in constant memory)."""
    index = {name: i for i, name in enumerate(header)}
    problems = []
    stream, raw = bulkcsv.open_binary(path)
    try:
        skipped = bulkcsv.skip_lines(stream, 1)
        for row in bulkcsv.iter_rows(stream, len(header), line=1, offset=skipped, unescape=False):
            try:
                _convert(kind, index, row)
            except ValueError as exc:
                problems.append(RowProblem(str(path), row.line, str(exc)))
    except (OSError, EOFError) as exc:
        raise _unreadable(path, exc, "; nothing from it was loaded") from None
    finally:
        stream.close()
        raw.close()
    return problems


def _header_bytes(path: Path) -> int:
    stream, raw = bulkcsv.open_binary(path)
    try:
        return bulkcsv.skip_lines(stream, 1)
    finally:
        stream.close()
        raw.close()


def _state(conn: Connection, fp: str) -> sa.Row[Any] | None:
    t = schema.ingest_files
    return conn.execute(sa.select(t).where(t.c.fingerprint == fp)).first()


def load_file(
    engine: Engine,
    path: Path,
    *,
    skip_bad: bool = False,
    batch_rows: int = 2000,
    batch_bytes: int = 16 << 20,
    progress: Callable[[int, int], None] | None = None,
    after_batch: Callable[[int], None] | None = None,
    bulk_graph: bool = False,
) -> FileReport:
    """Load one bulk CSV file (see the module docstring for the steps).

    `progress(raw_bytes_read, raw_total)` drives a progress bar; `after_batch(rows_so_far)`
    runs after each committed batch (tests use it to simulate a kill). `bulk_graph`: a
    citation-map file comes with these opinions, so they are stored as not needing eyecite
    (rather than flagged and then cleared by a table-wide update).
    """
    header = bulkcsv.read_header(path)
    kind = bulkcsv.detect_kind(path, header)
    _has_text_column(kind, header)
    if len(set(header)) != len(header):
        raise IngestError(f"{path}:1: duplicate column names in the header")
    fp = fingerprint(path)
    header_bytes = _header_bytes(path)
    t = schema.ingest_files
    with engine.connect() as conn:
        state = _state(conn, fp)
    if state is not None and state.status == "done":
        return FileReport(str(path), kind.name, "already loaded", 0)

    problems: list[RowProblem] = []
    if state is None:
        if not skip_bad:
            problems = validate(path, kind, header)
            if problems:
                listed = "\n".join(f"  {p}" for p in problems[:MAX_LISTED_PROBLEMS])
                more = len(problems) - MAX_LISTED_PROBLEMS
                raise IngestError(
                    f"{path}: {len(problems)} malformed row(s); nothing from this file was "
                    f"loaded (fix them, or pass --skip-bad to load the good rows):\n{listed}"
                    + (f"\n  … and {more} more" if more > 0 else ""),
                    problems,
                )
        try:
            with engine.begin() as conn:
                conn.execute(
                    t.update()
                    .where(t.c.path == str(path))
                    .where(t.c.status == "loading")
                    .values(status="replaced", updated_at=datetime.now(UTC))
                )
                conn.execute(
                    t.insert().values(
                        fingerprint=fp,
                        path=str(path),
                        kind=kind.name,
                        size=path.stat().st_size,
                        status="loading",
                        byte_offset=header_bytes,
                        line_no=1,
                        rows_loaded=0,
                        rows_skipped=0,
                        updated_at=datetime.now(UTC),
                    )
                )
                state = _state(conn, fp)
        except sa.exc.IntegrityError:
            raise IngestError(
                f"{path}: another process started loading this same file a moment ago; "
                "let it finish (if it stops, rerun `monell corpus load` to resume)"
            ) from None
        status = "loaded"
    else:
        status = "resumed"
    assert state is not None

    index = {name: i for i, name in enumerate(header)}
    upsert = _UPSERT[kind.name]
    total_raw = path.stat().st_size
    rows_loaded, rows_skipped = state.rows_loaded, state.rows_skipped
    written = 0
    pending: list[tuple[Any, bulkcsv.CsvRow]] = []

    at = state.byte_offset  # where this load's committed rows end, as the row says

    def advance(conn: Connection, row: bulkcsv.CsvRow, loaded: int) -> None:
        """Move the bookkeeping row to after `row`, first in the batch's transaction, only
        from where this load left it: another process loading the same file (a second
        `corpus load` started while the first ran) has moved it, and this one stops
        instead of loading the same rows again."""
        moved = conn.execute(
            t.update()
            .where(t.c.fingerprint == fp)
            .where(t.c.byte_offset == at)
            .values(
                byte_offset=row.end_offset,
                line_no=row.end_line,
                rows_loaded=loaded,
                rows_skipped=rows_skipped,
                updated_at=datetime.now(UTC),
            )
        )
        if moved.rowcount != 1:
            now = _state(conn, fp)
            where = f"line {now.line_no}, {now.status}" if now is not None else "gone"
            raise IngestError(
                f"{path}: another process is loading this same file ({where}); let it "
                "finish, then rerun `monell corpus load` (a loaded file is skipped, an "
                "unfinished one resumes)"
            )

    def moved_to(row: bulkcsv.CsvRow) -> None:
        nonlocal at
        at = row.end_offset

    def commit(last: bulkcsv.CsvRow) -> None:
        nonlocal pending, rows_loaded, written
        try:
            with engine.begin() as conn:
                advance(conn, last, rows_loaded + len(pending))
                _write(conn, kind.name, upsert, [item for item, _ in pending])
            moved_to(last)
            rows_loaded += len(pending)
            written += len(pending)
        except Exception as exc:
            if _row_refused(exc) is None:
                raise
            commit_one_by_one(last)
        pending = []
        if progress is not None:
            progress(raw.tell(), total_raw)
        if after_batch is not None:
            after_batch(rows_loaded)

    def commit_one_by_one(last: bulkcsv.CsvRow) -> None:
        """Find the refused row(s) of a failed batch; commit the others in file order."""
        nonlocal rows_loaded, rows_skipped, written
        for item, row in pending:
            try:
                with engine.begin() as conn:
                    advance(conn, row, rows_loaded + 1)
                    _write(conn, kind.name, upsert, [item])
                moved_to(row)
                rows_loaded += 1
                written += 1
                continue
            except Exception as exc:
                reason = _row_refused(exc)
                if reason is None:
                    raise
            problem = RowProblem(str(path), row.line, f"refused by the database: {reason}")
            if not skip_bad:
                raise IngestError(
                    f"{path}:{row.line}: the database refused this row ({reason}); the "
                    f"{rows_loaded} row(s) before it are committed and the file is left "
                    "`loading`. Fix the row and rerun (the changed file loads again from the "
                    "start, harmlessly), or rerun with --skip-bad to skip it and resume here",
                    [problem],
                )
            problems.append(problem)
            rows_skipped += 1
            with engine.begin() as conn:
                advance(conn, row, rows_loaded)
            moved_to(row)
        with engine.begin() as conn:
            advance(conn, last, rows_loaded)
        moved_to(last)

    stream, raw = bulkcsv.open_binary(path)
    try:
        bulkcsv.skip_bytes(stream, state.byte_offset)
        batch_size = 0
        last: bulkcsv.CsvRow | None = None
        for row in bulkcsv.iter_rows(
            stream, len(header), line=state.line_no, offset=state.byte_offset
        ):
            last = row
            try:
                item = _convert(kind, index, row)
                if bulk_graph and isinstance(item, OpinionRow):
                    item = replace(item, needs_extraction=False)
            except ValueError as exc:
                if not skip_bad:
                    # The file changed since it was validated (or resumed after an edit).
                    raise IngestError(
                        f"{path}:{row.line}: {exc}; the file changed while "
                        "loading: rerun after fixing it"
                    ) from None
                problems.append(RowProblem(str(path), row.line, str(exc)))
                rows_skipped += 1
                continue
            pending.append((item, row))
            batch_size += len(item.text) if isinstance(item, OpinionRow) else 100
            if len(pending) >= batch_rows or batch_size >= batch_bytes:
                commit(row)
                batch_size = 0
        if last is not None:
            commit(last)
    except (OSError, EOFError) as exc:
        raise _unreadable(
            path, exc, f"; the {rows_loaded} row(s) before the damage are committed"
        ) from None
    finally:
        stream.close()
        raw.close()

    with engine.begin() as conn:
        _finish(conn, kind.name)
        conn.execute(
            t.update()
            .where(t.c.fingerprint == fp)
            .values(status="done", updated_at=datetime.now(UTC))
        )
    return FileReport(str(path), kind.name, status, written, tuple(problems))


def _write(
    conn: Connection, kind: str, upsert: Callable[[Connection, Any], None], batch: list[Any]
) -> None:
    if kind == "citation-map":
        # One upsert statement must not touch a key twice (PostgreSQL refuses); the last
        # row for a pair wins, as it would row by row.
        batch = list({(e.citing_opinion_id, e.cited_opinion_id): e for e in batch}.values())
    else:
        batch = list({r.id: r for r in batch}.values())
    upsert(conn, batch)


def _finish(conn: Connection, kind: str) -> None:
    if kind in ("dockets", "clusters"):
        writer.link_cluster_courts(conn)
    if kind == "citation-map":
        o = schema.opinions
        conn.execute(
            sa.update(o)
            .where(o.c.origin == "bulk")
            .where(o.c.needs_extraction)
            .values(needs_extraction=False)
        )


def order_files(paths: list[Path]) -> list[tuple[Path, bulkcsv.FileKind]]:
    """Bulk files with their kinds, parents first (courts … citation map)."""
    kinds = [(p, bulkcsv.detect_kind(p, bulkcsv.read_header(p))) for p in paths]
    return sorted(kinds, key=lambda pk: bulkcsv.KIND_ORDER[pk[1].name])
