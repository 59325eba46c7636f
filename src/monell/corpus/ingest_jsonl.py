"""Load the shared sample's JSONL records (see shared/data/opinions/SOURCES.md).

Each record is one opinion. Records of the same decision (SCOTUS majority, concurrence and
dissent files) share a cluster, keyed on court + docket number + decision date; records with
no docket number get a cluster of their own. Ids: `courtlistener_opinion_id` when the record
has one, else `derived_id("opinion", record id)`; clusters, dockets and citations always get
derived ids (the sample does not carry CourtListener's). A file is validated completely and
then written in one transaction, so a bad record leaves the database as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from monell.corpus import schema, writer
from monell.corpus.errors import IngestError, RowProblem
from monell.corpus.records import (
    CitationRow,
    ClusterRow,
    DocketRow,
    OpinionRow,
    derived_citation,
    derived_id,
    parse_day,
    split_cite,
)

MAX_LISTED_PROBLEMS = 20

# The sample labels opinions the way Justia does; CourtListener's `type` codes for the same.
OPINION_TYPES = {
    None: "010combined",
    "Opinion": "020lead",
    "Concurrence": "030concurrence",
    "Dissent": "040dissent",
}


@dataclass
class JsonlBatch:
    """Rows of one file, deduplicated by key (sibling records share a cluster)."""

    dockets: dict[int, DocketRow] = field(default_factory=dict)
    clusters: dict[int, ClusterRow] = field(default_factory=dict)
    opinions: dict[int, OpinionRow] = field(default_factory=dict)
    citations: dict[int, CitationRow] = field(default_factory=dict)
    courts: set[str] = field(default_factory=set)


def _text(rec: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = rec.get(key)
    if value is None:
        if required:
            raise ValueError(f"field {key!r} is required")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"field {key!r} must not be empty")
    return value


def _date(rec: dict[str, Any]) -> date | None:
    value = rec.get("date_filed")
    if value is None:
        return None
    try:
        return parse_day(value)
    except (TypeError, ValueError):
        raise ValueError(f"field 'date_filed' must be YYYY-MM-DD or null, got {value!r}") from None


def record_rows(rec: dict[str, Any], batch: JsonlBatch) -> None:
    """Add one record's rows to `batch`; raise ValueError naming the bad field."""
    record_id = _text(rec, "id", required=True)
    court = _text(rec, "court", required=True)
    case_name = _text(rec, "case_name")
    text = _text(rec, "text")
    docket_number = _text(rec, "docket_number")
    filed = _date(rec)
    cites = rec.get("citations", [])
    if not isinstance(cites, list) or not all(isinstance(c, str) for c in cites):
        raise ValueError("field 'citations' must be a list of strings")
    opinion_type = rec.get("opinion_type")
    if opinion_type not in OPINION_TYPES:
        allowed = ", ".join(repr(k) for k in OPINION_TYPES)
        raise ValueError(f"field 'opinion_type' is {opinion_type!r}; expected one of {allowed}")
    cl_id = rec.get("courtlistener_opinion_id")
    if cl_id is not None and (not isinstance(cl_id, int) or isinstance(cl_id, bool) or cl_id < 1):
        raise ValueError(f"field 'courtlistener_opinion_id' must be a positive integer: {cl_id!r}")

    cluster_key = f"{court}|{docket_number}|{filed}" if docket_number else f"record|{record_id}"
    cluster_id = derived_id("cluster", cluster_key)
    docket_id = derived_id("docket", f"{court}|{docket_number or record_id}")
    docket = DocketRow(
        id=docket_id,
        court_id=court,
        docket_number=docket_number,
        case_name=case_name,
    )
    cluster = ClusterRow(
        id=cluster_id,
        docket_id=docket_id,
        court_id=court,
        case_name=case_name,
        date_filed=filed,
        precedential_status="Published" if cites else "Unknown",
    )
    citations: list[CitationRow] = []
    for cite in cites:
        parts = split_cite(cite)
        if parts is None:
            raise ValueError(f"citation {cite!r} is not 'volume reporter page'")
        citations.append(derived_citation(cluster_id, cluster_key, parts))
    opinion_id = cl_id if cl_id is not None else derived_id("opinion", record_id)
    text_field = rec.get("text_field") or ("plain_text" if cl_id is None else "")
    opinion = OpinionRow(
        id=opinion_id,
        cluster_id=cluster_id,
        type=OPINION_TYPES[opinion_type],
        text=text,
        text_field=str(text_field),
        origin="jsonl",
        author_str=_text(rec, "opinion_author"),
        source_record_id=record_id,
        needs_extraction=True,
    )
    # Checked before any row joins the batch, so a refused record adds nothing (--skip-bad).
    for row in (docket, cluster, *citations, opinion):
        problem = writer.refusal(row)
        if problem is not None:
            raise ValueError(problem.replace("column ", "field ", 1))
    batch.courts.add(court)
    batch.dockets.setdefault(docket_id, docket)
    batch.clusters.setdefault(cluster_id, cluster)
    batch.citations.update((c.id, c) for c in citations)
    batch.opinions[opinion_id] = opinion


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, huge numbers
                if not isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
                    exc = ValueError("a number longer than 4,300 digits or nesting too deep")
                raise IngestError(
                    f"{path}:{line_no}: not a JSON object ({exc})",
                    [RowProblem(str(path), line_no, f"not JSON: {exc}")],
                ) from None
            yield line_no, rec


