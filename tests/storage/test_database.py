"""Where the database lives: --db beats MONELL_DB beats the per-user default; one code path for
SQLite and PostgreSQL; migrations are idempotent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from monell.storage.database import (
    DatabaseUrlError,
    default_db_url,
    make_engine,
    migrate,
    resolve_db_url,
)


def test_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MONELL_DB", raising=False)
    assert resolve_db_url(None) == default_db_url()
    monkeypatch.setenv("MONELL_DB", "sqlite:///env.sqlite3")
    assert resolve_db_url(None) == "sqlite:///env.sqlite3"
    assert resolve_db_url("sqlite:///opt.sqlite3") == "sqlite:///opt.sqlite3"


def test_bare_path_means_sqlite_file(tmp_path: Path) -> None:
    assert resolve_db_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_plain_postgresql_url_uses_psycopg3() -> None:
    assert resolve_db_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense://", "://"])
def test_unsupported_urls_are_named(url: str) -> None:
    with pytest.raises(DatabaseUrlError, match="--db/MONELL_DB"):
        resolve_db_url(url)


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_sqlite_migrations_are_idempotent(tmp_path: Path) -> None:
    engine = make_engine(resolve_db_url(str(tmp_path / "sub" / "m.sqlite3")))
    migrate(engine)
    first = _tables(engine)
    migrate(engine)
    assert _tables(engine) == first
    assert "alembic_version" in first
    engine.dispose()


@pytest.mark.postgres
def test_postgres_migrations_are_idempotent() -> None:
    url = os.environ.get("MONELL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("MONELL_TEST_POSTGRES_URL not set (make test starts a server)")
    engine = make_engine(resolve_db_url(url))
    migrate(engine)
    first = _tables(engine)
    migrate(engine)
    assert _tables(engine) == first and "alembic_version" in first
    engine.dispose()
