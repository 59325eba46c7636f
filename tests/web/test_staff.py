"""The firm's side, as intake staff and attorneys use it: the queue ordered by the nearest
deadline, the lead page with the engine's memo, conflict checks, decisions with their
letter and matter, calendars and exports, every one audited."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from monell.web.audit.log import verify_chain
from monell.web.audit.models import AuditEvent
from monell.web.cases.models import Lead, LeadVersion, Matter
from monell.web.crypto import token_hash
from tests.web.leads import HOSTILE, hostile_lead, lead_with

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext not installed (scripts/system_deps.sh installs poppler-utils)")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [PDFTOTEXT, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())  # lines wrap wherever the layout puts them


def test_queue_puts_the_nearest_deadline_first_and_marks_it(client_as) -> None:  # type: ignore[no-untyped-def]
    # Missouri, five years (Mo. Rev. Stat. § 516.120(4)): an incident six years ago has a
    # passed deadline; one four years and ten months ago has under 90 days left.
    today = dt.date.today()
    late = lead_with(name="Late", incident_date=(today - dt.timedelta(days=6 * 365)).isoformat())
    soon = lead_with(
        name="Soon", incident_date=(today - dt.timedelta(days=5 * 365 - 40)).isoformat()
    )
    fresh = lead_with(name="Fresh", incident_date=(today - dt.timedelta(days=30)).isoformat())
    page = client_as("intake").get("/staff/").content.decode()
    assert page.index(late.reference) < page.index(soon.reference) < page.index(fresh.reference)
    row_soon = page[page.index(soon.reference) :].split("</tr>")[0]
    row_late = page[page.index(late.reference) :].split("</tr>")[0]
    assert "≤ 90 days" in row_soon and "expired" in row_late


def test_queue_filters_and_search(client_as) -> None:  # type: ignore[no-untyped-def]
    mo = lead_with(name="Ana Missouri")
    il = lead_with(name="Ben Illinois", state="IL", city="Chicago",
                   conduct=["false_arrest"])  # fmt: skip
    client = client_as("attorney")
    by_state = client.get("/staff/?state=IL").content.decode()
    assert il.reference in by_state and mo.reference not in by_state
    by_conduct = client.get("/staff/?conduct=false_arrest").content.decode()
    assert il.reference in by_conduct and mo.reference not in by_conduct
    by_name = client.get("/staff/?q=ana").content.decode()
    assert mo.reference in by_name and il.reference not in by_name


def test_lead_page_shows_answers_memo_and_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with()
    page = client_as("intake").get(f"/staff/leads/{lead.pk}/").content.decode()
    assert "Rosa Roe" in page and "St. Louis Metropolitan Police Department" in page
    assert "In plain words" in page and "Memo for counsel" in page  # the engine's memo
    assert AuditEvent.objects.filter(action="view", object_id=str(lead.pk)).exists()
    assert verify_chain().intact


def test_hostile_answers_are_text_on_every_staff_page(client_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lead = hostile_lead()
    client = client_as("admin")
    pages = {
        "queue": client.get("/staff/").content.decode(),
        "lead": client.get(f"/staff/leads/{lead.pk}/").content.decode(),
        "facts": client.get(f"/staff/leads/{lead.pk}/facts/").content.decode(),
        "conflicts": client.post(f"/staff/leads/{lead.pk}/conflicts/").content.decode(),
    }
    for name, page in pages.items():
        lowered = page.lower()
        assert "<script>alert" not in lowered, name
        assert "<img src=x" not in lowered and "<iframe" not in lowered, name
        assert 'href="javascript' not in lowered and 'evil.example/p.png"' not in lowered, name
        assert page.count("<h2>In plain words</h2>") <= 1, name
    assert "&lt;script&gt;" in pages["lead"]  # shown, as text
    pdf = client.get(f"/staff/leads/{lead.pk}/memo.pdf").content
    assert b"/URI" not in pdf  # no link of any kind made it into the PDF
    memo = pdf_text(pdf, tmp_path)
    assert "javascript:alert(1)" in memo  # the agency's name, printed as the text it is


def test_csv_export_cannot_carry_a_formula(client_as) -> None:  # type: ignore[no-untyped-def]
    lead_with(name='=HYPERLINK("https://evil.example","x")')
    lead_with(name="@SUM(1+1)")
    rows = client_as("attorney").get("/staff/leads.csv").content.decode().splitlines()
    assert len(rows) == 3
    for row in rows[1:]:
        name = row.split(",")[8]
        assert name.lstrip('"').startswith("'"), row


def test_conflict_check_finds_the_same_officer_by_another_spelling(client_as) -> None:  # type: ignore[no-untyped-def]
    earlier = lead_with(name="Carl Client", officers=[{"name": "Doe, John A."}])
    lead = lead_with(name="Dana Other", officers=[{"name": "Officer John A. Doe"}])
    lead_with(name="Unrelated", officers=[{"name": "Maria Gonzalez"}])
    page = client_as("intake").post(f"/staff/leads/{lead.pk}/conflicts/").content.decode()
    assert earlier.reference in page and "Doe, John A." in page
    assert "Maria Gonzalez" not in page
    assert AuditEvent.objects.filter(action="conflict_check").exists()


def test_decline_makes_a_letter_that_names_the_deadline(client_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Rosa Roe", incident_date="2024-03-10")
    client = client_as("attorney")
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "decline", "reason": "capacity"})
    lead.refresh_from_db()
    assert lead.status == "declined"
    text = pdf_text(client.get(f"/staff/leads/{lead.pk}/letter.pdf").content, tmp_path)
    # Mo. Rev. Stat. § 516.120(4): five years from the incident.
    assert "March 10, 2029" in text
    assert "not your lawyers" in text and "Rosa Roe" in text


def test_spanish_letter_for_a_spanish_speaker(client_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Lucía Pérez", incident_date="2024-03-10")
    Lead.objects.filter(pk=lead.pk).update(language="es")
    client = client_as("attorney")
    client.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "decline", "reason": "conflict"})
    text = pdf_text(client.get(f"/staff/leads/{lead.pk}/letter.pdf").content, tmp_path)
    assert "10 de marzo de 2029" in text and "No somos sus abogados" in text


def test_accept_opens_a_matter_with_deadlines_and_calendars(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(incident_date="2024-03-10")
    client = client_as("attorney")
    decide = {"decision": "accept", "reason": "strong"}
    client.post(f"/staff/leads/{lead.pk}/decide/", decide)
    assert not Matter.objects.filter(lead=lead).exists()  # no conflict check yet: refused
    client.post(f"/staff/leads/{lead.pk}/conflicts/")
    client.post(f"/staff/leads/{lead.pk}/decide/", decide)
    matter = Matter.objects.get(lead=lead)
    assert matter.deadlines.filter(due_on=dt.date(2029, 3, 10)).exists()
    ics = Calendar.from_ical(client.get(f"/staff/matters/{matter.number}.ics").content)
    starts = {c["DTSTART"].dt for c in ics.walk("VEVENT")}
    # § 1983 (Mo. Rev. Stat. § 516.120(4), 5 years) and the state-law counts (§ 516.140, 2)
    assert {dt.date(2029, 3, 10), dt.date(2026, 3, 10)} <= starts
    shown = client.post("/staff/calendar/token/")  # shown in this response, stored nowhere
    token = re.search(r"/staff/calendar/([\w-]+)\.ics", shown.content.decode())[1]
    assert shown["Cache-Control"] == "no-store"
    from django.test import Client

    feed = Client().get(f"/staff/calendar/{token}.ics")  # a calendar app cannot log in
    assert feed.status_code == 200 and b"2029" in feed.content
    assert Client().get("/staff/calendar/not-a-token.ics").status_code == 404
    # only the hash is kept, and the link is shown once
    assert matter.attorney.calendar.token_hash == token_hash(token)
    again = client.get("/staff/matters/").content.decode()
    assert token not in again and "shown only once" in again
    from django.contrib.sessions.models import Session

    assert not [s for s in Session.objects.all() if token in str(s.get_decoded())]
    # replacing it stops the old link
    client.post("/staff/calendar/token/")
    assert Client().get(f"/staff/calendar/{token}.ics").status_code == 404


def test_status_change_needs_a_reason_and_facts_edit_keeps_history(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with()
    client = client_as("attorney")
    client.post(f"/staff/leads/{lead.pk}/status/", {"status": "contacted", "reason": ""})
    lead.refresh_from_db()
    assert lead.status == "new"
    client.post(f"/staff/leads/{lead.pk}/status/", {"status": "contacted", "reason": "called"})
    lead.refresh_from_db()
    assert lead.status == "contacted" and lead.contacted_at is not None
    form = {
        "incident_date": "2022-05-01", "state": "MO", "city": "St. Louis", "county": "",
        "agency_name": "St. Louis Metropolitan Police Department",
        "agency_kind": "municipal_police", "conduct": ["excessive_force"],
        "custody": "arrested", "birth_date": "", "criminal_status": "none",
        "criminal_resolved_on": "", "narrative": "new account", "reason": "client called",
    }  # fmt: skip
    assert client.post(f"/staff/leads/{lead.pk}/facts/", form).status_code == 302
    assert LeadVersion.objects.filter(lead=lead).count() == 2
    lead.refresh_from_db()
    assert lead.earliest_deadline == dt.date(2027, 5, 1)
    bad = dict(form, incident_date="2099-01-01")
    page = client.post(f"/staff/leads/{lead.pk}/facts/", bad).content.decode()
    assert "incident_date" in page and LeadVersion.objects.filter(lead=lead).count() == 2


def test_retention_purge_removes_old_declined_leads_and_audits_it(client_as) -> None:  # type: ignore[no-untyped-def]
    from monell.web.maintenance import purge_expired_leads

    old = lead_with(name="Old")
    keep = lead_with(name="Keep")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    Lead.objects.filter(pk=old.pk).update(status="declined", status_changed_at=long_ago)
    from monell.web.intake.models import Interview

    Interview.objects.create(token_hash="a" * 64, expires_at=long_ago, answers={})
    Interview.objects.create(token_hash="b" * 64, answers={})  # still within its 30 days
    result = purge_expired_leads()
    assert result.declined == 1 and result.interviews == 1
    assert Interview.objects.count() == 1
    assert not Lead.objects.filter(pk=old.pk).exists() and Lead.objects.filter(pk=keep.pk).exists()
    assert AuditEvent.objects.filter(action="purge", object_id=old.reference).exists()
    assert HOSTILE  # the module's hostile fixtures stay importable for other tests


def test_lead_memo_has_the_database_sections_when_payouts_are_loaded(  # type: ignore[no-untyped-def]
    client_as, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With settlement data loaded into the installation's database, the lead page shows the
    same payers, comparables and pattern-evidence sections `monell assess --db` prints."""
    from monell.payouts.importer import import_files
    from monell.storage.database import make_engine, migrate
    from tests.exposure.conftest import SMALL_CSV

    url = f"sqlite:///{tmp_path / 'payouts.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    import_files(engine, [SMALL_CSV])
    engine.dispose()
    monkeypatch.setenv("MONELL_DB", url)
    lead = lead_with(city="Kansas City", incident_date="2017-06-01",
                     agency={"name": "Kansas City Missouri Police Department",
                             "kind": "municipal_police"})  # fmt: skip
    page = client_as("attorney").get(f"/staff/leads/{lead.pk}/").content.decode()
    assert "Who pays" in page
    assert "Comparable" in page and "Caveat" in page


def test_admin_erases_a_lead_on_request(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Erase Me")
    lead.notes.create(text="called back")
    admin = client_as("admin")
    admin.post(f"/staff/leads/{lead.pk}/delete/", {"confirm": "wrong"})
    assert Lead.objects.filter(pk=lead.pk).exists()  # needs the reference typed
    admin.post(f"/staff/leads/{lead.pk}/delete/", {"confirm": lead.reference})
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert not LeadVersion.objects.filter(lead_id=lead.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=lead.reference).exists()
