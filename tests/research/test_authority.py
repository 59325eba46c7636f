"""Binding or persuasive for an incident (court hierarchy from courts-db)."""

from __future__ import annotations

import datetime as dt

import pytest

from monell.domain.vocabulary import State
from monell.research.authority import (
    CourtKind,
    Weight,
    binding_courts,
    circuit_for,
    classify,
    court_info,
    supreme_court_id,
)
from monell.research.documents import ResearchDocument

INCIDENT = dt.date(2021, 3, 10)  # a St. Louis (ca8) incident


def doc(
    court: str,
    filed: dt.date | None,
    status: str = "Published",
    opinion_type: str | None = "020lead",
) -> ResearchDocument:
    return ResearchDocument(1, "A v. B", court, filed, status, (), "", opinion_type)


def test_courts_db_kinds() -> None:
    assert supreme_court_id() == "scotus"
    assert court_info("ca8").kind is CourtKind.APPEALS
    assert court_info("cadc").kind is CourtKind.APPEALS
    assert court_info("moed").kind is CourtKind.DISTRICT
    # courts-db types mowd "appellate" but parents it under the district courts.
    assert court_info("mowd").kind is CourtKind.DISTRICT
    assert court_info("mo").kind is CourtKind.STATE
    assert court_info("nosuchcourt").kind is CourtKind.UNKNOWN


def test_missouri_is_in_the_eighth_circuit() -> None:
    assert circuit_for(State.MO) == "ca8"
    assert binding_courts("ca8") == ("scotus", "ca8")


# (court, decided, status, type, expected weight or None for "excluded")
TABLE = [
    ("scotus", dt.date(2015, 11, 9), "Published", "020lead", Weight.BINDING),  # Mullenix
    ("ca8", dt.date(2019, 5, 1), "Published", "010combined", Weight.BINDING),
    ("ca1", dt.date(2010, 10, 25), "Published", "010combined", Weight.PERSUASIVE),  # Raiche
    ("moed", dt.date(2018, 1, 1), "Published", "010combined", Weight.PERSUASIVE),
    ("mo", dt.date(2018, 1, 1), "Published", "010combined", Weight.PERSUASIVE),
    ("ca8", dt.date(2019, 5, 1), "Unpublished", "010combined", Weight.PERSUASIVE),
    ("scotus", dt.date(2015, 11, 9), "Published", "040dissent", Weight.PERSUASIVE),
    ("scotus", dt.date(2021, 10, 18), "Unknown", "010combined", None),  # Tahlequah: after
    ("scotus", INCIDENT, "Published", "020lead", None),  # same day: not "before"
    ("scotus", None, "Published", "020lead", None),  # undated: cannot predate anything
]


@pytest.mark.parametrize(("court", "filed", "status", "kind", "expected"), TABLE)
def test_binding_table(
    court: str, filed: dt.date | None, status: str, kind: str, expected: Weight | None
) -> None:
    got = classify(doc(court, filed, status, kind), "ca8", INCIDENT)
    assert (got.weight if got else None) is expected


def test_unknown_status_binds_but_says_so() -> None:
    got = classify(doc("scotus", dt.date(2018, 1, 22), "Unknown"), "ca8", INCIDENT)
    assert got is not None and got.weight is Weight.BINDING
    assert not got.status_confirmed and "confirm" in got.reason
