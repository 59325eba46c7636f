"""Real processes: two writers on one database, migrations racing on a new database,
Ctrl-C, an unexpected error, and what the commands leave in the user's folders."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from monell.corpus import bulkcsv, ingest_bulk, schema
from monell.corpus.errors import IngestError
from monell.storage.database import open_database

from .conftest import EXAMPLE, SETTLEMENTS_CSV, monell_process, run


def _finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    _out, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def _bulk_opinions(path: Path, n: int) -> Path:
    header = bulkcsv.read_header(
        Path(__file__).parents[1] / "corpus" / "fixtures" / "bulk" / "opinions-2024-05-01.csv"
    )
    rows = [",".join(header) + "\n"]
    for i in range(n):
        cells = [""] * len(header)
        cells[header.index("id")] = str(20_000 + i)
        cells[header.index("cluster_id")] = "2001"
        cells[header.index("type")] = "010combined"
        cells[header.index("plain_text")] = f"Opinion {i}. " + "text " * 200
        rows.append(bulkcsv.format_row(cells))
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_migrations_race_safely_on_a_new_database(tmp_path: Path) -> None:
    """Several processes opening one new database at once: all succeed, one schema. (Before
    the migration lock, four such processes failed with "table alembic_version already
    exists" in three rounds out of three.)"""
    db = tmp_path / "new.sqlite3"
    procs = [monell_process(["corpus", "status", "--db", db]) for _ in range(4)]
    for code, err in [_finish(p) for p in procs]:
        assert code == 0, err
        assert "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    assert len(versions) == len(set(versions)) >= 2  # one row per area's head


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    db = tmp_path / "shared.sqlite3"
    open_database(f"sqlite:///{db}").dispose()
    return db


def test_a_busy_database_is_exit_2_after_the_wait_not_a_crash(tmp_path: Path, migrated: Path):
    csv = tmp_path / "stl.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    lock = _hold_write_lock(migrated)
    try:
        proc = monell_process(
            ["payouts", "import", csv, "--db", migrated], env={"MONELL_DB_BUSY_TIMEOUT": "1"}
        )
        code, err = _finish(proc)
        # A reader is not held up by the writer's lock (WAL) and needs no migration lock.
        reader = monell_process(["corpus", "status", "--db", migrated])
        assert _finish(reader)[0] == 0
    finally:
        lock.rollback()
        lock.close()
    assert code == 2, err
    assert "is busy" in err and "MONELL_DB_BUSY_TIMEOUT" in err and "Traceback" not in err


def test_a_writer_waits_for_the_lock_and_then_succeeds(tmp_path: Path, migrated: Path) -> None:
    csv = tmp_path / "stl.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    lock = _hold_write_lock(migrated)
    proc = monell_process(["payouts", "import", csv, "--db", migrated])
    time.sleep(3)  # the import is now waiting on the lock (Python's old limit was 5 s)
    assert proc.poll() is None
    time.sleep(3)
    lock.rollback()
    lock.close()
    code, err = _finish(proc)
    assert code == 0, err
    with sqlite3.connect(migrated) as conn:
        assert conn.execute("SELECT count(*) FROM settlements").fetchone() == (3,)


def test_two_loads_of_one_file_at_once(tmp_path: Path, migrated: Path, monkeypatch):
    """The loser of the race for a file's bookkeeping row gets a clear input error (the
    race is staged: the other process's row appears between the check and the insert)."""
    path = _bulk_opinions(tmp_path / "opinions-2024-06-01.csv", 5)
    engine = open_database(f"sqlite:///{migrated}")
    fp = ingest_bulk.fingerprint(path)
    real_state = ingest_bulk._state
    calls = []

    def state_then_rival(conn, fingerprint):  # type: ignore[no-untyped-def]
        calls.append(fingerprint)
        if len(calls) == 1:
            with engine.begin() as other:
                other.execute(
                    schema.ingest_files.insert().values(
                        fingerprint=fp, path=str(path), kind="opinions", size=1,
                        status="loading", byte_offset=0, line_no=1, rows_loaded=0,
                        rows_skipped=0, updated_at=datetime.now(UTC),
                    )
                )  # fmt: skip
            return None
        return real_state(conn, fingerprint)

    monkeypatch.setattr(ingest_bulk, "_state", state_then_rival)
    with pytest.raises(IngestError, match="another process started loading this same file"):
        ingest_bulk.load_file(engine, path)
    engine.dispose()


def test_ctrl_c_is_exit_130_and_the_load_resumes(tmp_path: Path, migrated: Path) -> None:
    path = _bulk_opinions(tmp_path / "opinions-2024-06-01.csv", 3000)
    url = f"sqlite:///{migrated}"
    args = ["corpus", "load", path, "--db", url, "--batch-size", "5", "--no-link"]
    proc = monell_process(args)
    engine = open_database(url)
    t = schema.ingest_files
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with engine.connect() as conn:
                loaded = conn.execute(sa.select(sa.func.max(t.c.rows_loaded))).scalar()
            if loaded:
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            pytest.skip("the load finished before it could be interrupted")
        proc.send_signal(signal.SIGINT)
        code, err = _finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err and "Aborted" not in err
    rerun = run(args)
    assert rerun.exit_code == 0 and "resumed" in rerun.stdout
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.c.status, t.c.rows_loaded)).one() == ("done", 3000)
    engine.dispose()


def test_an_unexpected_error_is_exit_3_logged_without_personal_data(
    tmp_path: Path, incident: Path, isolated_user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrative = "tackled from behind"
    assert narrative in incident.read_text()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"a bug that quotes the input: {narrative} {incident}")

    monkeypatch.setattr("monell.cli.assess.assess_incident", broken)
    result = run(["assess", incident])
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert "unexpected internal error (RuntimeError)" in line and "report" in line
    assert narrative not in line and str(incident) not in line
    log = isolated_user / "xdg_state_home" / "monell" / "log" / "errors.log"
    assert str(log) in line
    text = log.read_text()
    assert "builtins.RuntimeError" in text and "command: monell assess" in text
    assert "assess.py" in text  # where it happened, for the bug report
    assert narrative not in text and str(incident) not in text and "quotes" not in text


def test_keyboard_interrupt_in_process_is_130(incident: Path, monkeypatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("monell.cli.assess.assess_incident", interrupted)
    result = run(["assess", incident])
    assert result.exit_code == 130 and "interrupted" in result.stderr


def test_plain_assess_loads_no_matplotlib_and_onnx_writes_no_device_id(tmp_path: Path) -> None:
    """matplotlib makes its cache when imported, so a plain assess must not import it (the
    user's cache folder is kept: a fresh one would rebuild the law checks, slowly); ONNX
    Runtime writes ~/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid at import unless
    telemetry is off before it."""
    assess = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom monell.cli.main import main\ntry:\n    main()\n"
         "except SystemExit as exit:\n    print(exit.code, 'matplotlib' in sys.modules)",
         "assess", EXAMPLE, "-o", tmp_path / "memo.md"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert assess.stdout.split() == ["0", "False"], assess.stderr
    home = tmp_path / "fresh_home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ORT_"))}
    env["HOME"] = str(home)
    onnx = subprocess.run(
        [sys.executable, "-c",
         "from pathlib import Path; from monell.research.embedding import _onnx_session; "
         f"print(_onnx_session(object(), Path({str(tmp_path / 'models')!r})))"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert onnx.returncode == 0, onnx.stderr
    made = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert not [p for p in made if "Microsoft" in p or "onnxruntime" in p], made
