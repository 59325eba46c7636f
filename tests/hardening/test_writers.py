"""Two writers on one database, as real processes: the one that waits says who holds the
lock (pid, command, since when), keeps saying it while it waits, and either goes on when the
lock is released or ends with exit 2 naming the holder and the fix. Stale records of a
killed writer are ignored. (Issue 17: the loser crashed with "database is locked".)"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from monell.corpus import bulkcsv
from monell.storage import writelock
from monell.storage.database import open_database

from .conftest import BULK, SETTLEMENTS_CSV, monell_process


def _bulk_opinions(path: Path, n: int) -> Path:
    """`n` opinions in a bulk file; each file gets its own ids (from the date in its name)."""
    header = bulkcsv.read_header(BULK / "opinions-2024-05-01.csv")
    first = 20_000 + int(path.name.removeprefix("opinions-")[:10].replace("-", "")) % 10_000 * 100
    rows = [",".join(header) + "\n"]
    for i in range(n):
        cells = [""] * len(header)
        cells[header.index("id")] = str(first + i)
        cells[header.index("cluster_id")] = "2001"
        cells[header.index("type")] = "010combined"
        cells[header.index("plain_text")] = f"Opinion {i}. " + "text " * 200
        rows.append(bulkcsv.format_row(cells))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(rows), encoding="utf-8")
    return path


# A real `monell corpus load` that stops inside its first batch's transaction, after the
# write (so it holds the database's write lock), until the test creates the release file.
_HOLDER = """
import os, time
from pathlib import Path
import monell.corpus.ingest_bulk as ingest_bulk
real = ingest_bulk._write
def held(*args, **kwargs):
    real(*args, **kwargs)
    Path(os.environ["HOLD_READY"]).touch()
    while not Path(os.environ["HOLD_RELEASE"]).exists():
        time.sleep(0.02)
