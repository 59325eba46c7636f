"""No personal data in clear anywhere but the person's own screens and staff pages: a canary
name goes in through the API and the staff side, then every table of the database and every
log record are searched for it."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client

from monell.web.api.auth import issue_token
from tests.core.factories import incident_data

pytestmark = pytest.mark.django_db

CANARY = "Quillon Vantablack-Oyelaran"
CANARY_STORY = "canary-narrative-7f3e91"


def test_canary_is_in_no_table_and_no_log(client_as, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    token = issue_token("site")[1]
    body = {
        "incident": incident_data(
            narrative=f"{CANARY} was hurt. {CANARY_STORY}", officers=[{"name": CANARY}]
        ),
        "contact": {"name": CANARY, "email": "canary@example.org", "phone": "555-0100"},
        "consent": {"privacy": True, "no_relationship": True},
    }
    response = Client().post(
        "/api/v1/leads", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert response.status_code == 201
    from monell.web.cases.models import Lead

    lead = Lead.objects.get()
    staff = client_as("admin")
    assert CANARY in staff.get(f"/staff/leads/{lead.pk}/").content.decode()  # staff can read it
    staff.post(f"/staff/leads/{lead.pk}/note/", {"text": f"called {CANARY}"})
    staff.post(f"/staff/leads/{lead.pk}/conflicts/")
    staff.get("/staff/leads.csv")
    staff.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "decline", "reason": CANARY})

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                if CANARY in text or CANARY_STORY in text or "canary@example.org" in text:
                    found.append(table)
    assert not found, f"personal data in clear in {sorted(set(found))}"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert CANARY not in logged and CANARY_STORY not in logged and "canary@" not in logged
