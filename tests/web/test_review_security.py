"""Review findings on security: the client address behind a proxy, NUL characters in
addresses and query strings (a 500 on PostgreSQL), a calendar feed that outlives its owner's
attorney role, calendar tokens in the log, the audit page's time column, and two requests
appending to the audit chain at the same moment."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory, override_settings

from monell.web.audit.log import client_ip, record, verify_chain
from monell.web.audit.models import AuditEvent
from monell.web.cases.models import AttorneyCalendar
from monell.web.logs import redact
from tests.web.leads import lead_with


@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_wrote() -> None:
    # A proxy that appends (proxy_add_x_forwarded_for, Caddy, Traefik) keeps what the client
    # sent in front: only the last hop is the proxy's word.
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1"
    )
    assert client_ip(request) == "203.0.113.7"
    single = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert client_ip(single) == "203.0.113.8"


@override_settings(BEHIND_TLS_PROXY=True, MONELL_PUBLIC_SUBMIT_RATE="2/h")
@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_submit_rate_limit() -> None:
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    statuses = []
    for i in range(4):
        client = Client(HTTP_X_FORWARDED_FOR=f"10.9.8.{i}, 198.51.100.20")
        statuses.append(client.post("/result/send/").status_code)
    assert statuses[-1] == 429, statuses


NUL_URLS = [
    "/staff/?state=%00",
    "/staff/?attorney=a%00b",
    "/staff/?q=%00",
    "/staff/leads.csv?status=%00",
    "/staff/matters/%00x.ics",
    "/staff/calendar/abc%00def.ics",
    "/q/who/?return=%00",
    "/r/abc%00def",
    "/staff/audit/?page=%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_an_address_is_a_400_not_a_500(client_as, url) -> None:  # type: ignore[no-untyped-def]
    response = client_as("admin").get(url)
    assert response.status_code == 400


@pytest.mark.django_db
def test_nul_in_a_staff_post_or_an_interview_answer_is_no_500(client_as) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from monell.web.intake.models import Interview

    lead = lead_with(name="Rosa Roe")
    response = client_as("admin").post(f"/staff/leads/{lead.pk}/assign/", {"attorney": "x\x00y"})
    assert response.status_code == 302
    person = Client()
    person.post("/start/")
    response = person.post("/q/who/", {"who": "self\x00", "action": "next"})
    assert response.status_code in (200, 302)
    answers = Interview.objects.get().answers
    assert "\x00" not in str(answers)


@pytest.mark.django_db
def test_a_calendar_feed_stops_when_its_owner_is_no_longer_an_attorney(client_as) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    attorney = client_as("attorney")
    made = attorney.post("/staff/calendar/token/")
    assert made.status_code == 200
    feed = AttorneyCalendar.objects.get()
    page = made.content.decode()
    url = re.search(r"/staff/calendar/[\w-]+\.ics", page)[0]
    assert Client().get(url).status_code == 200
    user = get_user_model().objects.get(pk=feed.attorney_id)
    user.groups.set([Group.objects.get(name="intake")])
    assert Client().get(url).status_code == 404


def test_calendar_feed_tokens_are_cut_from_log_lines() -> None:
    line = 'GET /staff/calendar/Zk3_a-9QwErTyUiOp1234567890abcdEFGH.ics HTTP/1.1" 200'
    cleaned = redact(line)
    assert "Zk3_a-9QwErTyUiOp" not in cleaned and "/calendar/[redacted]" in cleaned


@pytest.mark.django_db
def test_the_audit_page_shows_times_in_utc_as_its_heading_says(client_as) -> None:  # type: ignore[no-untyped-def]
    admin = client_as("admin")
    event = record(None, "view", object_type="queue", detail="probe")
    AuditEvent.objects.filter(pk=event.pk)  # the row stays as written (append-only)
    page = admin.get("/staff/audit/").content.decode()
    assert "When (UTC)" in page
    assert event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain() -> None:
    """Eight threads, each with its own database connection, append at once: no fork (two
    rows naming the same predecessor), no lost event, the chain verifies."""
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the SQLite test database is shared-cache memory; see the file test below")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                record(None, "view", object_type="probe", object_id=f"{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    events = list(AuditEvent.objects.filter(object_type="probe"))
    assert len(events) == 80
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))
    assert verify_chain().intact


APPEND_AT_ONCE = """
import json, sys, threading
from monell.web.bootstrap import start
start(sys.argv[1], sys.argv[2])
from django.db import connection
from monell.web.audit.log import record, verify_chain
from monell.web.audit.models import AuditEvent
errors = []
barrier = threading.Barrier(8)
def worker(n):
    try:
        barrier.wait()
        for i in range(10):
            record(None, "view", object_type="probe", object_id=f"{n}-{i}")
    except BaseException as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