ingest_bulk._write = held
from monell.cli.main import main
main()
"""


class Holder:
    """A `monell corpus load` of `path` (3 opinions by default) that holds the write lock."""

    def __init__(self, tmp_path: Path, db: Path | str, path: Path | None = None) -> None:
        self.ready = tmp_path / "holder-ready"
        self.release_file = tmp_path / "holder-release"
        self.path = path = path or _bulk_opinions(tmp_path / "opinions-2024-06-01.csv", 3)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, "corpus", "load", str(path), "--db", str(db),
             "--no-link"],
            env={**os.environ, "HOLD_READY": str(self.ready),
                 "HOLD_RELEASE": str(self.release_file)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def wait_until_holding(self) -> None:
        while not self.ready.exists():
            assert self.proc.poll() is None, self.proc.communicate()
            time.sleep(0.02)

    def release(self) -> tuple[int, str]:
        self.release_file.touch()
        _out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shared.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def holder(tmp_path: Path, db: Path) -> Iterator[Holder]:
    hold = Holder(tmp_path, db)
    try:
        hold.wait_until_holding()
        yield hold
    finally:
        if hold.proc.poll() is None:
            hold.release()


def test_the_holder_is_recorded_beside_the_database(db: Path, holder: Holder) -> None:
    found = writelock.read_holder(str(db))
    assert found is not None
    assert (found.pid, found.command) == (holder.proc.pid, "monell corpus load")
    assert found.since is not None and found.since.tzinfo is not None
    code, err = holder.release()
    assert code == 0, err
    assert not writelock.sidecar(str(db)).exists()  # cleaned up when the transaction ended


def test_a_waiting_writer_says_who_holds_the_lock_then_goes_on(
    tmp_path: Path, db: Path, holder: Holder
) -> None:
    second = _bulk_opinions(tmp_path / "more" / "opinions-2024-07-01.csv", 4)
    waiter = monell_process(["corpus", "load", second, "--db", db, "--no-link"])
    assert waiter.stderr is not None
    first_line = waiter.stderr.readline()  # blocks until the first waiting message
    assert first_line.startswith("waiting for the database: another monell process"), first_line
    assert f"(pid {holder.proc.pid}, `monell corpus load`, since " in first_line
    assert "MONELL_DB_BUSY_TIMEOUT" in first_line
    code, err = holder.release()
    assert code == 0, err
    _out, rest = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, rest
    assert "Traceback" not in rest
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM corpus_opinions").fetchone() == (7,)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["corpus", "load", "{bulk}", "--no-link"], id="corpus load"),
        pytest.param(["payouts", "import", "{csv}"], id="payouts import (raw driver)"),
    ],
)
def test_a_writer_that_waits_too_long_is_exit_2_naming_the_holder(
    tmp_path: Path, db: Path, holder: Holder, command: list[str]
) -> None:
    csv = tmp_path / "stl.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    bulk = _bulk_opinions(tmp_path / "more" / "opinions-2024-07-01.csv", 2)
    args = [a.format(bulk=bulk, csv=csv) for a in command]
    proc = monell_process([*args, "--db", db], env={"MONELL_DB_BUSY_TIMEOUT": "3"})
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: --db: the database") and "is busy" in last
    assert f"another monell process (pid {holder.proc.pid}, `monell corpus load`, since" in last
    assert f"let pid {holder.proc.pid} finish" in last and "MONELL_DB_BUSY_TIMEOUT" in last
    assert "Traceback" not in err
    assert holder.release()[0] == 0


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _record(**fields: object) -> str:
    base: dict[str, object] = {
        "pid": os.getppid(),  # alive: the process that runs the tests' parent
        "command": "monell corpus load",
        "since": "2026-12-04T14:03:00+00:00",
        "host": socket.gethostname(),
    }
    return json.dumps({**base, **fields})


@pytest.mark.parametrize(
    ("content", "named"),
    [
        pytest.param(_record(), True, id="a live writer"),
        pytest.param(_record(pid=_dead_pid()), False, id="a killed writer (stale)"),
        pytest.param(_record(pid=os.getpid()), False, id="this very process"),
        pytest.param(_record(host="another-machine"), False, id="another machine's pid"),
        pytest.param(_record(pid="12"), False, id="pid as text"),
        pytest.param(_record(pid=True), False, id="pid as a boolean"),
        pytest.param(_record(since="14:03"), False, id="unreadable time"),
        pytest.param(_record(since="2026-12-04T14:03:00"), True, id="time without zone"),
        pytest.param("", False, id="empty file"),
        pytest.param("{not json", False, id="not JSON"),
        pytest.param("[1, 2]", False, id="a list"),
        pytest.param("\udcff" * 3, False, id="not UTF-8"),
        pytest.param(_record(command="x" * 5000), False, id="over-long record"),
        # A killed writer's pid given to a later, unrelated process: naming it would tell
        # the user to stop a process that is not a monell writer.
        pytest.param(_record(started="1"), False, id="pid reused by a later process"),
        pytest.param(
            _record(started=writelock.start_marker(os.getppid())), True, id="same process"
        ),
    ],
)
def test_sidecar_records_a_waiter_cannot_trust_are_ignored(
    tmp_path: Path, content: str, named: bool
) -> None:
    database = str(tmp_path / "m.sqlite3")
    writelock.sidecar(database).write_bytes(content.encode("utf-8", "surrogateescape"))
    holder = writelock.read_holder(database)
    assert (holder is not None) == named
    if holder is not None:
        assert holder.describe().startswith(f"another monell process (pid {os.getppid()}")


def test_a_stale_record_does_not_stop_a_write_and_is_replaced(tmp_path: Path, db: Path) -> None:
    writelock.sidecar(str(db)).write_text(_record(pid=_dead_pid()), encoding="utf-8")
    csv = tmp_path / "stl.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    bulk = _bulk_opinions(tmp_path / "opinions-2024-07-01.csv", 2)
    proc = monell_process(["corpus", "load", bulk, "--db", db, "--no-link"])
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "waiting" not in err
    assert not writelock.sidecar(str(db)).exists()


def test_migrations_of_a_new_database_wait_for_a_writer_and_both_succeed(
    tmp_path: Path,
) -> None:
    """Two writers starting on a brand-new database: both migrate (one waits for the
    other's migration lock) and both files load."""
    db = tmp_path / "new.sqlite3"
    files = [
        _bulk_opinions(tmp_path / f"d{i}" / f"opinions-2024-0{i + 6}-01.csv", 3) for i in (0, 1)
    ]
    procs = [monell_process(["corpus", "load", f, "--db", db, "--no-link"]) for f in files]
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM corpus_opinions").fetchone() == (6,)


def test_command_words_never_carry_arguments() -> None:
    import click

    @click.command("load")
    @click.argument("path")
    def load(path: str) -> None:
        click.echo(writelock.command_words())

    @click.group("monell")
    def root() -> None:
        pass

    corpus = click.Group("corpus")
    corpus.add_command(load)
    root.add_command(corpus)
    from click.testing import CliRunner

    result = CliRunner().invoke(root, ["corpus", "load", "/home/jane/incident.yaml"])
    assert result.output.strip() == "monell corpus load"


def test_holder_description_reads_like_the_brief() -> None:
    since = datetime.fromisoformat("2026-12-04T14:03:00").astimezone()
    text = writelock.Holder(4242, "monell corpus load", since).describe()
    assert text == "another monell process (pid 4242, `monell corpus load`, since 14:03)"


_RAW_HOLDER = """
import os, sys, time
from pathlib import Path
from monell.storage.database import make_engine
from monell.storage.writelock import begin_write
engine = make_engine(sys.argv[1])
with engine.connect() as conn, conn.begin():
    begin_write(conn)  # what a raw-driver writer (the settlement importer) calls first
    begin_write(conn)  # twice is harmless
    cursor = conn.connection.driver_connection.cursor()
    cursor.executemany("INSERT INTO corpus_courts (id) VALUES (?)", [("rawa",), ("rawb",)])
    Path(os.environ["HOLD_READY"]).touch()
    while not Path(os.environ["HOLD_RELEASE"]).exists():
        time.sleep(0.02)
"""


def test_a_raw_driver_writer_that_begins_with_begin_write_is_named(
    tmp_path: Path, db: Path
) -> None:
    ready, release = tmp_path / "ready", tmp_path / "release"
    raw = subprocess.Popen(
        [sys.executable, "-c", _RAW_HOLDER, f"sqlite:///{db}"],
        env={**os.environ, "HOLD_READY": str(ready), "HOLD_RELEASE": str(release)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while not ready.exists():
            assert raw.poll() is None, raw.communicate()
            time.sleep(0.02)
        found = writelock.read_holder(str(db))
        assert found is not None and found.pid == raw.pid
        bulk = _bulk_opinions(tmp_path / "opinions-2024-07-01.csv", 2)
        waiter = monell_process(
            ["corpus", "load", bulk, "--db", db, "--no-link"], env={"MONELL_DB_BUSY_TIMEOUT": "3"}
        )
        _out, err = waiter.communicate(timeout=120)
    finally:
        release.touch()
        raw.communicate(timeout=60)
    assert raw.returncode == 0
    assert waiter.returncode == 2, err
    assert f"(pid {raw.pid}, " in err.strip().splitlines()[-1]
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT count(*) FROM corpus_courts WHERE id LIKE 'raw%'"
        ).fetchone() == (2,)
    assert not writelock.sidecar(str(db)).exists()


def test_a_slow_write_that_waits_for_nobody_says_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wait for the lock is its own step (BEGIN IMMEDIATE), so a long first statement
    (a big batch) is not mistaken for a wait."""
    from monell.storage.database import make_engine

    monkeypatch.setattr(writelock, "FIRST_NOTICE", 0.05)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        conn.connection.driver_connection.create_function(  # type: ignore[union-attr]
            "slowly", 1, lambda value: time.sleep(0.5) or value
        )
        with conn.begin():
            conn.exec_driver_sql("INSERT INTO corpus_courts (id) VALUES (slowly('slow'))")
            assert writelock.read_holder(str(db)) is None  # our own record: not a waiter's
            assert json.loads(writelock.sidecar(str(db)).read_text())["pid"] == os.getpid()
    engine.dispose()
    assert "waiting" not in capsys.readouterr().err
    assert not writelock.sidecar(str(db)).exists()


def test_two_real_loads_of_one_file_the_second_waits_then_is_told(
    tmp_path: Path, db: Path, holder: Holder
) -> None:
    """The issue's race on one file's bookkeeping, with two real processes: the second
    sees the first's unfinished load, waits for its batch, then finds the bookkeeping moved
    on and stops (exit 2) instead of loading the same rows again; the first finishes."""
    waiter = monell_process(["corpus", "load", holder.path, "--db", db, "--no-link"])
    assert waiter.stderr is not None
    assert waiter.stderr.readline().startswith("waiting for the database: another monell")
    code, err = holder.release()
    assert code == 0, err
    _out, rest = waiter.communicate(timeout=120)
    assert waiter.returncode == 2, rest
    assert "another process is loading this same file (line 4, done)" in rest
    assert "Traceback" not in rest
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM corpus_opinions").fetchone() == (3,)
        assert conn.execute("SELECT status FROM corpus_ingest_files").fetchall() == [("done",)]


def test_a_real_holder_records_when_its_process_started(db: Path, holder: Holder) -> None:
    record = json.loads(writelock.sidecar(str(db)).read_text(encoding="utf-8"))
    assert record["started"] == writelock.start_marker(holder.proc.pid)
    assert record["started"] is not None  # Linux: /proc/PID/stat
    holder.release()


def test_windows_is_never_sent_a_signal_to_probe_a_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows os.kill(pid, 0) is TerminateProcess: probing the holder would kill it."""

    def kill(*_args: object) -> None:
        raise AssertionError("os.kill called on Windows")

    monkeypatch.setattr(writelock.os, "kill", kill)
    monkeypatch.setattr(writelock.os, "name", "nt")
    assert writelock._alive(os.getppid()) is False  # unknown: the record is not trusted


@pytest.mark.parametrize("seconds", ["inf", "1e7", "3000000"])
def test_a_very_long_busy_timeout_stays_within_postgresqls_lock_timeout(
    seconds: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL refuses the connection for a lock_timeout above 2^31-1 ms (24.8 days)."""
    monkeypatch.setenv("MONELL_DB_BUSY_TIMEOUT", seconds)
    options = writelock.pg_connect_args()["options"]
    assert options == f"-c lock_timeout={2**31 - 1}"


@pytest.mark.parametrize("value", ["abc", "", "nan", "-1", "60s"])
def test_a_malformed_busy_timeout_is_refused_naming_the_variable(
    value: str, tmp_path: Path
) -> None:
    """Not silently 60 s (or 0 s for "nan"): exit 2 naming the variable and what it takes,
    before the database file is made."""
    db = tmp_path / "never.sqlite3"
    proc = monell_process(
        ["corpus", "load", BULK, "--db", f"sqlite:///{db}", "--no-link"],
        env={"MONELL_DB_BUSY_TIMEOUT": value},
    )
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert "MONELL_DB_BUSY_TIMEOUT" in err and "number of seconds" in err
    assert "Traceback" not in err
    assert not db.exists()
