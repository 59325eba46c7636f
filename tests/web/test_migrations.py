"""Data migrations keep what they convert: feed links given out before migration 0003 of the
cases app still open their calendar afterwards (the stored token becomes its hash)."""

from __future__ import annotations

import secrets

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from monell.web.crypto import token_hash

BEFORE = [("cases", "0002_conflict_checked_at")]
AFTER = [("cases", "0003_calendar_token_hash")]


@pytest.mark.django_db(transaction=True)
def test_feed_links_made_before_hashing_keep_working(django_user_model) -> None:  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    user = django_user_model.objects.create_user("feed@example.org", password="x" * 20)
    token = secrets.token_urlsafe(32)
    old_apps.get_model("cases", "AttorneyCalendar").objects.create(attorney_id=user.pk, token=token)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from monell.web.cases.models import AttorneyCalendar

    row = AttorneyCalendar.objects.get(attorney=user)
    assert row.token_hash == token_hash(token)
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, AttorneyCalendar._meta.db_table
            )
        }
    assert "token" not in columns  # the clear token is gone from the table


@pytest.mark.django_db(transaction=True)
def test_migration_0003_can_be_undone(django_user_model) -> None:  # type: ignore[no-untyped-def]
    """Going back re-adds the clear column and drops the feeds (a hash cannot give a link
    back); going forward again works."""
    from monell.web.cases.models import AttorneyCalendar

    user = django_user_model.objects.create_user("undo@example.org", password="x" * 20)
    AttorneyCalendar.objects.create(attorney=user, token_hash=token_hash("t" * 43))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("cases", "AttorneyCalendar")
    assert not old.objects.exists()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert not AttorneyCalendar.objects.exists()
