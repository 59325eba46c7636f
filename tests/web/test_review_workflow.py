"""Review findings on the firm's workflow, as a lawyer would check it: a decided lead cannot
be decided again without being reopened (and intake cannot reopen it), a lead whose facts no
longer validate can still be declined with a letter, the letter names the next deadline that
is still open when the earliest has passed, and "today" is the firm's day, not the server's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from monell.web.cases.models import Lead, Matter
from monell.web.cases.services import letter_facts
from monell.web.cases.views import letter_html
from tests.web.leads import lead_with

pytestmark = pytest.mark.django_db

# A stored assessment with a passed notice-of-claim deadline and an open § 1983 one.
STORED = {
    "deadlines": [
        {
            "kind": "notice_of_claim",
            "claim": "state_law_battery",
            "deadline": "2020-01-15",
            "statute": "Notice statute (test row)",
        },
        {
            "kind": "limitations",
            "claim": "excessive_force",
            "deadline": "2099-03-10",
            "statute": "Limitations statute (test row)",
        },
    ]
}


def _decline(client: Any, lead: Lead) -> None:
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "decline", "reason": "capacity"})


def test_a_declined_lead_cannot_be_accepted_without_reopening(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    client = client_as("attorney")
    _decline(client, lead)
    client.post(f"/staff/leads/{lead.pk}/conflicts/")
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "accept", "reason": "changed mind"})
    lead.refresh_from_db()
    assert lead.status == "declined" and not Matter.objects.exists()
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "refer", "reason": "elsewhere"})
    lead.refresh_from_db()
    assert lead.status == "declined"
    # Reopened by the attorney with a reason, it can then be accepted.
    reopen = {"status": "contacted", "reason": "new evidence"}
    response = client.post(f"/staff/leads/{lead.pk}/status/", reopen)
    assert response.status_code == 302
    client.post(f"/staff/leads/{lead.pk}/conflicts/")
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "accept", "reason": "new evidence"})
    lead.refresh_from_db()
    assert lead.status == "accepted" and Matter.objects.filter(lead=lead).exists()


def test_intake_cannot_reopen_a_declined_lead(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    _decline(client_as("attorney"), lead)
    intake = client_as("intake")
    response = intake.post(f"/staff/leads/{lead.pk}/status/", {"status": "new", "reason": "x"})
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.status == "declined"
    # An open lead's status is still intake's to change.
    other = lead_with(name="Ben Open", incident_date="2024-03-10")
    response = intake.post(f"/staff/leads/{other.pk}/status/", {"status": "contacted",
                                                                "reason": "called"})  # fmt: skip
    other.refresh_from_db()
    assert response.status_code == 302 and other.status == "contacted"


def _break_facts(lead: Lead) -> None:
    """Facts that validated when they came in but not under today's rules (a conduct code
    retired from the vocabulary), with the assessment made then."""
    answers = dict(lead.answers)
    answers["conduct"] = ["a_conduct_code_no_longer_known"]
    Lead.objects.filter(pk=lead.pk).update(answers=answers, assessment=STORED)
    lead.refresh_from_db()


def test_a_lead_whose_facts_no_longer_validate_can_be_declined_with_its_letter(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    _break_facts(lead)
    client = client_as("attorney")
    assert client.get(f"/staff/leads/{lead.pk}/").status_code == 200
    _decline(client, lead)
    lead.refresh_from_db()
    assert lead.status == "declined"
    response = client.get(f"/staff/leads/{lead.pk}/letter.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_letter_names_the_next_open_deadline_when_the_earliest_passed(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    _break_facts(lead)  # the stored assessment's two deadlines are what the letter uses
    user = get_user_model().objects.create(username="a@firm.example")
    facts = letter_facts(lead, by=user, today=dt.date(2026, 12, 4))
    assert facts.deadline == dt.date(2020, 1, 15) and facts.deadline_passed
    assert facts.open_deadline == dt.date(2099, 3, 10)
    assert facts.open_deadline_claim == "excessive force"
    html = letter_html(lead, user)
    assert "January 15, 2020" in html and "March 10, 2099" in html
    assert "next deadline that may still be open" in html
    Lead.objects.filter(pk=lead.pk).update(language="es")
    lead.refresh_from_db()
    html_es = letter_html(lead, user)
    assert "10 de marzo de 2099" in html_es and "puede seguir abierto" in html_es


def test_no_second_deadline_line_when_the_earliest_is_still_open() -> None:
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    _break_facts(lead)
    facts = letter_facts(lead, by=None, today=dt.date(2019, 12, 1))
    assert facts.deadline == dt.date(2020, 1, 15) and not facts.deadline_passed
    assert facts.open_deadline is None


def test_the_letter_dates_itself_by_the_firms_day_not_the_servers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # 03:00 UTC on 1 January 2027 is still 31 December 2026 in Chicago (the firm's zone).
    from django.utils import timezone

    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC))
    assert letter_facts(lead, by=None).today == dt.date(2026, 12, 31)


def test_a_taken_matter_number_does_not_stop_an_acceptance() -> None:
    """Two acceptances at once count the same matters and want the same number (PostgreSQL
    runs them side by side): the later one takes the next free number instead of a 500."""
    from django.utils import timezone

    from monell.web.cases.services import accept, run_conflict_check

    first, second = lead_with(name="Ana First"), lead_with(name="Ben Second")
    run_conflict_check(first)
    taken = accept(first, by=None, reason="test")
    year = timezone.now().year
    # As if a concurrent acceptance had committed number 2 while this one counted 1 matter.
    Matter.objects.filter(pk=taken.pk).update(number=f"{year}-0002")
    run_conflict_check(second)
    matter = accept(second, by=None, reason="test")
    assert matter.number == f"{year}-0003"
    assert matter.deadlines.exists()


def test_corrected_facts_move_an_open_matters_deadlines(client_as) -> None:  # type: ignore[no-untyped-def]
    from monell.web.cases.services import accept, reassess, run_conflict_check

    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    run_conflict_check(lead)
    matter = accept(lead, by=None, reason="test")
    before = sorted(matter.deadlines.values_list("due_on", flat=True))
    answers = dict(lead.answers)
    answers["incident_date"] = "2025-03-10"  # the person had the year wrong
    reassess(lead, answers, by=None, reason="incident year corrected")
    after = sorted(matter.deadlines.values_list("due_on", flat=True))
    assert after and len(after) == len(before)
    # Every deadline runs from the incident: each moved by the year of the correction.
    assert all(b.replace(year=b.year + 1) == a for b, a in zip(before, after, strict=True))


def test_the_queue_shows_the_next_open_deadline_of_a_lead_whose_earliest_lapsed(client_as) -> None:  # type: ignore[no-untyped-def]
    """A lapsed notice of claim marks the lead expired, but its federal claim may run out in
    weeks: the row says when, and marks it urgent, so nobody files it away as lost."""
    from django.utils import timezone

    today = timezone.localdate()
    lapsed, open_soon = today - dt.timedelta(days=400), today + dt.timedelta(days=40)
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    assessment = {
        "deadlines": [
            {"kind": "notice_of_claim", "claim": "battery", "deadline": lapsed.isoformat()},
            {"kind": "limitations", "claim": "excessive_force", "deadline": open_soon.isoformat()},
        ]
    }
    Lead.objects.filter(pk=lead.pk).update(assessment=assessment, earliest_deadline=lapsed)
    gone = lead_with(name="Ben Gone", incident_date="2024-03-10")
    Lead.objects.filter(pk=gone.pk).update(
        assessment={"deadlines": [{"kind": "limitations", "deadline": lapsed.isoformat()}]},
        earliest_deadline=lapsed,
    )
    page = client_as("intake").get("/staff/").content.decode()
    row = page[page.index(lead.reference) :].split("</tr>")[0]
    assert "expired" in row and f"next open: {open_soon.isoformat()}, 40 days" in row
    assert "≤ 90 days" in row
    row_gone = page[page.index(gone.reference) :].split("</tr>")[0]
    assert "expired" in row_gone and "no open deadline found" in row_gone


def test_days_left_count_from_the_firms_day_around_midnight(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """At 03:00 UTC on 1 January 2027 it is still 31 December 2026 in Chicago: the person's
    summary and the lead's stored assessment count days from the firm's day, as the queue
    does, not from the server clock's date."""
    from django.utils import timezone

    from monell.web.cases.services import assessment_json
    from tests.core.factories import incident_data

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC))
    answers = incident_data(incident_date="2024-03-10")
    answers.pop("evaluated_on", None)
    assert assessment_json(answers)["evaluated_on"] == "2026-12-31"