probes = AuditEvent.objects.filter(object_type="probe").count()
print(json.dumps({"errors": errors, "probes": probes,
                  "forks": len(prevs) - len(set(prevs)), "intact": verify_chain().intact}))
"""


def test_concurrent_appends_on_the_sqlite_file_the_server_uses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The same eight writers on a real SQLite file (WAL, BEGIN IMMEDIATE, busy timeout),
    as `monell serve` runs it: they queue instead of failing or forking the chain."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONELL_", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, "-c", APPEND_AT_ONCE, f"sqlite:///{tmp_path / 'audit.sqlite3'}",
         str(tmp_path / "keys.json")],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"errors": [], "probes": 80, "forks": 0, "intact": True}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "https:/evil.example"],
)
def test_no_open_redirect_after_login_or_language_switch(staff, target) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from tests.web.conftest import current_code

    email, password = staff("intake")
    response = Client().post(
        f"/staff/account/login/?next={target}",
        {"username": email, "password": password, "otp_token": current_code(email),
         "next": target},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/staff/"
    response = Client().post("/i18n/setlang/", {"language": "es", "next": target})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_an_upload_is_not_reachable_through_another_leads_address(client_as) -> None:  # type: ignore[no-untyped-def]
    from monell.web.cases.models import Upload

    mine, other = lead_with(name="Ana"), lead_with(name="Ben")
    upload = Upload.objects.create(
        lead=mine, name='x".html', content_type="image/png", size=3, data=b"abc"
    )
    client = client_as("intake")
    assert client.get(f"/staff/leads/{other.pk}/uploads/{upload.pk}/").status_code == 404
    response = client.get(f"/staff/leads/{mine.pk}/uploads/{upload.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".html" not in response["Content-Disposition"]


@pytest.mark.django_db
def test_a_failed_login_keeps_no_authenticator_code_or_csrf_token(staff) -> None:  # type: ignore[no-untyped-def]
    from axes.models import AccessAttempt
    from django.test import Client

    email, _ = staff("intake")
    Client(enforce_csrf_checks=False).post(
        "/staff/account/login/",
        {"username": email, "password": "wrong password", "otp_token": "654321",
         "csrfmiddlewaretoken": "Csrf0123456789TokenValue"},
    )  # fmt: skip
    stored = " ".join(a.post_data + a.get_data for a in AccessAttempt.objects.all())
    assert AccessAttempt.objects.exists()
    assert "654321" not in stored and "Csrf0123456789TokenValue" not in stored
    assert "wrong password" not in stored


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["edit", "delete"])
def test_a_tampered_audit_log_shows_as_broken_on_the_admin_page(client_as, tamper) -> None:  # type: ignore[no-untyped-def]
    """Someone with the database file gets past the triggers: the admin page names the first
    event that no longer follows the chain."""
    from django.db import connection

    from monell.web.audit import triggers

    admin = client_as("admin")
    events = [record(None, "view", object_type="probe", object_id=str(i)) for i in range(3)]
    assert "intact" in admin.get("/staff/audit/").content.decode()
    with connection.cursor() as cursor:
        triggers.remove(cursor.execute, connection.vendor)
        if tamper == "edit":
            cursor.execute(
                "UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["nothing", events[1].pk]
            )
        else:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        triggers.install(cursor.execute, connection.vendor)
    page = admin.get("/staff/audit/").content.decode()
    if tamper == "edit":
        assert f"BROKEN at event {events[1].pk}: its content was changed" in page
    else:
        assert f"BROKEN at event {events[2].pk}: a row before it was removed or changed" in page


@pytest.mark.django_db
def test_one_password_sprayed_over_many_accounts_meets_the_address_limit(staff, settings) -> None:  # type: ignore[no-untyped-def]
    """Axes locks an account after five failures on it; a password tried once against each
    staff address never does. The per-address limit answers 429 and audits it."""
    from django.core.cache import cache
    from django.test import Client

    from tests.web.conftest import current_code

    cache.clear()
    settings.MONELL_LOGIN_RATE = "3/10m"
    email, password = staff("intake")
    client = Client()
    statuses = [
        client.post(
            "/staff/account/login/",
            {"username": f"person{i}@firm.example", "password": "Summer2026!", "otp_token": "1"},
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    right = {"username": email, "password": password, "otp_token": current_code(email)}
    assert client.post("/staff/account/login/", right).status_code == 429
    assert AuditEvent.objects.filter(detail="address rate-limited").count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post("/staff/account/login/", right).status_code == 302
