"""Walking the public interview with Django's test client: the answers a person gives on
each screen (the bundled St. Louis example, told through the screens), and helpers."""

from __future__ import annotations

from typing import Any

from django.test import Client

# The St. Louis example (examples/st_louis_excessive_force.yaml) as a person answers it.
SCREENS: list[tuple[str, dict[str, Any]]] = [
    ("who", {"who": "self"}),
    ("date", {"incident_date_month": "3", "incident_date_day": "10", "incident_date_year": "2021"}),
    ("place", {"state": "MO", "city": "St. Louis", "county": ""}),
    ("agency_name", {"agency_name": "St. Louis Metropolitan Police Department"}),
    ("agency_kind", {"agency_kind": "municipal_police"}),
    ("conduct", {"conduct": ["excessive_force", "false_arrest", "first_amendment_retaliation"]}),
    ("officers", {"name_0": "Officer A. Doe", "badge_0": "1234"}),
    ("custody", {"custody": "arrested"}),
    ("criminal_case", {"criminal_status": "dismissed"}),
    ("charges", {"charges": "resisting arrest"}),
    ("case_ended", {"resolved_on_month": "9", "resolved_on_day": "15", "resolved_on_year": "2021"}),
    ("first_court", {}),
    ("birth_date", {"birth_date_month": "6", "birth_date_day": "1", "birth_date_year": "2004"}),
    ("narrative", {"narrative": "I was filming. They tackled me and pepper-sprayed me."}),
]

CONTACT = {
    "name": "Rosa Example",
    "phone": "314-555-0100",
    "email": "rosa@example.org",
    "language": "en",
    "contact_time": "evening",
    "consent_privacy": "on",
    "consent_no_relationship": "on",
}


def start(client: Client) -> Any:
    response = client.post("/start/")
    assert response.status_code == 302 and response["Location"] == "/q/who/", response
    return response


def answer(client: Client, slug: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(f"/q/{slug}/", {**data, "action": "next", **extra})


def walk(client: Client, changes: dict[str, dict[str, Any]] | None = None) -> Any:
    """Start and answer every screen in order, following the app's own redirects; returns
    the last response (the review page's redirect)."""
    changes = changes or {}
    start(client)
    response = None
    for slug, data in SCREENS:
        data = changes.get(slug, data)
        response = answer(client, slug, data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    assert response is not None and response["Location"] == "/q/review/"
    return response


def submit_key(client: Client) -> str:
    page = client.get("/result/")
    assert page.status_code == 200, page
    return str(page.context["form"].initial["idempotency_key"])


def finish(client: Client, contact: dict[str, Any] | None = None, **files: Any) -> Any:
    """Review, read the result, and ask for a consultation."""
    assert client.post("/q/review/")["Location"] == "/result/"
    key = submit_key(client)
    data = {**CONTACT, **(contact or {}), "idempotency_key": key}
    return client.post("/result/send/", {**data, **files})
