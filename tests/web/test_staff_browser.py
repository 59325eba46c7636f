"""The firm's side in a real browser: a staff member logs in with a TOTP code, finds the lead
whose deadline is nearest at the top of the queue, opens the memo, runs the conflict check,
declines, and downloads the non-engagement letter, whose text names the deadline. axe-core
finds no serious or critical WCAG violation on the pages on the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from monell.web.accounts.services import create_staff
from tests.web.browser import assert_no_overflow, axe_violations
from tests.web.conftest import current_code
from tests.web.leads import lead_with
from tests.web.test_staff import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attorney_declines_the_most_urgent_lead(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    today = dt.date.today()
    # Mo. Rev. Stat. § 516.120(4), five years: the first incident leaves about 40 days.
    urgent_date = today - dt.timedelta(days=5 * 365 - 40)
    urgent = lead_with(name="Uma Urgent", incident_date=urgent_date.isoformat())
    lead_with(name="Carl Calm", incident_date=(today - dt.timedelta(days=60)).isoformat())
    lead_with(name="Other Person", officers=[{"name": "Officer A. Doe"}],
              incident_date=(today - dt.timedelta(days=400)).isoformat())  # fmt: skip
    enrolment = create_staff("lawyer@firm.example", "attorney", password="correct horse 1983")

    page.goto(f"{live_server.url}/staff/")
    assert "/staff/account/login/" in page.url
    assert axe_violations(page) == []
    page.get_by_label("E-mail").fill(enrolment.email)
    page.get_by_label("Password").fill("correct horse 1983")
    page.get_by_label("Code from your authenticator app").fill(current_code(enrolment.email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/staff/")

    first_row = page.locator("#queue tbody tr").first
    assert urgent.reference in first_row.inner_text()
    assert "≤ 90 days" in first_row.inner_text()
    assert axe_violations(page) == []
    assert_no_overflow(page)

    first_row.get_by_role("link", name=urgent.reference).click()
    page.wait_for_url(f"**/staff/leads/{urgent.pk}/")
    assert page.get_by_role("heading", name="Memo for counsel").is_visible()
    assert page.get_by_text("Uma Urgent").first.is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Run conflict check").click()
    result = page.locator("#conflict-result")
    assert "conflict" in result.inner_text().lower()
    assert axe_violations(page) == []
    page.go_back()

    page.get_by_label("Decline (makes a non-engagement letter)").check()
    page.get_by_label("Reason", exact=True).last.fill("outside our practice")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"**/staff/leads/{urgent.pk}/")
    with page.expect_download() as download:
        page.locator("#letter-link").click()
    pdf = tmp_path / "letter.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf.read_bytes(), tmp_path)
    due = dt.date(urgent_date.year + 5, urgent_date.month, urgent_date.day)
    assert f"{due:%B} {due.day}, {due.year}" in text
    assert "not your lawyers" in text


def test_every_staff_page_passes_axe_on_a_phone(live_server: Any, page: Any) -> None:
    lead = lead_with(name="Ana Example")
    from monell.web.cases.services import accept, run_conflict_check

    client_lead = lead_with(name="Matter Client")
    run_conflict_check(client_lead)
    accept(client_lead, by=None, reason="test")
    create_staff("boss@firm.example", "admin", password="correct horse 1983")
    page.goto(f"{live_server.url}/staff/account/login/")
    page.get_by_label("E-mail").fill("boss@firm.example")
    page.get_by_label("Password").fill("correct horse 1983")
    page.get_by_label("Code from your authenticator app").fill(current_code("boss@firm.example"))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    failures = {}
    for path in ("/staff/", f"/staff/leads/{lead.pk}/", f"/staff/leads/{lead.pk}/facts/",
                 "/staff/matters/", "/staff/settings/", "/staff/account/users/",
                 "/staff/audit/", "/staff/account/password/"):  # fmt: skip
        page.goto(live_server.url + path)
        problems = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"page is {width}px wide on a 375px phone")
        if problems:
            failures[path] = problems
    assert not failures, failures


def test_the_accessibility_checker_itself_catches_a_violation(page: Any) -> None:
    """The checks above mean something only if axe reports what it should."""
    page.set_content('<html lang="en"><title>t</title><body><main><img src="data:,">'
                     "</main></body></html>")  # fmt: skip
    assert any(v.startswith("image-alt") for v in axe_violations(page))
