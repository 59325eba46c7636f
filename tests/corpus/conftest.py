"""Fixtures for the corpus tests: a fresh migrated SQLite database per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from monell.storage.database import open_database

SHARED_OPINIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "opinions"
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_FILES = {
    "scotus.jsonl": 62,
    "scotus_1983.jsonl": 295,
    "ca1_1983.jsonl": 104,
    "ca1_general_sample.jsonl": 400,
}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'corpus.sqlite3'}"


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = open_database(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database with all four shared sample files loaded (read-only for tests)."""
    from monell.corpus.ingest_jsonl import load_jsonl

    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.sqlite3'}"
    eng = open_database(url)
    for name in SAMPLE_FILES:
        load_jsonl(eng, SHARED_OPINIONS / name)
    eng.dispose()
    return url
