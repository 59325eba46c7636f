"""Two optional facts that sharpen a deadline: the day legal process began (false arrest
accrues then: Wallace v. Kato, 549 U.S. 384, 389-90 (2007)) and whether the person died (an
estate's claim is not tolled as a living minor's is; Mo. Rev. Stat. § 516.170 speaks of the
person under disability)."""

from __future__ import annotations

import datetime as dt

import pytest

from monell.domain.assess import assess
from monell.domain.incident import IncidentError, parse_incident
from tests.core.factories import incident_data

TODAY = dt.date(2024, 1, 10)


def deadline_for(data: dict, claim: str) -> dict:
    a = assess(parse_incident(data, today=TODAY)).model_dump(mode="json")
    return next(d for d in a["deadlines"] if d["claim"] == claim) | {"_flags": a["flags"]}


def test_false_arrest_accrues_on_legal_process_when_given() -> None:
    d = deadline_for(
        incident_data(
            conduct=["false_arrest"],
            criminal_case={
                "status": "dismissed",
                "resolved_on": "2021-09-15",
                "legal_process_on": "2021-03-12",
            },
        ),
        "false_arrest",
    )
    # Missouri: 5 years (Mo. Rev. Stat. § 516.120(4)) from arraignment on 2021-03-12.
    assert d["accrues_on"] == "2021-03-12" and not d["accrual_assumed"]
    assert d["deadline"] == "2026-03-12"
    assert not any(
        f["code"] == "accrual_assumed" and f["claim"] == "false_arrest" for f in d["_flags"]
    )


def test_without_legal_process_date_the_incident_date_is_the_safe_accrual() -> None:
    d = deadline_for(incident_data(conduct=["false_arrest"]), "false_arrest")
    assert d["accrues_on"] == "2021-03-10" and d["accrual_assumed"]


MINOR = {"custody": "arrested", "birth_date": "2005-03-01"}  # 16 on 2021-03-10


def test_living_minor_gets_missouri_tolling_even_for_deadly_force() -> None:
    d = deadline_for(
        incident_data(conduct=["deadly_force"], person={**MINOR, "deceased": False}),
        "deadly_force",
    )
    # Tolled to the 21st birthday, 2026-03-01, then 5 years (§ 516.170, § 516.120(4)).
    assert d["deadline"] == "2031-03-01"


def test_deceased_minor_gets_the_untolled_date_and_a_warning() -> None:
    d = deadline_for(
        incident_data(conduct=["excessive_force"], person={**MINOR, "deceased": True}),
        "excessive_force",
    )
    assert d["deadline"] == "2026-03-10"
    assert any(f["code"] == "unknown_law" and "has died" in f["message"] for f in d["_flags"])


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"person": {"custody": "free", "deceased": "yes"}}, "person.deceased", "true or false"),
        (
            {"criminal_case": {"status": "none", "legal_process_on": "2021-03-11"}},
            "criminal_case.legal_process_on",
            "status is none",
        ),
        (
            {"criminal_case": {"status": "pending", "legal_process_on": "2021-03-01"}},
            "criminal_case.legal_process_on",
            "before incident_date",
        ),
        (
            {"criminal_case": {"status": "pending", "legal_process_on": "2025-01-01"}},
            "criminal_case.legal_process_on",
            "after evaluated_on",
        ),
        (
            {
                "criminal_case": {
                    "status": "dismissed",
                    "resolved_on": "2021-04-01",
                    "legal_process_on": "2021-05-01",
                }
            },
            "criminal_case.legal_process_on",
            "after criminal_case.resolved_on",
        ),
        (
            {"criminal_case": {"status": "pending", "legal_process_on": "2021-02-30"}},
            "criminal_case.legal_process_on",
            "not a real calendar date",
        ),
    ],
)
def test_bad_values(changes: dict, field: str, fragment: str) -> None:
    with pytest.raises(IncidentError) as info:
        parse_incident(incident_data(**changes), today=TODAY)
    msgs = [str(p) for p in info.value.problems if p.field == field]
    assert msgs and any(fragment in m for m in msgs), info.value.problems
