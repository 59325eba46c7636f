"""Idempotent upserts of typed rows: loading the same rows twice changes nothing.

Every table upserts on its CourtListener key (`INSERT … ON CONFLICT DO UPDATE`, which both
SQLite ≥ 3.24 and PostgreSQL speak; SQLAlchemy renders each dialect's form). Callers own the
transaction, so a batch and its ingest bookkeeping commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from monell.corpus import schema
from monell.corpus.records import (
    CitationRow,
    ClusterRow,
    CourtRow,
    DocketRow,
    EdgeRow,
    OpinionRow,
    _Row,
)
from monell.storage.database import dialect_insert

_INT_MAX = {sa.SmallInteger: 2**15 - 1, sa.Integer: 2**31 - 1, sa.BigInteger: 2**63 - 1}
_TABLE_OF: dict[type, sa.Table] = {
    CourtRow: schema.courts,
    DocketRow: schema.dockets,
    ClusterRow: schema.clusters,
    OpinionRow: schema.opinions,
    CitationRow: schema.citations,
    EdgeRow: schema.edges,
}


@cache
def _limits(table: sa.Table) -> tuple[tuple[str, int | None, int | None, bool], ...]:
    """(column, longest string, largest integer, required) for each column of `table`
    (`schema.py` mirrors the migrations; a test compares it with a migrated database)."""
    limits = []
    for column in table.columns:
        length = getattr(column.type, "length", None)
        largest = next((m for t, m in _INT_MAX.items() if type(column.type) is t), None)
        limits.append((column.name, length, largest, not column.nullable))
    return tuple(limits)


def refusal(row: _Row) -> str | None:
    """Why the database would refuse `row` (a string longer than its column, a NUL
    character, an integer out of the column's range, no value for a NOT NULL column), or
    None. Checked while validating a file, so such a value is a named row error up front
    instead of a failed insert midway (SQLite ignores lengths, PostgreSQL does not)."""
    params = row.params()
    for name, length, largest, required in _limits(_TABLE_OF[type(row)]):
        value = params.get(name)
        if value is None and required and name in params:
            return f"column {name!r}: a value is required (got none)"
        if isinstance(value, str):
            if length is not None and len(value) > length:
                return f"column {name!r}: longer than {length} characters ({value[:40]!r}…)"
            if "\x00" in value:
                return f"column {name!r}: contains a NUL character, which cannot be stored"
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and largest is not None
            and not -largest - 1 <= value <= largest
        ):
            return f"column {name!r}: {value} is out of range (at most {largest})"
    return None


def _upsert(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[_Row],
    keys: Sequence[str],
    special: dict[str, Any] | None = None,
) -> None:
    if not rows:
        return
    stmt = dialect_insert(conn, table)
    updates: dict[str, Any] = {
        c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys
    }
    for name, make in (special or {}).items():
        updates[name] = make(stmt, table)
    # Only touch a row when something differs, so a reload does not even rewrite pages.
    changed = sa.or_(
        *(
            table.c[name].is_distinct_from(stmt.excluded[name])
            for name in updates
            if name not in (special or {})
        )
    )
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=updates, where=changed)
    conn.execute(stmt, [r.params() for r in rows])


def upsert_courts(conn: Connection, rows: Sequence[CourtRow]) -> None:
    _upsert(conn, schema.courts, rows, ["id"])


def upsert_dockets(conn: Connection, rows: Sequence[DocketRow]) -> None:
    _upsert(conn, schema.dockets, rows, ["id"])


def upsert_clusters(conn: Connection, rows: Sequence[ClusterRow]) -> None:
    # Bulk cluster rows carry no court (it lives on the docket): keep the one already linked.
    _upsert(
        conn,
        schema.clusters,
        rows,
        ["id"],
        {
            "court_id": lambda stmt, t: sa.func.coalesce(stmt.excluded.court_id, t.c.court_id),
        },
    )


def upsert_opinions(conn: Connection, rows: Sequence[OpinionRow]) -> None:
    # Extraction already done stays done unless the text itself changed.
    _upsert(
        conn,
        schema.opinions,
        rows,
        ["id"],
        {
            "needs_extraction": lambda stmt, t: sa.case(
                (t.c.text == stmt.excluded.text, t.c.needs_extraction),
                else_=stmt.excluded.needs_extraction,
            ),
        },
    )


def upsert_citations(conn: Connection, rows: Sequence[CitationRow]) -> None:
    _upsert(conn, schema.citations, rows, ["id"])


def upsert_edges(conn: Connection, rows: Sequence[EdgeRow]) -> None:
    _upsert(conn, schema.edges, rows, ["citing_opinion_id", "cited_opinion_id"])


def link_cluster_courts(conn: Connection) -> int:
    """Copy each docket's court onto its clusters (CourtListener keeps court on the docket;
    the store filters clusters by court + date on one index). Returns rows updated."""
    c, d = schema.clusters, schema.dockets
    court = sa.select(d.c.court_id).where(d.c.id == c.c.docket_id).scalar_subquery()
    result = conn.execute(
        sa.update(c)
        .where(c.c.docket_id.is_not(None))
        .where(sa.exists().where(d.c.id == c.c.docket_id))
        .where(c.c.court_id.is_distinct_from(court))
        .values(court_id=court)
    )
    return result.rowcount or 0


def ensure_courts(conn: Connection, court_ids: Sequence[str]) -> None:
    """Make sure each court id has a row, named from courts-db when the bulk courts file
    has not been loaded; existing rows (e.g. from that file) are left alone."""
    if not court_ids:
        return
    from courts_db import courts as known

    by_id = {c["id"]: c for c in known if c.get("id") in set(court_ids)}
    rows = [
        CourtRow(
            id=cid,
            short_name=by_id.get(cid, {}).get("name", "") or "",
            full_name=by_id.get(cid, {}).get("name", "") or "",
            citation_string=by_id.get(cid, {}).get("citation_string", "") or "",
        ).params()
        for cid in court_ids
    ]
    conn.execute(
        dialect_insert(conn, schema.courts).on_conflict_do_nothing(index_elements=["id"]), rows
    )
