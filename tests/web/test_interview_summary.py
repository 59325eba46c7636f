"""The plain result page says what the assessment says: its claims, defendants, first open
deadline and gather list, in words, and never that time has run out while a longer period
is still open for that claim."""

from __future__ import annotations

import datetime as dt

import pytest

from monell.web.cases.services import assessment_json
from monell.web.intake.summary import gather_items, plain_summary

pytestmark = pytest.mark.django_db

EXAMPLE_GATHER = (
    "Gather now: photos of injuries, medical records and bills, names and badge numbers, "
    "witnesses' names and contacts, any video (phone, body camera, dashcam, nearby "
    "businesses), police reports, and all court papers from any criminal case."
)


def _row(claim: str, deadline: str | None, days: int | None) -> dict:
    return {
        "kind": "statute_of_limitations",
        "claim": claim,
        "deadline": deadline,
        "days_remaining": days,
    }


def _assessment(deadlines: list[dict], flags: list[dict] | None = None) -> dict:
    return {
        "summary": [EXAMPLE_GATHER],
        "claims": [{"id": "excessive_force"}, {"id": "false_arrest"}],
        "defendants": [
            {"role": "officer_individual", "name": "Officer A. Doe", "suable": True},
            {"role": "municipality", "name": "City of Springfield", "suable": True},
        ],
        "deadlines": deadlines,
        "flags": flags or [],
    }


def test_an_expired_period_beside_an_open_one_is_not_called_expired() -> None:
    """Two periods for one claim (e.g. disputed law): the open one leads; no 'run out'."""
    summary = plain_summary(
        _assessment(
            [
                _row("excessive_force", "2024-03-10", -40),
                _row("excessive_force", "2026-03-10", 690),
                _row("false_arrest", "2026-03-10", 690),
            ]
        ),
        "en",
    )
    assert summary.first_deadline == dt.date(2026, 3, 10) and summary.days_left == 690
    assert summary.deadline[0].startswith(
        "The first deadline to sue is March 10, 2026. That is about 1 year and 11 months "
        "(690 days) from today"
    )
    assert not summary.passed
    assert "run out" not in " ".join(summary.texts())


def test_a_claim_with_no_open_period_may_have_run_out() -> None:
    summary = plain_summary(
        _assessment(
            [_row("false_arrest", "2023-01-05", -300), _row("excessive_force", "2027-01-01", 20)]
        ),
        "es",
    )
    assert summary.deadline[0].startswith(
        "El primer plazo para demandar es el 1 de enero de 2027. Faltan 20 días."
    )
    assert summary.urgent  # 20 days: soon
    assert summary.passed == [
        "Para arresto falso, el plazo para demandar pudo terminar el 5 de enero de 2023. "
        "Pregunte ya a un abogado si hay otra salida."
    ]


def test_a_deadline_that_cannot_be_computed_is_said_so() -> None:
    summary = plain_summary(_assessment([_row("false_arrest", None, None)]), "en")
    assert not summary.deadline and summary.unknown
    assert "false arrest" in summary.unknown[0]


def test_gather_list_is_the_assessments_item_by_item() -> None:
    items = gather_items({"summary": [EXAMPLE_GATHER]})
    assert items[4] == "any video (phone, body camera, dashcam, nearby businesses)"
    assert items[-1] == "all court papers from any criminal case" and len(items) == 7
    es = plain_summary(_assessment([]), "es").gather
    assert es[0] == "Fotos de las heridas" and len(es) == 7


def test_a_real_expired_incident_says_time_may_have_run_out() -> None:
    assessment = assessment_json(
        {
            "incident_date": "2012-05-01",
            "state": "TX",
            "agency": {"name": "Houston Police Department", "kind": "municipal_police"},
            "person": {"custody": "free"},
            "conduct": ["excessive_force"],
            "criminal_case": {"status": "none"},
        }
    )
    summary = plain_summary(assessment, "en")
    assert summary.passed and not summary.deadline
    assert "may have run out" in summary.passed[0]
    # The date is the assessment's, in words.
    due = dt.date.fromisoformat(assessment["deadlines"][0]["deadline"])
    assert f"{due:%B} {due.day}, {due.year}" in summary.passed[0]


def test_the_example_summary_follows_the_assessment() -> None:
    from tests.web.test_reading_level import BASE

    assessment = assessment_json(BASE)
    summary = plain_summary(assessment, "en")
    open_rows = [r for r in assessment["deadlines"] if r["deadline"] and r["days_remaining"] >= 0]
    due = min(r["deadline"] for r in open_rows)
    assert summary.first_deadline == dt.date.fromisoformat(due) == dt.date(2030, 6, 1)
    assert any("Officer A. Doe (badge 1234)" in d for d in summary.defendants)
    assert any(
        "You cannot sue St. Louis Metropolitan Police Department" in d for d in summary.defendants
    )


def test_names_the_assessment_makes_up_are_said_in_the_persons_language() -> None:
    assessment = _assessment([])
    assessment["defendants"] = [
        {
            "role": "officer_individual",
            "name": "Unidentified officer(s) (John Doe defendants)",
            "suable": True,
        },
        {"role": "municipality", "name": "the county that employs the officers", "suable": True},
    ]
    en = plain_summary(assessment, "en").defendants
    assert en[0].startswith("The officers whose names you do not know yet, in person.")
    assert en[1].startswith("The county that hired the officers, but only if")
    es = plain_summary(assessment, "es").defendants
    assert es[0].startswith("Los agentes cuyos nombres aún no sabe, en persona.")
    assert es[1].startswith("El condado que empleó a los agentes, pero solo si")
