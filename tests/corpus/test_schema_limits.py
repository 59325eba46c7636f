"""The pre-insert checks (`writer.refusal`) read their limits from `corpus/schema.py`; the
database enforces the migrations'. They must agree, or a value passes validation and then
fails on insert halfway through a file (issue 17)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from monell.corpus import schema, writer
from monell.corpus.records import CitationRow, OpinionRow
from monell.storage.database import open_database


def _kind(type_: sa.types.TypeEngine[object]) -> str:
    name = type(type_).__name__.upper().replace("DATETIME", "TIMESTAMP")
    for kind in ("SMALLINT", "BIGINT", "INTEGER", "VARCHAR", "TEXT", "TIMESTAMP", "DATE", "BOOL"):
        if kind in name or kind in str(type_).upper():
            return kind
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request: pytest.FixtureRequest, engine: Engine) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield engine
        return
    url = os.environ.get("MONELL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("MONELL_TEST_POSTGRES_URL is not set")
    server = open_database(url)
    yield server
    server.dispose()


@pytest.mark.parametrize("table", schema.metadata.sorted_tables, ids=lambda t: t.name)
def test_schema_matches_the_migrated_database(migrated: Engine, table: sa.Table) -> None:
    reflected = {c["name"]: c for c in sa.inspect(migrated).get_columns(table.name)}
    assert set(reflected) == {c.name for c in table.columns}
    for column in table.columns:
        db = reflected[column.name]
        assert getattr(column.type, "length", None) == getattr(db["type"], "length", None), (
            column.name
        )
        assert _kind(column.type) == _kind(db["type"]), column.name
        if not column.primary_key:
            assert column.nullable == db["nullable"], column.name


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (CitationRow(1, 2, None, "U.S.", "658", 0, "436 U.S. 658"), "'volume': a value is"),  # type: ignore[arg-type]
        (OpinionRow(1, 2, "010combined", "text", "plain_text", None), "'origin': a value is"),  # type: ignore[arg-type]
        (CitationRow(1, 2, "436", "U.S.", "658", 2**15, "436 U.S. 658"), "'type': 32768"),
        (CitationRow(1, 2**63, "436", "U.S.", "658", 0, "436 U.S. 658"), "'cluster_id'"),
        (CitationRow(1, 2, "436", "U.S.", "658", 0, "x" * 129), "'cite': longer than 128"),
        (OpinionRow(1, 2, "010combined", "a\x00b", "plain_text", "bulk"), "'text': contains"),
    ],
)
def test_refusal_names_the_column(row: object, fragment: str) -> None:
    problem = writer.refusal(row)  # type: ignore[arg-type]
    assert problem is not None and fragment in problem


def test_an_ordinary_row_passes() -> None:
    assert writer.refusal(CitationRow(1, 2, "436", "U.S.", "658", 0, "436 U.S. 658")) is None
