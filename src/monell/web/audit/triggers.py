"""The database's own refusal to change or delete an audit event (SQLite and PostgreSQL).

Installed by migration 0002. Test suites that empty every table between tests (a live
browser test) remove them for that flush and put them back (tests/web/conftest.py)."""

from __future__ import annotations

from typing import Any

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    """CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_no_change ON audit_auditevent",
        "DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditevent",
    ],
}


def install(execute: Any, vendor: str) -> None:
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}[vendor]:
        execute(sql)


def remove(execute: Any, vendor: str) -> None:
    for sql in DROP[vendor]:
        execute(sql)
