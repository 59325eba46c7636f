"""A notice of claim is not a deadline to sue: the plain summary says it on its own line,
never calls it the deadline to sue, and says the federal claim does not need it (Felder v.
Casey, 487 U.S. 131 (1988)); a lapsed notice never reads as the federal claim expiring."""

from __future__ import annotations

import pytest

from monell.web.cases.services import assessment_json
from monell.web.intake.summary import plain_summary
from tests.core.factories import incident_data

NY = incident_data(
    incident_date="2026-10-01",
    state="NY",
    city="New York",
    county="Kings County",
    agency={"name": "New York City Police Department", "kind": "municipal_police"},
    criminal_case={"status": "dismissed", "resolved_on": "2026-11-01"},
    evaluated_on="2026-12-04",
)


@pytest.mark.parametrize("language", ["en", "es"])
def test_open_notice_leads_and_is_not_the_deadline_to_sue(language: str) -> None:
    assessment = assessment_json(NY)
    notices = [r for r in assessment["deadlines"] if r["kind"] == "notice_of_claim"]
    assert notices, "the data gives New York a notice-of-claim row (Gen. Mun. Law § 50-e)"
    summary = plain_summary(assessment, language)
    text = " ".join(summary.texts())
    notice_day = min(r["deadline"] for r in notices)
    assert summary.first_deadline.isoformat() == notice_day  # the countdown shows it
    first_line = summary.deadline[0]
    assert ("written notice" in first_line) if language == "en" else ("aviso" in first_line)
    sue = [
        line for line in summary.deadline if "deadline to sue" in line or "para demandar" in line
    ]
    assert sue and all("2026" not in line for line in sue)  # the notice's year is not a suit's
    assert ("federal claim does not need it" in text) or ("federal no lo necesita" in text)


def test_lapsed_notice_never_says_the_federal_claim_expired() -> None:
    late = dict(NY, evaluated_on="2027-03-01")  # past the 90 days, within every suit period
    summary = plain_summary(assessment_json(late), "en")
    text = " ".join(summary.texts())
    assert "may have passed" in text and "federal claim does not need it" in text
    assert "time to sue may have run out" not in text
    assert summary.deadline  # the suit deadlines are still open and said
