"""Where Monell's database lives and how its schema is kept current.

One URL decides everything: `--db URL` on a command, else the `MONELL_DB` environment
variable, else an SQLite file in the user's data directory. The same code runs on
PostgreSQL (`postgresql+psycopg://…`); each area (corpus, payouts) owns an Alembic branch
under `storage/migrations/<area>/`, and `migrate()` brings every branch to its head.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

# SQLAlchemy is imported where a URL is parsed or an engine made, not here: `monell assess`
# without a database (the common case) never loads it.

ENV_VAR = "MONELL_DB"
MIGRATIONS = Path(__file__).parent / "migrations"
# How long a writer waits for another writer's lock before giving up with "database is
# busy" (exit 2), saying who holds it (storage/writelock.py): SQLite's busy timeout and
# PostgreSQL's lock_timeout. Python's default, 5 s, is shorter than one corpus batch.
BUSY_TIMEOUT_ENV = "MONELL_DB_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 60.0
# Any key, same on every machine: serialises migrations of one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x4D6F6E656C6C  # "Monell"
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):\S*@")
_DSN_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
_current_url: str | None = None


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message names the option and the fix."""


def redact_secrets(text: str) -> str:
    """`text` with the password of every database URL (and libpq `password=`) masked: error
    messages echo URLs and must never show a password."""
    return _DSN_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", text))


def busy_timeout() -> float:
    """Seconds a writer waits for another's lock. A value that is not a number of seconds is
    refused (exit 2) rather than replaced: a typo must not silently mean 60 s, or "nan" 0 s."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV)
    if raw is None:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if math.isnan(seconds) or seconds < 0:
        raise DatabaseUrlError(
            f"{BUSY_TIMEOUT_ENV}={raw[:40]!r} is not a number of seconds; set it to e.g. "
            f"{DEFAULT_BUSY_TIMEOUT:g}, 0 (do not wait) or inf (wait as long as it takes)"
        )
    return seconds


def describe_current_db() -> str:
    """The database the process last opened, password masked, for error messages."""
    return redact_secrets(_current_url) if _current_url else f"named by --db / ${ENV_VAR}"


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
    except (ArgumentError, ValueError) as exc:  # ValueError: e.g. a port that is not a number
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

    global _current_url
    _current_url = url
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if path.is_dir():
            raise DatabaseUrlError(
                f"--db/{ENV_VAR}: {path} is a folder; give a file path, e.g. "
                f"{path / 'monell.sqlite3'}"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUrlError(
                f"--db/{ENV_VAR}: cannot make the folder {path.parent} for the database "
                f"({exc.strerror or exc}); choose a path in a folder you can write"
            ) from None
    from monell.storage import writelock

    if parsed.get_backend_name() == "sqlite":
        connect_args["timeout"] = busy_timeout()
    elif parsed.get_backend_name() == "postgresql":
        connect_args.update(writelock.pg_connect_args(parsed.query))
    engine = create_engine(url, future=True, connect_args=connect_args)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    writelock.install(engine)
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


# Databases this process has seen at their migration heads. Migrations only move forward and
# only ship with a new version of the package, so a long-running server need not re-read the
# migration scripts for every request.
_AT_HEAD: set[str] = set()


def migrate(engine: Engine) -> None:
    """Bring every area's schema to its newest revision (idempotent, safe to race).

    A database already at its heads is left alone without taking any lock, so readers never
    queue behind a writer. Otherwise the migration runs under the database's write lock
    (SQLite: `BEGIN IMMEDIATE`, which waits out another migrating process; PostgreSQL: a
    transaction-scoped advisory lock), and the loser of a race finds the work done.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    url = engine.url.render_as_string(hide_password=False)
    if url in _AT_HEAD:
        return  # this process already saw it at head (a server asks on every request)
    cfg = alembic_config(url)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())  # type: ignore[arg-type]
    with engine.connect() as connection:
        if set(MigrationContext.configure(connection).get_current_heads()) == heads:
            _AT_HEAD.add(url)
            return
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        cfg.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(cfg, "heads")  # type: ignore[arg-type]


def open_database(option: str | None) -> Engine:
    """Resolve the URL, connect, and migrate: what every database command does first."""
    engine = make_engine(resolve_db_url(option))
    migrate(engine)
    return engine
