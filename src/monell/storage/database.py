"""Where Monell's database lives and how its schema is kept current.

One URL decides everything: `--db URL` on a command, else the `MONELL_DB` environment
variable, else an SQLite file in the user's data directory. The same code runs on
PostgreSQL (`postgresql+psycopg://…`); each area (corpus, payouts) owns an Alembic branch
under `storage/migrations/<area>/`, and `migrate()` brings every branch to its head.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

# SQLAlchemy is imported where a URL is parsed or an engine made, not here: `monell assess`
# without a database (the common case) never loads it.

ENV_VAR = "MONELL_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message names the option and the fix."""


def default_db_url() -> str:
    directory = Path(user_data_dir("monell", appauthor=False))
    return f"sqlite:///{directory / 'monell.sqlite3'}"


def resolve_db_url(option: str | None) -> str:
    """`--db` beats `MONELL_DB` beats the per-user default."""
    url = option or os.environ.get(ENV_VAR) or default_db_url()
    if "://" not in url:
        # A bare path is an SQLite file: the natural thing to type.
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"--db/{ENV_VAR}: {url!r} is not a database URL; use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB"
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"--db/{ENV_VAR}: backend {parsed.get_backend_name()!r} is not supported; use "
            "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def database_exists(url: str) -> bool:
    """An SQLite file that is not there yet holds nothing: readers must not create one by
    connecting. A server URL is assumed to exist (connecting tells)."""
    if url.startswith("sqlite:///") and "?" not in url:
        # the per-user default: answered without loading SQLAlchemy
        database = url.removeprefix("sqlite:///")
        return database not in ("", ":memory:") and Path(database).exists()
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return True
    return parsed.database not in (None, "", ":memory:") and Path(parsed.database).exists()


def dialect_insert(conn: Connection, table: Table) -> Any:
    """`INSERT` in the connection's dialect, so callers can add `ON CONFLICT …` (SQLite and
    PostgreSQL spell it the same way in SQLAlchemy, but through their own `insert`)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise NotImplementedError(f"Monell supports SQLite and PostgreSQL, not {conn.dialect.name}")


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    # Opinion texts average 36 kB: 16 KiB pages store one in 3 pages instead of 9 (only
    # takes effect when the file is created, before WAL mode is set).
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(url: str) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    areas = sorted(p for p in MIGRATIONS.iterdir() if p.is_dir() and not p.name.startswith("_"))
    cfg.set_main_option(
        "version_locations", " ".join(str(p) for p in areas if p.name != "__pycache__")
    )
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring every area's schema to its newest revision (idempotent)."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(cfg, "heads")  # type: ignore[arg-type]


def open_database(option: str | None) -> Engine:
    """Resolve the URL, connect, and migrate: what every database command does first."""
    engine = make_engine(resolve_db_url(option))
    migrate(engine)
    return engine
