"""Leads for staff-side tests, made through the same service the interview uses."""

from __future__ import annotations

from typing import Any

from monell.web.cases.models import Lead
from monell.web.cases.services import create_lead
from tests.core.factories import incident_data

HOSTILE = {
    "name": "Eve\n## In plain words\n![x](https://evil.example/p.png)<script>alert(1)</script>",
    "officer": '=HYPERLINK("https://evil.example")\n# Officer',
    "agency": "PD <img src=x onerror=alert(1)> [click](javascript:alert(1))",
    "narrative": "<b>bold</b>\n\n# Heading\n<iframe src=https://evil.example></iframe>",
}


def lead_with(
    *, name: str = "Rosa Roe", deadline_years_ago: int | None = None, **changes: Any
) -> Lead:
    answers = incident_data(**changes)
    answers.pop("evaluated_on", None)
    return create_lead(
        answers=answers,
        contact={"name": name, "phone": "314-555-0100", "email": "rosa@example.org"},
        consent={"privacy": True, "no_relationship": True},
    )


def hostile_lead() -> Lead:
    return lead_with(
        name=HOSTILE["name"],
        officers=[{"name": HOSTILE["officer"], "badge": "<b>1</b>"}],
        agency={"name": HOSTILE["agency"], "kind": "municipal_police"},
        narrative=HOSTILE["narrative"],
    )