def parse_jsonl(path: Path, *, skip_bad: bool = False) -> tuple[JsonlBatch, list[RowProblem]]:
    batch = JsonlBatch()
    problems: list[RowProblem] = []
    for line_no, rec in read_jsonl(path):
        if not isinstance(rec, dict):
            problems.append(RowProblem(str(path), line_no, "not a JSON object"))
            continue
        try:
            record_rows(rec, batch)
        except ValueError as exc:
            problems.append(RowProblem(str(path), line_no, str(exc)))
    if problems and not skip_bad:
        listed = "".join(f"\n  {p}" for p in problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        raise IngestError(
            f"{path}: {len(problems)} malformed record(s); nothing from this file was loaded "
            f"(fix them, or pass --skip-bad to load the good records):{listed}"
            + (f"\n  … and {more} more" if more > 0 else ""),
            problems,
        )
    return batch, problems


def load_jsonl(
    engine: Engine, path: Path, *, skip_bad: bool = False
) -> tuple[int, list[RowProblem]]:
    """Load one JSONL file in one transaction. Returns (opinions loaded, skipped problems)."""
    batch, problems = parse_jsonl(path, skip_bad=skip_bad)
    with engine.begin() as conn:
        _move_renumbered(conn, batch)
        writer.ensure_courts(conn, sorted(batch.courts))
        writer.upsert_dockets(conn, list(batch.dockets.values()))
        writer.upsert_clusters(conn, list(batch.clusters.values()))
        writer.upsert_citations(conn, list(batch.citations.values()))
        writer.upsert_opinions(conn, list(batch.opinions.values()))
    return len(batch.opinions), problems


def _move_renumbered(conn: Connection, batch: JsonlBatch) -> None:
    """A record that now carries a CourtListener id (or lost it) has a new opinion id but the
    same record id, which is unique: move the stored opinion and its graph edges to the new
    id before the upsert, instead of failing on the record id.

    If an opinion with the new id already exists (the bulk file loaded it), the record's old
    row gives way: its edges are moved where the new opinion lacks them, then it is deleted,
    and the upsert fills in the record id on the existing row.
    """
    o = schema.opinions
    wanted = {row.source_record_id: row.id for row in batch.opinions.values()}
    stored: list[tuple[int, str]] = []
    keys = sorted(k for k in wanted if k is not None)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        stored += [
            (row.id, row.source_record_id)
            for row in conn.execute(
                sa.select(o.c.id, o.c.source_record_id).where(o.c.source_record_id.in_(chunk))
            )
        ]
    for old_id, record_id in stored:
        new_id = wanted[record_id]
        if old_id == new_id:
            continue
        taken = conn.execute(sa.select(o.c.id).where(o.c.id == new_id)).first() is not None
        _move_edges(conn, old_id, new_id)
        if taken:
            conn.execute(sa.delete(o).where(o.c.id == old_id))
        else:
            conn.execute(sa.update(o).where(o.c.id == old_id).values(id=new_id))


def _move_edges(conn: Connection, old_id: int, new_id: int) -> None:
    """Point the old id's edges at the new id, dropping those the new id already has."""
    e = schema.edges
    for mine, theirs in (
        (e.c.citing_opinion_id, e.c.cited_opinion_id),
        (e.c.cited_opinion_id, e.c.citing_opinion_id),
    ):
        existing = sa.select(theirs).where(mine == new_id)
        conn.execute(sa.delete(e).where(mine == old_id).where(theirs.in_(existing)))
        conn.execute(sa.update(e).where(mine == old_id).values({mine.name: new_id}))
