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