def test_csv_keeps_negative_days_left_a_number_and_names_text(client_as) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from django.utils import timezone

    lead = lead_with(name="-Rosa Roe")
    passed = timezone.localdate() - dt.timedelta(days=12)
    Lead.objects.filter(pk=lead.pk).update(earliest_deadline=passed)
    data = client_as("attorney").get("/staff/leads.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    row = next(r for r in rows if r["reference"] == lead.reference)
    assert row["days_left"] == "-12"
    assert row["name"] == "'-Rosa Roe"


def test_memo_pdf_of_a_lead_whose_facts_no_longer_validate_says_why(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    _break_facts(lead)
    client = client_as("attorney")
    response = client.get(f"/staff/leads/{lead.pk}/memo.pdf")
    assert response.status_code == 302 and response["Location"] == f"/staff/leads/{lead.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "no longer validate" in page


def test_a_declined_leads_page_offers_reopening_not_a_new_decision(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    attorney = client_as("attorney")
    _decline(attorney, lead)
    page = attorney.get(f"/staff/leads/{lead.pk}/").content.decode()
    assert "Reopen as" in page and "Record decision" not in page
    intake_page = client_as("intake").get(f"/staff/leads/{lead.pk}/").content.decode()
    assert "Reopen as" not in intake_page and "Change status" not in intake_page


def test_a_referred_person_gets_a_non_engagement_letter_too(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    client = client_as("attorney")
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "refer", "reason": "out of area"})
    lead.refresh_from_db()
    assert lead.status == "referred"
    assert "Non-engagement letter (PDF)" in client.get(f"/staff/leads/{lead.pk}/").content.decode()
    response = client.get(f"/staff/leads/{lead.pk}/letter.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_privacy_notice_and_acknowledgement_name_the_firm_the_admin_set(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail
    from django.test import Client

    from monell.web.cases.models import FirmSettings
    from monell.web.intake.views import send_acknowledgement

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    firm = FirmSettings.load()
    firm.firm_name = "Roe & Doe Civil Rights LLP"
    firm.save()
    page = Client().get("/privacy/").content.decode()
    assert "Roe &amp; Doe Civil Rights LLP" in page
    send_acknowledgement("rosa@example.org", "en", "MN-TEST-0001")
    assert "Roe & Doe Civil Rights LLP" in mail.outbox[-1].body
