"""The same loads on PostgreSQL (MONELL_TEST_POSTGRES_URL; `scripts/with_postgres.sh`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from monell.corpus import schema
from monell.corpus.errors import IngestError
from monell.corpus.graph import link_pending, tokenizer
from monell.corpus.ingest_bulk import load_file, order_files
from monell.corpus.ingest_jsonl import load_jsonl
from monell.corpus.store import CorpusStore

from .conftest import FIXTURES, SHARED_OPINIONS
from .test_bulk import Killed, _big_opinions, _corrupt, _line_of_opinion
from .test_jsonl_store import _snapshot

pytestmark = pytest.mark.postgres


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (*schema.CORPUS_TABLES, schema.ingest_files):
            conn.execute(sa.delete(table))


@pytest.fixture
def pg_engine(postgres: Callable[[Callable[[Engine], None]], Engine]) -> Engine:
    return postgres(_clear)


def test_jsonl_and_bulk_load_idempotent_on_postgres(pg_engine, tmp_path):
    for name in ("scotus.jsonl", "ca1_1983.jsonl"):
        load_jsonl(pg_engine, SHARED_OPINIONS / name)
    bulk = order_files(sorted((FIXTURES / "bulk").iterdir()))
    for path, _ in bulk:
        load_file(pg_engine, path)
    store = CorpusStore(pg_engine)
    assert store.count_opinions() == 62 + 104 + 4
    assert store.cited_by(3001) == [3002, 3004]
    assert (
        len(
            list(
                store.iter_opinions(
                    courts=["scotus"], decided_before=date(1989, 5, 15), batch_size=9
                )
            )
        )
        > 0
    )
    before = _snapshot(pg_engine)
    load_jsonl(pg_engine, SHARED_OPINIONS / "scotus.jsonl")
    assert {load_file(pg_engine, p).status for p, _ in bulk} == {"already loaded"}
    assert _snapshot(pg_engine) == before
    assert store.citation_index().check("490 U.S. 386", "Graham v. Connor").status == "found"


def test_bad_file_rolls_back_and_kill_resumes_on_postgres(pg_engine, tmp_path):
    bad = _corrupt(tmp_path, _line_of_opinion("3002"), "id", "x")
    with pytest.raises(IngestError):
        load_file(pg_engine, bad)
    assert CorpusStore(pg_engine).count_opinions() == 0

    big = _big_opinions(tmp_path, 45, compress=False)

    def kill(rows: int) -> None:
        if rows >= 20:
            raise Killed

    with pytest.raises(Killed):
        load_file(pg_engine, big, batch_rows=10, after_batch=kill)
    assert load_file(pg_engine, big, batch_rows=10).rows_loaded == 25
    assert CorpusStore(pg_engine).count_opinions() == 45
    assert link_pending(pg_engine, tok=tokenizer("default")).opinions_scanned == 45
