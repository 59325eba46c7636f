"""The same guarantees on PostgreSQL (run by `make test` through scripts/with_postgres.sh):
migrations racing on a new database, and the password kept out of every message."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .conftest import monell_process

URL = os.environ.get("MONELL_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="MONELL_TEST_POSTGRES_URL is not set")


@pytest.fixture
def new_database() -> Iterator[str]:
    """A database that does not exist yet on the test server, dropped afterwards."""
    assert URL
    name = f"monell_race_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_migrations_race_safely_on_a_new_postgresql_database(new_database: str) -> None:
    procs = [monell_process(["corpus", "status", "--db", new_database]) for _ in range(4)]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    engine = sa.create_engine(new_database)
    with engine.connect() as conn:
        versions = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    engine.dispose()
    assert len(versions) == len(set(versions)) >= 2


def test_a_wrong_password_is_never_echoed() -> None:
    assert URL
    url = make_url(URL)
    wrong = url.set(password="wrong-pw-s3cret", database="no_such_db_here")
    proc = monell_process(["corpus", "status", "--db", wrong.render_as_string(hide_password=False)])
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert "--db" in err and "wrong-pw-s3cret" not in out + err


def test_a_writer_waiting_on_postgresql_names_the_holder(tmp_path, new_database: str) -> None:
    """Two loads of one file on PostgreSQL: the second blocks on the first's uncommitted
    bookkeeping row; it says who holds it (pg_blocking_pids, the holder's application_name)
    while it waits, and after MONELL_DB_BUSY_TIMEOUT (lock_timeout) ends with exit 2."""
    from .test_writers import Holder

    holder = Holder(tmp_path, new_database)
    try:
        holder.wait_until_holding()
        waiter = monell_process(
            ["corpus", "load", holder.path, "--db", new_database, "--no-link"],
            env={"MONELL_DB_BUSY_TIMEOUT": "6"},
        )
        _out, err = waiter.communicate(timeout=120)
    finally:
        code, holder_err = holder.release()
    assert code == 0, holder_err
    assert waiter.returncode == 2, err
    who = f"another monell process (pid {holder.proc.pid}, `monell corpus load`, since "
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"waiting for the database: {who}"), lines
    assert lines[-1].startswith("error: --db: the database") and "is busy" in lines[-1]
    assert who in lines[-1] and "MONELL_DB_BUSY_TIMEOUT" in lines[-1]
    assert "Traceback" not in err


def test_a_slow_write_on_postgresql_that_waits_for_nobody_says_nothing(
    new_database: str, monkeypatch, capsys
) -> None:
    from monell.storage import writelock
    from monell.storage.database import open_database

    monkeypatch.setattr(writelock, "FIRST_NOTICE", 0.05)
    engine = open_database(new_database)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO corpus_courts (id) SELECT 'slow' FROM pg_sleep(0.6)")
    engine.dispose()
    assert "waiting" not in capsys.readouterr().err


def test_connection_options_given_in_the_url_or_pgoptions_are_kept(
    new_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL's `options` (search_path, say) and PGOPTIONS still apply beside lock_timeout,
    and a URL's own lock_timeout wins over the default."""
    from monell.storage.database import make_engine

    url = make_url(new_database).update_query_dict(
        {"options": "-c search_path=monell_schema,public -c lock_timeout=7s"}
    )
    engine = make_engine(url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW search_path").scalar() == "monell_schema,public"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "7s"
    engine.dispose()
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=123s")
    monkeypatch.setenv("MONELL_DB_BUSY_TIMEOUT", "9")
    engine = make_engine(new_database)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "123s"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "9s"
    engine.dispose()
    monkeypatch.setenv("MONELL_DB_BUSY_TIMEOUT", "inf")  # "wait as long as it takes"
    engine = make_engine(new_database)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "2147483647ms"
    engine.dispose()
