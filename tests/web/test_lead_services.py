"""Leads are made by the same assessment `monell assess` runs, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from monell.domain.incident import IncidentError
from monell.intake import read_incident_data
from monell.web.cases.models import Lead, LeadVersion
from monell.web.cases.services import create_lead, earliest_deadline, reassess
from tests.core.factories import incident_data

pytestmark = pytest.mark.django_db

EXAMPLE = "examples/st_louis_excessive_force.yaml"


def example_answers() -> dict:
    with open(EXAMPLE, encoding="utf-8") as f:
        return read_incident_data(f.read(), EXAMPLE)  # type: ignore[no-any-return]


def test_lead_carries_the_cli_assessment_and_its_earliest_deadline() -> None:
    answers = example_answers()
    lead = create_lead(answers=answers, contact={"name": "R. Roe", "email": "r@example.org"})
    stored = Lead.objects.get(pk=lead.pk)
    # The § 1983 claim: Mo. Rev. Stat. § 516.120(4), five years, tolled to 21 (§ 516.170):
    # 2030-06-01, the date `monell assess` prints for the bundled example. The state-law
    # counts' two years (§ 516.140) ran on 2023-03-10 untolled, or on 2027-06-01 if the
    # minority tolling reaches them: the queue keys on that earlier open reading.
    assert stored.earliest_deadline == dt.date(2027, 6, 1)
    assert "other reading" in stored.earliest_deadline_label
    assert stored.assessment["deadlines"][0]["deadline"] == "2030-06-01"
    assert stored.state == "MO" and "excessive_force" in stored.conduct
    assert LeadVersion.objects.filter(lead=stored).count() == 1


def test_bad_answers_name_the_field_and_write_nothing() -> None:
    with pytest.raises(IncidentError) as exc:
        create_lead(answers=incident_data(incident_date="2021-02-30"), contact={"name": "X"})
    assert any(p.field == "incident_date" for p in exc.value.problems)
    assert Lead.objects.count() == 0 and LeadVersion.objects.count() == 0


def test_reassessment_keeps_every_version() -> None:
    lead = create_lead(answers=incident_data(), contact={"name": "X"})
    changed = incident_data(incident_date="2020-01-15")
    reassess(lead, changed, by=None, reason="client corrected the date")
    lead.refresh_from_db()
    assert lead.version == 2 and lead.answers["incident_date"] == "2020-01-15"
    versions = list(LeadVersion.objects.filter(lead=lead).order_by("number"))
    assert [v.answers["incident_date"] for v in versions] == ["2021-03-10", "2020-01-15"]
    assert versions[1].reason == "client corrected the date"
    first_due, _ = earliest_deadline(versions[0].assessment)
    assert first_due is not None and lead.earliest_deadline < first_due  # an earlier incident


def test_earliest_deadline_takes_the_first_open_date_of_any_kind() -> None:
    assessment = {
        "evaluated_on": "2021-05-01",
        "deadlines": [
            {
                "kind": "statute_of_limitations",
                "claim": "excessive_force",
                "deadline": "2026-03-10",
            },
            {"kind": "notice_of_claim", "claim": "excessive_force", "deadline": "2021-06-08"},
            {"kind": "state_limitations", "claim": "false_arrest", "deadline": "2021-04-01"},
            {"kind": "statute_of_limitations", "claim": "false_arrest", "deadline": None},
        ],
    }
    # the state period that already ran is not the next thing to act on; the notice is
    assert earliest_deadline(assessment) == (
        dt.date(2021, 6, 8),
        "notice_of_claim: excessive_force",
    )
    assert earliest_deadline({"deadlines": []}) == (None, "")
    every_one_passed = dict(assessment, evaluated_on="2030-01-01")
    assert earliest_deadline(every_one_passed)[0] == dt.date(2026, 3, 10)  # marked expired
