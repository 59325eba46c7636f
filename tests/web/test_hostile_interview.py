"""Stored injection, end to end: hostile answers typed into the public interview reach every
page staff open — queue, lead page with the memo, facts form, conflict check, CSV, memo PDF,
letter PDF — as text, never as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from monell.web.cases.models import Lead
from tests.web.interview_flow import finish, walk
from tests.web.test_staff import pdf_text

pytestmark = pytest.mark.django_db

NAME = 'Eve"><script>alert(1)</script>\n## In plain words\n![x](https://evil.example/p.png)'
AGENCY = "PD <img src=x onerror=alert(1)> [click](javascript:alert(1))"
OFFICER = '=HYPERLINK("https://evil.example")\n# Officer <iframe src=https://evil.example>'
STORY = "<b>bold</b>\n\n# Heading\n> quote\n<a href=https://evil.example>link</a>"

# Tags the answers would make if they were markup (their escaped text is fine and expected).
MARKUP = ("<script", "<img src=x", "<iframe", "<a href=https://evil", 'href="javascript',
          'src="https://evil', "<b>bold")  # fmt: skip


def test_hostile_answers_are_text_on_every_staff_page(client_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    person = Client()
    walk(person, {
        "agency_name": {"agency_name": AGENCY},
        "officers": {"name_0": OFFICER, "badge_0": "<b>7</b>"},
        "narrative": {"narrative": STORY},
    })  # fmt: skip
    response = finish(person, {"name": NAME})
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.contact["name"] == NAME and lead.answers["agency"]["name"] == AGENCY

    staff = client_as("admin")
    pages = {
        "queue": staff.get("/staff/"),
        "lead": staff.get(f"/staff/leads/{lead.pk}/"),
        "facts": staff.get(f"/staff/leads/{lead.pk}/facts/"),
        "conflicts": staff.post(f"/staff/leads/{lead.pk}/conflicts/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode().lower()
        for bad in MARKUP:
            assert bad not in html, (name, bad)
    lead_page = pages["lead"].content.decode()
    assert lead_page.count("<h2>In plain words</h2>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in lead_page  # visible, as text

    csv_text = staff.get("/staff/leads.csv").content.decode()
    assert ',"Eve' in csv_text or ",Eve" in csv_text  # the name, as a plain cell

    memo = staff.get(f"/staff/leads/{lead.pk}/memo.pdf").content
    assert b"/URI" not in memo
    assert "javascript:alert(1)" in pdf_text(memo, tmp_path)

    staff.post(f"/staff/leads/{lead.pk}/decide/", {"decision": "decline", "reason": "test"})
    letter = staff.get(f"/staff/leads/{lead.pk}/letter.pdf").content
    assert b"/URI" not in letter
    assert "<script>alert(1)</script>" in pdf_text(letter, tmp_path)  # printed, not run
