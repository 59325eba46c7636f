"""Start Django for a command: settings from the database URL and key file, then migrate.

Every entry point (`monell serve`, `monell users …`, `monell keys rotate`, the tests) goes
through `start`, so the web tables exist and the roles are set before anyone logs in.
Migrations are safe to race: two processes starting on one new database take turns (a lock
file beside an SQLite database, an advisory lock on PostgreSQL).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from monell.storage.database import resolve_db_url
from monell.web.config import ensure_key_file, key_file_path


@dataclass(frozen=True)
class Started:
    db_url: str
    key_file: Path
    key_file_created: bool


@contextmanager
def _migration_lock(db_url: str) -> Iterator[None]:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        lock_path = Path(f"{url.database}.migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(19830)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(19830)")


def start(db: str | None = None, key_file: str | None = None, *, migrate: bool = True) -> Started:
    db_url = resolve_db_url(db)
    path = key_file_path(key_file)
    _, created = ensure_key_file(path)
    os.environ["MONELL_DB"] = db_url
    os.environ["MONELL_KEY_FILE"] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monell.web.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        with _migration_lock(db_url):
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
        # The corpus and payouts areas (Alembic) live in the same database: bring them to
        # their heads now, so the memo's sections never migrate under a request.
        from monell.storage.database import make_engine
        from monell.storage.database import migrate as migrate_areas

        engine = make_engine(db_url)
        try:
            migrate_areas(engine)
        finally:
            engine.dispose()
        _check_key_file(path, created)
    return Started(db_url, path, created)


def _check_key_file(path: Path, created: bool) -> None:
    """Refuse to start with a key file that cannot read the database's personal data: a
    server that started anyway would fail on every page and write new rows under a key the
    rest does not share. A key file made by this very start is removed again (nothing was
    encrypted with it), so the next start with the right one is clean."""
    from monell.web.config import KeyFileError
    from monell.web.maintenance import key_file_problem

    problem = key_file_problem()
    if problem is None:
        return
    note = ""
    if created:
        path.unlink(missing_ok=True)
        note = " The new key file made by this start was removed again."
    raise KeyFileError(
        f"key file {path} cannot read the personal data already in this database ({problem}). "
        "Start with the key file that was used with this database (--key-file or "
        f"MONELL_KEY_FILE), restored from your backup if need be. Nothing was changed.{note}"
    )
