"""Review: odd input on the staff facts form and the API never makes a 500 (a table of
hostile values: far dates, the first day of the calendar, huge and odd text)."""

from __future__ import annotations

import pytest

from tests.web.leads import lead_with

pytestmark = pytest.mark.django_db

BASE = {
    "incident_date": "2024-03-10",
    "state": "MO",
    "city": "St. Louis",
    "county": "",
    "agency_name": "St. Louis Metropolitan Police Department",
    "agency_kind": "municipal_police",
    "conduct": ["excessive_force"],
    "custody": "arrested",
    "birth_date": "",
    "criminal_status": "none",
    "criminal_resolved_on": "",
    "narrative": "",
    "reason": "review",
}

HOSTILE = [
    {"incident_date": "9999-12-31"},
    {"incident_date": "0001-01-01"},
    {"birth_date": "0001-01-01"},
    {"birth_date": "9999-12-31"},
    {"birth_date": "2024-03-11"},
    {"criminal_status": "convicted", "criminal_resolved_on": "9999-12-31"},
    {"criminal_status": "dismissed", "criminal_resolved_on": "0001-01-01"},
    {"criminal_status": "pending", "criminal_resolved_on": "2024-03-09"},
    {"incident_date": "2024-02-29", "criminal_status": "acquitted",
     "criminal_resolved_on": "9998-02-28"},
    {"narrative": "\u202e\u200b" * 5000},
    {"agency_name": "x" * 300, "city": "é" * 200},
    {"agency_name": "=cmd|' /C calc'!A0"},
]  # fmt: skip


@pytest.mark.parametrize("changes", HOSTILE)
def test_facts_form_hostile_values(client_as, changes) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe")
    client = client_as("attorney")
    response = client.post(f"/staff/leads/{lead.pk}/facts/", {**BASE, **changes})
    assert response.status_code in (200, 302), response.content[:300]
    page = client.get(f"/staff/leads/{lead.pk}/")
    assert page.status_code == 200


def test_a_retention_period_beyond_a_calendar_is_refused_and_never_crashes_the_purge(
    client_as,
) -> None:  # type: ignore[no-untyped-def]
    from monell.web.cases.models import FirmSettings
    from monell.web.maintenance import purge_expired_leads

    admin = client_as("admin")
    response = admin.post(
        "/staff/settings/",
        {"firm_name": "Roe & Doe", "notify_email": "", "retention_declined_days": "2000000000",
         "retention_uncontacted_days": "365"},
    )  # fmt: skip
    assert response.status_code == 200 and "at most 36500 days" in response.content.decode()
    assert FirmSettings.load().retention_declined_days != 2_000_000_000
    # One stored before the limit existed: the purge still runs (and purges nothing young).
    FirmSettings.objects.update(retention_declined_days=2_000_000_000)
    lead_with(name="Rosa Roe")
    result = purge_expired_leads(dry_run=True)
    assert result.declined == 0 and result.uncontacted == 0


CONTACT_HOSTILE = [
    {"name": "Rosa\x00Roe"},
    {"name": "x" * 5000},
    {"name": "Rosa\r\nBcc: victim@example.org"},
    {"email": "rosa@example.org\r\nBcc: victim@example.org"},
    {"email": "rosa@example.org\x00"},
    {"phone": "\u0663\u0661\u0664\u0665\u0665\u0665\u0660\u0661\u0660\u0660"},  # Arabic-Indic
    {"phone": "+" * 40},
    {"language": "xx"},
    {"contact_time": "\x00"},
    {"idempotency_key": "k" * 5000},
    {"name": "\u202eeoR asoR", "email": "", "phone": ""},
]


@pytest.mark.parametrize("changes", CONTACT_HOSTILE)
def test_consultation_form_hostile_values(changes, settings) -> None:  # type: ignore[no-untyped-def]
    """Hostile contact details give the form back with an error (or a stored request): never
    a 500, never a mail header built from them."""
    from django.core import mail
    from django.test import Client

    from monell.web.cases.models import Lead
    from tests.web.interview_flow import finish, walk

    settings.MONELL_PUBLIC_SUBMIT_RATE = "1000/h"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    walk(client)
    response = finish(client, changes)
    assert response.status_code in (302, 400), response.status_code
    for message in mail.outbox:
        assert "victim@example.org" not in " ".join(message.recipients())
        assert "\n" not in message.subject
    for lead in Lead.objects.all():
        assert "\x00" not in str(lead.contact)


API_HOSTILE = [
    {"contact": {"name": "Rosa\u0000Roe", "phone": "314-555-0100"}},
    {"incident": {"city": "St.\u0000Louis"}},
    {"incident": {"state": "M\u0000"}},
    {"incident": {"conduct": ["excessive_force\u0000"]}},
    {"incident": {"agency": {"name": "PD\u0000", "kind": "municipal_police"}}},
    {"incident": {"incident_date": "9999-12-31"}},
    {"incident": {"person": {"custody": "arrested", "birth_date": "0001-01-01"}}},
]


@pytest.mark.parametrize("changes", API_HOSTILE)
def test_api_lead_hostile_values(changes) -> None:  # type: ignore[no-untyped-def]
    import json

    from django.test import Client

    from monell.web.api.auth import issue_token
    from tests.core.factories import incident_data

    _, token = issue_token("firm website")
    incident = incident_data()
    incident.pop("evaluated_on", None)
    incident.update(changes.get("incident", {}))
    body = {
        "incident": incident,
        "contact": changes.get("contact", {"name": "Rosa Roe", "phone": "314-555-0100"}),
        "consent": {"privacy": True, "no_relationship": True},
    }
    response = Client().post(
        "/api/v1/leads", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert response.status_code in (201, 422), (response.status_code, response.content[:300])
