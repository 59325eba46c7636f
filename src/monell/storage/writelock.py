"""Who is writing to the database, said while another writer waits for it.

SQLite lets one process write at a time and never says which one holds the lock; PostgreSQL
knows (`pg_blocking_pids`) but a waiter is not told. So every Monell writer announces itself:

- SQLite: before a transaction's first write, the write lock is taken with `BEGIN
  IMMEDIATE` (what Python's sqlite3 would wait for inside the statement, made a step of its
  own so that only the wait is narrated, never a slow batch). Once it is held, a small
  record — pid, command words, when the command started — is written to a sidecar file
  `<database>-writer` beside the `-wal` and `-shm` files, and removed when the transaction
  ends. A record whose pid is no longer running (a killed writer) is stale and ignored.
- PostgreSQL: each connection's `application_name` is `monell corpus load (pid N)`, and
  `lock_timeout` bounds every lock wait (advisory locks included) by the same setting.

A write that has to wait prints, on stderr, after a moment and then every few seconds,
`waiting for the database: another monell process (pid N, `monell corpus load`, since
14:03) is writing to it; …`, and gives up after `MONELL_DB_BUSY_TIMEOUT` seconds with exit 2
and the same holder (`busy_message`, used by the top-level error handler).

The hooks are installed on every engine `make_engine` builds, so each command that writes
through SQLAlchemy (`corpus load|fetch|link`, migrations, `precedents index`, …) takes part
without calling anything. Code that writes through the raw driver (`executemany` on the
DBAPI cursor) should start its transaction with `begin_write(conn)`, which takes the write
lock up front through the same hooks.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# Statements that take (or wait for) the write lock. Reads never wait in WAL mode.
_WRITES = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|BEGIN\s+(?:IMMEDIATE|EXCLUSIVE)"
    r"|SELECT\s+pg_(?:try_)?advisory)",
    re.IGNORECASE,
)
# SQLite: the statements before which Python's sqlite3 opens a transaction itself (DML), and
# the explicit write-lock requests.
_DML = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_BEGIN_WRITE = re.compile(r"\s*BEGIN\s+(?:IMMEDIATE|EXCLUSIVE)\b", re.IGNORECASE)
FIRST_NOTICE = 2.0  # seconds of waiting before the first message (short waits stay quiet)
NOTICE_EVERY = 5.0
_RECORD_LIMIT = 4096  # bytes read from a sidecar: a record is ~150
_STARTED = datetime.now().astimezone()
_WRITING = "monell_writing"  # key in a connection's info: this transaction holds the lock
_last_holder: Holder | None = None
_holder_lock = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """The process writing to the database, as far as it is known."""

    pid: int
    command: str
    since: datetime | None

    def describe(self) -> str:
        since = f", since {self.since.astimezone().strftime('%H:%M')}" if self.since else ""
        return f"another monell process (pid {self.pid}, `{self.command}`{since})"


def command_words() -> str:
    """`monell corpus load`: the running click command's path, never its arguments (paths
    and values can be personal); else the program's name."""
    try:
        import click

        ctx = click.get_current_context(silent=True)
    except ImportError:  # pragma: no cover - click is a dependency
        ctx = None
    if ctx is not None:
        words = ctx.command_path.split()[1:]
        return " ".join(["monell", *words])
    return Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"


def sidecar(database: str) -> Path:
    return Path(f"{database}-writer")


def _alive(pid: int) -> bool:
    if pid <= 0 or os.name == "nt":  # on Windows os.kill(pid, 0) terminates the process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    except OSError:
        return False
    return True


def start_marker(pid: int) -> str | None:
    """When `pid` started (Linux: clock ticks since boot, /proc/PID/stat field 22), so a
    record is not taken for a later process given the same pid; None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # the command name may hold spaces
    return fields[19] if len(fields) > 19 else None


def read_holder(database: str) -> Holder | None:
    """The live writer recorded beside an SQLite database, or None (no record, a record
    left by a process that is gone, or one that cannot be read)."""
    try:
        with sidecar(database).open("rb") as handle:
            raw = handle.read(_RECORD_LIMIT)
        record = json.loads(raw.decode("utf-8"))
        pid, command, host = record["pid"], record["command"], record.get("host")
        started = record.get("started")
        since = datetime.fromisoformat(record["since"]) if record.get("since") else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(pid, int) or isinstance(pid, bool) or not isinstance(command, str):
        return None
    if host not in (None, socket.gethostname()):
        return None  # a process on another machine (a shared folder): its pid means nothing here
    if pid == os.getpid() or not _alive(pid):
        return None
    if started is not None and start_marker(pid) not in (None, started):
        return None  # the writer is gone and its pid now belongs to another process
    if since is not None and since.tzinfo is None:
        since = None
    return Holder(pid, command[:80], since)


def _write_record(database: str) -> None:
    record = {
        "pid": os.getpid(),
        "command": command_words(),
        "since": _STARTED.isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "started": start_marker(os.getpid()),
    }
    path = sidecar(database)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:  # a read-only folder: the lock still works, only unnamed
        temporary.unlink(missing_ok=True)


def _clear_record(database: str) -> None:
    path = sidecar(database)
    try:
        with path.open("rb") as handle:
            mine = json.loads(handle.read(_RECORD_LIMIT)).get("pid") == os.getpid()
    except (OSError, ValueError, AttributeError):
        return
    if mine:
        path.unlink(missing_ok=True)


def _pg_holder(engine: Engine, backend_pid: int) -> Holder | None:
    """The session blocking `backend_pid` on PostgreSQL, read from pg_stat_activity."""
    import sqlalchemy as sa

    query = sa.text(
        "SELECT application_name, xact_start FROM pg_stat_activity "
        "WHERE pid = ANY(pg_blocking_pids(:pid)) ORDER BY xact_start LIMIT 1"
    )
    try:
        with engine.connect() as conn:
            row = conn.execute(query, {"pid": backend_pid}).first()
    except Exception:  # the message is a courtesy; never a second failure
        return None
    if row is None:
        return None
    name, start = row
    match = re.fullmatch(r"(monell.*) \(pid (\d+)\)", name or "")
    if match is None:
        return Holder(0, name or "an unnamed PostgreSQL session", start)
    return Holder(int(match[2]), match[1], start)


def _remember(holder: Holder | None) -> None:
    global _last_holder
    with _holder_lock:
        if holder is not None:
            _last_holder = holder


def last_holder() -> Holder | None:
    """The holder this process last saw while waiting (for the final message)."""
    return _last_holder


def _current_holder(engine: Engine, conn_info: dict[str, Any]) -> Holder | None:
    if engine.dialect.name == "postgresql":
        backend = conn_info.get("monell_backend_pid")
        holder = _pg_holder(engine, backend) if isinstance(backend, int) else None
    else:
        database = engine.url.database
        holder = read_holder(database) if database and database != ":memory:" else None
    _remember(holder)
    return holder


def _holder_text(holder: Holder | None) -> str:
    if holder is None:
        return (
            "another program is writing to it (one that does not say who it is: the web "
            "app, an sqlite3 shell, or a monell command writing in bulk)"
        )
    if holder.pid == 0:
        return f"another session is writing to it ({holder.command})"
    return f"{holder.describe()} is writing to it"


def _timeout() -> float:
    from monell.storage.database import busy_timeout

    return busy_timeout()


class _Notice:
    """Prints the waiting message from a timer thread while a write statement waits."""

    def __init__(self, engine: Engine, info: dict[str, Any], *, only_if_blocked: bool) -> None:
        """`only_if_blocked`: the statement may be slow without waiting (PostgreSQL), so
        speak only when a blocking session is found; otherwise the statement does nothing
        but wait for the lock (SQLite's BEGIN IMMEDIATE), and any time spent is waiting."""
        global _last_holder
        _last_holder = None  # a holder seen in an earlier wait is not this one
        self.engine, self.info = engine, info
        self.only_if_blocked = only_if_blocked
        self.start = time.monotonic()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="monell-db-wait", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from monell.storage.database import BUSY_TIMEOUT_ENV

        limit = _timeout()
        # A first silent look within the wait, however short, so the exit-2 message can name
        # the holder (PostgreSQL forgets who blocked a statement once it is cancelled).
        peek = min(FIRST_NOTICE, limit / 2)
        if self.stop.wait(peek):
            return
        _current_holder(self.engine, self.info)
        if self.stop.wait(FIRST_NOTICE - peek):
            return
        first = True
        while True:
            holder = _current_holder(self.engine, self.info)
            if holder is None and self.only_if_blocked:
                if self.stop.wait(1.0):
                    return
                continue
            waited = time.monotonic() - self.start
            if first:
                message = (
                    f"waiting for the database: {_holder_text(holder)}; waiting up to "
                    f"{limit:g} s (set {BUSY_TIMEOUT_ENV}=SECONDS to change) …"
                )
            else:
                message = (
                    f"still waiting for the database ({waited:.0f} s of {limit:g} s): "
                    f"{_holder_text(holder)} …"
                )
            try:
                print(message, file=sys.stderr, flush=True)
            except (OSError, ValueError):  # stderr closed: nobody to tell
                return
            first = False
            if self.stop.wait(NOTICE_EVERY):
                return

    def done(self) -> None:
        self.stop.set()


def _sqlite_file(conn: Connection) -> str | None:
    database = conn.engine.url.database
    return database if database and database != ":memory:" else None


def _holding(conn: Connection) -> None:
    """`conn`'s transaction now holds the write lock: say so beside the database."""
    conn.info[_WRITING] = True
    database = _sqlite_file(conn) if conn.dialect.name == "sqlite" else None
    if database:
        _write_record(database)


def _before(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if conn.info.get(_WRITING) or not _WRITES.match(statement):
        return
    if conn.dialect.name != "sqlite":
        conn.info["monell_notice"] = _Notice(conn.engine, conn.info, only_if_blocked=True)
        return
    if _BEGIN_WRITE.match(statement):  # migrate(), begin_write(): nothing but the wait
        conn.info["monell_notice"] = _Notice(conn.engine, conn.info, only_if_blocked=False)
        return
    dbapi = conn.connection.driver_connection
    if _DML.match(statement) and dbapi is not None and not dbapi.in_transaction:
        # The transaction's first write. Python's sqlite3 would send BEGIN and then wait for
        # the lock inside this statement, so a slow batch and a wait would look the same;
        # taking the lock first with BEGIN IMMEDIATE (the same transaction, the same lock)
        # makes the wait its own step, narrated and then recorded.
        _begin_immediate(conn, dbapi)
    # DDL outside a transaction commits at once; DML inside one already begun is marked
    # after it ran (_after).


def _begin_immediate(conn: Connection, dbapi: Any) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    notice = _Notice(conn.engine, conn.info, only_if_blocked=False)
    try:
        dbapi.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        notice.done()
        _current_holder(conn.engine, conn.info)  # for the exit-2 message
        raise OperationalError("BEGIN IMMEDIATE", None, exc) from None
    finally:
        notice.done()
    _holding(conn)


def _after(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    notice = conn.info.pop("monell_notice", None)
    if notice is not None:
        notice.done()
    if conn.info.get(_WRITING) or not _WRITES.match(statement):
        return
    if conn.dialect.name == "sqlite":
        dbapi = conn.connection.driver_connection
        if dbapi is not None and dbapi.in_transaction:  # the lock is held until commit
            _holding(conn)
    else:
        _holding(conn)


def _failed(context: Any) -> None:
    conn = context.connection
    if conn is None:
        return
    try:
        notice = conn.info.pop("monell_notice", None)
    except Exception:  # an invalidated connection
        return
    if notice is not None:
        notice.done()
        if conn.dialect.name == "sqlite":  # named now, while the holder still holds the lock
            _current_holder(conn.engine, conn.info)


def _ended(conn: Connection) -> None:
    try:
        writing = conn.info.pop(_WRITING, None)
    except Exception:  # an invalidated connection (Ctrl-C mid-statement): its info is gone
        writing = True
    database = _sqlite_file(conn) if conn.dialect.name == "sqlite" else None
    if writing and database:
        _clear_record(database)


def _pg_connect(dbapi_connection: Any, record: Any) -> None:
    record.info["monell_backend_pid"] = dbapi_connection.info.backend_pid


def install(engine: Engine) -> None:
    """Announce this process's writes on `engine` and narrate its waits."""
    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", _before)
    event.listen(engine, "after_cursor_execute", _after)
    event.listen(engine, "handle_error", _failed)
    event.listen(engine, "commit", _ended)
    event.listen(engine, "rollback", _ended)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _pg_connect)


_PG_MAX_LOCK_TIMEOUT = 2**31 - 1  # ms


def pg_connect_args(query: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PostgreSQL session settings: a name that says who this is, and bounded lock waits.

    `query`: the URL's own parameters. connect_args replace them (and libpq's PGOPTIONS and
    PGAPPNAME), so a URL's or the environment's `options` (a search_path, say) are kept
    after ours, where they win, and a name given there is kept."""
    query = query or {}
    # PostgreSQL takes at most 2^31-1 ms (24.8 days); more (or "inf") refuses the connection.
    milliseconds = max(1, round(min(_timeout(), _PG_MAX_LOCK_TIMEOUT / 1000) * 1000))
    theirs = query.get("options", os.environ.get("PGOPTIONS"))
    if isinstance(theirs, tuple):  # the parameter given twice in the URL
        theirs = " ".join(theirs)
    args: dict[str, Any] = {"options": f"-c lock_timeout={milliseconds} {theirs or ''}".strip()}
    if "application_name" in query or os.environ.get("PGAPPNAME"):
        return args
    name = f"{command_words()} (pid {os.getpid()})"
    if len(name) > 63:  # PostgreSQL truncates application_name at 63 bytes
        name = f"{command_words()[: 63 - len(f' (pid {os.getpid()})') - 1]}… (pid {os.getpid()})"
    return {"application_name": name, **args}


def begin_write(conn: Connection) -> None:
    """Take the database's write lock now, at the start of `conn`'s transaction (waiting
    with the usual messages): for code that then writes through the raw driver, whose
    statements the hooks do not see. SQLite: `BEGIN IMMEDIATE`; PostgreSQL takes row and
    table locks as it writes, bounded by `lock_timeout`, so nothing is needed."""
    if conn.dialect.name == "sqlite" and not conn.info.get(_WRITING):
        if conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
            return  # already writing in this transaction
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def busy_message(where: str) -> str:
    """The exit-2 message for a write that waited for the whole timeout."""
    from monell.storage.database import BUSY_TIMEOUT_ENV, _current_url

    holder = last_holder()
    if holder is None and _current_url and _current_url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database = make_url(_current_url).database
        holder = read_holder(database) if database and database != ":memory:" else None
    who = _holder_text(holder)
    fix = "retry when it has finished"
    if holder is not None and holder.pid:
        fix = f"let pid {holder.pid} finish (or stop it), then rerun this command"
    return (
        f"--db: the database {where} is busy: {who}, and it did not finish within "
        f"{_timeout():g} s; {fix}, or set {BUSY_TIMEOUT_ENV}=SECONDS to wait longer"
    )
